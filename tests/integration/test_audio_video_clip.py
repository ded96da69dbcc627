"""A rendered dyad clip through `dyadscope extract`: the audio analysis gets the video
tracker's mouth signals (frames table) and its segments match the scripted ones."""

import json

import numpy as np
import pandas as pd
import pytest

from extract.render.clip import render_clip
from extract.render.script import build_script
from models.cli import main


@pytest.mark.slow
def test_rendered_clip_segments_and_mouth_cue(tmp_path):
    script = build_script(sensitivity=0.6, seed=8, duration_s=20)
    render_clip(tmp_path / "dyad.mp4", script, snr_db=20)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "dyad.mp4"), "--out", str(out), "--eaf"]) == 0
    qc = pd.read_csv(out / "qc.csv").iloc[0]
    assert bool(qc.audio_mouth_cue)  # the video table carried adult./infant.mouth_open
    seg = pd.read_csv(out / "clips" / "dyad" / "segments.csv")
    truth = pd.DataFrame(json.loads((tmp_path / "dyad.truth.json").read_text())["segments"])
    assert list(seg.speaker) == list(truth.speaker)
    assert np.abs(seg.start_s - truth.start_s).max() <= 0.05
    assert (
        seg.mouth_logodds * np.where(seg.speaker == "infant", 1, -1) > 0
    ).mean() >= 0.8  # the mouths agree
    assert (out / "clips" / "dyad" / "vocal.eaf").is_file()
    # the ELAN file read back as human codes agrees with the run's own segments
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "behaviours:\n"
        "  - {name: infant_voc, codes: [infant], signal: {segments: infant}}\n"
        "  - {name: adult_voc, codes: [adult], signal: {segments: adult}}\n"
    )
    eaf = out / "clips" / "dyad" / "vocal.eaf"
    assert (
        main(
            [
                "agree",
                str(eaf),
                "--mapping",
                str(mapping),
                "--out",
                str(tmp_path / "agree"),
                "--frames",
                str(out),
            ]
        )
        == 0
    )
    pooled = pd.read_csv(tmp_path / "agree" / "agreement.csv").query("clip_id == 'all'")
    assert len(pooled) == 2 and (pooled.kappa == 1).all() and (pooled.event_f1 == 1).all()

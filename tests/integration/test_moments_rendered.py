"""Positive moments of rendered clips through `dyadscope extract` and `dyadscope moments --export`:
the scripted contingent responses and shared smiles are found within 1 s, and the MP4 excerpts
decode with the right duration (within one frame) and their audio."""

import av
import cv2
import numpy as np
import pandas as pd
import pytest
from moments_fixtures import CONTINGENT, SHARED_SMILES, moments_script

from extract.moments import read_moments
from extract.render.clip import render_clip
from extract.render.script import build_script
from models.cli import main

FPS = 25


def decoded_spans(path) -> tuple[float, float, int]:
    """(video duration: last - first frame time + one frame, audio seconds, audio channels) of an MP4."""
    with av.open(str(path)) as c:
        times = [float(f.pts * f.time_base) for f in c.decode(video=0)]
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        samples = sum(f.samples for f in c.decode(audio=0))
        audio = (samples / stream.rate, stream.channels)
    return times[-1] - times[0] + 1 / FPS, *audio


def _matched(moments: pd.DataFrame, kind: str, start: float, end: float) -> bool:
    """A moment of `kind` starts and ends within 1 s of the scripted start and end."""
    own = moments[moments.kind == kind]
    return bool((((own.start_s - start).abs() <= 1.0) & ((own.end_s - end).abs() <= 1.0)).any())


@pytest.mark.slow
def test_scripted_moments_found_listed_in_elan_and_exported(tmp_path, capsys):
    render_clip(tmp_path / "dyad.mp4", moments_script(seed=0), fps=FPS, snr_db=20)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "dyad.mp4"), "--out", str(out), "--eaf"]) == 0
    clip = out / "clips" / "dyad"
    moments = read_moments(clip)
    # the four scripted moments and nothing else (seeds 0-3 measured alike)
    assert list(moments["rank"]) == [1, 2, 3, 4]
    for i0, _, _, a1 in CONTINGENT:  # the bid's start to the end of the answer
        assert _matched(moments, "contingent_response", i0, a1), (i0, a1, moments)
    for _, a1, i0, _ in SHARED_SMILES:  # the infant joins until the adult stops smiling
        assert _matched(moments, "shared_positive_affect", i0, a1), (i0, a1, moments)
    assert moments.iloc[0].kind == "contingent_response"  # the kind with the largest weight ranks first
    for thumb in moments.thumbnail:
        image = cv2.imread(str(clip / thumb))
        assert max(image.shape[:2]) == 320
    import pympi

    tier = pympi.Elan.Eaf(str(clip / "vocal.eaf")).get_annotation_data_for_tier("moments")
    assert sorted(a for a, *_ in tier) == sorted(int(round(s * 1000)) for s in moments.start_s)
    # the listing and the excerpts
    assert main(["moments", str(out), "--export", str(tmp_path / "ex"), "--pad", "0.5"]) == 0
    listed = capsys.readouterr().out
    assert f"{len(moments)} excerpts" in listed and "1. " in listed
    for m in moments.itertuples():
        video_s, audio_s, channels = decoded_spans(tmp_path / "ex" / f"dyad_{m.rank}_{m.kind}.mp4")
        expected = min(m.end_s + 0.5, 20.0) - max(m.start_s - 0.5, 0.0)
        assert abs(video_s - expected) <= 1 / FPS + 1e-6
        assert abs(audio_s - expected) <= 1 / FPS and channels == 1


def test_excerpts_have_the_asked_duration_and_stay_inside_the_clip(tmp_path):
    render_clip(tmp_path / "c.mp4", build_script(sensitivity=0.5, seed=1, duration_s=4.0), fps=FPS)
    clip = tmp_path / "out" / "clips" / "c"
    clip.mkdir(parents=True)
    pd.DataFrame({"clip_id": ["c"], "path": [str(tmp_path / "c.mp4")]}).to_csv(tmp_path / "out" / "qc.csv")
    pd.DataFrame(
        {
            "rank": [1, 2],
            "kind": ["contingent_response", "mutual_facing"],
            "start_s": [1.03, 3.0],
            "end_s": [2.51, 3.9],
            "score": [1.0, 0.5],
            "description": ["a", "b"],
            "thumbnail": ["", ""],
        }
    ).to_csv(clip / "moments.csv", index=False)
    assert main(["moments", str(tmp_path / "out"), "--export", str(tmp_path / "ex"), "--pad", "0.25"]) == 0
    first = decoded_spans(tmp_path / "ex" / "c_1_contingent_response.mp4")
    assert abs(first[0] - (2.76 - 0.78)) <= 1 / FPS + 1e-6  # 1.98 s of video
    assert abs(first[1] - first[0]) <= 1 / FPS
    last = decoded_spans(tmp_path / "ex" / "c_2_mutual_facing.mp4")
    assert abs(last[0] - (4.0 - 2.75)) <= 1 / FPS + 1e-6  # the pad stops at the clip's end
    assert np.isclose(last[1], last[0], atol=1 / FPS)

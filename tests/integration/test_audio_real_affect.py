"""Vocal types and who vocalizes on the real media against tests/data/real_vocal.csv (89 events
in the 20 Lookit clips and the 3 donateacry cries, annotated from spectrograms and frames; see
tests/data/README.md). These are regression floors at today's measured figures, far below the
affect issue's targets (who F1 >= 0.9 each): the README's Affect section says so."""

from __future__ import annotations

import pandas as pd
import pytest
from media_fixtures import real_media_dir
from real_vocal_scoring import auc, f1_table, frame_counts, infant_laughed, load_annotations

from extract.batch.inputs import ClipInput
from extract.batch.pipeline import extract_clip
from extract.config import Config

pytest.importorskip("mediapipe")
pytestmark = [pytest.mark.media, pytest.mark.slow]

MEDIA, WHY = real_media_dir()


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    if MEDIA is None:
        pytest.skip(WHY)
    ann = load_annotations()
    out = tmp_path_factory.mktemp("affect")
    counts, laugh_s = {}, {}
    for clip in sorted(ann["clip"].unique()):
        hits = sorted(MEDIA.glob(f"*/{clip}.*"))
        if not hits:
            pytest.skip(f"{clip} not in {MEDIA}")
        qc = extract_clip(ClipInput(clip, hits[0]), out, Config(), decoder_threads=1)
        assert qc["status"] in ("ok", "warn"), qc
        seg = pd.read_csv(out / "clips" / clip / "segments.csv")
        counts[clip] = frame_counts(ann[ann["clip"] == clip], seg, float(qc["duration_s"]))
        typed = seg[(seg.speaker == "infant") & (seg.vocal_type == "laugh")]
        laugh_s[clip] = float((typed.end_s - typed.start_s).sum())
    return ann, f1_table(counts), pd.Series(laugh_s)


def test_who_vocalizes_floors(scored):
    _, table, _ = scored
    assert table.loc["who_adult", "truth_s"] > 60 and table.loc["who_infant", "truth_s"] > 10
    assert table.loc["who_adult", "f1"] >= 0.35  # measured 0.41 (target 0.9)
    assert table.loc["who_infant", "recall"] >= 0.6  # measured 0.81
    assert table.loc["ids_called_infant", "share"] <= 0.75  # measured 0.68


def test_infant_laughs_found_and_clip_auc(scored):
    ann, table, laugh_s = scored
    assert table.loc["laugh_infant", "recall"] >= 0.5  # measured 0.76
    laughed = infant_laughed(ann, list(laugh_s.index))
    assert laughed.sum() >= 3 and (laughed == 0).sum() >= 15
    assert auc(laughed, laugh_s) >= 0.65  # measured 0.77 (target 0.9)

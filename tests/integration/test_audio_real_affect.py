"""Vocal types and who vocalizes on the real media against tests/data/real_vocal.csv (89 events
in the 20 Lookit clips and the 3 donateacry cries, annotated from spectrograms and frames; see
tests/data/README.md). These are regression floors at today's measured figures, far below the
affect issue's targets (who F1 >= 0.9 each): the README's Affect section says so."""

from __future__ import annotations

import pytest
from media_fixtures import real_media_dir
from real_vocal_scoring import auc, extract_and_count, f1_table, infant_laughed, load_annotations

from extract.config import Config

pytest.importorskip("mediapipe")
pytestmark = [pytest.mark.media, pytest.mark.slow]

MEDIA, WHY = real_media_dir()


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    if MEDIA is None:
        pytest.skip(WHY)
    ann = load_annotations()
    try:
        counts, clips = extract_and_count(ann, MEDIA, Config(), tmp_path_factory.mktemp("affect"))
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    return ann, f1_table(counts), clips.laugh_s_infant.fillna(0.0)


def test_who_vocalizes_floors(scored):
    _, table, _ = scored
    assert table.loc["who_adult", "truth_s"] > 60 and table.loc["who_infant", "truth_s"] > 10
    assert table.loc["who_adult", "f1"] >= 0.45  # measured 0.48 (0.42 before; target 0.9)
    assert table.loc["who_infant", "recall"] >= 0.7  # measured 0.82
    assert table.loc["ids_called_infant", "share"] <= 0.63  # measured 0.587 (0.655 before)


def test_real_cries_typed(scored):
    _, table, _ = scored
    assert table.loc["cry_infant", "truth_s"] > 8
    assert table.loc["cry_infant", "tp"] > 50  # measured 129 frames, F1 0.09 (0 before the held-timbre term)


def test_infant_laughs_found_and_clip_auc(scored):
    ann, table, laugh_s = scored
    assert table.loc["laugh_infant", "recall"] >= 0.5  # measured 0.80
    laughed = infant_laughed(ann, list(laugh_s.index))
    assert laughed.sum() >= 3 and (laughed == 0).sum() >= 15
    assert auc(laughed, laugh_s) >= 0.7  # measured 0.82 (target 0.9)

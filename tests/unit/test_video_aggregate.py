"""Aggregation of per-frame video signals: known answers, NaN + reason with missing frames."""

from pathlib import Path

import numpy as np
import pandas as pd

from extract.config import Config
from extract.features.affect import affect_specs
from extract.features.episodes import episode_specs
from extract.features.registry import all_feature_specs, clip_features, features_markdown
from extract.features.sync_features import sync_specs
from extract.features.video_aggregate import video_aggregate_specs
from extract.video.columns import FRAME_COLUMNS

ROOT = Path(__file__).resolve().parents[2]


def _table(n=100):
    t = np.arange(n) / 10.0
    table = pd.DataFrame({c.name: np.zeros(n) for c in FRAME_COLUMNS})
    table["t_s"] = t
    table["adult.face_found"] = 1.0
    table["infant.face_found"] = 1.0
    table["adult.smile"] = np.arange(n, dtype=float)  # 0..99
    table["dyad.touch"] = (np.arange(n) < 25).astype(float)
    return table


def test_known_statistics():
    features, notes = clip_features(_table(), None)
    assert features["face.adult.smile.mean"] == 49.5
    assert features["face.adult.smile.p50"] == 49.5
    assert np.isclose(features["face.adult.smile.p10"], 9.9)
    assert np.isclose(features["face.adult.smile.sd"], np.arange(100).std(ddof=1))
    assert features["dyad.touch.share"] == 0.25
    assert np.isclose(features["clip.video.duration_s"], 9.9)
    assert [n for n in notes if n.startswith(("face.", "dyad.", "motion."))] == []


def test_invalid_frames_are_excluded():
    table = _table()
    table.loc[50:, "adult.smile"] = np.nan  # only 0..49 valid
    features, _ = clip_features(table, None)
    assert features["face.adult.smile.mean"] == 24.5


def test_missing_frames_give_nan_and_a_reason_not_zero():
    table = _table()
    table["infant.smile"] = np.nan
    table.loc[5:, "dyad.touch"] = np.nan  # 5 valid frames < 10
    features, notes = clip_features(table, None)
    assert np.isnan(features["face.infant.smile.mean"]) and np.isnan(features["face.infant.smile.p90"])
    assert np.isnan(features["dyad.touch.share"])
    assert any(n.startswith("face.infant.smile: 0 valid of 100") for n in notes)
    assert any(n.startswith("dyad.touch: 5 valid of 100") for n in notes)


def test_emitted_features_match_specs_exactly():
    features, _ = clip_features(_table(), None)
    frame_families = video_aggregate_specs() + sync_specs() + episode_specs() + affect_specs(Config())
    assert set(features) == {s.name for s in frame_families}


def test_every_aspect_has_three_features():
    specs = all_feature_specs()
    for aspect in {s.aspect for s in specs} | {
        "facial expression",
        "vocal expression",
        "position & body contact",
        "affection & arousal",
        "turn-taking contingencies",
        "control",
        "choice of activity",
    }:
        assert sum(s.aspect == aspect for s in specs) >= 3, aspect


def test_docs_features_md_is_up_to_date():
    assert (ROOT / "docs/features.md").read_text() == features_markdown(None), "run: dyadscope features-doc"


def test_models_aspects_reads_the_registry():
    from models.aspects import aspect_mapper

    assert aspect_mapper()("face.adult.smile.mean") == "facial expression"

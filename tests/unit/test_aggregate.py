"""Aggregation over valid frames: known statistics, and NaN plus a reason when data are missing."""

import numpy as np
import pytest

from extract.features.aggregate import events_per_minute, summarise
from extract.features.dictionary import FeatureSpec, render_markdown


def test_statistics_over_valid_frames_only():
    values = np.array([1.0, np.nan, 3.0, 5.0, np.nan, 7.0])
    out, reason = summarise(values, min_valid=3, name="face.adult.smile")
    assert reason is None
    assert out["face.adult.smile.mean"] == 4.0
    assert out["face.adult.smile.sd"] == pytest.approx(np.std([1, 3, 5, 7], ddof=1))
    assert out["face.adult.smile.p50"] == 4.0
    assert out["face.adult.smile.p10"] == pytest.approx(1.6)


def test_too_few_valid_frames_give_nan_and_a_reason_not_zero():
    values = np.array([np.nan, 0.0, np.nan, np.nan])
    out, reason = summarise(values, min_valid=3, name="face.infant.mouth_open")
    assert all(np.isnan(v) for v in out.values()) and len(out) == 5
    assert reason == "face.infant.mouth_open: 1 valid of 4 frames (need 3)"


def test_events_per_minute():
    assert events_per_minute(6, valid_seconds=120, min_valid_s=30, name="smile.shared.onsets") == (
        {"smile.shared.onsets.per_min": 3.0},
        None,
    )
    out, reason = events_per_minute(6, valid_seconds=10, min_valid_s=30, name="x")
    assert np.isnan(out["x.per_min"]) and "10.0 s valid" in reason


def test_dictionary_rejects_unknown_aspects_and_duplicates():
    with pytest.raises(ValueError, match="unknown aspect"):
        FeatureSpec("a.b", "1", "d", "s", "mood")
    spec = FeatureSpec("a.b", "1", "d", "s", "control")
    with pytest.raises(ValueError, match="defined twice"):
        render_markdown([spec, spec])
    text = render_markdown([spec, FeatureSpec("z.y", "s", "d2", "s2", "general", "Boker 2002")])
    assert "## control (1)" in text and "| `z.y` | s | d2 | s2 | Boker 2002 |" in text

"""Turn-taking features: hand-made timelines with exact answers, and scripted synthetic dyads."""

import math

import numpy as np
import pandas as pd
import pytest
from audio_mixtures import SR, synthetic_dyad, truth_table

from extract.audio import analyze_audio
from extract.audio.turns import turn_features
from extract.config import TurnsConfig
from extract.render.script import contingent_response_rate


def _seg(*rows):
    return pd.DataFrame(rows, columns=["start_s", "end_s", "speaker"])


def test_hand_made_timeline():
    seg = _seg(
        (0.0, 1.0, "infant"),
        (1.5, 3.0, "adult"),  # answers within 1 s: turn 1
        (3.4, 4.0, "infant"),  # answers the adult within 1 s: turn 2
        (10.0, 11.0, "infant"),  # 6 s later: no turn
        (
            10.5,
            12.0,
            "adult",
        ),  # overlaps and intrudes (onset inside the infant's): turn 3, no response (onset before offset)
        (13.0, 14.0, "adult"),  # adult monologue continues (1 s gap)
        (20.0, 21.0, "adult"),
    )
    f = turn_features(seg, duration_s=60.0, cfg=TurnsConfig(windows_s=(1.0, 2.0, 5.0)))
    assert f["turns.conversational.count"] == 3
    assert f["turns.conversational.per_min"] == 3.0
    # adult responses to the 3 infant vocalizations: 0.5 s after #1; nothing after #2 until 10.5 (6.5 s); #3
    # -> 13.0 (2 s)
    assert f["turns.contingent_response_1s.count"] == 1 and f[
        "turns.contingent_response_1s.rate"
    ] == pytest.approx(1 / 3)
    assert f["turns.contingent_response_2s.count"] == 2
    assert f["turns.contingent_response_5s.count"] == 2
    # infant responses to the 4 adult vocalizations: 0.4 s after the first; the others none within 5 s
    assert f["turns.infant_response_1s.count"] == 1 and f["turns.infant_response_1s.rate"] == pytest.approx(
        1 / 4
    )
    assert f["turns.adult.response_latency_s.median"] == pytest.approx(1.25)
    assert f["turns.adult.response_latency_s.iqr"] == pytest.approx(0.75)
    assert f["turns.infant.response_latency_s.median"] == pytest.approx(0.4)
    assert f["turns.overlap.count"] == 1 and f["turns.overlap_s.total"] == pytest.approx(0.5)
    assert f["turns.adult.intrusion.count"] == 1 and f["turns.adult.intrusion.rate"] == pytest.approx(1 / 3)
    assert f["turns.adult.vocal_time.share"] == pytest.approx(5.0 / 7.6)
    assert f["turns.adult.monologue_s.max"] == pytest.approx(3.5)  # 10.5-14.0
    assert f["turns.silence.share"] == pytest.approx(1 - 7.1 / 60)


def test_no_vocalizations_gives_zero_counts_and_undefined_rates():
    f = turn_features(_seg(), duration_s=30.0)
    assert f["turns.conversational.count"] == 0
    assert math.isnan(f["turns.contingent_response_2s.rate"])
    assert f["turns.silence.share"] == 1.0


def test_windows_are_configurable_and_named():
    f = turn_features(
        _seg((0, 1, "infant"), (1.2, 2, "adult")), duration_s=10, cfg=TurnsConfig(windows_s=(0.5, 3.0))
    )
    assert f["turns.contingent_response_0p5s.count"] == 1
    assert "turns.contingent_response_3s.rate" in f and "turns.contingent_response_2s.rate" not in f


def test_lena_minimum_child_vocalization():
    seg = _seg((0, 0.4, "infant"), (1.0, 2.0, "adult"))
    assert turn_features(seg, duration_s=10)["turns.conversational.count"] == 1
    assert (
        turn_features(seg, duration_s=10, cfg=TurnsConfig(min_infant_vocalization_s=0.6))[
            "turns.conversational.count"
        ]
        == 0
    )


def _near_edge(truth: pd.DataFrame, window: float, responder: str) -> bool:
    """Does a responder onset fall within 50 ms of a partner offset + window (detection could flip it)?"""
    onsets = truth.start_s[truth.speaker == responder].to_numpy()
    return any(
        np.any(np.abs(onsets - (off + window)) < 0.05) for off in truth.end_s[truth.speaker != responder]
    )


@pytest.mark.parametrize(
    ("sensitivity", "seed", "snr_db"), [(0.2, 31, 15), (0.5, 32, 15), (0.9, 33, 15), (0.7, 34, None)]
)
def test_turn_counts_and_contingency_exactly_as_scripted(sensitivity, seed, snr_db):
    script, y = synthetic_dyad(sensitivity=sensitivity, seed=seed, duration_s=120, snr_db=snr_db)
    truth = truth_table(script)
    got = analyze_audio(y, sample_rate=SR).features
    want = turn_features(truth, duration_s=120)
    assert got["turns.conversational.count"] == want["turns.conversational.count"] > 0
    assert got["turns.contingent_response_2s.rate"] == pytest.approx(
        contingent_response_rate(script.segments)
    )
    for w in ("1", "2", "5"):
        for name, responder in (("contingent_response", "adult"), ("infant_response", "infant")):
            if not _near_edge(truth, float(w), responder):
                assert got[f"turns.{name}_{w}s.count"] == want[f"turns.{name}_{w}s.count"], (name, w)
    assert got["turns.adult.intrusion.count"] == 0 and got["turns.overlap.count"] == 0
    assert got["turns.adult.vocal_time.share"] == pytest.approx(
        want["turns.adult.vocal_time.share"], abs=0.02
    )
    assert got["turns.adult.response_latency_s.median"] == pytest.approx(
        want["turns.adult.response_latency_s.median"], abs=0.05
    )


def test_every_audio_feature_is_in_the_dictionary():
    from extract.audio.dictionary import audio_feature_dictionary

    _, y = synthetic_dyad(sensitivity=0.5, seed=2, duration_s=20, snr_db=20)
    names = set(analyze_audio(y, sample_rate=SR).features)
    entries = audio_feature_dictionary()
    assert names == {e["name"] for e in entries}
    assert all(e["unit"] and e["definition"] and e["aspect"] for e in entries)
    for name in names:
        assert len(name.split(".")) in (3, 4), name

"""DyadScript: deterministic, valid, and shaped by sensitivity the way the docs say."""

from __future__ import annotations

import numpy as np
import pytest

from extract.render.script import F0_RANGE_HZ, MIN_GAP_S, build_script, contingent_response_rate

SEEDS = range(16)


def test_same_inputs_same_script():
    a = build_script(sensitivity=0.4, seed=3, duration_s=15)
    b = build_script(sensitivity=0.4, seed=3, duration_s=15)
    assert a.segments == b.segments
    np.testing.assert_array_equal(a.separation, b.separation)
    np.testing.assert_array_equal(a.adult_smile, b.adult_smile)
    for role in ("adult", "infant"):
        for k in ("dx", "dy", "roll"):
            np.testing.assert_array_equal(a.head[role][k], b.head[role][k])


def test_other_seed_other_script():
    a = build_script(sensitivity=0.4, seed=3, duration_s=15)
    b = build_script(sensitivity=0.4, seed=4, duration_s=15)
    assert a.segments != b.segments


def test_rejects_out_of_range_sensitivity():
    with pytest.raises(ValueError):
        build_script(sensitivity=1.2, seed=0)


@pytest.mark.parametrize("sensitivity", [0.05, 0.5, 0.95])
def test_segments_valid(sensitivity):
    for seed in SEEDS:
        sc = build_script(sensitivity=sensitivity, seed=seed, duration_s=20)
        segs = sorted(sc.segments, key=lambda s: s.start_s)
        assert len(segs) >= 4
        for s in segs:
            assert 0 < s.start_s < s.end_s <= sc.duration_s
            lo, hi = F0_RANGE_HZ[s.speaker]
            assert lo < s.f0_hz < hi
            assert s.syllables[0].start_s == pytest.approx(s.start_s)
            assert s.syllables[-1].end_s == pytest.approx(s.end_s)
        for a, b in zip(segs[:-1], segs[1:], strict=False):
            assert b.start_s - a.end_s >= MIN_GAP_S - 1e-9  # no overlap
        # the mouth follows the voice: open only inside segments, and open inside each
        t = np.arange(0, sc.duration_s, 0.01)
        for role in ("adult", "infant"):
            mouth = sc.mouth_open(role, t)
            assert mouth.min() >= 0 and mouth.max() <= 1
            assert np.all(mouth[~sc.vocalizing(role, t)] == 0)
        for s in segs:
            mid = 0.5 * (s.start_s + s.end_s)
            assert sc.mouth_open(s.speaker, mid)[0] >= 0.35


def _means(sensitivity):
    crr, sep, smile, shared = [], [], [], []
    for seed in SEEDS:
        sc = build_script(sensitivity=sensitivity, seed=seed, duration_s=20)
        c = contingent_response_rate(sc.segments)
        if np.isfinite(c):
            crr.append(c)
        sep.append(sc.separation.mean())
        smile.append(sc.adult_smile.mean())
        shared.append(np.mean((sc.adult_smile > 0.6) & (sc.infant_smile > 0.6)))
    return np.mean(crr), np.mean(sep), np.mean(smile), np.mean(shared)


def test_sensitivity_effects():
    lo, mid, hi = _means(0.1), _means(0.5), _means(0.9)
    # more contingent adult replies (within 2 s of the infant's offset)
    assert lo[0] < mid[0] < hi[0]
    assert hi[0] - lo[0] > 0.4
    # closer (smaller mean separation)
    assert lo[1] > mid[1] > hi[1]
    assert lo[1] - hi[1] > 0.1
    # more adult smiling and more shared smiling
    assert lo[2] < mid[2] < hi[2]
    assert lo[3] < hi[3]


def test_contingent_flags_match_rate():
    sc = build_script(sensitivity=0.9, seed=1, duration_s=30)
    infant = [s for s in sc.segments if s.speaker == "infant"]
    replies = [s for s in sc.segments if s.contingent]
    assert len(replies) / len(infant) == pytest.approx(contingent_response_rate(sc.segments))
    for r in replies:
        prev = max((s for s in infant if s.end_s <= r.start_s), key=lambda s: s.end_s)
        assert 0.3 - 1e-6 <= r.start_s - prev.end_s <= 1.5 + 1e-6


def test_infant_head_follows_adult_more_in_sensitive_dyads():
    from extract.render.script import CONTROL_HZ, HEAD_LAG_S

    lag = int(HEAD_LAG_S * CONTROL_HZ)

    def lagged_r(sensitivity):
        rs = []
        for seed in SEEDS:
            sc = build_script(sensitivity=sensitivity, seed=seed, duration_s=60)
            for k in ("dx", "dy", "roll"):
                rs.append(np.corrcoef(sc.head["adult"][k][:-lag], sc.head["infant"][k][lag:])[0, 1])
        return float(np.median(rs))

    low, high = lagged_r(0.0), lagged_r(1.0)
    assert abs(low - 0.1) < 0.1 and abs(high - 0.9) < 0.1, (low, high)

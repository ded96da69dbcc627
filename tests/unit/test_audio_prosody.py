"""Prosody per speaker against the synthetic voices' scripted F0, and the infant-directed-speech
indicators."""

import numpy as np
import pytest
from audio_mixtures import SR, synthetic_dyad

from extract.audio import analyze_audio
from extract.render import voices
from extract.render.script import build_script


def _truth_f0(script, role):
    t = np.arange(0, script.duration_s, 0.01)
    parts = [
        voices.f0_contour(s, t[(t >= s.start_s + 0.03) & (t < s.end_s - 0.05)])
        for s in script.segments
        if s.speaker == role
    ]
    return np.concatenate(parts)


@pytest.mark.parametrize("snr_db", [None, 15])
def test_f0_statistics_per_speaker_match_the_script(snr_db):
    script, y = synthetic_dyad(sensitivity=0.5, seed=51, duration_s=90, snr_db=snr_db)
    f = analyze_audio(y, sample_rate=SR).features
    for role in ("adult", "infant"):
        f0 = _truth_f0(script, role)
        assert f[f"voice.{role}.f0_hz.mean"] == pytest.approx(f0.mean(), rel=0.02)
        assert f[f"voice.{role}.f0_hz.sd"] == pytest.approx(f0.std(), rel=0.15)
        st = 12 * np.log2(f0 / 100)
        assert f[f"voice.{role}.f0_st.mean"] == pytest.approx(st.mean(), abs=0.3)
        assert f[f"voice.{role}.f0_st.range"] == pytest.approx(
            np.subtract(*np.percentile(st, [95, 5])), abs=1.0
        )
        assert f[f"voice.{role}.voiced.share"] >= 0.9
        assert f[f"voice.{role}.segments.count"] == sum(s.speaker == role for s in script.segments)


def test_infant_directed_speech_indicators_follow_the_adult_baseline():
    """Every other adult segment 6 st above the adult's usual 200 Hz: half the segments
    are infant-directed-like, raised by ~6 st over the baseline."""
    script = build_script(sensitivity=0.5, seed=52, duration_s=90)
    adult = [s for s in script.segments if s.speaker == "adult"]
    raised = {id(s) for s in adult[1::2]}
    segs = tuple(
        type(s)(**{**s.__dict__, "f0_hz": 200.0 * (2**0.5 if id(s) in raised else 1.0), "f0_shape": 0.0})
        if s.speaker == "adult"
        else s
        for s in script.segments
    )
    script = type(script)(**{**script.__dict__, "segments": segs})
    y = voices.synth_track(script, sample_rate=SR, snr_db=20)
    result = analyze_audio(y, sample_rate=SR)
    f = result.features
    assert f["voice.adult.ids_like.share"] == pytest.approx(len(raised) / len(adult))
    assert f["voice.adult.f0_rel_baseline_st.max"] == pytest.approx(6.0, abs=0.5)
    assert f["voice.adult.f0_rel_baseline_st.mean"] == pytest.approx(6.0 * len(raised) / len(adult), abs=0.5)
    seg = result.segments[result.segments.speaker == "adult"]
    assert (
        seg.f0_rel_baseline_st.iloc[1] == pytest.approx(6.0, abs=0.5)
        and abs(seg.f0_rel_baseline_st.iloc[0]) < 0.5
    )

"""Synthesized voices: F0 in the scripted range per speaker, onsets where the script puts them."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from extract.render.script import F0_RANGE_HZ, build_script
from extract.render.voices import f0_contour, synth_track

SR = 16000


@pytest.fixture(scope="module")
def clip():
    script = build_script(sensitivity=0.6, seed=5, duration_s=20)
    return script, synth_track(script, sample_rate=SR)


def test_track_shape_and_range(clip):
    script, y = clip
    assert y.dtype == np.float32
    assert len(y) == int(np.ceil(script.duration_s * SR))
    assert np.abs(y).max() <= 1.0
    assert np.abs(y).max() > 0.1


def test_silent_between_segments(clip):
    script, y = clip
    t = np.arange(len(y)) / SR
    voiced = np.zeros(len(y), bool)
    for s in script.segments:
        voiced |= (t >= s.start_s - 0.002) & (t <= s.end_s + 0.002)
    assert np.abs(y[~voiced]).max() < 1e-6


def test_f0_in_scripted_range_per_speaker(clip):
    script, y = clip
    speakers = set()
    for seg in script.segments:
        i0, i1 = int((seg.start_s + 0.06) * SR), int((seg.end_s - 0.06) * SR)
        lo, hi = F0_RANGE_HZ[seg.speaker]
        f0 = librosa.yin(y[i0:i1], fmin=120, fmax=900, sr=SR, frame_length=1024, hop_length=160)
        f0 = f0[2:-2]
        t = (seg.start_s + 0.06) + np.arange(len(f0)) * 160 / SR + 512 / SR
        expected = f0_contour(seg, t)
        # measured pitch: mostly inside the speaker's range and on the scripted contour (within 4%)
        assert np.mean((f0 >= lo * 0.97) & (f0 <= hi * 1.03)) > 0.9, (seg, np.median(f0))
        assert np.median(np.abs(f0 / expected - 1)) < 0.04, (seg, np.median(f0), np.median(expected))
        speakers.add(seg.speaker)
    assert speakers == {"adult", "infant"}


def _energy_onset(y: np.ndarray, *, search_from: int, ref_db: float) -> float:
    """First time (s) after `search_from` where 2.5 ms frame energy exceeds ref_db - 30 dB."""
    hop = 40
    seg = y[search_from:]
    n = len(seg) // hop
    e = 10 * np.log10(np.mean(seg[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-14)
    k = int(np.argmax(e > ref_db - 30))
    return (search_from + k * hop + hop / 2) / SR


def test_onsets_within_10_ms(clip):
    script, y = clip
    for seg in script.segments:
        i0, i1 = int(seg.start_s * SR), int(seg.end_s * SR)
        ref = 10 * np.log10(np.mean(y[i0:i1] ** 2))
        onset = _energy_onset(y, search_from=max(0, i0 - int(0.2 * SR)), ref_db=ref)
        assert abs(onset - seg.start_s) < 0.010, (seg.speaker, seg.start_s, onset)


def test_background_noise_at_snr():
    script = build_script(sensitivity=0.5, seed=2, duration_s=10)
    clean = synth_track(script, sample_rate=SR).astype(np.float64)
    noisy = synth_track(script, sample_rate=SR, snr_db=20).astype(np.float64)
    noise = noisy - clean
    voiced = np.abs(clean) > 1e-4
    snr = 10 * np.log10(np.mean(clean[voiced] ** 2) / np.mean(noise**2))
    assert snr == pytest.approx(20, abs=0.5)
    np.testing.assert_array_equal(noisy, synth_track(script, sample_rate=SR, snr_db=20))  # deterministic

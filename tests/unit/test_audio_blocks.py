"""Audio frame measures computed in blocks: the same numbers as in one piece, memory flat with length."""

from __future__ import annotations

import tracemalloc

import numpy as np

from extract.audio import frames as audio_frames
from extract.audio import vocal_type
from extract.audio.frames import frame_features
from extract.audio.vocal_type import type_frames

RATE = 16000


def _noise(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.1 * rng.standard_normal(len(t)) + 0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_blocks_give_the_numbers_of_one_piece(monkeypatch):
    y = _noise(50.0)  # 5001 frames: two full blocks of 2048 and a partial one
    blocked_ff, blocked_tf = frame_features(y, sample_rate=RATE), type_frames(y, sample_rate=RATE, hop_s=0.01)
    monkeypatch.setattr(audio_frames, "CHUNK_FRAMES", 10**9)
    monkeypatch.setattr(vocal_type, "CHUNK_FRAMES", 10**9)
    whole_ff, whole_tf = frame_features(y, sample_rate=RATE), type_frames(y, sample_rate=RATE, hop_s=0.01)
    assert len(blocked_ff.band_db) == 5001
    for name in ("band_db", "centroid_hz", "flatness"):
        np.testing.assert_allclose(getattr(blocked_ff, name), getattr(whole_ff, name), rtol=1e-12)
    np.testing.assert_allclose(blocked_tf.energy_db, whole_tf.energy_db, rtol=1e-6)
    np.testing.assert_allclose(blocked_tf.mfcc, whole_tf.mfcc, rtol=1e-6, atol=1e-6)


def test_memory_stays_flat_with_clip_length():
    peaks = []
    for seconds in (60.0, 600.0):
        y = _noise(seconds)
        tracemalloc.start()
        frame_features(y, sample_rate=RATE)
        type_frames(y, sample_rate=RATE, hop_s=0.01)
        peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    # in one piece 10 minutes took about 650 MB; in blocks the outputs and one padded copy remain
    assert peaks[1] < 120 and peaks[1] - peaks[0] < 100, peaks

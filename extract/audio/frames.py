"""Short-time frames of a mono signal on the clip clock: band energy and spectral shape.

Frame i is centred at t = i * hop_s (the signal is zero-padded by half a window at both
ends), so frame times line up with segment boundaries without an offset. Spectral measures
use only 0-4 kHz so 8 kHz telephone or cry recordings and 16 kHz recordings look alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BAND_HZ = (100.0, 4000.0)  # speech band for energy, centroid and flatness


@dataclass(frozen=True)
class FrameFeatures:
    """Per-frame measures; every array is (n_frames,) and frame i is at times_s[i]."""

    times_s: np.ndarray
    band_db: np.ndarray  # power in BAND_HZ, dB re full scale (a 0 dBFS sine ~ 0 dB)
    centroid_hz: np.ndarray  # spectral centroid within BAND_HZ
    flatness: np.ndarray  # spectral flatness within BAND_HZ, 0 (tonal) .. 1 (white)
    hop_s: float


CHUNK_FRAMES = 2048  # frames per block of the spectra (about 8 MB of float64 power at 512-point FFTs)


def frame_signal(y: np.ndarray, *, frame_length: int, hop_length: int) -> np.ndarray:
    """Centred frames of `y` (n,): a read-only (n_frames, frame_length) view, n_frames = 1 + n // hop."""
    pad = frame_length // 2
    padded = np.pad(np.asarray(y, dtype=np.float32), (pad, pad + frame_length))
    n_frames = 1 + len(y) // hop_length
    return np.lib.stride_tricks.sliding_window_view(padded, frame_length)[::hop_length][:n_frames]


def frame_features(
    y: np.ndarray, *, sample_rate: int, hop_s: float = 0.01, window_s: float = 0.032
) -> FrameFeatures:
    """Band energy, spectral centroid and flatness of `y` (n,) every `hop_s` seconds."""
    hop = max(1, int(round(hop_s * sample_rate)))
    n_fft = int(2 ** np.ceil(np.log2(window_s * sample_rate)))
    frames = frame_signal(y, frame_length=n_fft, hop_length=hop)
    window = np.hanning(n_fft).astype(np.float32)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    band = (freqs >= BAND_HZ[0]) & (freqs <= min(BAND_HZ[1], sample_rate / 2))
    norm = (window.sum() ** 2) / 2.0  # a full-scale sine gives ~0 dB
    band_db, centroid, flatness = (np.empty(len(frames)) for _ in range(3))
    for a in range(0, len(frames), CHUNK_FRAMES):  # in blocks: memory stays flat with clip length
        power = np.abs(np.fft.rfft(frames[a : a + CHUNK_FRAMES] * window, axis=1)) ** 2
        p = power[:, band].astype(np.float64) + 1e-12
        total = p.sum(axis=1)
        band_db[a : a + CHUNK_FRAMES] = 10 * np.log10(total / norm + 1e-12)
        centroid[a : a + CHUNK_FRAMES] = (p * freqs[band]).sum(axis=1) / total
        flatness[a : a + CHUNK_FRAMES] = np.exp(np.mean(np.log(p), axis=1)) / np.mean(p, axis=1)
    times = np.arange(len(frames)) * hop / sample_rate
    return FrameFeatures(
        times_s=times, band_db=band_db, centroid_hz=centroid, flatness=flatness, hop_s=hop / sample_rate
    )

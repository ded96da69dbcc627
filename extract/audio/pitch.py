"""Fundamental frequency (F0) and voicing per frame: a vectorised YIN (de Cheveigne & Kawahara 2002).

Chosen by measurement (benchmarks/audio_speed.py): librosa's pyin is accurate but about
10x slower than real time budgets allow, librosa's yin has no voicing decision. This YIN
returns F0, the aperiodicity (the minimum of the cumulative-mean-normalised difference,
0 = perfectly periodic) and a voicing flag, on the same frame grid as frames.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from extract.audio.frames import frame_signal
from extract.config import PitchConfig


@dataclass(frozen=True)
class PitchTrack:
    """Per-frame pitch; arrays (n_frames,), frame i centred at times_s[i]."""

    times_s: np.ndarray
    f0_hz: np.ndarray  # nan where unvoiced
    aperiodicity: np.ndarray  # 0 (periodic) .. ~1 (noise)
    voiced: np.ndarray  # bool


def _cmndf(frames: np.ndarray, *, max_period: int) -> np.ndarray:
    """Cumulative-mean-normalised difference, (n_frames, max_period + 1), lag 0 set to 1."""
    n_frames, length = frames.shape
    win = length - max_period
    n_fft = int(2 ** np.ceil(np.log2(length + win)))
    x = np.fft.rfft(frames, n_fft, axis=1)
    head = np.fft.rfft(frames[:, :win][:, ::-1], n_fft, axis=1)
    acf = np.fft.irfft(x * head, n_fft, axis=1)[:, win - 1 : win + max_period]  # r(tau), tau=0..max_period
    sq = np.cumsum(np.pad(frames.astype(np.float64) ** 2, ((0, 0), (1, 0))), axis=1)
    energy = sq[:, win : win + max_period + 1] - sq[:, : max_period + 1]  # sum x[tau : tau+win]^2
    diff = energy[:, :1] + energy - 2 * acf
    diff[:, 0] = 0.0
    diff = np.maximum(diff, 0.0)
    cum = np.cumsum(diff[:, 1:], axis=1) / np.arange(1, max_period + 1)
    out = np.ones_like(diff)
    out[:, 1:] = diff[:, 1:] / (cum + 1e-12)
    return out


def track_pitch(
    y: np.ndarray,
    *,
    sample_rate: int,
    hop_s: float = 0.01,
    cfg: PitchConfig | None = None,
    min_db: float = -60.0,
    octave_margin: float = 0.2,
    jump_st: float = 5.0,
) -> PitchTrack:
    """F0 of `y` (n,) every `hop_s` s (frames centred like frames.frame_features).

    cfg: the audio.pitch section (default config when None): fmin_hz..fmax_hz the F0 search range;
    threshold: YIN absolute threshold (first dip below it is the period);
    voicing_threshold: frames whose aperiodicity is above it are unvoiced;
    min_db: frames quieter than this (dB re full scale) are unvoiced;
    octave_margin: a dip this close to the deepest one is taken when it comes first;
    jump_st: frames further than this (semitones) from the median of their 15-frame (150 ms)
    neighbourhood are unvoiced (0 keeps them).
    """
    cfg = cfg if cfg is not None else PitchConfig()
    fmin_hz, fmax_hz, threshold, voicing_threshold = (
        cfg.fmin_hz,
        cfg.fmax_hz,
        cfg.threshold,
        cfg.voicing_threshold,
    )
    hop = max(1, int(round(hop_s * sample_rate)))
    min_period = max(2, int(np.floor(sample_rate / fmax_hz)))
    max_period = int(np.ceil(sample_rate / fmin_hz))
    length = 2 * max_period + 16
    frames = frame_signal(y, frame_length=length, hop_length=hop)
    n = len(frames)
    f0 = np.full(n, np.nan)
    aper = np.ones(n)
    chunk = 1024  # bound memory on long clips
    for start in range(0, n, chunk):
        fr = frames[start : start + chunk].astype(np.float64)
        d = _cmndf(fr, max_period=max_period)[:, min_period:]  # lag = index + min_period
        # a dip within `octave_margin` of the deepest one counts too: noise lifts the dip at the
        # true period about as much as the one at twice the period (avoids halving errors)
        below = d < np.maximum(threshold, d.min(axis=1, keepdims=True) + octave_margin)
        # first local minimum below threshold, else the global minimum
        is_min = np.zeros_like(below)
        is_min[:, 1:-1] = (d[:, 1:-1] <= d[:, :-2]) & (d[:, 1:-1] <= d[:, 2:])
        cand = below & is_min
        has = cand.any(axis=1)
        idx = np.where(has, np.argmax(cand, axis=1), np.argmin(d, axis=1))
        rows = np.arange(len(d))
        # parabolic interpolation
        i0 = np.clip(idx, 1, d.shape[1] - 2)
        a, b, c = d[rows, i0 - 1], d[rows, i0], d[rows, i0 + 1]
        denom = a - 2 * b + c
        ok = np.abs(denom) > 1e-12
        shift = np.divide(0.5 * (a - c), denom, out=np.zeros_like(denom), where=ok)
        shift = np.where((idx == i0), np.clip(shift, -1, 1), 0.0)
        period = idx + min_period + shift
        aper[start : start + chunk] = d[rows, idx]
        f0[start : start + chunk] = sample_rate / period
        rms_db = 10 * np.log10(np.mean(fr**2, axis=1) + 1e-12) + 3.0
        aper[start : start + chunk][rms_db < min_db] = 1.0
    voiced = aper < voicing_threshold
    f0 = np.where(voiced, f0, np.nan)
    if jump_st > 0 and len(f0):  # isolated octave/fifth jumps (onsets, offsets) become unvoiced
        st = 12 * np.log2(f0)
        local = pd.Series(st).rolling(15, center=True, min_periods=5).median().to_numpy()
        jump = np.isfinite(st) & np.isfinite(local) & (np.abs(st - local) > jump_st)
        f0[jump], voiced[jump] = np.nan, False
    times = np.arange(n) * hop / sample_rate
    return PitchTrack(times_s=times, f0_hz=f0, aperiodicity=aper, voiced=voiced)


def hz_to_st(f_hz: np.ndarray | float, *, ref_hz: float = 100.0) -> np.ndarray:
    """Semitones re `ref_hz` (nan stays nan)."""
    return 12.0 * np.log2(np.asarray(f_hz, dtype=np.float64) / ref_hz)

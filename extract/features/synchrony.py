"""Windowed lagged cross-correlation (Boker, Xu, Rotondo & King, 2002) with a surrogate baseline.

Adult signal x and infant signal y on one regular time grid. For each window of x
(size `window_s`, moved by `step_s`), r(tau) = corr(x[t], y[t + tau]) for lags
tau in [-max_lag_s, max_lag_s] by `lag_step_s`; the peak of r over lags gives the window's
peak r and its lag. tau > 0: the infant follows the adult (the adult leads).
Synchrony above chance is a z-score against circularly shifted copies of y, which keep each
signal's own autocorrelation and destroy only their alignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@dataclass(frozen=True)
class SyncResult:
    peak_r: np.ndarray  # (n_windows,) peak correlation per window (NaN: too little valid data)
    peak_lag_s: np.ndarray  # (n_windows,) lag at the peak (s); > 0 adult leads
    surrogate_mean_peak_r: np.ndarray  # (n_surrogates,) mean peak r of each shifted copy

    def summary(self) -> dict[str, float]:
        """Clip-level statistics; NaN where no window had enough valid data."""
        valid = ~np.isnan(self.peak_r)
        if not valid.any():
            return dict.fromkeys(SUMMARY_KEYS, np.nan)
        r, lag = self.peak_r[valid], self.peak_lag_s[valid]
        mean_r = float(r.mean())
        surr = self.surrogate_mean_peak_r[~np.isnan(self.surrogate_mean_peak_r)]
        z = (mean_r - surr.mean()) / surr.std(ddof=1) if len(surr) > 2 and surr.std(ddof=1) > 0 else np.nan
        return {
            "peak_r.mean": mean_r,
            "peak_r.sd": float(r.std(ddof=1)) if len(r) > 1 else np.nan,
            "peak_lag_s.mean": float(lag.mean()),
            "peak_lag_s.sd": float(lag.std(ddof=1)) if len(lag) > 1 else np.nan,
            "adult_leads.share": float(np.mean(lag > 0)),
            "infant_leads.share": float(np.mean(lag < 0)),
            "peak_r.z_vs_surrogate": float(z),
            "windows.count": float(valid.sum()),
        }


SUMMARY_KEYS = (
    "peak_r.mean",
    "peak_r.sd",
    "peak_lag_s.mean",
    "peak_lag_s.sd",
    "adult_leads.share",
    "infant_leads.share",
    "peak_r.z_vs_surrogate",
    "windows.count",
)


def resample_regular(
    t_s: np.ndarray, values: np.ndarray, *, fs: float, max_gap_s: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Linear interpolation of an irregularly timed signal onto a grid at `fs` Hz.

    t_s, values: (n,) with NaN for missing samples. Grid points farther than `max_gap_s`
    from any valid sample stay NaN. Returns (grid_t (m,), grid_values (m,))."""
    t_s, values = np.asarray(t_s, float), np.asarray(values, float)
    ok = ~np.isnan(values)
    grid = np.arange(t_s[0], t_s[-1] + 1e-9, 1.0 / fs) if len(t_s) else np.zeros(0)
    if ok.sum() < 2:
        return grid, np.full(len(grid), np.nan)
    out = np.interp(grid, t_s[ok], values[ok])
    nearest = (
        np.abs(grid[:, None] - t_s[ok][None, :]).min(axis=1)
        if len(grid) * ok.sum() < 5e7
        else np.zeros(len(grid))
    )
    out[nearest > max_gap_s] = np.nan
    return grid, out


def _rowwise_r(a: np.ndarray, b: np.ndarray, min_valid: int) -> np.ndarray:
    """Pearson r of each row pair over samples valid in both; NaN when fewer than min_valid
    or a constant row. a, b: (..., w) -> (...)."""
    valid = ~(np.isnan(a) | np.isnan(b))
    n = valid.sum(-1)
    a0, b0 = np.where(valid, a, 0.0), np.where(valid, b, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma, mb = a0.sum(-1) / n, b0.sum(-1) / n
        da = np.where(valid, a0 - ma[..., None], 0.0)
        db = np.where(valid, b0 - mb[..., None], 0.0)
        r = (da * db).sum(-1) / np.sqrt((da * da).sum(-1) * (db * db).sum(-1))
    r[(n < min_valid) | ~np.isfinite(r)] = np.nan
    return r


def _peaks(
    x: np.ndarray, y: np.ndarray, *, w: int, step: int, lags: np.ndarray, min_valid: int
) -> tuple[np.ndarray, np.ndarray]:
    max_lag = int(np.abs(lags).max())
    starts = np.arange(max_lag, len(x) - w - max_lag + 1, step)
    if len(starts) == 0:
        return np.zeros(0), np.zeros(0)
    xw = sliding_window_view(x, w)[starts]  # (n_win, w)
    yw = sliding_window_view(y, w)  # (len - w + 1, w)
    r = np.stack([_rowwise_r(xw, yw[starts + lag], min_valid) for lag in lags], axis=1)  # (n_win, n_lags)
    has = ~np.all(np.isnan(r), axis=1)
    best = np.zeros(len(starts), int)
    best[has] = np.nanargmax(r[has], axis=1)
    peak_r = np.where(has, r[np.arange(len(starts)), best], np.nan)
    return peak_r, lags[best].astype(float)


def windowed_sync(
    x: np.ndarray,
    y: np.ndarray,
    *,
    fs: float,
    window_s: float = 5.0,
    step_s: float = 1.0,
    max_lag_s: float = 2.0,
    lag_step_s: float = 0.1,
    min_valid_share: float = 0.8,
    n_surrogates: int = 40,
    seed: int = 0,
) -> SyncResult:
    """Windowed lagged cross-correlation of adult `x` and infant `y`, both (n,) at `fs` Hz
    with NaN for missing samples, plus `n_surrogates` circular-shift baselines."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    w, step = max(2, int(round(window_s * fs))), max(1, int(round(step_s * fs)))
    lag_step = max(1, int(round(lag_step_s * fs)))
    max_lag = int(round(max_lag_s * fs)) // lag_step * lag_step
    lags = np.arange(-max_lag, max_lag + 1, lag_step)
    min_valid = max(3, int(np.ceil(min_valid_share * w)))
    peak_r, peak_lag = _peaks(x, y, w=w, step=step, lags=lags, min_valid=min_valid)
    rng = np.random.default_rng(seed)
    n = len(y)
    low = min(n - 1, max(w + max_lag, 1))  # shifts far enough to break the alignment
    surrogate = np.full(n_surrogates, np.nan)
    for k in range(n_surrogates if n > 2 * low else 0):
        shifted = np.roll(y, int(rng.integers(low, n - low + 1)))
        r_k, _ = _peaks(x, shifted, w=w, step=step, lags=lags, min_valid=min_valid)
        surrogate[k] = np.nanmean(r_k) if np.any(~np.isnan(r_k)) else np.nan
    return SyncResult(peak_r=peak_r, peak_lag_s=peak_lag / fs, surrogate_mean_peak_r=surrogate)


def configured_sync(x: np.ndarray, y: np.ndarray, cfg, *, surrogates: bool = True) -> SyncResult:
    """windowed_sync with the `sync` config section's settings (no surrogates when not needed)."""
    return windowed_sync(
        x,
        y,
        fs=cfg.fs,
        window_s=cfg.window_s,
        step_s=cfg.step_s,
        max_lag_s=cfg.max_lag_s,
        lag_step_s=cfg.lag_step_s,
        min_valid_share=cfg.min_valid_share,
        n_surrogates=cfg.n_surrogates if surrogates else 0,
        seed=cfg.seed,
    )

"""Windowed lagged cross-correlation on signal pairs with a known lag and coupling."""

import numpy as np
import pytest

from extract.features.synchrony import resample_regular, windowed_sync

FS = 10.0
N = 1800  # 3 minutes at 10 Hz


def _ar1(n: int, phi: float, rng) -> np.ndarray:
    e = rng.normal(size=n)
    x = np.zeros(n)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return (x - x.mean()) / x.std()


def _coupled_pair(*, lag_s: float, coupling: float, seed: int):
    """y(t) = coupling * x(t - lag) + sqrt(1 - coupling^2) * noise: true r = coupling."""
    rng = np.random.default_rng(seed)
    x, noise = _ar1(N + 100, 0.6, rng), _ar1(N + 100, 0.6, rng)
    y = coupling * np.roll(x, int(round(lag_s * FS))) + np.sqrt(1 - coupling**2) * noise
    return x[50 : 50 + N], y[50 : 50 + N]


@pytest.mark.parametrize(("lag_s", "coupling"), [(0.8, 0.8), (-0.5, 0.7), (0.0, 0.9), (1.5, 0.6)])
def test_recovers_lag_and_peak_r(lag_s, coupling):
    x, y = _coupled_pair(lag_s=lag_s, coupling=coupling, seed=3)
    summary = windowed_sync(x, y, fs=FS, lag_step_s=0.1).summary()
    assert summary["peak_lag_s.mean"] == pytest.approx(lag_s, abs=0.1)  # within one lag step
    assert summary["peak_r.mean"] == pytest.approx(coupling, abs=0.05)
    assert summary["peak_r.z_vs_surrogate"] > 10


@pytest.mark.parametrize(("lag_s", "leader"), [(0.6, "adult"), (-0.6, "infant")])
def test_leader_share_follows_the_sign_of_the_lag(lag_s, leader):
    x, y = _coupled_pair(lag_s=lag_s, coupling=0.7, seed=5)
    summary = windowed_sync(x, y, fs=FS).summary()
    follower = "infant" if leader == "adult" else "adult"
    assert summary[f"{leader}_leads.share"] > 0.9 > summary[f"{follower}_leads.share"]


def test_independent_signals_are_not_above_chance():
    z = []
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        z.append(
            windowed_sync(_ar1(N, 0.6, rng), _ar1(N, 0.6, rng), fs=FS, seed=seed).summary()[
                "peak_r.z_vs_surrogate"
            ]
        )
    z = np.array(z)
    assert np.mean(np.abs(z) < 2) >= 0.9
    assert abs(z.mean()) < 0.6


def test_missing_data_gives_nan_not_zero():
    x, y = _coupled_pair(lag_s=0.3, coupling=0.8, seed=1)
    y[:] = np.nan
    summary = windowed_sync(x, y, fs=FS).summary()
    assert all(np.isnan(v) for v in summary.values())
    x, y = _coupled_pair(lag_s=0.3, coupling=0.8, seed=1)
    y[: N // 2] = np.nan  # first half missing: only the second half's windows count
    result = windowed_sync(x, y, fs=FS)
    assert np.isnan(result.peak_r[:50]).all() and not np.isnan(result.peak_r[-50:]).any()
    assert result.summary()["peak_lag_s.mean"] == pytest.approx(0.3, abs=0.1)


def test_resample_regular_keeps_gaps_missing():
    t = np.array([0.0, 0.1, 0.25, 0.3, 2.0, 2.1])
    v = np.array([0.0, 1.0, 2.5, 3.0, 20.0, 21.0])
    grid, out = resample_regular(t, v, fs=10, max_gap_s=0.3)
    assert grid[0] == 0 and grid[-1] == pytest.approx(2.1)
    assert out[2] == pytest.approx(2.0)
    assert np.isnan(out[10]) and out[20] == pytest.approx(20.0)

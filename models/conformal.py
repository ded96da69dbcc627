"""Conformal prediction intervals (CV+ over dyad-grouped folds) and band probabilities.

CV+ (Barber et al. 2021, "jackknife+" with K folds): every training clip i has an
out-of-fold residual R_i from the model fitted without its fold k(i). For a new clip x,
lower = the floor(a(n+1))-th smallest of mu_{-k(i)}(x) - |R_i| and upper = the
ceil((1-a)(n+1))-th smallest of mu_{-k(i)}(x) + |R_i| (a = 1 - level). Folds hold out whole
dyads, so the residuals are those of unseen dyads. The same n values mu_{-k(i)}(x) + e_i
with signed residuals e_i form a predictive distribution whose shares in each band give
the band probabilities (they sum to 1 because the bands partition the line).
The ranks are computed in exact arithmetic (`conformal_ranks`); the intervals equal MAPIE's
CrossConformalRegressor(method="plus") on the same folds (tests/unit/test_models_reference.py).

Hand-rolled rather than MAPIE: we need the fold models and signed residuals themselves
(band probabilities, nested coverage in `models.coverage`), which MAPIE does not expose.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

CHUNK = 2000  # test rows per block: memory stays O(CHUNK x n_train)


def _order_stat(values: np.ndarray, k: int) -> np.ndarray:
    """k-th smallest (1-based) along axis 1; -inf/inf when k is out of range."""
    n = values.shape[1]
    if k < 1:
        return np.full(values.shape[0], -np.inf)
    if k > n:
        return np.full(values.shape[0], np.inf)
    return np.partition(values, k - 1, axis=1)[:, k - 1]


def exact_level(level: float) -> Fraction:
    """The level as the decimal fraction it was written as (0.9 -> 9/10), so that ranks like
    floor((1 - level)(n + 1)) are not one off where float arithmetic gives 0.0999...98 x 40."""
    return Fraction(level).limit_denominator(10**9)


def conformal_ranks(n: int, level: float) -> tuple[int, int]:
    """1-based ranks (floor(a(n+1)), ceil((1-a)(n+1))) of the CV+ bounds, a = 1 - level, exact."""
    alpha = 1 - exact_level(level)
    return math.floor(alpha * (n + 1)), math.ceil((1 - alpha) * (n + 1))


def cv_plus_interval(
    fold_pred: np.ndarray, fold_of: np.ndarray, residuals: np.ndarray, *, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """CV+ interval. fold_pred: (n_test, K) predictions of the K fold models; fold_of: (n,)
    fold of each training clip; residuals: (n,) out-of-fold y - prediction. Returns (lower, upper)."""
    k_lo, k_hi = conformal_ranks(len(residuals), level)
    r = np.abs(residuals)
    return _chunked(fold_pred, fold_of, lambda mu: (_order_stat(mu - r, k_lo), _order_stat(mu + r, k_hi)))


def _chunked(fold_pred: np.ndarray, fold_of: np.ndarray, bounds) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) of `bounds(mu)` over row chunks of the (n_test, n_train) fold predictions
    mu (memory stays bounded for large batches)."""
    lower, upper = [], []
    for start in range(0, len(fold_pred), CHUNK):
        lo, hi = bounds(fold_pred[start : start + CHUNK][:, fold_of])
        lower.append(lo)
        upper.append(hi)
    return np.concatenate(lower) if lower else np.empty(0), np.concatenate(upper) if upper else np.empty(0)


def conformal_sets(
    fold_pred: np.ndarray, fold_of: np.ndarray, residuals: np.ndarray, *, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Cross-conformal prediction sets for a binary scale, the classification analogue of CV+
    (Romano, Sesia & Candes 2020): fold_pred are the fold models' P(1), residuals y - p out of
    fold, so |R_i| = 1 - p(y_i) is each training clip's nonconformity. Value v joins the set of
    x when fewer than ceil(level (n+1)) training clips have |R_i| < |v - mu_{-k(i)}(x)|.
    Returns (lower, upper): the smallest and largest value in the set ({0, 1} = 0, 1; empty =
    nan, nan)."""
    _, k_hi = conformal_ranks(len(residuals), level)
    r = np.abs(residuals)

    def bounds(mu):
        has = [((r < np.abs(v - mu)).sum(axis=1) < k_hi) for v in (0.0, 1.0)]
        return (
            np.where(has[0], 0.0, np.where(has[1], 1.0, np.nan)),
            np.where(has[1], 1.0, np.where(has[0], 0.0, np.nan)),
        )

    return _chunked(fold_pred, fold_of, bounds)


def band_edges(band_upper: tuple[float, ...], step: float = 1.0) -> np.ndarray:
    """Inner boundaries between bands on the continuous scale: upper value + step / 2."""
    return np.asarray(band_upper[:-1], dtype=float) + step / 2


def band_of(values: np.ndarray, band_upper: tuple[float, ...], step: float = 1.0) -> np.ndarray:
    """Band index (0 = lowest) of each value."""
    return np.searchsorted(band_edges(band_upper, step), np.asarray(values, dtype=float), side="left")


def band_probabilities(
    fold_pred: np.ndarray,
    fold_of: np.ndarray,
    residuals: np.ndarray,
    *,
    band_upper: tuple[float, ...],
    step: float = 1.0,
) -> np.ndarray:
    """(n_test, n_bands) shares of the predictive distribution mu_{-k(i)}(x) + e_i in each band."""
    n_bands = len(band_upper)
    out = []
    for start in range(0, len(fold_pred), CHUNK):
        samples = fold_pred[start : start + CHUNK][:, fold_of] + residuals
        bands = band_of(samples, band_upper, step)
        out.append(np.stack([(bands == b).mean(axis=1) for b in range(n_bands)], axis=1))
    return np.concatenate(out) if out else np.empty((0, n_bands))


def predictive_share(
    fold_pred: np.ndarray, fold_of: np.ndarray, residuals: np.ndarray, *, where
) -> np.ndarray:
    """Share of the predictive distribution mu_{-k(i)}(x) + e_i for which `where(samples)` holds."""
    out = []
    for start in range(0, len(fold_pred), CHUNK):
        out.append(where(fold_pred[start : start + CHUNK][:, fold_of] + residuals).mean(axis=1))
    return np.concatenate(out) if out else np.empty(0)


def prob_at_most(
    fold_pred: np.ndarray, fold_of: np.ndarray, residuals: np.ndarray, *, threshold: float
) -> np.ndarray:
    """P(rating <= threshold): share of the predictive distribution below threshold + 0.5."""
    out = []
    for start in range(0, len(fold_pred), CHUNK):
        samples = fold_pred[start : start + CHUNK][:, fold_of] + residuals
        out.append((samples <= threshold + 0.5).mean(axis=1))
    return np.concatenate(out) if out else np.empty(0)

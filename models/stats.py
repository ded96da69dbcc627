"""Agreement statistics between coded and predicted ratings (each checked by hand in tests).

ICC follows McGraw & Wong (1996) two-way models: ICC(A,1) absolute agreement and ICC(C,1)
consistency, single measures, with their F-based confidence intervals (the same formulas
pingouin uses; hand-rolled to avoid its dependency tree - statsmodels, seaborn - for 40 lines).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy import stats
from sklearn.metrics import cohen_kappa_score, confusion_matrix, roc_auc_score


def icc(ratings: np.ndarray, *, ci: float = 0.95) -> dict:
    """ratings: (n subjects, k raters). Returns ICC(A,1), ICC(C,1) and their CIs."""
    x = np.asarray(ratings, dtype=float)
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_err = ((x - grand) ** 2).sum() - ss_rows - ss_cols
    msr, msc = ss_rows / (n - 1), ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    alpha = 1 - ci
    icc_c = (msr - mse) / (msr + (k - 1) * mse)
    icc_a = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    out = {"icc_a1": float(icc_a), "icc_c1": float(icc_c)}
    with np.errstate(divide="ignore", invalid="ignore"):
        f_obs = msr / mse
        f_l = f_obs / stats.f.ppf(1 - alpha / 2, n - 1, (n - 1) * (k - 1))
        f_u = f_obs * stats.f.ppf(1 - alpha / 2, (n - 1) * (k - 1), n - 1)
        out["icc_c1_low"] = float((f_l - 1) / (f_l + k - 1))
        out["icc_c1_high"] = float((f_u - 1) / (f_u + k - 1))
        a = k * icc_a / (n * (1 - icc_a))
        b = 1 + k * icc_a * (n - 1) / (n * (1 - icc_a))
        v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
        fs = stats.f.ppf(1 - alpha / 2, n - 1, v)
        out["icc_a1_low"] = float(n * (msr - fs * mse) / (fs * (k * msc + (k * n - k - n) * mse) + n * msr))
        fs = stats.f.ppf(1 - alpha / 2, v, n - 1)
        out["icc_a1_high"] = float(n * (fs * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fs * msr))
    return out


def bland_altman(coded: np.ndarray, predicted: np.ndarray) -> dict:
    """Bias = mean(predicted - coded); limits of agreement = bias +- 1.96 SD (ddof 1)."""
    diff = np.asarray(predicted, float) - np.asarray(coded, float)
    bias, sd = float(diff.mean()), float(diff.std(ddof=1))
    return {"ba_bias": bias, "ba_loa_low": bias - 1.96 * sd, "ba_loa_high": bias + 1.96 * sd}


def screening(
    coded_positive: np.ndarray, predicted_positive: np.ndarray, score: np.ndarray | None = None
) -> dict:
    """Sensitivity, specificity, PPV, NPV of a binary screen (+ ROC AUC of `score`, higher = positive)."""
    t = np.asarray(coded_positive, bool)
    p = np.asarray(predicted_positive, bool)
    tp, fn = int((t & p).sum()), int((t & ~p).sum())
    fp, tn = int((~t & p).sum()), int((~t & ~p).sum())

    def ratio(a, b):
        return a / (a + b) if a + b else float("nan")

    out = {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "sensitivity": ratio(tp, fn),
        "specificity": ratio(tn, fp),
        "ppv": ratio(tp, fp),
        "npv": ratio(tn, fn),
    }
    if score is not None:
        out["roc_auc"] = float(roc_auc_score(t, score)) if 0 < t.sum() < len(t) else float("nan")
    return out


def weighted_kappa(coded_band: np.ndarray, predicted_band: np.ndarray, n_bands: int) -> float:
    """Quadratic-weighted Cohen's kappa over band indices (sklearn)."""
    a, b = np.asarray(coded_band), np.asarray(predicted_band)
    if len(np.unique(np.concatenate([a, b]))) < 2:
        return float("nan")
    return float(cohen_kappa_score(a, b, weights="quadratic", labels=list(range(n_bands))))


def band_confusion(coded_band: np.ndarray, predicted_band: np.ndarray, n_bands: int) -> np.ndarray:
    """(n_bands, n_bands) counts, rows = coded band, columns = predicted band."""
    return confusion_matrix(coded_band, predicted_band, labels=list(range(n_bands)))


def correlations(coded: np.ndarray, predicted: np.ndarray) -> dict:
    if np.std(predicted) == 0 or np.std(coded) == 0:
        return {
            "pearson_r": float("nan"),
            "pearson_p": float("nan"),
            "spearman_r": float("nan"),
            "spearman_p": float("nan"),
        }
    pr = stats.pearsonr(coded, predicted)
    sr = stats.spearmanr(coded, predicted)
    return {
        "pearson_r": float(pr[0]),
        "pearson_p": float(pr[1]),
        "spearman_r": float(sr[0]),
        "spearman_p": float(sr[1]),
    }


def errors(coded: np.ndarray, predicted: np.ndarray) -> dict:
    diff = np.asarray(predicted, float) - np.asarray(coded, float)
    return {"mae": float(np.abs(diff).mean()), "rmse": float(np.sqrt((diff**2).mean()))}


def _pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each row of x (m, n) with y (n,), one formula for observed and permuted data."""
    xc = x - x.mean(axis=-1, keepdims=True)
    yc = y - y.mean()
    return (xc @ yc) / np.sqrt((xc**2).sum(axis=-1) * (yc**2).sum())


def _size_classes(groups: np.ndarray) -> list[list[list[int]]]:
    """Dyads grouped by their number of clips: [[clip indices of dyad, ...] per size]."""
    members: dict = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    by_size: dict = {}
    for idx in members.values():
        by_size.setdefault(len(idx), []).append(idx)
    return list(by_size.values())


def _relabel(coded: np.ndarray, classes: list, orders) -> np.ndarray:
    """coded with every size class's dyads reassigned by its order (one order per class)."""
    shuffled = np.empty_like(coded)
    for blocks, order in zip(classes, orders, strict=False):
        for src, dst in zip(blocks, [blocks[j] for j in order], strict=False):
            shuffled[dst] = coded[src]
    return shuffled


def _count_reaching(orders, coded, predicted, classes, reference: float, *, chunk: int = 500) -> int:
    """Number of relabelings (one order per size class each) whose r reaches `reference`."""
    count = 0
    for batch in iter(lambda: list(itertools.islice(orders, chunk)), []):
        shuffled = np.stack([_relabel(coded, classes, o) for o in batch])
        count += int((_pearson(shuffled, predicted) >= reference - PERM_TOL).sum())
    return count


PERM_TOL = 1e-9  # permuted r this close to the observed r counts as reaching it


def dyad_permutation_test(
    coded: np.ndarray, predicted: np.ndarray, groups: np.ndarray, *, n_permutations: int, seed: int
) -> dict:
    """Is held-out Pearson r above chance? Whole dyads' coded ratings are shuffled among dyads
    with the same number of clips (clips of a dyad are not independent).

    When the distinct permutations (product over clip-count classes of m!) are no more than
    `n_permutations`, all are enumerated and p = #{r_perm >= r} / #permutations (identity
    included); otherwise p = (1 + #{r_perm >= r}) / (1 + n) over random permutations. Observed
    and permuted r use the same formula and ties within 1e-9 count."""
    coded, predicted = np.asarray(coded, float), np.asarray(predicted, float)
    observed = correlations(coded, predicted)["pearson_r"]
    classes = _size_classes(np.asarray(groups))
    distinct = math.prod(math.factorial(len(c)) for c in classes)
    out = {
        "perm_r": observed,
        "perm_p": float("nan"),
        "perm_n": 0,
        "perm_distinct": float(min(distinct, 1e300)),
        "perm_exact": False,
    }
    if n_permutations <= 0 or not np.isfinite(observed):
        return out
    reference = _pearson(coded[None, :], predicted)[0]
    if distinct <= n_permutations:
        orders = itertools.product(*[itertools.permutations(range(len(c))) for c in classes])
        exceed = _count_reaching(orders, coded, predicted, classes, reference)
        return {**out, "perm_p": exceed / distinct, "perm_n": int(distinct), "perm_exact": True}
    rng = np.random.default_rng(seed)
    orders = ([rng.permutation(len(c)) for c in classes] for _ in range(n_permutations))
    exceed = _count_reaching(orders, coded, predicted, classes, reference)
    return {**out, "perm_p": float((1 + exceed) / (1 + n_permutations)), "perm_n": int(n_permutations)}


def dyad_bootstrap_ci(
    coded: np.ndarray, predicted: np.ndarray, groups: np.ndarray, funcs: dict, *, resamples: int, seed: int
) -> dict:
    """95 % percentile CIs (`<name>_low`, `<name>_high`) of each `funcs[name](coded, predicted)`,
    resampling whole dyads with replacement (clips of one dyad are not independent)."""
    coded, predicted, groups = np.asarray(coded, float), np.asarray(predicted, float), np.asarray(groups)
    dyads = np.unique(groups)
    members = [np.flatnonzero(groups == d) for d in dyads]
    rng = np.random.default_rng(seed)
    values: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(resamples if len(dyads) > 1 else 0):
        rows = np.concatenate([members[i] for i in rng.integers(0, len(dyads), len(dyads))])
        for name, fn in funcs.items():
            values[name].append(fn(coded[rows], predicted[rows]))
    out = {}
    for name, vals in values.items():
        finite = np.asarray(vals, float)[np.isfinite(vals)] if vals else np.zeros(0)
        low, high = np.percentile(finite, [2.5, 97.5]) if len(finite) else (np.nan, np.nan)
        out[f"{name}_low"], out[f"{name}_high"] = float(low), float(high)
    return out

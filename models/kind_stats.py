"""Agreement statistics of the scale kinds beyond the continuous set: binary codes
(probabilities against 0/1) and ordinal levels (rounded predictions against coded levels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, roc_auc_score

from models.stats import correlations, errors, screening


def calibration_table(coded: np.ndarray, p: np.ndarray, *, bins: int = 5) -> pd.DataFrame:
    """Reliability curve: held-out probabilities in `bins` equal-width bins of 0..1, each with
    its clips, mean predicted probability and observed share of 1s."""
    coded, p = np.asarray(coded, float), np.asarray(p, float)
    which = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        rows.append(
            {
                "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                "n_clips": int(inside.sum()),
                "mean_predicted": float(p[inside].mean()) if inside.any() else float("nan"),
                "observed_share": float(coded[inside].mean()) if inside.any() else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def roc_auc_or_nan(coded: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC of P(1) against 0/1 codes; NaN when the codes hold one class only."""
    coded = np.asarray(coded, float)
    return float(roc_auc_score(coded, p)) if 0 < coded.sum() < len(coded) else float("nan")


def binary_agreement(coded, p, lower, upper, *, flagged_coded, flagged_predicted) -> dict:
    """ROC AUC, Brier score, prevalence, sensitivity / specificity / PPV / NPV of the review
    rule, and the prediction sets' coverage and size."""
    coded, p = np.asarray(coded, float), np.asarray(p, float)
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    out = {"prevalence": float(coded.mean()), "brier": float(np.mean((p - coded) ** 2))}
    out["roc_auc"] = roc_auc_or_nan(coded, p)
    flag = screening(flagged_coded, flagged_predicted)
    out.update({f"flag_{k}": v for k, v in flag.items() if k != "roc_auc"})
    empty = ~np.isfinite(lower)
    out["set_coverage"] = float(((coded >= lower) & (coded <= upper)).mean())
    out["set_size_mean"] = float(np.where(empty, 0, 1 + (upper > lower)).mean())
    out["set_singleton_share"] = float((~empty & (upper == lower)).mean())
    return out


def ordinal_agreement(coded, predicted, levels: np.ndarray) -> dict:
    """Quadratic-weighted kappa, exact and adjacent (within one level) agreement of the
    predictions rounded to the nearest level, with r and MAE of the unrounded ones."""
    coded, predicted = np.asarray(coded, float), np.asarray(predicted, float)
    lo, hi = levels.min(), levels.max()
    c = np.clip(np.round(coded), lo, hi).astype(int)
    q = np.clip(np.round(predicted), lo, hi).astype(int)
    labels = [int(v) for v in levels]
    same = len(np.unique(np.concatenate([c, q]))) < 2
    out = {
        "weighted_kappa": float("nan")
        if same
        else float(cohen_kappa_score(c, q, weights="quadratic", labels=labels)),
        "exact_agreement": float((c == q).mean()),
        "adjacent_agreement": float((np.abs(c - q) <= 1).mean()),
    }
    out.update(correlations(coded, predicted))
    out.update(errors(coded, predicted))
    return out

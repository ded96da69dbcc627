"""Coverage of the served CV+ intervals on new dyads, over simulated grouped cohorts.

Each cohort: dyads with a dyad effect shared by their clips (features and rating), trained
exactly as `train` does (nested GroupKFold selection, outer fold models); new dyads from the
same population get the interval `screen` serves. Also returns what `validate` reports for
the cohort (nested CV+ coverage of the training clips), to see whether it tracks the truth.
Run as a script to print the table: python tests/coverage_simulation.py [n_cohorts]
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from models.conformal import cv_plus_interval
from models.coverage import nested_cv_plus
from models.training import nested_cv

LEVEL = 0.9
SETTINGS = {
    "estimators": ("ridge",),
    "outer_folds": 5,
    "inner_folds": 3,
    "select_k": ("all",),
    "max_missing": 0.5,
}


def _dyads(rng, n_dyads: int, beta: np.ndarray):
    sizes = rng.integers(1, 4, n_dyads)
    groups = np.repeat(np.arange(n_dyads), sizes)
    dyad_x = rng.normal(0, 1, (n_dyads, len(beta)))[groups]
    X = dyad_x + rng.normal(0, 0.5, (len(groups), len(beta)))
    y = 7 + X @ beta + rng.normal(0, 1.0, n_dyads)[groups] + rng.normal(0, 0.7, len(groups))
    return X, y, groups


def simulate(n_cohorts: int = 100, *, n_dyads: int = 60, seed: int = 0) -> pd.DataFrame:
    """One row per cohort: realised coverage on 300 new dyads, reported (nested) coverage, width."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_cohorts):
        beta = rng.normal(0, 1, 8) * (rng.random(8) < 0.5)
        X, y, groups = _dyads(rng, n_dyads, beta)
        oof, fold_of, models = nested_cv(X, y, groups, seed=c, **SETTINGS)
        Xn, yn, _ = _dyads(rng, 300, beta)
        folds = np.column_stack([m.predict(Xn) for m in models])
        lower, upper = cv_plus_interval(folds, fold_of, y - oof, level=LEVEL)
        lo_t, hi_t = nested_cv_plus(
            X, y, groups, fold_of, models, n_folds=SETTINGS["outer_folds"], seed=c, level=LEVEL
        )
        rows.append(
            {
                "cohort": c,
                "n_clips": len(y),
                "realised": float(((yn >= lower) & (yn <= upper)).mean()),
                "reported": float(((y >= lo_t) & (y <= hi_t)).mean()),
                "width": float(np.mean(upper - lower)),
            }
        )
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> dict:
    r = table.realised
    return {
        "cohorts": len(table),
        "mean": r.mean(),
        "sd": r.std(),
        "p5": r.quantile(0.05),
        "p95": r.quantile(0.95),
        "reported_mean": table.reported.mean(),
        "reported_vs_realised_r": table[["reported", "realised"]].corr().iloc[0, 1],
    }


if __name__ == "__main__":
    result = summary(simulate(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
    print(
        "\n".join(f"{k:>24}: {v:.4f}" if isinstance(v, float) else f"{k:>24}: {v}" for k, v in result.items())
    )

"""Dyad-held-out intervals of the kind `screen` serves, for measuring their coverage.

`screen` gives a new clip the CV+ interval of the K outer fold models and their residuals.
Its coverage on new dyads is measured by repeating that procedure inside every outer fold:
on fold k's training dyads, K inner GroupKFold folds give inner fold models and residuals,
and the held-out dyads of fold k get the CV+ interval from those (nested CV+). Each inner
model refits fold k's selected pipeline (estimator, hyper-parameters and number of features
chosen on fold k's training dyads only) without re-running the grid search, so the cost is
K x K fits rather than K x K searches.
"""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline

from models.conformal import conformal_sets, cv_plus_interval
from models.training import fold_splitter, model_output, refit_fixed

METHOD = "nested CV+: each clip's interval from a CV+ fitted without its dyad, as screen serves new dyads"


def nested_cv_plus(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    fold_of: np.ndarray,
    fold_models: list[Pipeline],
    *,
    n_folds: int,
    seed: int,
    level: float,
    binary: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper), each (n,): the served CV+ interval of every training clip, computed
    without its outer fold's dyads. fold_of / fold_models: the outer folds of `nested_cv`.
    `binary`: the cross-conformal prediction set's bounds instead (`conformal_sets`)."""
    bounds = conformal_sets if binary else cv_plus_interval
    lower, upper = np.full(len(y), np.nan), np.full(len(y), np.nan)
    for k, model in enumerate(fold_models):
        test, train = np.flatnonzero(fold_of == k), np.flatnonzero(fold_of != k)
        Xt, yt, gt = X[train], y[train], groups[train]
        inner_of, inner_oof, preds = np.full(len(train), -1), np.full(len(train), np.nan), []
        for j, (fit_idx, out_idx) in enumerate(
            fold_splitter(n_folds, gt, split="grouped", seed=seed, stratified=binary).split(Xt, yt, gt)
        ):
            inner = refit_fixed(model, Xt[fit_idx], yt[fit_idx])
            inner_oof[out_idx], inner_of[out_idx] = model_output(inner, Xt[out_idx]), j
            preds.append(model_output(inner, X[test]))
        lower[test], upper[test] = bounds(np.column_stack(preds), inner_of, yt - inner_oof, level=level)
    return lower, upper

"""Candidate pipelines (screening, imputation, scaling, selection, estimator) and their hyper-parameter grids.

Every step is fitted inside the pipeline, so in nested CV the feature screening and the
univariate selection see only the training part of each fold (no leakage into held-out dyads).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
from sklearn.feature_selection import SelectKBest, SelectorMixin, f_regression
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data


class UsableFeatures(SelectorMixin, BaseEstimator):
    """Drop features missing in more than `max_missing` of the training clips, and features
    constant over the training clips (ignoring missing values). Keeps every feature if none
    would be left."""

    def __init__(self, max_missing: float = 0.5):
        self.max_missing = max_missing

    def fit(self, X, y=None):
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=float)
        missing = np.isnan(X)
        spread = np.where(missing, -np.inf, X).max(axis=0) - np.where(missing, np.inf, X).min(
            axis=0
        )  # -inf: all missing
        keep = (missing.mean(axis=0) <= self.max_missing) & (spread > 0)
        self.support_ = keep if keep.any() else np.ones(X.shape[1], dtype=bool)
        return self

    def _get_support_mask(self):
        check_is_fitted(self, "support_")
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class TopK(SelectKBest):
    """SelectKBest(f_regression) that keeps all features when k exceeds their number (a grid
    value of k may be larger than what is left after `UsableFeatures` in a small fold)."""

    def __init__(self, score_func=f_regression, *, k=10):
        super().__init__(score_func=score_func, k=k)

    def _check_params(self, X, y):
        pass

    def _get_support_mask(self):
        check_is_fitted(self)
        if self.k == "all" or self.k >= len(self.scores_):
            return np.ones(len(self.scores_), dtype=bool)
        return super()._get_support_mask()


def base_pipeline(*, max_missing: float = 0.5) -> Pipeline:
    """Usable features, median imputation, standard scaling, univariate selection, then the estimator."""
    return Pipeline(
        [
            ("usable", UsableFeatures(max_missing=max_missing)),
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("select", TopK(f_regression, k="all")),
            ("model", Ridge()),
        ]
    )


def param_grid(
    names: tuple[str, ...], *, seed: int, select_k: tuple = ("all",), classifier: bool = False
) -> list[dict]:
    """One grid per candidate estimator named in config `models.estimators`, each crossed with
    the numbers of selected features in config `models.select_k`. `classifier` (binary scales):
    the same penalties as probabilistic classifiers (ridge -> L2 logistic regression, elastic_net
    -> elastic-net logistic regression, extra_trees -> extra-trees classifier)."""
    grids = (
        _classifier_grids(seed)
        if classifier
        else {
            "ridge": {"model": [Ridge()], "model__alpha": [1.0, 10.0, 100.0, 1000.0]},
            "elastic_net": {
                "model": [ElasticNet(max_iter=5000, tol=1e-3, random_state=seed)],
                "model__alpha": [0.05, 0.3],
                "model__l1_ratio": [0.5],
            },
            "extra_trees": {
                "model": [
                    ExtraTreesRegressor(
                        n_estimators=100, max_features=0.3, min_samples_leaf=3, n_jobs=1, random_state=seed
                    )
                ]
            },
        }
    )
    unknown = [n for n in names if n not in grids]
    if unknown:
        raise ValueError(f"unknown estimator(s) {unknown}; choose from {sorted(grids)}")
    return [{**grids[n], "select__k": list(select_k)} for n in names]


def _classifier_grids(seed: int) -> dict:
    return {
        "ridge": {"model": [LogisticRegression(max_iter=2000)], "model__C": [0.01, 0.1, 1.0, 10.0]},
        "elastic_net": {
            "model": [
                LogisticRegression(
                    penalty="elasticnet",
                    solver="saga",
                    l1_ratio=0.5,
                    max_iter=5000,
                    tol=1e-3,
                    random_state=seed,
                )
            ],
            "model__C": [0.1, 1.0],
        },
        "extra_trees": {
            "model": [
                ExtraTreesClassifier(
                    n_estimators=100, max_features=0.3, min_samples_leaf=3, n_jobs=1, random_state=seed
                )
            ]
        },
    }


def describe(pipeline: Pipeline) -> str:
    """'Ridge(alpha=10.0), top 30 features'-style text of the selected estimator."""
    model = pipeline.named_steps["model"]
    keys = {
        "Ridge": ("alpha",),
        "ElasticNet": ("alpha", "l1_ratio"),
        "ExtraTreesRegressor": ("n_estimators", "max_features"),
        "LogisticRegression": ("penalty", "C"),
        "ExtraTreesClassifier": ("n_estimators", "max_features"),
    }
    params = model.get_params()
    shown = ", ".join(f"{k}={params[k]}" for k in keys.get(type(model).__name__, ()))
    text = f"{type(model).__name__}({shown})"
    select = pipeline.named_steps.get("select")
    if select is not None and hasattr(select, "scores_"):
        n_usable = len(pipeline.named_steps["usable"].support_)
        text += f" on {int(select.get_support().sum())} of {n_usable} features"
    return text

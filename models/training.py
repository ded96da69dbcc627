"""Nested cross-validation grouped by dyad, final fit, and everything CV+ needs.

Outer GroupKFold(dyad_id) gives every clip a held-out prediction from a model that never
saw its dyad; inside each outer training part, GridSearchCV with an inner GroupKFold picks
the estimator, its hyper-parameters and the number of univariately selected features (the
screening and selection are pipeline steps, so they are refit inside every fold). The outer
fold models and residuals are kept for the conformal intervals; the final model is selected
and refit the same way on all clips.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import log_loss, make_scorer
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from extract.progress import ProgressHook
from models.estimators import base_pipeline, describe, param_grid

# Log loss with both classes named: an inner fold of a small cohort may hold one class only.
BINARY_LOG_LOSS = make_scorer(
    log_loss, greater_is_better=False, response_method="predict_proba", labels=[0.0, 1.0]
)


def model_output(model: Pipeline, X: np.ndarray) -> np.ndarray:
    """A fitted pipeline's prediction: the rating, or for a classifier the probability of 1."""
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)[:, list(model.classes_).index(1.0)]
    return model.predict(X)


@dataclass
class TargetModel:
    """One scale: final model, outer fold models and out-of-fold results (for a binary scale
    predictions are probabilities of 1 and residuals y - p)."""

    target: str
    final: Pipeline
    fold_models: list[Pipeline]
    fold_of: np.ndarray  # (n_train,) outer fold of each training clip
    oof: np.ndarray  # (n_train,) held-out prediction
    residuals: np.ndarray  # (n_train,) y - oof
    selected: str  # final estimator, e.g. Ridge(alpha=10.0)
    fold_selected: list[str] = field(default_factory=list)
    kind: str = "continuous"

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The final model's prediction (binary: probability of 1)."""
        return model_output(self.final, X)

    def fold_predictions(self, X: np.ndarray) -> np.ndarray:
        """(n, K) predictions of the K outer fold models."""
        return np.column_stack([model_output(m, X) for m in self.fold_models])


def fold_splitter(n_splits: int, groups: np.ndarray, *, split: str, seed: int, stratified: bool = False):
    """GroupKFold by dyad ('grouped'; `stratified`: StratifiedGroupKFold, for binary scales, so
    that every training part holds both values) or a clip-level KFold ('random')."""
    n_groups = len(np.unique(groups)) if split == "grouped" else len(groups)
    n_splits = max(2, min(n_splits, n_groups))
    if split == "grouped" and stratified:
        return StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    if split == "grouped":
        return GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    if split == "random":  # clip-level split: leaks dyads; only for demonstrating leakage
        return KFold(n_splits=n_splits, shuffle=True, random_state=seed)
    raise ValueError(f"split must be 'grouped' or 'random', not {split!r}")


def select_and_fit(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    estimators: tuple[str, ...],
    inner_folds: int,
    seed: int,
    split: str = "grouped",
    select_k: tuple = ("all",),
    max_missing: float = 0.5,
    binary: bool = False,
) -> Pipeline:
    """Grid search over the candidates (estimator x hyper-parameters x number of selected
    features) with an inner (grouped) CV; returns the refit best pipeline. `binary`: classifiers
    chosen by log loss."""
    grid = param_grid(estimators, seed=seed, select_k=_distinct_k(select_k, X.shape[1]), classifier=binary)
    n_candidates = sum(int(np.prod([len(v) for v in g.values()])) for g in grid)
    if n_candidates == 1:
        return (
            base_pipeline(max_missing=max_missing)
            .set_params(**{k: v[0] for k, v in grid[0].items()})
            .fit(X, y)
        )
    search = GridSearchCV(
        base_pipeline(max_missing=max_missing),
        grid,
        scoring=BINARY_LOG_LOSS if binary else "neg_mean_absolute_error",
        cv=fold_splitter(inner_folds, groups, split=split, seed=seed + 1, stratified=binary),
        n_jobs=1,
        refit=True,
    )
    search.fit(X, y, groups=groups if split == "grouped" else None)
    return search.best_estimator_


def _distinct_k(select_k: tuple, n_features: int) -> list:
    """Grid values of k that differ on `n_features` columns: k >= n_features is the same as 'all'."""
    ks = [k for k in select_k if k != "all" and int(k) < n_features]
    return sorted(set(ks)) + (["all"] if len(ks) < len(select_k) else [])


def nested_cv(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    estimators: tuple[str, ...],
    outer_folds: int,
    inner_folds: int,
    seed: int,
    split: str = "grouped",
    hook: ProgressHook | None = None,
    select_k: tuple = ("all",),
    max_missing: float = 0.5,
    binary: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[Pipeline]]:
    """Held-out predictions. Returns (oof (n,), fold_of (n,), fold models).

    split='grouped' (always used by train/validate) holds out whole dyads; 'random' splits
    clips and exists only to show how much a leaky split flatters a model."""
    oof = np.full(len(y), np.nan)
    fold_of = np.full(len(y), -1)
    models = []
    outer = fold_splitter(outer_folds, groups, split=split, seed=seed, stratified=binary)
    for k, (train, test) in enumerate(outer.split(X, y, groups if split == "grouped" else None)):
        model = select_and_fit(
            X[train],
            y[train],
            groups[train],
            estimators=estimators,
            inner_folds=inner_folds,
            seed=seed,
            split=split,
            select_k=select_k,
            max_missing=max_missing,
            binary=binary,
        )
        oof[test] = model_output(model, X[test])
        fold_of[test] = k
        models.append(model)
        if hook:
            hook("outer fold", describe(model), completed=k + 1, total=outer.get_n_splits())
    return oof, fold_of, models


def train_target(
    X: pd.DataFrame,
    y: pd.Series,
    groups: np.ndarray,
    *,
    cfg,
    hook: ProgressHook | None = None,
    kind: str = "continuous",
) -> TargetModel:
    """Nested CV + final fit for one target with config `cfg` (ModelsConfig); `kind` of its
    scale (binary: a probabilistic classifier; ordinal and continuous: regression)."""
    Xv, yv = X.to_numpy(dtype=float), y.to_numpy(dtype=float)
    binary = kind == "binary"
    selection = {"select_k": tuple(cfg.select_k), "max_missing": cfg.max_missing_share, "binary": binary}
    oof, fold_of, fold_models = nested_cv(
        Xv,
        yv,
        groups,
        estimators=tuple(cfg.estimators),
        outer_folds=cfg.outer_folds,
        inner_folds=cfg.inner_folds,
        seed=cfg.seed,
        hook=hook,
        **selection,
    )
    final = select_and_fit(
        Xv,
        yv,
        groups,
        estimators=tuple(cfg.estimators),
        inner_folds=cfg.inner_folds,
        seed=cfg.seed,
        **selection,
    )
    return TargetModel(
        target=str(y.name),
        final=final,
        fold_models=fold_models,
        fold_of=fold_of,
        oof=oof,
        residuals=yv - oof,
        selected=describe(final),
        fold_selected=[describe(m) for m in fold_models],
        kind=kind,
    )


def refit_fixed(model: Pipeline, X: np.ndarray, y: np.ndarray) -> Pipeline:
    """A fresh copy of an already selected pipeline fitted to (X, y) (no new selection)."""
    return clone(model).fit(X, y)

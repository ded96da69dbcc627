"""Validate: agreement of dyad-held-out predictions with coders, like a methodologist would.

Everything here uses the out-of-fold predictions of the nested GroupKFold(dyad_id) run made
at training time (or refits on dyad-grouped folds): there is no clip-level option.
"""

from __future__ import annotations

import warnings
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import permutation_importance

from models.aspects import aspect_mapper
from models.bundle import ModelBundle
from models.coverage import METHOD as COVERAGE_METHOD
from models.instrument import BINARY, CONTINUOUS, ORDINAL, Flag, Scale, bundle_instrument
from models.kind_stats import binary_agreement, calibration_table, ordinal_agreement, roc_auc_or_nan
from models.ratings import coder_pairs
from models.stats import (
    band_confusion,
    bland_altman,
    correlations,
    dyad_bootstrap_ci,
    dyad_permutation_test,
    errors,
    icc,
    screening,
    weighted_kappa,
)
from models.training import model_output, select_and_fit

SPLIT = "GroupKFold by dyad_id (nested; every clip predicted by a model that never saw its dyad)"


def care_scale(cfg: dict) -> tuple[Scale, Flag]:
    """The CARE-Index scale and intervention rule of a plain models config dict."""
    scale = Scale(
        "rating",
        CONTINUOUS,
        cfg["score_min"],
        cfg["score_max"],
        tuple(cfg["band_names"]),
        tuple(cfg["band_upper"]),
    )
    return scale, Flag("rating", at_most=cfg["intervention_max"], label="intervention range")


def agreement(
    coded: np.ndarray,
    predicted: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    groups: np.ndarray,
    *,
    cfg: dict,
    scale: Scale | None = None,
    flag: Flag | None = None,
) -> dict:
    """All agreement statistics for one target's held-out predictions, by the kind of its
    scale (default: the CARE-Index scale of `cfg`). Binary: predicted are P(1), lower/upper
    the prediction sets."""
    if scale is None:
        scale, flag = care_scale(cfg)
    coded, predicted = np.asarray(coded, float), np.asarray(predicted, float)
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    out = {
        "kind": scale.kind,
        "n_clips": int(len(coded)),
        "n_dyads": int(len(np.unique(groups))),
        "split": SPLIT,
    }
    if scale.kind == BINARY:
        rule = flag or Flag(scale.name, equals=1.0)
        out.update(
            binary_agreement(
                coded,
                predicted,
                lower,
                upper,
                flagged_coded=rule.flagged(scale, coded),
                flagged_predicted=rule.predicted_flagged(scale, predicted),
            )
        )
        out["coverage"] = out["set_coverage"]
    else:
        out.update(correlations(coded, predicted))
        out.update(icc(np.column_stack([coded, predicted])))
        out.update(errors(coded, predicted))
        out.update(bland_altman(coded, predicted))
        if scale.kind == ORDINAL:
            out.update(ordinal_agreement(coded, predicted, scale.levels()))
        else:
            cb, pb = scale.band_of(coded), scale.band_of(predicted)
            out["weighted_kappa"] = weighted_kappa(cb, pb, len(scale.band_upper))
            out["band_agreement"] = float((cb == pb).mean())
        if flag is not None:
            score = -predicted if flag.at_most is not None else None
            out.update(screening(flag.flagged(scale, coded), flag.flagged(scale, predicted), score=score))
        out["coverage"] = float(((coded >= lower) & (coded <= upper)).mean())
    out["coverage_method"] = COVERAGE_METHOD
    out["coverage_nominal"] = cfg["interval_level"]
    if scale.kind != BINARY:
        out["interval_width_mean"] = float(np.mean(upper - lower))
    out.update(
        dyad_permutation_test(coded, predicted, groups, n_permutations=cfg["permutations"], seed=cfg["seed"])
    )
    funcs = BINARY_CI if scale.kind == BINARY else RATING_CI
    out.update(dyad_bootstrap_ci(coded, predicted, groups, funcs, resamples=BOOTSTRAP, seed=cfg["seed"]))
    return out


def _r(coded, predicted) -> float:
    return (
        float(np.corrcoef(coded, predicted)[0, 1]) if np.std(coded) > 0 and np.std(predicted) > 0 else np.nan
    )


BOOTSTRAP = 1000  # dyad-bootstrap resamples for the headline CIs
RATING_CI = {"pearson_r": _r, "mae": lambda c, p: float(np.abs(p - c).mean())}
BINARY_CI = {"roc_auc": roc_auc_or_nan, "brier": lambda c, p: float(np.mean((p - c) ** 2))}


def _too_few_per_class(y: np.ndarray, groups: np.ndarray, folds: int) -> bool:
    """Whether a class is coded in fewer dyads than there are inner folds."""
    return any(len(np.unique(groups[y == c])) < folds for c in (0.0, 1.0))


def learning_curve(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    fold_of: np.ndarray,
    *,
    steps: int,
    seed: int,
    selection: dict,
) -> pd.DataFrame:
    """Agreement vs number of coded dyads: in every outer fold, a random subset of the
    training dyads goes through the whole nested selection (`select_and_fit` with `selection`:
    estimators, inner_folds, select_k, max_missing) and the result is scored on the held-out
    dyads. No choice made on all dyads enters a fold."""
    rng = np.random.default_rng(seed)
    rows = []
    train_dyads_min = min(len(np.unique(groups[fold_of != k])) for k in np.unique(fold_of))
    smallest = min(train_dyads_min, max(2, train_dyads_min // steps))
    sizes = np.unique(np.linspace(smallest, train_dyads_min, steps).astype(int))
    for size in sizes:
        preds = np.full(len(y), np.nan)
        for k in np.unique(fold_of):
            train = fold_of != k
            dyads = rng.choice(np.unique(groups[train]), size=size, replace=False)
            keep = train & np.isin(groups, dyads)
            if selection.get("binary") and _too_few_per_class(
                y[keep], groups[keep], selection["inner_folds"]
            ):
                continue  # some inner fold would hold one class only: no classifier to fit
            with warnings.catch_warnings():  # elastic net on a handful of dyads; not the user's concern
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = select_and_fit(X[keep], y[keep], groups[keep], seed=seed, **selection)
            preds[fold_of == k] = model_output(model, X[fold_of == k])
        done = np.isfinite(preds)
        if done.sum() < 3:
            continue
        c = correlations(y[done], preds[done])
        rows.append({"n_dyads": int(size), "pearson_r": c["pearson_r"], **errors(y[done], preds[done])})
    return pd.DataFrame(rows)


def selection_settings(cfg: dict, *, binary: bool = False) -> dict:
    """The model-selection settings of a bundle's config, as `select_and_fit` takes them."""
    return {
        "estimators": tuple(cfg["estimators"]),
        "inner_folds": cfg["inner_folds"],
        "select_k": tuple(cfg["select_k"]),
        "max_missing": cfg["max_missing_share"],
        "binary": binary,
    }


def aspect_importance(
    target_model,
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    repeats: int,
    seed: int,
    mapping: Callable[[str], str | None] | None = None,
    aspects: dict | None = None,
) -> pd.DataFrame:
    """Permutation importance (increase in MAE, binary: in Brier score, when a feature is
    shuffled) of each outer fold model on its held-out dyads, averaged over folds, then summed
    by aspect: the instrument's own `aspects` (aspect -> feature-name globs) when it has them,
    else the CARE-Index aspects of the feature registry."""
    binary = getattr(target_model, "kind", CONTINUOUS) == BINARY
    Xv = X.to_numpy(dtype=float)
    total = np.zeros(X.shape[1])
    for k, model in enumerate(target_model.fold_models):
        test = target_model.fold_of == k
        result = permutation_importance(
            model,
            Xv[test],
            y[test],
            scoring="neg_brier_score" if binary else "neg_mean_absolute_error",
            n_repeats=repeats,
            random_state=seed,
            n_jobs=1,
        )
        total += result.importances_mean
    total /= len(target_model.fold_models)
    aspect = aspect_mapper(mapping, patterns=aspects)
    per_feature = pd.DataFrame(
        {"feature": X.columns, "aspect": [aspect(c) for c in X.columns], "importance": total}
    )
    by_aspect = (
        per_feature.groupby("aspect", as_index=False)["importance"]
        .sum()
        .sort_values("importance", ascending=False)
    )
    return by_aspect.reset_index(drop=True)


def coder_agreement(ratings: pd.DataFrame, target: str) -> dict:
    """Inter-coder agreement on double-coded clips (the ceiling any proxy can reach)."""
    pairs = coder_pairs(ratings, target)
    if len(pairs) < 3:
        return {"n_double_coded": int(len(pairs))}
    x = pairs[["rater_a", "rater_b"]].to_numpy()
    out = {"n_double_coded": int(len(pairs))}
    out.update(correlations(x[:, 0], x[:, 1]))
    out.update(icc(x))
    out.update(errors(x[:, 0], x[:, 1]))
    return out


def validate(
    bundle: ModelBundle,
    *,
    X: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    mapping: Callable[[str], str | None] | None = None,
) -> dict:
    """Per target: statistics, band confusion, learning curve and aspect importance (the last
    two need the training design matrix `X` in training-clip order)."""
    cfg = bundle.config
    instrument = bundle_instrument(cfg)
    results = {}
    for target, model in bundle.targets.items():
        rows = bundle.training[bundle.training.target == target]
        groups = rows.dyad_id.astype(str).to_numpy()
        scale = instrument.scales[target]
        entry = {
            "stats": agreement(
                rows.coded.to_numpy(),
                rows.predicted.to_numpy(),
                rows.lower.to_numpy(),
                rows.upper.to_numpy(),
                groups,
                cfg=cfg,
                scale=scale,
                flag=instrument.flags.get(target),
            )
        }
        n_bands = len(scale.band_upper)
        entry["confusion"] = pd.DataFrame(
            band_confusion(scale.band_of(rows.coded), scale.band_of(rows.predicted), n_bands),
            index=list(scale.band_names),
            columns=list(scale.band_names),
        )
        if scale.kind == BINARY:
            entry["calibration"] = calibration_table(rows.coded.to_numpy(), rows.predicted.to_numpy())
        if X is not None:
            y = rows.coded.to_numpy()
            entry["learning_curve"] = learning_curve(
                X.to_numpy(dtype=float),
                y,
                groups,
                model.fold_of,
                steps=cfg["learning_curve_steps"],
                seed=cfg["seed"],
                selection=selection_settings(cfg, binary=scale.kind == BINARY),
            )
            entry["importance"] = aspect_importance(
                model,
                X,
                y,
                repeats=cfg["importance_repeats"],
                seed=cfg["seed"],
                mapping=mapping,
                aspects=instrument.aspects,
            )
        if ratings is not None:
            entry["coders"] = coder_agreement(ratings, target)
        results[target] = entry
    return results

"""Train: features + coders' ratings -> a ModelBundle (one model per scale of the instrument)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from extract.config import Config
from extract.progress import ProgressHook
from models.bundle import ModelBundle, versions
from models.coverage import nested_cv_plus
from models.dataset import Cohort, build_cohort
from models.instrument import BINARY, Instrument
from models.instrument_file import resolve_instrument
from models.novelty import KnnNovelty
from models.ratings import RatingsError, clip_targets
from models.training import train_target


def check_models_config(mc) -> None:
    """The models section's consistency; a validator on extract.config.ModelsConfig checks the
    same at config load, this catches configs built without validation (model_copy)."""
    from extract.config import models_config_problem
    from extract.errors import ConfigError

    problem = models_config_problem(mc)
    if problem:
        raise ConfigError(problem)


def check_targets(targets: tuple[str, ...], ratings: pd.DataFrame) -> None:
    for target in targets:
        if target not in ratings.columns:
            raise RatingsError(f"ratings have no column {target!r} (config models.targets)")


def training_table(cohort: Cohort, results: dict, cfg, instrument: Instrument) -> pd.DataFrame:
    """Long table of held-out results: clip, dyad, meta, target, coded, predicted, fold, and the
    interval `screen` would serve the clip's dyad had it been new (nested CV+, models.coverage)."""
    frames = []
    meta = cohort.meta.reset_index().rename(columns={"index": "clip_id"})
    X = cohort.X.to_numpy(dtype=float)
    for target, model in results.items():
        scale = instrument.scales[target]
        lower, upper = nested_cv_plus(
            X,
            cohort.y[target].to_numpy(dtype=float),
            cohort.groups,
            model.fold_of,
            model.fold_models,
            n_folds=cfg.outer_folds,
            seed=cfg.seed,
            level=cfg.interval_level,
            binary=scale.kind == BINARY,
        )
        frame = meta.copy()
        frame["target"] = target
        frame["coded"] = cohort.y[target].to_numpy()
        frame["predicted"] = np.clip(model.oof, scale.min, scale.max)
        frame["lower"] = np.clip(lower, scale.min, scale.max)
        frame["upper"] = np.clip(upper, scale.min, scale.max)
        frame["fold"] = model.fold_of
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def train_bundle(
    features: pd.DataFrame,
    ratings: pd.DataFrame,
    cfg: Config,
    *,
    meta: pd.DataFrame | None = None,
    source: str = "features",
    hook: ProgressHook | None = None,
) -> ModelBundle:
    """Nested dyad-grouped CV and final fit for every configured target.

    `ratings` is the per-(clip, coder) table from `load_ratings`; double-coded clips are
    averaged per clip (`clip_targets`; a binary code the coders split on counts as 1)."""
    mc = cfg.models
    check_models_config(mc)
    instrument = resolve_instrument(mc)
    targets = instrument.trained()
    check_targets(targets, ratings)
    per_clip = clip_targets(ratings, targets)
    for target in targets:
        if instrument.scales[target].kind == BINARY:
            per_clip[target] = (per_clip[target] >= 0.5).astype(float)
            if per_clip[target].nunique() < 2:
                raise RatingsError(f"binary scale {target!r}: every rated clip has the same value")
    cohort = build_cohort(
        features, per_clip, targets, meta=meta, covariates=tuple(mc.covariates), source=source
    )
    if len(np.unique(cohort.groups)) < 4:
        raise RatingsError(
            f"only {len(np.unique(cohort.groups))} rated dyad(s); dyad-grouped validation needs at least 4"
        )
    results = {}
    for i, target in enumerate(targets):
        if hook:
            n_dyads = len(np.unique(cohort.groups))
            hook(
                "training",
                f"{target} on {len(cohort.X)} clips of {n_dyads} dyads",
                completed=i,
                total=len(targets),
            )
        results[target] = train_target(
            cohort.X, cohort.y[target], cohort.groups, cfg=mc, hook=hook, kind=instrument.scales[target].kind
        )
    raw_columns = [c for c in cohort.X.columns if not c.startswith("cov.")]
    novelty = KnnNovelty(n_neighbors=mc.novelty_neighbors, quantile=mc.novelty_quantile)
    novelty.fit(cohort.X[raw_columns], groups=cohort.groups)
    table = training_table(cohort, results, mc, instrument)
    summary = {
        "n_clips": int(len(cohort.X)),
        "n_dyads": int(len(np.unique(cohort.groups))),
        "n_features": len(raw_columns),
        "n_double_coded": int((per_clip.n_coders > 1).sum()),
        "coder_aggregation": "mean over coders per clip",
        "split": "GroupKFold by dyad_id (nested)",
        "instrument": instrument.name,
        "novelty_threshold": novelty.threshold_,
        "targets": {},
    }
    for target, model in results.items():
        rows, scale = table[table.target == target], instrument.scales[target]
        r = stats.pearsonr(rows.coded, rows.predicted)[0] if rows.predicted.std() > 0 else float("nan")
        summary["targets"][target] = {
            "kind": scale.kind,
            "selected": model.selected,
            "outer_folds_selected": model.fold_selected,
            "heldout_pearson_r": float(r),
            "heldout_mae": float(np.mean(np.abs(model.residuals))),
            "heldout_coverage": float(((rows.coded >= rows.lower) & (rows.coded <= rows.upper)).mean()),
            "heldout_band_agreement": float(
                (scale.band_of(rows.coded) == scale.band_of(rows.predicted)).mean()
            ),
        }
    return ModelBundle(
        feature_columns=raw_columns,
        covariates=tuple(mc.covariates),
        covariate_levels=cohort.covariate_levels,
        config={**mc.model_dump(mode="json"), "instrument_definition": instrument.to_dict()},
        targets=results,
        novelty=novelty,
        training=table,
        summary=summary,
        versions=versions(),
    )

"""Feature tables: read features.csv, pick the feature columns, join ratings and covariates."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from extract.errors import DyadscopeError

log = logging.getLogger(__name__)
META_COLUMNS = ("clip_id", "dyad_id", "timepoint", "group", "path", "status", "error", "warnings")


class FeaturesError(DyadscopeError):
    """A features table cannot be used for models."""


def read_features(path: str | Path) -> pd.DataFrame:
    """features.csv as a table indexed by clip_id (duplicate or missing ids are errors)."""
    path = Path(path)
    if not path.is_file():
        raise FeaturesError(f"{path}: features file not found")
    table = pd.read_csv(path, dtype={"clip_id": str})
    if "clip_id" not in table.columns:
        raise FeaturesError(f"{path}: no clip_id column")
    dup = table.clip_id.duplicated()
    if dup.any():
        raise FeaturesError(
            f"{path}: line {int(np.flatnonzero(dup.to_numpy())[0]) + 2}: duplicate clip_id "
            f"{table.clip_id[dup].iloc[0]!r}"
        )
    return table.set_index("clip_id")


def feature_columns(table: pd.DataFrame) -> list[str]:
    """Dot-named numeric feature columns (meta columns and text columns left out)."""
    cols = [c for c in table.columns if c not in META_COLUMNS and "." in str(c)]
    numeric = [c for c in cols if pd.api.types.is_numeric_dtype(table[c])]
    return numeric


def require_features(table: pd.DataFrame, source: str) -> list[str]:
    cols = feature_columns(table)
    if not cols:
        raise FeaturesError(
            f"{source}: no feature columns (only {', '.join(map(str, table.columns)) or 'clip_id'}); "
            "behaviour features are not extracted yet, so there is nothing to learn from"
        )
    return cols


def covariate_frame(
    meta: pd.DataFrame, names: tuple[str, ...], *, levels: dict[str, list] | None = None
) -> tuple[pd.DataFrame, dict[str, list]]:
    """Covariates from manifest/qc columns: numeric as is, text one-hot (`cov.<name>=<level>`).

    `levels` (from training) fixes the one-hot columns at prediction time."""
    levels = dict(levels or {})
    out = pd.DataFrame(index=meta.index)
    for name in names:
        if name not in meta.columns:
            raise FeaturesError(f"covariate '{name}' (config models.covariates) is not a manifest/qc column")
        values = meta[name]
        numeric = pd.to_numeric(values, errors="coerce")
        if name not in levels and numeric.notna().all():
            out[f"cov.{name}"] = numeric.astype(float)
            continue
        known = levels.setdefault(name, sorted(values.dropna().astype(str).unique()))
        for level in known:
            out[f"cov.{name}={level}"] = (values.astype(str) == level).astype(float)
    return out, levels


@dataclass
class Cohort:
    """Aligned training data: X (clips x features), targets, dyad groups, clip meta."""

    X: pd.DataFrame
    y: pd.DataFrame
    groups: np.ndarray
    meta: pd.DataFrame
    covariate_levels: dict[str, list]


def build_cohort(
    features: pd.DataFrame,
    targets_table: pd.DataFrame,
    targets: tuple[str, ...],
    *,
    meta: pd.DataFrame | None = None,
    covariates: tuple[str, ...] = (),
    source: str = "features",
) -> Cohort:
    """Join per-clip targets to features (inner join on clip_id; ratings without features are errors)."""
    cols = require_features(features, source)
    rated = targets_table.set_index("clip_id")
    missing = [c for c in rated.index if c not in features.index]
    empty = [c for c in rated.index if c in features.index and features.loc[c, cols].isna().all()]
    if missing or empty:
        log.warning(
            "%s: %d rated clip(s) left out of training: no features row %s; all features empty (failed?) %s",
            source,
            len(missing) + len(empty),
            missing[:10],
            empty[:10],
        )
        rated = rated.drop(index=missing + empty)
    if rated.empty:
        raise FeaturesError(f"{source}: none of the rated clips has features")
    X = features.loc[rated.index, cols].astype(float)
    info = rated.drop(columns=list(targets) + ["n_coders"], errors="ignore")
    if meta is not None:
        extra = meta.reindex(rated.index)
        for column in ("timepoint", "group", *covariates):
            if column in extra.columns and column not in info.columns:
                info[column] = extra[column]
    levels: dict[str, list] = {}
    if covariates:
        cov, levels = covariate_frame(info, covariates)
        X = pd.concat([X, cov], axis=1)
    return Cohort(
        X=X,
        y=rated[list(targets)].astype(float),
        groups=info["dyad_id"].astype(str).to_numpy(),
        meta=info,
        covariate_levels=levels,
    )


def read_meta(path: str | Path | None) -> pd.DataFrame | None:
    """A manifest or qc.csv as a table indexed by clip_id (None when no path)."""
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        raise FeaturesError(f"{path}: file not found")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "clip_id" not in table.columns:
        raise FeaturesError(f"{path}: no clip_id column")
    return table.drop_duplicates("clip_id").set_index("clip_id")


def read_meta_tables(*paths: str | Path | None) -> pd.DataFrame | None:
    """Manifest and/or qc.csv combined per clip (the first given wins where both have a value)."""
    tables = [read_meta(p) for p in paths if p is not None]
    if not tables:
        return None
    meta = tables[0]
    for extra in tables[1:]:
        meta = meta.combine_first(extra)
    return meta

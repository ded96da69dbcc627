"""Coders' CARE-Index ratings: strict loading, one target value per clip, coder agreement.

Double-coded clips (a second coder rating the same clip for reliability) are averaged per
clip: the training target is the mean over coders, which is the best estimate of the
consensus rating and keeps one row per clip, so every clip weighs the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from extract.errors import DyadscopeError

ID_COLUMNS = ("clip_id", "dyad_id")


class RatingsError(DyadscopeError):
    """A ratings file cannot be used; the message names the file, row and column."""


def _row(index: int) -> int:
    return index + 2  # 1-based line number in the file, after the header line


def load_ratings(
    path: str | Path,
    *,
    targets: tuple[str, ...],
    score_min: float = 0.0,
    score_max: float = 14.0,
    scales: dict | None = None,
) -> pd.DataFrame:
    """Read and check a ratings CSV; returns one row per (clip, coder) with float targets.

    Errors name the file, the line (header = line 1) and the column: missing columns,
    empty ids, text in a numeric column, out-of-range values (each target against its own
    scale in `scales`, models.instrument.Scale, else score_min..score_max; binary and ordinal
    ratings must be one of the scale's values), and the same clip rated twice by one coder
    (or twice without a coder_id)."""
    path = Path(path)
    if not path.is_file():
        raise RatingsError(f"{path}: ratings file not found")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in (*ID_COLUMNS, *targets) if c not in table.columns]
    if missing:
        raise RatingsError(f"{path}: missing column(s) {', '.join(missing)} (has {', '.join(table.columns)})")
    for column in ID_COLUMNS:
        for i, value in table[column].items():
            if not str(value).strip():
                raise RatingsError(f"{path}: line {_row(i)}, column '{column}': empty id")
    out = table.copy()
    for column in targets:
        values = pd.to_numeric(table[column].str.strip(), errors="coerce")
        for i in np.flatnonzero(values.isna().to_numpy()):
            text = table[column].iloc[i]
            what = "empty value" if not text.strip() else f"not a number: {text!r}"
            raise RatingsError(f"{path}: line {_row(i)}, column '{column}': {what}")
        scale = (scales or {}).get(column)
        lo, hi = (scale.min, scale.max) if scale is not None else (score_min, score_max)
        for i in np.flatnonzero(((values < lo) | (values > hi)).to_numpy()):
            what = f" of {scale.kind} scale '{column}'" if scale is not None else ""
            raise RatingsError(
                f"{path}: line {_row(i)}, column '{column}': {values.iloc[i]:g} is outside "
                f"{lo:g}..{hi:g}{what}"
            )
        if scale is not None and scale.kind != "continuous":
            levels = scale.levels()
            for i in np.flatnonzero(~np.isin(values.to_numpy(), levels)):
                raise RatingsError(
                    f"{path}: line {_row(i)}, column '{column}': {values.iloc[i]:g} is not one of the values "
                    f"{', '.join(f'{v:g}' for v in levels)} of {scale.kind} scale '{column}'"
                )
        out[column] = values.astype(float)
    coder = table["coder_id"] if "coder_id" in table.columns else pd.Series([""] * len(table))
    key = table["clip_id"].str.strip() + "\x00" + coder.str.strip()
    dup = key.duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        first = int(np.flatnonzero((key == key.iloc[i]).to_numpy())[0])
        raise RatingsError(
            f"{path}: line {_row(i)}, column 'clip_id': duplicate id {table['clip_id'].iloc[i]!r}"
            f" (already on line {_row(first)} for the same coder)"
        )
    dyads = out.groupby("clip_id")["dyad_id"].nunique()
    if (dyads > 1).any():
        clip = dyads[dyads > 1].index[0]
        i = int(np.flatnonzero((out.clip_id == clip).to_numpy())[1])
        raise RatingsError(
            f"{path}: line {_row(i)}, column 'dyad_id': clip {clip!r} has two different dyad ids"
        )
    out["clip_id"] = out["clip_id"].str.strip()
    out["dyad_id"] = out["dyad_id"].str.strip()
    return out


def clip_targets(ratings: pd.DataFrame, targets: tuple[str, ...]) -> pd.DataFrame:
    """One row per clip: clip_id, dyad_id, (timepoint,) mean of each target over coders, n_coders."""
    keys = ["clip_id", "dyad_id"] + (["timepoint"] if "timepoint" in ratings.columns else [])
    grouped = ratings.groupby("clip_id", sort=False)
    out = grouped[list(targets)].mean()
    out["n_coders"] = grouped.size()
    meta = ratings.drop_duplicates("clip_id").set_index("clip_id")[[k for k in keys if k != "clip_id"]]
    return meta.join(out).reset_index()


def coder_pairs(ratings: pd.DataFrame, target: str) -> pd.DataFrame:
    """Double-coded clips: clip_id, first and second coder's rating of `target` (file order)."""
    if "coder_id" not in ratings.columns:
        return pd.DataFrame(columns=["clip_id", "rater_a", "rater_b"])
    rows = []
    for clip, group in ratings.groupby("clip_id", sort=False):
        if len(group) >= 2:
            rows.append(
                {
                    "clip_id": clip,
                    "rater_a": float(group[target].iloc[0]),
                    "rater_b": float(group[target].iloc[1]),
                }
            )
    return pd.DataFrame(rows, columns=["clip_id", "rater_a", "rater_b"])

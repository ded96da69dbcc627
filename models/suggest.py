"""Suggest: which uncoded clips would help the model most if coded next."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _rank01(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, float)
    if len(values) < 2:
        return np.ones_like(values)
    return pd.Series(values).rank(pct=True).to_numpy()


def suggest(
    predictions: pd.DataFrame,
    *,
    novelty: pd.Series,
    coded_clips: set[str],
    review_target: str,
    novelty_threshold: float = np.inf,
    dyad_of: pd.Series | None = None,
    coded_dyads: set[str] | None = None,
) -> pd.DataFrame:
    """Rank uncoded clips: score = mean percentile of interval width (uncertainty) and novelty
    (feature-space coverage), + 0.5 when the clip lies outside the training data (novelty
    above the model's threshold: its interval is least trustworthy there), + 0.25 when its
    dyad has no coded clip yet (new dyads add more than a second timepoint of a known one).
    Columns: rank, clip_id, score, interval_width, novelty, outside_training, new_dyad."""
    rows = predictions[(predictions.target == review_target) & ~predictions.clip_id.isin(coded_clips)].copy()
    if rows.empty:
        return pd.DataFrame(
            columns=["rank", "clip_id", "score", "interval_width", "novelty", "outside_training", "new_dyad"]
        )
    rows["interval_width"] = rows.upper - rows.lower
    rows["novelty"] = novelty.reindex(rows.clip_id).to_numpy()
    new = np.zeros(len(rows), bool)
    if dyad_of is not None and coded_dyads is not None:
        new = ~dyad_of.reindex(rows.clip_id).astype(str).isin(coded_dyads).to_numpy()
    rows["new_dyad"] = new
    rows["outside_training"] = rows.novelty.to_numpy() > novelty_threshold
    rows["score"] = (
        0.5 * _rank01(rows.interval_width)
        + 0.5 * _rank01(rows.novelty.fillna(0))
        + 0.5 * rows.outside_training
        + 0.25 * new
    )
    rows = rows.sort_values(["score", "clip_id"], ascending=[False, True], kind="stable")
    rows.insert(0, "rank", np.arange(1, len(rows) + 1))
    return rows[
        ["rank", "clip_id", "score", "interval_width", "novelty", "outside_training", "new_dyad"]
    ].reset_index(drop=True)

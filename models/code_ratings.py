"""Clip-level ratings computed from human event codes (`dyadscope train --codes --mapping`).

Per rating of the mapping (name, behaviour, measure): the behaviour's coded spans (any of its
codes, overlapping spans merged) give `share` (coded time / clip duration), `seconds`, `count`
(spans; point events count one each), `per_minute` (count / minutes) or `any` (1 if coded at
all, else 0: a binary scale). Clip duration: qc.csv's duration_s, else the end of the last code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.code_mapping import Mapping, coded_spans
from models.codes import Codes, CodesError


def merged_spans(spans: pd.DataFrame) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for a, b in sorted(zip(spans.start_s, spans.end_s, strict=True)):
        if merged and a <= merged[-1][1]:  # overlapping or touching spans are one
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def measure(spans: list[tuple[float, float]], how: str, duration_s: float) -> float:
    seconds = sum(b - a for a, b in spans)
    if how == "share":
        return seconds / duration_s if duration_s > 0 else np.nan
    if how == "seconds":
        return seconds
    if how == "count":
        return float(len(spans))
    if how == "per_minute":
        return len(spans) / (duration_s / 60.0) if duration_s > 0 else np.nan
    return float(bool(spans))


def code_ratings(codes: dict[str, Codes], mapping: Mapping, meta: pd.DataFrame) -> pd.DataFrame:
    """clip_id, dyad_id and one column per mapping rating. `meta`: clip_id-indexed, with dyad_id
    (and duration_s when known)."""
    if not mapping.ratings:
        raise CodesError(f"{mapping.source}: no 'ratings' section: say which clip-level ratings to compute")
    missing = sorted(c for c in codes if c not in meta.index or not str(meta.at[c, "dyad_id"]).strip())
    if missing:
        raise CodesError(
            f"no dyad_id for clip(s) {', '.join(missing)} (give --manifest or --qc with dyad_id)"
        )
    rows = []
    for clip_id, item in sorted(codes.items()):
        duration = pd.to_numeric(meta.get("duration_s", pd.Series(dtype=float)).get(clip_id), errors="coerce")
        if not np.isfinite(duration):
            duration = float(item.spans.end_s.max()) if len(item.spans) else np.nan
        row = {"clip_id": clip_id, "dyad_id": meta.at[clip_id, "dyad_id"]}
        for rating in mapping.ratings:
            spans = merged_spans(coded_spans(item.spans, mapping.behaviour(rating.behaviour).codes))
            row[rating.name] = measure(spans, rating.measure, duration)
        rows.append(row)
    return pd.DataFrame(rows)

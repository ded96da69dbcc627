"""Per-clip data for the review pages as JSON-able dicts (NaN -> None: a gap, never a zero).

Tracks come from OUT/clips/<clip_id>/frames.parquet and segments.csv; turns and the synchrony
time course are recomputed here from them with the extraction's own functions."""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from extract.audio.turns import conversational_turns
from extract.config import SyncConfig, TurnsConfig
from extract.features.synchrony import configured_sync, resample_regular

log = logging.getLogger(__name__)
MAX_POINTS = 2000  # per line track; longer clips are thinned evenly
ROLES = ("adult", "infant")
# (frame column suffix, label, unit, y range) of the line tracks drawn per role
ROLE_LINES = (
    ("smile_intensity", "smile", "neutral=0, broad smile~1", (-0.2, 1.0)),
    ("motion_energy", "motion energy", "share of pixels", (0.0, None)),
)


def _clean(value):
    """A float for JSON: None for NaN/inf."""
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _thin(n: int) -> np.ndarray:
    return np.arange(n) if n <= MAX_POINTS else np.linspace(0, n - 1, MAX_POINTS).round().astype(int)


def _line(tid: str, label: str, unit: str, t: np.ndarray, y: np.ndarray, span) -> dict:
    keep = _thin(len(t))
    values = [_clean(v) for v in np.asarray(y, float)[keep]]
    finite = [v for v in values if v is not None]
    low, high = span
    low = low if low is not None else (min(finite) if finite else 0.0)
    high = high if high is not None else (max(finite) if finite else 1.0)
    if high <= low:
        high = low + 1.0
    return {
        "id": tid,
        "label": label,
        "unit": unit,
        "kind": "line",
        "range": [low, high],
        "t": [round(float(v), 3) for v in t[keep]],
        "y": values,
        "points": len(finite),
    }


def _spans(tid: str, label: str, spans: list[list], unit: str = "", gaps: list | None = None) -> dict:
    """An interval track; `points` counts the spans, `gaps` are [start_s, end_s] without data."""
    return {
        "id": tid,
        "label": label,
        "unit": unit,
        "kind": "spans",
        "spans": spans,
        "points": len(spans),
        "gaps": gaps or [],
    }


def label_runs(t: np.ndarray, labels, *, skip=("", "nan", "None")) -> list[list]:
    """Runs of equal labels as [start_s, end_s, label]; a run ends at the next frame's time.
    Empty / missing labels are gaps."""
    labels = ["" if (isinstance(v, float) and math.isnan(v)) or v is None else str(v) for v in labels]
    runs: list[list] = []
    for k, (time, lab) in enumerate(zip(t, labels, strict=True)):
        end = float(t[k + 1]) if k + 1 < len(t) else float(time)
        if lab in skip:
            continue
        if runs and runs[-1][2] == lab and abs(runs[-1][1] - float(time)) < 1e-9:
            runs[-1][1] = end
        else:
            runs.append([float(time), end, lab])
    return [[round(a, 3), round(b, 3), lab] for a, b, lab in runs]


def gap_runs(t: np.ndarray, missing) -> list[list]:
    """[start_s, end_s] runs of frames where the signal is missing (drawn hatched)."""
    return [[a, b] for a, b, _ in label_runs(t, np.where(np.asarray(missing, bool), "gap", ""))]


def segment_spans(segments: pd.DataFrame, speaker: str) -> list[list]:
    """[start_s, end_s, label] of one speaker's vocal segments; label = vocal_type when known."""
    rows = segments[segments["speaker"] == speaker]
    kinds = rows["vocal_type"] if "vocal_type" in rows else pd.Series("", index=rows.index)
    return [
        [round(float(a), 3), round(float(b), 3), str(k) if isinstance(k, str) and k else "vocal"]
        for a, b, k in zip(rows.start_s, rows.end_s, kinds, strict=True)
    ]


def turn_spans(segments: pd.DataFrame, *, max_turn_gap_s: float) -> list[list]:
    """Each conversational turn (LENA) as [first onset, second offset, 'adult→infant' ...]."""
    pairs = conversational_turns(segments, max_turn_gap_s=max_turn_gap_s)
    return [
        [
            round(float(segments.start_s[i]), 3),
            round(float(segments.end_s[j]), 3),
            f"{segments.speaker[i]}→{segments.speaker[j]}",
        ]
        for i, j in pairs
    ]


def sync_course(frames: pd.DataFrame, column: str, cfg: SyncConfig) -> tuple[np.ndarray, np.ndarray]:
    """(window centre times (m,), peak lagged r (m,), NaN = too little valid data) of the adult and
    infant `column`, as the sync features compute it."""
    t = frames["t_s"].to_numpy(float)
    a, b = (frames.get(f"{r}.{column}", pd.Series(np.nan, index=frames.index)).to_numpy(float) for r in ROLES)
    if len(t) < 2:
        return np.zeros(0), np.zeros(0)
    grid, x = resample_regular(t, a, fs=cfg.fs, max_gap_s=cfg.max_gap_s)
    _, y = resample_regular(t, b, fs=cfg.fs, max_gap_s=cfg.max_gap_s)
    result = configured_sync(x, y, cfg, surrogates=False)
    w, step = max(2, int(round(cfg.window_s * cfg.fs))), max(1, int(round(cfg.step_s * cfg.fs)))
    centres = grid[0] + (np.arange(len(result.peak_r)) * step + w / 2) / cfg.fs if len(grid) else np.zeros(0)
    return centres, result.peak_r


def clip_tracks(
    frames: pd.DataFrame | None,
    segments: pd.DataFrame | None,
    *,
    sync_cfg: SyncConfig | None = None,
    turns_cfg: TurnsConfig | None = None,
) -> list[dict]:
    """The tracks of one clip in drawing order. frames: frames.parquet (n rows); segments:
    segments.csv or None. A track whose columns are absent is left out."""
    sync_cfg, turns_cfg = sync_cfg or SyncConfig(), turns_cfg or TurnsConfig()
    tracks: list[dict] = []
    if segments is not None:
        for role in ROLES:
            tracks.append(
                _spans(f"vocal-{role}", f"{role} vocal", segment_spans(segments, role), "vocal type")
            )
        tracks.append(
            _spans("turns", "turns", turn_spans(segments, max_turn_gap_s=turns_cfg.max_turn_gap_s), "LENA")
        )
    if frames is None or not len(frames):
        return tracks
    t = frames["t_s"].to_numpy(float)
    for suffix, label, unit, span in ROLE_LINES[:1]:
        for role in ROLES:
            if f"{role}.{suffix}" in frames:
                tracks.append(
                    _line(f"{suffix}-{role}", f"{role} {label}", unit, t, frames[f"{role}.{suffix}"], span)
                )
    for role in ROLES:
        if f"{role}.affect" in frames:
            labels = frames[f"{role}.affect"]
            missing = labels.isna() | (labels.astype(str) == "")
            tracks.append(
                _spans(f"affect-{role}", f"{role} affect", label_runs(t, labels), gaps=gap_runs(t, missing))
            )
    if "dyad.distance_norm" in frames:
        tracks.append(
            _line("distance", "face distance", "frame widths", t, frames["dyad.distance_norm"], (0.0, None))
        )
    if "dyad.touch" in frames:
        touch = frames["dyad.touch"].map(lambda v: "touch" if v == 1 else ("" if pd.isna(v) else "none"))
        runs = label_runs(t, touch, skip=("", "none"))
        tracks.append(
            _spans(
                "touch", "touch", runs, "adult hand at infant face", gap_runs(t, frames["dyad.touch"].isna())
            )
        )
    for suffix, label, unit, span in ROLE_LINES[1:]:
        for role in ROLES:
            if f"{role}.{suffix}" in frames:
                tracks.append(
                    _line(f"{suffix}-{role}", f"{role} {label}", unit, t, frames[f"{role}.{suffix}"], span)
                )
    if all(f"{r}.motion_energy" in frames for r in ROLES):
        centres, r = sync_course(frames, "motion_energy", sync_cfg)
        tracks.append(
            _line(
                "sync-motion",
                "motion synchrony",
                f"peak lagged r, {sync_cfg.window_s:g} s windows",
                centres,
                r,
                (-1.0, 1.0),
            )
        )
    return tracks


def read_moments(clip_dir: Path, page_dir: Path) -> list[dict]:
    """clips/<clip_id>/moments.csv as dicts (thumbnail as a link relative to the page); [] when
    the file is absent or unreadable (logged: the moments are another stage's output)."""
    path = clip_dir / "moments.csv"
    if not path.is_file():
        return []
    try:
        table = pd.read_csv(
            path, dtype={"thumbnail": str, "kind": str, "description": str}, keep_default_na=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        log.warning("%s: moments not shown (%s)", path, exc)
        return []
    out = []
    for row in table.to_dict("records"):
        thumb = str(row.get("thumbnail") or "")
        out.append(
            {
                "rank": row.get("rank"),
                "kind": str(row.get("kind", "")),
                "start_s": _clean(row.get("start_s")),
                "end_s": _clean(row.get("end_s")),
                "score": _clean(row.get("score")),
                "description": str(row.get("description", "")),
                "thumbnail": relative_link(clip_dir / thumb, page_dir) if thumb else "",
            }
        )
    return out


def relative_link(target: Path, page_dir: Path) -> str:
    """A URL path from `page_dir` to `target` (forward slashes, percent-free names kept as is)."""
    from urllib.parse import quote

    rel = os.path.relpath(Path(target).resolve(), Path(page_dir).resolve())
    return quote(rel.replace(os.sep, "/"))


def read_frames(clip_dir: Path) -> pd.DataFrame | None:
    path = clip_dir / "frames.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def read_segments(clip_dir: Path) -> pd.DataFrame | None:
    path = clip_dir / "segments.csv"
    if not path.is_file():
        return None
    table = pd.read_csv(path, dtype={"speaker": str, "vocal_type": str})
    return table.reset_index(drop=True)


def quote_name(name: str) -> str:
    """A clip id as a file name inside a link."""
    from urllib.parse import quote

    return quote(str(name))

"""`dyadscope agree`: human codes against a run's per-frame signals, per behaviour, clip and pooled.

A run folder holds qc.csv (clip_id, path) and clips/<clip_id>/frames.parquet (+ segments.csv).
Rows of agreement.csv: one per behaviour x rule x clip, plus clip_id 'all' (pooled, with 95 %
bootstrap CIs over clips). rule 'default' is the mapping's signal; a continuous behaviour (one
above/below condition) also gets rule 'best': the threshold with the best Youden J on the
pooled frames. That threshold is chosen on these codes, so its agreement is optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from models.agreement import best_threshold, bootstrap_ci, clip_counts, statistics
from models.code_mapping import Behaviour, Mapping, coded_mask, evaluate
from models.codes import Codes, CodesError, read_matched

AGREEMENT_COLUMNS = [
    "behaviour", "clip_id", "rule", "threshold", "n_frames", "signal_unknown_share", "code_share",
    "signal_share", "kappa", "kappa_ci_low", "kappa_ci_high", "f1", "f1_ci_low", "f1_ci_high",
    "precision", "recall", "event_f1", "event_f1_ci_low", "event_f1_ci_high", "code_events",
    "signal_events", "matched_events", "onset_offset_median_s", "auc",
]  # fmt: skip
POOLED = "all"
AUDIO_GRID_S = 0.1  # frame step of an audio-only clip (the default analysis rate)


@dataclass
class ClipSignals:
    clip_id: str
    frames: pd.DataFrame
    segments: pd.DataFrame | None
    codes: Codes

    @property
    def t(self) -> np.ndarray:
        return self.frames["t_s"].to_numpy(dtype=float)

    def step(self) -> float:
        return float(np.median(np.diff(self.t))) if len(self.t) > 1 else 0.1


def run_clips(run_dir: Path) -> pd.DataFrame:
    """The clips of a run folder: clip_id, path, duration_s (qc.csv; else the clip folders, no
    paths or durations)."""
    qc = run_dir / "qc.csv"
    if qc.is_file():
        table = pd.read_csv(qc, dtype=str, keep_default_na=False)
    else:
        clips = sorted(p.name for p in (run_dir / "clips").glob("*") if p.is_dir())
        if not clips:
            raise CodesError(f"{run_dir}: not a dyadscope run folder (no qc.csv, no clips/<clip_id>/)")
        table = pd.DataFrame({"clip_id": clips})
    return pd.DataFrame(
        {
            "clip_id": table.clip_id,
            "path": table.get("path", ""),
            "duration_s": pd.to_numeric(table.get("duration_s", np.nan), errors="coerce"),
        }
    ).set_index("clip_id")


def audio_grid(duration_s: float) -> pd.DataFrame:
    """The frames of an audio-only clip: a time grid every AUDIO_GRID_S, no video columns."""
    frames = pd.DataFrame({"t_s": np.arange(0.0, duration_s, AUDIO_GRID_S)})
    frames.attrs["audio_only"] = True
    return frames


def load_signals(code_paths: list[Path], run_dir: Path) -> list[ClipSignals]:
    """Every codes file read and matched to a clip of the run, with its frames and segments
    (an audio-only clip gets a time grid: audio_grid)."""
    clips = run_clips(run_dir)
    codes = read_matched(code_paths, clips.path.to_dict())
    out = []
    for clip_id, item in sorted(codes.items()):
        clip_dir = run_dir / "clips" / clip_id
        frames_path, segments_path = clip_dir / "frames.parquet", clip_dir / "segments.csv"
        segments = pd.read_csv(segments_path, keep_default_na=False) if segments_path.is_file() else None
        if frames_path.is_file():
            frames = pd.read_parquet(frames_path)
        elif segments is not None:
            ends = [*segments.end_s, *item.spans.end_s]
            duration = clips.duration_s.get(clip_id, np.nan)
            frames = audio_grid(duration if np.isfinite(duration) else max(ends, default=0.0))
        else:
            raise CodesError(
                f"{clip_dir}: neither frames.parquet nor segments.csv "
                f"(codes {item.path} are for clip '{clip_id}')"
            )
        out.append(ClipSignals(clip_id, frames, segments, item))
    return out


def signal_of(behaviour: Behaviour, clip: ClipSignals) -> np.ndarray:
    """The behaviour's signal per frame of one clip (1 / 0 / NaN)."""
    where = f"behaviour '{behaviour.name}', clip '{clip.clip_id}'"
    return evaluate(behaviour.signal, clip.frames, clip.segments, where)


def score(behaviour: Behaviour, clip: ClipSignals) -> np.ndarray:
    """A continuous behaviour's score per frame (sign x value; NaN unknown, and for audio-only clips)."""
    column, sign = behaviour.continuous()
    if column not in clip.frames:
        return np.full(len(clip.t), np.nan)
    return sign * pd.to_numeric(clip.frames[column], errors="coerce").to_numpy(dtype=float)


@dataclass
class Comparison:
    """One behaviour over every clip, computed once: codes, signals and (continuous) scores per clip."""

    behaviour: Behaviour
    codes: list[np.ndarray]
    signals: list[np.ndarray]
    scores: list[np.ndarray] | None

    def pooled(self) -> tuple[np.ndarray, np.ndarray]:
        """(score, code) over all clips' frames (continuous behaviours)."""
        return np.concatenate(self.scores), np.concatenate(self.codes)


def comparisons(clips: list[ClipSignals], mapping: Mapping) -> list[Comparison]:
    out = []
    for behaviour in mapping.behaviours:
        codes = [coded_mask(c.codes.spans, behaviour.codes, c.t, c.step()) for c in clips]
        signals = [signal_of(behaviour, c) for c in clips]
        scores = [score(behaviour, c) for c in clips] if behaviour.continuous() else None
        out.append(Comparison(behaviour, codes, signals, scores))
    return out


def _rows(cmp: Comparison, behaviour, rule, signals, clips, mapping, *, resamples, seed) -> list[dict]:
    threshold = _threshold_value(behaviour)
    per_clip, offsets, rows = [], [], []
    for k, clip in enumerate(clips):
        counts, off = clip_counts(
            cmp.codes[k],
            signals[k],
            clip.t,
            tolerance_s=mapping.onset_tolerance_s,
            merge_gap_s=mapping.merge_gap_s,
        )
        per_clip.append(counts)
        offsets.append(off)
        auc = best_threshold(cmp.scores[k], cmp.codes[k])[0] if cmp.scores is not None else np.nan
        rows.append(_row(behaviour, clip.clip_id, rule, threshold, counts, off, auc))
    per_clip = np.asarray(per_clip)
    pooled_auc = best_threshold(*cmp.pooled())[0] if cmp.scores is not None else np.nan
    pooled = _row(
        behaviour, POOLED, rule, threshold, per_clip.sum(axis=0), np.concatenate(offsets), pooled_auc
    )
    pooled.update(bootstrap_ci(per_clip, resamples=resamples, seed=seed))
    return [*rows, pooled]


def _row(behaviour, clip_id, rule, threshold, counts, offsets, auc) -> dict:
    stats = {k: float(v) for k, v in statistics(counts).items()}
    return {
        "behaviour": behaviour.name,
        "clip_id": clip_id,
        "rule": rule,
        "threshold": threshold,
        **stats,
        "onset_offset_median_s": float(np.median(offsets)) if len(offsets) else np.nan,
        "auc": auc,
    }


def _threshold_value(behaviour: Behaviour) -> float:
    op = next((k for k in ("above", "below") if k in behaviour.signal), None)
    return float(behaviour.signal[op]) if op else np.nan


def agreement_table(
    clips: list[ClipSignals], compared: list[Comparison], mapping: Mapping, *, resamples: int = 1000, seed=0
) -> pd.DataFrame:
    """agreement.csv: every behaviour of the mapping against every clip's codes."""
    rows: list[dict] = []
    kwargs = {"resamples": resamples, "seed": seed}
    for cmp in compared:
        rows += _rows(cmp, cmp.behaviour, "default", cmp.signals, clips, mapping, **kwargs)
        if cmp.scores is None:
            continue
        _, cut = best_threshold(*cmp.pooled())
        if np.isfinite(cut):
            best = cmp.behaviour.with_threshold(cut)
            rows += _rows(cmp, best, "best", [signal_of(best, c) for c in clips], clips, mapping, **kwargs)
    table = pd.DataFrame(rows)
    for column in AGREEMENT_COLUMNS:
        if column not in table:
            table[column] = np.nan
    return table[AGREEMENT_COLUMNS]


def frame_table(clips: list[ClipSignals], compared: list[Comparison]) -> pd.DataFrame:
    """Per frame and behaviour: the code (0/1) and the signal (0/1, empty = unknown)."""
    parts = []
    for k, clip in enumerate(clips):
        part = pd.DataFrame({"clip_id": clip.clip_id, "t_s": clip.t})
        for cmp in compared:
            part[f"{cmp.behaviour.name}.code"] = cmp.codes[k].astype(int)
            part[f"{cmp.behaviour.name}.signal"] = cmp.signals[k]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def roc_curves(compared: list[Comparison]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(score, code) of the continuous behaviours whose codes hold both classes where the score is known."""
    curves = {}
    for cmp in compared:
        if cmp.scores is not None:
            values, code = cmp.pooled()
            if len(np.unique(code[~np.isnan(values)])) == 2:
                curves[cmp.behaviour.name] = (values, code)
    return curves

"""Scoring dyadscope's vocal segments against the hand annotations in tests/data/real_vocal.csv
(who vocalizes and what kind, per event; how they were made, and why they are provisional:
tests/data/README.md).

Frame level on a 10 ms grid: per role, any vocal type (who vocalizes) and per (role, type); the
frames of events whose speaker the annotator could not tell (who = unknown) are left out of every
score. Clip level: ROC AUC of a clip feature for "the infant laughed in this clip".
Used by benchmarks/real_affect.py and tests/integration/test_audio_real_affect.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ANNOTATIONS = Path(__file__).parent / "data" / "real_vocal.csv"
HOP_S = 0.01
TYPE_OF = {"fuss": "cry"}  # annotation types -> segments.csv vocal types
SCORED = (
    ("adult", "speech"),
    ("adult", "laugh"),
    ("infant", "laugh"),
    ("infant", "cry"),
    ("infant", "other"),
)


def load_annotations(path: Path = ANNOTATIONS) -> pd.DataFrame:
    ann = pd.read_csv(path)
    ann["type"] = ann["type"].replace(TYPE_OF)
    return ann


def _mask(t: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
    out = np.zeros(len(t), bool)
    for a, b in zip(rows.start_s, rows.end_s, strict=True):
        out |= (t >= a) & (t < b)
    return out


def frame_counts(ann: pd.DataFrame, segments: pd.DataFrame, duration_s: float) -> dict[str, np.ndarray]:
    """{score name: [tp, fp, fn, n_truth_frames]} for one clip's annotations and segments."""
    t = np.arange(0.0, duration_s, HOP_S)
    scored = ~_mask(t, ann[ann.who == "unknown"])
    out = {}

    def count(name, truth, pred):
        truth, pred = truth & scored, pred & scored
        out[name] = np.array(
            [(truth & pred).sum(), (~truth & pred).sum(), (truth & ~pred).sum(), truth.sum()]
        )

    for role in ("adult", "infant"):
        count(f"who_{role}", _mask(t, ann[ann.who == role]), _mask(t, segments[segments.speaker == role]))
    for role, kind in SCORED:
        own = segments[(segments.speaker == role) & (segments.vocal_type == kind)]
        count(f"{kind}_{role}", _mask(t, ann[(ann.who == role) & (ann["type"] == kind)]), _mask(t, own))
    # infant-directed speech called infant: adult speech frames attributed to the infant
    ids = _mask(t, ann[(ann.who == "adult") & (ann["type"] == "speech")]) & scored
    out["ids_called_infant"] = np.array(
        [(ids & _mask(t, segments[segments.speaker == "infant"])).sum(), 0, 0, ids.sum()]
    )
    return out


def f1_table(counts: dict[str, dict[str, np.ndarray]]) -> pd.DataFrame:
    """Pooled over clips: one row per score with tp, fp, fn, truth seconds, precision, recall, F1
    (ids_called_infant: share of adult-speech frames attributed to the infant, in `share`)."""
    rows = []
    names = sorted({n for c in counts.values() for n in c})
    for name in names:
        tp, fp, fn, n = sum(c[name] for c in counts.values() if name in c)
        row = {"score": name, "truth_s": n * HOP_S, "tp": tp, "fp": fp, "fn": fn}
        if name == "ids_called_infant":
            row["share"] = tp / n if n else np.nan
        else:
            row["precision"] = tp / (tp + fp) if tp + fp else np.nan
            row["recall"] = tp / (tp + fn) if tp + fn else np.nan
            row["f1"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("score")


def infant_laughed(ann: pd.DataFrame, clips: list[str]) -> pd.Series:
    """1 per clip with an annotated infant laugh, else 0."""
    laughs = set(ann[(ann.who == "infant") & (ann["type"] == "laugh")]["clip"])
    return pd.Series({c: int(c in laughs) for c in clips})


def media_path(media: Path, clip: str) -> Path:
    """The recording of an annotated clip under the media folder (video/ or audio/)."""
    for sub in ("video", "audio"):
        hits = sorted((media / sub).glob(f"{clip}.*"))
        if hits:
            return hits[0]
    raise FileNotFoundError(f"{clip}: not in {media}")


def extract_and_count(ann: pd.DataFrame, media: Path, cfg, out: Path) -> tuple[dict, pd.DataFrame]:
    """Run the whole pipeline on every annotated clip into `out`; returns ({clip: frame_counts},
    a per-clip table: duration, seconds, segments, types, infant laugh and cry seconds)."""
    import time

    from extract.batch.inputs import ClipInput
    from extract.batch.pipeline import extract_clip

    counts, rows = {}, []
    for clip in sorted(ann["clip"].unique()):
        t0 = time.perf_counter()
        qc = extract_clip(ClipInput(clip, media_path(media, clip)), out, cfg, decoder_threads=1)
        if qc["status"] not in ("ok", "warn"):
            raise RuntimeError(f"{clip}: {qc['error']}")
        seconds = time.perf_counter() - t0
        seg = pd.read_csv(out / "clips" / clip / "segments.csv")
        feats = pd.read_json(out / "clips" / clip / "features.json", typ="series")["features"]
        counts[clip] = frame_counts(ann[ann["clip"] == clip], seg, float(qc["duration_s"]))
        rows.append(
            {
                "clip": clip,
                "duration_s": qc["duration_s"],
                "seconds": round(seconds, 2),
                "n_segments": len(seg),
                "types": ",".join(f"{k}:{v}" for k, v in seg.vocal_type.value_counts().items()),
                "laugh_s_infant": feats.get("affect.infant.laugh_s.total"),
                "cry_s_infant": feats.get("affect.infant.cry_s.total"),
            }
        )
    return counts, pd.DataFrame(rows).set_index("clip")


def auc(labels: pd.Series, scores: pd.Series) -> float:
    """ROC AUC (ties count half) of `scores` for binary `labels` (same index)."""
    pos, neg = scores[labels == 1].to_numpy(float), scores[labels == 0].to_numpy(float)
    if not len(pos) or not len(neg):
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0) + 0.5 * (diff == 0)).mean())

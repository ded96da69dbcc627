"""Fit the voice model to a team's own hand-labelled recordings (`dyadscope fit-voices`).

Labels: ELAN .eaf (tiers named like a speaker, e.g. `adult`, `mother`, `CHI`, or a vocal type,
`laugh`, `infant cry`, and `<speaker>_vocal_type` tiers; its linked media), RTTM (speaker names
mapped the same way; media named by the file id or the label file's stem) or CSV (start_s, end_s,
speaker[, type][, path]). Each labelled segment is described with the same features as extraction
uses (segment_features.py, vocal_type.py); a VoiceClassifier (adult/infant) is fitted on the
segments with a speaker, and, when laughs or cries are labelled, a VocalTypeClassifier (laugh /
cry / plain) on the segments with a type, carried by the voice model as `type_model`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pandas as pd

from extract.audio.frames import frame_features
from extract.audio.labels import parse_label, read_eaf, read_label_csv, read_rttm
from extract.audio.pitch import track_pitch
from extract.audio.segment_features import describe_segments
from extract.audio.speaker import VoiceClassifier
from extract.audio.vocal_type import VocalTypeClassifier, add_type_measures, type_frames
from extract.config import AudioConfig
from extract.errors import DyadscopeError
from extract.media import read_audio
from extract.media.formats import MEDIA_SUFFIXES
from extract.vocab import ROLES

log = logging.getLogger(__name__)


def _find_media(label: Path, hints: list[str], media_dir: Path | None) -> Path:
    folders = [label.parent] + ([Path(media_dir)] if media_dir else [])
    names = [unquote(urlparse(h).path) if h.startswith("file:") else h for h in hints] + [label.stem]
    for name in names:
        p = Path(name)
        if p.is_absolute() and p.is_file():
            return p
        for folder in folders:
            if (folder / p).is_file() and p.suffix.lower() in MEDIA_SUFFIXES:
                return folder / p
            for suffix in sorted(MEDIA_SUFFIXES):
                if (folder / (p.name + suffix)).is_file():
                    return folder / (p.name + suffix)
            if (folder / p.name).is_file() and p.suffix.lower() in MEDIA_SUFFIXES:
                return folder / p.name
    raise DyadscopeError(
        f"{label}: no media found for it (looked for {names} in {[str(f) for f in folders]}); use --media DIR"
    )


def load_labels(
    label: str | Path, *, media_dir: str | Path | None = None, mapping: dict[str, str] | None = None
) -> list[tuple[Path, pd.DataFrame]]:
    """[(media path, table start_s, end_s, speaker ('adult'|'infant'|None), type (vocal type or
    None))] from one label file; rows with neither speaker nor type are left out."""
    label = Path(label)
    suffix = label.suffix.lower()
    if suffix == ".eaf":
        table, media = read_eaf(label, tiers=mapping)
        groups = [(media, table)]
    elif suffix == ".rttm":
        t = read_rttm(label)
        groups = [([fid], g) for fid, g in t.groupby("file_id", sort=False)]
    elif suffix == ".csv":
        t = read_label_csv(label)
        groups = [([p], g) for p, g in t.groupby("path", sort=False)] if "path" in t.columns else [([], t)]
    else:
        raise DyadscopeError(f"{label}: labels must be .eaf, .rttm or .csv")
    out = []
    for hints, g in groups:
        g = g.copy()
        parsed = [parse_label(s, mapping) if isinstance(s, str) else (None, None) for s in g.speaker]
        given = g["type"] if "type" in g.columns else pd.Series([None] * len(g), index=g.index)
        g["speaker"] = [p[0] if p[0] in ROLES else None for p in parsed]
        g["type"] = [
            parse_label(t)[1] if isinstance(t, str) and t.strip() else p[1]
            for t, p in zip(given, parsed, strict=True)
        ]
        unknown = (g.speaker.isna() & g.type.isna()).sum()
        if unknown:
            log.info("%s: %d segments with other labels ignored", label, unknown)
        g = g[(g.speaker.notna() | g.type.notna()) & (g.end_s > g.start_s)]
        out.append(
            (
                _find_media(label, [str(h) for h in hints], media_dir),
                g[["start_s", "end_s", "speaker", "type"]].reset_index(drop=True),
            )
        )
    return out


def labelled_features(
    samples: np.ndarray, labels: pd.DataFrame, *, sample_rate: int, cfg: AudioConfig | None = None
) -> pd.DataFrame:
    """describe_segments + describe_types table (k rows) of the labelled segments, with their
    `speaker` and `type` columns (None where not labelled)."""
    cfg = cfg if cfg is not None else AudioConfig()
    frames = frame_features(samples, sample_rate=sample_rate, hop_s=cfg.vad.hop_s)
    pitch = track_pitch(samples, sample_rate=sample_rate, hop_s=cfg.vad.hop_s, cfg=cfg.pitch)
    timbre = type_frames(samples, sample_rate=sample_rate, hop_s=cfg.vad.hop_s)
    table = add_type_measures(
        describe_segments(labels[["start_s", "end_s"]].to_numpy(), frames=frames, pitch=pitch), timbre, pitch
    )
    table["speaker"] = labels.speaker.to_numpy()
    table["type"] = labels["type"].to_numpy() if "type" in labels.columns else None
    return table


def _type_classes(types: pd.Series) -> pd.Series:
    """Label types -> the type model's classes (laugh, cry, plain); None stays None."""
    return types.map(lambda t: t if t in ("laugh", "cry") else ("plain" if isinstance(t, str) else None))


def fit_type_model(data: pd.DataFrame, *, C: float = 1.0) -> VocalTypeClassifier | None:
    """A VocalTypeClassifier on the rows of `data` with a type, when laughs or cries are labelled
    (at least 2 rows of each class present and at least two classes); else None."""
    if "type" not in data.columns:
        return None
    y = _type_classes(data["type"])
    rows = y.notna()
    counts = y[rows].value_counts()
    if not ({"laugh", "cry"} & set(counts.index)):
        return None
    if len(counts) < 2 or counts.min() < 2:
        raise DyadscopeError(
            f"fit-voices: vocal types need at least 2 labelled segments in each of at least two of "
            f"laugh / cry / other types; got {counts.to_dict()}"
        )
    return VocalTypeClassifier(C=C).fit(data[rows], y[rows].to_numpy())


def fit_voice_model(
    label_paths: list[str | Path],
    *,
    media_dir: str | Path | None = None,
    mapping: dict[str, str] | None = None,
    cfg: AudioConfig | None = None,
    C: float = 1.0,
) -> tuple[VoiceClassifier, pd.DataFrame]:
    """Fit a VoiceClassifier on all segments with a speaker (and its type_model on those with a
    type, see fit_type_model). Returns (model, the training table)."""
    cfg = cfg if cfg is not None else AudioConfig()
    tables = []
    for label in label_paths:
        for media, labels in load_labels(label, media_dir=media_dir, mapping=mapping):
            track = read_audio(media, sample_rate=cfg.sample_rate)
            t = labelled_features(track.samples, labels, sample_rate=track.sample_rate, cfg=cfg)
            t.insert(0, "media", str(media))
            tables.append(t)
    data = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["speaker", "type"])
    spoken = data[data.speaker.isin(ROLES)]
    counts = spoken.speaker.value_counts().to_dict()
    if counts.get("adult", 0) < 2 or counts.get("infant", 0) < 2:
        raise DyadscopeError(f"fit-voices needs at least 2 labelled segments of each speaker; got {counts}")
    model = VoiceClassifier(C=C).fit(spoken, spoken.speaker.to_numpy())
    model.type_model = fit_type_model(data, C=C)
    return model, data

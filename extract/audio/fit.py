"""Fit the adult/infant voice model to a team's own hand-labelled recordings (`dyadscope fit-voices`).

Labels: ELAN .eaf (tiers named like a speaker, e.g. `adult`, `mother`, `CHI`; its linked
media), RTTM (speaker names mapped; media named by the file id or the label file's stem)
or CSV (start_s, end_s, speaker[, path]). Each labelled segment is described with the same
features as extraction uses (segment_features.py) and a VoiceClassifier is fitted on them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pandas as pd

from extract.audio.frames import frame_features
from extract.audio.labels import normalise_speaker, read_eaf, read_label_csv, read_rttm
from extract.audio.pitch import track_pitch
from extract.audio.segment_features import describe_segments
from extract.audio.speaker import VoiceClassifier
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
    """[(media path, table start_s,end_s,speaker in {'adult','infant'})] from one label file."""
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
        g["speaker"] = [normalise_speaker(s, mapping) for s in g.speaker]
        unknown = g.speaker.isna().sum()
        if unknown:
            log.info("%s: %d segments with other speakers ignored", label, unknown)
        g = g[g.speaker.isin(ROLES) & (g.end_s > g.start_s)]
        out.append(
            (
                _find_media(label, [str(h) for h in hints], media_dir),
                g[["start_s", "end_s", "speaker"]].reset_index(drop=True),
            )
        )
    return out


def labelled_features(
    samples: np.ndarray, labels: pd.DataFrame, *, sample_rate: int, cfg: AudioConfig | None = None
) -> pd.DataFrame:
    """describe_segments table (k rows) of the labelled segments, with their `speaker` column."""
    cfg = cfg if cfg is not None else AudioConfig()
    frames = frame_features(samples, sample_rate=sample_rate, hop_s=cfg.vad.hop_s)
    pitch = track_pitch(samples, sample_rate=sample_rate, hop_s=cfg.vad.hop_s, cfg=cfg.pitch)
    table = describe_segments(labels[["start_s", "end_s"]].to_numpy(), frames=frames, pitch=pitch)
    table["speaker"] = labels.speaker.to_numpy()
    return table


def fit_voice_model(
    label_paths: list[str | Path],
    *,
    media_dir: str | Path | None = None,
    mapping: dict[str, str] | None = None,
    cfg: AudioConfig | None = None,
    C: float = 1.0,
) -> tuple[VoiceClassifier, pd.DataFrame]:
    """Fit a VoiceClassifier on all labelled segments. Returns (model, the training table)."""
    cfg = cfg if cfg is not None else AudioConfig()
    tables = []
    for label in label_paths:
        for media, labels in load_labels(label, media_dir=media_dir, mapping=mapping):
            track = read_audio(media, sample_rate=cfg.sample_rate)
            t = labelled_features(track.samples, labels, sample_rate=track.sample_rate, cfg=cfg)
            t.insert(0, "media", str(media))
            tables.append(t)
    data = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    counts = data.speaker.value_counts().to_dict() if len(data) else {}
    if counts.get("adult", 0) < 2 or counts.get("infant", 0) < 2:
        raise DyadscopeError(f"fit-voices needs at least 2 labelled segments of each speaker; got {counts}")
    return VoiceClassifier(C=C).fit(data, data.speaker.to_numpy()), data

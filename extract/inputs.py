"""Turning command-line inputs (files, folders, a manifest CSV) into (clip_id, path) pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract.errors import DyadscopeError

VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"}
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".m4a", ".opus"}
MEDIA_SUFFIXES = VIDEO_SUFFIXES | AUDIO_SUFFIXES


class InputError(DyadscopeError):
    """Inputs cannot be resolved (bad manifest row, duplicate clip ids, ...)."""


@dataclass(frozen=True)
class ClipInput:
    clip_id: str
    path: Path


def safe_clip_id(raw: str) -> str:
    """A clip id usable as a folder name: letters, digits, '.', '_', '-' only; never '..'."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", raw.strip()).strip("._") or "clip"
    return cleaned


def _from_manifest(manifest: Path) -> list[ClipInput]:
    table = pd.read_csv(manifest, dtype=str)
    missing = {"clip_id", "path"} - set(table.columns)
    if missing:
        raise InputError(f"{manifest}: missing column(s) {sorted(missing)}")
    clips = []
    for row_number, row in enumerate(table.itertuples(index=False), start=2):
        for column in ("clip_id", "path"):
            value = getattr(row, column)
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"{manifest}, row {row_number}: empty {column}")
        path = (manifest.parent / row.path).resolve()
        clips.append(ClipInput(clip_id=safe_clip_id(row.clip_id), path=path))
    return clips


def collect_inputs(items: list[str | Path]) -> list[ClipInput]:
    """Files, folders (their media files, sorted) and manifest CSVs, in the order given.
    Raises InputError on duplicate clip ids; files are checked later, per clip."""
    clips: list[ClipInput] = []
    for item in map(Path, items):
        if item.suffix.lower() == ".csv":
            clips.extend(_from_manifest(item))
        elif item.is_dir():
            files = sorted(p for p in item.iterdir() if p.suffix.lower() in MEDIA_SUFFIXES)
            clips.extend(ClipInput(safe_clip_id(p.stem), p) for p in files)
        else:
            clips.append(ClipInput(safe_clip_id(item.stem), item))
    seen: dict[str, Path] = {}
    for clip in clips:
        if clip.clip_id in seen:
            raise InputError(f"duplicate clip id '{clip.clip_id}': {seen[clip.clip_id]} and {clip.path}")
        seen[clip.clip_id] = clip.path
    return clips

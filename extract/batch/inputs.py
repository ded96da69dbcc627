"""Turning command-line inputs (files, folders, a manifest CSV) into validated clips.

Validation happens up front, before any work: a manifest row with an empty id or a missing
or unreadable file, and two inputs whose ids collide, are errors that name the row or file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extract.errors import DyadscopeError
from extract.media.formats import MEDIA_SUFFIXES

MANIFEST_META = ("dyad_id", "timepoint", "group")  # carried into qc.csv when present


class InputError(DyadscopeError):
    """Inputs cannot be resolved (bad manifest row, missing file, colliding clip ids, ...)."""


@dataclass(frozen=True)
class ClipInput:
    clip_id: str
    path: Path
    meta: dict = field(default_factory=dict, compare=False)  # manifest columns other than clip_id, path


def safe_clip_id(raw: str) -> str:
    """A clip id usable as a folder name: letters, digits, '.', '_', '-' only; never '..'."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", raw.strip()).strip("._") or "clip"
    return cleaned


def _unreadable(path: Path, where: str) -> str | None:
    """The problem with an input file, or None when it can be read."""
    if not path.exists():
        return f"{where}: file not found: {path}"
    if not path.is_file() or not os.access(path, os.R_OK):
        return f"{where}: not a readable file: {path}"
    return None


def _from_manifest(manifest: Path, problems: list[str]) -> list[ClipInput]:
    if not manifest.is_file():
        raise InputError(f"{manifest}: manifest not found")
    table = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    missing = {"clip_id", "path"} - set(table.columns)
    if missing:
        raise InputError(f"{manifest}: missing column(s) {sorted(missing)}")
    clips = []
    for row_number, row in enumerate(table.to_dict("records"), start=2):
        where = f"{manifest}, row {row_number}"
        empty = [c for c in ("clip_id", "path") if not row[c].strip()]
        if empty:
            problems.append(f"{where}: empty {empty[0]}")
            continue
        path = (manifest.parent / row["path"]).resolve()
        problem = _unreadable(path, where)
        if problem:
            problems.append(problem)
            continue
        meta = {k: v for k, v in row.items() if k not in ("clip_id", "path") and v != ""}
        clips.append(ClipInput(clip_id=safe_clip_id(row["clip_id"]), path=path, meta=meta))
    return clips


def collect_inputs(items: list[str | Path]) -> list[ClipInput]:
    """Files, folders (their media files, sorted) and manifest CSVs, in the order given.
    Raises InputError on missing files (all of them in one message) and colliding clip ids."""
    clips: list[ClipInput] = []
    problems: list[str] = []
    for item in map(Path, items):
        if item.suffix.lower() == ".csv":
            clips.extend(_from_manifest(item, problems))
        elif item.is_dir():
            files = sorted(p for p in item.iterdir() if p.suffix.lower() in MEDIA_SUFFIXES)
            clips.extend(ClipInput(safe_clip_id(p.stem), p) for p in files)
        elif problem := _unreadable(item, "input"):
            problems.append(problem)
        else:
            clips.append(ClipInput(safe_clip_id(item.stem), item))
    if len(problems) == 1:
        raise InputError(problems[0])
    if problems:
        raise InputError(f"{len(problems)} inputs cannot be used:\n  " + "\n  ".join(problems))
    seen: dict[str, Path] = {}
    for clip in clips:
        if clip.clip_id in seen:
            raise InputError(f"duplicate clip id '{clip.clip_id}': {seen[clip.clip_id]} and {clip.path}")
        seen[clip.clip_id] = clip.path
    return clips

"""Per-clip completion markers: what makes a clip's outputs complete and current.

`clips/<clip_id>/done.json` is written last, atomically, after every other output of the
clip. It records the QC row, the input's size, mtime and SHA-256, and the config hash.
A clip is up to date when its marker exists, the config hash matches and the input content
is the same (size and mtime equal, or else the same SHA-256). Anything else is redone from
an empty folder, so partial or stale outputs never survive.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from extract.outputs import write_json
from extract.provenance import file_sha256

MARKER = "done.json"


def clip_dir(out_dir: Path, clip_id: str) -> Path:
    """The clip's output folder; refuses ids that would resolve outside `out_dir/clips`."""
    base = (Path(out_dir) / "clips").resolve()
    folder = (base / clip_id).resolve()
    if folder.parent != base:
        raise ValueError(f"clip id {clip_id!r} would write outside {base}")
    return folder


def input_fingerprint(path: Path, *, sha256: str | None = None) -> dict:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256 or file_sha256(path)}


def write_marker(folder: Path, *, qc: dict, fingerprint: dict, config_hash: str) -> None:
    write_json(folder / MARKER, {"qc": qc, "input": fingerprint, "config_hash": config_hash})


def read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def is_current(folder: Path, input_path: Path, config_hash: str) -> bool:
    """True when the clip's outputs are complete for this input content and config."""
    marker = read_marker(folder)
    if marker is None or marker.get("config_hash") != config_hash:
        return False
    recorded = marker.get("input", {})
    try:
        stat = input_path.stat()
    except OSError:
        return False
    if recorded.get("size") != stat.st_size:
        return False
    if recorded.get("mtime_ns") == stat.st_mtime_ns:
        return True
    return recorded.get("sha256") == file_sha256(input_path)


def reset(folder: Path) -> None:
    """Remove whatever a previous, unfinished attempt left in the clip's folder."""
    shutil.rmtree(folder, ignore_errors=True)

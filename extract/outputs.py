"""Writing outputs atomically: a temporary file beside the target, then a rename; files get the
permissions of the user's umask (0644 with umask 022), like any file the user writes."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd


def current_umask() -> int:
    """The process umask (Linux: read from /proc, which leaves it untouched; else set and restore)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto `target` on success,
    delete it on failure, so a reader never sees a half-written file."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; outputs follow the user's umask
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_json(target: str | Path, data: dict) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def write_csv(target: str | Path, table: pd.DataFrame) -> None:
    with atomic_path(target) as tmp:
        table.to_csv(tmp, index=False)


def write_parquet(target: str | Path, table: pd.DataFrame) -> None:
    with atomic_path(target) as tmp:
        table.to_parquet(tmp, index=False)

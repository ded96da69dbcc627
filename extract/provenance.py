"""What an output was made from: config and its hash, package versions, input file hash."""

from __future__ import annotations

import functools
import hashlib
import platform
from importlib import metadata
from pathlib import Path

from extract import __version__
from extract.config import Config

MAIN_DEPENDENCIES = (
    "mediapipe",
    "av",
    "numpy",
    "opencv-contrib-python",
    "librosa",
    "pandas",
    "pyarrow",
    "scikit-learn",
)


def file_sha256(path: str | Path, *, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 of a file, read in chunks (constant memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk_bytes):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    """Looked up once per process (about 13 ms per clip otherwise)."""
    out = {"dyadscope": __version__, "python": platform.python_version()}
    for name in MAIN_DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return tuple(out.items())


def versions() -> dict[str, str]:
    """Versions of dyadscope, Python and the main dependencies."""
    return dict(_versions())


def provenance(config: Config, *, input_path: str | Path | None = None) -> dict:
    """The provenance block written into every per-clip JSON output."""
    record = {"config": config.to_dict(), "config_hash": config.hash(), "versions": versions()}
    if input_path is not None:
        record["input"] = {"path": str(input_path), "sha256": file_sha256(input_path)}
    return record

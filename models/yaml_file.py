"""Read a user's YAML file; errors (of the caller's type) name the file."""

from __future__ import annotations

from pathlib import Path

import yaml


def read_yaml(path: str | Path, error: type[Exception], what: str):
    """The parsed YAML of `path` (a `what` file: 'instrument', 'mapping'), or `error` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: {what} file not found")
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc})") from None

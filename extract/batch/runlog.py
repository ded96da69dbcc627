"""`run.jsonl`: one JSON record per clip per run, appended as clips finish (cluster-friendly)."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from extract.provenance import versions


class RunLog:
    """Appends records to a JSON-lines file; each line is written whole with one write()."""

    def __init__(self, path: Path, *, run_id: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.base = {"run_id": run_id, "host": socket.gethostname(), "versions": versions()}

    def record(self, **fields) -> None:
        line = (
            json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **self.base, **fields}, default=str)
            + "\n"
        )
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

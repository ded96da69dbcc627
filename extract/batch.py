"""Running extraction over many clips and writing the run-level tables."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from extract.config import Config
from extract.inputs import ClipInput
from extract.outputs import atomic_path, write_csv
from extract.pipeline import extract_clip

ClipHook = Callable[[ClipInput, dict], None]


def run_extraction(clips: list[ClipInput], out_dir: str | Path, cfg: Config, *, on_clip: ClipHook | None = None) -> pd.DataFrame:
    """Extract every clip into `out_dir`, write `qc.csv` and `config.yaml`, return the QC table.

    `on_clip(clip, qc_row)` is called after each clip (progress for the CLI)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(out_dir / "config.yaml") as tmp:
        tmp.write_text(f"# config_hash: {cfg.hash()}\n{cfg.to_yaml()}")
    rows = []
    for clip in clips:
        row = extract_clip(clip, out_dir, cfg)
        rows.append(row)
        if on_clip:
            on_clip(clip, row)
    qc = pd.DataFrame(rows)
    qc.insert(3, "config_hash", cfg.hash())
    write_csv(out_dir / "qc.csv", qc)
    return qc

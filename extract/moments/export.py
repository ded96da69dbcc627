"""The moments of a run folder: listing them per clip (qc.csv + clips/<clip_id>/moments.csv) and
writing them as short MP4 excerpts DIR/<clip_id>_<rank>_<kind>.mp4 of the source videos."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract.errors import DyadscopeError
from extract.media import probe
from extract.moments.excerpt import write_excerpt
from extract.moments.files import read_moments

EXCERPT_COLUMNS = ["clip_id", "rank", "kind", "start_s", "end_s", "excerpt_start_s", "excerpt_end_s", "path"]


def run_moments(out_dir: Path) -> pd.DataFrame:
    """All clips' moments of the run in out_dir: clip_id, path (the source video), then the
    moments.csv columns; clips without a moments.csv (failed, or run by an older version) are left out."""
    qc_path = Path(out_dir) / "qc.csv"
    if not qc_path.is_file():
        raise DyadscopeError(f"{qc_path}: no qc.csv (is {out_dir} a 'dyadscope extract' output folder?)")
    qc = pd.read_csv(qc_path, dtype={"clip_id": str})
    tables = []
    for clip_id, path in zip(qc.clip_id, qc.path, strict=True):
        folder = Path(out_dir) / "clips" / clip_id
        if (folder / "moments.csv").is_file():
            tables.append(read_moments(folder).assign(clip_id=clip_id, path=path))
    if not tables:
        return pd.DataFrame(columns=["clip_id", "path", "rank", "kind", "start_s", "end_s"])
    table = pd.concat(tables, ignore_index=True)
    return table[["clip_id", "path", *[c for c in table.columns if c not in ("clip_id", "path")]]]


def export_moments(moments: pd.DataFrame, export_dir: Path, *, pad_s: float = 0.0, hook=None) -> pd.DataFrame:
    """Write each moment (rows of run_moments) as export_dir/<clip_id>_<rank>_<kind>.mp4: the source
    from start_s - pad_s to end_s + pad_s, limited to the clip. Returns EXCERPT_COLUMNS per excerpt.
    hook(step, artifact, *, completed, total) is called after each excerpt."""
    if pad_s < 0:
        raise DyadscopeError(f"--pad {pad_s:g}: must be >= 0 seconds")
    export_dir = Path(export_dir)
    export_dir.mkdir(parents=True, exist_ok=True)
    rows, durations = [], {}
    for k, m in enumerate(moments.itertuples(), start=1):
        if m.path not in durations:
            durations[m.path] = probe(m.path).duration_s
        a = max(0.0, float(m.start_s) - pad_s)
        b = float(m.end_s) + pad_s
        if durations[m.path]:
            b = min(b, durations[m.path])
        dst = export_dir / f"{m.clip_id}_{m.rank}_{m.kind}.mp4"
        _, first_t = write_excerpt(m.path, dst, start_s=a, end_s=b)
        rows.append([m.clip_id, m.rank, m.kind, m.start_s, m.end_s, round(first_t, 4), round(b, 4), str(dst)])
        if hook is not None:
            hook("excerpt", dst, completed=k, total=len(moments))
    return pd.DataFrame(rows, columns=EXCERPT_COLUMNS)

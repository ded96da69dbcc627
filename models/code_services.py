"""Human event codes as jobs over files: `agree` (signals against codes) and the ratings that
`train --codes` learns. Outputs are written atomically; nothing here prints."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract.outputs import atomic_path, write_csv
from models import agreement_report
from models.agreement_run import agreement_table, comparisons, frame_table, load_signals, roc_curves
from models.code_mapping import load_mapping
from models.code_ratings import code_ratings
from models.codes import BORIS_SUFFIXES, ELAN_SUFFIXES, CodesError, read_matched
from models.dataset import read_meta_tables
from models.instrument_file import resolve_instrument

AGREEMENT_CSV = "agreement.csv"


def code_files(paths: list[Path]) -> list[Path]:
    """The codes files named, a folder standing for every ELAN / BORIS file in it."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (*ELAN_SUFFIXES, *BORIS_SUFFIXES))
            if not found:
                raise CodesError(f"{path}: folder holds no .eaf, .csv or .tsv codes files")
            files += found
        elif not path.is_file():
            raise CodesError(f"{path}: codes file not found")
        else:
            files.append(path)
    return files


def agree(
    codes: list[Path],
    mapping_path: Path,
    out: Path,
    *,
    run_dir: Path | None = None,
    resamples: int = 1000,
    seed=0,
) -> pd.DataFrame:
    """agreement.csv, agreement_frames.csv, agreement.html and its PNGs in `out`; frames come
    from the run folder `run_dir` (default `out`). Returns the agreement table."""
    mapping = load_mapping(mapping_path)
    clips = load_signals(code_files(codes), Path(run_dir or out))
    compared = comparisons(clips, mapping)
    table = agreement_table(clips, compared, mapping, resamples=resamples, seed=seed)
    out = Path(out)
    write_csv(out / AGREEMENT_CSV, table)
    write_csv(out / "agreement_frames.csv", frame_table(clips, compared))
    figs = agreement_report.figures(table, roc_curves(compared))
    for (_, encoded), name in zip(figs, ("agreement.png", "agreement_roc.png"), strict=False):
        with atomic_path(out / name) as tmp:
            tmp.write_bytes(agreement_report.png_bytes(encoded))
    section = agreement_report.section_html(
        table, figs, name=mapping.name, tolerance=mapping.onset_tolerance_s
    )
    with atomic_path(out / "agreement.html") as tmp:
        tmp.write_text(agreement_report.page_html(section), encoding="utf-8")
    return table


def report_section(folder: Path) -> str | None:
    """The report's agreement section when `folder` holds an agreement.csv from `agree`."""
    path = Path(folder) / AGREEMENT_CSV
    if not path.is_file():
        return None
    table = pd.read_csv(path)
    figs = agreement_report.figures(table, {})
    return agreement_report.section_html(table, figs)


def ratings_from_codes(
    codes: list[Path], mapping_path: Path, features_path: Path, out_path: Path, *, meta_paths=(), cfg=None
) -> Path:
    """Write the mapping's clip-level ratings of the coded clips to `out_path` (a ratings CSV
    for `train`). Clips are the features file's; dyad ids and durations come from `meta_paths`
    (manifest, qc.csv), else the qc.csv beside the features file."""
    mapping = load_mapping(mapping_path)
    if cfg is not None:
        scales = resolve_instrument(cfg.models).scales
        missing = [r.name for r in mapping.ratings if r.name not in scales]
        if missing:
            raise CodesError(
                f"{mapping_path}: rating(s) {', '.join(missing)} are not scales of the instrument "
                f"{cfg.models.instrument} ({', '.join(scales)}); give --instrument with a file that has them"
            )
    features = pd.read_csv(features_path, usecols=["clip_id"], dtype=str)
    paths = [Path(p) for p in meta_paths if p] or [Path(features_path).with_name("qc.csv")]
    meta = read_meta_tables(*(p for p in paths if p.is_file()))
    if meta is None:
        raise CodesError(f"{paths[0]}: not found; give --manifest or --qc with clip_id and dyad_id")
    if "dyad_id" not in meta:
        raise CodesError(f"{', '.join(map(str, paths))}: no dyad_id column (needed to group clips by dyad)")
    clips = {c: str(meta["path"].get(c, "")) if "path" in meta else "" for c in features.clip_id}
    ratings = code_ratings(read_matched(code_files(codes), clips), mapping, meta)
    write_csv(out_path, ratings)
    return Path(out_path)

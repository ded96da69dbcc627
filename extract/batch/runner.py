"""Batches: many clips, in parallel, resumable, shardable; then the run-level tables.

Every clip's outputs are written atomically and sealed by a completion marker (see
`extract.batch.completion`), so a run killed at any moment and run again gives the same outputs
as an uninterrupted run. `qc.csv` and `features.csv` are assembled from the markers, in
input order, so they do not depend on which worker finished first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract.batch.completion import clip_dir, input_fingerprint, is_current, read_marker, reset, write_marker
from extract.batch.executors import TaskOutcome, run_dask, run_local
from extract.batch.inputs import MANIFEST_META, ClipInput, InputError, collect_inputs
from extract.batch.pipeline import extract_clip
from extract.batch.roles_fix import ROLES_FILE, apply_roles_fix, read_roles_fix, write_roles_file
from extract.batch.runlog import RunLog
from extract.batch.shards import select_shard
from extract.config import Config
from extract.outputs import atomic_path, write_csv, write_json
from extract.progress import ProgressHook

# Batch workers decode with one FFmpeg thread when video.decoder_threads is 0 (auto): N workers
# then use N cores, and outputs never depend on --jobs or the backend (frame threading can
# yield a different last frame from a truncated file).
WORKER_DECODER_THREADS = 1

CRASH_FILE = "crash.json"
INPUTS_FILE = "inputs.csv"


@dataclass(frozen=True)
class BatchOptions:
    jobs: int = 1
    force: bool = False
    shard: tuple[int, int] | None = None  # (index, count)
    backend: str = "loky"  # loky | dask
    scheduler: str | None = None  # Dask scheduler address


def clip_config_hash(cfg: Config, clip: ClipInput) -> str:
    """The config hash a clip's outputs depend on: the run's, plus its role fix or manifest side."""
    fix = {k: clip.meta[k] for k in ("infant_side", "swap_roles") if k in clip.meta}
    if not fix:
        return cfg.hash()
    return f"{cfg.hash()}+{hashlib.sha256(json.dumps(fix, sort_keys=True).encode()).hexdigest()[:8]}"


def _process(clip: ClipInput, *, out_dir: Path, cfg: Config) -> dict:
    """Worker task: redo one clip from an empty folder and seal it. Returns its run record."""
    started = time.perf_counter()
    folder = clip_dir(out_dir, clip.clip_id)
    reset(folder)
    try:
        qc = extract_clip(clip, out_dir, cfg, decoder_threads=WORKER_DECODER_THREADS)
    except Exception as exc:  # a bug, not a bad file: the clip fails, the run goes on
        qc = {
            "clip_id": clip.clip_id,
            "path": str(clip.path),
            "status": "failed",
            "error": f"{type(exc).__name__}: {exc}",
        }
    qc.pop("seconds", None)  # timings go to run.jsonl; tables must not change between runs
    qc["config_hash"] = cfg.hash()
    write_marker(
        folder, qc=qc, fingerprint=input_fingerprint(clip.path), config_hash=clip_config_hash(cfg, clip)
    )
    return {
        "status": qc["status"],
        "error": qc.get("error", ""),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _record_crash(clip: ClipInput, out_dir: Path, message: str) -> None:
    """A crashed clip gets `crash.json` but no completion marker, so a rerun tries it again."""
    row = {"clip_id": clip.clip_id, "path": str(clip.path), "status": "failed", "error": message}
    write_json(clip_dir(out_dir, clip.clip_id) / CRASH_FILE, row)


def _qc_row(clip: ClipInput, out_dir: Path) -> dict:
    folder = clip_dir(out_dir, clip.clip_id)
    marker = read_marker(folder)
    if marker is not None:
        row = marker["qc"]
    elif (folder / CRASH_FILE).exists():
        row = json.loads((folder / CRASH_FILE).read_text())
    else:
        row = {
            "clip_id": clip.clip_id,
            "path": str(clip.path),
            "status": "missing",
            "error": "no outputs yet (not run, or its shard not run)",
        }
    meta = {k: clip.meta[k] for k in MANIFEST_META if k in clip.meta}
    return {"clip_id": row["clip_id"], **meta, **{k: v for k, v in row.items() if k != "clip_id"}}


def _feature_row(clip: ClipInput, out_dir: Path) -> dict:
    path = clip_dir(out_dir, clip.clip_id) / "features.json"
    features = json.loads(path.read_text()).get("features", {}) if path.exists() else {}
    return {"clip_id": clip.clip_id, **features}


def assemble_tables(clips: list[ClipInput], out_dir: str | Path) -> pd.DataFrame:
    """Write `qc.csv` and `features.csv` for `clips` (input order) from their per-clip outputs."""
    out_dir = Path(out_dir)
    for stale in out_dir.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    qc = pd.DataFrame([_qc_row(c, out_dir) for c in clips])
    write_csv(out_dir / "qc.csv", qc)
    write_csv(out_dir / "features.csv", pd.DataFrame([_feature_row(c, out_dir) for c in clips]))
    return qc


def _write_run_inputs(out_dir: Path, cfg: Config, clips: list[ClipInput]) -> None:
    """`config.yaml` and `inputs.csv` (a manifest of every clip of the run, for `merge`)."""
    with atomic_path(out_dir / "config.yaml") as tmp:
        tmp.write_text(f"# config_hash: {cfg.hash()}\n{cfg.to_yaml()}")
    write_csv(
        out_dir / INPUTS_FILE,
        pd.DataFrame([{"clip_id": c.clip_id, "path": str(c.path), **c.meta} for c in clips]),
    )


def merge_outputs(out_dir: str | Path) -> pd.DataFrame:
    """Combine the outputs of shard runs in `out_dir` into `qc.csv` and `features.csv`."""
    inputs = Path(out_dir) / INPUTS_FILE
    if not inputs.exists():
        raise InputError(f"{inputs}: not found; is {out_dir} the --out folder of a run?")
    clips = collect_inputs([inputs])
    qc = assemble_tables(clips, out_dir)
    write_roles_file(Path(out_dir), clips, qc, read_roles_fix(Path(out_dir) / ROLES_FILE))
    return qc


def run_batch(
    clips: list[ClipInput],
    out_dir: str | Path,
    cfg: Config,
    *,
    options: BatchOptions = BatchOptions(),
    hook: ProgressHook | None = None,
) -> pd.DataFrame:
    """Extract `clips` into `out_dir`; returns the QC table of the clips this run covered.

    hook("clip", record, completed=k, total=n) after each clip of the run (skipped ones too);
    record: clip_id, status, error, seconds, skipped.

    Up-to-date clips are skipped unless `options.force`. A shard run writes only its clips'
    folders and `run.shard-i-of-N.jsonl`; `dyadscope merge` then writes the tables."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fixes = read_roles_fix(out_dir / ROLES_FILE)
    clips = apply_roles_fix(clips, fixes, source=ROLES_FILE)
    _write_run_inputs(out_dir, cfg, clips)
    selected = select_shard(clips, *options.shard) if options.shard else clips
    log_name = f"run.shard-{options.shard[0]}-of-{options.shard[1]}.jsonl" if options.shard else "run.jsonl"
    runlog = RunLog(out_dir / log_name, run_id=uuid.uuid4().hex[:12])
    todo = []
    done = 0

    def report(clip: ClipInput, record: dict) -> None:
        nonlocal done
        done += 1
        if hook:
            hook("clip", {"clip_id": clip.clip_id, **record}, completed=done, total=len(selected))

    for clip in selected:
        if not options.force and is_current(
            clip_dir(out_dir, clip.clip_id), clip.path, clip_config_hash(cfg, clip)
        ):
            record = {
                "status": read_marker(clip_dir(out_dir, clip.clip_id))["qc"]["status"],
                "error": "",
                "seconds": 0.0,
                "skipped": True,
            }
            runlog.record(clip_id=clip.clip_id, config_hash=cfg.hash(), **record)
            report(clip, record)
        else:
            todo.append(clip)

    def on_result(step: str, outcome: TaskOutcome, **_) -> None:
        clip, record, crash = outcome
        if crash is not None:
            _record_crash(clip, out_dir, crash)
            record = {"status": "failed", "error": crash, "seconds": None}
        record = {**record, "skipped": False}
        runlog.record(clip_id=clip.clip_id, config_hash=cfg.hash(), **record)
        report(clip, record)

    task = functools.partial(_process, out_dir=out_dir.resolve(), cfg=cfg)
    if options.backend == "dask":
        run_dask(task, todo, scheduler=options.scheduler, on_result=on_result)
    else:
        run_local(task, todo, jobs=options.jobs, on_result=on_result)
    if options.shard:
        return pd.DataFrame([_qc_row(c, out_dir) for c in selected])
    qc = assemble_tables(clips, out_dir)
    write_roles_file(out_dir, clips, qc, fixes)
    return qc

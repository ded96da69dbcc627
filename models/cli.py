"""dyadscope: behaviour features and CARE-Index screening from caregiver-infant videos.

The command line. Library code never prints; this module draws progress and messages.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from extract import __version__
from extract.config import load_config
from extract.errors import DyadscopeError, MediaError

log = logging.getLogger("dyadscope")


def _cmd_config(args) -> int:
    cfg = load_config(args.config)
    print(f"# config_hash: {cfg.hash()}")
    print(cfg.to_yaml(), end="")
    return 0


def _cmd_probe(args) -> int:
    from extract.media import probe

    failed = 0
    for path in args.clips:
        try:
            info = probe(path)
        except MediaError as exc:
            failed += 1
            print(f"{path}  ERROR {exc.problem}")
            continue
        print(json.dumps(info.to_row(), default=str) if args.json else info.summary())
    return 1 if failed else 0


def _progress(total: int):
    """tqdm bar on a terminal; plain log lines otherwise (cluster logs)."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit="clip", disable=not sys.stderr.isatty())
    done = failures = 0

    def on_clip(clip, row):
        nonlocal done, failures
        done += 1
        failures += row["status"] == "failed"
        bar.update(1)
        bar.set_postfix(failed=failures)
        if bar.disable:
            log.info("[%d/%d] %s %s (%.1fs) %s", done, total, clip.clip_id, row["status"], row["seconds"], row["error"])

    return bar, on_clip


def _cmd_extract(args) -> int:
    from extract.batch import run_extraction
    from extract.inputs import collect_inputs

    cfg = load_config(args.config)
    clips = collect_inputs(args.inputs)
    if not clips:
        raise DyadscopeError("no clips found in " + " ".join(map(str, args.inputs)))
    bar, on_clip = _progress(len(clips))
    with bar:
        qc = run_extraction(clips, args.out, cfg, on_clip=on_clip)
    counts = qc.status.value_counts().to_dict()
    print(f"{len(qc)} clips: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for row in qc[qc.status != "ok"].itertuples():
        print(f"  {row.clip_id}: {row.status}: {row.error or row.warnings}")
    print(f"results in {Path(args.out).resolve()} (qc.csv, clips/<clip_id>/frames.parquet, features.json)")
    return 1 if counts.get("failed") else 0


def _cmd_render_samples(args) -> int:
    from extract.render.cohort import render_cohort

    def progress(done, total, clip_id):
        log.info("[%d/%d] rendered %s", done, total, clip_id)

    render_cohort(args.out, n_dyads=args.dyads, duration_s=args.duration, seed=args.seed, progress=progress)
    print(f"rendered sample cohort in {Path(args.out).resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dyadscope", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"dyadscope {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("config", help="print the effective configuration and its hash")
    p.add_argument("--config", type=Path, help="YAML file overriding the defaults")
    p.set_defaults(func=_cmd_config)

    p = sub.add_parser("probe", help="describe clips, one line each; exit 1 if any is unreadable")
    p.add_argument("clips", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=_cmd_probe)

    for name, text in (("extract", "decode clips and write per-clip outputs"), ("run", "the main job (today: extract)")):
        p = sub.add_parser(name, help=text)
        p.add_argument("inputs", nargs="+", help="clip files, folders, or a manifest CSV (clip_id,path,...)")
        p.add_argument("--out", type=Path, required=True, help="output folder")
        p.add_argument("--config", type=Path, help="YAML file overriding the defaults")
        p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("render-samples", help="render the synthetic sample cohort (clips, truth, manifest, ratings)")
    p.add_argument("out", type=Path)
    p.add_argument("--dyads", type=int, default=8)
    p.add_argument("--duration", type=float, default=20.0, help="seconds per clip")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_cmd_render_samples)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except DyadscopeError as exc:
        print(f"dyadscope: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

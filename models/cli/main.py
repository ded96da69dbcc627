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
from extract.config import load_config, with_overrides
from extract.errors import DyadscopeError, MediaError
from models.cli.extract_commands import add_extract_flags, add_fit_voices_parser, apply_extract_flags
from models.cli.model_commands import add_model_parsers, add_review_video_flag, model_config, run_models
from models.cli.moments_commands import add_moments_parser
from models.cli.review_commands import add_review_parser

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


def _progress(total: int | None, unit: str = "clip"):
    """A progress hook (extract.progress) drawn as a tqdm bar on a terminal; plain log lines
    otherwise (cluster logs). Returns (bar, hook)."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit=unit, disable=not sys.stderr.isatty())
    failures = 0

    def hook(step, artifact=None, *, completed=None, total=None):
        nonlocal failures
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(1)
        if step == "clip":
            failures += artifact["status"] == "failed"
            bar.set_postfix(failed=failures)
        if not bar.disable:
            return
        if step == "clip":
            how = "up to date, skipped" if artifact["skipped"] else f"{artifact['seconds'] or 0:.1f}s"
            log.info(
                "[%d/%d] %s %s (%s) %s",
                completed,
                total,
                artifact["clip_id"],
                artifact["status"],
                how,
                artifact["error"],
            )
        elif step == "render":
            log.info("[%d/%d] rendered %s", completed, total, artifact)
        else:
            log.info("[%s/%s] %s %s", completed, total, step, artifact)

    return bar, hook


def _summary(qc, out: Path, what: str) -> int:
    counts = qc.status.value_counts().to_dict()
    print(f"{len(qc)} clips: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for row in qc[qc.status != "ok"].itertuples():
        print(
            f"  {row.clip_id}: {row.status}: "
            f"{row.error if isinstance(row.error, str) and row.error else row.warnings}"
        )
    print(f"results in {out.resolve()} ({what})")
    return 1 if counts.get("failed") or counts.get("missing") else 0


def _cmd_extract(args) -> int:
    from extract.batch import BatchOptions, run_batch
    from extract.batch.inputs import collect_inputs
    from extract.batch.shards import parse_shard, select_shard

    cfg = load_config(args.config)
    if args.overlay:  # part of the config (and its hash): a rerun with --overlay redoes the clips
        cfg = with_overrides(cfg, {"overlay": {"enabled": True}})
    cfg = apply_extract_flags(cfg, args)  # --eaf, --rttm, --voice-model (recorded in the config hash)
    if args.backend == "dask" and not args.scheduler:
        raise DyadscopeError("--backend dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    options = BatchOptions(
        jobs=args.jobs,
        force=args.force,
        shard=parse_shard(args.shard) if args.shard else None,
        backend=args.backend,
        scheduler=args.scheduler,
    )
    clips = collect_inputs(args.inputs)
    if not clips:
        raise DyadscopeError("no clips found in " + " ".join(map(str, args.inputs)))
    bar, hook = _progress(len(select_shard(clips, *options.shard)) if options.shard else len(clips))
    with bar:
        qc = run_batch(clips, args.out, cfg, options=options, hook=hook)
    what = (
        "clips/<clip_id>/; run 'dyadscope merge' after all shards"
        if options.shard
        else "qc.csv, features.csv, roles.csv (fix roles; sheets in clips/<clip_id>/roles.png)"
    )
    return _summary(qc, args.out, what)


def _cmd_run(args) -> int:
    """extract; with --ratings then train, screen, validate and report in OUT. The instrument
    and the ratings are checked before extraction starts."""
    from models.services import check_model_inputs

    models_cfg = None
    if args.review_video and args.ratings is None:
        raise DyadscopeError("--review-video needs --ratings: the review pages are written by screening")
    if args.ratings is not None and not args.shard:
        models_cfg = model_config(args)
        check_model_inputs(args.ratings, models_cfg)
    code = _cmd_extract(args)
    if models_cfg is None:
        return code
    run_models(args.out, args.ratings, cfg=models_cfg, review_video=args.review_video)
    return code


def _cmd_merge(args) -> int:
    from extract.batch import merge_outputs

    return _summary(merge_outputs(args.out), args.out, "qc.csv, features.csv")


def _cmd_render_samples(args) -> int:
    from extract.render.cohort import render_cohort, spread_sensitivities

    spread = None
    if args.spread:
        try:
            low, high = (float(v) for v in args.spread.split(","))
        except ValueError:
            raise DyadscopeError(f"--spread wants LOW,HIGH (e.g. 0.05,0.95), got {args.spread!r}") from None
        if not 0 <= low <= high <= 1:
            raise DyadscopeError(f"--spread {args.spread}: need 0 <= LOW <= HIGH <= 1")
        spread = spread_sensitivities(args.dyads, low, high, seed=args.seed)
    bar, hook = _progress(None, unit="clip")
    with bar:
        render_cohort(
            args.out,
            n_dyads=args.dyads,
            sensitivities=spread,
            duration_s=args.duration,
            seed=args.seed,
            progress=hook,
            jobs=args.jobs,
        )
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

    for name, text in (
        ("extract", "decode clips and write per-clip outputs"),
        ("run", "the main job: extract; with --ratings also train, screen, validate, report"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("inputs", nargs="+", help="clip files, folders, or a manifest CSV (clip_id,path,...)")
        p.add_argument("--out", type=Path, required=True, help="output folder")
        p.add_argument("--config", type=Path, help="YAML file overriding the defaults")
        p.add_argument(
            "--jobs", "-j", type=int, default=1, help="worker processes (one clip each); default 1"
        )
        p.add_argument("--force", action="store_true", help="redo clips whose outputs are already up to date")
        p.add_argument(
            "--shard",
            metavar="i/N",
            help="process only shard i of N (SLURM job arrays); then 'dyadscope merge'",
        )
        p.add_argument(
            "--backend",
            choices=("loky", "dask"),
            default="loky",
            help="local worker processes, or a Dask cluster",
        )
        p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address for --backend dask")
        p.add_argument(
            "--overlay",
            action="store_true",
            help="also write clips/<clip_id>/overlay.mp4 (boxes, roles, landmarks)",
        )
        add_extract_flags(p)
        if name == "run":
            p.add_argument(
                "--ratings",
                type=Path,
                help="coders' ratings.csv: after extraction train, screen, validate, report",
            )
            p.add_argument(
                "--instrument",
                help="care_index (default) or an instrument YAML file for the ratings (models.instrument)",
            )
            add_review_video_flag(p)
        p.set_defaults(func=_cmd_extract if name == "extract" else _cmd_run)

    add_fit_voices_parser(sub)
    add_model_parsers(sub)
    add_moments_parser(sub)
    add_review_parser(sub)

    p = sub.add_parser("merge", help="combine shard outputs in OUT into qc.csv and features.csv")
    p.add_argument("out", type=Path)
    p.set_defaults(func=_cmd_merge)

    p = sub.add_parser(
        "render-samples", help="render the synthetic sample cohort (clips, truth, manifest, ratings)"
    )
    p.add_argument("out", type=Path)
    p.add_argument("--dyads", type=int, default=8)
    p.add_argument("--duration", type=float, default=20.0, help="seconds per clip")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--spread",
        metavar="LOW,HIGH",
        help="dyad sensitivities spread evenly over LOW..HIGH instead of the group draws",
    )
    p.add_argument("--jobs", "-j", type=int, default=1, help="clips rendered in parallel; default 1")
    p.set_defaults(func=_cmd_render_samples)

    p = sub.add_parser("features-doc", help="write the feature dictionary (docs/features.md) from the code")
    p.add_argument("--out", type=Path, default=Path("docs/features.md"))
    p.add_argument("--config", type=Path, help="YAML file overriding the defaults")
    p.set_defaults(func=_cmd_features_doc)
    return parser


def _cmd_features_doc(args) -> int:
    from extract.features.registry import features_markdown

    args.out.write_text(features_markdown(load_config(args.config)))
    print(f"wrote {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return args.func(args)
    except DyadscopeError as exc:
        print(f"dyadscope: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

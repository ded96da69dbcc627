"""Model parts of the `dyadscope` command: train, predict, screen, validate, report, suggest.

Each command parses its arguments, calls the service function in `models.services` and
prints a summary; `run` calls the same services."""

from __future__ import annotations

import logging
from pathlib import Path

from extract.config import load_config, with_overrides
from models import services
from models.cli.code_commands import add_agree_parser, add_codes_flags, ratings_path_for_train
from models.dataset import read_meta_tables

log = logging.getLogger("dyadscope")


def _hook(step, artifact=None, *, completed=None, total=None) -> None:
    """Training progress as log lines: 'outer fold 2/5: Ridge(alpha=10.0), top 10 features'."""
    count = f" {completed}/{total}" if completed is not None and total else ""
    log.info("%s%s%s", step, count, f": {artifact}" if artifact is not None else "")


def _meta(args):
    return read_meta_tables(getattr(args, "manifest", None), getattr(args, "qc", None))


def model_config(args):
    """The config file with --instrument laid over it (a path relative to the working folder)."""
    cfg = load_config(args.config)
    if getattr(args, "instrument", None):
        name = args.instrument
        value = name if name == "care_index" else str(Path(name).resolve())
        cfg = with_overrides(cfg, {"models": {"instrument": value}}, source="--instrument")
    return cfg


def cmd_train(args) -> int:
    cfg = model_config(args)
    ratings = ratings_path_for_train(args, cfg)
    if args.codes:
        print(f"ratings from codes: {ratings}")
    bundle, digest = services.train(args.features, ratings, args.out, cfg=cfg, meta=_meta(args), hook=_hook)
    s = bundle.summary
    print(
        f"trained on {s['n_clips']} clips of {s['n_dyads']} dyads ({s['n_double_coded']} double-coded, "
        f"averaged), {s['n_features']} features"
    )
    for target, t in s["targets"].items():
        served = "prediction set" if t.get("kind") == "binary" else "interval"
        error = "Brier" if t.get("kind") == "binary" else "MAE"
        print(
            f"  {target} ({t.get('kind', 'continuous')}): {t['selected']}; dyad-held-out r "
            f"{t['heldout_pearson_r']:.2f}, {error} {t['heldout_mae']:.2f}, coverage of the served "
            f"{bundle.config['interval_level']:.0%} {served} on held-out dyads {t['heldout_coverage']:.2f}"
        )
    print(f"model {Path(args.out).resolve()} (SHA-256 {digest}, recorded in {Path(args.out).name}.json)")
    return 0


def cmd_predict(args) -> int:
    predictions = services.predict(args.model, args.features, args.out, manifest_path=args.manifest)
    print(f"{predictions.clip_id.nunique()} clips predicted; {Path(args.out).resolve()}")
    return 0


def cmd_screen(args) -> int:
    _, predictions, queue = services.screen(
        args.model,
        args.features,
        args.out,
        qc_path=args.qc,
        manifest_path=args.manifest,
        review_video=args.review_video,
    )
    print(f"{predictions.clip_id.nunique()} clips screened; {len(queue)} flagged for review")
    print(f"results in {Path(args.out).resolve()} (predictions.csv, review_queue.csv)")
    print(f"review pages: {(Path(args.out) / 'review' / 'index.html').resolve()}")
    return 0


def _headline(s: dict) -> str:
    """The main agreement figures of one scale's kind, in one line."""
    method = "nested cross-conformal" if s.get("kind") == "binary" else "nested CV+"
    coverage = f"(nominal {s['coverage_nominal']:.2f}, {method})"
    if s.get("kind") == "binary":
        return (
            f"ROC AUC {s['roc_auc']:.2f}, Brier {s['brier']:.3f}, at the review rule sensitivity "
            f"{s['flag_sensitivity']:.2f} specificity {s['flag_specificity']:.2f}, prediction-set coverage "
            f"{s['coverage']:.2f} {coverage}, mean set size {s['set_size_mean']:.2f}"
        )
    text = (
        f"r {s['pearson_r']:.2f}, ICC(A,1) {s['icc_a1']:.2f} [{s['icc_a1_low']:.2f}, "
        f"{s['icc_a1_high']:.2f}], MAE {s['mae']:.2f}, kappa_w {s['weighted_kappa']:.2f}"
    )
    if s.get("kind") == "ordinal":
        text += f", exact {s['exact_agreement']:.2f}, adjacent {s['adjacent_agreement']:.2f}"
    return text + f", served-interval coverage {s['coverage']:.2f} {coverage}"


def print_validation(results: dict, groups: dict | None, out: Path) -> None:
    for t, e in results.items():
        s = e["stats"]
        print(
            f"{t} (dyad-held-out, {s['n_clips']} clips, {s['n_dyads']} dyads): {_headline(s)}, "
            f"permutation p {s['perm_p']:.3f}"
            + (f" (exact, all {s['perm_n']} permutations)" if s.get("perm_exact") else "")
        )
    if groups and groups.get("available"):
        print(f"group comparison (unit: {groups['unit']}): {groups['verdict']}")
    print(f"results in {Path(out).resolve()} (validation.csv, validation.json, confusion_*.csv, ...)")


def cmd_validate(args) -> int:
    _, results, groups = services.validate(
        args.model, args.out, features_path=args.features, ratings_path=args.ratings, meta=_meta(args)
    )
    print_validation(results, groups, args.out)
    return 0


def cmd_report(args) -> int:
    services.report(
        args.model,
        args.features,
        args.out,
        ratings_path=args.ratings,
        meta=_meta(args),
        queue_path=args.queue,
        qc_path=args.qc,
    )
    print(f"report {Path(args.out).resolve()}")
    return 0


def cmd_suggest(args) -> int:
    table = services.suggest(args.model, args.features, args.out, qc_path=args.qc, top=args.top)
    print(f"{len(table)} uncoded clips ranked; {Path(args.out).resolve()}")
    return 0


def run_models(out: Path, ratings: Path, *, cfg, review_video: bool = False) -> int:
    """The model part of `dyadscope run --ratings`: the services chain, then its summary."""
    _, results, groups = services.run_models(out, ratings, cfg=cfg, hook=_hook, review_video=review_video)
    print_validation(results, groups, out / "validation")
    print(f"models: {out.resolve()} (model/, predictions.csv, review_queue.csv, validation/, report.html)")
    print(f"review pages: {(out / 'review' / 'index.html').resolve()}")
    return 0


def add_review_video_flag(p) -> None:
    p.add_argument(
        "--review-video",
        action="store_true",
        help="write a small H.264 preview per clip for the review pages (review/media/, 480 px)",
    )


def add_model_parsers(sub) -> None:
    p = sub.add_parser("train", help="learn coders' ratings of any instrument (nested CV grouped by dyad)")
    p.add_argument("features", type=Path, help="features.csv")
    p.add_argument(
        "ratings", type=Path, nargs="?", help="ratings.csv (clip_id, dyad_id, [timepoint, coder_id], scales)"
    )
    p.add_argument(
        "--out", type=Path, required=True, help="model file (a sidecar MODEL.json records its SHA-256)"
    )
    add_codes_flags(p)
    p.add_argument("--manifest", type=Path, help="manifest with group/timepoint/covariate columns")
    p.add_argument("--qc", type=Path, help="qc.csv (group/timepoint/covariates when no manifest)")
    p.add_argument("--config", type=Path, help="YAML file overriding the defaults")
    p.add_argument(
        "--instrument", help="care_index (default) or an instrument YAML file (sets models.instrument)"
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="predictions with intervals and band probabilities only")
    p.add_argument("features", type=Path)
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--manifest", type=Path, help="manifest (covariates)")
    p.add_argument("--out", type=Path, required=True, help="predictions CSV")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("screen", help="predict with intervals and write the review queue")
    p.add_argument("features", type=Path)
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--qc", type=Path, help="qc.csv: warn/failed clips are flagged")
    p.add_argument("--manifest", type=Path, help="manifest (covariates)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    add_review_video_flag(p)
    p.set_defaults(func=cmd_screen)

    for name, func, text in (
        ("validate", cmd_validate, "dyad-held-out agreement with coders"),
        ("report", cmd_report, "self-contained HTML report"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--model", type=Path, required=True)
        p.add_argument(
            "--features",
            type=Path,
            required=name == "report",
            help="features.csv (learning curve, importance; screening for the report)",
        )
        p.add_argument("--ratings", type=Path, help="ratings.csv (inter-coder agreement)")
        p.add_argument("--manifest", type=Path)
        p.add_argument("--qc", type=Path)
        p.add_argument(
            "--out", type=Path, required=True, help="output folder" if name == "validate" else "report.html"
        )
        if name == "report":
            p.add_argument("--queue", type=Path, help="review_queue.csv from 'screen' (else screened here)")
        p.set_defaults(func=func)

    p = sub.add_parser("suggest", help="rank uncoded clips by how much coding them would help")
    p.add_argument("features", type=Path)
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--qc", type=Path, help="qc.csv or manifest (dyad ids: new dyads rank higher)")
    p.add_argument("--top", type=int, default=0, help="keep only the first N (0 = all)")
    p.add_argument("--out", type=Path, required=True, help="suggestions CSV")
    p.set_defaults(func=cmd_suggest)

    add_agree_parser(sub)

"""Model parts of the `dyadscope` command: train, screen, validate, report, suggest, run chaining.

Library code returns tables; this module reads and writes files and prints summaries."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import pandas as pd

from extract.config import load_config
from extract.outputs import write_csv, write_json

log = logging.getLogger("dyadscope")
PREDICTION_COLUMNS = ["clip_id", "target", "predicted", "lower", "upper", "band", "p_intervention"]


def _hook(message: str) -> None:
    log.info(message)


def _meta(args):
    from models.dataset import read_meta

    tables = [read_meta(p) for p in (getattr(args, "manifest", None), getattr(args, "qc", None)) if p is not None]
    if not tables:
        return None
    meta = tables[0]
    for extra in tables[1:]:
        meta = meta.combine_first(extra)
    return meta


def train(features_path: Path, ratings_path: Path, model_path: Path, *, cfg, meta=None) -> object:
    from models.bundle import save_bundle
    from models.dataset import read_features
    from models.fit import train_bundle
    from models.ratings import load_ratings

    mc = cfg.models
    ratings = load_ratings(ratings_path, targets=tuple(mc.targets), score_min=mc.score_min, score_max=mc.score_max)
    features = read_features(features_path)
    bundle = train_bundle(features, ratings, cfg, meta=meta, source=str(features_path), hook=_hook)
    digest = save_bundle(bundle, model_path)
    return bundle, digest


def cmd_train(args) -> int:
    cfg = load_config(args.config)
    bundle, digest = train(args.features, args.ratings, args.out, cfg=cfg, meta=_meta(args))
    s = bundle.summary
    print(f"trained on {s['n_clips']} clips of {s['n_dyads']} dyads ({s['n_double_coded']} double-coded, averaged), {s['n_features']} features")
    for target, t in s["targets"].items():
        print(f"  {target}: {t['selected']}; dyad-held-out r {t['heldout_pearson_r']:.2f}, MAE {t['heldout_mae']:.2f}, "
              f"coverage of the served {bundle.config['interval_level']:.0%} interval on held-out dyads {t['heldout_coverage']:.2f}")
    print(f"model {Path(args.out).resolve()} (SHA-256 {digest}, recorded in {Path(args.out).name}.json)")
    return 0


def screen_files(model_path: Path, features_path: Path, out: Path, *, qc_path=None, manifest_path=None):
    from models.bundle import load_bundle
    from models.dataset import read_features, read_meta
    from models.screening import screen

    bundle = load_bundle(model_path)
    qc = read_meta(qc_path)
    meta = read_meta(manifest_path) if manifest_path else qc
    predictions, queue = screen(bundle, read_features(features_path), qc=qc, meta=meta, source=str(features_path))
    ordered = PREDICTION_COLUMNS + [c for c in predictions.columns if c not in PREDICTION_COLUMNS]
    write_csv(Path(out) / "predictions.csv", predictions[ordered])
    write_csv(Path(out) / "review_queue.csv", queue[["clip_id", "priority", "reasons", "score"]])
    return bundle, predictions, queue


def cmd_predict(args) -> int:
    from models.bundle import load_bundle
    from models.dataset import read_features, read_meta
    from models.screening import predict

    bundle = load_bundle(args.model)
    predictions = predict(bundle, read_features(args.features), read_meta(args.manifest), source=str(args.features))
    write_csv(args.out, predictions)
    print(f"{predictions.clip_id.nunique()} clips predicted; {Path(args.out).resolve()}")
    return 0


def cmd_screen(args) -> int:
    _, predictions, queue = screen_files(args.model, args.features, args.out, qc_path=args.qc, manifest_path=args.manifest)
    print(f"{predictions.clip_id.nunique()} clips screened; {len(queue)} flagged for review")
    print(f"results in {Path(args.out).resolve()} (predictions.csv, review_queue.csv)")
    return 0


def validation_results(model_path: Path, features_path: Path | None, ratings_path: Path | None, *, meta=None):
    """(bundle, validation dict, group comparison) from the bundle's held-out predictions."""
    from models.bundle import load_bundle
    from models.dataset import read_features
    from models.groups import group_comparison
    from models.ratings import load_ratings
    from models.screening import design_matrix
    from models.validation import validate

    bundle = load_bundle(model_path)
    cfg = bundle.config
    X = ratings = None
    if features_path is not None:
        features = read_features(features_path)
        clips = list(dict.fromkeys(bundle.training.clip_id))
        X = design_matrix(bundle, features.loc[clips], meta if meta is not None else bundle.training.drop_duplicates("clip_id").set_index("clip_id"),
                          source=str(features_path))
    if ratings_path is not None:
        ratings = load_ratings(ratings_path, targets=tuple(bundle.targets), score_min=cfg["score_min"], score_max=cfg["score_max"])
    results = validate(bundle, X=X, ratings=ratings)
    rows = bundle.training[bundle.training.target == (cfg["review_target"] if cfg["review_target"] in bundle.targets else next(iter(bundle.targets)))]
    groups = group_comparison(rows, threshold=cfg["intervention_max"]) if {"group", "timepoint"} <= set(rows.columns) else None
    return bundle, results, groups


def cmd_validate(args) -> int:
    bundle, results, groups = validation_results(args.model, args.features, args.ratings, meta=_meta(args))
    out = Path(args.out)
    stats = pd.DataFrame([{"target": t, **e["stats"]} for t, e in results.items()])
    write_csv(out / "validation.csv", stats)
    write_csv(out / "heldout_predictions.csv", bundle.training)
    for target, entry in results.items():
        write_csv(out / f"confusion_{target}.csv", entry["confusion"].reset_index(names="coded_band"))
        for key in ("learning_curve", "importance"):
            if key in entry:
                write_csv(out / f"{key}_{target}.csv", entry[key])
    summary = {t: {**e["stats"], "coders": e.get("coders", {})} for t, e in results.items()}
    if groups and groups.get("available"):
        write_csv(out / "group_shares.csv", groups["shares"])
        write_csv(out / "group_tests.csv", groups["tests"])
        write_csv(out / "group_changes.csv", groups["changes"])
        summary["group_comparison"] = {"same_conclusion": groups["same_conclusion"], "verdict": groups["verdict"],
                                       "unit": groups["unit"]}
    write_json(out / "validation.json", summary)
    for t, e in results.items():
        s = e["stats"]
        print(f"{t} (dyad-held-out, {s['n_clips']} clips, {s['n_dyads']} dyads): r {s['pearson_r']:.2f}, ICC(A,1) {s['icc_a1']:.2f} "
              f"[{s['icc_a1_low']:.2f}, {s['icc_a1_high']:.2f}], MAE {s['mae']:.2f}, kappa_w {s['weighted_kappa']:.2f}, "
              f"served-interval coverage {s['coverage']:.2f} (nominal {s['coverage_nominal']:.2f}, nested CV+), "
              f"permutation p {s['perm_p']:.3f}" + (f" (exact, all {s['perm_n']} permutations)" if s.get("perm_exact") else ""))
    if groups and groups.get("available"):
        print(f"group comparison (unit: {groups['unit']}): {groups['verdict']}")
    print(f"results in {out.resolve()} (validation.csv, validation.json, confusion_*.csv, ...)")
    return 0


def report_file(model_path: Path, features_path: Path, ratings_path: Path | None, out_path: Path, *, meta=None, queue_path=None, qc_path=None):
    from models.report import render_report, write_report

    bundle, results, groups = validation_results(model_path, features_path, ratings_path, meta=meta)
    queue = pd.read_csv(queue_path) if queue_path else None
    if queue is None:
        _, _, queue = screen_files(model_path, features_path, Path(out_path).parent, qc_path=qc_path)
    write_report(out_path, render_report(bundle, results, queue=queue, groups=groups))


def cmd_report(args) -> int:
    report_file(args.model, args.features, args.ratings, args.out, meta=_meta(args), queue_path=args.queue, qc_path=args.qc)
    print(f"report {Path(args.out).resolve()}")
    return 0


def cmd_suggest(args) -> int:
    from models.bundle import load_bundle
    from models.dataset import read_features, read_meta
    from models.screening import screen
    from models.suggest import suggest

    bundle = load_bundle(args.model)
    features = read_features(args.features)
    qc = read_meta(args.qc)
    predictions, _ = screen(bundle, features, qc=qc, source=str(args.features))
    novelty = predictions.drop_duplicates("clip_id").set_index("clip_id")["novelty"]
    coded = set(bundle.training.clip_id)
    dyad_of = qc["dyad_id"] if qc is not None and "dyad_id" in qc.columns else None
    table = suggest(predictions, novelty=novelty, coded_clips=coded, review_target=bundle.config["review_target"],
                    novelty_threshold=bundle.novelty.threshold_, dyad_of=dyad_of, coded_dyads=set(bundle.training.dyad_id.astype(str)))
    write_csv(args.out, table.head(args.top) if args.top else table)
    print(f"{len(table)} uncoded clips ranked; {Path(args.out).resolve()}")
    return 0


def run_models(out: Path, ratings: Path, *, cfg) -> int:
    """After extraction in OUT: train, screen, validate, report (the `run --ratings` chain)."""
    from models.dataset import read_features, read_meta, require_features

    features_path, qc_path = out / "features.csv", out / "qc.csv"
    require_features(read_features(features_path), str(features_path))
    qc = read_meta(qc_path)
    train(features_path, ratings, out / "model" / "model.joblib", cfg=cfg, meta=qc)
    args = argparse.Namespace(model=out / "model" / "model.joblib", features=features_path, ratings=ratings,
                              manifest=None, qc=qc_path, out=out / "validation", queue=None)
    screen_files(args.model, features_path, out, qc_path=qc_path)
    cmd_validate(args)
    report_file(args.model, features_path, ratings, out / "report.html", meta=qc, queue_path=out / "review_queue.csv")
    print(f"models: {out.resolve()} (model/, predictions.csv, review_queue.csv, validation/, report.html)")
    return 0


def add_model_parsers(sub) -> None:
    p = sub.add_parser("train", help="learn coders' CARE-Index ratings (nested CV grouped by dyad)")
    p.add_argument("features", type=Path, help="features.csv")
    p.add_argument("ratings", type=Path, help="ratings.csv (clip_id, dyad_id, [timepoint, coder_id], scales)")
    p.add_argument("--out", type=Path, required=True, help="model file (a sidecar MODEL.json records its SHA-256)")
    p.add_argument("--manifest", type=Path, help="manifest with group/timepoint/covariate columns")
    p.add_argument("--qc", type=Path, help="qc.csv (group/timepoint/covariates when no manifest)")
    p.add_argument("--config", type=Path, help="YAML file overriding the defaults")
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
    p.set_defaults(func=cmd_screen)

    for name, func, text in (("validate", cmd_validate, "dyad-held-out agreement with coders"),
                             ("report", cmd_report, "self-contained HTML report")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--model", type=Path, required=True)
        p.add_argument("--features", type=Path, required=name == "report", help="features.csv (learning curve, importance; screening for the report)")
        p.add_argument("--ratings", type=Path, help="ratings.csv (inter-coder agreement)")
        p.add_argument("--manifest", type=Path)
        p.add_argument("--qc", type=Path)
        p.add_argument("--out", type=Path, required=True, help="output folder" if name == "validate" else "report.html")
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

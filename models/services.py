"""The model jobs as plain functions over files: train, predict, screen, validate, report,
suggest, and the `run` chain. The command line and `run` call these; they write their
results atomically, return them, and never print (progress goes through `hook`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract.outputs import write_csv, write_json
from models import screening, validation
from models.bundle import ModelBundle, load_bundle, save_bundle
from models.dataset import read_features, read_meta, require_features
from models.fit import train_bundle
from models.instrument import Instrument, bundle_instrument
from models.instrument_file import resolve_instrument
from models.ratings import load_ratings

PREDICTION_COLUMNS = ["clip_id", "target", "predicted", "lower", "upper", "band", "p_intervention"]


def read_ratings(ratings_path: Path, instrument: Instrument) -> pd.DataFrame:
    """The ratings file checked against the instrument's scales (columns, ranges, levels)."""
    return load_ratings(ratings_path, targets=instrument.trained(), scales=instrument.scales)


def check_model_inputs(ratings_path: Path, cfg) -> Instrument:
    """Instrument file and ratings checked before any work starts (the `run --ratings` chain)."""
    instrument = resolve_instrument(cfg.models)
    read_ratings(ratings_path, instrument)
    return instrument


def group_rule(bundle: ModelBundle, target: str):
    """The review rule of `target` as group_comparison's `flagged(values, predicted=...)`."""
    instrument = bundle_instrument(bundle.config)
    scale, flag = instrument.scales[target], instrument.flags[target]
    return lambda values, *, predicted: (
        flag.predicted_flagged(scale, values) if predicted else flag.flagged(scale, values)
    )


def review_scale(bundle: ModelBundle) -> str:
    scale = bundle_instrument(bundle.config).review_scale
    return scale if scale in bundle.targets else next(iter(bundle.targets))


def train(
    features_path: Path, ratings_path: Path, model_path: Path, *, cfg, meta=None, hook=None
) -> tuple[ModelBundle, str]:
    """Fit the bundle and save it with its SHA-256 sidecar. Returns (bundle, digest)."""
    ratings = read_ratings(ratings_path, resolve_instrument(cfg.models))
    bundle = train_bundle(
        read_features(features_path), ratings, cfg, meta=meta, source=str(features_path), hook=hook
    )
    return bundle, save_bundle(bundle, model_path)


def predict(
    model_path: Path, features_path: Path, out_path: Path, *, manifest_path: Path | None = None
) -> pd.DataFrame:
    bundle = load_bundle(model_path)
    predictions = screening.predict(
        bundle, read_features(features_path), read_meta(manifest_path), source=str(features_path)
    )
    write_csv(out_path, predictions)
    return predictions


def screen(
    model_path: Path, features_path: Path, out: Path, *, qc_path=None, manifest_path=None, review_video=False
):
    """predictions.csv, review_queue.csv and the review pages (review/) in `out`.
    Returns (bundle, predictions, queue)."""
    bundle = load_bundle(model_path)
    qc = read_meta(qc_path)
    meta = read_meta(manifest_path) if manifest_path else qc
    predictions, queue = screening.screen(
        bundle, read_features(features_path), qc=qc, meta=meta, source=str(features_path)
    )
    ordered = PREDICTION_COLUMNS + [c for c in predictions.columns if c not in PREDICTION_COLUMNS]
    write_csv(Path(out) / "predictions.csv", predictions[ordered])
    write_csv(Path(out) / "review_queue.csv", queue[["clip_id", "priority", "reasons", "score"]])
    review_pages(model_path, features_path, out, bundle, predictions, queue, qc, review_video=review_video)
    return bundle, predictions, queue


def review_pages(
    model_path, features_path, out, bundle, predictions, queue, qc, *, review_video=False
) -> Path:
    """OUT/review/: index.html and a page per clip (tracks from the clips/ folder beside the
    features file, when there is one); with `review_video` first an H.264 preview per clip."""
    from models.bundle import read_sidecar
    from models.review import write_previews, write_review

    clips_dir = Path(features_path).parent / "clips"
    clips_dir = clips_dir if clips_dir.is_dir() else None
    model_file = Path(model_path) / "model.joblib" if Path(model_path).is_dir() else Path(model_path)
    if review_video:
        write_previews(Path(out), qc)
    return write_review(
        Path(out),
        bundle=bundle,
        predictions=predictions,
        queue=queue,
        qc=qc,
        clips_dir=clips_dir,
        digest=read_sidecar(model_file)["sha256"],
    )


def validation_results(model_path: Path, features_path: Path | None, ratings_path: Path | None, *, meta=None):
    """(bundle, validation dict, group comparison) from the bundle's held-out predictions."""
    from models.groups import group_comparison

    bundle = load_bundle(model_path)
    X = ratings = None
    if features_path is not None:
        features = read_features(features_path)
        clips = list(dict.fromkeys(bundle.training.clip_id))
        training_meta = (
            meta if meta is not None else bundle.training.drop_duplicates("clip_id").set_index("clip_id")
        )
        X = screening.design_matrix(bundle, features.loc[clips], training_meta, source=str(features_path))
    if ratings_path is not None:
        instrument = bundle_instrument(bundle.config)
        ratings = load_ratings(ratings_path, targets=tuple(bundle.targets), scales=instrument.scales)
    results = validation.validate(bundle, X=X, ratings=ratings)
    review = review_scale(bundle)
    rows = bundle.training[bundle.training.target == review]
    groups = (
        group_comparison(
            rows,
            flagged=group_rule(bundle, review),
            label=bundle_instrument(bundle.config).flags[review].label,
        )
        if {"group", "timepoint"} <= set(rows.columns)
        else None
    )
    return bundle, results, groups


def validate(model_path: Path, out: Path, *, features_path=None, ratings_path=None, meta=None):
    """validation.csv/.json, held-out predictions, confusion, curve, importance, group tables in
    `out`. Returns (bundle, results, groups)."""
    bundle, results, groups = validation_results(model_path, features_path, ratings_path, meta=meta)
    out = Path(out)
    write_csv(out / "validation.csv", pd.DataFrame([{"target": t, **e["stats"]} for t, e in results.items()]))
    write_csv(out / "heldout_predictions.csv", bundle.training)
    for target, entry in results.items():
        write_csv(out / f"confusion_{target}.csv", entry["confusion"].reset_index(names="coded_band"))
        for key in ("learning_curve", "importance", "calibration"):
            if key in entry:
                write_csv(out / f"{key}_{target}.csv", entry[key])
    summary = {t: {**e["stats"], "coders": e.get("coders", {})} for t, e in results.items()}
    if groups and groups.get("available"):
        for key in ("shares", "tests", "changes"):
            write_csv(out / f"group_{key}.csv", groups[key])
        summary["group_comparison"] = {key: groups[key] for key in ("same_conclusion", "verdict", "unit")}
    write_json(out / "validation.json", summary)
    return bundle, results, groups


def report(
    model_path: Path,
    features_path: Path,
    out_path: Path,
    *,
    ratings_path=None,
    meta=None,
    queue_path=None,
    qc_path=None,
    validated: tuple | None = None,
) -> Path:
    """The self-contained report.html (screens the clips first when no review queue is given).
    `validated`: (bundle, results, groups) from `validate` on the same inputs, not recomputed."""
    from models.report import render_report, write_report

    if validated is None:
        validated = validation_results(model_path, features_path, ratings_path, meta=meta)
    bundle, results, groups = validated
    queue = pd.read_csv(queue_path) if queue_path else None
    if queue is None:
        _, _, queue = screen(model_path, features_path, Path(out_path).parent, qc_path=qc_path)
    from models.code_services import report_section

    folder = Path(out_path).parent
    text = render_report(
        bundle,
        results,
        queue=queue,
        groups=groups,
        agreement=report_section(folder),
        review_pages=(folder / "review" / "index.html").is_file(),
    )
    write_report(out_path, text)
    return Path(out_path)


def suggest(
    model_path: Path, features_path: Path, out_path: Path, *, qc_path=None, top: int = 0
) -> pd.DataFrame:
    """Uncoded clips ranked by how much coding them would help (all of them; `top` limits the file)."""
    from models.suggest import suggest as rank

    bundle = load_bundle(model_path)
    qc = read_meta(qc_path)
    predictions, _ = screening.screen(bundle, read_features(features_path), qc=qc, source=str(features_path))
    novelty = predictions.drop_duplicates("clip_id").set_index("clip_id")["novelty"]
    dyad_of = qc["dyad_id"] if qc is not None and "dyad_id" in qc.columns else None
    table = rank(
        predictions,
        novelty=novelty,
        coded_clips=set(bundle.training.clip_id),
        review_target=review_scale(bundle),
        novelty_threshold=bundle.novelty.threshold_,
        dyad_of=dyad_of,
        coded_dyads=set(bundle.training.dyad_id.astype(str)),
    )
    write_csv(out_path, table.head(top) if top else table)
    return table


def run_models(
    out: Path, ratings: Path, *, cfg, hook=None, review_video: bool = False
) -> tuple[ModelBundle, dict, dict | None]:
    """After extraction in OUT: train, screen, validate, report (the `run --ratings` chain).
    Returns (bundle, validation results, group comparison) for the caller to summarise."""
    features_path, qc_path = out / "features.csv", out / "qc.csv"
    require_features(read_features(features_path), str(features_path))
    qc = read_meta(qc_path)
    model_path = out / "model" / "model.joblib"
    train(features_path, ratings, model_path, cfg=cfg, meta=qc, hook=hook)
    screen(model_path, features_path, out, qc_path=qc_path, review_video=review_video)
    bundle, results, groups = validate(
        model_path, out / "validation", features_path=features_path, ratings_path=ratings, meta=qc
    )
    report(
        model_path,
        features_path,
        out / "report.html",
        ratings_path=ratings,
        meta=qc,
        queue_path=out / "review_queue.csv",
        validated=(bundle, results, groups),
    )
    return bundle, results, groups

"""Screen: predictions with intervals and band probabilities, and the review queue."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.bundle import ModelBundle
from models.conformal import band_edges, band_of, band_probabilities, cv_plus_interval, prob_at_most
from models.dataset import covariate_frame


def design_matrix(
    bundle: ModelBundle, features: pd.DataFrame, meta: pd.DataFrame | None = None, *, source: str = "features"
) -> pd.DataFrame:
    """Features in the model's schema order (+ covariates); schema mismatches are errors."""
    bundle.check_schema(list(features.columns), source=source)
    X = features[bundle.feature_columns].astype(float)
    if bundle.covariates:
        info = meta.reindex(X.index) if meta is not None else pd.DataFrame(index=X.index)
        cov, _ = covariate_frame(info, bundle.covariates, levels=bundle.covariate_levels)
        X = pd.concat([X, cov], axis=1)
    return X


def predict(
    bundle: ModelBundle, features: pd.DataFrame, meta: pd.DataFrame | None = None, *, source: str = "features"
) -> pd.DataFrame:
    """Long table: clip_id, target, predicted, lower, upper, band, p_<band>..., p_intervention."""
    cfg = bundle.config
    X = design_matrix(bundle, features, meta, source=source).to_numpy(dtype=float)
    names, upper_values = list(cfg["band_names"]), tuple(cfg["band_upper"])
    frames = []
    for target, model in bundle.targets.items():
        point = np.clip(model.final.predict(X), cfg["score_min"], cfg["score_max"])
        folds = model.fold_predictions(X)
        lower, upper = cv_plus_interval(folds, model.fold_of, model.residuals, level=cfg["interval_level"])
        probs = band_probabilities(folds, model.fold_of, model.residuals, band_upper=upper_values)
        frame = pd.DataFrame(
            {
                "clip_id": features.index.astype(str),
                "target": target,
                "predicted": point,
                "lower": np.clip(lower, cfg["score_min"], cfg["score_max"]),
                "upper": np.clip(upper, cfg["score_min"], cfg["score_max"]),
                "band": [names[b] for b in band_of(point, upper_values)],
            }
        )
        for b, name in enumerate(names):
            frame[f"p_{name}"] = probs[:, b]
        frame["p_intervention"] = prob_at_most(
            folds, model.fold_of, model.residuals, threshold=cfg["intervention_max"]
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def review_queue(
    predictions: pd.DataFrame,
    *,
    bundle: ModelBundle,
    novelty: pd.Series,
    qc: pd.DataFrame | None = None,
    missing_share: pd.Series | None = None,
) -> pd.DataFrame:
    """clip_id, priority (1 = look first), score, reasons (words, '; '-separated), one row per
    flagged clip. Every row has at least one reason."""
    cfg = bundle.config
    target = cfg["review_target"] if cfg["review_target"] in bundle.targets else next(iter(bundle.targets))
    rows = predictions[predictions.target == target].set_index("clip_id")
    edges = band_edges(tuple(cfg["band_upper"]))
    names = list(cfg["band_names"])
    out = []
    for clip_id, row in rows.iterrows():
        reasons, score = [], 0.0
        if row.predicted <= cfg["intervention_max"] + 0.5:
            reasons.append(
                f"predicted {target} {row.predicted:.1f} is in the intervention range (<= "
                f"{cfg['intervention_max']:g})"
            )
            score += 3 + row.p_intervention
        crossed = [(e, i) for i, e in enumerate(edges) if row.lower < e < row.upper]
        if crossed:
            pairs = ", ".join(f"{names[i]}/{names[i + 1]}" for _, i in crossed)
            reasons.append(
                f"{cfg['interval_level']:.0%} interval {row.lower:.1f}-{row.upper:.1f} straddles band "
                f"boundary ({pairs})"
            )
            score += 1
        if qc is not None and clip_id in qc.index:
            status = str(qc.loc[clip_id].get("status", "ok"))
            if status in ("warn", "failed"):
                detail = qc.loc[clip_id].get("error" if status == "failed" else "warnings", "")
                detail = detail if isinstance(detail, str) and detail else "no detail"
                reasons.append(f"QC {status}: {detail}")
                score += 2 if status == "failed" else 1
        missing = float(missing_share.get(clip_id, 0.0)) if missing_share is not None else 0.0
        if missing >= 0.5:
            reasons.append(
                "no features extracted (prediction is the training median)"
                if missing == 1.0
                else f"{missing:.0%} of features missing (imputed)"
            )
            score += 2 if missing == 1.0 else 1
        nov = float(novelty.get(clip_id, np.nan))
        threshold = bundle.novelty.threshold_
        if np.isfinite(nov) and nov > threshold:
            reasons.append(
                f"unlike the training data (novelty {nov:.2f} > {threshold:.2f}, the "
                f"{cfg['novelty_quantile']:.0%} training quantile)"
            )
            score += 1.5
        if reasons:
            out.append({"clip_id": clip_id, "score": round(score, 3), "reasons": "; ".join(reasons)})
    queue = pd.DataFrame(out, columns=["clip_id", "score", "reasons"])
    queue = queue.sort_values(["score", "clip_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    queue.insert(1, "priority", np.arange(1, len(queue) + 1))
    return queue


def screen(
    bundle: ModelBundle,
    features: pd.DataFrame,
    *,
    qc: pd.DataFrame | None = None,
    meta: pd.DataFrame | None = None,
    source: str = "features",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(predictions, review queue) for every clip of `features`."""
    meta = meta if meta is not None else qc
    predictions = predict(bundle, features, meta, source=source)
    novelty = pd.Series(
        bundle.novelty.score_samples(features[bundle.feature_columns].astype(float)),
        index=features.index.astype(str),
    )
    predictions = predictions.merge(
        novelty.rename("novelty"), left_on="clip_id", right_index=True, how="left"
    )
    missing = features[bundle.feature_columns].isna().mean(axis=1)
    missing.index = missing.index.astype(str)
    return predictions, review_queue(
        predictions, bundle=bundle, novelty=novelty, qc=qc, missing_share=missing
    )

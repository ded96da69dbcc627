"""Screen: predictions with intervals and band probabilities, and the review queue."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.bundle import ModelBundle
from models.conformal import band_probabilities, conformal_sets, cv_plus_interval, predictive_share
from models.dataset import covariate_frame
from models.instrument import BINARY, Flag, Scale, bundle_instrument


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


def _flag_probability(scale: Scale, flag: Flag | None, point, folds, model) -> np.ndarray:
    """P(the rating meets the review rule): from the predictive distribution, or for a binary
    scale the probability of the flagged value."""
    if flag is None:
        return np.full(len(point), np.nan)
    if scale.kind == BINARY:
        return point if flag.equals == 1 else 1 - point
    return predictive_share(folds, model.fold_of, model.residuals, where=lambda v: flag.flagged(scale, v))


def predict(
    bundle: ModelBundle, features: pd.DataFrame, meta: pd.DataFrame | None = None, *, source: str = "features"
) -> pd.DataFrame:
    """Long table: clip_id, target, predicted, lower, upper, band, p_<band>..., p_intervention.

    Continuous and ordinal scales: the rating with its CV+ interval and band (ordinal: level)
    probabilities. Binary: predicted = P(1), lower/upper = the conformal prediction set's
    smallest and largest value. p_intervention = P(the review rule holds)."""
    cfg = bundle.config
    instrument = bundle_instrument(cfg)
    X = design_matrix(bundle, features, meta, source=source).to_numpy(dtype=float)
    frames = []
    for target, model in bundle.targets.items():
        scale = instrument.scales[target]
        folds = model.fold_predictions(X)
        point = np.clip(model.predict(X), scale.min, scale.max)
        if scale.kind == BINARY:
            lower, upper = conformal_sets(folds, model.fold_of, model.residuals, level=cfg["interval_level"])
            probs = np.column_stack([1 - point, point])
        else:
            lower, upper = cv_plus_interval(
                folds, model.fold_of, model.residuals, level=cfg["interval_level"]
            )
            probs = band_probabilities(
                folds, model.fold_of, model.residuals, band_upper=scale.band_upper, step=scale.step
            )
        frame = pd.DataFrame(
            {
                "clip_id": features.index.astype(str),
                "target": target,
                "predicted": point,
                "lower": np.clip(lower, scale.min, scale.max),
                "upper": np.clip(upper, scale.min, scale.max),
                "band": [scale.band_names[b] for b in scale.band_of(point)],
            }
        )
        for b, name in enumerate(scale.band_names):
            frame[f"p_{name}"] = probs[:, b]
        frame["p_intervention"] = _flag_probability(scale, instrument.flags.get(target), point, folds, model)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    probabilities = [c for c in table.columns if c.startswith("p_") and c != "p_intervention"]
    return table[[*table.columns[:6], *probabilities, "p_intervention"]]


def _uncertain(row, scale: Scale, flag: Flag, level: float) -> str | None:
    """Why the prediction's interval or set leaves the decision open, in words (or None)."""
    if scale.kind == BINARY:
        if not np.isfinite(row.lower):
            return f"the {level:.0%} prediction set is empty (unlike every training clip)"
        if row.lower < row.upper:
            return (
                f"the {level:.0%} prediction set holds both {scale.band_names[0]} and {scale.band_names[1]}"
            )
        return None
    edges = scale.edges()
    crossed = [i for i, e in enumerate(edges) if row.lower < e < row.upper]
    if scale.kind != "continuous":  # ordinal: only a crossing of the review rule matters
        inside = flag.flagged(scale, [row.lower, row.upper])
        if inside[0] == inside[1]:
            return None
        return f"{level:.0%} interval {row.lower:.1f}-{row.upper:.1f} straddles the {flag.describe()}"
    if not crossed:
        return None
    pairs = ", ".join(f"{scale.band_names[i]}/{scale.band_names[i + 1]}" for i in crossed)
    return f"{level:.0%} interval {row.lower:.1f}-{row.upper:.1f} straddles band boundary ({pairs})"


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
    instrument = bundle_instrument(cfg)
    target = (
        instrument.review_scale if instrument.review_scale in bundle.targets else next(iter(bundle.targets))
    )
    scale, flag = instrument.scales[target], instrument.flags[target]
    rows = predictions[predictions.target == target].set_index("clip_id")
    out = []
    for clip_id, row in rows.iterrows():
        reasons, score = [], 0.0
        if flag.predicted_flagged(scale, [row.predicted])[0]:
            shown = (
                f"P({scale.band_names[1]}) {row.predicted:.2f}"
                if scale.kind == BINARY
                else f"{row.predicted:.1f}"
            )
            reasons.append(f"predicted {target} {shown} is in the {flag.describe()}")
            score += 3 + row.p_intervention
        uncertain = _uncertain(row, scale, flag, cfg["interval_level"])
        if uncertain:
            reasons.append(uncertain)
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

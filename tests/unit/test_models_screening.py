"""Review queue, validation (grouped only), aspect importance, group comparison, suggestions."""

import inspect

import numpy as np
import pandas as pd
import pytest
from model_fixtures import synthetic_cohort

from extract.config import config_from_dict
from models.fit import train_bundle
from models.groups import group_comparison
from models.screening import screen
from models.suggest import suggest
from models.validation import validate

CFG = config_from_dict(
    {
        "models": {
            "estimators": ["ridge"],
            "permutations": 50,
            "targets": ["dyadic_synchrony", "adult_sensitivity"],
        }
    }
)


@pytest.fixture(scope="module")
def cohort():
    return synthetic_cohort(40, seed=7)


@pytest.fixture(scope="module")
def bundle(cohort):
    return train_bundle(
        cohort["features"].set_index("clip_id"),
        cohort["ratings"],
        CFG,
        meta=cohort["manifest"].set_index("clip_id"),
    )


def test_review_queue_reasons(bundle, cohort):
    features = cohort["features"].set_index("clip_id").copy()
    qc = cohort["qc"].set_index("clip_id").copy()
    ids = list(features.index)
    qc.loc[ids[0], ["status", "warnings"]] = ["warn", "infant face in 12% of frames"]
    qc.loc[ids[1], ["status", "error"]] = ["failed", "MediaUnreadableError: not media"]
    features.loc[ids[2]] = features.loc[ids[2]] + 25.0  # far from every training clip
    features.loc[ids[3]] = np.nan  # extraction produced nothing
    predictions, queue = screen(bundle, features, qc=qc)
    assert set(predictions.target) == {"dyadic_synchrony", "adult_sensitivity"}
    assert list(queue.columns[:3]) == ["clip_id", "priority", "score"] or {
        "clip_id",
        "priority",
        "reasons",
    } <= set(queue.columns)
    assert (queue.reasons.str.len() > 0).all()
    assert queue.priority.tolist() == list(range(1, len(queue) + 1))
    reasons = queue.set_index("clip_id").reasons
    assert "QC warn: infant face in 12% of frames" in reasons[ids[0]]
    assert "QC failed: MediaUnreadableError" in reasons[ids[1]]
    assert "unlike the training data" in reasons[ids[2]]
    assert "no features extracted" in reasons[ids[3]]
    main = predictions[predictions.target == "dyadic_synchrony"].set_index("clip_id")
    low = main.index[main.predicted <= 6.5]
    assert len(low) and all("intervention range" in reasons[c] for c in low)
    # not flagged = no reason applies
    for clip in set(ids) - set(queue.clip_id):
        row = main.loc[clip]
        assert (
            row.predicted > 6.5
            and qc.loc[clip, "status"] == "ok"
            and row.novelty <= bundle.novelty.threshold_
        )
    # novelty threshold from training quantiles: about 1% of training clips exceed it
    assert (bundle.novelty.train_scores_ > bundle.novelty.threshold_).mean() <= 0.02


def test_validate_reports_grouped_results_only(bundle, cohort):
    assert "split" not in inspect.signature(validate).parameters
    X = cohort["features"].set_index("clip_id").loc[list(dict.fromkeys(bundle.training.clip_id))]

    def mapping(name):
        return "vocal expression" if name.startswith("sig.") else None

    results = validate(bundle, X=X, ratings=cohort["ratings"], mapping=mapping)
    stats = results["dyadic_synchrony"]["stats"]
    assert "GroupKFold by dyad_id" in stats["split"]
    for key in (
        "pearson_r",
        "spearman_r",
        "icc_a1",
        "icc_a1_low",
        "icc_c1_high",
        "mae",
        "rmse",
        "ba_bias",
        "ba_loa_low",
        "weighted_kappa",
        "sensitivity",
        "specificity",
        "ppv",
        "npv",
        "roc_auc",
        "perm_p",
        "coverage",
    ):
        assert np.isfinite(stats[key]), key
    assert stats["pearson_r"] > 0.5 and stats["perm_p"] < 0.05
    assert results["dyadic_synchrony"]["confusion"].to_numpy().sum() == len(X)
    curve = results["dyadic_synchrony"]["learning_curve"]
    assert curve.n_dyads.is_monotonic_increasing and len(curve) >= 2
    importance = results["dyadic_synchrony"]["importance"].set_index("aspect").importance
    assert importance.idxmax() == "vocal expression"  # the signal features carry the rating
    assert "unknown" in importance.index
    assert results["dyadic_synchrony"]["coders"]["n_double_coded"] > 3


def test_group_comparison_by_hand():
    rows = pd.DataFrame(
        {
            "clip_id": [f"c{i}" for i in range(8)],
            "group": ["a"] * 4 + ["b"] * 4,
            "timepoint": ["t1", "t2"] * 4,
            "coded": [2, 3, 9, 10, 10, 11, 12, 9],
            "predicted": [3, 3, 8, 9, 11, 12, 11, 8],
        }
    )
    out = group_comparison(rows, threshold=6)
    shares = out["shares"].set_index(["timepoint", "group"])
    assert shares.loc[("t1", "a"), "coded_share"] == 0.5 and shares.loc[("t1", "b"), "coded_share"] == 0.0
    assert shares.loc[("t2", "a"), "predicted_share"] == 0.5
    assert out["changes"].set_index("group").loc["a", "coded_change"] == 0.0
    assert out["same_conclusion"] is True and out["verdict"].startswith("yes")


def test_mcnemar_exact_by_hand():
    from models.groups import mcnemar_exact

    before = np.array([1, 1, 1, 1, 1, 1, 0, 0, 1, 0], bool)
    after = np.array([0, 0, 0, 0, 0, 1, 1, 0, 1, 0], bool)
    # 5 left the range, 1 entered: p = 2 * P(X <= 1 | n=6, 1/2) = 2 * 7/64
    assert mcnemar_exact(before, after) == (5, 1, 14 / 64)
    assert mcnemar_exact(before, before) == (0, 0, 1.0)


def test_group_change_is_paired_by_dyad():
    dyads = [f"d{i}" for i in range(8)]
    rows = pd.DataFrame(
        {
            "clip_id": [f"{d}_{t}" for d in dyads for t in ("t1", "t2")],
            "dyad_id": [d for d in dyads for _ in (0, 1)],
            "group": ["a"] * 16,
            "timepoint": ["t1", "t2"] * 8,
            # every dyad low at t1 and fine at t2 (coders); the proxy sees 6 of the 8 recover
            "coded": [3, 9] * 8,
            "predicted": [3, 9] * 6 + [3, 3] * 2,
        }
    )
    rows.loc[rows.group.index[8:], "group"] = "b"
    change = group_comparison(rows, threshold=6)["changes"].set_index("group")
    assert change.loc["a", "n_paired_dyads"] == 4 and change.loc["a", "coded_left"] == 4
    assert change.loc["a", "coded_mcnemar_p"] == 2 / 16  # 4 of 4 discordant one way: 2 * (1/2)^4
    assert change.loc["b", "predicted_left"] == 2 and change.loc["b", "predicted_mcnemar_p"] == 0.5


def test_group_comparison_on_synthetic_cohort(bundle):
    rows = bundle.training[bundle.training.target == "dyadic_synchrony"]
    out = group_comparison(rows, threshold=6)
    shares = out["shares"]
    assert set(shares.group) == {"control", "depressed"}
    depressed = shares[shares.group == "depressed"].coded_share.mean()
    control = shares[shares.group == "control"].coded_share.mean()
    assert depressed > control
    assert {"coded_p", "predicted_p"} <= set(out["tests"].columns)


def test_suggest_prefers_uncertain_novel_new_dyads(bundle, cohort):
    new = synthetic_cohort(10, seed=7, prefix="n")["features"].set_index("clip_id")
    features = pd.concat([cohort["features"].set_index("clip_id"), new])
    features.iloc[-1] = features.iloc[-1] + 30.0
    predictions, _ = screen(bundle, features)
    novelty = predictions.drop_duplicates("clip_id").set_index("clip_id").novelty
    table = suggest(
        predictions,
        novelty=novelty,
        coded_clips=set(bundle.training.clip_id),
        review_target="dyadic_synchrony",
        novelty_threshold=bundle.novelty.threshold_,
    )
    assert set(table.clip_id) == set(new.index)
    shifted = table.set_index("clip_id").loc[features.index[-1]]
    assert shifted.outside_training and shifted["rank"] <= 5
    assert table.score.is_monotonic_decreasing and table["rank"].tolist() == list(range(1, len(table) + 1))
    dyads = pd.Series(new.index.str[:4], index=new.index)
    known = suggest(
        predictions,
        novelty=novelty,
        coded_clips=set(bundle.training.clip_id),
        review_target="dyadic_synchrony",
        dyad_of=dyads,
        coded_dyads={"n000"},
    )
    assert (
        not known.set_index("clip_id").loc["n000_8wk", "new_dyad"] and known.new_dyad.sum() == len(known) - 2
    )


def test_covariates_from_the_manifest(cohort):
    cfg = config_from_dict({"models": {"estimators": ["ridge"], "covariates": ["group"]}})
    bundle = train_bundle(
        cohort["features"].set_index("clip_id"),
        cohort["ratings"],
        cfg,
        meta=cohort["manifest"].set_index("clip_id"),
    )
    assert bundle.covariate_levels == {"group": ["control", "depressed"]}
    assert bundle.targets["dyadic_synchrony"].final.n_features_in_ == len(bundle.feature_columns) + 2
    meta = cohort["manifest"].set_index("clip_id")
    predictions, _ = screen(bundle, cohort["features"].set_index("clip_id"), meta=meta)
    assert predictions.predicted.notna().all()


def test_learning_curve_on_a_tiny_cohort():
    from models.validation import learning_curve

    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(4), 2)
    X = rng.normal(size=(8, 3))
    y = X[:, 0] * 2 + 7
    selection = {"estimators": ("ridge",), "inner_folds": 2, "select_k": ("all",), "max_missing": 0.5}
    curve = learning_curve(X, y, groups, groups.copy(), steps=5, seed=0, selection=selection)
    assert curve.n_dyads.tolist() == [2, 3]

"""Training on synthetic cohorts with a known latent sensitivity: accuracy, leakage, coverage,
reproducibility, model files."""

import pickle

import numpy as np
import pandas as pd
import pytest
from model_fixtures import synthetic_cohort

from extract.config import config_from_dict
from models.bundle import ModelFileError, load_bundle, save_bundle, sidecar_path
from models.fit import train_bundle
from models.ratings import clip_targets
from models.screening import predict
from models.training import nested_cv

CFG = config_from_dict({"models": {"estimators": ["ridge", "extra_trees"], "permutations": 50}})


@pytest.fixture(scope="module")
def big():
    """200 dyads from one generator: the first 60 train, the other 140 are new dyads."""
    return synthetic_cohort(200, seed=11)


@pytest.fixture(scope="module")
def trained(big):
    train_ids = set(big["truth"].dyad_id.unique()[:60])
    rows = big["truth"].dyad_id.isin(train_ids)
    features = big["features"][rows.to_numpy()].set_index("clip_id")
    ratings = big["ratings"][big["ratings"].dyad_id.isin(train_ids)]
    bundle = train_bundle(features, ratings, CFG, meta=big["manifest"].set_index("clip_id"))
    return bundle, rows


def test_heldout_predictions_track_latent_sensitivity(trained, big):
    bundle, _ = trained
    table = bundle.training.merge(big["truth"][["clip_id", "latent"]], on="clip_id")
    r = np.corrcoef(table.predicted, table.latent)[0, 1]
    assert r >= 0.8, r
    assert set(table.fold) == set(range(5))
    # every dyad's clips sit in one outer fold: the split is by dyad
    assert (table.groupby("dyad_id").fold.nunique() == 1).all()


def test_interval_coverage_near_nominal_on_new_dyads(trained, big):
    bundle, rows = trained
    new = big["features"][(~rows).to_numpy()].set_index("clip_id")
    coded = (
        clip_targets(big["ratings"], ("dyadic_synchrony",))
        .set_index("clip_id")
        .loc[new.index, "dyadic_synchrony"]
    )
    pred = predict(bundle, new)
    inside = (coded.to_numpy() >= pred.lower.to_numpy()) & (coded.to_numpy() <= pred.upper.to_numpy())
    assert abs(inside.mean() - 0.9) <= 0.05, inside.mean()
    assert abs(bundle.summary["targets"]["dyadic_synchrony"]["heldout_coverage"] - 0.9) <= 0.05
    probs = pred[[c for c in pred.columns if c.startswith("p_") and c != "p_intervention"]]
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert ((pred.p_intervention >= 0) & (pred.p_intervention <= 1)).all()
    assert np.allclose(pred.p_intervention, pred.p_high_risk + pred.p_inept)


def test_random_clip_split_flatters_the_model():
    """Two timepoints per dyad: a clip-level split lets a dyad's other clip into training."""
    gaps = []
    for seed in (2, 3):
        c = synthetic_cohort(40, seed=seed, dyad_offset_sd=1.5, n_features=20, n_fingerprint=4, n_signal=8)
        X = c["features"].set_index("clip_id")
        y = (
            clip_targets(c["ratings"], ("dyadic_synchrony",))
            .set_index("clip_id")
            .loc[X.index, "dyadic_synchrony"]
            .to_numpy()
        )
        groups = c["truth"].dyad_id.to_numpy()
        r = {}
        for split in ("grouped", "random"):
            oof, _, _ = nested_cv(
                X.to_numpy(),
                y,
                groups,
                estimators=("ridge", "extra_trees"),
                outer_folds=5,
                inner_folds=3,
                seed=0,
                split=split,
            )
            r[split] = np.corrcoef(oof, y)[0, 1]
        gaps.append(r["random"] - r["grouped"])
    assert min(gaps) > 0.02, gaps


def test_training_is_reproducible():
    c = synthetic_cohort(20, seed=5)
    features = c["features"].set_index("clip_id")
    a = train_bundle(features, c["ratings"], CFG)
    b = train_bundle(features, c["ratings"], CFG)
    pd.testing.assert_frame_equal(a.training, b.training)


def test_model_file_roundtrip_schema_and_tampering(trained, tmp_path, big):
    bundle, rows = trained
    path = tmp_path / "model.joblib"
    digest = save_bundle(bundle, path)
    assert len(digest) == 64
    loaded = load_bundle(path)
    assert loaded.feature_columns == bundle.feature_columns
    assert load_bundle(tmp_path).feature_columns == bundle.feature_columns  # the folder `run` writes
    features = big["features"].set_index("clip_id").iloc[:5]
    bad = features.drop(columns=[features.columns[0]]).assign(**{"extra.adult.thing.mean": 1.0})
    with pytest.raises(ModelFileError) as err:
        predict(loaded, bad)
    assert f"missing 1 column(s): {features.columns[0]}" in str(err.value)
    assert "unexpected 1 column(s): extra.adult.thing.mean" in str(err.value)
    # a malicious pickle in place of the model: refused before unpickling, nothing runs
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ModelFileError, match="does not match"):
        load_bundle(path)
    assert not marker.exists()
    sidecar_path(path).unlink()
    with pytest.raises(ModelFileError, match="sidecar not found"):
        load_bundle(path)


def test_screening_and_selection_are_fitted_inside_the_pipeline():
    from models.estimators import base_pipeline

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 6))
    X[:, 1] = 3.0  # constant
    X[:20, 2] = np.nan  # mostly missing
    X[:5, 3] = np.nan  # some missing: kept, imputed
    y = X[:, 0] * 2 + rng.normal(0, 0.1, 30)
    pipe = base_pipeline(max_missing=0.5).set_params(select__k=1).fit(X, y)
    assert pipe.named_steps["usable"].get_support().tolist() == [True, False, False, True, True, True]
    assert pipe.named_steps["select"].get_support().tolist() == [True, False, False, False]
    assert pipe.predict(np.full((2, 6), np.nan)).shape == (2,)
    # k larger than what is left keeps everything, without a warning
    assert pipe.set_params(select__k=50).fit(X, y).named_steps["select"].get_support().all()


def test_feature_selection_does_not_leak_across_folds():
    """Pure noise, far more features than clips: screening on all clips first would find
    'predictive' features; inside the folds the held-out r stays near chance."""
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(20), 2)
    X, y = rng.normal(size=(40, 2000)), rng.normal(size=40)
    rs = []
    for seed in range(3):
        oof, _, _ = nested_cv(
            X, y, groups, estimators=("ridge",), outer_folds=5, inner_folds=3, seed=seed, select_k=(5, 20)
        )
        rs.append(np.corrcoef(oof, y)[0, 1])
    assert np.mean(rs) < 0.3, rs
    top = np.argsort(-np.abs([np.corrcoef(X[:, j], y)[0, 1] for j in range(X.shape[1])]))[:5]  # the leaky way
    leaky, _, _ = nested_cv(X[:, top], y, groups, estimators=("ridge",), outer_folds=5, inner_folds=3, seed=0)
    assert np.corrcoef(leaky, y)[0, 1] > np.mean(rs) + 0.3

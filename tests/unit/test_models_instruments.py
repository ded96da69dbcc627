"""Instruments as data: a lab's binary, ordinal and continuous scales trained and scored by
kind; the CARE-Index default unchanged; instrument files checked with errors naming file,
scale and field."""

import numpy as np
import pandas as pd
import pytest
from instrument_fixtures import INSTRUMENTS, LAB_CODES, lab_ratings
from model_fixtures import synthetic_cohort
from sklearn.metrics import roc_auc_score

from extract.config import config_from_dict, load_config
from extract.errors import ConfigError
from models import validation
from models.conformal import conformal_sets
from models.fit import train_bundle
from models.groups import group_comparison
from models.instrument import care_index
from models.instrument_file import InstrumentError, load_instrument, resolve_instrument
from models.kind_stats import ordinal_agreement
from models.ratings import RatingsError, load_ratings
from models.screening import predict, screen
from models.services import group_rule

LAB_CFG = config_from_dict(
    {"models": {"instrument": str(LAB_CODES), "estimators": ["ridge", "extra_trees"], "permutations": 20}}
)


@pytest.fixture(scope="module")
def lab():
    """200 dyads of the synthetic cohort with the lab's codes: 60 train, 140 are new dyads."""
    big = synthetic_cohort(200, seed=11)
    ratings = lab_ratings(big["truth"], seed=1)
    train_ids = set(big["truth"].dyad_id.unique()[:60])
    rows = big["truth"].dyad_id.isin(train_ids).to_numpy()
    features = big["features"].set_index("clip_id")
    bundle = train_bundle(
        features[rows],
        ratings[ratings.dyad_id.isin(train_ids)],
        LAB_CFG,
        meta=big["manifest"].set_index("clip_id"),
    )
    new = features[~rows]
    coded = ratings.set_index("clip_id").loc[new.index]
    return {"bundle": bundle, "new": new, "coded": coded, "results": validation.validate(bundle)}


def _rows(predictions, target):
    return predictions[predictions.target == target].set_index("clip_id")


def test_each_kind_reaches_its_agreement_on_held_out_dyads(lab):
    stats = {t: e["stats"] for t, e in lab["results"].items()}
    assert stats["laugh"]["kind"] == "binary" and stats["laugh"]["roc_auc"] >= 0.85, stats["laugh"]
    assert 0 <= stats["laugh"]["brier"] <= 0.15
    assert stats["funny"]["kind"] == "ordinal" and stats["funny"]["weighted_kappa"] >= 0.7, stats["funny"]
    assert stats["funny"]["exact_agreement"] <= stats["funny"]["adjacent_agreement"] <= 1
    assert stats["sensitivity"]["pearson_r"] >= 0.8, stats["sensitivity"]
    predictions = predict(lab["bundle"], lab["new"])
    laugh = _rows(predictions, "laugh")
    assert roc_auc_score(lab["coded"].laugh, laugh.predicted) >= 0.85
    funny = _rows(predictions, "funny")
    kappa = ordinal_agreement(lab["coded"].funny, funny.predicted, np.arange(4.0))["weighted_kappa"]
    assert kappa >= 0.7, kappa
    sens = _rows(predictions, "sensitivity")
    assert np.corrcoef(lab["coded"].sensitivity, sens.predicted)[0, 1] >= 0.8


def test_binary_prediction_sets_reach_nominal_coverage(lab):
    laugh = _rows(predict(lab["bundle"], lab["new"]), "laugh")
    y = lab["coded"].laugh.to_numpy(float)
    inside = (y >= laugh.lower.to_numpy()) & (y <= laugh.upper.to_numpy())
    assert abs(inside.mean() - 0.9) <= 0.05, inside.mean()  # 280 clips of 140 new dyads
    assert abs(lab["results"]["laugh"]["stats"]["set_coverage"] - 0.9) <= 0.05  # nested, training dyads
    assert set(np.unique(laugh.lower)) <= {0.0, 1.0} and (laugh.lower <= laugh.upper).all()
    assert np.allclose(laugh.p_no + laugh.p_yes, 1) and np.allclose(laugh.p_yes, laugh.predicted)
    assert set(laugh.band) == {"no", "yes"}
    assert (laugh.band == np.where(laugh.predicted > 0.5, "yes", "no")).all()


def test_ordinal_and_continuous_predictions_and_review_rule(lab):
    predictions, queue = screen(lab["bundle"], lab["new"])
    funny = _rows(predictions, "funny")
    levels = funny[["p_not", "p_slightly", "p_funny", "p_very"]].to_numpy()
    assert np.allclose(levels.sum(axis=1), 1)
    assert funny.band.isin(["not", "slightly", "funny", "very"]).all()
    assert ((funny.predicted >= 0) & (funny.predicted <= 3)).all()
    sens = _rows(predictions, "sensitivity")
    # the review rule `at_most: 3` is band `low` (whole points: boundary 3.5)
    assert np.allclose(sens.p_intervention, sens.p_low)
    assert funny.p_intervention.isna().all() and _rows(predictions, "laugh").p_intervention.isna().all()
    flagged = queue[queue.reasons.str.contains("low sensitivity")]
    expected = sens.index[sens.predicted <= 3.5]
    assert set(flagged.clip_id) == set(expected) and len(expected) > 10
    assert flagged.reasons.str.contains(
        r"predicted sensitivity \d\.\d is in the low sensitivity \(<= 3\)"
    ).all()


def test_group_comparison_uses_the_review_rule(lab):
    rows = lab["bundle"].training[lab["bundle"].training.target == "sensitivity"]
    rows = rows.assign(group=np.where(np.arange(len(rows)) % 2, "a", "b"))
    out = group_comparison(rows, flagged=group_rule(lab["bundle"], "sensitivity"), label="low sensitivity")
    shares = out["shares"]
    by_dyad = rows.groupby(["dyad_id", "group", "timepoint"]).coded.mean()
    assert np.isclose(shares.coded_share.mul(shares.n).sum(), (by_dyad <= 3.5).sum())
    assert "low sensitivity" in out["verdict"]


def test_care_index_default_gives_the_numbers_of_before_instruments():
    """Pinned from commit 6fc5c8f (before instruments existed) on the same cohort and config."""
    c = synthetic_cohort(16, seed=3)
    cfg = config_from_dict({"models": {"estimators": ["ridge"], "select_k": [5, "all"], "permutations": 20}})
    features = c["features"].set_index("clip_id")
    bundle = train_bundle(features, c["ratings"], cfg, meta=c["manifest"].set_index("clip_id"))
    predictions, queue = screen(bundle, features, qc=c["qc"].set_index("clip_id"))
    s = validation.validate(bundle)["dyadic_synchrony"]["stats"]
    assert round(float(bundle.training.predicted.sum()), 6) == 167.533591
    assert round(float((bundle.training.upper - bundle.training.lower).sum()), 6) == 218.248626
    assert round(float(predictions.p_intervention.sum()), 6) == 21.84375
    assert round(float(predictions.p_high_risk.sum()), 6) == 13.71875
    assert len(queue) == 32
    assert queue.reasons.iloc[0] == (
        "predicted dyadic_synchrony 1.8 is in the intervention range (<= 6); 90% interval 0.0-4.9 straddles "
        "band boundary (high_risk/inept)"
    )
    pinned = {"pearson_r": 0.84537025, "icc_a1": 0.847962953, "weighted_kappa": 0.771929825}
    pinned |= {"sensitivity": 0.954545455, "coverage": 0.9375, "perm_p": 0.047619048}
    for key, value in pinned.items():
        assert round(s[key], 9) == value, key


def test_shipped_care_index_file_equals_the_builtin():
    builtin = care_index(config_from_dict({}).models)
    shipped = load_instrument(INSTRUMENTS / "care_index.yaml")
    assert shipped.scales == builtin.scales
    assert shipped.flags == builtin.flags and shipped.review_scale == builtin.review_scale
    c = synthetic_cohort(12, seed=2)
    features = c["features"].set_index("clip_id")
    cfgs = [
        {"models": {"estimators": ["ridge"], "select_k": ["all"], "permutations": 0}},
        {
            "models": {
                "estimators": ["ridge"],
                "select_k": ["all"],
                "instrument": str(INSTRUMENTS / "care_index.yaml"),
            }
        },
    ]
    a, b = (predict(train_bundle(features, c["ratings"], config_from_dict(x)), features) for x in cfgs)
    pd.testing.assert_frame_equal(a, b)
    for name in ("lab_codes", "ainsworth_sensitivity"):
        assert load_instrument(INSTRUMENTS / f"{name}.yaml").scales


def test_cross_conformal_sets_by_hand():
    # 4 training clips in 2 folds; |R| = 0.1, 0.2, 0.6, 0.9; level 0.5: k = ceil(0.5 * 5) = 3
    fold_of = np.array([0, 0, 1, 1])
    residuals = np.array([0.1, -0.2, 0.6, -0.9])
    # test clip: fold 0 says P(1) = 0.7, fold 1 says 0.3. Value 1: scores 0.3, 0.3, 0.7, 0.7 ->
    # training clips with |R| below: 0.1, 0.2 (< 0.3); 0.6 (< 0.7); 0.9 no -> 3 -> not < 3 -> out.
    # Value 0: scores 0.7, 0.7, 0.3, 0.3 -> 0.1, 0.2 (< 0.7); none (< 0.3) -> 2 -> in.
    lower, upper = conformal_sets(np.array([[0.7, 0.3]]), fold_of, residuals, level=0.5)
    assert (lower[0], upper[0]) == (0.0, 0.0)
    lower, upper = conformal_sets(np.array([[0.5, 0.5]]), fold_of, residuals, level=0.5)
    assert (lower[0], upper[0]) == (0.0, 1.0)  # both values: 2 clips below 0.5 each
    lower, upper = conformal_sets(np.array([[0.5, 0.5]]), fold_of, residuals, level=0.2)
    assert np.isnan(lower[0]) and np.isnan(upper[0])  # k = ceil(0.2 * 5) = 1: empty


def _write(tmp_path, text, name="inst.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


FUNNY_REVIEW = "review: {scale: funny, flag: {equals: 1}}"
GOOD_SCALES = """scales:
  - {name: laugh, kind: binary}
  - {name: funny, kind: ordinal, min: 0, max: 3}
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "scales:\n  - {name: funny, kind: likert, min: 0, max: 3}\n" + FUNNY_REVIEW,
            "scale 'funny': field 'kind': unknown kind 'likert'",
        ),
        (
            "scales:\n  - {name: funny, kind: ordinal, min: 3, max: 3}\n" + FUNNY_REVIEW,
            "scale 'funny': field 'max': must be greater than min (3 >= 3)",
        ),
        (
            "scales:\n  - {name: s, kind: continuous, min: 1, max: 9, bands: [{name: low, max: 3}, "
            "{name: high, max: 8}]}\nreview: {scale: s, flag: {at_most: 3}}",
            "scale 's': field 'bands': the bands do not cover the range: the last band's max 8 must equal",
        ),
        (GOOD_SCALES, "field 'review': missing"),
        (
            GOOD_SCALES + "review: {scale: sensitivity, flag: {at_most: 3}}",
            "field 'review.scale': 'sensitivity' is not a scale of this instrument (laugh, funny)",
        ),
        (
            GOOD_SCALES + "review: {scale: laugh, flag: {at_most: 0}}",
            "scale 'laugh': field 'review.flag': a binary scale is flagged with {equals: 0 or 1}",
        ),
        (
            GOOD_SCALES + "review: {scale: laugh, flag: {band: [yes]}}",
            "scale 'laugh': field 'review.flag': a binary scale is flagged with {equals: 0 or 1}, not a band",
        ),
        (
            GOOD_SCALES + "review: {scale: funny, flag: {equals: 7}}",
            "scale 'funny': field 'review.flag' 'equals': 7 is outside 0..3",
        ),
        (
            "scales:\n  - {name: funny, kind: ordinal, min: 0, max: 2, labels: [a, b]}\n" + FUNNY_REVIEW,
            "scale 'funny': field 'labels': needs 3 distinct labels",
        ),
    ],
)
def test_bad_instrument_files_name_file_scale_and_field(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(InstrumentError) as err:
        load_instrument(path)
    assert str(err.value).startswith(f"{path}:") and expected in str(err.value), str(err.value)


def test_instrument_path_is_relative_to_the_config_file(tmp_path):
    (tmp_path / "instruments").mkdir()
    target = _write(
        tmp_path / "instruments", GOOD_SCALES + "review: {scale: laugh, flag: {equals: 1}}", "lab.yaml"
    )
    config = _write(tmp_path, "models:\n  instrument: instruments/lab.yaml\n", "study.yaml")
    mc = load_config(config).models
    assert mc.instrument == str(target.resolve())
    inst = resolve_instrument(mc)
    assert inst.trained() == ("laugh", "funny") and inst.review_scale == "laugh"
    with pytest.raises(ConfigError, match="neither 'care_index' nor an instrument file"):
        load_config(_write(tmp_path, "models:\n  instrument: nowhere.yaml\n", "bad.yaml"))
    subset = config_from_dict({"models": {"instrument": str(target), "targets": ["funny"]}}).models
    with pytest.raises(InstrumentError, match="'laugh' is not among the trained scales"):
        resolve_instrument(subset)
    wrong = config_from_dict({"models": {"instrument": str(target), "targets": ["laugh", "happy"]}}).models
    with pytest.raises(InstrumentError, match="happy not scale"):
        resolve_instrument(wrong)


def test_ratings_are_checked_against_their_own_scale(tmp_path):
    inst = load_instrument(LAB_CODES)
    rows = "clip_id,dyad_id,laugh,funny,sensitivity\na,d1,1,2,5\n"
    cases = [
        ("b,d2,2,1,5", "column 'laugh': 2 is outside 0..1 of binary scale 'laugh'"),
        ("b,d2,1,1.5,5", "column 'funny': 1.5 is not one of the values 0, 1, 2, 3 of ordinal scale 'funny'"),
        ("b,d2,1,1,0", "column 'sensitivity': 0 is outside 1..9 of continuous scale 'sensitivity'"),
    ]
    for row, expected in cases:
        path = _write(tmp_path, rows + row + "\n", "ratings.csv")
        with pytest.raises(RatingsError) as err:
            load_ratings(path, targets=inst.trained(), scales=inst.scales)
        assert f"{path}: line 3, " + expected == str(err.value)
    good = load_ratings(
        _write(tmp_path, rows + "b,d2,0,3,9.5\n".replace("9.5", "8.5"), "ok.csv"),
        targets=inst.trained(),
        scales=inst.scales,
    )
    assert good.sensitivity.tolist() == [5.0, 8.5]


def test_report_words_follow_the_numbers():
    from models.report_text import headline, trust_notes

    stats = {"n_dyads": 40, "n_clips": 80, "pearson_r": 0.9, "icc_a1": 0.88, "mae": 0.42, "coverage": 0.7}
    stats |= {"coverage_nominal": 0.9, "perm_p": 0.2}
    text = headline(stats, "continuous")
    assert '<span data-stat="mae">0.42</span>' in text and '"coverage">70%</span> of 90% intervals' in text
    curve = pd.DataFrame({"n_dyads": [10, 20, 30], "pearson_r": [0.5, 0.8, 0.7]})
    notes = " ".join(trust_notes(stats, curve))
    assert "small cohort" not in notes.lower() and "lower at the largest size" in notes
    assert "too narrow" in notes and "not distinguishable from chance" in notes
    rising = " ".join(trust_notes(stats | {"n_dyads": 12}, curve.assign(pearson_r=[0.5, 0.6, 0.7])))
    assert "A small cohort" in rising and "still rising" in rising

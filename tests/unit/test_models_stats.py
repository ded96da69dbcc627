"""Every statistic against a small hand-computed case."""

import math

import numpy as np
import pytest

from models.conformal import band_of, band_probabilities, cv_plus_interval, prob_at_most
from models.stats import band_confusion, bland_altman, dyad_permutation_test, icc, screening, weighted_kappa

BANDS = (4.0, 6.0, 10.0, 14.0)


def test_icc_shrout_fleiss_table():
    # Shrout & Fleiss (1979) Table 2: ICC(2,1) = .29 (A,1), ICC(3,1) = .71 (C,1)
    x = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
    out = icc(x)
    assert out["icc_a1"] == pytest.approx(0.28976, abs=1e-4)
    assert out["icc_c1"] == pytest.approx(0.71484, abs=1e-4)
    # published 95% CIs (pingouin docs use the same data): A,1 [.02, .76], C,1 [.34, .95]
    assert (round(out["icc_a1_low"], 2), round(out["icc_a1_high"], 2)) == (0.02, 0.76)
    assert (round(out["icc_c1_low"], 2), round(out["icc_c1_high"], 2)) == (0.34, 0.95)


def test_icc_constant_offset_by_hand():
    # pairs (1,2),(2,3),(3,4): MSR = 2, MSC = 1.5, MSE = 0 -> C,1 = 1; A,1 = 2 / (2 + 2*1.5/3) = 2/3
    out = icc(np.array([[1, 2], [2, 3], [3, 4]]))
    assert out["icc_c1"] == pytest.approx(1.0)
    assert out["icc_a1"] == pytest.approx(2 / 3)


def test_weighted_kappa_by_hand():
    # sum(w*O) = (1/9)*.25; sum(w*E) = 1/3 -> kappa = 1 - 1/12
    assert weighted_kappa(np.array([0, 1, 2, 3]), np.array([0, 1, 3, 3]), 4) == pytest.approx(11 / 12)
    assert band_confusion(np.array([0, 1, 2, 3]), np.array([0, 1, 3, 3]), 4).tolist() == [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 0, 1],
        [0, 0, 0, 1],
    ]


def test_bland_altman_by_hand():
    out = bland_altman(np.array([1, 2, 3, 4]), np.array([2, 2, 4, 6]))
    sd = np.sqrt(2 / 3)
    assert out["ba_bias"] == pytest.approx(1.0)
    assert out["ba_loa_low"] == pytest.approx(1 - 1.96 * sd)
    assert out["ba_loa_high"] == pytest.approx(1 + 1.96 * sd)


def test_screening_by_hand():
    t = np.array([1, 1, 1, 0, 0, 0, 0, 0], bool)
    p = np.array([1, 1, 0, 1, 0, 0, 0, 0], bool)
    out = screening(t, p)
    assert (out["tp"], out["fn"], out["fp"], out["tn"]) == (2, 1, 1, 4)
    assert out["sensitivity"] == pytest.approx(2 / 3)
    assert out["specificity"] == pytest.approx(4 / 5)
    assert out["ppv"] == pytest.approx(2 / 3)
    assert out["npv"] == pytest.approx(4 / 5)
    auc = screening(
        np.array([1, 1, 0, 0], bool), np.array([1, 0, 0, 0], bool), score=np.array([0.9, 0.4, 0.5, 0.1])
    )["roc_auc"]
    assert auc == pytest.approx(0.75)


def test_cv_plus_interval_and_band_probabilities_by_hand():
    fold_of = np.array([0, 0, 1, 1])
    residuals = np.array([1.0, -2.0, 0.5, 3.0])
    fold_pred = np.array([[10.0, 12.0]])
    # level 0.6: n=4, lower = 2nd smallest of [9, 8, 11.5, 9] = 9;
    # upper = 3rd smallest of [11, 12, 12.5, 15] = 12.5
    lower, upper = cv_plus_interval(fold_pred, fold_of, residuals, level=0.6)
    assert (lower[0], upper[0]) == (9.0, 12.5)
    # predictive samples 11, 8, 12.5, 15 -> bands adequate (8) and sensitive (the rest)
    probs = band_probabilities(fold_pred, fold_of, residuals, band_upper=BANDS)
    assert probs.tolist() == [[0.0, 0.0, 0.25, 0.75]]
    assert prob_at_most(fold_pred, fold_of, residuals, threshold=10)[0] == 0.25


def test_band_probabilities_sum_to_one():
    rng = np.random.default_rng(0)
    probs = band_probabilities(
        rng.uniform(0, 14, (50, 5)), rng.integers(0, 5, 40), rng.normal(0, 3, 40), band_upper=BANDS
    )
    assert np.allclose(probs.sum(axis=1), 1.0)


def test_band_of_edges():
    assert band_of(np.array([0, 4, 4.5, 4.6, 6.5, 6.6, 10.5, 10.6, 14]), BANDS).tolist() == [
        0,
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
    ]


def test_nested_cv_plus_never_sees_the_held_out_dyads():
    from sklearn.dummy import DummyRegressor

    from models.coverage import nested_cv_plus

    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(12), 2)
    fold_of = groups % 3
    X, y = rng.normal(size=(24, 2)), rng.normal(size=24)
    models = [DummyRegressor().fit(X[fold_of != k], y[fold_of != k]) for k in range(3)]
    lower, upper = nested_cv_plus(X, y, groups, fold_of, models, n_folds=2, seed=0, level=0.5)
    assert (lower < upper).all()
    y2 = y.copy()
    y2[fold_of == 0] += 100.0  # the held-out dyads' own ratings must not move their intervals
    lower2, upper2 = nested_cv_plus(X, y2, groups, fold_of, models, n_folds=2, seed=0, level=0.5)
    assert np.allclose(lower2[fold_of == 0], lower[fold_of == 0]) and np.allclose(
        upper2[fold_of == 0], upper[fold_of == 0]
    )
    assert not np.allclose(lower2[fold_of == 1], lower[fold_of == 1])
    # by hand for fold 0: a mean model per inner fold, CV+ over the 16 training clips
    from models.training import fold_splitter

    train = np.flatnonzero(fold_of != 0)
    inner_of, mu = np.empty(16, int), np.empty(16)
    means = []
    for j, (a, b) in enumerate(
        fold_splitter(2, groups[train], split="grouped", seed=0).split(X[train], y[train], groups[train])
    ):
        means.append(y[train][a].mean())
        inner_of[b], mu[b] = j, means[-1]
    r = np.abs(y[train] - mu)
    expected_lo = np.sort(np.array(means)[inner_of] - r)[math.floor(0.5 * 17) - 1]
    expected_hi = np.sort(np.array(means)[inner_of] + r)[math.ceil(0.5 * 17) - 1]
    assert np.allclose(lower[fold_of == 0], expected_lo) and np.allclose(upper[fold_of == 0], expected_hi)


def test_dyad_permutation_test_detects_signal_and_chance():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(30), 2)
    truth = np.repeat(rng.normal(size=30), 2) + rng.normal(0, 0.3, 60)
    assert (
        dyad_permutation_test(truth, truth + rng.normal(0, 0.5, 60), groups, n_permutations=200, seed=0)[
            "perm_p"
        ]
        < 0.01
    )
    assert (
        dyad_permutation_test(truth, rng.normal(size=60), groups, n_permutations=200, seed=0)["perm_p"] > 0.05
    )

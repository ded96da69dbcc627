"""One test per statistics defect found against reference libraries (each failed before its fix)."""

import itertools

import numpy as np
import pandas as pd
import pytest

from models import validation
from models.conformal import cv_plus_interval
from models.groups import group_comparison
from models.novelty import KnnNovelty
from models.stats import dyad_permutation_test


@pytest.mark.parametrize("n", [39, 99, 24, 38])
@pytest.mark.parametrize(("level", "tenths"), [(0.9, 9), (0.8, 8)])
def test_cv_plus_ranks_follow_the_definition(n, level, tenths):
    rng = np.random.default_rng(n)
    fold_of, residuals = rng.integers(0, 5, n), rng.normal(0, 2, n)
    fold_pred = rng.normal(7, 1, (30, 5))
    lower, upper = cv_plus_interval(fold_pred, fold_of, residuals, level=level)
    k_lo = (10 - tenths) * (n + 1) // 10  # floor(a (n+1)) in integers
    k_hi = -(-tenths * (n + 1) // 10)  # ceil((1-a)(n+1))
    mu = fold_pred[:, fold_of]
    assert np.array_equal(lower, np.sort(mu - np.abs(residuals), axis=1)[:, k_lo - 1])
    assert np.array_equal(upper, np.sort(mu + np.abs(residuals), axis=1)[:, k_hi - 1])


@pytest.mark.parametrize("seed", range(20))
def test_permutation_p_is_one_when_only_the_identity_exists(seed):
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(6), [1, 2, 3, 4, 5, 6])  # every dyad size distinct
    coded = rng.normal(size=len(groups))
    out = dyad_permutation_test(
        coded, coded + rng.normal(size=len(groups)), groups, n_permutations=200, seed=seed
    )
    assert out["perm_p"] == 1.0 and out["perm_distinct"] == 1 and out["perm_exact"]


def _brute_force_p(coded, predicted, groups):
    """Every relabeling of dyads among dyads of the same size, with np.corrcoef on both sides."""
    dyads = list(dict.fromkeys(groups))
    members = {d: np.flatnonzero(groups == d) for d in dyads}
    sizes = sorted({len(m) for m in members.values()})
    classes = [[d for d in dyads if len(members[d]) == s] for s in sizes]
    observed = np.corrcoef(coded, predicted)[0, 1]
    hits = total = 0
    for perms in itertools.product(*[itertools.permutations(c) for c in classes]):
        shuffled = coded.copy()
        for cls, perm in zip(classes, perms, strict=False):
            for src, dst in zip(cls, perm, strict=False):
                shuffled[members[dst]] = coded[members[src]]
        hits += np.corrcoef(shuffled, predicted)[0, 1] >= observed - 1e-9
        total += 1
    return hits / total, total


@pytest.mark.parametrize("seed", range(20))
def test_permutation_p_is_exact_when_few_permutations_exist(seed):
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(8), [2, 2, 3, 3, 3, 4, 4, 5])
    coded = rng.normal(size=len(groups))
    predicted = coded + rng.normal(0, 1.5, len(groups))
    out = dyad_permutation_test(coded, predicted, groups, n_permutations=200, seed=seed)
    expected, total = _brute_force_p(coded, predicted, groups)
    assert total == 24 and out["perm_distinct"] == 24 and out["perm_n"] == 24 and out["perm_exact"]
    assert out["perm_p"] == pytest.approx(expected, abs=1e-12)


def test_learning_curve_folds_select_on_their_own_training_dyads(monkeypatch):
    calls = []
    real = validation.select_and_fit

    def recording(X, y, groups, **kwargs):
        calls.append(set(groups))
        return real(X, y, groups, **kwargs)

    monkeypatch.setattr(validation, "select_and_fit", recording)
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(12), 2)
    fold_of = groups % 3
    X = rng.normal(size=(24, 3))
    y = X[:, 0] + rng.normal(0, 0.1, 24)
    selection = {"estimators": ("ridge",), "inner_folds": 2, "select_k": ("all",), "max_missing": 0.5}
    curve = validation.learning_curve(X, y, groups, fold_of, steps=3, seed=0, selection=selection)
    assert len(calls) == len(curve) * 3  # one full selection per size and outer fold
    for i, seen in enumerate(calls):
        held_out = set(groups[fold_of == i % 3])
        assert seen and not seen & held_out


def _comparison_rows(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(40):
        group = "a" if d % 2 else "b"
        for tp in ("t1", "t2"):
            coded = rng.normal(7 - 1.5 * (group == "a"), 3)
            rows.append(
                {
                    "clip_id": f"d{d}_{tp}",
                    "dyad_id": f"d{d}",
                    "group": group,
                    "timepoint": tp,
                    "coded": coded,
                    "predicted": coded + rng.normal(0, 1.5),
                }
            )
    return pd.DataFrame(rows)


def test_group_tests_count_dyads_not_clips():
    rows = _comparison_rows(2)
    twice = pd.concat([rows, rows.assign(clip_id=rows.clip_id + "_b")], ignore_index=True)
    once, doubled = group_comparison(rows, threshold=6), group_comparison(twice, threshold=6)
    pd.testing.assert_frame_equal(once["tests"], doubled["tests"])
    assert once["shares"].n.tolist() == doubled["shares"].n.tolist()
    assert (doubled["shares"].n_clips == 2 * doubled["shares"].n).all()
    assert "dyad" in doubled["unit"]
    # a dyad's two clips count once, by their mean rating: 5 and 8 -> 6.5, in the range (<= 6.5)
    pair = pd.DataFrame(
        {
            "clip_id": ["x1", "x2", "y1"],
            "dyad_id": ["x", "x", "y"],
            "group": ["a", "a", "b"],
            "timepoint": ["t1"] * 3,
            "coded": [5.0, 8.0, 9.0],
            "predicted": [9.0, 9.0, 9.0],
        }
    )
    shares = group_comparison(pair, threshold=6)["shares"].set_index("group")
    assert shares.loc["a", "n"] == 1 and shares.loc["a", "coded_share"] == 1.0


def _dyad_cohort(rng, n_dyads: int, *, loadings: np.ndarray, dyad_sd: float = 1.0, clip_sd: float = 0.3):
    sizes = rng.integers(2, 4, n_dyads)
    groups = np.repeat(np.arange(n_dyads), sizes)
    centre = rng.normal(0, dyad_sd, (n_dyads, len(loadings)))[groups]
    return centre * loadings + rng.normal(0, clip_sd, (len(groups), len(loadings))), groups


def test_novelty_flags_new_dyads_at_the_nominal_rate():
    """Training clips have siblings of their own dyad; new dyads do not. Calibrated leaving one
    clip out, the threshold came out too low and new dyads were flagged 2-7 % of the time."""
    rng = np.random.default_rng(0)
    loadings = rng.uniform(0.5, 2.0, 6)
    rates = []
    for _ in range(60):
        X, groups = _dyad_cohort(rng, 60, loadings=loadings)
        new, _ = _dyad_cohort(rng, 150, loadings=loadings)
        model = KnnNovelty(n_neighbors=5, quantile=0.99).fit(X, groups=groups)
        rates.append((model.score_samples(new) > model.threshold_).mean())
    assert abs(np.mean(rates) - 0.01) <= 0.01

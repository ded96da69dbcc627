"""Statistics against reference libraries (the `test` extra): pingouin for ICC and its CIs,
MAPIE for CV+ intervals, statsmodels for the exact McNemar test. Skipped when not installed."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold

from models.conformal import cv_plus_interval
from models.groups import mcnemar_exact
from models.stats import icc


@pytest.mark.parametrize("seed", range(5))
def test_icc_and_cis_match_pingouin(seed):
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 60))
    truth = rng.normal(7, 3, n)
    x = np.column_stack([truth + rng.normal(0, 1, n), truth + rng.normal(rng.normal(0, 1), 1.5, n)])
    long = pd.DataFrame(
        {
            "subject": np.tile(np.arange(n), 2),
            "rater": np.repeat(["coded", "predicted"], n),
            "score": x.T.ravel(),
        }
    )
    saved = dict(pg.options)
    pg.options["round"], pg.options["round.column.CI95"] = None, None
    try:
        ref = pg.intraclass_corr(long, targets="subject", raters="rater", ratings="score").set_index("Type")
    finally:
        pg.options.update(saved)
    ours = icc(x)
    for name, key in (("ICC(A,1)", "icc_a1"), ("ICC(C,1)", "icc_c1")):
        assert ours[key] == pytest.approx(ref.loc[name, "ICC"], abs=1e-9)
        low, high = ref.loc[name, "CI95"]
        assert ours[f"{key}_low"] == pytest.approx(low, abs=1e-6)
        assert ours[f"{key}_high"] == pytest.approx(high, abs=1e-6)


def _grouped_data(n_dyads: int, clips: int, seed: int):
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_dyads), clips)
    X = rng.normal(size=(len(groups), 4)) + np.repeat(rng.normal(0, 0.5, (n_dyads, 4)), clips, axis=0)
    y = (
        X @ np.array([1.0, -0.5, 0.3, 0.0])
        + np.repeat(rng.normal(0, 0.7, n_dyads), clips)
        + rng.normal(0, 0.5, len(groups))
    )
    return X, y, groups


@pytest.mark.parametrize(
    ("n_dyads", "clips", "level"), [(13, 3, 0.9), (33, 3, 0.9), (20, 2, 0.9), (17, 3, 0.8), (12, 2, 0.8)]
)
def test_cv_plus_matches_mapie(n_dyads, clips, level):
    """n = 39 and 99 clips are the sizes where float 1 - 0.9 put the lower bound one rank low."""
    regression = pytest.importorskip("mapie.regression")
    X, y, groups = _grouped_data(n_dyads, clips, seed=n_dyads)
    X_new = np.random.default_rng(1).normal(size=(25, 4))
    cv = GroupKFold(n_splits=5)
    fold_of, oof, fold_pred = np.empty(len(y), int), np.empty(len(y)), []
    for k, (train, test) in enumerate(cv.split(X, y, groups)):
        model = Ridge(alpha=1.0).fit(X[train], y[train])
        fold_of[test], oof[test] = k, model.predict(X[test])
        fold_pred.append(model.predict(X_new))
    lower, upper = cv_plus_interval(np.column_stack(fold_pred), fold_of, y - oof, level=level)
    mapie = regression.CrossConformalRegressor(Ridge(alpha=1.0), confidence_level=level, method="plus", cv=cv)
    mapie.fit_conformalize(X, y, groups=groups)
    _, bounds = mapie.predict_interval(X_new)
    assert np.allclose(lower, bounds[:, 0, 0], atol=1e-9)
    assert np.allclose(upper, bounds[:, 1, 0], atol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_mcnemar_exact_matches_statsmodels(seed):
    contingency = pytest.importorskip("statsmodels.stats.contingency_tables")
    rng = np.random.default_rng(seed)
    before, after = rng.random(40) < 0.5, rng.random(40) < 0.35
    left, entered, p = mcnemar_exact(before, after)
    table = [[(before & after).sum(), left], [entered, (~before & ~after).sum()]]
    assert p == pytest.approx(contingency.mcnemar(table, exact=True).pvalue, abs=1e-12)

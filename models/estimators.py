"""Candidate pipelines (imputation, scaling, estimator) and their hyper-parameter grids."""

from __future__ import annotations

from sklearn.ensemble import ExtraTreesRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def base_pipeline() -> Pipeline:
    """Median imputation (empty columns kept as 0), standard scaling, then the estimator."""
    return Pipeline([
        ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("model", Ridge()),
    ])


def param_grid(names: tuple[str, ...], *, seed: int) -> list[dict]:
    """One grid per candidate estimator named in config `models.estimators`."""
    grids = {
        "ridge": {"model": [Ridge()], "model__alpha": [1.0, 10.0, 100.0, 1000.0]},
        "elastic_net": {"model": [ElasticNet(max_iter=5000, tol=1e-3, random_state=seed)],
                        "model__alpha": [0.05, 0.3], "model__l1_ratio": [0.5]},
        "extra_trees": {"model": [ExtraTreesRegressor(n_estimators=100, max_features=0.3, min_samples_leaf=3,
                                                      n_jobs=1, random_state=seed)]},
    }
    unknown = [n for n in names if n not in grids]
    if unknown:
        raise ValueError(f"unknown estimator(s) {unknown}; choose from {sorted(grids)}")
    return [grids[n] for n in names]


def describe(pipeline: Pipeline) -> str:
    """'Ridge(alpha=10.0)'-style text of the selected estimator."""
    model = pipeline.named_steps["model"]
    keys = {"Ridge": ("alpha",), "ElasticNet": ("alpha", "l1_ratio"), "ExtraTreesRegressor": ("n_estimators", "max_features")}
    params = model.get_params()
    shown = ", ".join(f"{k}={params[k]}" for k in keys.get(type(model).__name__, ()))
    return f"{type(model).__name__}({shown})"

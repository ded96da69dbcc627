"""Cohort rendering: manifest, CARE-Index ratings and truth, deterministic given the seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from extract.render import care_ratings, render_cohort

ADULT = ["adult_sensitivity", "adult_control", "adult_unresponsiveness"]
INFANT = ["infant_cooperative", "infant_compulsive", "infant_difficult", "infant_passive"]


def test_care_ratings_scales_and_link_to_sensitivity():
    rng = np.random.default_rng(0)
    latent = rng.uniform(0, 1, 300)
    rows = [
        care_ratings(
            sensitivity=s, control_share=rng.uniform(0.2, 0.8), infant_age_months=12, coder_bias=0.0, rng=rng
        )
        for s in latent
    ]
    df = pd.DataFrame(rows)
    assert ((df >= 0) & (df <= 14)).all().all()
    assert (df[ADULT].sum(axis=1) == 14).all()
    assert (df[INFANT].sum(axis=1) == 14).all()
    assert (df["dyadic_synchrony"] == df["adult_sensitivity"]).all()
    assert np.corrcoef(latent, df["adult_sensitivity"])[0, 1] > 0.9
    assert np.corrcoef(latent, df["infant_cooperative"])[0, 1] > 0.85


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory):
    a = tmp_path_factory.mktemp("cohort_a")
    b = tmp_path_factory.mktemp("cohort_b")
    kw = dict(n_dyads=2, timepoints=("8wk", "12mo"), duration_s=1.2, seed=3)
    return render_cohort(a, **kw), render_cohort(b, **kw)


def test_manifest_and_ratings(cohorts):
    manifest_path, _ = cohorts
    root = manifest_path.parent
    m = pd.read_csv(manifest_path)
    assert list(m.columns) == ["clip_id", "path", "dyad_id", "timepoint", "group"]
    assert len(m) == 4 and m["clip_id"].is_unique
    assert set(m["group"]) == {"control", "depressed"}
    for _, row in m.iterrows():
        assert (root / row["path"]).exists()
        assert (root / "clips" / f"{row['clip_id']}.truth.json").exists()
    r = pd.read_csv(root / "ratings.csv")
    assert set(r["clip_id"]) == set(m["clip_id"])
    assert (r[ADULT].sum(axis=1) == 14).all() and (r[INFANT].sum(axis=1) == 14).all()
    assert (r["dyadic_synchrony"] == r["adult_sensitivity"]).all()
    assert set(r["coder_id"]) == {"c1", "c2"}


def test_cohort_truth_deterministic(cohorts):
    a, b = (p.parent for p in cohorts)
    for name in ("manifest.csv", "ratings.csv"):
        assert (a / name).read_text() == (b / name).read_text()
    truths = sorted(p.name for p in (a / "clips").glob("*.truth.*"))
    assert len(truths) == 8
    for name in truths:
        assert (a / "clips" / name).read_text() == (b / "clips" / name).read_text(), name


def test_spread_sensitivities_even_and_control_a_step_above(tmp_path):
    from extract.render.cohort import spread_sensitivities

    s = np.array(spread_sensitivities(24, 0.05, 0.95, seed=1))
    assert np.allclose(np.sort(s), np.linspace(0.05, 0.95, 24), atol=1e-4)
    control, depressed = s[0::2], s[1::2]
    assert (control > depressed).all()  # within each pair
    assert (
        spread_sensitivities(24, seed=1)
        == spread_sensitivities(24, seed=1)
        != spread_sensitivities(24, seed=2)
    )
    assert len(spread_sensitivities(5)) == 5
    with pytest.raises(ValueError, match="sensitivities has 3 values for 2 dyads"):
        render_cohort(tmp_path / "c", n_dyads=2, sensitivities=[0.1, 0.2, 0.3])
    assert not (tmp_path / "c").exists()

"""End to end on a rendered cohort with a known latent sensitivity: render -> `dyadscope run`
(extract, train, screen, validate, report) -> dyad-held-out predictions vs the latent.

24 dyads, one 15 s clip each, trait sensitivity spread evenly over 0.05..0.95 (plus the
renderer's per-timepoint change), synthetic ratings from the latent + coder noise as in
sample_clips. Measured: dyad-held-out r 0.97 with the latent, 0.94 with the coded ratings
(about 2.5 min on 2 busy cores). Much of the signal is in the renderer's adult resting smile
(0.15 + 0.2 x sensitivity) and base separation; without the smile and distance features r is
about 0.4.
"""

import json

import numpy as np
import pandas as pd
import pytest

from extract.render.cohort import render_cohort, spread_sensitivities
from models.cli import main

pytestmark = pytest.mark.slow
N_DYADS = 24


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("rendered")
    manifest = render_cohort(
        root / "cohort",
        n_dyads=N_DYADS,
        sensitivities=spread_sensitivities(N_DYADS, 0.05, 0.95),
        timepoints=("8wk",),
        duration_s=15,
        seed=1,
        jobs=2,
    )
    out = root / "out"
    code = main(
        [
            "run",
            str(manifest),
            "--ratings",
            str(manifest.parent / "ratings.csv"),
            "--out",
            str(out),
            "--jobs",
            "2",
        ]
    )
    truth = {
        p.name.split(".")[0]: json.loads(p.read_text())["sensitivity"]
        for p in (manifest.parent / "clips").glob("*.truth.json")
    }
    return code, out, truth


def test_heldout_predictions_track_latent_sensitivity_end_to_end(run):
    code, out, truth = run
    assert code == 0
    held = pd.read_csv(out / "validation" / "heldout_predictions.csv", dtype={"clip_id": str})
    assert len(held) == N_DYADS and held.dyad_id.nunique() == N_DYADS
    latent = held.clip_id.map(truth)
    assert np.ptp(latent) > 0.8  # the cohort spans (almost) the whole sensitivity range
    r = np.corrcoef(held.predicted, latent)[0, 1]
    coded = json.loads((out / "validation" / "validation.json").read_text())["dyadic_synchrony"]["pearson_r"]
    print(f"dyad-held-out r: latent {r:.3f}, coded {coded:.3f}")
    assert r >= 0.9, r  # measured 0.97-0.98; issue 6 asks for >= 0.8
    assert coded >= 0.85, coded  # measured 0.94-0.95
    assert (out / "report.html").is_file() and (out / "predictions.csv").is_file()

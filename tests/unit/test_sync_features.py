"""Synchrony features on hand-built frame tables with a known lead."""

import numpy as np
import pandas as pd

from extract.config import SyncConfig
from extract.features.sync_features import sync_features


def test_infant_follows_adult_motion_by_half_a_second():
    rng = np.random.default_rng(1)
    t = np.arange(600) / 10.0
    drive = np.convolve(rng.normal(size=700), np.ones(5) / 5, mode="same")
    table = pd.DataFrame(
        {"t_s": t, "adult.motion_energy": drive[100:700], "infant.motion_energy": drive[95:695]}
    )
    segments = pd.DataFrame({"start_s": [1.0, 3.0], "end_s": [2.0, 4.0], "speaker": ["adult", "infant"]})
    features, notes = sync_features(table, segments, SyncConfig(n_surrogates=10))
    assert features["sync.motion.peak_r.mean"] > 0.95
    assert abs(features["sync.motion.peak_lag_s.mean"] - 0.5) < 0.05
    assert features["sync.motion.adult_leads.share"] == 1.0
    assert features["sync.motion.peak_r.z_vs_surrogate"] > 3
    assert np.isnan(features["sync.smile.peak_r.mean"])  # absent columns: NaN with a note, not 0
    assert any(n.startswith("sync.smile:") for n in notes)

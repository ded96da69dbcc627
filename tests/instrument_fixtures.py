"""A lab's own codes on the synthetic cohort (tests/model_fixtures.py): a yes/no code, a 0-3
ordinal rating and a 1-9 rating, each driven by the cohort's latent sensitivity with noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

INSTRUMENTS = Path(__file__).resolve().parents[1] / "configs" / "instruments"
LAB_CODES = INSTRUMENTS / "lab_codes.yaml"


def lab_ratings(truth: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """One coder per clip: laugh = 1 when latent + noise > 0; funny = round(1.5 + 0.9 latent +
    noise) in 0..3; sensitivity = round(5 + 1.6 latent + noise) in 1..9."""
    rng = np.random.default_rng(seed)
    latent = truth.latent.to_numpy()
    n = len(truth)
    out = truth[["clip_id", "dyad_id", "timepoint"]].copy()
    out["coder_id"] = "c1"
    out["laugh"] = (latent + rng.normal(0, 0.5, n) > 0).astype(int)
    out["funny"] = np.clip(np.round(1.5 + 0.9 * latent + rng.normal(0, 0.35, n)), 0, 3).astype(int)
    out["sensitivity"] = np.clip(np.round(5 + 1.6 * latent + rng.normal(0, 0.6, n)), 1, 9).astype(int)
    return out

"""Synthetic cohorts with known answers for the models tests and benchmark.

Each dyad has a latent sensitivity (depressed group lower, declining by 12 months), two
timepoints, and a stable dyad "fingerprint" (room, camera, people) that shows in some
features and - as a coder's impression of the dyad - in the ratings: exactly the structure
that makes a clip-level split leak.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.vocab import CARE_SCALES

TIMEPOINTS = ("8wk", "12mo")


def synthetic_cohort(
    n_dyads: int = 60,
    *,
    n_features: int = 30,
    n_signal: int = 10,
    n_fingerprint: int = 8,
    double_coded: float = 0.3,
    seed: int = 0,
    dyad_offset_sd: float = 1.0,
    prefix: str = "d",
) -> dict:
    """Returns features (clip_id + dot-named columns), ratings (per coder), manifest, qc and the
    latent sensitivity per clip (`truth`: clip_id, dyad_id, timepoint, group, latent)."""
    rng = np.random.default_rng(seed)
    dyads = [f"{prefix}{i:03d}" for i in range(n_dyads)]
    group = np.where(np.arange(n_dyads) % 2 == 0, "control", "depressed")
    base = rng.normal(0, 1, n_dyads) - 0.6 * (group == "depressed")
    fingerprint = rng.normal(0, 1.5, (n_dyads, n_fingerprint))
    offset = rng.normal(0, dyad_offset_sd, n_dyads)
    loadings = rng.uniform(0.6, 1.2, n_signal) * rng.choice([-1, 1], n_signal)
    rows, truth, ratings = [], [], []
    for d, dyad in enumerate(dyads):
        for t, tp in enumerate(TIMEPOINTS):
            latent = base[d] + t * (-0.4 if group[d] == "depressed" else 0.2) + rng.normal(0, 0.3)
            clip = f"{dyad}_{tp}"
            x = np.empty(n_features)
            x[:n_signal] = loadings * latent + rng.normal(0, 0.6, n_signal)
            x[n_signal : n_signal + n_fingerprint] = fingerprint[d] + rng.normal(0, 0.1, n_fingerprint)
            x[n_signal + n_fingerprint :] = rng.normal(0, 1, n_features - n_signal - n_fingerprint)
            rows.append(x)
            truth.append(
                {"clip_id": clip, "dyad_id": dyad, "timepoint": tp, "group": group[d], "latent": latent}
            )
            coders = ["c1", "c2"] if rng.random() < double_coded else ["c1"]
            for coder in coders:
                perceived = latent + offset[d] * 0.8
                rating = {"clip_id": clip, "dyad_id": dyad, "timepoint": tp, "coder_id": coder}
                for s, scale in enumerate(CARE_SCALES):
                    sign = 1 if s in (0, 1, 4) else -1
                    value = 7.5 + sign * 2.6 * perceived + rng.normal(0, 0.8)
                    rating[scale] = int(np.clip(np.round(value), 0, 14))
                ratings.append(rating)
    names = (
        [f"sig.adult.m{j}.mean" for j in range(n_signal)]
        + [f"room.dyad.f{j}.mean" for j in range(n_fingerprint)]
        + [f"noise.infant.n{j}.mean" for j in range(n_features - n_signal - n_fingerprint)]
    )
    truth = pd.DataFrame(truth)
    features = pd.DataFrame(rows, columns=names)
    features.insert(0, "clip_id", truth.clip_id)
    manifest = truth[["clip_id", "dyad_id", "timepoint", "group"]].copy()
    manifest.insert(1, "path", "clips/" + manifest.clip_id + ".mp4")
    qc = truth[["clip_id", "dyad_id", "timepoint", "group"]].copy()
    qc["status"], qc["error"], qc["warnings"] = "ok", "", ""
    return {
        "features": features,
        "ratings": pd.DataFrame(ratings),
        "manifest": manifest,
        "qc": qc,
        "truth": truth,
    }


def write_cohort(cohort: dict, folder) -> dict:
    """Write features.csv, ratings.csv, manifest.csv, qc.csv into `folder`; returns the paths."""
    paths = {}
    for name in ("features", "ratings", "manifest", "qc"):
        paths[name] = folder / f"{name}.csv"
        cohort[name].to_csv(paths[name], index=False)
    return paths

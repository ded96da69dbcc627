"""Synthetic caregiver-infant clips with ground truth, for tests and the sample cohort.

Two faces cut from scikit-image's public-domain astronaut photo (NASA; no real people, nothing
downloaded), scripted head motion, approach/withdrawal, mouth opening in time with synthesized
voices and smiles, all driven by a latent dyad "sensitivity" (0..1). Every clip gets a truth
sidecar (`<clip_id>.truth.json` + `<clip_id>.truth.csv`).
"""

from extract.render.clip import render_clip
from extract.render.cohort import care_ratings, render_cohort
from extract.render.script import DyadScript, VocalSegment, build_script, contingent_response_rate
from extract.render.truth import TRUTH_COLUMNS, TRUTH_FORMAT, read_truth

__all__ = [
    "DyadScript",
    "TRUTH_COLUMNS",
    "TRUTH_FORMAT",
    "VocalSegment",
    "build_script",
    "care_ratings",
    "contingent_response_rate",
    "read_truth",
    "render_clip",
    "render_cohort",
]

"""The one registry of clip-feature families: what features.csv carries, the feature
dictionary (docs/features.md), the aspects the models group by, all read from here.

Adding a family: write a module with its specs and compute function and a
`FAMILY = FeatureFamily(...)` (see extract.features.family), then add it to FAMILIES.
"""

from __future__ import annotations

import pandas as pd

from extract.config import Config
from extract.features import affect, audio_family, episodes, sync_features, video_aggregate
from extract.features.dictionary import FeatureSpec, render_markdown
from extract.features.family import ClipBundle, FeatureFamily

FAMILIES: tuple[FeatureFamily, ...] = (
    audio_family.FAMILY,
    video_aggregate.FAMILY,
    sync_features.FAMILY,
    episodes.FAMILY,
    affect.FAMILY,
)


def all_feature_specs(cfg: Config | None = None) -> list[FeatureSpec]:
    """Every feature the families can emit (and features.csv carries) under `cfg` (default config when
    None)."""
    cfg = cfg if cfg is not None else Config()
    return [spec for family in FAMILIES for spec in family.specs(cfg)]


def compute_features(bundle: ClipBundle, cfg: Config | None = None) -> tuple[dict[str, float], list[str]]:
    """One clip's features from its in-memory bundle -> ({name: value}, notes), families in registry order."""
    cfg = cfg if cfg is not None else Config()
    features: dict[str, float] = {}
    notes: list[str] = []
    for family in FAMILIES:
        if family.needs_frames and bundle.frames is None:
            continue
        got, family_notes = family.compute(bundle, cfg)
        features.update(got)
        notes += family_notes
    return features, notes


def clip_features(
    table: pd.DataFrame | None, cfg: Config | None = None, *, segments: pd.DataFrame | None = None
) -> tuple[dict[str, float], list[str]]:
    """The frame-based features of a frames.parquet table (+ segments) -> ({name: value}, notes)."""
    if table is None:
        return {}, []
    return compute_features(ClipBundle(frames=table, segments=segments), cfg)


def features_markdown(cfg: Config | None = None) -> str:
    return render_markdown(all_feature_specs(cfg)) + "\n"

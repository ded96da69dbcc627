"""One registry of every clip feature (audio, video aggregates, ...) and the clip-feature builder."""

from __future__ import annotations

import pandas as pd

from extract.features.dictionary import FeatureSpec, render_markdown
from extract.features.episodes import episode_features, episode_specs
from extract.features.sync_features import sync_features, sync_specs
from extract.features.video_aggregate import video_aggregate_specs, video_aggregates

_AUDIO_REFS = {"turns.conversational": "Gilkerson & Richards 2008 (LENA conversational turns)"}


def _audio_specs(cfg) -> list[FeatureSpec]:
    from extract.audio.dictionary import audio_feature_dictionary

    windows = tuple(cfg.audio.turns.windows_s) if cfg is not None else (1.0, 2.0, 5.0)
    specs = []
    for row in audio_feature_dictionary(windows_s=windows):
        ref = next((r for prefix, r in _AUDIO_REFS.items() if row["name"].startswith(prefix)), "")
        specs.append(FeatureSpec(row["name"], row["unit"], row["definition"], "segments.csv", row["aspect"], ref))
    return specs


def all_feature_specs(cfg=None) -> list[FeatureSpec]:
    """Every feature `clip_features` can emit (and features.csv carries) under `cfg`."""
    return _audio_specs(cfg) + video_aggregate_specs() + sync_specs() + episode_specs()


def clip_features(table: pd.DataFrame | None, cfg=None, *, segments: pd.DataFrame | None = None) -> tuple[dict[str, float], list[str]]:
    """Clip features from a frames.parquet table (+ segments.csv) -> ({name: value}, notes)."""
    if table is None:
        return {}, []
    from extract.config import Config

    cfg = cfg if cfg is not None else Config()
    features, notes = video_aggregates(table)
    sync, sync_notes = sync_features(table, segments, cfg.sync)
    episodes, episode_notes = episode_features(table, cfg.episodes)
    return {**features, **sync, **episodes}, notes + sync_notes + episode_notes


def features_markdown(cfg=None) -> str:
    return render_markdown(all_feature_specs(cfg)) + "\n"

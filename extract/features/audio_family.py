"""The audio feature family (voice.*, turns.*): computed by the audio stage (extract.audio.analyze),
described by extract.audio.dictionary."""

from __future__ import annotations

from extract.audio.dictionary import audio_feature_dictionary
from extract.features.dictionary import FeatureSpec
from extract.features.family import ClipBundle, FeatureFamily

_REFS = {"turns.conversational": "Gilkerson & Richards 2008 (LENA conversational turns)"}


def audio_specs(cfg) -> list[FeatureSpec]:
    specs = []
    for row in audio_feature_dictionary(windows_s=tuple(cfg.audio.turns.windows_s)):
        ref = next((r for prefix, r in _REFS.items() if row["name"].startswith(prefix)), "")
        specs.append(
            FeatureSpec(row["name"], row["unit"], row["definition"], "segments.csv", row["aspect"], ref)
        )
    return specs


def audio_features(bundle: ClipBundle, cfg) -> tuple[dict[str, float], list[str]]:
    """The audio stage's clip features (its notes are QC warnings, reported by the stage)."""
    return dict(bundle.audio_features), []


FAMILY = FeatureFamily("audio", specs=audio_specs, compute=audio_features, needs_frames=False)

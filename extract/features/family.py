"""What a feature family is: its specs and the function computing them from one clip's bundle.

A leaf module (no import of the registry or of any family), so families and the registry
both import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import pandas as pd

from extract.features.dictionary import FeatureSpec

if TYPE_CHECKING:
    from extract.config import Config

Notes = list[str]


@dataclass(frozen=True)
class ClipBundle:
    """One clip in memory, as the stages left it.

    frames: the frames.parquet table (one row per analysis frame; None without video);
    segments: the vocal segments as in segments.csv (None without audio analysis);
    audio_features: the clip features the audio stage computed (voice.*, turns.*);
    qc: the clip's QC figures so far."""

    frames: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    audio_features: dict = field(default_factory=dict)
    qc: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FeatureFamily:
    """name; specs(cfg) -> every feature the family emits under cfg; compute(bundle, cfg) ->
    ({name: value}, notes for qc.csv). Families with needs_frames are skipped for clips
    without video."""

    name: str
    specs: Callable[[Config], list[FeatureSpec]]
    compute: Callable[[ClipBundle, Config], tuple[dict[str, float], Notes]]
    needs_frames: bool = True

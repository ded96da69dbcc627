"""The moments step of one clip's extraction: moments.csv, the thumbnail stills, and with
audio.outputs.eaf the `moments` tier of vocal.eaf (written again with it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract.audio.labels import write_eaf
from extract.audio.outputs import EAF_NAME
from extract.audio.turns import conversational_turns
from extract.config import Config
from extract.moments.files import write_moments
from extract.moments.find import find_moments


def eaf_spans(moments: pd.DataFrame) -> list[tuple[float, float, str]]:
    """(start_s, end_s, '<rank> <kind>: <description>') per moment, for the ELAN tier."""
    return [
        (float(m.start_s), float(m.end_s), f"{m.rank} {m.kind}: {m.description}")
        for m in moments.itertuples()
    ]


def clip_moments(
    clip_dir: Path,
    *,
    frames: pd.DataFrame | None,
    segments: pd.DataFrame | None,
    media_path: Path,
    has_video: bool,
    cfg: Config,
) -> tuple[pd.DataFrame, list[str]]:
    """Find the clip's moments and write them (clip_dir/moments.csv, moments/<rank>.jpg when
    has_video, vocal.eaf's `moments` tier when audio.outputs.eaf). Returns (table, QC notes)."""
    moments = find_moments(frames, segments, cfg)
    table, notes = write_moments(
        clip_dir, moments, video=media_path if has_video else None, thumbnail_px=cfg.moments.thumbnail_px
    )
    if cfg.audio.outputs.eaf and segments is not None:
        turns = [
            (
                float(segments.start_s[i]),
                float(segments.end_s[j]),
                f"{segments.speaker[i]}->{segments.speaker[j]}",
            )
            for i, j in conversational_turns(segments, max_turn_gap_s=cfg.audio.turns.max_turn_gap_s)
        ]
        write_eaf(
            Path(clip_dir) / EAF_NAME, segments, media_path=media_path, turns=turns, moments=eaf_spans(table)
        )
    return table, notes

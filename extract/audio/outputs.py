"""Write one clip's audio results: segments.csv, and on request an ELAN file and RTTM."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract.audio.analyze import AudioAnalysis
from extract.audio.labels import write_eaf, write_rttm
from extract.outputs import atomic_path

SEGMENTS_CSV = "segments.csv"
EAF_NAME = "vocal.eaf"
RTTM_NAME = "vocal.rttm"
FLOAT_FORMAT = "%.4f"  # segments.csv precision


def segments_as_written(segments: pd.DataFrame) -> pd.DataFrame:
    """The segments table with its float columns at segments.csv precision, so features
    computed in memory equal features computed from the file."""
    out = segments.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [float(FLOAT_FORMAT % v) for v in out[col]]
    return out


def write_audio_outputs(
    clip_dir: Path,
    analysis: AudioAnalysis,
    *,
    clip_id: str,
    media_path: Path | None,
    eaf: bool = False,
    rttm: bool = False,
) -> list[Path]:
    """Write `clip_dir`/segments.csv (always), vocal.eaf and vocal.rttm (when asked). Returns the paths."""
    clip_dir = Path(clip_dir)
    clip_dir.mkdir(parents=True, exist_ok=True)
    written = [clip_dir / SEGMENTS_CSV]
    with atomic_path(written[0]) as tmp:
        analysis.segments.to_csv(tmp, index=False, float_format=FLOAT_FORMAT)
    if eaf:
        written.append(clip_dir / EAF_NAME)
        write_eaf(written[-1], analysis.segments, media_path=media_path, turns=analysis.turns)
    if rttm:
        written.append(clip_dir / RTTM_NAME)
        write_rttm(written[-1], analysis.segments, file_id=clip_id)
    return written

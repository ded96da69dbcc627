"""Write one clip's audio results: segments.csv, and on request an ELAN file and RTTM."""

from __future__ import annotations

from pathlib import Path

from extract.audio.analyze import AudioAnalysis
from extract.audio.labels import write_eaf, write_rttm
from extract.outputs import atomic_path

SEGMENTS_CSV = "segments.csv"
EAF_NAME = "vocal.eaf"
RTTM_NAME = "vocal.rttm"


def write_audio_outputs(clip_dir: Path, analysis: AudioAnalysis, *, clip_id: str, media_path: Path | None,
                        eaf: bool = False, rttm: bool = False) -> list[Path]:
    """Write `clip_dir`/segments.csv (always), vocal.eaf and vocal.rttm (when asked). Returns the paths."""
    clip_dir = Path(clip_dir)
    clip_dir.mkdir(parents=True, exist_ok=True)
    written = [clip_dir / SEGMENTS_CSV]
    with atomic_path(written[0]) as tmp:
        analysis.segments.to_csv(tmp, index=False, float_format="%.4f")
    if eaf:
        written.append(clip_dir / EAF_NAME)
        write_eaf(written[-1], analysis.segments, media_path=media_path, turns=analysis.turns)
    if rttm:
        written.append(clip_dir / RTTM_NAME)
        write_rttm(written[-1], analysis.segments, file_id=clip_id)
    return written

"""`--review-video`: a small H.264 + AAC preview of each clip for browsers that cannot play the
source's codec (OUT/review/media/<clip_id>.mp4, 480 px wide, CRF 28; PyAV as the overlay)."""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import av
import pandas as pd

from extract.errors import MediaError
from extract.media.container import check_file

log = logging.getLogger(__name__)
WIDTH, CRF, AUDIO_RATE = 480, 28, 44100


def write_preview(source: str | Path, target: str | Path, *, width: int = WIDTH, crf: int = CRF) -> Path:
    """Re-encode `source` to an H.264 (yuv420p) MP4 `width` px wide, with its first audio stream
    as mono AAC. Timestamps are kept, so the preview's clock is the source's."""
    source, target = check_file(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp.mp4")  # the muxer picks the format by the suffix
    try:
        _encode(source, tmp, width=width, crf=crf)
        tmp.replace(target)
    except av.FFmpegError as exc:
        raise MediaError(source, f"preview not written ({exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _encode(source: Path, tmp: Path, *, width: int, crf: int) -> None:
    with av.open(str(source)) as inp, av.open(str(tmp), mode="w", format="mp4") as out:
        vin = next(iter(inp.streams.video), None)
        if vin is None:
            raise MediaError(source, "has no video stream")
        ain = next(iter(inp.streams.audio), None)
        height = max(2, int(round(vin.codec_context.height * width / vin.codec_context.width / 2)) * 2)
        tb = Fraction(1, 1000)
        vout = out.add_stream("libx264", rate=30)
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        vout.codec_context.time_base, vout.time_base = tb, tb
        vout.codec_context.options = {"crf": str(crf), "preset": "veryfast", "threads": "1"}
        aout = resampler = None
        if ain is not None:
            aout = out.add_stream("aac", rate=AUDIO_RATE)
            aout.layout = "mono"
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=AUDIO_RATE)
        streams = [s for s in (vin, ain) if s is not None]
        last_pts = -1
        for packet in inp.demux(*streams):
            for frame in packet.decode():
                if packet.stream is vin:
                    if frame.pts is None:
                        continue
                    small = frame.reformat(width=width, height=height, format="yuv420p")
                    pts = max(last_pts + 1, int(round(float(frame.pts * frame.time_base) / tb)))
                    small.pts, small.time_base, last_pts = pts, tb, pts
                    out.mux(vout.encode(small))
                else:
                    for chunk in resampler.resample(frame):
                        chunk.pts = None
                        out.mux(aout.encode(chunk))
        out.mux(vout.encode(None))
        if aout is not None:
            for chunk in resampler.resample(None):
                chunk.pts = None
                out.mux(aout.encode(chunk))
            out.mux(aout.encode(None))


def write_previews(out: Path, qc: pd.DataFrame | None) -> list[Path]:
    """A preview per clip of qc.csv (indexed by clip_id, `path` column) into OUT/review/media/,
    skipping previews newer than their source. Unreadable sources are logged and skipped."""
    written = []
    if qc is None or "path" not in qc.columns:
        return written
    for clip_id, path in qc["path"].items():
        if not path:
            continue
        source = Path(path) if Path(path).is_absolute() else Path(out) / path
        target = Path(out) / "review" / "media" / f"{clip_id}.mp4"
        if target.is_file() and source.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
            written.append(target)
            continue
        try:
            written.append(write_preview(source, target))
        except MediaError as exc:
            log.warning("no review preview for %s: %s", clip_id, exc)
    return written

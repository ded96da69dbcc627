"""Probe a clip: duration, streams, nominal and measured frame rate, VFR, rotation, audio format."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import av
import numpy as np

from extract.errors import MediaUnreadableError
from extract.media.container import clock_origin_s, open_media, video_stream

VFR_JITTER = 0.10  # an interval deviating more than 10% from the median counts as irregular
VFR_SHARE = 0.01  # more than 1% irregular intervals marks a clip variable-frame-rate


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int  # coded size, before rotation (px)
    height: int
    rotation_deg: int  # display rotation to apply, counter-clockwise degrees: 0, 90, 180 or 270
    nominal_fps: float | None  # what the container declares
    measured_fps: float | None  # from packet timestamps: (n - 1) / (last - first)
    vfr: bool  # frame intervals vary (more than VFR_SHARE of them off the median by > VFR_JITTER)
    n_frames: int  # video packets with a timestamp
    first_t_s: float | None
    last_t_s: float | None

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) after applying the display rotation."""
        if self.rotation_deg % 180:
            return self.height, self.width
        return self.width, self.height


@dataclass(frozen=True)
class AudioInfo:
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    format: str
    size_bytes: int
    duration_s: float | None
    video: VideoInfo | None
    audio: AudioInfo | None

    def to_row(self) -> dict:
        """Flat dict for tables: one row per clip."""
        row = {
            "path": str(self.path),
            "format": self.format,
            "size_bytes": self.size_bytes,
            "duration_s": self.duration_s,
        }
        for prefix, part in (("video", self.video), ("audio", self.audio)):
            row[f"has_{prefix}"] = part is not None
            if part is not None:
                row.update({f"{prefix}_{k}": v for k, v in asdict(part).items()})
        return row

    def summary(self) -> str:
        """One human-readable line."""
        parts = [f"{self.path}", f"{self.duration_s:.2f}s" if self.duration_s else "duration ?"]
        v = self.video
        if v:
            w, h = v.display_size
            fps = f"{v.measured_fps:.2f}" if v.measured_fps else "?"
            parts.append(
                f"video {v.codec} {w}x{h} {fps} fps{' VFR' if v.vfr else ''}"
                + (f" rot {v.rotation_deg}" if v.rotation_deg else "")
            )
        else:
            parts.append("no video")
        a = self.audio
        parts.append(f"audio {a.codec} {a.sample_rate} Hz {a.channels} ch" if a else "no audio")
        return "  ".join(parts)


def _frame_rate_stats(times: np.ndarray) -> tuple[float | None, bool]:
    if len(times) < 2:
        return None, False
    span = times[-1] - times[0]
    measured = (len(times) - 1) / span if span > 0 else None
    steps = np.diff(times)
    median = float(np.median(steps))
    if median <= 0:
        return measured, True
    irregular = np.abs(steps - median) > VFR_JITTER * median
    return measured, bool(irregular.mean() > VFR_SHARE)


def _probe_video(container, stream, origin: float, path: Path) -> VideoInfo:
    """One pass over the packets: their timestamps, and the rotation of the first decoded frame
    (decoded on the way, so no seek is needed; seeking back fails in some truncated files)."""
    times = []
    rotation = None
    decode_error = None
    try:
        for packet in container.demux(stream):
            if packet.pts is not None and packet.size:
                times.append(float(packet.pts * packet.time_base) - origin)
            if rotation is None:
                try:
                    for frame in packet.decode():
                        rotation = int(round(frame.rotation or 0)) % 360
                        break
                except av.FFmpegError as exc:
                    decode_error = exc
    except av.FFmpegError:
        pass  # truncated: the timestamps read so far still describe the readable part
    if rotation is None:
        if times:
            reason = f": {decode_error}" if decode_error else " (truncated or corrupt)"
            raise MediaUnreadableError(path, f"video stream cannot be decoded{reason}")
        rotation = 0
    times = np.sort(np.asarray(times, dtype=float))
    measured, vfr = _frame_rate_stats(times)
    rate = stream.average_rate or stream.guessed_rate
    return VideoInfo(
        codec=stream.codec_context.name,
        width=stream.codec_context.width,
        height=stream.codec_context.height,
        rotation_deg=rotation,
        nominal_fps=float(rate) if rate else None,
        measured_fps=measured,
        vfr=vfr,
        n_frames=len(times),
        first_t_s=float(times[0]) if len(times) else None,
        last_t_s=float(times[-1]) if len(times) else None,
    )


def probe(path: str | Path) -> MediaInfo:
    """Describe the file at `path`. Raises a MediaError subclass when it cannot be read."""
    path = Path(path)
    with open_media(path) as container:
        origin = clock_origin_s(container)
        video = None
        stream = video_stream(container)
        if stream is not None:
            video = _probe_video(container, stream, origin, path)
        audio = None
        if container.streams.audio:
            cc = container.streams.audio[0].codec_context
            audio = AudioInfo(
                codec=cc.name, sample_rate=int(cc.sample_rate or 0), channels=int(cc.channels or 0)
            )
        duration = container.duration / av.time_base if container.duration else None
        if duration is None and video and video.last_t_s is not None:
            duration = video.last_t_s
        return MediaInfo(
            path=path,
            format=container.format.name,
            size_bytes=path.stat().st_size,
            duration_s=duration,
            video=video,
            audio=audio,
        )

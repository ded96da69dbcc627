"""Frames at the analysis rate, each timed by the container's timestamps.

Streams: one decoded frame at a time, so memory does not grow with clip length.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import av
import numpy as np

from extract.errors import NoVideoStreamError, TruncatedMediaWarning
from extract.media.container import clock_origin_s, open_media


@dataclass(frozen=True)
class Frame:
    t_s: float  # presentation time, seconds from the container's start
    index: int  # analysis frame number (0, 1, ...)
    source_index: int  # decoded frame number in the source
    image: np.ndarray  # (H, W, 3) uint8 RGB, rotation applied, downscaled


def scaled_size(width: int, height: int, longest_side: int) -> tuple[int, int]:
    """(w, h) with the longest side at most `longest_side` (0 = unchanged), both even."""
    if longest_side <= 0 or max(width, height) <= longest_side:
        return width, height
    scale = longest_side / max(width, height)
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def rotate_image(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    """Apply a display rotation (degrees counter-clockwise, multiples of 90)."""
    quarter_turns = int(round(rotation_deg / 90)) % 4
    return np.ascontiguousarray(np.rot90(image, k=quarter_turns)) if quarter_turns else image


def _decoded(container, stream, path: Path) -> Iterator[av.VideoFrame]:
    """Decoded frames; damage after the first frame becomes a warning, not an exception."""
    n = 0
    try:
        for packet in container.demux(stream):
            for frame in packet.decode():
                n += 1
                yield frame
    except av.FFmpegError as exc:
        if n == 0:
            raise
        warnings.warn(f"{path}: decoding stopped after {n} frames: {exc}", TruncatedMediaWarning, stacklevel=3)


def iter_frames(
    path: str | Path,
    *,
    fps: float = 10.0,
    longest_side: int = 640,
    threads: int = 0,
    skip_nonref: bool = False,
) -> Iterator[Frame]:
    """Yield frames of the clip at `path` at about `fps` frames/s.

    A source frame is taken when its timestamp reaches the next point of the analysis grid
    (0, 1/fps, 2/fps, ...); its own timestamp is reported, so variable frame rates are exact.
    Raises MediaError subclasses for unusable files; warns TruncatedMediaWarning when
    decoding stops early.
    """
    path = Path(path)
    step = 1.0 / fps
    with open_media(path) as container:
        if not container.streams.video:
            raise NoVideoStreamError(path, "has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.thread_count = threads
        rate = stream.average_rate or stream.guessed_rate
        if skip_nonref and rate and float(rate) >= 2 * fps:
            stream.codec_context.skip_frame = "NONREF"
        origin = clock_origin_s(container)
        next_t = 0.0
        last_t = -np.inf
        index = 0
        size = None
        for source_index, frame in enumerate(_decoded(container, stream, path)):
            if frame.pts is None:
                continue
            t = float(frame.pts * frame.time_base) - origin
            if t <= last_t or t < next_t - 1e-6:
                continue
            last_t = t
            next_t = (np.floor(t / step + 1e-6) + 1) * step
            if size is None:
                size = scaled_size(frame.width, frame.height, longest_side)
            image = frame.to_ndarray(width=size[0], height=size[1], format="rgb24", interpolation="AREA")
            yield Frame(t_s=t, index=index, source_index=source_index, image=rotate_image(image, frame.rotation or 0))
            index += 1

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

from extract.errors import MediaUnreadableError, NoVideoStreamError, TruncatedMediaWarning
from extract.media.container import clock_origin_s, declared_end_s, open_media, video_stream

TRUNCATION_SLACK_S = 0.5  # video ending more than this (or 3 frames) before its declared end warns
FORWARD_S = 5.0  # frames_at decodes on, instead of seeking, to a still at most this far ahead (s)


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


class _Decoded:
    """Decoded frames of `stream`, one at a time. Damage after the first frame becomes a
    TruncatedMediaWarning (the frames before it were delivered); a stream that yields no frame
    at all is a MediaUnreadableError. `n` and `last_t` describe what was decoded."""

    def __init__(self, container, stream, path: Path, origin: float):
        self.container, self.stream, self.path, self.origin = container, stream, path, origin
        self.n = 0
        self.last_t: float | None = None
        self.stopped_early = False

    def __iter__(self) -> Iterator[av.VideoFrame]:
        try:
            for packet in self.container.demux(self.stream):
                for frame in packet.decode():
                    self.n += 1
                    if frame.pts is not None:
                        t = float(frame.pts * frame.time_base) - self.origin
                        self.last_t = t if self.last_t is None else max(self.last_t, t)
                    yield frame
        except av.FFmpegError as exc:
            if self.n == 0:
                raise MediaUnreadableError(self.path, f"video stream cannot be decoded: {exc}") from None
            self.stopped_early = True
            warnings.warn(
                f"{self.path}: decoding stopped after {self.n} frames (t = {self.last_t or 0:.2f} s): {exc}",
                TruncatedMediaWarning,
                stacklevel=3,
            )
            return
        if self.n == 0:
            raise MediaUnreadableError(
                self.path, "video stream has no decodable frames (truncated or corrupt)"
            )

    def check_complete(self, container) -> None:
        """Warn when the last decoded frame falls well short of the declared end: some
        truncated files (faststart mp4, Matroska/WebM, AVI) just stop without any error."""
        if self.stopped_early or self.last_t is None:
            return
        end = declared_end_s(container, self.stream)
        if end is None:
            return
        rate = self.stream.average_rate or self.stream.guessed_rate
        interval = 1.0 / float(rate) if rate else 0.0
        shortfall = end - (self.last_t + interval)
        if shortfall > max(TRUNCATION_SLACK_S, 3 * interval):
            warnings.warn(
                f"{self.path}: video ends at {self.last_t:.2f} s but the file declares {end:.2f} s: "
                "the file looks truncated; frames up to the cut were delivered",
                TruncatedMediaWarning,
                stacklevel=3,
            )


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
    decoding stops early or the video ends well before the duration the file declares.
    """
    path = Path(path)
    step = 1.0 / fps
    with open_media(path) as container:
        stream = video_stream(container)
        if stream is None:
            raise NoVideoStreamError(path, "has no video stream")
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
        decoded = _Decoded(container, stream, path, origin)
        for source_index, frame in enumerate(decoded):
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
            yield Frame(
                t_s=t, index=index, source_index=source_index, image=rotate_image(image, frame.rotation or 0)
            )
            index += 1
        decoded.check_complete(container)


def frames_at(path: str | Path, times_s, *, longest_side: int = 640) -> list[Frame]:
    """The frame showing at each time in `times_s` (seconds on the container's clock, ascending):
    a seek to the keyframe before it, then decoding forward, so a few stills from a long clip cost
    a few GOPs, not the whole file; a time less than FORWARD_S after the previous still is reached
    by decoding on from there (a seek would decode again from the keyframe, often the clip's start
    in short clips). `index` is the position in `times_s`; `source_index` is -1
    (unknown after a seek)."""
    path = Path(path)
    out: list[Frame] = []
    with open_media(path) as container:
        stream = video_stream(container)
        if stream is None:
            raise NoVideoStreamError(path, "has no video stream")
        origin = clock_origin_s(container)
        decoded, last = None, None  # the open decoding pass and the last frame it gave
        for k, target in enumerate(times_s):
            last_t = None if last is None else float(last.pts * last.time_base) - origin
            if last_t is None or not last_t <= target - 1e-3 <= last_t + FORWARD_S:
                container.seek(int((target + origin) / stream.time_base), stream=stream, backward=True)
                decoded, last = container.decode(stream), None
            picked = last  # decoding forward from the last still: no seek back to a keyframe
            try:
                for frame in decoded:
                    if frame.pts is None:
                        continue
                    picked = last = frame
                    if float(frame.pts * frame.time_base) - origin >= target - 1e-3:
                        break
            except av.FFmpegError:
                pass  # damaged past this point: keep the last frame decoded
            if picked is None:
                continue
            size = scaled_size(picked.width, picked.height, longest_side)
            image = picked.to_ndarray(width=size[0], height=size[1], format="rgb24", interpolation="AREA")
            out.append(
                Frame(
                    t_s=float(picked.pts * picked.time_base) - origin,
                    index=k,
                    source_index=-1,
                    image=rotate_image(image, picked.rotation or 0),
                )
            )
    return out

"""Opening a media file with typed errors, and the clock shared by its streams."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import av

from extract.errors import MediaEmptyError, MediaMissingError, MediaUnreadableError


def check_file(path: str | Path) -> Path:
    """Raise a typed error if `path` is missing, not a regular file, or empty."""
    path = Path(path)
    if not path.exists():
        raise MediaMissingError(path, "file not found")
    if not path.is_file():
        raise MediaUnreadableError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise MediaEmptyError(path, "file is empty (zero bytes)")
    if not os.access(path, os.R_OK):
        raise MediaUnreadableError(path, "permission denied")
    return path


@contextmanager
def open_media(path: str | Path) -> Iterator[av.container.InputContainer]:
    """Open `path` for reading; FFmpeg failures become MediaUnreadableError naming the file."""
    path = check_file(path)
    try:
        container = av.open(str(path), mode="r")
    except av.FFmpegError as exc:
        raise MediaUnreadableError(
            path,
            f"cannot open as audio/video (truncated, corrupt or not a media file): {exc.strerror or exc}",
        ) from None
    try:
        if video_stream(container) is None and not container.streams.audio:
            raise MediaUnreadableError(path, "contains no audio or video stream")
        yield container
    finally:
        container.close()


def video_stream(container: av.container.InputContainer):
    """The first real video stream, or None. Cover art (an attached picture, as in many mp3
    and m4a files) is a single still image, not video, and is skipped."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None


def clock_origin_s(container: av.container.InputContainer) -> float:
    """Container start time (s). All stream times are reported relative to it, so audio and
    video share one clock that starts at 0."""
    start = container.start_time
    return 0.0 if start is None else start / av.time_base


def declared_end_s(
    container: av.container.InputContainer, stream, *, use_container: bool = True
) -> float | None:
    """Where the container says `stream` ends (s, on the clip clock), or None if it does not say.

    The stream's own duration (mp4, mov, avi) is preferred, so a longer audio track does not
    count for the video; AVI also declares its frame count in the header, which survives a cut
    that loses the index. Matroska/WebM files written by FFmpeg or mkvmerge carry a per-track
    DURATION tag (the track's end time). Otherwise only the container's duration (that of the
    longest stream) is declared; it is used when `use_container` is true.
    """
    origin = clock_origin_s(container)
    tb = stream.time_base
    start = float(stream.start_time * tb) - origin if stream.start_time is not None and tb else 0.0
    ends = []
    if stream.duration and tb:
        ends.append(start + float(stream.duration * tb))
    if stream.type == "video" and stream.frames and stream.average_rate:
        ends.append(start + stream.frames / float(stream.average_rate))
    tag = _parse_hms(stream.metadata.get("DURATION"))
    if not ends and tag is not None:
        ends.append(tag - origin)
    if not ends and use_container and container.duration:
        ends.append(container.duration / av.time_base)
    return max(ends) if ends else None


def _parse_hms(text: str | None) -> float | None:
    """Seconds from 'HH:MM:SS.fffffffff' (Matroska statistics tags), or None."""
    if not text:
        return None
    try:
        h, m, sec = text.strip().split(":")
        return int(h) * 3600 + int(m) * 60 + float(sec)
    except ValueError:
        return None

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
            path, f"cannot open as audio/video (truncated, corrupt or not a media file): {exc.strerror or exc}"
        ) from None
    try:
        if not container.streams.video and not container.streams.audio:
            raise MediaUnreadableError(path, "contains no audio or video stream")
        yield container
    finally:
        container.close()


def clock_origin_s(container: av.container.InputContainer) -> float:
    """Container start time (s). All stream times are reported relative to it, so audio and
    video share one clock that starts at 0."""
    start = container.start_time
    return 0.0 if start is None else start / av.time_base

"""Typed errors and warnings for bad inputs. Every message names the file and the problem."""

from __future__ import annotations

from pathlib import Path


class DyadscopeError(Exception):
    """Base class for errors a user can act on."""


class ConfigError(DyadscopeError):
    """A configuration file is missing, malformed, or names an unknown or mistyped key."""


class MediaError(DyadscopeError):
    """A media file cannot be used. `path` is the file, `problem` says what is wrong."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class MediaMissingError(MediaError, FileNotFoundError):
    """The file does not exist."""


class MediaEmptyError(MediaError):
    """The file has zero length."""


class MediaUnreadableError(MediaError):
    """The file exists but is not a media file we can open (corrupt, truncated header, wrong type)."""


class NoVideoStreamError(MediaError):
    """Video was needed but the file has no video stream."""


class NoAudioStreamError(MediaError):
    """Audio was needed but the file has no audio stream."""


class MediaWarning(UserWarning):
    """A problem that still leaves usable output."""


class NoAudioWarning(MediaWarning):
    """A video clip has no audio stream: video features still run, audio features will be missing."""


class TruncatedMediaWarning(MediaWarning):
    """Decoding stopped early: the frames before the damage were delivered."""

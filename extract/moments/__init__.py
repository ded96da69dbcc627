"""Positive moments for video feedback: find and rank them (find), write moments.csv and the
thumbnail stills (files), cut them out of the source clip as short MP4 excerpts (excerpt)."""

from extract.moments.excerpt import write_excerpt
from extract.moments.files import MOMENTS_CSV, MomentsFileError, read_moments, write_moments
from extract.moments.find import KINDS, MOMENT_COLUMNS, find_moments

__all__ = [
    "KINDS",
    "MOMENTS_CSV",
    "MOMENT_COLUMNS",
    "MomentsFileError",
    "find_moments",
    "read_moments",
    "write_excerpt",
    "write_moments",
]

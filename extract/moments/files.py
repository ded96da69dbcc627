"""moments.csv and the thumbnail stills of one clip: clips/<clip_id>/moments.csv (MOMENT_COLUMNS)
and clips/<clip_id>/moments/<rank>.jpg, one seek per moment (extract.media.frames_at)."""

from __future__ import annotations

from pathlib import Path

import cv2
import pandas as pd

from extract.errors import DyadscopeError, MediaError
from extract.media import frames_at
from extract.moments.find import MOMENT_COLUMNS
from extract.outputs import atomic_path, write_csv

MOMENTS_CSV = "moments.csv"
THUMB_DIR = "moments"
JPEG_QUALITY = 85


class MomentsFileError(DyadscopeError):
    """A moments.csv is missing or lacks the contract's columns."""


def write_thumbnails(
    clip_dir: Path, moments: pd.DataFrame, video: Path, *, longest_side: int
) -> pd.DataFrame:
    """Write moments/<rank>.jpg at each row's thumb_s; returns `moments` with `thumbnail` set to
    the path relative to clip_dir ('' where no frame could be read). Stale stills are removed."""
    folder = Path(clip_dir) / THUMB_DIR
    out = moments.copy()
    wanted = {f"{r}.jpg" for r in out["rank"]}
    if folder.is_dir():
        for old in folder.glob("*.jpg"):
            if old.name not in wanted:
                old.unlink()
    if not len(out):
        return out
    order = out.sort_values("thumb_s").index
    stills = frames_at(video, list(out.loc[order, "thumb_s"]), longest_side=longest_side)
    for frame in stills:
        row = order[frame.index]
        name = f"{out.at[row, 'rank']}.jpg"
        ok, data = cv2.imencode(
            ".jpg", cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
        )
        if ok:
            with atomic_path(folder / name) as tmp:
                tmp.write_bytes(data.tobytes())
            out.at[row, "thumbnail"] = f"{THUMB_DIR}/{name}"
    return out


def write_moments(
    clip_dir: Path, moments: pd.DataFrame, *, video: Path | None, thumbnail_px: int
) -> tuple[pd.DataFrame, list[str]]:
    """Write clip_dir/moments.csv (and the stills when `video` is given and thumbnail_px > 0).
    Returns (the table as written, notes)."""
    notes: list[str] = []
    if video is not None and thumbnail_px > 0:
        try:
            moments = write_thumbnails(clip_dir, moments, video, longest_side=thumbnail_px)
        except MediaError as exc:  # the moments are fine; only the stills could not be read again
            notes.append(f"no moment thumbnails: {exc}")
    table = moments[MOMENT_COLUMNS]
    write_csv(Path(clip_dir) / MOMENTS_CSV, table)
    return table, notes


def read_moments(clip_dir: Path) -> pd.DataFrame:
    """clips/<clip_id>/moments.csv with the contract's columns (thumbnail '' where none)."""
    path = Path(clip_dir) / MOMENTS_CSV
    if not path.is_file():
        raise MomentsFileError(f"{path}: no moments file (run 'dyadscope extract' with this version)")
    table = pd.read_csv(path, keep_default_na=False, na_values={"start_s": [""], "end_s": [""]})
    missing = [c for c in MOMENT_COLUMNS if c not in table.columns]
    if missing:
        raise MomentsFileError(f"{path}: missing columns {missing}")
    return table

"""The role check sheet: one PNG per clip (`clips/<clip_id>/roles.png`) with a few frames, each
face boxed and labelled with its role and the clip's role confidence, and a row of face crops per
person, so a reviewer confirms or flips the roles in seconds (fix: roles.csv, see roles_fix.py)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from extract.media import frames_at
from extract.outputs import atomic_path
from extract.vocab import ROLES

COLOURS = {"adult": (255, 140, 0), "infant": (0, 170, 255)}  # RGB
FRAME_W = 400  # each frame's width on the sheet (px)
CROP_PX = 96
N_FRAMES, N_CROPS = 3, 4


def sheet_times(table: pd.DataFrame, n: int) -> list[float]:
    """Up to n analysis times spread over the clip, preferring frames where both faces were found."""
    found = [table[f"{r}.face_found"].to_numpy(float) == 1 for r in ROLES]
    for rows in (np.flatnonzero(found[0] & found[1]), np.flatnonzero(found[0] | found[1])):
        if len(rows):
            picks = rows[np.unique(((np.arange(n) + 0.5) / n * len(rows)).astype(int))]
            return [float(table.t_s.iat[i]) for i in picks]
    return []


def _label(img: np.ndarray, text: str, org: tuple[int, int], colour) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA)


def _row_at(table: pd.DataFrame, t: float) -> pd.Series:
    return table.iloc[int(np.argmin(np.abs(table.t_s.to_numpy(float) - t)))]


def draw_sheet(
    stills: list[tuple[float, np.ndarray]], table: pd.DataFrame, *, title: str, confidence: float
) -> np.ndarray:
    """The sheet (RGB uint8): a title band, the stills with boxed, labelled faces, then up to
    N_CROPS face crops per role. stills: (t_s, RGB frame) at analysis times of `table`."""
    tiles, crops = [], {r: [] for r in ROLES}
    for t, image in stills:
        h, w = image.shape[:2]
        scale = FRAME_W / w
        tile = cv2.resize(image, (FRAME_W, int(round(h * scale))), interpolation=cv2.INTER_AREA)
        row = _row_at(table, t)
        for role in ROLES:
            if row[f"{role}.face_found"] != 1:
                continue
            cx, cy, fw, fh = (row[f"{role}.face_{k}"] for k in ("x", "y", "w", "h"))
            x0, y0, x1, y1 = (
                int(round(v))
                for v in ((cx - fw / 2) * w, (cy - fh / 2) * h, (cx + fw / 2) * w, (cy + fh / 2) * h)
            )
            crop = image[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
            if crop.size:
                crops[role].append(cv2.resize(crop, (CROP_PX, CROP_PX), interpolation=cv2.INTER_AREA))
            p0, p1 = (int(x0 * scale), int(y0 * scale)), (int(x1 * scale), int(y1 * scale))
            cv2.rectangle(tile, p0, p1, COLOURS[role], 2)
            _label(
                tile,
                f"{role} {confidence:.2f}",
                (min(p0[0], FRAME_W - 96), max(12, p0[1] - 4)),
                COLOURS[role],
            )
        _label(tile, f"t = {t:.1f} s", (4, tile.shape[0] - 6), (255, 255, 255))
        tiles.append(tile)
    tile_h = max((t.shape[0] for t in tiles), default=int(FRAME_W * 0.75))
    top = np.full((tile_h, max(1, len(tiles)) * FRAME_W, 3), 32, np.uint8)
    for k, tile in enumerate(tiles):
        top[: tile.shape[0], k * FRAME_W : k * FRAME_W + FRAME_W] = tile
    band = np.full((44, top.shape[1], 3), 255, np.uint8)
    for k, line in enumerate(title.split("\n")[:2]):
        cv2.putText(band, line, (6, 18 + 20 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    faces = np.full((CROP_PX + 20, top.shape[1], 3), 255, np.uint8)
    x = 4
    for role in ROLES:
        for crop in crops[role][:N_CROPS]:
            if x + CROP_PX > faces.shape[1]:
                break
            faces[18 : 18 + CROP_PX, x : x + CROP_PX] = crop
            cv2.rectangle(faces, (x, 18), (x + CROP_PX - 1, 18 + CROP_PX - 1), COLOURS[role], 2)
            x += CROP_PX + 4
        _label(faces, role, (x - (CROP_PX + 4) * min(len(crops[role]), N_CROPS) + 2, 14), COLOURS[role])
        x += 12
    return np.vstack([band, top, faces])


def write_role_sheet(
    media_path: str | Path,
    table: pd.DataFrame,
    out_png: str | Path,
    *,
    clip_id: str,
    qc: dict,
    longest_side: int,
) -> Path | None:
    """Write the sheet for one clip (atomically); None when no face was found (no sheet)."""
    times = sheet_times(table, N_FRAMES)
    if not times:
        return None
    stills = [(f.t_s, f.image) for f in frames_at(media_path, times, longest_side=longest_side)]
    conf, cue = qc.get("role_confidence", float("nan")), qc.get("role_cue", "")
    title = (
        f"{clip_id}: roles by {cue}, confidence {conf:.2f}\n"
        "Wrong? In roles.csv set swap = 1 (or infant_side = left|right|top|bottom) for this clip; run again."
    )
    sheet = draw_sheet(stills, table, title=title, confidence=conf)
    ok, png = cv2.imencode(".png", cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    if not ok:
        raise OSError(f"{out_png}: could not encode the role sheet")
    with atomic_path(out_png) as tmp:
        tmp.write_bytes(png.tobytes())
    return Path(out_png)

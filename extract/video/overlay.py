"""Overlay video: the analysis frames with each role's face box, label and landmarks drawn, and
(when the table has them) each role's vocal type and affect in a status line.

A second decoding pass (roles are known only after the whole clip), encoded with PyAV/libx264;
frame times are the analysis frames' container times (VFR-safe).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pandas as pd

from extract.video.body_signals import OVERLAY_EDGES

COLOURS = {"adult": (255, 140, 0), "infant": (0, 200, 255)}  # RGB


def status_text(row: pd.Series, role: str) -> str:
    """'infant: laugh, positive' from the row's <role>.vocal_type and <role>.affect ('' when neither
    says anything: silent and neutral or unknown)."""
    parts = [str(row.get(f"{role}.vocal_type", "") or "")]
    affect = str(row.get(f"{role}.affect", "") or "")
    parts.append(affect if affect in ("positive", "negative") else "")
    parts = [p for p in parts if p]
    return f"{role}: {', '.join(parts)}" if parts else ""


def draw_frame(image: np.ndarray, row: pd.Series, landmarks: dict, *, role_confidence: float) -> np.ndarray:
    """image (H, W, 3) RGB uint8 -> a copy with boxes, role labels, face and pose landmarks.
    row: one frames.parquet row; landmarks: role -> {'face': (k, 2), 'pose': (33, 3)} px."""
    out = image.copy()
    h, w = out.shape[:2]
    for role, colour in COLOURS.items():
        lms = landmarks.get(role, {})
        if "pose" in lms:
            pts = lms["pose"]
            for a, b in OVERLAY_EDGES:
                if pts[a, 2] > 0.5 and pts[b, 2] > 0.5:
                    cv2.line(
                        out,
                        tuple(int(v) for v in pts[a, :2]),
                        tuple(int(v) for v in pts[b, :2]),
                        colour,
                        2,
                        cv2.LINE_AA,
                    )
        if "face" in lms:
            for x, y in lms["face"]:
                cv2.circle(out, (int(x), int(y)), 1, (255, 255, 255), -1, cv2.LINE_AA)
        if row.get(f"{role}.face_found", 0) == 1:
            cx, cy, fw, fh = (row[f"{role}.face_{k}"] for k in ("x", "y", "w", "h"))
            p0 = (int((cx - fw / 2) * w), int((cy - fh / 2) * h))
            p1 = (int((cx + fw / 2) * w), int((cy + fh / 2) * h))
            cv2.rectangle(out, p0, p1, colour, 2)
            label = f"{role} {role_confidence:.2f}" if np.isfinite(role_confidence) else role
            cv2.putText(
                out,
                label,
                (p0[0], max(12, p0[1] - 5)),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.45,
                colour,
                1,
                cv2.LINE_AA,
            )
    for k, role in enumerate(COLOURS):
        status = status_text(row, role)
        if status:
            cv2.putText(
                out, status, (5, 16 + 16 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.45, COLOURS[role], 1, cv2.LINE_AA
            )
    cv2.putText(
        out,
        f"t={row['t_s']:.2f}s",
        (5, h - 8),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.4,
        (255, 255, 255),
        1,
        cv2.LINE_AA,
    )
    return out


def write_overlay(
    frames, table: pd.DataFrame, landmarks: dict, path: str | Path, *, role_confidence: float, crf: int = 28
) -> Path:
    """frames: iterable of extract.media.Frame (the same analysis frames as `table`'s rows);
    landmarks: (frame index, role) -> {'face', 'pose'} px. Writes H.264 MP4 at `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.mp4")
    tb = Fraction(1, 1000)
    last_pts = -1
    with av.open(str(tmp), mode="w") as container:
        stream = None
        for frame, (_, row) in zip(frames, table.iterrows(), strict=False):
            img = frame.image
            if stream is None:
                stream = container.add_stream("libx264", rate=30)
                stream.width, stream.height = img.shape[1] // 2 * 2, img.shape[0] // 2 * 2
                stream.pix_fmt = "yuv420p"
                stream.codec_context.time_base = tb
                stream.time_base = tb
                stream.codec_context.options = {"crf": str(crf), "preset": "veryfast", "threads": "1"}
            drawn = draw_frame(
                img,
                row,
                {r: landmarks[(frame.index, r)] for r in COLOURS if (frame.index, r) in landmarks},
                role_confidence=role_confidence,
            )
            vf = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(drawn[: stream.height, : stream.width]), format="rgb24"
            )
            pts = max(last_pts + 1, int(round(frame.t_s / tb)))
            vf.pts, vf.time_base = pts, tb
            last_pts = pts
            container.mux(stream.encode(vf))
        if stream is not None:
            container.mux(stream.encode(None))
    tmp.replace(path)
    return path

"""Face detection stage: the faces of one analysis frame, in whole-frame normalised coordinates.

Per layout region (the whole frame, or each half of a split screen) the full-range detector
runs first; where it finds fewer faces than people, the short-range second pass looks in
overlapping strips of the region, then in squares around established tracks no face covers,
then the full-range detector looks again at the region padded with black (faces cut by the
frame border). Each face keeps the detector's six keypoints (eyes, nose tip, mouth,
ear tragions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from extract.config import FacesConfig
from extract.video.geometry import duplicates, layout_regions, strips

RESCUE_MIN_HITS = (
    5  # second-pass squares only around tracks seen in at least this many frames (not brief phantoms)
)
N_KEYPOINTS = (
    6  # BlazeFace: right eye, left eye, nose tip, mouth centre, right ear, left ear (subject's sides)
)
PASS_MAIN, PASS_CLOSE, PASS_EDGE = 0.0, 1.0, 2.0
EDGE_MARGIN_FW = (
    0.1  # the padded pass keeps only faces whose box comes this close to the border (face widths)
)


@dataclass(frozen=True)
class FrameFaces:
    """dets (n, 6): cx, cy, w, h, score, pass (0 main, 1 short-range, 2 padded edge), whole-frame
    normalised; region (n,) the layout region each face was found in; regions: pixel (x0, y0, x1, y1)
    per region; keypoints (n, 6, 2) the detector's keypoints, whole-frame normalised (nan when the
    backend gives none)."""

    dets: np.ndarray
    region: np.ndarray
    regions: list[tuple[int, int, int, int]]
    keypoints: np.ndarray | None = None

    def __post_init__(self):
        if self.keypoints is None:
            object.__setattr__(self, "keypoints", np.full((len(self.dets), N_KEYPOINTS, 2), np.nan))

    @property
    def split(self) -> bool:
        return len(self.regions) > 1

    def boxes_px(self, width: int, height: int) -> list[tuple[int, int, int, int]]:
        return [
            (
                int(round((d[0] - d[2] / 2) * width)),
                int(round((d[1] - d[3] / 2) * height)),
                int(round((d[0] + d[2] / 2) * width)),
                int(round((d[1] + d[3] / 2) * height)),
            )
            for d in self.dets
        ]


class FaceDetection:
    """Both detection passes over one frame. Built from the `faces` section; `layout`
    (roles.layout), `max_people` (tracking.max_people) and `gate_growth_fw`
    (tracking.gate_growth_fw, how fast a missing track's rescue square widens) come from theirs."""

    def __init__(
        self,
        cfg: FacesConfig,
        *,
        backend,
        layout: str = "single",
        max_people: int = 2,
        gate_growth_fw: float = 0.15,
    ):
        self.cfg, self.backend = cfg, backend
        self.layout, self.max_people, self.gate_growth_fw = layout, max_people, gate_growth_fw

    @classmethod
    def from_config(
        cls, cfg: FacesConfig, *, backend, layout: str, max_people: int, gate_growth_fw: float
    ) -> FaceDetection:
        return cls(cfg, backend=backend, layout=layout, max_people=max_people, gate_growth_fw=gate_growth_fw)

    def detect(self, image: np.ndarray, *, tracks: Sequence = ()) -> FrameFaces:
        """image (H, W, 3) RGB uint8; tracks: the tracker's live tracks (for the rescue squares).

        Split layouts: at most one face per half, and a second-pass face counts only when
        confident (no tracks to continue)."""
        h, w = image.shape[:2]
        regions = layout_regions(width=w, height=h, layout=self.layout)
        split = len(regions) > 1
        per_region = [
            self.detect_region(
                image,
                r,
                keep=1 if split else self.cfg.max_faces,
                need=1 if split else self.max_people,
                tracks=tracks,
            )
            for r in regions
        ]
        if split:
            per_region = [
                d[(d[:, 5] == PASS_MAIN) | (d[:, 4] >= self.cfg.short_range_new_confidence)]
                for d in per_region
            ]
        both = np.concatenate(per_region) if per_region else np.zeros((0, 6 + 2 * N_KEYPOINTS))
        region = np.concatenate([np.full(len(d), k) for k, d in enumerate(per_region)]).astype(int)
        return FrameFaces(
            dets=both[:, :6],
            region=region,
            regions=regions,
            keypoints=both[:, 6:].reshape(-1, N_KEYPOINTS, 2),
        )

    def detect_region(
        self,
        image: np.ndarray,
        region: tuple[int, int, int, int],
        *,
        keep: int,
        need: int,
        tracks: Sequence = (),
    ) -> np.ndarray:
        """Face detections in `region` of the frame, in whole-frame normalised coordinates:
        (n, 6 + 12) cx, cy, w, h, score, pass (0 main, 1 short-range, 2 padded edge), then the six
        keypoints' x, y; at most `keep`, narrower than min_face_width dropped; the main detector's
        faces best first, then the later passes'.

        Second pass, only where the main (full-range) detector finds fewer than `need` faces: the
        short-range detector looks again in faces.short_range_strips overlapping strips of the
        region (close, large or turned faces the full-range model misses), then in a square of
        faces.rescue_side_fw face widths around each established track (seen in at least
        RESCUE_MIN_HITS frames) that no face covers yet, where the face is large in the
        detector's input. Last, while faces are still missing, the full-range detector looks at
        the region padded by faces.edge_pad of its size on every side (black), where a face cut by
        the border no longer touches it; only faces centred inside the region whose box reaches the
        border count.
        Faces not already there are added."""
        dets = _with_pass(self._run_detector(self.backend.detect_faces, image, region, keep=keep), PASS_MAIN)
        if len(dets) >= need:
            return dets
        close = getattr(self.backend, "detect_close_faces", None)
        looks = strips(region, self.cfg.short_range_strips) if self.cfg.short_range_strips and close else []
        for look in looks + ["tracks", "edge"]:
            if look in ("tracks", "edge") and len(dets) >= need:  # every strip runs; later looks if needed
                break
            if look == "tracks":
                squares = self.rescue_squares(image, region, dets, tracks) if close else []
                extra = [self._run_detector(close, image, sq, keep=1) for sq in squares]
                extra, kind = np.concatenate(extra) if extra else np.zeros((0, 17)), PASS_CLOSE
            elif look == "edge":
                extra, kind = self._padded(image, region, keep=keep), PASS_EDGE
            else:
                extra, kind = self._run_detector(close, image, look, keep=keep), PASS_CLOSE
            for d in extra[np.argsort(-extra[:, 4], kind="stable")]:
                if len(dets) < keep and not duplicates(d, dets):
                    dets = np.vstack([dets, _with_pass(d[None], kind)])
        return dets

    def _padded(self, image: np.ndarray, region: tuple[int, int, int, int], *, keep: int) -> np.ndarray:
        """The full-range detector on `region` padded by faces.edge_pad of its size per side (black);
        faces centred outside the region dropped. (n, 17) like _run_detector."""
        if not self.cfg.edge_pad:
            return np.zeros((0, 17))
        x0, y0, x1, y1 = region
        px, py = int(round(self.cfg.edge_pad * (x1 - x0))), int(round(self.cfg.edge_pad * (y1 - y0)))
        padded = cv2.copyMakeBorder(  # black, like the letterbox MediaPipe itself pads its input with
            np.ascontiguousarray(image[y0:y1, x0:x1]), py, py, px, px, cv2.BORDER_CONSTANT, value=(0, 0, 0)
        )
        h, w = image.shape[:2]
        dets = self._run_detector(
            self.backend.detect_faces, padded, (0, 0, padded.shape[1], padded.shape[0]), keep=keep
        )
        _to_frame(
            dets, shift=((x0 - px) / w, (y0 - py) / h), scale=(padded.shape[1] / w, padded.shape[0] / h)
        )
        inside = (
            (dets[:, 0] >= x0 / w) & (dets[:, 0] <= x1 / w) & (dets[:, 1] >= y0 / h) & (dets[:, 1] <= y1 / h)
        )
        # only faces the border cuts: the box reaches within EDGE_MARGIN_FW face widths of it
        mx, my = EDGE_MARGIN_FW * dets[:, 2], EDGE_MARGIN_FW * dets[:, 2] * w / h
        at_edge = (
            (dets[:, 0] - dets[:, 2] / 2 <= x0 / w + mx)
            | (dets[:, 0] + dets[:, 2] / 2 >= x1 / w - mx)
            | (dets[:, 1] - dets[:, 3] / 2 <= y0 / h + my)
            | (dets[:, 1] + dets[:, 3] / 2 >= y1 / h - my)
        )
        return dets[inside & at_edge & (dets[:, 2] >= self.cfg.min_face_width)]

    def rescue_squares(
        self, image: np.ndarray, region: tuple[int, int, int, int], dets: np.ndarray, tracks: Sequence
    ) -> list:
        """Pixel squares (x0, y0, x1, y1) inside `region` around established tracks no detection covers:
        faces.rescue_side_fw face widths, widening by gate_growth_fw face widths on each side
        per frame the track has been missing."""
        if not self.cfg.rescue_side_fw:
            return []
        h, w = image.shape[:2]
        rx0, ry0, rx1, ry1 = region
        out = []
        for tr in tracks:
            if tr.hits < RESCUE_MIN_HITS or duplicates(np.r_[tr.box, 1.0], dets):
                continue
            cx, cy, fw = tr.box[0] * w, tr.box[1] * h, tr.box[2] * w
            half = fw * (self.cfg.rescue_side_fw / 2 + self.gate_growth_fw * tr.missed)
            x0, y0 = int(max(rx0, cx - half)), int(max(ry0, cy - half))
            x1, y1 = int(min(rx1, cx + half)), int(min(ry1, cy + half))
            if x1 - x0 >= 16 and y1 - y0 >= 16:
                out.append((x0, y0, x1, y1))
        return out

    def _run_detector(
        self, detect, image: np.ndarray, region: tuple[int, int, int, int], *, keep: int
    ) -> np.ndarray:
        """(n, 17): cx, cy, w, h, score, then the keypoints' x, y (nan when the backend gives only
        boxes), whole-frame normalised."""
        h, w = image.shape[:2]
        x0, y0, x1, y1 = region
        whole = (x0, y0, x1, y1) == (0, 0, w, h)
        raw = np.asarray(detect(image if whole else np.ascontiguousarray(image[y0:y1, x0:x1])), float)
        raw = raw.reshape(len(raw), -1) if raw.size else np.zeros((0, 5))
        dets = np.full((len(raw), 17), np.nan)
        dets[:, : raw.shape[1]] = raw[:, :17]
        if not whole:
            _to_frame(dets, shift=(x0 / w, y0 / h), scale=((x1 - x0) / w, (y1 - y0) / h))
        dets = dets[np.argsort(-dets[:, 4])][:keep]
        return dets[dets[:, 2] >= self.cfg.min_face_width]


def _to_frame(dets: np.ndarray, *, shift: tuple[float, float], scale: tuple[float, float]) -> None:
    """Map (n, 17) detector rows from a sub-image's normalised coordinates to the frame's, in place:
    x -> shift_x + x * scale_x for the centre and keypoints, widths times scale (likewise y)."""
    xs, ys = [0, *range(5, 17, 2)], [1, *range(6, 17, 2)]
    dets[:, xs] = shift[0] + dets[:, xs] * scale[0]
    dets[:, ys] = shift[1] + dets[:, ys] * scale[1]
    dets[:, 2] *= scale[0]
    dets[:, 3] *= scale[1]


def _with_pass(dets: np.ndarray, kind: float) -> np.ndarray:
    """(n, 17) detector rows -> (n, 18) cx, cy, w, h, score, pass, keypoints."""
    return np.column_stack([dets[:, :5], np.full(len(dets), kind), dets[:, 5:17]])

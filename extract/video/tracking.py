"""Online association of face detections to tracks: position, size and appearance.

A track survives `max_missed` analysis frames without a detection (a hand over the face in
peekaboo), with a position gate that widens while it is missing. Identity across longer gaps
and swaps are settled offline in `identities.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from extract.config import TrackingConfig
from extract.video.appearance import histogram_distance

BIG = 1e6


def association_costs(
    track_boxes: np.ndarray,
    track_hists: np.ndarray,
    track_missed: np.ndarray,
    det_boxes: np.ndarray,
    det_hists: np.ndarray,
    *,
    aspect: float,
    gate_fw: float,
    gate_growth_fw: float,
    max_size_ratio: float,
    appearance_weight: float,
    size_weight: float,
) -> np.ndarray:
    """Cost of giving detection j to track i; BIG where gated out.

    track_boxes (T, 4), det_boxes (D, 4): cx, cy, w, h normalised; hists (T|D, K);
    track_missed (T,) frames since last seen; aspect = frame height / width.
    Position distance is in face widths (frame-width units); the gate is
    `gate_fw + gate_growth_fw * missed` face widths. Returns (T, D)."""
    costs = np.full((len(track_boxes), len(det_boxes)), BIG)
    for i, (tb, th, missed) in enumerate(zip(track_boxes, track_hists, track_missed, strict=False)):
        for j, (db, dh) in enumerate(zip(det_boxes, det_hists, strict=False)):
            fw = max(tb[2], db[2], 1e-6)
            pos = float(np.hypot(db[0] - tb[0], (db[1] - tb[1]) * aspect)) / fw
            size = abs(float(np.log(max(db[2], 1e-6) / max(tb[2], 1e-6))))
            if pos > gate_fw + gate_growth_fw * missed or size > np.log(max_size_ratio):
                continue
            costs[i, j] = pos + size_weight * size + appearance_weight * histogram_distance(th, dh)
    return costs


def assign(costs: np.ndarray) -> list[tuple[int, int]]:
    """Minimum-cost (track, detection) pairs, leaving out gated pairs. costs (T, D)."""
    if costs.size == 0:
        return []
    rows, cols = linear_sum_assignment(costs)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=False) if costs[r, c] < BIG]


@dataclass
class Track:
    track_id: int
    box: np.ndarray  # (4,) cx, cy, w, h normalised
    hist: np.ndarray  # (K,)
    missed: int = 0
    hits: int = 1


HIST_MOMENTUM = 0.9  # share of a track's colour histogram kept at each update


class Tracker:
    """Thin state around `association_costs` + `assign`: live tracks and the next id."""

    def __init__(
        self,
        *,
        max_tracks: int,
        max_missed: int,
        gate_fw: float,
        gate_growth_fw: float,
        max_size_ratio: float,
        appearance_weight: float,
        size_weight: float,
        hist_momentum: float = HIST_MOMENTUM,
    ):
        """Built by `from_config` (the tracking section holds the defaults)."""
        self.max_tracks = max_tracks
        self.max_missed = max_missed
        self.params = dict(
            gate_fw=gate_fw,
            gate_growth_fw=gate_growth_fw,
            max_size_ratio=max_size_ratio,
            appearance_weight=appearance_weight,
            size_weight=size_weight,
        )
        self.hist_momentum = hist_momentum
        self.tracks: list[Track] = []
        self._next_id = 0

    @classmethod
    def from_config(cls, cfg: TrackingConfig, *, fps: float) -> Tracker:
        """One track more than tracking.max_people (room for a phantom); tracking.max_missed_s at `fps`
        analysis frames."""
        return cls(
            max_tracks=cfg.max_people + 1,
            max_missed=int(round(cfg.max_missed_s * fps)),
            gate_fw=cfg.gate_fw,
            gate_growth_fw=cfg.gate_growth_fw,
            max_size_ratio=cfg.max_size_ratio,
            appearance_weight=cfg.appearance_weight,
            size_weight=cfg.size_weight,
        )

    def update(
        self,
        det_boxes: np.ndarray,
        det_hists: np.ndarray,
        *,
        aspect: float,
        may_open: np.ndarray | None = None,
    ) -> dict[int, int]:
        """One frame's detections (D, 4+) and histograms (D, K) -> {detection index: track id}.
        A detection that joins no track opens a new one only where `may_open` (D,) is true
        (default: all); the others are left out of the result."""
        det_boxes = np.asarray(det_boxes, float)[:, :4] if len(det_boxes) else np.zeros((0, 4))
        costs = association_costs(
            np.array([t.box for t in self.tracks]).reshape(-1, 4),
            [t.hist for t in self.tracks],
            np.array([t.missed for t in self.tracks]),
            det_boxes,
            det_hists,
            aspect=aspect,
            **self.params,
        )
        out = self._continue(assign(costs), det_boxes, det_hists)
        for dj in range(len(det_boxes)):
            if (
                dj in out
                or len(self.tracks) >= self.max_tracks
                or (may_open is not None and not may_open[dj])
            ):
                continue
            track = Track(self._next_id, det_boxes[dj].copy(), det_hists[dj].copy())
            self._next_id += 1
            self.tracks.append(track)
            out[dj] = track.track_id
        return out

    def follow(self, track_ids: list[int], det_boxes: np.ndarray, det_hists: np.ndarray) -> dict[int, int]:
        """A frame where no detector ran: box j (cx, cy, w, h+) continues track track_ids[j] (read off
        that person's own face mesh); the other tracks count a miss. -> {box index: track id}."""
        index = {t.track_id: i for i, t in enumerate(self.tracks)}
        pairs = [(index[tid], j) for j, tid in enumerate(track_ids)]
        return self._continue(pairs, np.asarray(det_boxes, float)[:, :4], det_hists)

    def _continue(self, pairs, det_boxes: np.ndarray, det_hists: np.ndarray) -> dict[int, int]:
        """Give detection j to track i for each (i, j); the other tracks count a miss; drop the lost."""
        out: dict[int, int] = {}
        matched_tracks = set()
        for ti, dj in pairs:
            track = self.tracks[ti]
            track.box = det_boxes[dj].copy()
            m = self.hist_momentum
            track.hist = (
                m * track.hist + (1 - m) * det_hists[dj] if track.hist.sum() > 0 else det_hists[dj].copy()
            )
            track.missed = 0
            track.hits += 1
            matched_tracks.add(ti)
            out[dj] = track.track_id
        for ti, track in enumerate(self.tracks):
            if ti not in matched_tracks:
                track.missed += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.max_missed]
        return out

"""VideoExtractor: the per-clip loop. Feed analysis frames one at a time, then `finish()`.

Per frame: full-range face detection on the whole frame (and, when it finds fewer faces than
people, a short-range second pass in strips and around missed tracks); online tracking; per tracked face a
square crop (smoothed) for face mesh; every `pose.every_n_frames` frames one pose tracker per
person on a region around that person; motion energy per person region. Only numbers are
kept per frame (and, for the overlay, a few landmarks), so memory grows by kilobytes per
minute, never by images. `finish()` resolves identities and roles over the whole clip and
returns the role-prefixed table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from extract.video.appearance import HIST_SIZE, colour_histogram
from extract.video.backend import MediaPipeSolutions
from extract.video.body_signals import BODY_MEASURES, L_SHOULDER, R_SHOULDER, body_measures
from extract.video.columns import FRAME_COLUMNS, ROLES
from extract.video.dyad import dyad_measures
from extract.video.face_signals import FACE_MEASURES, OVERLAY_POINTS, eye_spacing_ratio, face_measures, landmark_speed
from extract.video.geometry import duplicates, layout_regions, person_region, square_crop, strips, to_image
from extract.video.identities import IdentityResult, resolve_identities
from extract.video.motion import grey_small, motion_energy
from extract.video.qc import video_qc
from extract.video.roles import assign_roles
from extract.video.tracking import Tracker

log = logging.getLogger(__name__)

POSE_COLUMNS = ("pose_found",) + BODY_MEASURES
RESCUE_MIN_HITS = 5  # second-pass squares only around tracks seen in at least this many frames (not brief phantoms)
FRONTAL_YAW_DEG = 25.0  # face proportions (role cue) only from faces turned less than this


@dataclass
class VideoResult:
    table: pd.DataFrame  # one row per analysis frame: t_s, source_frame, adult.*, infant.*, dyad.*
    qc: dict  # QC figures (see qc.video_qc)
    notes: list[str]  # QC warnings
    landmarks: dict = field(default_factory=dict, repr=False)  # (frame, role) -> {'face': (k, 2), 'pose': (33, 3)} px


class VideoExtractor:
    """State for one clip: the backend's models, the tracker, per-track crops and previous landmarks."""

    def __init__(self, *, faces, tracking, pose, motion, roles, dyad, qc, fps: float = 10.0, keep_landmarks: bool = False,
                 backend=None):
        self.faces, self.tracking, self.pose_cfg, self.motion_cfg = faces, tracking, pose, motion
        self.roles_cfg, self.dyad_cfg, self.qc_cfg = roles, dyad, qc
        self.keep_landmarks = keep_landmarks
        self.backend = backend or MediaPipeSolutions(
            detector_range=faces.detector_range, min_detection_confidence=faces.min_detection_confidence,
            min_mesh_confidence=faces.min_mesh_confidence, min_pose_confidence=pose.min_confidence,
            refine_landmarks=True)
        self._rows: list[dict] = []
        self._hists: list[np.ndarray] = []
        self._frames: list[tuple[float, int]] = []
        self._landmarks: dict = {}
        self._crop: dict[int, np.ndarray] = {}  # track -> smoothed (cx, cy, side) px
        self._prev_lm: dict[int, tuple[int, float, np.ndarray]] = {}  # track -> (frame, t, landmarks)
        self._slots: dict[int, int] = {}  # track -> model slot
        self._prev_grey: np.ndarray | None = None
        self._size: tuple[int, int] | None = None
        self._tracker = Tracker(max_tracks=tracking.max_people + 1, max_missed=int(round(tracking.max_missed_s * fps)),
                                gate_fw=tracking.gate_fw, gate_growth_fw=tracking.gate_growth_fw,
                                max_size_ratio=tracking.max_size_ratio, appearance_weight=tracking.appearance_weight,
                                size_weight=tracking.size_weight)

    @classmethod
    def from_config(cls, cfg, *, keep_landmarks: bool = False, backend=None) -> "VideoExtractor":
        """Build from the whole `Config` (sections faces, tracking, pose, motion, roles, dyad, qc)."""
        return cls(faces=cfg.faces, tracking=cfg.tracking, pose=cfg.pose, motion=cfg.motion, roles=cfg.roles, dyad=cfg.dyad,
                   qc=cfg.qc, fps=cfg.video.analysis_fps, keep_landmarks=keep_landmarks, backend=backend)

    # ------------------------------------------------------------------ per frame

    def _slot(self, track_id: int, live: set[int]) -> int:
        for t in [t for t in self._slots if t not in live]:
            del self._slots[t]
            self._crop.pop(t, None)
            self._prev_lm.pop(t, None)
        if track_id not in self._slots:
            used = set(self._slots.values())
            self._slots[track_id] = next(s for s in range(len(used) + 1) if s not in used)
        return self._slots[track_id]

    def _detect(self, image: np.ndarray, region: tuple[int, int, int, int], *, keep: int, need: int) -> np.ndarray:
        """Face detections in `region` of the frame, in whole-frame normalised coordinates:
        (n, 6) cx, cy, w, h, score, pass (0 main, 1 second), at most `keep`, narrower than
        min_face_width dropped; the main detector's faces best first, then the second pass's.

        Second pass, only where the main (full-range) detector finds fewer than `need` faces: the
        short-range detector looks again in faces.short_range_strips overlapping strips of the
        region (close, large or turned faces the full-range model misses), then in a square of
        faces.rescue_side_fw face widths around each established track (seen in at least
        RESCUE_MIN_HITS frames) that no face covers yet, where the face is large in the
        detector's input. Faces not already there are added."""
        dets = self._run_detector(self.backend.detect_faces, image, region, keep=keep)
        dets = np.column_stack([dets, np.zeros(len(dets))])
        close = getattr(self.backend, "detect_close_faces", None)
        if len(dets) >= need or close is None:
            return dets
        looks = strips(region, self.faces.short_range_strips) if self.faces.short_range_strips else []
        for look in looks + [None]:
            if look is None:  # after the strips: the squares around uncovered tracks
                looks_at_tracks = self._rescue_squares(image, region, dets)
                if len(dets) >= need or not looks_at_tracks:
                    break
                extra = np.concatenate([self._run_detector(close, image, sq, keep=1) for sq in looks_at_tracks])
            else:
                extra = self._run_detector(close, image, look, keep=keep)
            for d in extra[np.argsort(-extra[:, 4], kind="stable")]:
                if len(dets) < keep and not duplicates(d, dets):
                    dets = np.vstack([dets, [*d, 1.0]])
        return dets

    def _rescue_squares(self, image: np.ndarray, region: tuple[int, int, int, int], dets: np.ndarray) -> list:
        """Pixel squares (x0, y0, x1, y1) inside `region` around established tracks no detection covers:
        faces.rescue_side_fw face widths, widening by tracking.gate_growth_fw face widths on each side
        per frame the track has been missing."""
        if not self.faces.rescue_side_fw:
            return []
        h, w = image.shape[:2]
        rx0, ry0, rx1, ry1 = region
        out = []
        for tr in self._tracker.tracks:
            if tr.hits < RESCUE_MIN_HITS or duplicates(np.r_[tr.box, 1.0], dets):
                continue
            cx, cy, fw = tr.box[0] * w, tr.box[1] * h, tr.box[2] * w
            half = fw * (self.faces.rescue_side_fw / 2 + self.tracking.gate_growth_fw * tr.missed)
            x0, y0 = int(max(rx0, cx - half)), int(max(ry0, cy - half))
            x1, y1 = int(min(rx1, cx + half)), int(min(ry1, cy + half))
            if x1 - x0 >= 16 and y1 - y0 >= 16:
                out.append((x0, y0, x1, y1))
        return out

    def _run_detector(self, detect, image: np.ndarray, region: tuple[int, int, int, int], *, keep: int) -> np.ndarray:
        h, w = image.shape[:2]
        x0, y0, x1, y1 = region
        whole = (x0, y0, x1, y1) == (0, 0, w, h)
        dets = np.asarray(detect(image if whole else np.ascontiguousarray(image[y0:y1, x0:x1])), float).reshape(-1, 5)
        if not whole:
            rw, rh = (x1 - x0) / w, (y1 - y0) / h
            dets[:, 0] = x0 / w + dets[:, 0] * rw
            dets[:, 1] = y0 / h + dets[:, 1] * rh
            dets[:, 2] *= rw
            dets[:, 3] *= rh
        dets = dets[np.argsort(-dets[:, 4])][:keep]
        return dets[dets[:, 2] >= self.faces.min_face_width]

    def process(self, image: np.ndarray, *, t_s: float, source_frame: int) -> None:
        """One analysis frame: image (H, W, 3) RGB uint8 at time t_s (s).

        Split layouts: each half is one person's camera; detection, face crops, pose and motion
        regions stay inside the half, the best face of each half is that half's person (track id
        = half index), and coordinates are whole-frame normalised."""
        h, w = image.shape[:2]
        self._size = (w, h)
        index = len(self._frames)
        self._frames.append((t_s, source_frame))
        regions = layout_regions(width=w, height=h, layout=self.roles_cfg.layout)
        split = len(regions) > 1
        per_region = [self._detect(image, r, keep=1 if split else self.faces.max_faces, need=1 if split else self.tracking.max_people)
                      for r in regions]
        if split:  # no tracks to continue: a second-pass face counts only when confident
            per_region = [d[(d[:, 5] == 0) | (d[:, 4] >= self.faces.short_range_new_confidence)] for d in per_region]
        dets = np.concatenate(per_region) if per_region else np.zeros((0, 6))
        half_of = np.concatenate([np.full(len(d), k) for k, d in enumerate(per_region)]).astype(int)
        boxes_px = [(int(round((d[0] - d[2] / 2) * w)), int(round((d[1] - d[3] / 2) * h)),
                     int(round((d[0] + d[2] / 2) * w)), int(round((d[1] + d[3] / 2) * h))) for d in dets]
        hists = np.array([colour_histogram(image, box_px=b) for b in boxes_px]).reshape(len(dets), HIST_SIZE)
        if split:
            assigned = {j: int(half_of[j]) for j in range(len(dets))}
            live = set(range(len(regions)))
        else:
            # a second-pass face may continue a track at any score, but opens one only when confident
            may_open = (dets[:, 5] == 0) | (dets[:, 4] >= self.faces.short_range_new_confidence)
            assigned = self._tracker.update(dets[:, :4], hists, aspect=h / w, may_open=may_open)
            live = {t.track_id for t in self._tracker.tracks}
        grey = grey_small(image, width=self.motion_cfg.width)
        run_pose = self.pose_cfg.enabled and index % self.pose_cfg.every_n_frames == 0
        for j, track in assigned.items():
            d = dets[j]
            bounds = regions[half_of[j]]
            partner = [] if split else [dets[k][0] for k in assigned if k != j]
            partner_dx = float(np.sign(partner[0] - d[0])) if partner else 0.0
            row = {"frame": index, "track": track, "cx": d[0], "cy": d[1], "w": d[2], "h": d[3], "score": d[4],
                   "half": float(half_of[j]) if split else np.nan}
            row.update(self._face(image, d, track, live, index, t_s, bounds))
            fw_px = d[2] * w
            x0, y0, x1, y1 = person_region(cx=d[0] * w, cy=d[1] * h, fw=fw_px, width=w, height=h,
                                           half_width_fw=self.pose_cfg.region_half_width_fw,
                                           above_fw=self.pose_cfg.region_above_fw, below_fw=self.pose_cfg.region_below_fw)
            x0, y0, x1, y1 = max(x0, bounds[0]), max(y0, bounds[1]), min(x1, bounds[2]), min(y1, bounds[3])
            if partner:  # keep the region on this person's side of the midpoint between the two faces
                mid = int(round((partner[0] + d[0]) / 2 * w))
                x0, x1 = (x0, min(x1, mid)) if partner_dx > 0 else (max(x0, mid), x1)
            row["motion_energy"] = motion_energy(self._prev_grey, grey, region=(x0 / w, y0 / h, x1 / w, y1 / h),
                                                 threshold=self.motion_cfg.threshold)
            if run_pose and x1 - x0 > 8 and y1 - y0 > 8:
                row.update(self._body(image, (x0, y0, x1, y1), track, live, fw_px, partner_dx, index))
            self._rows.append(row)
            self._hists.append(hists[j])
        self._prev_grey = grey

    def _face(self, image, d, track, live, index, t_s, bounds) -> dict:
        h, w = image.shape[:2]
        target = np.array([d[0] * w, d[1] * h, self.faces.crop_scale * d[2] * w])
        prev = self._crop.get(track)
        a = self.faces.crop_smoothing
        box = target if prev is None else a * prev + (1 - a) * target
        self._crop[track] = box
        bx0, by0, bx1, by1 = bounds  # crop from this camera's view only (edge pixels repeat past it)
        crop, m = square_crop(image[by0:by1, bx0:bx1], cx=box[0] - bx0, cy=box[1] - by0, side=box[2], out_px=self.faces.crop_px)
        m[:, 2] += (bx0, by0)
        lm = self.backend.face_mesh(crop, slot=self._slot(track, live))
        if lm is None:
            self._prev_lm.pop(track, None)
            return {"mesh_found": 0.0}
        px = np.column_stack([to_image(lm, m), lm[:, 2] * box[2]])
        out = {"mesh_found": 1.0, **face_measures(px)}
        out["eye_ratio"] = eye_spacing_ratio(px) if abs(out["yaw_deg"]) <= FRONTAL_YAW_DEG else np.nan
        prev_lm = self._prev_lm.get(track)
        out["face_motion"] = landmark_speed(prev_lm[2], px, dt=t_s - prev_lm[1]) if prev_lm and prev_lm[0] == index - 1 else np.nan
        self._prev_lm[track] = (index, t_s, px)
        if self.keep_landmarks:
            self._landmarks.setdefault((index, track), {})["face"] = px[OVERLAY_POINTS, :2].astype(np.float32)
        return out

    def _body(self, image, region, track, live, fw_px, partner_dx, index) -> dict:
        x0, y0, x1, y1 = region
        res = self.backend.pose(np.ascontiguousarray(image[y0:y1, x0:x1]), slot=self._slot(track, live))
        if res is None:
            return {"pose_found": 0.0}
        img, world = res
        img = img.copy()
        img[:, 0] = img[:, 0] * (x1 - x0) + x0
        img[:, 1] = img[:, 1] * (y1 - y0) + y0
        h, w = image.shape[:2]
        out = {"pose_found": 1.0, **body_measures(img, world, width=w, height=h, face_width_px=fw_px, partner_dx=partner_dx,
                                                  min_visibility=self.pose_cfg.min_visibility)}
        if min(img[L_SHOULDER, 3], img[R_SHOULDER, 3]) >= self.pose_cfg.min_visibility:  # body size, a role cue
            out["shoulder_w"] = float(np.hypot(*(img[L_SHOULDER, :2] - img[R_SHOULDER, :2]))) / w
        if self.keep_landmarks:
            self._landmarks.setdefault((index, track), {})["pose"] = img[:, [0, 1, 3]].astype(np.float32)
        return out

    # ------------------------------------------------------------------ whole clip

    def finish(self, *, infant_side: str | None = None) -> VideoResult:
        """Resolve identities and roles; build the table. `infant_side` (a manifest value)
        overrides roles.infant_side when given."""
        n = len(self._frames)
        obs = pd.DataFrame(self._rows, columns=None if self._rows else ["frame", "track", "cx", "cy", "w", "h", "score", "half"])
        hists = np.array(self._hists) if self._hists else np.zeros((0, HIST_SIZE), np.float32)
        t = self.tracking
        split = self.roles_cfg.layout != "single"
        if split:
            ident = _identities_by_half(obs, n_frames=n, min_identity_share=t.min_identity_share)
        else:
            ident = resolve_identities(obs, hists, n_frames=n, max_people=t.max_people, size_weight=t.size_weight,
                                       appearance_weight=t.appearance_weight, position_weight=t.position_weight,
                                       min_identity_share=t.min_identity_share, swap_margin=t.swap_margin,
                                       min_swap_run=t.min_swap_run, close_fw=t.gate_fw,
                                       aspect=(self._size[1] / self._size[0]) if self._size else 1.0)
        obs["identity"] = ident.identity
        kept = obs[obs.identity >= 0]
        ids = sorted(kept.identity.unique())
        widths = np.array([kept.w[kept.identity == k].median() for k in ids])
        centres = np.array([[kept.cx[kept.identity == k].median(), kept.cy[kept.identity == k].median()] for k in ids]).reshape(-1, 2)
        eye_ratios, body_widths = (np.array([_median(kept, c, k) for k in ids]) for c in ("eye_ratio", "shoulder_w"))
        side = (infant_side or self.roles_cfg.infant_side).strip().lower()
        notes: list[str] = []
        allowed = {"split_lr": ("left", "right"), "split_tb": ("top", "bottom")}.get(self.roles_cfg.layout)
        if allowed and side not in ("auto", *allowed):
            notes.append(f"infant_side {side!r} does not fit layout {self.roles_cfg.layout} ({'|'.join(allowed)}); roles from cues")
            side = "auto"
        rc = self.roles_cfg
        roles = assign_roles(face_widths=widths, centres=centres, infant_side=side, size_scale=rc.size_scale, eye_ratios=eye_ratios,
                             body_widths=body_widths, proportion_scale=rc.proportion_scale, body_scale=rc.body_scale,
                             position_scale=rc.position_scale, use_position=not split)
        role_of = {ids[k]: r for k, r in roles.roles.items()}
        table = self._table(kept, role_of, n)
        w, h = self._size or (1, 1)
        dyad_measures(table, aspect=h / w, facing_min_deg=self.dyad_cfg.facing_min_deg, touch_fw=self.dyad_cfg.touch_fw,
                      split=split)
        table = table[[c.name for c in FRAME_COLUMNS]]
        qc, qc_notes = video_qc(table, roles=roles, swap_repairs=ident.swap_repairs, dropped_tracks=ident.dropped_tracks,
                                n_people=len(ids), thresholds=self.qc_cfg)
        notes += qc_notes
        if split and len(ids) == 2 and roles.cue != "side":
            notes.append(f"{self.roles_cfg.layout} layout without infant_side: roles from face {roles.cue} (size is unreliable "
                         "when the halves are zoomed differently); set roles.infant_side or the manifest column infant_side")
        landmarks = {}
        if self.keep_landmarks:
            track_role = {}
            for r in kept.itertuples():
                track_role[(r.frame, r.track)] = role_of.get(r.identity)
            landmarks = {(f, track_role[(f, tr)]): v for (f, tr), v in self._landmarks.items() if track_role.get((f, tr))}
        log.debug("video: %d frames, %d people, roles by %s (%.2f; evidence %s), %d swap repairs", n, len(ids), roles.cue,
                  roles.confidence, roles.evidence, ident.swap_repairs)
        return VideoResult(table=table, qc=qc, notes=notes, landmarks=landmarks)

    def _table(self, kept: pd.DataFrame, role_of: dict, n: int) -> pd.DataFrame:
        table = pd.DataFrame(self._frames, columns=["t_s", "source_frame"])
        measures = ("face_found", "face_x", "face_y", "face_w", "face_h", "face_half", "face_score", "track_id", "mesh_found",
                    *FACE_MEASURES,
                    "face_motion", *POSE_COLUMNS, "motion_energy")
        for role in ROLES:
            cols = {m: np.full(n, np.nan) for m in measures}
            cols["face_found"][:] = 0.0
            mine = kept[kept.identity.map(role_of) == role]
            idx = mine.frame.to_numpy(int)
            cols["face_found"][idx] = 1.0
            for src, dst in (("cx", "face_x"), ("cy", "face_y"), ("w", "face_w"), ("h", "face_h"), ("score", "face_score"), ("track", "track_id"),
                             ("half", "face_half")):
                cols[dst][idx] = mine[src].to_numpy(float)
            for m in ("mesh_found", *FACE_MEASURES, "face_motion", *POSE_COLUMNS, "motion_energy"):
                if m in mine:
                    cols[m][idx] = mine[m].to_numpy(float)
            # pose runs every k frames: carry its values to the frames between (same person present)
            k = self.pose_cfg.every_n_frames
            if k > 1:
                ran = np.isfinite(cols["pose_found"])
                last = pd.Series(np.where(ran, np.arange(n), np.nan)).ffill(limit=k - 1).to_numpy()
                ok = np.isfinite(last) & (cols["face_found"] == 1)
                src = np.where(ok, last, 0).astype(int)
                for m in POSE_COLUMNS:
                    cols[m] = np.where(ok, cols[m][src], np.nan)
            for m in measures:
                table[f"{role}.{m}"] = cols[m]
        return table

    def close(self) -> None:
        self.backend.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _median(obs: pd.DataFrame, column: str, identity: int) -> float:
    """Median of an observation column for one identity; nan when the column or values are missing."""
    if column not in obs:
        return float("nan")
    v = obs.loc[obs.identity == identity, column].to_numpy(float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else float("nan")


def _identities_by_half(obs: pd.DataFrame, *, n_frames: int, min_identity_share: float) -> IdentityResult:
    """Split layouts: the identity is the half (track id = half index), so a face never changes
    halves or swaps; a half whose face was found in fewer than `min_identity_share` of the frames is dropped."""
    identity = obs["track"].to_numpy(int).copy() if len(obs) else np.zeros(0, int)
    dropped = 0
    for k in np.unique(identity):
        if (identity == k).sum() < min_identity_share * n_frames:
            identity[identity == k] = -1
            dropped += 1
    return IdentityResult(identity=identity, swap_repairs=0, dropped_tracks=dropped)

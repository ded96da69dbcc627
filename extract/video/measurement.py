"""Per-person measurement stage: for each tracked face of one frame, a smoothed square crop
for the face mesh (face signals), the person's region for motion energy and, every
pose.every_n_frames frames, a pose tracker (body signals). Only numbers are kept."""

from __future__ import annotations

import numpy as np

from extract.config import FacesConfig, MotionConfig, PoseConfig
from extract.video.body_signals import L_SHOULDER, R_SHOULDER, body_measures
from extract.video.detection import FrameFaces
from extract.video.face_signals import OVERLAY_POINTS, eye_spacing_ratio, face_measures, landmark_speed
from extract.video.geometry import person_region, square_crop, to_image
from extract.video.keypoint_head import keypoint_head
from extract.video.mesh_follow import PASS_FOLLOW, MeshFollow
from extract.video.mesh_retry import MIRROR_SIGNED, MeshRetry
from extract.video.motion import grey_small, motion_energy

FRONTAL_YAW_DEG = 25.0  # face proportions (role cue) only from faces turned less than this
FRONTAL_TORSO_DEG = 30.0  # shoulder width (role cue) only from torsos turned less than this
HEAD_FROM_MESH, HEAD_FROM_KEYPOINTS = 1.0, 2.0  # <role>.head_source


class PersonMeasurement:
    """State across frames: per-track crops and previous landmarks, model slots, the previous
    small grey frame (motion), and the overlay landmarks when `keep_landmarks`."""

    def __init__(
        self,
        faces: FacesConfig,
        pose: PoseConfig,
        motion: MotionConfig,
        *,
        backend,
        keep_landmarks: bool = False,
    ):
        self.faces, self.pose_cfg, self.motion_cfg = faces, pose, motion
        self.backend, self.keep_landmarks = backend, keep_landmarks
        self.landmarks: dict = {}  # (frame, track) -> {'face': (k, 2), 'pose': (33, 3)} px
        self._crop: dict[int, np.ndarray] = {}  # track -> smoothed (cx, cy, side) px
        self._prev_lm: dict = {}  # track -> (frame, t, landmarks, mirrored)
        self._slots: dict[int, int] = {}  # track -> model slot
        self._prev_grey: np.ndarray | None = None
        self._retry = MeshRetry(getattr(backend, "face_mesh_once", None), crop_px=faces.crop_px)
        self.follower = MeshFollow(faces.detect_every_n_frames)
        self._followed: dict[int, np.ndarray] = {}  # track -> this frame's landmarks px (follow)
        self._meshed_at: dict[int, int] = {}  # track -> last frame its tracking mesh found the face

    @classmethod
    def from_config(
        cls,
        faces: FacesConfig,
        pose: PoseConfig,
        motion: MotionConfig,
        *,
        backend,
        keep_landmarks: bool = False,
    ) -> PersonMeasurement:
        return cls(faces, pose, motion, backend=backend, keep_landmarks=keep_landmarks)

    def measure(
        self,
        image: np.ndarray,
        faces: FrameFaces,
        assigned: dict[int, int],
        live: set[int],
        *,
        index: int,
        t_s: float,
    ) -> list[dict]:
        """One row per assigned face (detection j -> track), in `assigned` order: the detection
        (frame, track, cx, cy, w, h, score, half) and its face, motion and (on pose frames) body measures.
        live: the tracks still alive (others release their model slots)."""
        h, w = image.shape[:2]
        dets, split = faces.dets, faces.split
        grey = grey_small(image, width=self.motion_cfg.width)
        run_pose = self.pose_cfg.enabled and index % self.pose_cfg.every_n_frames == 0
        rows = []
        for j, track in assigned.items():
            d = dets[j]
            bounds = faces.regions[faces.region[j]]
            partner = [] if split else [dets[k][0] for k in assigned if k != j]
            partner_dx = float(np.sign(partner[0] - d[0])) if partner else 0.0
            row = {
                "frame": index,
                "track": track,
                "cx": d[0],
                "cy": d[1],
                "w": d[2],
                "h": d[3],
                "score": d[4],
                "half": float(faces.region[j]) if split else np.nan,
            }
            row.update(self._face(image, d, faces.keypoints[j], track, live, index, t_s, bounds))
            fw_px = d[2] * w
            x0, y0, x1, y1 = person_region(
                cx=d[0] * w,
                cy=d[1] * h,
                fw=fw_px,
                width=w,
                height=h,
                half_width_fw=self.pose_cfg.region_half_width_fw,
                above_fw=self.pose_cfg.region_above_fw,
                below_fw=self.pose_cfg.region_below_fw,
            )
            x0, y0, x1, y1 = max(x0, bounds[0]), max(y0, bounds[1]), min(x1, bounds[2]), min(y1, bounds[3])
            if partner:  # keep the region on this person's side of the midpoint between the two faces
                mid = int(round((partner[0] + d[0]) / 2 * w))
                x0, x1 = (x0, min(x1, mid)) if partner_dx > 0 else (max(x0, mid), x1)
            row["motion_energy"] = motion_energy(
                self._prev_grey,
                grey,
                region=(x0 / w, y0 / h, x1 / w, y1 / h),
                threshold=self.motion_cfg.threshold,
            )
            if run_pose and x1 - x0 > 8 and y1 - y0 > 8:
                row.update(self._body(image, (x0, y0, x1, y1), track, live, fw_px, partner_dx, index))
            rows.append(row)
        self._prev_grey = grey
        self._followed.clear()
        return rows

    def follow(self, image: np.ndarray, tracks, *, index: int, need: int) -> FrameFaces | None:
        """The faces of frame `index` without the detector (mesh_follow.py), or None when the detector
        must run: it is due, not exactly `need` tracks are live (the detector's second pass looks for
        missing people on every frame: following one person while looking for the other only every
        n-th frame lost an infant found by the second pass on a real clip), a track was missed or
        not found by its tracking mesh on the previous frame, or a track's mesh loses the face now."""
        if self.follower.due(index) or len(tracks) != need:
            return None
        h, w = image.shape[:2]
        rows = []
        for tr in tracks:
            if (
                tr.missed
                or self._meshed_at.get(tr.track_id) != index - 1
                or not self.follower.can_follow(tr.track_id, index)
            ):
                return None
            px = self._tracking_mesh(image, self._crop[tr.track_id], (0, 0, w, h), self._slots[tr.track_id])
            if px is None:
                return None
            self._followed[tr.track_id] = px
            rows.append(self.follower.box(tr.track_id, px, size=(w, h)))
        rows = np.array(rows)
        return FrameFaces(
            dets=rows[:, :6],
            region=np.zeros(len(rows), int),
            regions=[(0, 0, w, h)],
            keypoints=rows[:, 6:].reshape(len(rows), -1, 2),
        )

    def _tracking_mesh(self, image, box, bounds, slot: int) -> np.ndarray | None:
        """The tracking mesh on the square crop `box` (cx, cy, side px) of the camera view `bounds`:
        (n, 3) px landmarks or None."""
        bx0, by0, bx1, by1 = bounds  # crop from this camera's view only (edge pixels repeat past it)
        crop, m = square_crop(
            image[by0:by1, bx0:bx1], cx=box[0] - bx0, cy=box[1] - by0, side=box[2], out_px=self.faces.crop_px
        )
        m[:, 2] += (bx0, by0)
        lm = self.backend.face_mesh(crop, slot=slot)
        return None if lm is None else np.column_stack([to_image(lm, m), lm[:, 2] * box[2]])

    def _slot(self, track_id: int, live: set[int]) -> int:
        for t in [t for t in self._slots if t not in live]:
            del self._slots[t]
            self._crop.pop(t, None)
            self._prev_lm.pop(t, None)
            self._retry.forget(t)
            self.follower.forget(t)
            self._meshed_at.pop(t, None)
        if track_id not in self._slots:
            used = set(self._slots.values())
            self._slots[track_id] = next(s for s in range(len(used) + 1) if s not in used)
        return self._slots[track_id]

    def _face(self, image, d, kp, track, live, index, t_s, bounds) -> dict:
        """Mesh measures of one face: the tracking mesh on the smoothed crop; where it finds no
        face, a static mesh on retried crops (mesh_retry.py); where all fail, head yaw and roll
        from the detector's keypoints (head_source says which)."""
        h, w = image.shape[:2]
        target = np.array([d[0] * w, d[1] * h, self.faces.crop_scale * d[2] * w])
        prev = self._crop.get(track)
        a = self.faces.crop_smoothing
        box = target if prev is None else a * prev + (1 - a) * target
        self._crop[track] = box
        slot = self._slot(track, live)
        found = self._followed.pop(track, None)  # meshed already by `follow` on this frame
        if found is None:
            found = self._tracking_mesh(image, box, bounds, slot)
        if found is not None:
            self._meshed_at[track] = index
            if d[5] != PASS_FOLLOW:  # a detector's box: refit it to the mesh
                self.follower.fit(track, d, found, size=(w, h), index=index)
            px = measured = found
            mirrored = False
        else:
            found = self._retry.find(image, d, kp, bounds, track=track, index=index)
            if found is None:
                self._prev_lm.pop(track, None)
                head = keypoint_head(kp * (w, h), face_w=d[2] * w)
                if np.isnan(head["yaw_deg"]):
                    return {"mesh_found": 0.0}
                return {"mesh_found": 0.0, "head_source": HEAD_FROM_KEYPOINTS, **head}
            px, measured, mirrored = found.points, found.measured, found.mirrored
        out = {"mesh_found": 1.0, "head_source": HEAD_FROM_MESH, **face_measures(measured)}
        for name in MIRROR_SIGNED if mirrored else ():
            out[name] = -out[name]
        out["eye_ratio"] = eye_spacing_ratio(measured) if abs(out["yaw_deg"]) <= FRONTAL_YAW_DEG else np.nan
        prev_lm = self._prev_lm.get(
            track
        )  # speed only between landmarks indexed alike (both mirrored or not)
        out["face_motion"] = (
            landmark_speed(prev_lm[2], measured, dt=t_s - prev_lm[1])
            if prev_lm and prev_lm[0] == index - 1 and prev_lm[3] == mirrored
            else np.nan
        )
        self._prev_lm[track] = (index, t_s, measured, mirrored)
        if self.keep_landmarks:
            self.landmarks.setdefault((index, track), {})["face"] = px[OVERLAY_POINTS, :2].astype(np.float32)
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
        out = {
            "pose_found": 1.0,
            **body_measures(
                img,
                world,
                width=w,
                height=h,
                face_width_px=fw_px,
                partner_dx=partner_dx,
                min_visibility=self.pose_cfg.min_visibility,
            ),
        }
        if (
            min(img[L_SHOULDER, 3], img[R_SHOULDER, 3]) >= self.pose_cfg.min_visibility
            and abs(out.get("torso_yaw_deg", np.nan)) <= FRONTAL_TORSO_DEG
        ):  # body size, a role cue (a side-on torso's shoulders look narrow)
            out["shoulder_w"] = float(np.hypot(*(img[L_SHOULDER, :2] - img[R_SHOULDER, :2]))) / w
        if self.keep_landmarks:
            self.landmarks.setdefault((index, track), {})["pose"] = img[:, [0, 1, 3]].astype(np.float32)
        return out

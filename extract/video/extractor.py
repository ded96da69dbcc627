"""VideoExtractor: the per-clip loop. Feed analysis frames one at a time, then `finish()`.

The work is done by three stages, each built from its own config sections and testable alone
with a fake backend:
  FaceDetection      (detection.py)   both detection passes over each layout region
  PersonMeasurement  (measurement.py) per tracked face: crop + mesh, person region: motion, pose
  ClipResolution     (resolution.py)  whole clip: identities, roles, table, dyad measures, QC
Between detection and measurement the online Tracker (tracking.py) gives each face a track.
Only numbers are kept per frame (and, for the overlay, a few landmarks), so memory grows by
kilobytes per minute, never by images.
"""

from __future__ import annotations

import numpy as np

from extract.video.appearance import HIST_SIZE, colour_histogram
from extract.video.backend import worker_backend
from extract.video.detection import FaceDetection
from extract.video.measurement import PersonMeasurement
from extract.video.resolution import POSE_COLUMNS, ClipObservations, ClipResolution, VideoResult
from extract.video.tracking import Tracker

__all__ = ["POSE_COLUMNS", "VideoExtractor", "VideoResult"]


class VideoExtractor:
    """One clip: the stages, the tracker and the observations so far (the backend is not its own)."""

    def __init__(
        self,
        *,
        detection: FaceDetection,
        measurement: PersonMeasurement,
        resolution: ClipResolution,
        tracker: Tracker,
        backend,
        keep_landmarks: bool = False,
    ):
        self.detection, self.measurement, self.resolution = detection, measurement, resolution
        self.tracker, self.backend, self.keep_landmarks = tracker, backend, keep_landmarks
        self._obs = ClipObservations()

    @classmethod
    def from_config(cls, cfg, *, keep_landmarks: bool = False, backend=None) -> VideoExtractor:
        """Build from the whole `Config` (sections faces, tracking, pose, motion, roles, dyad, qc).
        Without `backend`, the thread's shared MediaPipe backend (backend.worker_backend); a backend
        passed or shared belongs to its caller or thread (the extractor never closes it)."""
        backend = backend or worker_backend(cfg.faces, cfg.pose)
        return cls(
            detection=FaceDetection.from_config(
                cfg.faces,
                backend=backend,
                layout=cfg.roles.layout,
                max_people=cfg.tracking.max_people,
                gate_growth_fw=cfg.tracking.gate_growth_fw,
            ),
            measurement=PersonMeasurement.from_config(
                cfg.faces, cfg.pose, cfg.motion, backend=backend, keep_landmarks=keep_landmarks
            ),
            resolution=ClipResolution.from_config(
                tracking=cfg.tracking,
                roles=cfg.roles,
                dyad=cfg.dyad,
                qc=cfg.qc,
                pose_every_n_frames=cfg.pose.every_n_frames,
                faces=cfg.faces,
            ),
            tracker=Tracker.from_config(cfg.tracking, fps=cfg.video.analysis_fps),
            backend=backend,
            keep_landmarks=keep_landmarks,
        )

    def process(self, image: np.ndarray, *, t_s: float, source_frame: int) -> None:
        """One analysis frame: image (H, W, 3) RGB uint8 at time t_s (s).

        Split layouts: each half is one person's camera; detection, face crops, pose and motion
        regions stay inside the half, the best face of each half is that half's person (track id
        = half index), and coordinates are whole-frame normalised."""
        h, w = image.shape[:2]
        obs = self._obs
        obs.size = (w, h)
        index = len(obs.frames)
        obs.frames.append((t_s, source_frame))
        tracks = self.tracker.tracks
        faces = None
        if self.detection.layout == "single":
            faces = self.measurement.follow(image, tracks, index=index, need=self.detection.max_people)
        followed = faces is not None
        if not followed:
            faces = self.detection.detect(image, tracks=tracks)
            self.measurement.follower.detected(index)
        dets = faces.dets
        hists = np.array([colour_histogram(image, box_px=b) for b in faces.boxes_px(w, h)]).reshape(
            len(dets), HIST_SIZE
        )
        if followed:
            assigned = self.tracker.follow([t.track_id for t in tracks], dets, hists)
            live = {t.track_id for t in self.tracker.tracks}
        elif faces.split:
            assigned = {j: int(faces.region[j]) for j in range(len(dets))}
            live = set(range(len(faces.regions)))
        else:
            # a second-pass face may continue a track at any score, but opens one only when confident
            may_open = (dets[:, 5] == 0) | (dets[:, 4] >= self.detection.cfg.short_range_new_confidence)
            assigned = self.tracker.update(dets[:, :4], hists, aspect=h / w, may_open=may_open)
            live = {t.track_id for t in self.tracker.tracks}
        obs.rows += self.measurement.measure(image, faces, assigned, live, index=index, t_s=t_s)
        obs.hists += [hists[j] for j in assigned]

    @property
    def times_s(self) -> np.ndarray:
        """The analysis frames' times so far (s)."""
        return np.array([t for t, _ in self._obs.frames], float)

    def finish(
        self,
        *,
        infant_side: str | None = None,
        adult_voice: np.ndarray | None = None,
        swap_roles: bool = False,
    ) -> VideoResult:
        """Resolve identities and roles; build the table. `infant_side` (a manifest value)
        overrides roles.infant_side when given; adult_voice: per analysis frame, the adult-voice
        share for the voice role cue (voice_cue.adult_voice_share); swap_roles flips the roles found."""
        landmarks = self.measurement.landmarks if self.keep_landmarks else None
        self._obs.adult_voice = adult_voice
        return self.resolution.resolve(
            self._obs, infant_side=infant_side, landmarks=landmarks, swap_roles=swap_roles
        )

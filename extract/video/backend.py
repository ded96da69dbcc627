"""The MediaPipe adapter: the one module that imports mediapipe (legacy `mediapipe.solutions`, 0.10.21).

A Tasks-API backend can be added beside `MediaPipeSolutions` with the same three methods.
Models are created lazily per slot (one face mesh and one pose tracker per tracked person)
so a clip without people costs only the detector.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

log = logging.getLogger(__name__)
_BLANK = np.zeros((64, 64, 3), np.uint8)  # one blank frame ends every track of a tracking graph
_per_thread = threading.local()  # worker_backend's cache: MediaPipe graphs are not thread-safe


def worker_backend(faces, pose) -> MediaPipeSolutions:
    """The MediaPipeSolutions of this thread for the faces and pose sections' settings, built once
    and reused by every clip the thread processes (building and first running the graphs costs about
    0.4 s per clip); its tracking state is cleared first, so a clip's results do not depend on the
    clips before it. Other settings replace (and close) the kept backend."""
    key = _settings(faces, pose)
    kept = getattr(_per_thread, "kept", None)  # (settings, backend): only the last, ~0.4 GB of graphs
    if kept is not None and kept[0] == key:
        kept[1].clear_tracking()
        return kept[1]
    if kept is not None:
        kept[1].close()
    backend = MediaPipeSolutions.from_config(faces, pose)
    _per_thread.kept = (key, backend)
    return backend


def _settings(faces, pose) -> tuple:
    mesh = faces.min_mesh_confidence
    return faces.detector_range, faces.min_detection_confidence, mesh, pose.min_confidence


class MediaPipeSolutions:
    """Face detection on whole frames (plus a short-range second pass on demand), face mesh and
    pose on crops, one tracker per slot."""

    @classmethod
    def from_config(cls, faces, pose) -> MediaPipeSolutions:
        """From the faces (detector range, confidences) and pose (confidence) config sections."""
        detector_range, min_detection, min_mesh, min_pose = _settings(faces, pose)
        return cls(
            detector_range=detector_range,
            min_detection_confidence=min_detection,
            min_mesh_confidence=min_mesh,
            min_pose_confidence=min_pose,
            refine_landmarks=True,
        )

    def __init__(
        self,
        *,
        detector_range: str,
        min_detection_confidence: float,
        min_mesh_confidence: float,
        min_pose_confidence: float,
        refine_landmarks: bool = True,
    ):
        import mediapipe as mp  # noqa: PLC0415 - the only mediapipe import in the project

        self._mp = mp
        self._det = mp.solutions.face_detection.FaceDetection(
            model_selection=1 if detector_range == "full" else 0,
            min_detection_confidence=min_detection_confidence,
        )
        self._mesh_kw = dict(
            static_image_mode=False,
            max_num_faces=1,
            refine_landmarks=refine_landmarks,
            min_detection_confidence=min_mesh_confidence,
            min_tracking_confidence=min_mesh_confidence,
        )
        self._pose_kw = dict(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=False,
            min_detection_confidence=min_pose_confidence,
            min_tracking_confidence=min_pose_confidence,
        )
        self._min_det = min_detection_confidence
        self._close_det = None  # the short-range detector for the second pass, created when first needed
        self._meshes: dict[int, object] = {}
        self._mesh_once = None  # a static-image face mesh for retried crops, created when first needed
        self._poses: dict[int, object] = {}

    def detect_faces(self, image: np.ndarray) -> np.ndarray:
        """image (H, W, 3) RGB uint8 -> (n, 17) float: cx, cy, w, h (relative to W, H), score, then
        x, y of the six keypoints (right eye, left eye, nose tip, mouth centre, right ear, left ear)."""
        return _detections(self._det.process(image))

    def detect_close_faces(self, image: np.ndarray) -> np.ndarray:
        """The short-range (within ~2 m) detector, for the second pass; same output as `detect_faces`."""
        if self._close_det is None:
            self._close_det = self._mp.solutions.face_detection.FaceDetection(
                model_selection=0, min_detection_confidence=self._min_det
            )
        return _detections(self._close_det.process(image))

    def face_mesh(self, crop: np.ndarray, *, slot: int) -> np.ndarray | None:
        """crop (S, S, 3) RGB uint8 -> (478, 3) landmarks (x, y relative to the crop, z in crop widths) or
        None."""
        mesh = self._meshes.get(slot)
        if mesh is None:
            mesh = self._meshes[slot] = self._mp.solutions.face_mesh.FaceMesh(**self._mesh_kw)
        return _landmarks(mesh.process(crop))

    def face_mesh_once(self, crop: np.ndarray) -> np.ndarray | None:
        """Like `face_mesh` on one image with no tracking state (for retried crops of a face the
        tracking mesh missed)."""
        if self._mesh_once is None:
            self._mesh_once = self._mp.solutions.face_mesh.FaceMesh(
                **{**self._mesh_kw, "static_image_mode": True}
            )
        return _landmarks(self._mesh_once.process(crop))

    def pose(self, region: np.ndarray, *, slot: int) -> tuple[np.ndarray, np.ndarray] | None:
        """region (h, w, 3) RGB uint8 -> ((33, 4) x, y relative to the region, z, visibility;
        (33, 3) world landmarks in metres, hip-centred) or None."""
        pose = self._poses.get(slot)
        if pose is None:
            pose = self._poses[slot] = self._mp.solutions.pose.Pose(**self._pose_kw)
        res = pose.process(region)
        if res.pose_landmarks is None:
            return None
        img = np.array([(p.x, p.y, p.z, p.visibility) for p in res.pose_landmarks.landmark], np.float32)
        world = np.array([(p.x, p.y, p.z) for p in res.pose_world_landmarks.landmark], np.float32)
        return img, world

    def clear_tracking(self) -> None:
        """End every track of the face mesh and pose graphs (a blank frame through each), so the next
        frame starts from detection exactly as in a new graph (tested), at a few ms per graph
        instead of the 10-130 ms a new graph costs on its first frame."""
        for model in (*self._meshes.values(), *self._poses.values()):
            model.process(_BLANK)

    def close(self) -> None:
        self._det.close()
        if self._close_det is not None:
            self._close_det.close()
            self._close_det = None
        if self._mesh_once is not None:
            self._mesh_once.close()
            self._mesh_once = None
        for model in (*self._meshes.values(), *self._poses.values()):
            model.close()
        self._meshes.clear()
        self._poses.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _detections(res) -> np.ndarray:
    """A FaceDetection result -> (n, 17) float: cx, cy, w, h (relative to the image), score, 6 keypoints."""
    out = []
    for d in res.detections or []:
        bb = d.location_data.relative_bounding_box
        kp = [c for k in d.location_data.relative_keypoints for c in (k.x, k.y)]
        out.append((bb.xmin + bb.width / 2, bb.ymin + bb.height / 2, bb.width, bb.height, d.score[0], *kp))
    return np.asarray(out, float).reshape(-1, 17)


def _landmarks(res) -> np.ndarray | None:
    """A FaceMesh result -> (478, 3) float32 landmarks of its first face, or None."""
    if not res.multi_face_landmarks:
        return None
    return np.array([(p.x, p.y, p.z) for p in res.multi_face_landmarks[0].landmark], np.float32)

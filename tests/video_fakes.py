"""Fake MediaPipe backends for VideoExtractor unit tests: subclass and override detect_faces."""

from __future__ import annotations


class DetectionOnlyBackend:
    """Finds faces (override `detect_faces`), never a face mesh or a pose."""

    def face_mesh(self, crop, *, slot):
        return None

    def pose(self, region, *, slot):
        return None

    def close(self):
        pass

"""Split-screen layouts through the VideoExtractor with a stand-in backend (no MediaPipe):
detection per half, whole-frame coordinates, one identity per half, roles by side."""

from __future__ import annotations

import numpy as np
import pytest
from video_fakes import DetectionOnlyBackend

from extract.config import config_from_dict
from extract.video.extractor import VideoExtractor
from extract.video.geometry import layout_regions


class HalfBackend(DetectionOnlyBackend):
    """Finds one face in whatever image it is given, at (0.5, 0.5) relative to that image, width
    0.2 (and `extra` in every other call: the first half of each frame). Records the image sizes it saw."""

    def __init__(self, extra=None):
        self.seen: list[tuple[int, int]] = []
        self.extra = extra  # (cx, cy, w, h, score) relative to the image, added in the first image only

    def detect_faces(self, image):
        self.seen.append(image.shape[:2])
        dets = [(0.5, 0.5, 0.2, 0.3, 0.9)]
        if self.extra is not None and len(self.seen) % 2 == 1:
            dets.append(self.extra)
        return np.array(dets, float)


def _run(layout, side, backend, n=12, size=(320, 240)):
    cfg = config_from_dict({"roles": {"layout": layout, "infant_side": side}})
    w, h = size
    ex = VideoExtractor.from_config(cfg, backend=backend)
    for i in range(n):
        ex.process(np.full((h, w, 3), 100 + i, np.uint8), t_s=i / 10, source_frame=i)
    return ex.finish()


def test_layout_regions():
    assert layout_regions(width=320, height=240, layout="split_lr") == [(0, 0, 160, 240), (160, 0, 320, 240)]
    assert layout_regions(width=320, height=240, layout="split_tb") == [(0, 0, 320, 120), (0, 120, 320, 240)]
    assert layout_regions(width=320, height=240, layout="single") == [(0, 0, 320, 240)]
    with pytest.raises(ValueError):
        layout_regions(width=320, height=240, layout="quad")


def test_split_tb_detects_per_half_and_reports_whole_frame_coordinates():
    backend = HalfBackend()
    res = _run("split_tb", "bottom", backend)
    assert set(backend.seen) == {(120, 320)}, "the detector sees each half, never the whole frame"
    t = res.table
    assert (t["adult.face_found"] == 1).all() and (t["infant.face_found"] == 1).all()
    np.testing.assert_allclose(t["adult.face_y"], 0.25)  # top half's centre
    np.testing.assert_allclose(t["infant.face_y"], 0.75)
    np.testing.assert_allclose(t["adult.face_x"], 0.5)
    np.testing.assert_allclose(t["adult.face_h"], 0.15)  # 0.3 of a half height
    np.testing.assert_allclose(t["adult.face_w"], 0.2)
    assert (t["adult.face_half"] == 0).all() and (t["infant.face_half"] == 1).all()
    assert res.qc["role_cue"] == "side" and res.qc["role_confidence"] == 1.0
    assert t["dyad.distance_norm"].isna().all()


def test_split_lr_keeps_one_face_per_half_and_the_side_decides():
    # a second, weaker face in the left half (a poster): never a third person, never in the other half
    backend = HalfBackend(extra=(0.9, 0.2, 0.2, 0.3, 0.6))
    res = _run("split_lr", "left", backend)
    t = res.table
    np.testing.assert_allclose(t["infant.face_x"], 0.25)  # left half's centre, the better-scored face
    np.testing.assert_allclose(t["adult.face_x"], 0.75)
    np.testing.assert_allclose(t["adult.face_w"], 0.1)  # 0.2 of a half width
    assert set(t["infant.track_id"]) == {0} and set(t["adult.track_id"]) == {1}
    assert res.qc["n_people"] == 2 and res.qc["swap_repairs"] == 0


def test_single_layout_has_no_half():
    res = _run("single", "auto", HalfBackend())
    assert res.table["adult.face_half"].isna().all()

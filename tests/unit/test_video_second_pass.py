"""The short-range second detection pass (faces.short_range_strips) through the VideoExtractor with a
stand-in backend (no MediaPipe): strips, duplicate suppression, re-finding a tracked face the main
detector misses, and no new tracks from weak second-pass detections."""

from __future__ import annotations

import numpy as np
import pytest
from video_fakes import DetectionOnlyBackend

from extract.config import config_from_dict
from extract.video.extractor import VideoExtractor
from extract.video.geometry import duplicates, strips

W, H = 320, 240
ADULT = (0.3, 0.4, 0.15)  # cx, cy, w (normalised); red square
INFANT = (0.7, 0.55, 0.09)  # green square


def _blob(image: np.ndarray, channel: int, level: int) -> tuple[float, float, float, float] | None:
    """Bounding box (cx, cy, w, h relative to the image) of pixels brighter than `level` in `channel` only."""
    others = [c for c in range(3) if c != channel]
    mask = (image[..., channel] > level) & (image[..., others].max(-1) < 20)
    if not mask.any():
        return None
    ys, xs = np.nonzero(mask)
    h, w = mask.shape
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    if min(x0, w - x1) == 0 and x1 - x0 < 0.9 * w:  # cut by the image edge: not a whole face
        return None
    return ((x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h)


class SquaresBackend(DetectionOnlyBackend):
    """Faces are pure-colour squares. The main detector finds bright ones (> 150); the close one
    also finds dim ones (> 40), at `close_score`, but (like the short-range model) only faces at
    least `close_min_w` of the image wide. Counts the second-pass calls and records their image sizes."""

    def __init__(self, close_score=0.9, close_min_w=0.0):
        self.close_score, self.close_min_w = close_score, close_min_w
        self.close_calls = 0
        self.close_sizes: list[tuple[int, int]] = []

    def _find(self, image, level, score, min_w=0.0):
        found = [_blob(image, c, level) for c in range(3)]
        return np.array([(*b, score) for b in found if b is not None and b[2] >= min_w], float).reshape(-1, 5)

    def detect_faces(self, image):
        return self._find(image, 150, 0.9)

    def detect_close_faces(self, image):
        self.close_calls += 1
        self.close_sizes.append(image.shape[:2])
        return self._find(image, 40, self.close_score, self.close_min_w)


def _frame(faces):
    img = np.zeros((H, W, 3), np.uint8)
    for channel, (cx, cy, fw), level in faces:
        s = int(fw * W)
        x0, y0 = int(cx * W - s / 2), int(cy * H - s / 2)
        img[y0 : y0 + s, x0 : x0 + s, channel] = level
    return img


def _run(frames, backend, **faces):
    cfg = config_from_dict({"faces": faces, "pose": {"enabled": False}})
    ex = VideoExtractor.from_config(cfg, backend=backend)
    for i, f in enumerate(frames):
        ex.process(f, t_s=i / 10, source_frame=i)
    return ex.finish()


def _dim_infant_clip(n=30, dim=range(10, 20)):
    return [_frame([(0, ADULT, 220), (1, INFANT, 60 if i in dim else 220)]) for i in range(n)]


def test_strips_cover_the_region_with_overlap():
    assert strips((0, 0, 640, 480), 1) == [(0, 0, 640, 480)]
    two = strips((0, 0, 640, 480), 2)
    assert two == [(0, 0, 384, 480), (256, 0, 640, 480)]
    three = strips((10, 0, 110, 300), 3)  # taller than wide: cut along y
    assert (
        [s[1] for s in three][0] == 0
        and three[-1][3] == 300
        and all(s[0] == 10 and s[2] == 110 for s in three)
    )
    assert all(a[3] > b[1] for a, b in zip(three, three[1:], strict=False))  # consecutive strips overlap


def test_duplicates_catch_nested_and_shifted_boxes_but_not_neighbours():
    face = np.array([0.5, 0.5, 0.1, 0.13, 0.9])
    assert duplicates(np.array([0.52, 0.47, 0.2, 0.26, 0.6]), face[None])  # a larger box around the same face
    assert duplicates(np.array([0.53, 0.5, 0.1, 0.13, 0.6]), face[None])  # slightly shifted
    assert not duplicates(np.array([0.7, 0.5, 0.1, 0.13, 0.6]), face[None])  # the next face
    assert not duplicates(face, np.zeros((0, 6)))


def test_second_pass_refinds_a_tracked_face_the_main_detector_misses():
    """The infant's square is dimmed in frames 10-19: the main detector loses it, the short-range pass finds
    it."""
    off = _run(_dim_infant_clip(), SquaresBackend(), short_range_strips=0, rescue_side_fw=0).table
    on_backend = SquaresBackend()
    on = _run(_dim_infant_clip(), on_backend, short_range_strips=2, rescue_side_fw=0).table
    assert off["infant.face_found"].sum() == 20 and off["adult.face_found"].sum() == 30
    assert on["infant.face_found"].sum() == 30 and on["adult.face_found"].sum() == 30
    assert np.allclose(on.loc[10:19, "infant.face_x"], INFANT[0], atol=0.02)
    assert np.allclose(on.loc[10:19, "infant.face_w"], INFANT[2], atol=0.01)
    assert on_backend.close_calls == 10 * 2  # only the ten frames with a missing face, two strips each


def test_square_around_a_missed_track_finds_a_face_too_small_for_the_strips():
    """The close detector needs faces >= 20 % of its input: the dimmed infant (9 % of the frame) is
    15 % of a strip, too small, but a third of the 3-face-width square around its track."""
    off = _run(
        _dim_infant_clip(), SquaresBackend(close_min_w=0.2), short_range_strips=2, rescue_side_fw=0
    ).table
    backend = SquaresBackend(close_min_w=0.2)
    on = _run(_dim_infant_clip(), backend, short_range_strips=2, rescue_side_fw=3).table
    assert off["infant.face_found"].sum() == 20
    assert on["infant.face_found"].sum() == 30
    assert np.allclose(on.loc[10:19, "infant.face_x"], INFANT[0], atol=0.02)
    squares = [s for s in backend.close_sizes if s[0] < H]
    assert (
        squares == [(3 * int(INFANT[2] * W),) * 2] * 10
    )  # 3 face widths (the re-found face keeps its track current)


def test_no_square_around_a_brief_track():
    """A face seen in only 3 frames (fewer than RESCUE_MIN_HITS) and then dimmed is not looked for."""
    t = _run(
        _dim_infant_clip(dim=range(3, 30)),
        SquaresBackend(close_min_w=0.2),
        short_range_strips=2,
        rescue_side_fw=3,
    ).table
    assert t["infant.face_found"].sum() == 3


def test_weak_second_pass_faces_do_not_open_tracks():
    """A dim blue square seen only by the second pass, where no face was tracked: at 0.6 (< 0.7) it
    never becomes a person; at 0.9 it does (the adult is found alone, so the pass runs every frame)."""
    frames = [_frame([(0, ADULT, 220), (2, (0.75, 0.5, 0.09), 60)]) for _ in range(30)]
    weak = _run(frames, SquaresBackend(close_score=0.6), short_range_strips=2)
    assert weak.qc["n_people"] == 1 and weak.table["infant.face_found"].sum() == 0
    strong = _run(frames, SquaresBackend(close_score=0.9), short_range_strips=2)
    assert strong.qc["n_people"] == 2 and strong.table["infant.face_found"].sum() == 30


def test_backend_without_second_detector_still_works():
    class MainOnly(SquaresBackend):
        detect_close_faces = None

    t = _run(_dim_infant_clip(), MainOnly(), short_range_strips=2).table
    assert t["infant.face_found"].sum() == 20


@pytest.mark.parametrize("layout", ["split_lr"])
def test_split_layout_runs_the_pass_per_half(layout):
    """Split screen: a half whose face is missed gets its own second pass inside that half."""
    frames = _dim_infant_clip()
    cfg = config_from_dict(
        {
            "faces": {"short_range_strips": 2},
            "pose": {"enabled": False},
            "roles": {"layout": layout, "infant_side": "right"},
        }
    )
    backend = SquaresBackend()
    ex = VideoExtractor.from_config(cfg, backend=backend)
    for i, f in enumerate(frames):
        ex.process(f, t_s=i / 10, source_frame=i)
    t = ex.finish().table
    assert backend.close_calls == 10 * 2
    assert t["infant.face_found"].sum() == 30 and (t["infant.face_x"] > 0.5).all()
    weak = SquaresBackend(
        close_score=0.6
    )  # no track to continue in a half: a weak second-pass face is not counted
    ex = VideoExtractor.from_config(cfg, backend=weak)
    for i, f in enumerate(frames):
        ex.process(f, t_s=i / 10, source_frame=i)
    assert ex.finish().table["infant.face_found"].sum() == 20

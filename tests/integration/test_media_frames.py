"""Frames at the analysis rate carry the container's timestamps, are the right frames,
are downscaled and turned upright; probe measures the rate and spots variable rates."""

import warnings

import numpy as np
import pytest
from media_fixtures import (
    apply_display_matrix,
    corner_colours,
    marker_frame,
    read_marker,
    tkhd_matrices,
    write_video,
)

from extract.errors import MediaWarning
from extract.media import iter_frames, probe

SRC_FPS = 25
HALF_SRC_FRAME = 0.5 / SRC_FPS


@pytest.fixture(scope="module")
def cfr_clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfr") / "cfr25.mp4"
    times = write_video(path, n_frames=100, fps=SRC_FPS)  # 4 s, 160x120
    return path, times


# A variable-rate clip: irregular intervals of 10-120 ms and a 250 ms stall, time base 1/1000.
VFR_STEPS_MS = [33, 41, 20, 100, 67, 33, 33, 120, 50, 10, 45, 90, 33, 60, 25, 80] * 3 + [250, 33, 40]
VFR_TIMES = np.concatenate([[0], np.cumsum(VFR_STEPS_MS)]) / 1000.0


@pytest.fixture(scope="module", params=["mp4", "mkv"])
def vfr_clip(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("vfr") / f"vfr.{request.param}"
    write_video(path, times_s=list(VFR_TIMES))
    return path


def test_cfr_frames_are_the_rendered_ones_at_their_times(cfr_clip):
    path, times = cfr_clip
    with warnings.catch_warnings():
        warnings.simplefilter("error", MediaWarning)  # an intact clip gives no warning
        frames = list(iter_frames(path, fps=10))
    assert [f.index for f in frames] == list(range(len(frames)))
    step = 1 / 10
    for k, f in enumerate(frames):
        rendered = read_marker(f.image)  # which source frame this really is
        assert rendered == f.source_index
        assert f.t_s == pytest.approx(times[rendered], abs=HALF_SRC_FRAME)
        # the documented choice: the first source frame at or after each grid point k/fps
        grid = k * step
        expected = min(i for i, t in enumerate(times) if t >= grid - 1e-6)
        assert rendered == expected
        assert -1e-9 <= f.t_s - grid < 1 / SRC_FPS
    # about 10 analysis frames per second over the 4 s clip
    assert len(frames) == 40
    rate = (len(frames) - 1) / (frames[-1].t_s - frames[0].t_s)
    assert rate == pytest.approx(10, rel=0.05)
    assert np.all(np.diff([f.t_s for f in frames]) > 0)


def test_fps_above_source_rate_gives_every_frame_once(cfr_clip):
    path, times = cfr_clip
    frames = list(iter_frames(path, fps=1000))
    assert [read_marker(f.image) for f in frames] == list(range(100))
    assert np.allclose([f.t_s for f in frames], times, atol=1e-6)


def test_downscale_to_longest_side(cfr_clip):
    path, _ = cfr_clip
    frames = list(iter_frames(path, fps=5, longest_side=80))
    assert all(f.image.shape == (60, 80, 3) and f.image.dtype == np.uint8 for f in frames)
    # the picture is scaled, not cropped: the marker still reads and the corners stay
    assert [read_marker(f.image) for f in frames] == [f.source_index for f in frames]
    assert corner_colours(frames[0].image) == {"tl": "red", "tr": "green", "bl": "blue", "br": "grey"}
    full = next(iter_frames(path, longest_side=0))
    assert full.image.shape == (120, 160, 3)
    assert np.abs(full.image.astype(int) - marker_frame(0)).mean() < 4  # RGB order, not BGR


def test_skip_nonref_keeps_times_exact(cfr_clip):
    path, times = cfr_clip
    frames = list(iter_frames(path, fps=5, skip_nonref=True))
    for f in frames:
        assert f.t_s == pytest.approx(times[read_marker(f.image)], abs=1e-6)


def test_vfr_times_are_exact(vfr_clip):
    frames = list(iter_frames(vfr_clip, fps=1000))  # every frame
    got = np.array([f.t_s for f in frames])
    assert len(got) == len(VFR_TIMES)
    assert np.max(np.abs(got - VFR_TIMES)) < 0.001
    assert [read_marker(f.image) for f in frames] == list(range(len(VFR_TIMES)))


def test_vfr_at_analysis_rate_reports_true_times(vfr_clip):
    frames = list(iter_frames(vfr_clip, fps=10))
    picked = [read_marker(f.image) for f in frames]
    for f, i in zip(frames, picked, strict=False):
        assert f.t_s == pytest.approx(VFR_TIMES[i], abs=0.001)  # never index x nominal rate
    # exactly the first frame at or after each grid point 0, 0.1, 0.2, ... (a long gap
    # covers several grid points with one frame: it is delivered once, at its own time)
    grid = np.arange(0, VFR_TIMES[-1] + 1e-9, 0.1)
    expected = sorted({int(np.argmax(VFR_TIMES >= g - 1e-6)) for g in grid})
    assert picked == expected
    assert len(frames) < len(grid)  # the 250 ms stall covers two grid points


def test_probe_flags_vfr_and_measures_rate(vfr_clip, cfr_clip):
    v = probe(vfr_clip).video
    assert v.vfr is True
    true_fps = (len(VFR_TIMES) - 1) / (VFR_TIMES[-1] - VFR_TIMES[0])
    assert v.measured_fps == pytest.approx(true_fps, rel=0.001)
    assert v.n_frames == len(VFR_TIMES)
    assert v.first_t_s == pytest.approx(0, abs=0.001)
    assert v.last_t_s == pytest.approx(VFR_TIMES[-1], abs=0.001)

    c = probe(cfr_clip[0])
    assert c.video.vfr is False
    assert c.video.measured_fps == pytest.approx(25, rel=0.001)
    assert c.video.nominal_fps == pytest.approx(25)
    assert c.video.n_frames == 100
    assert c.duration_s == pytest.approx(4.0, abs=0.05)
    assert (c.video.width, c.video.height, c.video.rotation_deg) == (160, 120, 0)
    assert c.video.display_size == (160, 120)
    row = c.to_row()
    assert row["has_video"] and not row["has_audio"] and row["video_vfr"] is False
    assert "160x120" in c.summary()


# Rotation. Display-matrix angles are counter-clockwise (FFmpeg's av_display_rotation_get,
# PyAV's set_display_rotation and VideoFrame.rotation). The expected picture is computed
# from the track-header matrix bytes as ISO/IEC 14496-12 defines it (what players apply),
# independently of FFmpeg. Portrait phone video carries matrix (0, 1, -1, 0): turn clockwise.
@pytest.mark.parametrize(
    "written, reported, matrix, corners",
    [
        (90, 90, (0, -1, 1, 0), {"tl": "green", "tr": "grey", "bl": "red", "br": "blue"}),
        (-90, 270, (0, 1, -1, 0), {"tl": "blue", "tr": "red", "bl": "grey", "br": "green"}),
        (270, 270, (0, 1, -1, 0), {"tl": "blue", "tr": "red", "bl": "grey", "br": "green"}),
        (180, 180, (-1, 0, 0, -1), {"tl": "grey", "tr": "blue", "bl": "green", "br": "red"}),
    ],
)
def test_rotation_is_applied_as_players_do(tmp_path, written, reported, matrix, corners):
    path = tmp_path / f"rot{written}.mp4"
    write_video(path, n_frames=3, fps=SRC_FPS, rotation=written)
    (found,) = tkhd_matrices(path)
    assert found == pytest.approx(matrix)

    info = probe(path).video
    assert info.rotation_deg == reported
    assert (info.width, info.height) == (160, 120)  # coded size
    quarter = reported in (90, 270)
    assert info.display_size == ((120, 160) if quarter else (160, 120))

    frame = next(iter_frames(path))
    expected = apply_display_matrix(marker_frame(0), *found)
    assert frame.image.shape == expected.shape == (info.display_size[1], info.display_size[0], 3)
    assert corner_colours(frame.image) == corners
    assert np.abs(frame.image.astype(int) - expected).mean() < 4

    small = next(iter_frames(path, longest_side=80))  # scale and rotation together
    assert small.image.shape == ((80, 60, 3) if quarter else (60, 80, 3))
    assert corner_colours(small.image) == corners

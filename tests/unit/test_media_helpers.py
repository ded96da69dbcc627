"""Pure helpers of extract.media: sizes, rotation, frame-rate statistics, audio placement,
and the test helpers themselves (so a broken helper cannot make the media tests pass)."""

import numpy as np
import pytest
from media_fixtures import (
    apply_display_matrix,
    corner_colours,
    marker_frame,
    onset_s,
    read_marker,
    tone_burst,
)

from extract.media.audio import _place
from extract.media.frames import rotate_image, scaled_size
from extract.media.probe import VideoInfo, _frame_rate_stats


@pytest.mark.parametrize(
    "size, longest, expected",
    [
        (
            (
                1920,
                1080,
            ),
            640,
            (640, 360),
        ),
        ((1080, 1920), 640, (360, 640)),
        ((160, 120), 640, (160, 120)),  # never upscaled
        ((1920, 1080), 0, (1920, 1080)),  # 0 = unchanged
        ((641, 479), 320, (320, 240)),  # even sides
    ],
)
def test_scaled_size(size, longest, expected):
    w, h = scaled_size(*size, longest)
    assert (w, h) == expected
    assert w % 2 == 0 and h % 2 == 0


def test_rotate_image_is_counter_clockwise():
    img = marker_frame(0, 160, 120)  # red top-left, green top-right, blue bottom-left
    ccw = rotate_image(img, 90)
    assert ccw.shape == (160, 120, 3)
    assert corner_colours(ccw) == {"tl": "green", "tr": "grey", "bl": "red", "br": "blue"}
    cw = rotate_image(img, -90)
    assert corner_colours(cw) == corner_colours(rotate_image(img, 270))
    assert corner_colours(cw) == {"tl": "blue", "tr": "red", "bl": "grey", "br": "green"}
    assert corner_colours(rotate_image(img, 180)) == {"tl": "grey", "tr": "blue", "bl": "green", "br": "red"}
    assert rotate_image(img, 0) is img
    assert rotate_image(img, 360) is img


def test_apply_display_matrix_matches_iso_examples():
    img = marker_frame(0, 40, 30)
    assert np.array_equal(apply_display_matrix(img, 1, 0, 0, 1), img)
    # (0, 1, -1, 0): the matrix of portrait phone video, shown turned 90 degrees clockwise.
    cw = apply_display_matrix(img, 0, 1, -1, 0)
    assert cw.shape == (40, 30, 3)
    assert np.array_equal(cw, np.rot90(img, k=-1))


def test_display_size_swaps_for_quarter_turns():
    base = dict(
        codec="h264",
        width=160,
        height=120,
        nominal_fps=25.0,
        measured_fps=25.0,
        vfr=False,
        n_frames=1,
        first_t_s=0.0,
        last_t_s=0.0,
    )
    assert VideoInfo(rotation_deg=0, **base).display_size == (160, 120)
    assert VideoInfo(rotation_deg=90, **base).display_size == (120, 160)
    assert VideoInfo(rotation_deg=180, **base).display_size == (160, 120)
    assert VideoInfo(rotation_deg=270, **base).display_size == (120, 160)


def test_frame_rate_stats_cfr_and_vfr():
    cfr = np.arange(200) / 25.0
    fps, vfr = _frame_rate_stats(cfr)
    assert fps == pytest.approx(25.0) and vfr is False
    # one dropped frame in 200 (0.5% irregular intervals) is still constant rate; 5 are not
    assert _frame_rate_stats(np.delete(cfr, 50))[1] is False
    assert _frame_rate_stats(np.delete(cfr, [20, 60, 100, 140, 180]))[1] is True
    rng = np.random.default_rng(1)
    times = np.cumsum(rng.choice([0.033, 0.05, 0.1], size=60))
    fps, vfr = _frame_rate_stats(times)
    assert vfr is True
    assert fps == pytest.approx(59 / (times[-1] - times[0]))
    assert _frame_rate_stats(np.array([0.0])) == (None, False)


def test_place_pads_and_trims_to_clock_zero():
    x = np.ones(10, np.float32)
    late = _place([x[:4], x[4:]], 0.5, 8)  # starts 0.5 s in: 4 samples of silence first
    assert late.tolist() == [0.0] * 4 + [1.0] * 10
    early = _place([np.arange(10, dtype=np.float32)], -0.25, 8)  # starts before 0: trimmed
    assert early.tolist() == list(range(2, 10))
    assert _place([], 0.0, 8).size == 0


def test_marker_roundtrip_and_scaling():
    for i in (0, 1, 5, 77, 1234, 4095):
        img = marker_frame(i, 160, 120)
        assert read_marker(img) == i
        assert read_marker(img[::2, ::2]) == i  # survives downscaling
    assert read_marker(marker_frame(3, 64, 48)) == 3


def test_onset_helper_finds_a_known_onset():
    y = tone_burst(sample_rate=16000, onset_s=0.777)
    assert onset_s(y, 16000) == pytest.approx(0.777, abs=0.002)


def test_parse_matroska_duration_tag():
    from extract.media.container import _parse_hms

    assert _parse_hms("00:00:04.031000000") == pytest.approx(4.031)
    assert _parse_hms("01:02:03.5") == pytest.approx(3723.5)
    assert _parse_hms("") is None and _parse_hms(None) is None and _parse_hms("4.0") is None

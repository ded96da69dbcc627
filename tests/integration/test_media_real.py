"""The real recordings in ../shared/media (or $DYADSCOPE_MEDIA): read in place, never copied.

Skipped, with the reason, when the folder is absent.
"""

import warnings

import av
import numpy as np
import pytest
from media_fixtures import real_media_dir

from extract.errors import MediaWarning
from extract.media import iter_frames, probe, read_audio

MEDIA, WHY_ABSENT = real_media_dir()
pytestmark = [
    pytest.mark.media,
    pytest.mark.skipif(MEDIA is None, reason=WHY_ABSENT or "real media absent"),
]
AUDIO_EXT = {".wav", ".ogg", ".flac", ".mp3", ".m4a"}
VIDEO_EXT = {".mp4", ".mov", ".mkv", ".webm", ".avi"}


def _files(sub, exts):
    if MEDIA is None:
        return []
    return sorted(p for p in (MEDIA / sub).glob("*") if p.suffix.lower() in exts)


def _ids(paths):
    return [p.name[:40] for p in paths]


VIDEOS = _files("video", VIDEO_EXT)
AUDIOS = _files("audio", AUDIO_EXT)
LOOKIT = [p for p in VIDEOS if p.name.startswith("lookit_")]


def _packet_times(path):
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        origin = (c.start_time or 0) / av.time_base
        return np.array(
            sorted(float(p.pts * p.time_base) - origin for p in c.demux(s) if p.pts is not None and p.size)
        )


def test_media_folder_has_the_expected_files():
    assert len(VIDEOS) >= 6 and len(AUDIOS) >= 7
    names = {p.name for p in LOOKIT}
    assert len(LOOKIT) >= 20  # 4 trials first, 16 more of two dyads since (SOURCES.md)
    assert {"lookit_6c6MZQ_joke1_rep1_ThatsNotAHat.mp4", "lookit_3dC3SQ_joke1_rep1_TearingPaper.mp4"} <= names


@pytest.mark.parametrize("path", VIDEOS + AUDIOS, ids=_ids(VIDEOS + AUDIOS))
def test_every_clip_probes(path):
    info = probe(path)
    assert info.duration_s and info.duration_s > 1
    assert info.size_bytes == path.stat().st_size
    if path in VIDEOS:
        v = info.video
        assert v is not None and v.width >= 320 and v.height >= 240
        assert v.measured_fps and 5 < v.measured_fps < 61
        assert v.n_frames > 10 and v.first_t_s == pytest.approx(0, abs=0.3)
        assert v.last_t_s == pytest.approx(info.duration_s, abs=1.0)
        assert info.audio is not None
    else:
        assert info.video is None
        assert info.audio.sample_rate >= 8000 and info.audio.channels >= 1


@pytest.mark.parametrize("path", LOOKIT, ids=_ids(LOOKIT))
def test_lookit_vfr_times_are_the_container_times(path):
    info = probe(path)
    assert info.video.vfr is True
    packet_times = _packet_times(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MediaWarning)
        frames = list(iter_frames(path, fps=10, longest_side=160))
    t = np.array([f.t_s for f in frames])
    assert np.all(np.diff(t) > 0)
    assert t[0] == pytest.approx(0, abs=0.2)
    assert t[-1] == pytest.approx(info.duration_s, abs=1.0)
    # every reported time is a real frame time, not index x nominal rate
    assert np.min(np.abs(packet_times[None, :] - t[:, None]), axis=1).max() < 1e-6
    # about min(10, source fps) frames per second
    expected_rate = min(10.0, info.video.measured_fps)
    assert len(frames) / info.duration_s == pytest.approx(expected_rate, rel=0.25)
    assert frames[0].image.shape == (120, 160, 3)


def test_hevc_mov_decodes():
    (path,) = [p for p in VIDEOS if p.suffix.lower() == ".mov"]
    info = probe(path)
    assert info.video.codec == "hevc"
    frames = list(iter_frames(path, fps=5, longest_side=160))
    w, h = info.video.display_size
    assert frames[0].image.shape == (round(160 * h / w / 2) * 2, 160, 3)
    assert len(frames) == pytest.approx(info.duration_s * 5, rel=0.15)
    assert frames[-1].t_s == pytest.approx(info.duration_s, abs=0.5)
    # a real picture, not a blank: pixels vary
    assert all(f.image.std() > 5 for f in frames[:3])


@pytest.mark.parametrize("path", AUDIOS + VIDEOS, ids=_ids(AUDIOS + VIDEOS))
def test_read_audio_gives_finite_samples_of_the_right_length(path):
    info = probe(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MediaWarning)
        track = read_audio(path)
    y = track.samples
    assert track.sample_rate == 16000 and y.dtype == np.float32 and y.ndim == 1
    assert np.all(np.isfinite(y))
    assert np.abs(y).max() <= 1.0
    if path in AUDIOS:  # speech and cries; (the Pexels stock clip's stereo track is digital silence)
        assert np.abs(y).max() > 0.01
    assert track.duration_s == pytest.approx(info.duration_s, abs=0.06)


def test_late_audio_in_real_mov_is_padded_to_the_video_clock():
    """In face_noface.mov the audio track starts 2.43 s after the video."""
    (path,) = [p for p in VIDEOS if p.suffix.lower() == ".mov"]
    with av.open(str(path)) as c:
        a = c.streams.audio[0]
        start = float(a.start_time * a.time_base) - (c.start_time or 0) / av.time_base
    assert start > 2.0
    y = read_audio(path).samples
    assert np.all(y[: int((start - 0.01) * 16000)] == 0)
    assert np.abs(y[int((start + 0.05) * 16000) :]).max() > 0.01

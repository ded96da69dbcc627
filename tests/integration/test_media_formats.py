"""Common containers and codecs probe and decode (tiny files built here)."""

import warnings

import numpy as np
import pytest
from media_fixtures import onset_s, read_marker, tone_burst, write_audio, write_video

from extract.errors import MediaWarning, NoVideoStreamError
from extract.media import iter_frames, probe, read_audio

ONSET = 0.4


@pytest.mark.parametrize(
    "ext, codec, audio_codec, expect_codec",
    [
        ("mp4", "libx264", "aac", "h264"),
        ("mov", "libx264", "aac", "h264"),
        ("avi", "mpeg4", "pcm_s16le", "mpeg4"),  # mp3/aac in AVI: muxer shifts video a frame
        ("mkv", "libx264", "flac", "h264"),
        ("webm", "libvpx-vp9", "libopus", "vp9"),
    ],
)
def test_video_containers(tmp_path, ext, codec, audio_codec, expect_codec):
    path = tmp_path / f"clip.{ext}"
    audio = tone_burst(duration_s=1.0, onset_s=ONSET, burst_s=0.2)[None]
    times = write_video(path, n_frames=25, fps=25, codec=codec, audio=audio, audio_codec=audio_codec)

    info = probe(path)
    assert info.video.codec.startswith(expect_codec)
    assert (info.video.width, info.video.height) == (160, 120)
    assert info.video.measured_fps == pytest.approx(25, rel=0.01)
    assert info.video.vfr is False
    assert info.video.n_frames == 25
    assert info.audio is not None and info.audio.channels == 1
    assert info.duration_s == pytest.approx(1.0, abs=0.1)

    with warnings.catch_warnings():
        warnings.simplefilter("error", MediaWarning)
        frames = list(iter_frames(path, fps=1000))
        track = read_audio(path)
    assert len(frames) == 25
    markers = [read_marker(f.image) for f in frames]
    assert markers == list(range(25))
    for f, i in zip(frames, markers, strict=False):
        assert f.t_s == pytest.approx(times[i], abs=0.001)
        assert f.image.shape == (120, 160, 3)
    assert onset_s(track.samples, 16000) == pytest.approx(ONSET, abs=0.010)


@pytest.mark.parametrize(
    "ext, codec, expect_codec",
    [
        ("wav", "pcm_s16le", "pcm_s16le"),
        ("flac", "flac", "flac"),
        ("ogg", "libopus", "opus"),
        ("mp3", "libmp3lame", "mp3"),
        ("m4a", "aac", "aac"),
    ],
)
def test_audio_formats(tmp_path, ext, codec, expect_codec):
    # (Vorbis: this FFmpeg build has no libvorbis encoder; the real-media tests decode a Vorbis .ogg.)
    path = tmp_path / f"tone_{codec}.{ext}"
    write_audio(path, tone_burst(duration_s=1.5, onset_s=ONSET, burst_s=0.3), codec=codec)
    info = probe(path)
    assert info.video is None
    assert info.audio.codec.startswith(expect_codec)
    assert info.audio.sample_rate == 48000 and info.audio.channels == 1
    assert info.duration_s == pytest.approx(1.5, abs=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MediaWarning)
        track = read_audio(path)
    assert track.samples.dtype == np.float32 and track.sample_rate == 16000
    assert track.duration_s == pytest.approx(1.5, abs=0.1)
    assert onset_s(track.samples, 16000) == pytest.approx(ONSET, abs=0.010)


def test_cover_art_is_not_video(tmp_path):
    """An mp3 with an embedded picture: the picture is an attached still, not a video stream."""
    path = tmp_path / "song_with_cover.mp3"
    write_audio(
        path, tone_burst(duration_s=1.5, onset_s=ONSET, burst_s=0.3), codec="libmp3lame", cover_art=True
    )
    import av

    with av.open(str(path)) as c:  # the file really has the picture stream
        assert len(c.streams.video) == 1
    info = probe(path)
    assert info.video is None and info.audio is not None
    with pytest.raises(NoVideoStreamError, match="song_with_cover.mp3"):
        next(iter_frames(path))
    assert onset_s(read_audio(path).samples, 16000) == pytest.approx(ONSET, abs=0.010)

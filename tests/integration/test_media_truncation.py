"""Truncated and damaged files: the readable frames plus a TruncatedMediaWarning, or a clear
MediaUnreadableError naming the file. Never a hang, never an untyped exception.

How each container behaves when cut at half its bytes (FFmpeg 8 via PyAV 18):
- mp4/mov written normally keep their index (moov) at the end: the cut loses it, so the file
  cannot be opened at all -> MediaUnreadableError.
- faststart mp4 (moov first), Matroska/WebM and AVI open fine and demuxing simply stops at
  the cut without any error; iter_frames notices that the last frame falls well short of
  the declared duration and warns.
"""

import numpy as np
import pytest
from media_fixtures import cut_copy, read_marker, run_with_timeout, tone_burst, write_video

from extract.errors import MediaError, MediaUnreadableError, TruncatedMediaWarning
from extract.media import iter_frames, probe, read_audio

N = 100  # 4 s at 25 fps, noisy frames so the bytes spread evenly over time
TIMEOUT_S = 30


def _frames(path):
    return [(f.t_s, read_marker(f.image)) for f in iter_frames(path, fps=1000, longest_side=0)]


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    d = tmp_path_factory.mktemp("whole")
    audio = tone_burst(duration_s=4.0, onset_s=1.0)[None]
    clips = {
        "mp4": write_video(d / "plain.mp4", n_frames=N, noise=True, audio=audio) and d / "plain.mp4",
        "faststart.mp4": d / "faststart.mp4",
        "mov": d / "plain.mov",
        "mkv": d / "clip.mkv",
        "webm": d / "clip.webm",
        "avi": d / "clip.avi",
    }
    write_video(
        clips["faststart.mp4"],
        n_frames=N,
        noise=True,
        audio=audio,
        container_options={"movflags": "faststart"},
    )
    write_video(clips["mov"], n_frames=N, noise=True)
    write_video(clips["mkv"], n_frames=N, noise=True, audio=audio)
    write_video(clips["webm"], n_frames=N, noise=True, codec="libvpx-vp9", audio=audio, audio_codec="libopus")
    write_video(clips["avi"], n_frames=N, noise=True, codec="mpeg4", audio=audio, audio_codec="pcm_s16le")
    return clips


@pytest.mark.parametrize("kind", ["mp4", "mov"])
def test_cut_mp4_without_faststart_is_unreadable(whole, tmp_path, kind):
    cut = cut_copy(whole[kind], tmp_path / f"cut.{kind}")
    for fn in (probe, _frames, read_audio):
        _, exc, _ = run_with_timeout(lambda fn=fn: fn(cut), TIMEOUT_S)
        assert isinstance(exc, MediaUnreadableError), repr(exc)
        assert "cut." + kind in str(exc)


@pytest.mark.parametrize("kind", ["faststart.mp4", "mkv", "webm", "avi"])
def test_cut_file_gives_readable_frames_and_a_warning(whole, tmp_path, kind):
    cut = cut_copy(whole[kind], tmp_path / f"cut_{kind}")
    frames, exc, caught = run_with_timeout(lambda: _frames(cut), TIMEOUT_S)
    assert exc is None, repr(exc)
    # the frames before the cut, in order, each at its own time, then a warning naming the file
    assert 10 < len(frames) < N
    markers = [m for _, m in frames]
    assert markers == list(range(len(frames)))
    assert np.allclose([t for t, _ in frames], np.arange(len(frames)) / 25, atol=1e-3)
    truncated = [w for w in caught if issubclass(w.category, TruncatedMediaWarning)]
    assert len(truncated) == 1, [str(w.message) for w in caught]
    assert cut.name in str(truncated[0].message)

    info, exc, _ = run_with_timeout(lambda: probe(cut), TIMEOUT_S)
    assert exc is None, repr(exc)
    assert info.video.n_frames < N


@pytest.mark.parametrize("kind", ["faststart.mp4", "mkv", "webm"])
def test_cut_file_audio_warns(whole, tmp_path, kind):
    cut = cut_copy(whole[kind], tmp_path / f"cut_{kind}")
    track, exc, caught = run_with_timeout(lambda: read_audio(cut), TIMEOUT_S)
    if exc is not None:
        assert isinstance(exc, MediaError) and cut.name in str(exc)
        return
    assert 0 < track.duration_s < 3.5
    assert any(issubclass(w.category, TruncatedMediaWarning) for w in caught), [
        str(w.message) for w in caught
    ]


def test_intact_files_do_not_warn(whole):
    for kind, path in whole.items():
        frames, exc, caught = run_with_timeout(lambda path=path: _frames(path), TIMEOUT_S)
        assert exc is None and len(frames) == N, (kind, exc)
        assert not [w for w in caught if issubclass(w.category, TruncatedMediaWarning)], kind
        if kind != "mov":
            _, exc, caught = run_with_timeout(lambda path=path: read_audio(path), TIMEOUT_S)
            assert exc is None, (kind, exc)
            assert not [w for w in caught if issubclass(w.category, TruncatedMediaWarning)], kind


@pytest.mark.parametrize("fraction", [0.02, 0.1, 0.3, 0.7, 0.95])
@pytest.mark.parametrize("kind", ["faststart.mp4", "mkv"])
def test_any_cut_point_is_typed_and_terminates(whole, tmp_path, kind, fraction):
    cut = cut_copy(whole[kind], tmp_path / f"cut{fraction}_{kind}", fraction)
    for fn in (probe, _frames, read_audio):
        _, exc, _ = run_with_timeout(lambda fn=fn: fn(cut), TIMEOUT_S)
        assert exc is None or isinstance(exc, MediaError), repr(exc)
        if exc is not None:
            assert cut.name in str(exc)


@pytest.mark.parametrize("kind", ["mp4", "mkv", "avi"])
def test_garbage_in_the_middle_is_typed_and_terminates(whole, tmp_path, kind):
    data = bytearray(whole[kind].read_bytes())
    n = len(data)
    rng = np.random.default_rng(7)
    data[n // 3 : n // 3 + n // 10] = rng.integers(0, 256, n // 10, dtype=np.uint8).tobytes()
    bad = tmp_path / f"garbled.{kind}"
    bad.write_bytes(bytes(data))
    for fn in (probe, _frames, read_audio):
        _, exc, _ = run_with_timeout(lambda fn=fn: fn(bad), TIMEOUT_S)
        assert exc is None or isinstance(exc, MediaError), repr(exc)


@pytest.mark.parametrize(
    "ext, codec, outcome",
    [
        ("wav", "pcm_s16le", "warn"),
        ("flac", "flac", "warn"),
        ("ogg", "libopus", "shorter"),
        ("m4a", "aac", "unreadable"),
    ],
)
def test_cut_audio_file(tmp_path, ext, codec, outcome):
    """WAV: FFmpeg trusts the bytes present; read_audio compares with the RIFF header and warns.
    FLAC: the decoder fails on the cut frame -> warning. m4a (index at the end): unreadable.
    Ogg declares no length anywhere, so a cut Ogg is just shorter (no warning possible)."""
    from media_fixtures import write_audio

    noise = (
        np.random.default_rng(3).standard_normal(4 * 48000).astype(np.float32) * 0.1
    )  # bytes spread evenly
    path = tmp_path / f"speech.{ext}"
    write_audio(path, noise + tone_burst(duration_s=4.0, onset_s=1.0), codec=codec)
    cut = cut_copy(path, tmp_path / f"cut.{ext}")
    track, exc, caught = run_with_timeout(lambda: read_audio(cut), TIMEOUT_S)
    if outcome == "unreadable":
        assert isinstance(exc, MediaUnreadableError) and cut.name in str(exc), repr(exc)
        return
    assert exc is None, repr(exc)
    # Ogg loses the whole partial page (FFmpeg writes pages of up to 1 s)
    assert (0.9 if ext == "ogg" else 1.5) < track.duration_s < 2.5
    warned = [w for w in caught if issubclass(w.category, TruncatedMediaWarning)]
    if outcome == "warn":
        assert len(warned) == 1 and cut.name in str(warned[0].message), [str(w.message) for w in caught]
    else:
        assert not warned

"""Every unusable input gives its typed error, and the message names the file."""

import numpy as np
import pytest
from media_fixtures import tone_burst, write_audio, write_video

from extract.errors import (
    MediaEmptyError,
    MediaError,
    MediaMissingError,
    MediaUnreadableError,
    NoAudioStreamError,
    NoVideoStreamError,
)
from extract.media import iter_frames, probe, read_audio

READERS = {
    "probe": probe,
    "iter_frames": lambda p: list(iter_frames(p)),
    "read_audio": read_audio,
}


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad_inputs")
    write_video(d / "video_only.mp4", n_frames=5, size=(64, 48))
    write_audio(d / "tone.wav", tone_burst(duration_s=0.5, onset_s=0.1), sample_rate=16000)
    (d / "notes.mp4").write_text("this is a text file, not a video\n" * 20)
    (d / "empty.mp4").write_bytes(b"")
    (d / "noise.mkv").write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    (d / "clip_folder.mp4").mkdir()
    return d


def _assert_names_file(exc: MediaError, path):
    assert exc.path.name == path.name
    assert path.name in str(exc)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    "name, error",
    [
        ("missing.mp4", MediaMissingError),
        ("empty.mp4", MediaEmptyError),
        ("notes.mp4", MediaUnreadableError),
        ("noise.mkv", MediaUnreadableError),
        ("clip_folder.mp4", MediaUnreadableError),
    ],
)
def test_bad_file_gives_typed_error_naming_it(clips, reader, name, error):
    path = clips / name
    with pytest.raises(error) as info:
        READERS[reader](path)
    _assert_names_file(info.value, path)


def test_missing_file_is_also_a_file_not_found_error(clips):
    with pytest.raises(FileNotFoundError):
        probe(clips / "missing.mp4")


def test_iter_frames_on_audio_only_file(clips):
    path = clips / "tone.wav"
    with pytest.raises(NoVideoStreamError) as info:
        next(iter_frames(path))
    _assert_names_file(info.value, path)


def test_read_audio_on_video_only_file(clips):
    path = clips / "video_only.mp4"
    with pytest.raises(NoAudioStreamError) as info:
        read_audio(path)
    _assert_names_file(info.value, path)
    info = probe(path)
    assert info.audio is None and info.video is not None
    assert probe(clips / "tone.wav").video is None


def test_errors_are_raised_lazily_only_when_iterating(clips):
    # iter_frames is a generator: nothing is opened until the first frame is asked for
    gen = iter_frames(clips / "missing.mp4")
    with pytest.raises(MediaMissingError):
        next(gen)


def test_path_may_be_a_string(clips):
    with pytest.raises(MediaEmptyError) as info:
        probe(str(clips / "empty.mp4"))
    assert "empty.mp4" in str(info.value)

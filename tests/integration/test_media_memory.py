"""Streaming: memory does not grow with clip length, and no decoded frame is kept."""

import gc
import weakref

import psutil
import pytest
from media_fixtures import marker_frame, read_marker, write_video

from extract.media import iter_frames, probe

MINUTES = 10
FPS = 25


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("long") / "ten_minutes.mp4"
    tiles = [marker_frame(i, 64, 48) for i in range(256)]  # index mod 256 in the marker
    write_video(path, n_frames=MINUTES * 60 * FPS, fps=FPS, size=(64, 48), frame_fn=lambda i: tiles[i % 256])
    return path


def test_ten_minute_clip_streams_in_flat_memory(long_clip):
    proc = psutil.Process()
    samples = []  # (t_s, rss bytes)
    watched = []  # weak references to frames handed out earlier
    n = 0
    last_t = -1.0
    for frame in iter_frames(long_clip, fps=10):
        assert frame.t_s > last_t
        last_t = frame.t_s
        n += 1
        if frame.index % 100 == 0:
            samples.append((frame.t_s, proc.memory_info().rss))
            assert read_marker(frame.image) == frame.source_index % 256
        if frame.index % 1000 == 0:
            watched.append((weakref.ref(frame), weakref.ref(frame.image)))
    del frame
    gc.collect()
    # every frame was delivered, over the whole length
    assert n == pytest.approx(MINUTES * 60 * 10, abs=2)
    assert last_t == pytest.approx(MINUTES * 60 - 1 / FPS, abs=0.11)
    # nothing kept: the frames and pixel arrays handed out are gone once the caller drops them
    assert all(f() is None and img() is None for f, img in watched)
    # flat memory: after the first minute, RSS does not grow by more than 30 MB
    after_first_minute = [rss for t, rss in samples if t >= 60]
    baseline = after_first_minute[0]
    growth_mb = (max(after_first_minute) - baseline) / 1e6
    assert growth_mb < 30, f"RSS grew {growth_mb:.1f} MB while streaming a {MINUTES}-minute clip"
    # and the last minutes are no higher than the second one (no slow leak)
    late = [rss for t, rss in samples if t >= MINUTES * 60 - 60]
    assert (max(late) - baseline) / 1e6 < 30


def test_abandoning_the_iterator_releases_the_file(long_clip):
    """Breaking out early closes the container (no file handle left open)."""
    proc = psutil.Process()
    before = {f.path for f in proc.open_files()}
    gen = iter_frames(long_clip, fps=1)
    for frame in gen:
        if frame.index == 3:
            break
    gen.close()
    assert str(long_clip) not in {f.path for f in proc.open_files()} - before


def test_probe_of_long_clip(long_clip):
    info = probe(long_clip)
    assert info.duration_s == pytest.approx(MINUTES * 60, abs=0.1)
    assert info.video.n_frames == MINUTES * 60 * FPS
    assert info.video.vfr is False

"""Test media with known answers, built with PyAV (small, fast, deterministic).

Video frames carry their own index as a row of black/white cells (`marker_frame`, read back
by `read_marker`), and three coloured corners (red top-left, green top-right, blue
bottom-left, bottom-right left grey) so any rotation or flip shows. Audio is silence with a
tone burst at a known onset (`tone_burst`, found again by `onset_s`).

Imported by tests/unit and tests/integration (tests/conftest.py puts this folder on sys.path).
"""

from __future__ import annotations

import os
import struct
import threading
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import numpy as np

MARKER_BITS = 12  # frame index modulo 4096
GREY = 96
RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)

# Fast, single-threaded encoder settings (the test machine is small and shared).
ENCODER_OPTIONS = {
    "libx264": {"preset": "ultrafast", "crf": "18", "threads": "1"},
    "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8", "threads": "1", "crf": "20", "b": "0"},
    "mpeg4": {"threads": "1"},
}
AUDIO_FRAME_SIZE = {"aac": 1024, "libopus": 960, "libmp3lame": 1152, "libvorbis": 1024}


# ---------------------------------------------------------------- video frames with markers


def _cells(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """(y0, y1, x0, x1) of the marker cells: one row across the middle 80% of the width."""
    x0, x1 = int(width * 0.1), int(width * 0.9)
    y0, y1 = int(height * 0.4), int(height * 0.6)
    edges = np.linspace(x0, x1, MARKER_BITS + 1).astype(int)
    return [(y0, y1, int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=False)]


def marker_frame(index: int, width: int = 160, height: int = 120, *, noise: bool = False) -> np.ndarray:
    """(height, width, 3) uint8 RGB: index in binary cells (LSB left), coloured corners.

    `noise=True` adds coarse random texture outside the marker so every frame costs bytes
    (useful when a file is cut at a byte offset and the cut must land mid-stream).
    """
    img = np.full((height, width, 3), GREY, np.uint8)
    if noise:
        rng = np.random.default_rng(index)
        coarse = rng.integers(0, 255, (height // 8 + 1, width // 8 + 1, 1), dtype=np.uint8)
        img[:] = np.repeat(np.repeat(coarse, 8, 0), 8, 1)[:height, :width]
    c = max(4, min(width, height) // 5)  # corner size
    img[:c, :c] = RED
    img[:c, -c:] = GREEN
    img[-c:, :c] = BLUE
    img[-c:, -c:] = GREY
    for bit, (y0, y1, x0, x1) in enumerate(_cells(width, height)):
        img[y0:y1, x0:x1] = 255 if (index >> bit) & 1 else 0
    return img


def read_marker(image: np.ndarray) -> int:
    """The index written by `marker_frame`, read from an unrotated (possibly scaled) frame."""
    h, w = image.shape[:2]
    value = 0
    for bit, (y0, y1, x0, x1) in enumerate(_cells(w, h)):
        cy, cx = (y0 + y1) // 2, (x0 + x1) // 2
        if image[cy, cx].mean() > 128:
            value |= 1 << bit
    return value


def corner_colours(image: np.ndarray) -> dict[str, str]:
    """Which colour sits in each corner: {'tl': 'red', 'tr': ..., 'bl': ..., 'br': ...}."""
    h, w = image.shape[:2]
    d = max(2, min(h, w) // 20)
    spots = {
        "tl": image[d, d],
        "tr": image[d, w - 1 - d],
        "bl": image[h - 1 - d, d],
        "br": image[h - 1 - d, w - 1 - d],
    }
    names = {"red": RED, "green": GREEN, "blue": BLUE, "grey": (GREY, GREY, GREY)}
    out = {}
    for corner, px in spots.items():
        px = px.astype(int)
        out[corner] = min(names, key=lambda n: int(np.abs(px - np.array(names[n])).sum()))
    return out


# ---------------------------------------------------------------- writing clips


def write_video(
    path: str | Path,
    *,
    n_frames: int | None = None,
    fps: float = 25,
    times_s: list[float] | None = None,
    size: tuple[int, int] = (160, 120),
    codec: str = "libx264",
    time_base: Fraction = Fraction(1, 1000),
    rotation: int | None = None,
    noise: bool = False,
    frame_fn: Callable[[int], np.ndarray] | None = None,
    container_options: dict | None = None,
    audio: np.ndarray | None = None,
    audio_rate: int = 48000,
    audio_codec: str = "aac",
    audio_start_s: float = 0.0,
) -> list[float]:
    """Encode a clip of marker frames; return the rendered presentation times (s).

    Constant rate: `n_frames` at `fps`. Variable rate: `times_s` (one per frame), written as
    pts in `time_base`. `rotation`: display rotation, degrees counter-clockwise (display
    matrix, as phones write it). `audio`: (channels, n) float in [-1, 1], added as a second
    stream starting at `audio_start_s`.
    """
    width, height = size
    frame_fn = frame_fn or (lambda i: marker_frame(i, width, height, noise=noise))
    with av.open(str(path), mode="w", options=container_options or {}) as container:
        if times_s is None:
            stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
            times_s = [i / fps for i in range(n_frames)]
            pts = list(range(n_frames))
            tb = None
        else:
            stream = container.add_stream(codec, rate=Fraction(round(fps)))
            stream.codec_context.time_base = time_base
            stream.time_base = time_base
            pts = [int(round(t / time_base)) for t in times_s]
            tb = time_base
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = dict(ENCODER_OPTIONS.get(codec, {}))
        if codec == "mpeg4":
            stream.codec_context.bit_rate = 2_000_000
        if rotation is not None:
            stream.set_display_rotation(rotation)
        audio_at = iter(())  # audio frames, muxed alongside the video frames of the same time
        if audio is not None:
            astream = _add_audio_stream(container, audio, audio_rate, audio_codec)
            audio_at = _audio_chunks(container, astream, audio, audio_rate, audio_start_s)
        audio_t = next(audio_at, None)
        for i, p in enumerate(pts):
            while audio_t is not None and audio_t <= times_s[i]:
                audio_t = next(audio_at, None)
            frame = av.VideoFrame.from_ndarray(frame_fn(i), format="rgb24")
            frame.pts = p
            if tb is not None:
                frame.time_base = tb
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        for _ in audio_at:  # the rest of the audio, then its flush
            pass
    return list(times_s)


def write_audio(
    path: str | Path,
    signal: np.ndarray,
    *,
    sample_rate: int = 48000,
    codec: str = "pcm_s16le",
    start_s: float = 0.0,
    format: str | None = None,
    cover_art: bool = False,
) -> None:
    """Encode `signal` ((channels, n) or (n,) float in [-1, 1]) as an audio-only file.

    `cover_art`: also embed a JPEG picture as an attached-picture video stream (as music
    files and many phone voice memos do; works for mp3)."""
    signal = np.atleast_2d(signal)
    with av.open(str(path), mode="w", format=format) as container:
        stream = _add_audio_stream(container, signal, sample_rate, codec)
        if cover_art:
            pic = container.add_stream("mjpeg", rate=1)
            pic.width, pic.height, pic.pix_fmt = 64, 48, "yuvj420p"
            pic.disposition = av.stream.Disposition.attached_pic
            image = av.VideoFrame.from_ndarray(marker_frame(1, 64, 48), format="rgb24").reformat(
                format="yuvj420p"
            )
            container.mux(pic.encode(image))
            container.mux(pic.encode(None))
        _encode_audio(container, stream, signal, sample_rate, start_s)


def _add_audio_stream(container, signal: np.ndarray, rate: int, codec: str):
    layout = "mono" if np.atleast_2d(signal).shape[0] == 1 else "stereo"
    stream = container.add_stream(codec, rate=rate, layout=layout)
    if codec in ("libopus", "libvorbis", "libmp3lame", "aac"):
        stream.codec_context.bit_rate = 96_000
    return stream


def _encode_audio(container, stream, signal: np.ndarray, rate: int, start_s: float) -> None:
    for _ in _audio_chunks(container, stream, signal, rate, start_s):
        pass


def _audio_chunks(container, stream, signal: np.ndarray, rate: int, start_s: float):
    """Encode and mux `signal` frame by frame, yielding each frame's start time (s), so
    the caller can interleave it with video as real recorders do; flushes at the end."""
    signal = np.atleast_2d(signal).astype(np.float32)
    fmt = stream.codec_context.format.name
    fixed = stream.codec_context.name in AUDIO_FRAME_SIZE  # codecs that need whole frames
    n = AUDIO_FRAME_SIZE.get(stream.codec_context.name, 1024)
    offset = int(round(start_s * rate))
    for k in range(0, signal.shape[1], n):
        chunk = signal[:, k : k + n]
        if fixed and chunk.shape[1] < n:
            chunk = np.pad(chunk, ((0, 0), (0, n - chunk.shape[1])))
        if fmt.startswith("s16"):
            data = (np.clip(chunk, -1, 1) * 32767).astype(np.int16)
        elif fmt.startswith("s32"):
            data = (np.clip(chunk, -1, 1) * 2147483647).astype(np.int32)
        else:
            data = chunk
        if not fmt.endswith("p"):  # packed: interleave channels
            data = data.T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format=fmt, layout=stream.layout.name)
        frame.sample_rate = rate
        frame.pts = offset + k
        frame.time_base = Fraction(1, rate)
        container.mux(stream.encode(frame))
        yield (offset + k) / rate
    container.mux(stream.encode(None))


# ---------------------------------------------------------------- audio with a known onset


def tone_burst(
    *,
    duration_s: float = 3.0,
    onset_s: float = 1.234,
    burst_s: float = 0.5,
    sample_rate: int = 48000,
    freq_hz: float = 1000.0,
    amplitude: float = 0.5,
) -> np.ndarray:
    """(n,) float32: silence with a sine burst from `onset_s` for `burst_s`."""
    t = np.arange(int(round(duration_s * sample_rate))) / sample_rate
    inside = (t >= onset_s) & (t < onset_s + burst_s)
    return np.where(inside, amplitude * np.sin(2 * np.pi * freq_hz * (t - onset_s)), 0.0).astype(np.float32)


def onset_s(samples: np.ndarray, sample_rate: int, *, threshold: float = 0.5) -> float:
    """Time (s) where the 1 ms RMS envelope first reaches `threshold` x its maximum."""
    win = max(1, sample_rate // 1000)
    env = np.sqrt(np.convolve(samples.astype(np.float64) ** 2, np.ones(win) / win, mode="same"))
    return float(np.argmax(env >= threshold * env.max()) / sample_rate)


# ---------------------------------------------------------------- damage, rotation, timeouts


def cut_copy(src: str | Path, dst: str | Path, fraction: float = 0.5) -> Path:
    """Write the first `fraction` of the bytes of `src` to `dst` (a truncated download)."""
    data = Path(src).read_bytes()
    Path(dst).write_bytes(data[: int(len(data) * fraction)])
    return Path(dst)


def tkhd_matrices(path: str | Path) -> list[tuple[float, float, float, float]]:
    """(a, b, c, d) of every track header matrix in an mp4/mov, parsed from the bytes.

    ISO/IEC 14496-12 (8.3.2): a display point is (x', y') = (a x + c y + tx, b x + d y + ty),
    with x to the right and y down. This is what players apply; it does not go through FFmpeg.
    """
    data = Path(path).read_bytes()
    out = []

    def walk(start: int, end: int) -> None:
        pos = start
        while pos + 8 <= end:
            size, kind = struct.unpack(">I4s", data[pos : pos + 8])
            header = 8
            if size == 1:
                size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
                header = 16
            elif size == 0:
                size = end - pos
            if size < header:
                return
            if kind in (b"moov", b"trak"):
                walk(pos + header, pos + size)
            elif kind == b"tkhd":
                body = pos + header
                version = data[body]
                matrix_at = body + 4 + (32 if version == 1 else 20) + 16
                m = struct.unpack(">9i", data[matrix_at : matrix_at + 36])
                out.append(tuple(v / 65536 for v in (m[0], m[1], m[3], m[4])))
            pos += size

    walk(0, len(data))
    return out


def apply_display_matrix(image: np.ndarray, a: float, b: float, c: float, d: float) -> np.ndarray:
    """The picture a player shows for coded `image` under the tkhd matrix (quarter turns/flips)."""
    h, w = image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    cx, cy = xs + 0.5, ys + 0.5  # pixel centres
    dx, dy = a * cx + c * cy, b * cx + d * cy
    dx = np.round(dx - dx.min()).astype(int)  # the leftmost pixel centre lands in column 0
    dy = np.round(dy - dy.min()).astype(int)
    out = np.zeros((dy.max() + 1, dx.max() + 1) + image.shape[2:], image.dtype)
    out[dy, dx] = image[ys, xs]
    return out


def run_with_timeout(fn: Callable[[], object], timeout_s: float = 30.0):
    """Run `fn` in a daemon thread; return (result, exception, warnings). Fails on a hang."""
    box: dict = {}

    def target() -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                box["result"] = fn()
            except BaseException as exc:  # noqa: BLE001 - handed back to the test
                box["exc"] = exc
            box["warnings"] = list(caught)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise AssertionError(f"call did not return within {timeout_s} s (hang)")
    return box.get("result"), box.get("exc"), box.get("warnings", [])


# ---------------------------------------------------------------- the real recordings


def real_media_dir() -> tuple[Path | None, str]:
    """(folder, reason): ../shared/media beside the repo, or $DYADSCOPE_MEDIA if set."""
    env = os.environ.get("DYADSCOPE_MEDIA")
    if env:
        folder = Path(env).expanduser()
        if folder.is_dir():
            return folder, ""
        return None, f"DYADSCOPE_MEDIA={env} is not a folder"
    here = Path(__file__)
    candidates = [
        here.resolve().parents[1].parent / "shared" / "media",  # repo at <x>/main -> <x>/shared/media
        here.absolute().parents[1] / ".." / "shared" / "media",  # same, through a symlinked checkout
    ]
    for folder in candidates:
        if folder.is_dir():
            return folder.resolve(), ""
    return (
        None,
        f"real media not found (set DYADSCOPE_MEDIA; looked in {', '.join(str(c) for c in candidates)})",
    )

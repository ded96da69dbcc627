"""Decode speed: frames per second at 720p, and seconds per clip at the default analysis settings.

Makes a camcorder-like 720p H.264 clip (moving textured scene plus sensor noise, ~7 Mbit/s,
25 fps) in a temporary folder, then times, with medians over repeats:
  - full decode of every frame (no conversion), 1 thread and FFmpeg's choice;
  - iter_frames at the defaults (10 fps, longest side 640), with and without skipping
    non-reference frames;
  - audio demux to 16 kHz mono.
Run: .venv/bin/python benchmarks/decode_speed.py [--seconds 180] [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from extract.config import Config
from extract.media import iter_frames, read_audio


def make_camcorder_clip(
    path: Path, *, seconds: float, fps: int = 25, size=(1280, 720), bitrate=7_000_000
) -> None:
    """A moving gradient scene with blobs and per-frame noise, H.264 at `bitrate`, AAC audio."""
    rng = np.random.default_rng(0)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        vs.bit_rate = bitrate
        vs.options = {"preset": "veryfast", "g": "50"}
        aus = out.add_stream("aac", rate=48000)
        aus.layout = "stereo"
        n = int(seconds * fps)
        samples_per_frame = 48000 // fps
        for i in range(n):
            t = i / fps
            base = 120 + 60 * np.sin(xx / 90 + t) * np.cos(yy / 70 - 0.7 * t)
            cx, cy = w / 2 + 300 * np.sin(0.5 * t), h / 2 + 150 * np.cos(0.8 * t)
            blob = 90 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * 80.0**2))
            lum = base + blob + rng.normal(0, 12, (h, w))
            rgb = np.clip(np.stack([lum, lum * 0.9 + 10, lum * 0.8 + 20], -1), 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(vs.encode(frame))
            tone = 0.1 * np.sin(
                2 * np.pi * 220 * (np.arange(samples_per_frame) + i * samples_per_frame) / 48000
            )
            audio = av.AudioFrame.from_ndarray(
                np.stack([tone, tone]).astype(np.float32), format="fltp", layout="stereo"
            )
            audio.sample_rate, audio.pts = 48000, i * samples_per_frame
            out.mux(aus.encode(audio))
        out.mux(vs.encode(None))
        out.mux(aus.encode(None))


def decode_all(path: Path, threads: int) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.thread_count = threads
        return sum(1 for _ in container.decode(stream))


def timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="clip length (s)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cfg = Config().video
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "camcorder_720p.mp4"
        made, _ = timed(lambda: make_camcorder_clip(clip, seconds=args.seconds), 1)
        mbit = clip.stat().st_size * 8 / args.seconds / 1e6
        print(
            f"# {platform.processor() or platform.machine()}, {platform.python_version()}, PyAV "
            f"{av.__version__}"
        )
        print(
            f"# clip: 1280x720 25 fps H.264 {args.seconds:.0f} s, {mbit:.1f} Mbit/s (made in {made:.0f} s); "
            f"median of {args.repeats}\n"
        )
        print("| what | threads | seconds | source frames/s | analysis frames |")
        print("|---|---|---|---|---|")
        n_src = None
        for threads in (1, 0):
            sec, n_src = timed(lambda threads=threads: decode_all(clip, threads), args.repeats)
            print(f"| full decode, every frame | {threads or 'auto'} | {sec:.2f} | {n_src / sec:.0f} | - |")
        for threads in (1, 0):
            for skip in (False, True):

                def run(threads=threads, skip=skip):
                    return sum(
                        1
                        for _ in iter_frames(
                            clip,
                            fps=cfg.analysis_fps,
                            longest_side=cfg.longest_side,
                            threads=threads,
                            skip_nonref=skip,
                        )
                    )

                sec, n = timed(run, args.repeats)
                label = f"iter_frames {cfg.analysis_fps:g} fps, longest side {cfg.longest_side}" + (
                    ", skip non-ref" if skip else ""
                )
                print(f"| {label} | {threads or 'auto'} | {sec:.2f} | {n_src / sec:.0f} | {n} |")
        sec, track = timed(lambda: read_audio(clip), args.repeats)
        print(f"| audio demux to 16 kHz mono | - | {sec:.2f} | - | {len(track.samples)} samples |")


if __name__ == "__main__":
    main()

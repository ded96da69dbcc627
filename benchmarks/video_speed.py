"""Video extraction speed on one core: a rendered 3-minute 720p 25 fps dyad clip at the defaults.

Renders the clip once (cached in --workdir), then runs, each in a fresh child process pinned
to one CPU core:
  - decode only: iter_frames at the default analysis settings (10 fps, longest side 640);
  - video extraction: extract.video.run.video_signals at the defaults (faces, tracking,
    roles, face mesh, pose every 5th frame, motion energy), with time per MediaPipe stage.
Prints seconds, real-time factor (video seconds per wall second), peak RSS of each child.
Run: .venv/bin/python benchmarks/video_speed.py [--seconds 180] [--core 0] [--workdir /tmp/dyadscope_bench]
[--noisy]
--noisy re-encodes the render with sensor noise at 7 Mbit/s, so decoding costs what a camcorder clip costs.
A shorter --seconds extrapolates linearly to 180 s (stated in the output).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _render(path: Path, seconds: float) -> None:
    from extract.render import build_script, render_clip

    render_clip(path, build_script(sensitivity=0.5, seed=3, duration_s=seconds), fps=25, size=(1280, 720))


def _noisy_copy(src: Path, dst: Path, *, bitrate: int = 7_000_000, sigma: float = 6.0) -> None:
    """Re-encode `src` with per-frame sensor-like noise at a camcorder bitrate (decoding gets
    about as slow as a real camcorder clip's)."""
    import av
    import numpy as np

    rng = np.random.default_rng(0)
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        vin = inp.streams.video[0]
        vs = out.add_stream("libx264", rate=vin.average_rate)
        vs.width, vs.height, vs.pix_fmt = vin.width, vin.height, "yuv420p"
        vs.bit_rate = bitrate
        vs.options = {"preset": "veryfast", "g": "50"}
        for frame in inp.decode(vin):
            img = frame.to_ndarray(format="rgb24").astype(np.int16)
            img += rng.normal(0, sigma, img.shape[:2] + (1,)).astype(np.int16)
            out.mux(
                vs.encode(av.VideoFrame.from_ndarray(np.clip(img, 0, 255).astype(np.uint8), format="rgb24"))
            )
        out.mux(vs.encode(None))


def _child(mode: str, clip: str, core: int, config: str | None) -> dict:
    os.sched_setaffinity(0, {core})
    from extract.config import load_config

    cfg = load_config(config)
    started = time.perf_counter()
    stages: dict[str, float] = {}
    if mode == "decode":
        from extract.media import iter_frames

        n = sum(
            1
            for _ in iter_frames(
                clip,
                fps=cfg.video.analysis_fps,
                longest_side=cfg.video.longest_side,
                threads=cfg.video.decoder_threads,
                skip_nonref=cfg.video.skip_nonref_frames,
            )
        )
    else:
        from extract.video.backend import MediaPipeSolutions
        from extract.video.run import video_signals

        backend = MediaPipeSolutions.from_config(cfg.faces, cfg.pose)
        for name in ("detect_faces", "face_mesh", "pose"):  # time each MediaPipe stage
            fn = getattr(backend, name)

            def timed(*a, _fn=fn, _name=name, **k):
                t0 = time.perf_counter()
                try:
                    return _fn(*a, **k)
                finally:
                    stages[_name] = stages.get(_name, 0.0) + time.perf_counter() - t0

            setattr(backend, name, timed)
        result = video_signals(clip, cfg, backend=backend)
        n = len(result.table)
    return {
        "mode": mode,
        "frames": n,
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": _peak_rss_mb(),
        "stages": stages,
    }


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: on Linux ru_maxrss carries the parent's peak
    across fork + exec, so a child of the rendering parent would report the render's memory."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--core", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dyadscope_bench"))
    ap.add_argument("--config", help="YAML overriding the defaults (to compare settings)")
    ap.add_argument("--only", choices=("decode", "extract"), help="run one stage only")
    ap.add_argument(
        "--noisy",
        action="store_true",
        help="re-encode with sensor noise at 7 Mbit/s (camcorder-like decoding cost)",
    )
    ap.add_argument("--child", nargs=2, metavar=("MODE", "CLIP"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], args.child[1], args.core, args.config)))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    clip = args.workdir / f"dyad_720p_{int(args.seconds)}s.mp4"
    if not clip.exists():
        t0 = time.perf_counter()
        _render(clip, args.seconds)
        print(f"rendered {clip} in {time.perf_counter() - t0:.0f} s")
    if args.noisy:
        noisy = clip.with_name(clip.stem + "_noisy.mp4")
        if not noisy.exists():
            _noisy_copy(clip, noisy)
        clip = noisy
    scale = 180.0 / args.seconds
    print(
        f"clip: {args.seconds:.0f} s, 1280x720, 25 fps (rendered{', noisy 7 Mbit/s' if args.noisy else ''}); "
        f"one core (#{args.core}); config: {args.config or 'defaults'}"
    )
    print(f"{'stage':<12} {'frames':>6} {'seconds':>8} {'per 3 min':>10} {'x real time':>11} {'peak RSS':>9}")
    for mode in [args.only] if args.only else ("decode", "extract"):
        extra = ["--config", args.config] if args.config else []
        out = subprocess.run(
            [sys.executable, __file__, "--core", str(args.core), *extra, "--child", mode, str(clip)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{mode:<12} {r['frames']:>6} {r['seconds']:>8.1f} {r['seconds'] * scale:>9.1f}s "
            f"{args.seconds / r['seconds']:>10.1f}x "
            f"{r['peak_rss_mb']:>7.0f}MB"
        )
        for name, s in r["stages"].items():
            print(f"  {name:<10} {s:>14.1f} s  ({1000 * s / max(r['frames'], 1):.1f} ms/frame)")
    if scale != 1:
        print(f"'per 3 min' extrapolates linearly from {args.seconds:.0f} s")


if __name__ == "__main__":
    main()

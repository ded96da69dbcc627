"""Batch throughput: seconds per clip, peak RSS per worker, clips per hour with 1 and 2 workers.

Renders one 3-minute 720p 25 fps dyad clip (extract.render), links it under K clip ids, and
runs `run_batch` at the default config with --jobs 1 and --jobs 2 (decoder threads 1 per
worker), against decode-only time for the same clip. Peak RSS is sampled every 0.2 s over
the worker processes. Run: .venv/bin/python benchmarks/batch_throughput.py [--clips 4]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import psutil

from extract.batch import BatchOptions, run_batch
from extract.batch.inputs import ClipInput
from extract.config import config_from_dict
from extract.media import iter_frames
from extract.render import build_script, render_clip


class PeakChildRSS:
    """Samples the RSS of every descendant process; keeps each one's peak."""

    def __init__(self, interval_s: float = 0.2):
        self.interval_s, self.peaks, self._stop = interval_s, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            for child in me.children(recursive=True):
                try:
                    self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), child.memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(self.interval_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=4, help="copies of the clip per batch")
    parser.add_argument("--seconds", type=float, default=180.0)
    args = parser.parse_args()
    cfg = config_from_dict({"video": {"decoder_threads": 1}})
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clip = tmp / "dyad_720p.mp4"
        started = time.perf_counter()
        render_clip(
            clip, build_script(sensitivity=0.6, seed=1, duration_s=args.seconds), fps=25, size=(1280, 720)
        )
        print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"# clip: rendered dyad, 1280x720 25 fps, {args.seconds:.0f} s (rendered in "
            f"{time.perf_counter() - started:.0f} s); {args.clips} copies per batch\n"
        )
        started = time.perf_counter()
        n = sum(
            1
            for _ in iter_frames(
                clip, fps=cfg.video.analysis_fps, longest_side=cfg.video.longest_side, threads=1
            )
        )
        decode = time.perf_counter() - started
        print("| what | workers | wall s | worker-s per clip | clips per hour | peak RSS per worker (MB) |")
        print("|---|---|---|---|---|---|")
        print(
            f"| decode only (iter_frames, {n} analysis frames) | 1 | {decode:.1f} | {decode:.1f} | "
            f"{3600 / decode:.0f} | - |"
        )
        clips = []
        for i in range(args.clips):
            os.link(clip, tmp / f"copy{i}.mp4")
            clips.append(ClipInput(f"copy{i}", tmp / f"copy{i}.mp4"))
        for jobs in (1, 2):
            with PeakChildRSS() as rss:
                started = time.perf_counter()
                run_batch(clips, tmp / f"out{jobs}", cfg, options=BatchOptions(jobs=jobs))
                wall = time.perf_counter() - started
            peak = max(rss.peaks.values()) / 2**20 if rss.peaks else float("nan")
            per_clip = wall * jobs / len(clips)
            print(
                f"| extract, default config | {jobs} | {wall:.1f} | {per_clip:.1f} | "
                f"{3600 * len(clips) / wall:.0f} | {peak:.0f} |"
            )


if __name__ == "__main__":
    main()

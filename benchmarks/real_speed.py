"""Whole-pipeline speed on the real clips, one core: dyadscope against decoding and a naive script.

Every clip in ../shared/media/video (or --media), each mode in a fresh child process pinned to
one CPU core, all clips one after another in that process as one batch worker runs them:
  - decode: decode every frame of every clip (PyAV, one thread), no conversion: the floor;
  - naive: a script that decodes every frame and runs MediaPipe's face mesh (two faces,
    tracking mode) on the whole frame every third frame, nothing else;
  - dyadscope: extract.batch.pipeline.extract_clip at the default config into a temporary
    folder (video, audio, affect, moments, features, every output file), one decoder thread.
Per mode: total seconds, x real time (video seconds / wall seconds), peak RSS; for dyadscope also
the fixed cost per clip (intercept of a straight-line fit of clip seconds on clip duration,
first clip excluded) and the first clip's extra cost. Medians over --repeats.
--fixed: also the fixed cost per clip in a warm worker, from a 1 s and an 11 s render (cached in --workdir).
Run: .venv/bin/python benchmarks/real_speed.py [--repeats 3] [--core 0] [--profile] [--fixed]
--profile: one dyadscope pass under cProfile; prints the top functions by own time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "| mode | s, all clips (runs) | x real time | peak RSS MB | fixed s per clip | first clip extra s |"
MEDIA = Path(__file__).resolve().parents[1].parent / "shared" / "media" / "video"


def _decode(clips: list[str]) -> list[float]:
    import av

    out = []
    for clip in clips:
        started = time.perf_counter()
        with av.open(clip) as box:
            stream = box.streams.video[0]
            stream.thread_count = 1
            for _ in box.decode(stream):
                pass
        out.append(time.perf_counter() - started)
    return out


def _naive(clips: list[str]) -> list[float]:
    import av
    import mediapipe as mp

    out = []
    for clip in clips:
        started = time.perf_counter()
        with (
            av.open(clip) as box,
            mp.solutions.face_mesh.FaceMesh(max_num_faces=2, refine_landmarks=True) as mesh,
        ):
            stream = box.streams.video[0]
            stream.thread_count = 1
            for i, frame in enumerate(box.decode(stream)):
                if i % 3 == 0:
                    mesh.process(frame.to_ndarray(format="rgb24"))
        out.append(time.perf_counter() - started)
    return out


def _dyadscope(clips: list[str], config: str | None) -> list[float]:
    from extract.batch.inputs import ClipInput
    from extract.batch.pipeline import extract_clip
    from extract.config import load_config

    cfg = load_config(config)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for clip in clips:
            started = time.perf_counter()
            item = ClipInput(clip_id=Path(clip).stem, path=Path(clip))
            qc = extract_clip(item, Path(tmp), cfg, decoder_threads=1)
            if qc["status"] == "failed":
                raise RuntimeError(f"{clip}: {qc['error']}")
            out.append(time.perf_counter() - started)
    return out


def _fixed_cost(config: str | None, workdir: Path, repeats: int = 5) -> dict:
    """Fixed cost per clip in a warm worker: median extract_clip seconds of a 1 s and an 11 s render of
    the same dyad; fixed = t1 - (t11 - t1) / 10 (the per-second cost taken out)."""
    from extract.render import build_script, render_clip

    clips = []
    for seconds in (1, 11):
        clip = workdir / f"fixed_{seconds}s.mp4"
        if not clip.exists():
            render_clip(clip, build_script(sensitivity=0.6, seed=1, duration_s=float(seconds)), fps=25)
        clips.append(str(clip))
    _dyadscope(clips, config)  # warm: graphs built, first frames run
    t1, t11 = (statistics.median(_dyadscope([c], config)[0] for _ in range(repeats)) for c in clips)
    return {"t1": t1, "t11": t11, "fixed": t1 - (t11 - t1) / 10}


def _child(mode: str, clips: list[str], core: int, config: str | None, profile: bool) -> dict:
    os.sched_setaffinity(0, {core})
    if mode == "fixed":
        return _fixed_cost(config, Path(clips[0]))
    run = {"decode": _decode, "naive": _naive}.get(mode) or (lambda c: _dyadscope(c, config))
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        seconds = prof.runcall(run, clips)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    else:
        seconds = run(clips)
    return {"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _spawn(mode: str, clips: list[str], core: int, config: str | None, profile: bool = False) -> dict:
    args = [sys.executable, __file__, "--child", mode, "--core", str(core), "--clips", json.dumps(clips)]
    args += ["--config", config] if config else []
    args += ["--profile"] if profile else []
    res = subprocess.run(args, capture_output=True, text=True, check=False)
    if res.returncode:
        raise RuntimeError(f"{mode} child failed:\n{res.stderr[-3000:]}")
    if profile:
        print(res.stderr[-12000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def _fit(durations: list[float], seconds: list[float]) -> tuple[float, float]:
    """(fixed cost per clip, the first clip's extra cost) s: the intercept of seconds ~ a + b * duration
    over the clips after the first, and the first clip's excess over that line."""
    import numpy as np

    slope, intercept = np.polyfit(durations[1:], seconds[1:], 1)
    return float(intercept), float(seconds[0] - intercept - slope * durations[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--media", default=str(MEDIA))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--core", type=int, default=0)
    ap.add_argument("--config")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--fixed", action="store_true", help="also measure the fixed cost on renders")
    ap.add_argument("--workdir", default="/tmp/dyadscope_bench")
    ap.add_argument("--modes", default="decode,naive,dyadscope")
    ap.add_argument("--child")
    ap.add_argument("--clips")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, json.loads(args.clips), args.core, args.config, args.profile)))
        return
    from extract.media import probe

    clips = sorted(str(p) for p in Path(args.media).iterdir() if p.suffix.lower() in (".mp4", ".mov"))
    durations = [probe(c).duration_s for c in clips]
    total = sum(durations)
    print(f"{len(clips)} clips, {total:.1f} s of video; one core (#{args.core}); {args.repeats} repeats")
    if args.profile:
        _spawn("dyadscope", clips, args.core, args.config, profile=True)
        return
    runs = {m: [] for m in args.modes.split(",")}
    for _ in range(args.repeats):
        for mode in runs:
            runs[mode].append(_spawn(mode, clips, args.core, args.config))
    print(HEADER)
    print("|---|---|---|---|---|---|")
    medians = {}
    for mode, reps in runs.items():
        sums = [sum(r["seconds"]) for r in reps]
        med = medians[mode] = statistics.median(sums)
        fits = [_fit(durations, r["seconds"]) for r in reps]
        fixed = statistics.median(f[0] for f in fits)
        first = statistics.median(f[1] for f in fits)
        rss = statistics.median(r["rss_mb"] for r in reps)
        runs_txt = ", ".join(f"{s:.1f}" for s in sums)
        cells = [f"{med:.1f} ({runs_txt})", f"{total / med:.1f}", f"{rss:.0f}", f"{fixed:.2f}"]
        cells.append(f"{first:.2f}")
        print(f"| {mode} | " + " | ".join(cells) + " |")
    if args.fixed:
        fixed = _spawn("fixed", [args.workdir], args.core, args.config)
        print(
            f"fixed cost per clip in a warm worker: {fixed['fixed']:.2f} s "
            f"(1 s render {fixed['t1']:.2f} s, 11 s render {fixed['t11']:.2f} s, medians of 5)"
        )
    if "dyadscope" in medians:
        for base in ("decode", "naive"):
            if base in medians:
                print(f"dyadscope / {base}: {medians['dyadscope'] / medians[base]:.1f}x")


if __name__ == "__main__":
    main()

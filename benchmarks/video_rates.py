"""Analysis rates per signal: how much clip-level video features change against a full-rate run.

Renders (or reuses, in --workdir) the same kind of dyad clip as video_speed.py, shorter:
1280x720, 25 fps, --seconds long (default 60). Runs extract.video.run.video_signals on one core
at a full-rate reference (analysis 25 fps, pose every frame) and at cheaper settings
(video.analysis_fps : pose.every_n_frames, all other settings default), builds the clip features
(extract.features.registry.clip_features) of each, and prints per setting: seconds, the absolute
and relative difference of key features vs the reference, the median relative difference over
the face-, pose- and motion-derived features, and agreement with the render's truth sidecar
(per-frame r of smile, mouth opening and face distance; clip-mean distance error).
--clip PATH runs the comparison on a real recording instead (no truth; give a reference at its
frame rate, e.g. --settings 30:1 10:1 10:5). Frame tables are cached in --workdir/rates_<clip>/
(outside the repo; pass --fresh to re-run).
Run: .venv/bin/python benchmarks/video_rates.py [--seconds 60] [--core 0] [--settings 25:1 10:5 ...] [--clip
PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from video_speed import _render  # same rendered dyad (seed 3, sensitivity 0.5) as the speed benchmark

REFERENCE = "25:1"
SETTINGS = ("25:1", "25:5", "10:1", "10:2", "10:5", "10:10", "5:1", "5:2")

# key clip-level features: (name, group)
KEY = (
    ("face.adult.smile.mean", "face"),
    ("face.infant.smile.mean", "face"),
    ("face.adult.mouth_open.mean", "face"),
    ("face.infant.mouth_open.mean", "face"),
    ("face.infant.mouth_open.sd", "face"),
    ("head.adult.yaw_deg.sd", "face"),
    ("head.infant.yaw_deg.sd", "face"),
    ("head.infant.facing_partner_deg.mean", "face"),
    ("dyad.distance_adult_fw.mean", "face"),
    ("face.infant.face_motion.mean", "face"),
    ("smile.shared.share", "face"),
    ("sync.smile.peak_r.mean", "face"),
    ("sync.head.peak_r.mean", "face"),
    ("body.adult.torso_yaw_deg.mean", "pose"),
    ("body.infant.torso_yaw_deg.mean", "pose"),
    ("body.adult.lean_partner_fw.mean", "pose"),
    ("body.infant.lean_partner_fw.mean", "pose"),
    ("dyad.adult_hand_infant_fw.mean", "pose"),
    ("dyad.touch.share", "pose"),
    ("motion.adult.motion_energy.mean", "motion"),
    ("motion.infant.motion_energy.mean", "motion"),
    ("sync.motion.peak_r.mean", "motion"),
    ("activity.bursts.per_min", "motion"),
)


def _group(name: str) -> str | None:
    """Which per-frame signal family a clip feature comes from (None: qc/meta, not compared)."""
    if name.startswith(("body.", "dyad.adult_hand", "dyad.touch")):
        return "pose"
    if name.startswith(("motion.", "sync.motion.", "activity.")):
        return "motion"
    if name.startswith(
        (
            "face.",
            "head.",
            "gaze.",
            "smile.",
            "dyad.distance",
            "dyad.mutual",
            "proximity.",
            "sync.smile.",
            "sync.head.",
            "sync.face_motion.",
        )
    ):
        return "face"
    return None


def _config(setting: str):
    from extract.config import config_from_dict

    fps, every = setting.split(":")
    return config_from_dict(
        {"video": {"analysis_fps": float(fps)}, "pose": {"every_n_frames": int(every)}}, source=setting
    )


def _extract(clip: Path, setting: str, cache: Path, fresh: bool) -> tuple[pd.DataFrame, float, dict]:
    """Frame table, extraction seconds and QC of `clip` at `setting` (cached)."""
    from extract.video.run import video_signals

    table_path, meta_path = (
        cache / f"{setting.replace(':', '_')}.parquet",
        cache / f"{setting.replace(':', '_')}.json",
    )
    if table_path.exists() and meta_path.exists() and not fresh:
        meta = json.loads(meta_path.read_text())
        return pd.read_parquet(table_path), meta["seconds"], meta["qc"]
    started = time.perf_counter()
    result = video_signals(clip, _config(setting))
    seconds = time.perf_counter() - started
    qc = {
        k: (float(v) if isinstance(v, (int, float, np.floating, np.integer)) else v)
        for k, v in result.qc.items()
    }
    result.table.to_parquet(table_path)
    meta_path.write_text(json.dumps({"seconds": seconds, "qc": qc}, default=str))
    return result.table, seconds, qc


def _truth_agreement(table: pd.DataFrame, truth: pd.DataFrame, fps: float) -> dict[str, float]:
    """Per-frame r with the truth (matched by frame index) and the clip-mean distance error."""
    rows = truth.set_index("frame").reindex(np.rint(table["t_s"].to_numpy(float) * fps).astype(int))
    out = {}
    for col in ("adult.smile", "infant.smile", "infant.mouth_open", "dyad.distance_adult_fw"):
        x, y = table[col].to_numpy(float), rows[col].to_numpy(float)
        ok = np.isfinite(x) & np.isfinite(y)
        varies = ok.sum() > 2 and np.std(x[ok]) > 0 and np.std(y[ok]) > 0
        out[f"r {col}"] = float(np.corrcoef(x[ok], y[ok])[0, 1]) if varies else np.nan
    d = table["dyad.distance_adult_fw"].to_numpy(float)
    out["dist mean err %"] = 100 * (np.nanmean(d) / truth["dyad.distance_adult_fw"].mean() - 1)
    return out


def _rel(x: float, ref: float) -> float:
    return abs(x - ref) / abs(ref) if np.isfinite(x) and np.isfinite(ref) and abs(ref) > 1e-9 else np.nan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--core", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dyadscope_bench"))
    ap.add_argument(
        "--settings",
        nargs="+",
        default=list(SETTINGS),
        help=f"analysis_fps:pose_every_n; the first is the reference ({REFERENCE})",
    )
    ap.add_argument("--fresh", action="store_true", help="ignore cached frame tables")
    ap.add_argument("--clip", type=Path, help="a real clip instead of the render (no truth comparison)")
    args = ap.parse_args()
    os.sched_setaffinity(0, {args.core})
    from extract.config import Config
    from extract.features.registry import clip_features
    from extract.render import read_truth

    args.workdir.mkdir(parents=True, exist_ok=True)
    clip = args.clip or args.workdir / f"dyad_720p_{int(args.seconds)}s.mp4"
    if not clip.exists():
        t0 = time.perf_counter()
        _render(clip, args.seconds)
        print(f"rendered {clip} in {time.perf_counter() - t0:.0f} s")
    truth_json = clip.with_suffix(".truth.json")
    truth_doc, truth = read_truth(truth_json) if truth_json.exists() else (None, None)
    cache = args.workdir / f"rates_{clip.stem}"
    cache.mkdir(exist_ok=True)
    what = (
        f"{clip.name} (real)" if args.clip else f"{args.seconds:.0f} s, 1280x720, 25 fps (rendered, seed 3)"
    )
    print(f"clip: {what}; one core (#{args.core}); setting = analysis fps : pose every n frames")

    runs = {}
    for s in args.settings:
        table, seconds, qc = _extract(clip, s, cache, args.fresh)
        features, _ = clip_features(table, Config())
        runs[s] = (table, seconds, qc, features)
    ref = runs[args.settings[0]][3]
    duration = ref["clip.video.duration_s"]

    # summary per setting
    names = {
        g: [n for n in ref if _group(n) == g and np.isfinite(ref[n])] for g in ("face", "pose", "motion")
    }
    print(
        f"\n{'setting':<7} {'pose/s':>6} {'seconds':>7} {'per 3 min':>9} {'both %':>6} {'pose a/i %':>10}   "
        f"median |rel diff| vs {args.settings[0]}: "
        f"key face / pose / motion  (all face n={len(names['face'])} / pose n={len(names['pose'])} / motion "
        f"n={len(names['motion'])})"
    )
    for s, (_table, seconds, qc, f) in runs.items():
        fps, every = s.split(":")
        med = {}
        for g in ("face", "pose", "motion"):
            med[g] = np.nanmedian([_rel(f[n], ref[n]) for n, gg in KEY if gg == g] or [np.nan])
            med["all " + g] = np.nanmedian([_rel(f.get(n, np.nan), ref[n]) for n in names[g]] or [np.nan])
        print(
            f"{s:<7} {float(fps) / int(every):>6.1f} {seconds:>7.1f} {seconds * 180 / duration:>8.1f}s "
            f"{100 * qc['face_share_both']:>6.1f} "
            f"{100 * qc['pose_share_adult']:>4.0f}/{100 * qc['pose_share_infant']:<4.0f}      "
            f"{100 * med['face']:>5.1f}% / {100 * med['pose']:>5.1f}% / {100 * med['motion']:>5.1f}%   "
            f"({100 * med['all face']:.1f}% / {100 * med['all pose']:.1f}% / {100 * med['all motion']:.1f}%)"
        )

    # key features: reference value, then per setting absolute diff (relative diff)
    others = args.settings[1:]
    print(
        f"\n{'feature (reference value)':<48}"
        + "".join(f"{s:>17}" for s in others)
        + "    [abs diff (rel diff) vs reference]"
    )
    for name, _ in KEY:
        r = ref.get(name, np.nan)
        cells = "".join(
            f"{runs[s][3].get(name, np.nan) - r:>+9.3g} "
            f"({100 * _rel(runs[s][3].get(name, np.nan), r):>4.0f}%)"
            for s in others
        )
        print(f"{name + f' ({r:.3g})':<48}{cells}")

    # agreement with the truth sidecar (face signals only: the render has no pose truth)
    if truth is None:
        return
    print(
        f"\ntruth ({truth_doc['n_frames']} frames): per-frame r at matched frames; clip-mean face distance "
        "error"
    )
    agree = {s: _truth_agreement(runs[s][0], truth, truth_doc["fps"]) for s in args.settings}
    cols = list(next(iter(agree.values())))
    print(f"{'setting':<7}" + "".join(f"{c:>26}" for c in cols))
    for s, a in agree.items():
        print(f"{s:<7}" + "".join(f"{a[c]:>26.3f}" for c in cols))


if __name__ == "__main__":
    main()

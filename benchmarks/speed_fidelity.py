"""Fidelity of a faster front-end: clip features of one code version against another's.

  extract LABEL: run extract.batch.pipeline.extract_clip at the default config (or --config) on
    every real clip in ../shared/media/video and on the rendered 60 s dyad of video_rates.py, and
    save {clip: features} to --workdir/LABEL.json. Run it with PYTHONPATH pointing at the code
    version to measure (a git worktree of the old commit for the reference).
  compare REF NEW: per family (face, pose, motion; video_rates._group) the median over clips of
    the median |feature - reference| / |reference| over the family's finite features, the worst
    clip, and the features that moved most.
Run: .venv/bin/python benchmarks/speed_fidelity.py extract base; ... compare base new
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from video_rates import _group, _rel
from video_speed import _render

MEDIA = Path(__file__).resolve().parents[1].parent / "shared" / "media" / "video"
FAMILIES = ("face", "pose", "motion")


def _extract(label: str, workdir: Path, config: str | None) -> None:
    from extract.batch.inputs import ClipInput
    from extract.batch.pipeline import extract_clip
    from extract.config import load_config

    cfg = load_config(config)
    render = workdir / "render_60s.mp4"
    if not render.exists():
        _render(render, 60.0)
    clips = [render, *sorted(p for p in MEDIA.iterdir() if p.suffix.lower() in (".mp4", ".mov"))]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for clip in clips:
            extract_clip(ClipInput(clip.stem, clip), Path(tmp), cfg, decoder_threads=1)
            doc = json.loads((Path(tmp) / "clips" / clip.stem / "features.json").read_text())
            out[clip.stem] = {k: v for k, v in doc["features"].items() if isinstance(v, (int, float))}
            print(clip.stem, flush=True)
    (workdir / f"{label}.json").write_text(json.dumps(out))


def _compare(ref_label: str, new_label: str, workdir: Path) -> None:
    ref = json.loads((workdir / f"{ref_label}.json").read_text())
    new = json.loads((workdir / f"{new_label}.json").read_text())
    per_clip = {fam: {} for fam in FAMILIES}
    moved: dict[str, list[float]] = {}
    for clip, feats in ref.items():
        diffs = {fam: [] for fam in FAMILIES}
        for name, value in feats.items():
            fam = _group(name)
            if fam is None or name not in new[clip]:
                continue
            d = _rel(float(new[clip][name]), float(value))
            if np.isfinite(d):
                diffs[fam].append(d)
                moved.setdefault(name, []).append(d)
        for fam in FAMILIES:
            if diffs[fam]:
                per_clip[fam][clip] = float(np.median(diffs[fam]))
    print("| family | clips | median over clips of median \\|rel diff\\| | rendered clip | worst clip |")
    print("|---|---|---|---|---|")
    for fam, clips in per_clip.items():
        if not clips:
            continue
        worst = max(clips, key=clips.get)
        render = clips.get("render_60s", np.nan)
        print(
            f"| {fam} | {len(clips)} | {100 * np.median(list(clips.values())):.1f} % | {100 * render:.1f} % "
            f"| {worst} {100 * clips[worst]:.1f} % |"
        )
    top = sorted(moved, key=lambda n: -np.median(moved[n]))[:8]
    listed = ", ".join(f"{n} {100 * np.median(moved[n]):.0f} %" for n in top)
    print(f"most moved (median |rel diff| over clips): {listed}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=("extract", "compare"))
    ap.add_argument("labels", nargs="+")
    ap.add_argument("--workdir", default="/tmp/dyadscope_bench")
    ap.add_argument("--config")
    args = ap.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if args.action == "extract":
        _extract(args.labels[0], workdir, args.config)
    else:
        _compare(args.labels[0], args.labels[1], workdir)


if __name__ == "__main__":
    main()

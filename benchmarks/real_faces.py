"""Real-footage face benchmark: dyadscope's frame tables against the hand annotations in
tests/data/real_faces.csv (how they were made: tests/data/README.md).

Per clip and overall: role-correct face recall per role (centre within 0.15), recall with
landmarks, faces under the wrong role, faces reported while not visible, visible faces marked
covered, per-signal coverage of visible faces, role cue and confidence, seconds.
Run: .venv/bin/python benchmarks/real_faces.py [--clips SUBSTR ...] [--csv OUT]
[--set section.key=value ...] (e.g. --set faces.edge_pad=0 to measure one lever)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from media_fixtures import real_media_dir  # noqa: E402
from real_faces_scoring import load_annotations, match_rows, score  # noqa: E402

from extract.config import config_from_dict  # noqa: E402
from extract.video.run import video_signals  # noqa: E402

SHOWN = [
    "recall_adult",
    "recall_infant",
    "landmarks_adult",
    "landmarks_infant",
    "wrong_role",
    "reported_not_visible",
    "n_visible_adult",
    "n_visible_infant",
    "n_not_visible",
]


def _overrides(pairs: list[str]) -> dict:
    """['faces.edge_pad=0'] -> {'faces': {'edge_pad': 0}} (values read as YAML)."""
    out: dict = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        *path, last = key.split(".")
        node = out
        for part in path:
            node = node.setdefault(part, {})
        node[last] = yaml.safe_load(value)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", nargs="*", default=[], help="only clips whose name contains one of these")
    ap.add_argument("--csv", type=Path, help="also write the per-clip table here")
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="config overrides")
    args = ap.parse_args()
    cfg = config_from_dict(_overrides(args.set))
    media, why = real_media_dir()
    if media is None:
        sys.exit(why)
    ann = load_annotations()
    rows, matched = [], []
    for clip, a in ann.groupby("clip", sort=True):
        if args.clips and not any(s in clip for s in args.clips):
            continue
        started = time.perf_counter()
        r = video_signals(media / "video" / f"{clip}.mp4", cfg)
        m = match_rows(r.table, a)
        matched.append(m)
        rows.append(
            {
                "clip": clip,
                **score(m),
                "role_cue": r.qc["role_cue"],
                "role_conf": r.qc["role_confidence"],
                "s": time.perf_counter() - started,
            }
        )
    per_clip = pd.DataFrame(rows).set_index("clip")
    overall = score(pd.concat(matched))
    pd.set_option("display.width", 200)
    print(per_clip[SHOWN + ["role_cue", "role_conf", "s"]].round(3).to_string())
    print("\noverall:", {k: round(v, 3) for k, v in overall.items()})
    if args.csv:
        per_clip.to_csv(args.csv)


if __name__ == "__main__":
    main()

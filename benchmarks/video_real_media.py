"""Video-signal figures on every real recording in ../shared/media/video (or $DYADSCOPE_MEDIA/video).

Per clip: analysis frames, seconds, share of frames with the adult / infant / both faces,
share of infant-labelled frames in the right half, people found, role cue and confidence,
swap repairs, dropped phantom tracks, pose shares, QC warnings. One JSON line per clip.
Run: .venv/bin/python benchmarks/video_real_media.py [--overlay-dir DIR]   (overlays never go into the repo)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from media_fixtures import real_media_dir  # noqa: E402

from extract.config import Config  # noqa: E402
from extract.video.run import video_signals  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--overlay-dir", type=Path, help="also write <clip>.overlay.mp4 here (outside the repo)")
    args = ap.parse_args()
    media, why = real_media_dir()
    if media is None:
        sys.exit(why)
    for path in sorted((media / "video").iterdir()):
        started = time.perf_counter()
        overlay = args.overlay_dir / f"{path.stem}.overlay.mp4" if args.overlay_dir else None
        r = video_signals(path, Config(), overlay_path=overlay)
        t, qc = r.table, r.qc
        found_infant = t["infant.face_found"] == 1
        right = (
            float((t.loc[found_infant, "infant.face_x"] > 0.5).mean()) if found_infant.any() else float("nan")
        )
        print(
            json.dumps(
                {
                    "clip": path.name,
                    "frames": len(t),
                    "seconds": round(time.perf_counter() - started, 1),
                    "adult": round(qc["face_share_adult"], 3),
                    "infant": round(qc["face_share_infant"], 3),
                    "both": round(qc["face_share_both"], 3),
                    "infant_in_right_half": None if np.isnan(right) else round(right, 3),
                    "people": qc["n_people"],
                    "role_cue": qc["role_cue"],
                    "role_confidence": round(qc["role_confidence"], 3),
                    "swap_repairs": qc["swap_repairs"],
                    "dropped_tracks": qc["dropped_tracks"],
                    "pose_adult": round(qc["pose_share_adult"], 3),
                    "pose_infant": round(qc["pose_share_infant"], 3),
                    "warnings": r.notes,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()

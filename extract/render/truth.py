"""Ground truth of a rendered clip: per-frame rows (CSV) and clip metadata + vocal segments (JSON).

Sidecar format "dyadscope.render.truth/1":
- `<clip_id>.truth.csv`: one row per encoded video frame, columns TRUTH_COLUMNS;
- `<clip_id>.truth.json`: meta, layout, definitions, vocal segments, scripted events, summary.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from extract.render.scene import FacePose
from extract.render.script import CONTINGENCY_WINDOW_S, DyadScript, contingent_response_rate
from extract.vocab import ROLES

TRUTH_FORMAT = "dyadscope.render.truth/1"
ROLE_FIELDS = ("cx", "cy", "size", "roll_deg", "mouth_open", "smile", "vocalizing")
TRUTH_COLUMNS = (
    ("frame", "t_s")
    + tuple(f"{role}.{f}" for role in ROLES for f in ROLE_FIELDS)
    + ("dyad.distance_norm", "dyad.distance_adult_fw")
)

DEFINITIONS = {
    "frame": "video frame index; its pts is `frame` in time_base 1/fps",
    "t_s": "presentation time of the frame, s (= frame / fps)",
    "<role>.cx": "face centre x / frame width (0 = left edge), same coordinates as MediaPipe's relative x; "
    "the centre is the point between the eyes and the nose tip where MediaPipe's face-detection box centre "
    "falls",
    "<role>.cy": "face centre y / frame height (0 = top edge)",
    "<role>.size": "face width (MediaPipe face-detection box width at this scale) / frame width",
    "<role>.roll_deg": "in-plane head rotation, degrees, counter-clockwise as displayed",
    "<role>.mouth_open": "scripted mouth opening 0..1 (jaw drop = 0.125 face widths at 1); equals the voice "
    "amplitude envelope",
    "<role>.smile": "scripted smile 0..1 (mouth corners lifted by 0.048 face widths at 1, at rest at 0.35, "
    "lowered below)",
    "<role>.vocalizing": "1 while a vocal segment of this role is sounding",
    "dyad.distance_norm": "distance between the two face centres, px / frame width",
    "dyad.distance_adult_fw": "distance between the two face centres in adult face widths",
}


def frame_row(
    *, frame: int, t_s: float, poses: dict[str, FacePose], script: DyadScript, size: tuple[int, int]
) -> dict:
    """One truth row for the frame at t_s whose faces were drawn with `poses` in a frame of `size` = (W,
    H)."""
    w, h = size
    row: dict = {"frame": frame, "t_s": round(t_s, 6)}
    for role, p in poses.items():
        row[f"{role}.cx"] = p.cx / w
        row[f"{role}.cy"] = p.cy / h
        row[f"{role}.size"] = p.width / w
        row[f"{role}.roll_deg"] = p.roll_deg
        row[f"{role}.mouth_open"] = p.mouth_open
        row[f"{role}.smile"] = p.smile
        row[f"{role}.vocalizing"] = int(script.vocalizing(role, t_s)[0])
    a, i = poses["adult"], poses["infant"]
    d_px = math.hypot(a.cx - i.cx, a.cy - i.cy)
    row["dyad.distance_norm"] = d_px / w
    row["dyad.distance_adult_fw"] = d_px / a.width
    return row


def format_row(row: dict) -> str:
    out = []
    for c in TRUTH_COLUMNS:
        v = row[c]
        out.append(str(v) if isinstance(v, (int, np.integer)) else f"{v:.6f}")
    return ",".join(out)


def summary(
    script: DyadScript, *, distance: np.ndarray, adult_smile: np.ndarray, infant_smile: np.ndarray
) -> dict:
    """Clip-level truth figures; arrays are the per-frame truth columns (n_frames,)."""
    shared = (adult_smile > 0.6) & (infant_smile > 0.6)
    crr = contingent_response_rate(script.segments)
    return {
        "n_adult_segments": sum(s.speaker == "adult" for s in script.segments),
        "n_infant_segments": sum(s.speaker == "infant" for s in script.segments),
        f"contingent_response_rate_{CONTINGENCY_WINDOW_S:g}s": None if math.isnan(crr) else round(crr, 4),
        "mean_distance_norm": round(float(np.mean(distance)), 5),
        "n_intrusive_approaches": len(script.intrusions),
        "adult_smile_mean": round(float(np.mean(adult_smile)), 5),
        "infant_smile_mean": round(float(np.mean(infant_smile)), 5),
        "shared_smile_fraction": round(float(np.mean(shared)), 5),
    }


def write_json(
    path: Path,
    *,
    clip_id: str,
    video_name: str,
    csv_name: str,
    script: DyadScript,
    fps: float,
    size: tuple[int, int],
    n_frames: int,
    sample_rate: int,
    snr_db: float | None,
    summary_: dict,
    meta: dict | None,
    layout: dict,
) -> None:
    doc = {
        "format": TRUTH_FORMAT,
        "clip_id": clip_id,
        "video": video_name,
        "frames_csv": csv_name,
        "synthetic": True,
        "source_face": "skimage.data.astronaut() (NASA, public domain); no real people",
        "fps": fps,
        "width": size[0],
        "height": size[1],
        "n_frames": n_frames,
        "duration_s": script.duration_s,
        "audio_sample_rate": sample_rate,
        "snr_db": snr_db,
        "sensitivity": script.sensitivity,
        "seed": script.seed,
        "meta": meta or {},
        "layout": layout,
        "definitions": DEFINITIONS,
        "segments": [
            {
                "start_s": s.start_s,
                "end_s": s.end_s,
                "speaker": s.speaker,
                "f0_hz": s.f0_hz,
                "contingent": s.contingent,
            }
            for s in script.segments
        ],
        "events": {
            "smile_episodes": {
                r: [{"start_s": a, "end_s": b, "shared": sh} for a, b, sh in eps]
                for r, eps in script.smile_episodes.items()
            },
            "intrusive_approaches": [{"start_s": a, "end_s": b} for a, b in script.intrusions],
        },
        "summary": summary_,
    }
    path.write_text(json.dumps(doc, indent=1))


def read_truth(json_path: str | Path):
    """Load a sidecar: (meta dict, per-frame pandas DataFrame)."""
    import pandas as pd

    json_path = Path(json_path)
    doc = json.loads(json_path.read_text())
    table = pd.read_csv(json_path.parent / doc["frames_csv"])
    return doc, table

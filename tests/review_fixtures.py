"""A screened run folder with known-answer clip folders for the review page tests.

A synthetic cohort (model_fixtures) is trained and screened; the first `n_clips` clips of the
review queue get clip folders whose frames and segments have known answers (below), and their
qc.csv path points at a rendered sample clip (20 s, H.264 + AAC) so the page has a real video.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from model_fixtures import synthetic_cohort, write_cohort

from extract.config import load_config, with_overrides
from models import services

SAMPLE_CLIP = Path(__file__).resolve().parents[1] / "sample_clips" / "clips" / "d01_8wk.mp4"
FPS, DURATION_S = 10.0, 20.0
SMILE_GAP_S = (5.0, 8.0)  # adult smile missing here: 30 of 200 frames
TOUCH_S = (10.0, 12.0)  # touch on here
POSITIVE_S = (2.0, 4.0)  # adult affect positive here, neutral elsewhere, missing in SMILE_GAP_S
MOTION_LAG_S = 0.5  # infant motion = adult motion 0.5 s later
SEGMENTS = [  # A-I-A-I: the last pair is 5 s apart, not a turn -> 2 conversational turns
    (1.0, 2.0, "adult", "speech"),
    (2.5, 3.5, "infant", "laugh"),
    (6.0, 7.0, "adult", "speech"),
    (12.0, 13.0, "infant", "cry"),
]


def known_frames() -> pd.DataFrame:
    t = np.arange(0, DURATION_S, 1 / FPS).round(3)
    rng = np.random.default_rng(3)
    motion = np.convolve(rng.random(len(t) + 40), np.ones(3) / 3, mode="same")
    lag = int(round(MOTION_LAG_S * FPS))
    in_gap = (t >= SMILE_GAP_S[0]) & (t < SMILE_GAP_S[1])
    frames = pd.DataFrame(
        {
            "t_s": t,
            "adult.smile_intensity": np.where(in_gap, np.nan, 0.4 + 0.3 * np.sin(t)),
            "infant.smile_intensity": 0.2 + 0.1 * np.cos(t),
            "adult.affect": np.where(
                in_gap, "", np.where((t >= POSITIVE_S[0]) & (t < POSITIVE_S[1]), "positive", "neutral")
            ),
            "infant.affect": "neutral",
            "dyad.distance_norm": 0.3 + 0.05 * np.sin(t / 3),
            "dyad.touch": ((t >= TOUCH_S[0]) & (t < TOUCH_S[1])).astype(float),
            "adult.motion_energy": motion[lag : lag + len(t)],
            "infant.motion_energy": motion[: len(t)],
        }
    )
    return frames


def known_segments() -> pd.DataFrame:
    return pd.DataFrame(SEGMENTS, columns=["start_s", "end_s", "speaker", "vocal_type"])


def write_clip_folder(clip_dir: Path, *, moments: bool = False) -> None:
    import cv2

    clip_dir.mkdir(parents=True, exist_ok=True)
    known_frames().to_parquet(clip_dir / "frames.parquet", index=False)
    known_segments().to_csv(clip_dir / "segments.csv", index=False)
    sheet = np.full((60, 120, 3), 200, np.uint8)
    cv2.imwrite(str(clip_dir / "roles.png"), sheet)
    if moments:
        cv2.imwrite(str(clip_dir / "moment1.jpg"), sheet)
        pd.DataFrame(
            [
                {
                    "rank": 1,
                    "kind": "shared_smile",
                    "start_s": 2.5,
                    "end_s": 4.0,
                    "score": 0.9,
                    "description": "infant smiles back",
                    "thumbnail": "moment1.jpg",
                },
                {
                    "rank": 2,
                    "kind": "turn",
                    "start_s": 12.0,
                    "end_s": 13.0,
                    "score": 0.5,
                    "description": "infant cries",
                    "thumbnail": "",
                },
            ]
        ).to_csv(clip_dir / "moments.csv", index=False)


def screened_run(root: Path, *, n_clips: int = 2) -> dict:
    """OUT with features.csv, qc.csv, model/, predictions, review_queue.csv, clips/<id>/ for the
    top `n_clips` of the queue and review/. Returns paths and the clip ids with folders."""
    out = root / "out"
    out.mkdir(parents=True)
    cohort = synthetic_cohort(24, seed=4)
    files = write_cohort(cohort, root)
    qc = cohort["qc"].copy()
    qc["path"], qc["duration_s"] = "", ""
    cohort["features"].to_csv(out / "features.csv", index=False)
    cfg = with_overrides(
        load_config(None), {"models": {"estimators": ["ridge"], "permutations": 0}}, source="test"
    )
    model = out / "model" / "model.joblib"
    services.train(out / "features.csv", files["ratings"], model, cfg=cfg, meta=qc.set_index("clip_id"))
    qc.to_csv(out / "qc.csv", index=False)
    services.screen(model, out / "features.csv", out, qc_path=out / "qc.csv")
    queue = pd.read_csv(out / "review_queue.csv", dtype={"clip_id": str})
    clips = list(queue.clip_id[:n_clips])
    for k, clip in enumerate(clips):
        write_clip_folder(out / "clips" / clip, moments=k == 0)
    qc.loc[qc.clip_id.isin(clips), ["path", "duration_s"]] = [str(SAMPLE_CLIP), str(DURATION_S)]
    qc.to_csv(out / "qc.csv", index=False)
    services.screen(model, out / "features.csv", out, qc_path=out / "qc.csv")
    return {"out": out, "model": model, "clips": clips, "queue": queue, "ratings": files["ratings"]}

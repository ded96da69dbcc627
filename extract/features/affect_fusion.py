"""Per-frame affect of each role from voice and face together (frames.parquet columns):

`<role>.vocal_type`: the vocal type of the role's segment covering the frame ('' when silent);
`<role>.affect`:
- negative: crying voice (vocal_type cry), or, for the infant, a crying face (cry_face >=
  affect.cry_face_on) while not laughing;
- positive: laughing voice, or a smiling face (smile_intensity >= affect.smile_on);
- neutral: the face is analysable, or the role vocalizes (speech, babble) with no sign above;
- unknown: no face landmarks and no vocalization.
The voice wins where voice and face disagree (a cry with a grimace that reads as a smile).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.config import AffectConfig
from extract.video.columns import AFFECT_COLUMNS
from extract.video.face_affect import add_face_affect
from extract.vocab import ROLES

AFFECT_STATES = ("positive", "neutral", "negative", "unknown")


def frame_vocal_types(t_s: np.ndarray, segments: pd.DataFrame | None, role: str) -> np.ndarray:
    """(n,) vocal type of `role`'s segment covering each time ('' where none)."""
    out = np.full(len(t_s), "", dtype=object)
    if segments is None or not len(segments) or "vocal_type" not in segments:
        return out
    own = segments[segments.speaker == role]
    for a, b, kind in zip(own.start_s, own.end_s, own.vocal_type.fillna(""), strict=True):
        out[(t_s >= a) & (t_s < b)] = kind
    return out


def role_affect(frames: pd.DataFrame, role: str, cfg: AffectConfig) -> np.ndarray:
    """(n,) AFFECT_STATES of `role` from its vocal_type and face-affect columns."""
    kind = frames[f"{role}.vocal_type"].to_numpy(object)
    smile = frames[f"{role}.smile_intensity"].to_numpy(float)
    cry_face = frames[f"{role}.cry_face"].to_numpy(float)
    face = np.isfinite(smile)
    positive = (kind == "laugh") | (face & (np.nan_to_num(smile) >= cfg.smile_on))
    negative = kind == "cry"
    if role == "infant":
        negative |= (np.nan_to_num(cry_face) >= cfg.cry_face_on) & (kind != "laugh")
    positive &= kind != "cry"
    out = np.where(face | (kind != ""), "neutral", "unknown").astype(object)
    out[positive] = "positive"
    out[negative] = "negative"
    return out


def add_affect(frames: pd.DataFrame, segments: pd.DataFrame | None, cfg: AffectConfig) -> pd.DataFrame:
    """The frames table with the face-affect columns, `<role>.vocal_type` and `<role>.affect`."""
    out = add_face_affect(frames, cfg)
    t = out["t_s"].to_numpy(float)
    for role in ROLES:
        out[f"{role}.vocal_type"] = frame_vocal_types(t, segments, role)
        out[f"{role}.affect"] = role_affect(out, role, cfg)
    return out[[c for c in out.columns if c not in AFFECT_COLUMNS] + list(AFFECT_COLUMNS)]

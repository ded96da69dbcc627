"""Visual affect per role per frame from the face-mesh measures, each relative to the person's
own neutral face over the clip (so faces of any shape and size compare):

- smile_intensity: the smile index (mouth-corner lift / face width) times cos(yaw) (a turned
  face's image width shrinks, its corner lift does not), minus the person's neutral (the
  affect.neutral_percentile of the clip), / affect.smile_span_fw: 0 neutral, 1 a broad smile;
- laugh_face: 1 when smiling (intensity >= affect.smile_on) with the mouth open at least
  affect.laugh_mouth_fw beyond the person's neutral opening;
- cry_face: 0..1, mean of three cues each scaled to 0..1: mouth open wide (affect.cry_mouth_fw
  beyond neutral), eyes narrowed (eye opening down by affect.cry_eye_drop of neutral), brows
  lowered (affect.cry_brow_drop_fw below neutral); 0 while smiling.
All are NaN where the face has no landmarks (no mesh, covered, turned beyond affect.max_yaw_deg)
or the clip has fewer than affect.min_face_frames such frames for the person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.config import AffectConfig
from extract.vocab import ROLES

AFFECT_FACE_COLUMNS = ("smile_intensity", "laugh_face", "cry_face")


def _col(table: pd.DataFrame, name: str) -> np.ndarray:
    return table[name].to_numpy(float) if name in table else np.full(len(table), np.nan)


def face_affect(table: pd.DataFrame, role: str, cfg: AffectConfig) -> dict[str, np.ndarray]:
    """{column: (n,)} of AFFECT_FACE_COLUMNS for `role` in a frames table."""
    n = len(table)
    smile, mouth = _col(table, f"{role}.smile"), _col(table, f"{role}.mouth_open")
    eye, brow = _col(table, f"{role}.eye_open"), _col(table, f"{role}.brow_raise")
    yaw = _col(table, f"{role}.yaw_deg")
    covered = _col(table, f"{role}.face_covered") == 1
    ok = np.isfinite(smile) & np.isfinite(mouth) & np.isfinite(yaw) & ~covered
    ok &= np.abs(np.nan_to_num(yaw, nan=90.0)) <= cfg.max_yaw_deg
    out = {name: np.full(n, np.nan) for name in AFFECT_FACE_COLUMNS}
    if ok.sum() < cfg.min_face_frames:
        return out
    q = cfg.neutral_percentile

    def rel(x):
        good = ok & np.isfinite(x)
        return x - (np.percentile(x[good], q) if good.any() else np.nan)

    lift = smile * np.cos(np.radians(np.clip(np.abs(yaw), 0, cfg.max_yaw_deg)))
    intensity = rel(lift) / cfg.smile_span_fw
    opening = rel(mouth)
    smiling = intensity >= cfg.smile_on
    good_eye = ok & np.isfinite(eye)
    eye_neutral = np.percentile(eye[good_eye], 100 - q) if good_eye.any() else np.nan
    narrowed = np.clip((eye_neutral - eye) / (cfg.cry_eye_drop * eye_neutral), 0, 1)
    good_brow = ok & np.isfinite(brow)
    brow_neutral = np.percentile(brow[good_brow], 100 - q) if good_brow.any() else np.nan
    lowered = np.clip((brow_neutral - brow) / cfg.cry_brow_drop_fw, 0, 1)
    cry = np.nanmean(np.stack([np.clip(opening / cfg.cry_mouth_fw, 0, 1), narrowed, lowered]), axis=0)
    out["smile_intensity"] = np.where(ok, intensity, np.nan)
    out["laugh_face"] = np.where(ok, (smiling & (opening >= cfg.laugh_mouth_fw)).astype(float), np.nan)
    out["cry_face"] = np.where(ok, np.where(smiling, 0.0, cry), np.nan)
    return out


def add_face_affect(table: pd.DataFrame, cfg: AffectConfig) -> pd.DataFrame:
    """The frames table with `<role>.smile_intensity`, `.laugh_face`, `.cry_face` for both roles."""
    out = table.copy()
    for role in ROLES:
        for name, values in face_affect(table, role, cfg).items():
            out[f"{role}.{name}"] = values
    return out

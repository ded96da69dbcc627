"""Covered faces: found by the detector, but hidden behind hands, a cloth or a toy (peekaboo).

A found face with no mesh landmarks counts as covered when a hand (the person's own or the
partner's: the mean of the pose's knuckle landmarks) lies within `hand_fw` face widths of its
centre, or when the colours of its box moved far (Hellinger distance >= `colour_shift`) from the
person's mean over the frames where the mesh saw the face. Covered frames keep the face box but
lose every expression and head measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.video.appearance import histogram_distance
from extract.vocab import ROLES, partner

HANDS = (("hand_l_x", "hand_l_y"), ("hand_r_x", "hand_r_y"))


def colour_shift(hists: np.ndarray, identity: np.ndarray, meshed: np.ndarray) -> np.ndarray:
    """Per observation: Hellinger distance of its face-box histogram (n, bins) to the mean histogram
    of its identity's meshed observations; nan when the identity has none."""
    out = np.full(len(hists), np.nan)
    for k in np.unique(identity[identity >= 0]):
        mine = identity == k
        ref_rows = mine & meshed
        if not ref_rows.any():
            continue
        ref = hists[ref_rows].mean(axis=0)
        out[mine] = [histogram_distance(h, ref) for h in hists[mine]]
    return out


def covered_faces(
    table: pd.DataFrame, shift: dict[str, np.ndarray], *, aspect: float, hand_fw: float, colour_shift: float
) -> dict[str, np.ndarray]:
    """table: the role-prefixed frame table (face_*, mesh_found, wrists carried to every frame);
    shift: role -> per-frame colour shift (nan where unknown); aspect: frame height / width.
    Returns role -> face_covered per frame (1/0, nan where no face was found)."""
    out = {}
    for role in ROLES:
        found = table[f"{role}.face_found"].to_numpy(float) == 1
        no_mesh = table[f"{role}.mesh_found"].to_numpy(float) != 1
        fx, fy = table[f"{role}.face_x"].to_numpy(float), table[f"{role}.face_y"].to_numpy(float)
        fw = table[f"{role}.face_w"].to_numpy(float)
        near = np.zeros(len(table), bool)
        for who in (role, partner(role)):
            for cx, cy in HANDS:
                wx, wy = table[f"{who}.{cx}"].to_numpy(float), table[f"{who}.{cy}"].to_numpy(float)
                with np.errstate(invalid="ignore", divide="ignore"):
                    d = np.hypot(wx - fx, (wy - fy) * aspect) / fw
                near |= np.nan_to_num(d, nan=np.inf) <= hand_fw
        shifted = np.nan_to_num(shift[role], nan=0.0) >= colour_shift
        out[role] = np.where(found, (no_mesh & (near | shifted)).astype(float), np.nan)
    return out

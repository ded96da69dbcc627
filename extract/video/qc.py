"""QC figures for a clip's video signals, and the warnings when they fall below thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.video.roles import RoleResult
from extract.vocab import ROLES


def _share(col: pd.Series) -> float:
    return float(np.mean(col.fillna(0).to_numpy() > 0)) if len(col) else float("nan")


def video_qc(
    table: pd.DataFrame,
    *,
    roles: RoleResult,
    swap_repairs: int,
    dropped_tracks: int,
    n_people: int,
    thresholds,
) -> tuple[dict, list[str]]:
    """table: the role-prefixed frame table. thresholds: a QcConfig (min_face_share,
    min_both_share, min_pose_share, min_role_confidence, max_swap_repairs_per_min,
    min_face_score, warn_if_no_faces). Returns (figures for the qc.csv row, warnings)."""
    n = len(table)
    duration_min = (table.t_s.iloc[-1] - table.t_s.iloc[0]) / 60 if n > 1 else 0.0
    scores = pd.concat([table["adult.face_score"], table["infant.face_score"]]).dropna()
    vis = pd.concat([table["adult.pose_visibility"], table["infant.pose_visibility"]]).dropna()
    qc = {
        "n_people": n_people,
        "face_share_adult": _share(table["adult.face_found"]),
        "face_share_infant": _share(table["infant.face_found"]),
        "face_share_both": float(np.mean((table["adult.face_found"] > 0) & (table["infant.face_found"] > 0)))
        if n
        else float("nan"),
        "mesh_share_adult": _share(table["adult.mesh_found"]),
        "mesh_share_infant": _share(table["infant.mesh_found"]),
        **{f"head_share_{r}": _share(table[f"{r}.yaw_deg"].notna().astype(float)) for r in ROLES},
        **{f"covered_share_{r}": _share(table[f"{r}.face_covered"]) for r in ROLES},
        "pose_share_adult": _share(table["adult.pose_found"]),
        "pose_share_infant": _share(table["infant.pose_found"]),
        "swap_repairs": int(swap_repairs),
        "dropped_tracks": int(dropped_tracks),
        "role_confidence": roles.confidence,
        "role_cue": roles.cue,
        "face_score_mean": float(scores.mean()) if len(scores) else float("nan"),
        "pose_visibility_mean": float(vis.mean()) if len(vis) else float("nan"),
    }
    notes: list[str] = []
    if n_people == 0:
        if thresholds.warn_if_no_faces:
            notes.append("no face found in any frame")
        return qc, notes
    t = thresholds
    for role in ROLES:
        if qc[f"face_share_{role}"] < t.min_face_share:
            notes.append(
                f"{role} face found in {qc[f'face_share_{role}']:.0%} of frames (< {t.min_face_share:.0%})"
            )
    if qc["face_share_both"] < t.min_both_share:
        notes.append(f"both faces found in {qc['face_share_both']:.0%} of frames (< {t.min_both_share:.0%})")
    for role in ROLES:
        if qc[f"face_share_{role}"] > 0 and qc[f"pose_share_{role}"] < t.min_pose_share:
            notes.append(
                f"{role} body pose found in {qc[f'pose_share_{role}']:.0%} of frames (< "
                f"{t.min_pose_share:.0%})"
            )
    if not np.isnan(roles.confidence) and roles.confidence < t.min_role_confidence:
        notes.append(
            f"role assignment confidence {roles.confidence:.2f} (< {t.min_role_confidence}; cue: {roles.cue})"
        )
    if roles.disagreement:
        notes.append(
            f"role cues disagree: {roles.disagreement}; check the role sheet (fix: roles.csv or infant_side)"
        )
    if duration_min > 0 and swap_repairs / duration_min > t.max_swap_repairs_per_min:
        notes.append(
            f"{swap_repairs} identity swap repairs ({swap_repairs / duration_min:.1f}/min > "
            f"{t.max_swap_repairs_per_min})"
        )
    if qc["face_score_mean"] < t.min_face_score:
        notes.append(f"mean face detection confidence {qc['face_score_mean']:.2f} (< {t.min_face_score})")
    return qc, notes

"""Score a clip's frame table against the hand annotations in tests/data/real_faces.csv.

Each annotation (clip, t_s, role, state, cx, cy) is matched to the analysis frame nearest in
time (within MAX_DT_S). States: visible (frontal to profile), covered, turned_away,
out_of_frame (together: not visible) and partial (ignored). Distances are Euclidean in
normalised frame coordinates (x / width, y / height).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ANNOTATIONS = Path(__file__).resolve().parent / "data" / "real_faces.csv"
NEAR = 0.15  # a reported face counts when its centre is within this of the annotated centre
MAX_DT_S = 0.15  # an annotation with no analysis frame this close in time counts as missed
NOT_VISIBLE = ("covered", "turned_away", "out_of_frame")
ROLES = ("adult", "infant")
SIGNALS = ("yaw_deg", "pitch_deg", "mouth_open", "smile", "gaze_yaw_deg")  # per-signal coverage


def load_annotations(path: Path = ANNOTATIONS) -> pd.DataFrame:
    ann = pd.read_csv(path, comment="#")
    bad = set(ann.state) - {"visible", "partial", *NOT_VISIBLE}
    if bad:
        raise ValueError(f"{path}: unknown state(s) {sorted(bad)}")
    return ann


def match_rows(table: pd.DataFrame, ann: pd.DataFrame) -> pd.DataFrame:
    """Per annotation of one clip: the reported face of its own role and of the other role at the
    nearest analysis frame (x, y, found, mesh, covered), or missing when no frame is near in time."""
    t = table["t_s"].to_numpy(float)
    out = []
    for a in ann.itertuples():
        k = int(np.argmin(np.abs(t - a.t_s))) if len(t) else -1
        row = {"clip": a.clip, "t_s": a.t_s, "role": a.role, "state": a.state, "cx": a.cx, "cy": a.cy}
        near_in_time = k >= 0 and abs(t[k] - a.t_s) <= MAX_DT_S
        for who, role in (("own", a.role), ("other", _other(a.role))):
            found = near_in_time and table[f"{role}.face_found"].iat[k] == 1
            row[f"{who}_found"] = bool(found)
            row[f"{who}_x"] = table[f"{role}.face_x"].iat[k] if found else np.nan
            row[f"{who}_y"] = table[f"{role}.face_y"].iat[k] if found else np.nan
            row[f"{who}_mesh"] = bool(found and table[f"{role}.mesh_found"].iat[k] == 1)
            cov = f"{role}.face_covered"
            row[f"{who}_covered"] = bool(found and cov in table and table[cov].iat[k] == 1)
        for sig in SIGNALS:
            row[f"has_{sig}"] = bool(row["own_found"] and np.isfinite(table[f"{a.role}.{sig}"].iat[k]))
        out.append(row)
    m = pd.DataFrame(out)
    for who in ("own", "other"):
        m[f"{who}_near"] = np.hypot(m[f"{who}_x"] - m.cx, m[f"{who}_y"] - m.cy) <= NEAR
    return m


def _other(role: str) -> str:
    return "infant" if role == "adult" else "adult"


def score(matched: pd.DataFrame) -> dict:
    """Figures over matched annotations (one clip or many):

    - recall_<role>: visible faces of that role reported under the right role, centre within NEAR;
    - landmarks_<role>: the same with face-mesh landmarks (expression measurable);
    - wrong_role: share of visible faces (both roles) reported under the other role;
    - reported_not_visible: share of not-visible annotations (covered, turned away, out of frame)
      for which the role's face is reported and not marked covered;
    - covered_visible: share of visible faces found but marked covered (a false alarm);
    - coverage_<signal>: share of visible faces (both roles) found with a value of that signal;
    - n_visible_<role>, n_not_visible: the counts behind them."""
    vis = matched[matched.state == "visible"]
    out: dict = {}
    for role in ROLES:
        v = vis[vis.role == role]
        out[f"n_visible_{role}"] = len(v)
        ok = v.own_found & v.own_near
        out[f"recall_{role}"] = float(ok.mean()) if len(v) else np.nan
        out[f"landmarks_{role}"] = float((ok & v.own_mesh).mean()) if len(v) else np.nan
    ok_vis = vis.own_found & vis.own_near
    out["covered_visible"] = float((ok_vis & vis.own_covered).mean()) if len(vis) else np.nan
    for sig in SIGNALS:
        out[f"coverage_{sig}"] = float((ok_vis & vis[f"has_{sig}"]).mean()) if len(vis) else np.nan
    wrong = vis.other_found & vis.other_near & ~(vis.own_found & vis.own_near)
    out["wrong_role"] = float(wrong.mean()) if len(vis) else np.nan
    nv = matched[matched.state.isin(NOT_VISIBLE)]
    out["n_not_visible"] = len(nv)
    out["reported_not_visible"] = float((nv.own_found & ~nv.own_covered).mean()) if len(nv) else np.nan
    return out

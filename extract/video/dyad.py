"""Dyad measures per frame from the two roles' columns: distance, touch proxy, facing."""

from __future__ import annotations

import numpy as np
import pandas as pd


def dyad_measures(
    table: pd.DataFrame, *, aspect: float, facing_min_deg: float, touch_fw: float, split: bool = False
) -> pd.DataFrame:
    """table: role columns (adult.face_x, adult.face_y, adult.face_w, adult.yaw_deg, adult.wrist_*,
    infant.*); aspect = frame height / width. Adds, in place and returned:
    `<role>.facing_partner_deg` (head yaw towards the partner's side, degrees),
    `dyad.distance_norm` (face centre distance / frame width), `dyad.distance_adult_fw`
    (the same in adult face widths), `dyad.adult_hand_infant_fw` (nearest adult wrist to
    the infant face centre, adult face widths), `dyad.touch` (1 when that is < touch_fw),
    `dyad.mutual_facing` (1 when both heads turn towards each other by >= facing_min_deg).
    With `split` (split-screen layouts) the spatial dyad measures are nan."""
    a = {
        k: table[f"adult.{k}"].to_numpy(float)
        for k in ("face_x", "face_y", "face_w", "yaw_deg", "wrist_l_x", "wrist_l_y", "wrist_r_x", "wrist_r_y")
    }
    i = {k: table[f"infant.{k}"].to_numpy(float) for k in ("face_x", "face_y", "yaw_deg")}
    dx = i["face_x"] - a["face_x"]
    dy = (i["face_y"] - a["face_y"]) * aspect
    dist = np.hypot(dx, dy)
    side = np.sign(dx)
    table["adult.facing_partner_deg"] = a["yaw_deg"] * side
    table["infant.facing_partner_deg"] = -i["yaw_deg"] * side
    both = np.isfinite(table["adult.facing_partner_deg"]) & np.isfinite(table["infant.facing_partner_deg"])
    mutual = (table["adult.facing_partner_deg"] >= facing_min_deg) & (
        table["infant.facing_partner_deg"] >= facing_min_deg
    )
    table["dyad.mutual_facing"] = np.where(both, mutual.astype(float), np.nan)
    hands = np.stack(
        [
            np.hypot(a[f"wrist_{s}_x"] - i["face_x"], (a[f"wrist_{s}_y"] - i["face_y"]) * aspect)
            for s in ("l", "r")
        ]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        hand = np.where(
            np.all(np.isnan(hands), axis=0),
            np.nan,
            np.nanmin(np.where(np.isnan(hands), np.inf, hands), axis=0),
        )
        table["dyad.distance_norm"] = dist
        table["dyad.distance_adult_fw"] = dist / a["face_w"]
        table["dyad.adult_hand_infant_fw"] = hand / a["face_w"]
    table["dyad.touch"] = np.where(
        np.isfinite(table["dyad.adult_hand_infant_fw"]),
        (table["dyad.adult_hand_infant_fw"] < touch_fw).astype(float),
        np.nan,
    )
    if split:
        for c in (
            "dyad.distance_norm",
            "dyad.distance_adult_fw",
            "dyad.adult_hand_infant_fw",
            "dyad.touch",
            "adult.facing_partner_deg",
            "infant.facing_partner_deg",
            "dyad.mutual_facing",
        ):
            table[c] = np.nan
    return table

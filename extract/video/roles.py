"""Roles: which identity is the adult and which the infant, with a confidence 0..1.

Cues that hold across set-ups: an infant's face is smaller than the adult's in nearly every
filmed dyad (same distance to camera or closer adult), and a configured or per-clip side
(`infant_side`) overrides everything. Position is used only when the side is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDES = ("auto", "left", "right", "top", "bottom")


@dataclass(frozen=True)
class RoleResult:
    roles: dict[int, str]  # identity -> 'adult' | 'infant'
    confidence: float  # 0..1; nan when nobody was found
    cue: str  # what decided: 'side', 'size', 'single', 'none'


def assign_roles(*, face_widths: np.ndarray, centres: np.ndarray, infant_side: str = "auto", size_scale: float = 0.15) -> RoleResult:
    """Roles from per-identity medians.

    face_widths (k,) median face width / frame width; centres (k, 2) median (cx, cy) normalised;
    infant_side: auto|left|right|top|bottom. With two identities: a given side picks the
    identity lying more that way (confidence 1); 'auto' makes the smaller face the infant,
    confidence 1 - exp(-|ln(width ratio)| / size_scale). One identity: 'adult' (confidence 0)
    unless a side is given and the face lies in that half of the frame (then 'infant', 0.5)."""
    if infant_side not in SIDES:
        raise ValueError(f"infant_side must be one of {SIDES}, got {infant_side!r}")
    k = len(face_widths)
    if k == 0:
        return RoleResult({}, float("nan"), "none")
    axis, sign = {"left": (0, -1), "right": (0, 1), "top": (1, -1), "bottom": (1, 1)}.get(infant_side, (None, 0))
    if k == 1:
        if axis is not None and sign * (centres[0, axis] - 0.5) > 0:
            return RoleResult({0: "infant"}, 0.5, "single")
        return RoleResult({0: "adult"}, 0.0, "single")
    if axis is not None:
        infant = int(np.argmax(sign * centres[:2, axis]))
        return RoleResult({infant: "infant", 1 - infant: "adult"}, 1.0, "side")
    infant = int(np.argmin(face_widths[:2]))
    ratio = abs(float(np.log(max(face_widths[1 - infant], 1e-6) / max(face_widths[infant], 1e-6))))
    return RoleResult({infant: "infant", 1 - infant: "adult"}, float(1 - np.exp(-ratio / size_scale)), "size")

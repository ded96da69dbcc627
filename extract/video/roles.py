"""Roles: which identity is the adult and which the infant, with a confidence 0..1.

A configured or per-clip side (`infant_side`) overrides everything. Without it, cues measured
over the whole clip add up as signed evidence (positive = "this one is the infant"):

- size: an infant's face is smaller than the adult's in nearly every filmed dyad
  (ln of the median face-width ratio / size_scale);
- proportions: infant faces have wide-set eyes and a short lower face, so the eye spacing
  over the eye-line-to-chin distance is larger (ln ratio / proportion_scale); it does not
  depend on zoom, so it still holds across the two cameras of a split screen;
- body: narrower shoulders (pose), where pose was found for both (ln ratio / body_scale);
- position: the infant's face lies lower in the frame over the clip (on a lap, in a seat)
  (vertical offset in frame heights / position_scale); only for one shared camera.

A missing cue contributes nothing. The larger evidence total decides; confidence is
1 - exp(-|total|), so cues that disagree cancel and lower it. `cue` names the cue with the
largest evidence in the decided direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SIDES = ("auto", "left", "right", "top", "bottom")
CUES = ("size", "proportion", "body", "position")


@dataclass(frozen=True)
class RoleResult:
    roles: dict[int, str]  # identity -> 'adult' | 'infant'
    confidence: float  # 0..1; nan when nobody was found
    cue: str  # what decided: 'side', 'size', 'proportion', 'body', 'position', 'single', 'none'
    evidence: dict[str, float] = field(default_factory=dict)  # cue -> evidence that identity 0 is the infant


def _log_ratio(a: float, b: float) -> float:
    """ln(a / b), 0 when either is missing or not positive."""
    if not (np.isfinite(a) and np.isfinite(b) and a > 0 and b > 0):
        return 0.0
    return float(np.log(a / b))


def cue_evidence(
    *,
    face_widths: np.ndarray,
    centres: np.ndarray,
    eye_ratios: np.ndarray | None = None,
    body_widths: np.ndarray | None = None,
    size_scale: float = 0.15,
    proportion_scale: float = 0.1,
    body_scale: float = 0.2,
    position_scale: float = 0.5,
    use_position: bool = True,
) -> dict[str, float]:
    """Evidence per cue that identity 0 (rather than 1) is the infant; arrays (2,) or centres (2, 2)
    of per-identity medians (face width / frame width, (cx, cy) normalised, eye spacing / eye-to-chin,
    shoulder width / frame width; nan = not measured)."""
    nan2 = np.full(2, np.nan)
    eye = nan2 if eye_ratios is None else np.asarray(eye_ratios, float)
    body = nan2 if body_widths is None else np.asarray(body_widths, float)
    ev = {
        "size": _log_ratio(face_widths[1], face_widths[0]) / size_scale,
        "proportion": _log_ratio(eye[0], eye[1]) / proportion_scale,
        "body": _log_ratio(body[1], body[0]) / body_scale,
        "position": 0.0,
    }
    if use_position and np.all(np.isfinite(centres[:2, 1])):
        ev["position"] = float(centres[0, 1] - centres[1, 1]) / position_scale
    return ev


def assign_roles(
    *,
    face_widths: np.ndarray,
    centres: np.ndarray,
    infant_side: str = "auto",
    size_scale: float = 0.15,
    eye_ratios: np.ndarray | None = None,
    body_widths: np.ndarray | None = None,
    proportion_scale: float = 0.1,
    body_scale: float = 0.2,
    position_scale: float = 0.5,
    use_position: bool = True,
) -> RoleResult:
    """Roles from per-identity medians.

    face_widths (k,) median face width / frame width; centres (k, 2) median (cx, cy) normalised;
    eye_ratios (k,) median eye spacing / eye-line-to-chin distance (face mesh; nan = none);
    body_widths (k,) median shoulder width / frame width (pose; nan = none);
    infant_side: auto|left|right|top|bottom. With two identities: a given side picks the
    identity lying more that way (confidence 1); 'auto' sums the cues' evidence (see the module
    docstring; `use_position=False` for split screens). One identity: 'adult' (confidence 0)
    unless a side is given and the face lies in that half of the frame (then 'infant', 0.5)."""
    if infant_side not in SIDES:
        raise ValueError(f"infant_side must be one of {SIDES}, got {infant_side!r}")
    k = len(face_widths)
    if k == 0:
        return RoleResult({}, float("nan"), "none")
    axis, sign = {"left": (0, -1), "right": (0, 1), "top": (1, -1), "bottom": (1, 1)}.get(
        infant_side, (None, 0)
    )
    if k == 1:
        if axis is not None and sign * (centres[0, axis] - 0.5) > 0:
            return RoleResult({0: "infant"}, 0.5, "single")
        return RoleResult({0: "adult"}, 0.0, "single")
    if axis is not None:
        infant = int(np.argmax(sign * centres[:2, axis]))
        return RoleResult({infant: "infant", 1 - infant: "adult"}, 1.0, "side")
    ev = cue_evidence(
        face_widths=face_widths,
        centres=centres,
        eye_ratios=None if eye_ratios is None else eye_ratios[:2],
        body_widths=None if body_widths is None else body_widths[:2],
        size_scale=size_scale,
        proportion_scale=proportion_scale,
        body_scale=body_scale,
        position_scale=position_scale,
        use_position=use_position,
    )
    total = sum(ev.values())
    infant = 0 if total > 0 else 1
    direction = 1.0 if infant == 0 else -1.0
    cue = max(CUES, key=lambda c: direction * ev[c])
    return RoleResult({infant: "infant", 1 - infant: "adult"}, float(1 - np.exp(-abs(total))), cue, ev)

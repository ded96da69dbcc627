"""Roles: which identity is the adult and which the infant, with a confidence 0..1.

A configured or per-clip side (`infant_side`) overrides everything. Without it, cues measured
over the whole clip add up as signed evidence (positive = "this one is the infant"):

- size: an infant's face is smaller than the adult's in nearly every filmed dyad
  (ln of the median face-width ratio / size_scale);
- proportions: infant faces have wide-set eyes and a short lower face, so the eye spacing
  over the eye-line-to-chin distance is larger (ln ratio / proportion_scale); it does not
  depend on zoom, so it still holds across the two cameras of a split screen;
- body: narrower shoulders (pose), where pose was found for both (ln ratio / body_scale);
- head_shoulder: an infant's head is large for its shoulders (face width / shoulder width, a
  ratio that holds for a toddler as large in the frame as the mother; ln ratio / head_shoulder_scale);
- voice: the adult's mouth opens while an adult voice sounds (voice_cue.py; difference of the two
  people's mouth responses / voice_scale);
- position: the infant's face lies lower in the frame over the clip (on a lap, in a seat)
  (vertical offset in frame heights / position_scale); only for one shared camera.

A cue measured on few frames counts less: its evidence is scaled by n / (n + half_weight_frames),
n the smaller of the two people's frame counts (`counts`). A missing cue contributes nothing; each
is capped at +-cue_cap so no single cue outweighs all the
others. The evidence total decides. Confidence is 1 - exp(-|total|), times 1 - (evidence against
/ evidence for) when cues of at least `min_conflict` point the other way, so a clip whose cues
disagree gets a low confidence; when the evidence against reaches WARN_CONFLICT_SHARE of that for,
`disagreement` names the cues (a QC warning). `cue` names the cue with the
largest evidence in the decided direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SIDES = ("auto", "left", "right", "top", "bottom")
WARN_CONFLICT_SHARE = (
    0.25  # a disagreement is named (QC warning) when the evidence against is this share of that for
)
CUES = ("size", "proportion", "body", "head_shoulder", "voice", "position")


@dataclass(frozen=True)
class RoleResult:
    roles: dict[int, str]  # identity -> 'adult' | 'infant'
    confidence: float  # 0..1; nan when nobody was found
    cue: str  # what decided: 'side', 'size', 'proportion', 'body', 'position', 'single', 'none'
    evidence: dict[str, float] = field(default_factory=dict)  # cue -> evidence that identity 0 is the infant
    disagreement: str = ""  # e.g. "size points the other way (-1.2 against +2.5)"; "" when cues agree


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
    head_shoulder: np.ndarray | None = None,
    voice: np.ndarray | None = None,
    size_scale: float = 0.15,
    proportion_scale: float = 0.1,
    body_scale: float = 0.2,
    head_shoulder_scale: float = 0.2,
    voice_scale: float = 0.5,
    position_scale: float = 0.5,
    use_position: bool = True,
    cue_cap: float = 3.0,
    counts: dict[str, tuple[int, int]] | None = None,
    half_weight_frames: int = 5,
) -> dict[str, float]:
    """Evidence per cue that identity 0 (rather than 1) is the infant, each within +-cue_cap; arrays
    (2,) or centres (2, 2) of per-identity medians (face width / frame width, (cx, cy) normalised, eye
    spacing / eye-to-chin, shoulder width / frame width, face width / shoulder width) and mouth
    responses to the adult voice (voice_cue.mouth_response); nan = not measured. counts: cue ->
    frames behind each person's value (absent = fully reliable)."""
    nan2 = np.full(2, np.nan)
    eye, body, hs, vo = (
        nan2 if a is None else np.asarray(a, float)[:2]
        for a in (eye_ratios, body_widths, head_shoulder, voice)
    )
    ev = {
        "size": _log_ratio(face_widths[1], face_widths[0]) / size_scale,
        "proportion": _log_ratio(eye[0], eye[1]) / proportion_scale,
        "body": _log_ratio(body[1], body[0]) / body_scale,
        "head_shoulder": _log_ratio(hs[0], hs[1]) / head_shoulder_scale,
        "voice": float(vo[1] - vo[0]) / voice_scale if np.all(np.isfinite(vo)) else 0.0,
        "position": 0.0,
    }
    if use_position and np.all(np.isfinite(centres[:2, 1])):
        ev["position"] = float(centres[0, 1] - centres[1, 1]) / position_scale
    for c, (n0, n1) in (counts or {}).items():
        n = min(n0, n1)
        ev[c] *= n / (n + half_weight_frames) if n > 0 else 0.0
    return {c: float(np.clip(v, -cue_cap, cue_cap)) for c, v in ev.items()}


def combine(ev: dict[str, float], *, min_conflict: float = 0.5) -> tuple[int, float, str, str]:
    """(infant identity 0|1, confidence, deciding cue, disagreement text) from cue evidence."""
    total = sum(ev.values())
    infant = 0 if total > 0 else 1
    direction = 1.0 if infant == 0 else -1.0
    cue = max(CUES, key=lambda c: direction * ev.get(c, 0.0))
    support = sum(direction * v for v in ev.values() if direction * v > 0)
    against = {c: v for c, v in ev.items() if direction * v <= -min_conflict}
    confidence = 1 - np.exp(-abs(total))
    text = ""
    conflict = sum(abs(v) for v in against.values())
    if against:
        confidence *= max(0.0, 1 - conflict / support) if support > 0 else 0.0
    if against and conflict >= WARN_CONFLICT_SHARE * support:
        text = (
            f"{', '.join(sorted(against))} point{'s' if len(against) == 1 else ''} the other way "
            f"({conflict:.1f} against {support:.1f} for the chosen roles)"
        )
    return infant, float(confidence), cue, text


def assign_roles(
    *,
    face_widths: np.ndarray,
    centres: np.ndarray,
    infant_side: str = "auto",
    size_scale: float = 0.15,
    eye_ratios: np.ndarray | None = None,
    body_widths: np.ndarray | None = None,
    head_shoulder: np.ndarray | None = None,
    voice: np.ndarray | None = None,
    proportion_scale: float = 0.1,
    body_scale: float = 0.2,
    head_shoulder_scale: float = 0.2,
    voice_scale: float = 0.5,
    position_scale: float = 0.5,
    use_position: bool = True,
    cue_cap: float = 3.0,
    min_conflict: float = 0.5,
    counts: dict[str, tuple[int, int]] | None = None,
) -> RoleResult:
    """Roles from per-identity medians.

    face_widths (k,) median face width / frame width; centres (k, 2) median (cx, cy) normalised;
    eye_ratios (k,) median eye spacing / eye-line-to-chin distance (face mesh; nan = none);
    body_widths (k,) median shoulder width / frame width (pose; nan = none); head_shoulder (k,)
    median face width / shoulder width; voice (k,) mouth response to the adult voice;
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
        eye_ratios=eye_ratios,
        body_widths=body_widths,
        head_shoulder=head_shoulder,
        voice=voice,
        size_scale=size_scale,
        proportion_scale=proportion_scale,
        body_scale=body_scale,
        head_shoulder_scale=head_shoulder_scale,
        voice_scale=voice_scale,
        position_scale=position_scale,
        use_position=use_position,
        cue_cap=cue_cap,
        counts=counts,
    )
    infant, confidence, cue, text = combine(ev, min_conflict=min_conflict)
    return RoleResult({infant: "infant", 1 - infant: "adult"}, confidence, cue, ev, text)

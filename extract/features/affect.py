"""The affect feature family (affect.*): laughter and crying seconds from the typed vocal
segments, and from the fused per-frame affect (affect_fusion): shares of positive and negative
affect, shared positive affect, who turns positive first and whether the partner joins, the
longest infant distress and the adult's latency to respond to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.config import AffectConfig
from extract.features.affect_fusion import add_affect
from extract.features.dictionary import FeatureSpec
from extract.features.family import ClipBundle, FeatureFamily
from extract.intervals import dilate, runs
from extract.vocab import AFFECTION, FACIAL, TURN_TAKING, VOCAL, partner

_SEG = "segments.csv (speaker, vocal_type)"
_FRAMES = "frames.parquet <role>.affect"


def affect_specs(cfg) -> list[FeatureSpec]:
    a = cfg.affect
    specs = [
        FeatureSpec(
            f"affect.{role}.{kind}_s.total",
            "s",
            f"seconds of {role} {word} (vocal segments typed {kind})",
            _SEG,
            VOCAL,
        )
        for role, kind, word in (
            ("infant", "laugh", "laughter"),
            ("infant", "cry", "crying or fussing"),
            ("adult", "laugh", "laughter"),
        )
    ]
    for role in ("infant", "adult"):
        specs.append(
            FeatureSpec(
                f"affect.{role}.smile_intensity.mean",
                "neutral=0, broad smile~1",
                f"mean {role} smile intensity over frames with face landmarks (relative to the person's own "
                "neutral, pose-corrected)",
                "frames.parquet <role>.smile_intensity",
                FACIAL,
            )
        )
        for state in ("positive", "negative"):
            specs.append(
                FeatureSpec(
                    f"affect.{role}.{state}.share",
                    "0..1",
                    f"share of the frames with known {role} affect in which it is {state} "
                    "(voice and face fused)",
                    _FRAMES,
                    AFFECTION,
                )
            )
    specs += [
        FeatureSpec(
            "affect.shared_positive.share",
            "0..1",
            f"share of frames with both affects known in which the infant is positive and the adult is "
            f"positive within {a.shared_window_s:g} s",
            _FRAMES,
            AFFECTION,
        ),
        FeatureSpec(
            "affect.adult_leads_positive.share",
            "0..1",
            "of the onsets of positive affect while the partner was not positive, share that were "
            "the adult's",
            _FRAMES,
            TURN_TAKING,
        ),
    ]
    specs += [
        FeatureSpec(
            f"affect.{role}.joins_positive.share",
            "0..1",
            f"share of the {partner(role)}'s leading positive onsets that the {role} joined "
            "(turned positive) "
            f"within {a.join_window_s:g} s",
            _FRAMES,
            TURN_TAKING,
        )
        for role in ("infant", "adult")
    ]
    specs += [
        FeatureSpec(
            "affect.infant.distress_run_s.max",
            "s",
            "longest run of negative infant affect (0 when none)",
            _FRAMES,
            AFFECTION,
        ),
        FeatureSpec(
            "affect.adult.distress_latency_s.median",
            "s",
            "median time from the onset of a negative infant run to the adult's response: an adult "
            f"vocal onset, or the faces approaching by affect.approach_drop ({a.approach_drop:g} frame "
            f"widths); runs with no response within affect.response_window_s ({a.response_window_s:g} s) "
            "count as that window",
            f"{_FRAMES}, segments.csv, frames.parquet dyad.distance_norm",
            TURN_TAKING,
        ),
    ]
    return specs


def _typed_seconds(segments: pd.DataFrame | None, role: str, kind: str) -> float:
    if segments is None or "vocal_type" not in segments:
        return np.nan
    own = segments[(segments.speaker == role) & (segments.vocal_type == kind)]
    return float((own.end_s - own.start_s).sum())


def _leading_onsets(pos: dict[str, np.ndarray], t: np.ndarray) -> dict[str, list[float]]:
    """Per role, onset times of positive runs that began while the partner was not positive."""
    return {role: [t[a] for a, _ in runs(pos[role]) if not pos[partner(role)][a]] for role in pos}


def _joined(onsets: list[float], partner_pos: np.ndarray, t: np.ndarray, window_s: float) -> float:
    if not onsets:
        return np.nan
    starts = np.array([t[a] for a, _ in runs(partner_pos)])
    return float(np.mean([np.any((starts > o) & (starts <= o + window_s)) for o in onsets]))


def _distress_latency(
    t: np.ndarray,
    negative: np.ndarray,
    frames: pd.DataFrame,
    segments: pd.DataFrame | None,
    cfg: AffectConfig,
) -> float:
    onsets = [a for a, _ in runs(negative)]
    if not onsets:
        return np.nan
    adult_on = (
        np.sort(segments.start_s[segments.speaker == "adult"].to_numpy(float))
        if segments is not None and len(segments)
        else np.zeros(0)
    )
    dist = (
        frames["dyad.distance_norm"].to_numpy(float)
        if "dyad.distance_norm" in frames
        else np.full(len(t), np.nan)
    )
    latencies = []
    for a in onsets:
        t0 = t[a]
        vocal = adult_on[adult_on >= t0]
        lat = vocal[0] - t0 if len(vocal) else np.inf
        if np.isfinite(dist[a]):
            closer = np.flatnonzero((t > t0) & (dist <= dist[a] - cfg.approach_drop))
            if len(closer):
                lat = min(lat, t[closer[0]] - t0)
        latencies.append(min(lat, cfg.response_window_s))
    return float(np.median(latencies))


def affect_features(bundle: ClipBundle, cfg) -> tuple[dict[str, float], list[str]]:
    a = cfg.affect
    seg = bundle.segments
    f = {
        "affect.infant.laugh_s.total": _typed_seconds(seg, "infant", "laugh"),
        "affect.infant.cry_s.total": _typed_seconds(seg, "infant", "cry"),
        "affect.adult.laugh_s.total": _typed_seconds(seg, "adult", "laugh"),
    }
    names = [s.name for s in affect_specs(cfg)]
    frames = bundle.frames
    if frames is None or not len(frames):
        return {n: f.get(n, np.nan) for n in names}, []
    if "infant.affect" not in frames:
        frames = add_affect(frames, seg, a)
    t = frames["t_s"].to_numpy(float)
    state = {role: frames[f"{role}.affect"].to_numpy(object) for role in ("adult", "infant")}
    known = {role: state[role] != "unknown" for role in state}
    pos = {role: state[role] == "positive" for role in state}
    notes = []
    for role in state:
        smile = frames[f"{role}.smile_intensity"].to_numpy(float)
        f[f"affect.{role}.smile_intensity.mean"] = (
            float(np.nanmean(smile)) if np.isfinite(smile).any() else np.nan
        )
        for s in ("positive", "negative"):
            f[f"affect.{role}.{s}.share"] = (
                float(np.mean(state[role][known[role]] == s)) if known[role].any() else np.nan
            )
        if not known[role].any():
            notes.append(f"affect.{role}: no frame with a face or a vocalization of the {role}")
    both = known["adult"] & known["infant"]
    shared = pos["infant"] & dilate(pos["adult"], t, a.shared_window_s)
    f["affect.shared_positive.share"] = float(shared[both].mean()) if both.any() else np.nan
    leads = _leading_onsets(pos, t)
    n_lead = len(leads["adult"]) + len(leads["infant"])
    f["affect.adult_leads_positive.share"] = len(leads["adult"]) / n_lead if n_lead else np.nan
    for role in ("infant", "adult"):
        f[f"affect.{role}.joins_positive.share"] = _joined(
            leads[partner(role)], pos[role], t, a.join_window_s
        )
    negative = state["infant"] == "negative"
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    longest = max((t[b - 1] - t[r0] + dt for r0, b in runs(negative)), default=0.0)
    f["affect.infant.distress_run_s.max"] = float(longest) if known["infant"].any() else np.nan
    f["affect.adult.distress_latency_s.median"] = _distress_latency(t, negative, frames, seg, a)
    return {n: f.get(n, np.nan) for n in names}, notes


FAMILY = FeatureFamily("affect", specs=affect_specs, compute=affect_features, needs_frames=False)

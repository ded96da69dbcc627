"""Interaction episodes from the per-frame table: shared smiling, who smiles first, approach
and withdrawal, intrusive approaches, infant gaze aversion, bursts of large movement.

Frames: t_s (n,) on the container clock and role-prefixed columns; NaN = invalid frame.
Thresholds come from the `episodes` config section.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.config import EpisodesConfig
from extract.features.aggregate import events_per_minute
from extract.features.dictionary import FeatureSpec
from extract.features.family import ClipBundle, FeatureFamily
from extract.intervals import runs
from extract.vocab import ACTIVITY, AFFECTION, CONTROL, FACIAL, POSITION, TURN_TAKING


def _col(table: pd.DataFrame, name: str) -> np.ndarray:
    return table[name].to_numpy(float) if name in table else np.full(len(table), np.nan)


def _smiling(smile: np.ndarray, rise: float) -> np.ndarray:
    """1.0 where the smile index is >= `rise` above the role's own 10th percentile, NaN where invalid."""
    out = np.full(len(smile), np.nan)
    ok = ~np.isnan(smile)
    if ok.any():
        out[ok] = (smile[ok] - np.percentile(smile[ok], 10) >= rise).astype(float)
    return out


def _share(flag: np.ndarray, min_valid: int) -> float:
    ok = ~np.isnan(flag)
    return float(flag[ok].mean()) if ok.sum() >= min_valid else np.nan


def _onsets(flag: np.ndarray, t: np.ndarray, min_s: float) -> list[float]:
    return [t[a] for a, b in runs(flag == 1.0) if t[min(b, len(t)) - 1] - t[a] >= min_s - 1e-9]


def episode_features(table: pd.DataFrame, cfg: EpisodesConfig) -> tuple[dict[str, float], list[str]]:
    """frames table -> ({episodes.* / smile.* / proximity.* feature: value}, notes)."""
    t = table["t_s"].to_numpy(float)
    n = len(t)
    f: dict[str, float] = {}
    notes: list[str] = []
    valid_s = float(t[-1] - t[0]) if n > 1 else 0.0

    def rate(name: str, count: int, seconds: float) -> None:
        got, reason = events_per_minute(count, valid_seconds=seconds, min_valid_s=cfg.min_valid_s, name=name)
        f.update(got)
        if reason:
            notes.append(reason)

    # smiling
    adult, infant = (
        _smiling(_col(table, "adult.smile"), cfg.smile_rise_fw),
        _smiling(_col(table, "infant.smile"), cfg.smile_rise_fw),
    )
    both_ok = ~(np.isnan(adult) | np.isnan(infant))
    shared = np.where(both_ok, (adult == 1) & (infant == 1), np.nan).astype(float)
    f["smile.shared.share"] = _share(shared, cfg.min_valid_frames)
    shared_onsets = _onsets(shared, t, cfg.min_episode_s)
    rate("smile.shared.onsets", len(shared_onsets), float(both_ok.sum()) / max(n, 1) * valid_s)
    a_on, i_on = _onsets(adult, t, cfg.min_episode_s), _onsets(infant, t, cfg.min_episode_s)
    first = [("adult" if a <= i else "infant") for a, i in _pair_onsets(a_on, i_on, cfg.follow_s)]
    f["smile.adult_first.share"] = float(np.mean([w == "adult" for w in first])) if first else np.nan
    for role, own, other in (("adult", i_on, a_on), ("infant", a_on, i_on)):
        follows = [any(0 <= o - s <= cfg.follow_s for o in other) for s in own]
        f[f"smile.{role}_follows.rate"] = float(np.mean(follows)) if follows else np.nan
    if not first:
        notes.append("smile.adult_first.share: no smile onsets of both within follow_s")
    # approach / withdrawal
    dist = _col(table, "dyad.distance_adult_fw")
    speed = np.full(n, np.nan)
    if n > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            speed[1:] = np.diff(dist) / np.diff(t)
    infant_facing = _col(table, "infant.facing_partner_deg")
    averted = np.where(np.isnan(infant_facing), np.nan, (infant_facing <= -cfg.aversion_deg).astype(float))
    f["gaze.infant.aversion.share"] = _share(averted, cfg.min_valid_frames)
    dist_ok_s = float((~np.isnan(dist)).sum()) / max(n, 1) * valid_s
    for kind, mask in (
        ("approach", speed <= -cfg.approach_speed_fw_s),
        ("withdrawal", speed >= cfg.approach_speed_fw_s),
    ):
        eps = [(a, b) for a, b in runs(mask) if t[b - 1] - t[max(a - 1, 0)] >= cfg.min_episode_s - 1e-9]
        f[f"proximity.{kind}.count"] = float(len(eps)) if dist_ok_s >= cfg.min_valid_s else np.nan
        rate(f"proximity.{kind}", len(eps), dist_ok_s)
        speeds = [float(np.nanmean(np.abs(speed[a:b]))) for a, b in eps]
        f[f"proximity.{kind}.speed.mean"] = float(np.mean(speeds)) if speeds else np.nan
        if kind == "approach":
            intrusive = [
                1
                for a, b in eps
                if np.nanmax(np.abs(speed[a:b])) >= cfg.intrusive_speed_fw_s
                and (np.nanmax(np.nan_to_num(averted[a:b], nan=0)) == 1)
            ]
            f["proximity.intrusive_approach.count"] = (
                float(len(intrusive)) if dist_ok_s >= cfg.min_valid_s else np.nan
            )
            rate("proximity.intrusive_approach", len(intrusive), dist_ok_s)
    # bursts of large movement (activity changes)
    motion = np.fmax(_col(table, "adult.motion_energy"), _col(table, "infant.motion_energy"))
    bursts = _onsets(
        np.where(np.isnan(motion), np.nan, (motion >= cfg.burst_motion).astype(float)), t, cfg.min_episode_s
    )
    rate("activity.bursts", len(bursts), float((~np.isnan(motion)).sum()) / max(n, 1) * valid_s)
    # hiding games (peekaboo): either person's found face covered by hands, cloth or a toy
    covered = np.fmax(_col(table, "adult.face_covered"), _col(table, "infant.face_covered"))
    f["episodes.face_covered.share"] = _share(covered, cfg.min_valid_frames)
    hides = _onsets(covered, t, cfg.min_episode_s)
    rate("episodes.face_covered", len(hides), float((~np.isnan(covered)).sum()) / max(n, 1) * valid_s)
    for key in ("smile.shared.share", "gaze.infant.aversion.share"):
        if np.isnan(f[key]):
            notes.append(f"{key}: fewer than {cfg.min_valid_frames} valid frames")
    return f, notes


def _pair_onsets(a_on: list[float], i_on: list[float], window: float) -> list[tuple[float, float]]:
    """Pairs of adult and infant smile onsets within `window` s of each other (each onset used once)."""
    pairs, used = [], set()
    for a in a_on:
        near = [(abs(i - a), k) for k, i in enumerate(i_on) if k not in used and abs(i - a) <= window]
        if near:
            k = min(near)[1]
            used.add(k)
            pairs.append((a, i_on[k]))
    return pairs


def episode_specs(cfg=None) -> list[FeatureSpec]:
    F, P, A, T, C, ACT = FACIAL, POSITION, AFFECTION, TURN_TAKING, CONTROL, ACTIVITY
    smile_src, dist_src = (
        "frames.parquet `adult.smile`, `infant.smile`",
        "frames.parquet `dyad.distance_adult_fw`, `t_s`",
    )
    smiling = "smiling = smile index >= episodes.smile_rise_fw above the role's 10th percentile"
    return [
        FeatureSpec(
            "smile.shared.share",
            "0..1",
            f"share of frames valid for both in which both smile ({smiling})",
            smile_src,
            A,
        ),
        FeatureSpec(
            "smile.shared.onsets.per_min",
            "1/min",
            f"onsets of shared smiling lasting >= episodes.min_episode_s, per minute ({smiling})",
            smile_src,
            A,
        ),
        FeatureSpec(
            "smile.adult_first.share",
            "0..1",
            "of adult/infant smile onsets paired within episodes.follow_s, share where the adult smiled "
            "first",
            smile_src,
            F,
        ),
        FeatureSpec(
            "smile.adult_follows.rate",
            "0..1",
            "share of infant smile onsets followed by an adult smile onset within episodes.follow_s (2 s)",
            smile_src,
            T,
        ),
        FeatureSpec(
            "smile.infant_follows.rate",
            "0..1",
            "share of adult smile onsets followed by an infant smile onset within episodes.follow_s (2 s)",
            smile_src,
            T,
        ),
        FeatureSpec(
            "gaze.infant.aversion.share",
            "0..1",
            "share of valid frames in which the infant's head turns away from the adult by >= "
            "episodes.aversion_deg",
            "frames.parquet `infant.facing_partner_deg`",
            ACT,
        ),
        FeatureSpec(
            "proximity.approach.count",
            "count",
            "adult-infant approach episodes: face distance shrinking faster than "
            "episodes.approach_speed_fw_s for >= episodes.min_episode_s",
            dist_src,
            P,
        ),
        FeatureSpec(
            "proximity.approach.per_min",
            "1/min",
            "approach episodes per minute of valid distance",
            dist_src,
            P,
        ),
        FeatureSpec(
            "proximity.approach.speed.mean",
            "adult face widths/s",
            "mean closing speed during approach episodes",
            dist_src,
            P,
        ),
        FeatureSpec(
            "proximity.withdrawal.count",
            "count",
            "withdrawal episodes: face distance growing faster than episodes.approach_speed_fw_s for >= "
            "episodes.min_episode_s",
            dist_src,
            P,
        ),
        FeatureSpec(
            "proximity.withdrawal.per_min",
            "1/min",
            "withdrawal episodes per minute of valid distance",
            dist_src,
            P,
        ),
        FeatureSpec(
            "proximity.withdrawal.speed.mean",
            "adult face widths/s",
            "mean opening speed during withdrawal episodes",
            dist_src,
            P,
        ),
        FeatureSpec(
            "proximity.intrusive_approach.count",
            "count",
            "approach episodes reaching episodes.intrusive_speed_fw_s while the infant averts its head",
            dist_src + ", `infant.facing_partner_deg`",
            C,
        ),
        FeatureSpec(
            "proximity.intrusive_approach.per_min",
            "1/min",
            "intrusive approaches per minute of valid distance",
            dist_src + ", `infant.facing_partner_deg`",
            C,
        ),
        FeatureSpec(
            "activity.bursts.per_min",
            "1/min",
            "onsets of large movement (either person's motion energy >= episodes.burst_motion for >= "
            "episodes.min_episode_s) per minute: changes of activity",
            "frames.parquet `adult.motion_energy`, `infant.motion_energy`",
            ACT,
            "Ramseyer & Tschacher 2011 (motion energy analysis)",
        ),
        FeatureSpec(
            "episodes.face_covered.share",
            "0..1",
            "share of frames with a found face in which a face is covered (hands, cloth, toy: hiding "
            "games such as peekaboo)",
            "frames.parquet `adult.face_covered`, `infant.face_covered`",
            ACT,
        ),
        FeatureSpec(
            "episodes.face_covered.per_min",
            "1/min",
            "onsets of a covered face lasting >= episodes.min_episode_s, per minute of frames with a found "
            "face (hiding games such as peekaboo)",
            "frames.parquet `adult.face_covered`, `infant.face_covered`",
            ACT,
        ),
    ]


def _compute(bundle: ClipBundle, cfg) -> tuple[dict[str, float], list[str]]:
    return episode_features(bundle.frames, cfg.episodes)


FAMILY = FeatureFamily("episodes", specs=episode_specs, compute=_compute)

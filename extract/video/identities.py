"""Offline identity resolution: link tracklets into at most `max_people` identities and repair swaps.

Input is the whole clip's face observations (a few numbers per face and frame, never images):
`frame`, `track` (online track id), `cx`, `cy`, `w` (normalised), and one colour histogram
per observation. Two observations in the same frame are never the same person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from extract.intervals import runs
from extract.video.appearance import histogram_distance


@dataclass(frozen=True)
class IdentityResult:
    identity: np.ndarray  # (n,) identity per observation, -1 = dropped (phantom / extra face)
    swap_repairs: int  # runs of frames whose labels were swapped back
    dropped_tracks: int  # tracklets dropped as phantoms or extra people


def _mean_hist(h: np.ndarray) -> np.ndarray:
    m = h.mean(0) if len(h) else h.sum(0)
    return m / m.sum() if m.sum() > 0 else m


def _distance(
    *,
    log_w: float,
    hist: np.ndarray,
    proto_log_w: float,
    proto_hist: np.ndarray,
    size_weight: float,
    appearance_weight: float,
) -> float:
    return size_weight * abs(log_w - proto_log_w) + appearance_weight * histogram_distance(hist, proto_hist)


def link_tracklets(
    obs: pd.DataFrame,
    hists: np.ndarray,
    *,
    max_people: int = 2,
    max_overlap: int = 2,
    size_weight: float = 2.0,
    appearance_weight: float = 1.0,
    position_weight: float = 0.3,
    min_identity_share: float = 0.05,
    n_frames: int | None = None,
) -> tuple[np.ndarray, int]:
    """Identity per observation from tracklets, longest first: a tracklet joins the closest
    identity (size, appearance, median position) that it does not overlap in time by more
    than `max_overlap` frames, else opens a new one while fewer than `max_people` exist, else
    is dropped. Identities present in fewer than `min_identity_share` of `n_frames` are dropped.

    obs: DataFrame with frame, track, cx, cy, w (n rows); hists (n, K). Returns (identity (n,), dropped)."""
    identity = np.full(len(obs), -1, int)
    if len(obs) == 0:
        return identity, 0
    groups = sorted(obs.groupby("track").indices.items(), key=lambda kv: -len(kv[1]))
    people: list[dict] = []
    dropped = 0
    for _, idx in groups:
        frames = set(obs.frame.values[idx])
        log_w = float(np.median(np.log(np.maximum(obs.w.values[idx], 1e-6))))
        hist = _mean_hist(hists[idx])
        pos = np.array([np.median(obs.cx.values[idx]), np.median(obs.cy.values[idx])])
        w = float(np.exp(log_w))
        best, best_cost = None, np.inf
        for k, p in enumerate(people):
            if len(frames & p["frames"]) > max_overlap:
                continue
            cost = _distance(
                log_w=log_w,
                hist=hist,
                proto_log_w=p["log_w"],
                proto_hist=p["hist"],
                size_weight=size_weight,
                appearance_weight=appearance_weight,
            ) + position_weight * float(np.hypot(*(pos - p["pos"]))) / max(w, 1e-6)
            if cost < best_cost:
                best, best_cost = k, cost
        if best is None and len(people) < max_people:
            people.append({"frames": set(), "log_w": log_w, "hist": hist, "pos": pos, "n": 0})
            best = len(people) - 1
        if best is None:
            dropped += 1
            continue
        p = people[best]
        identity[idx] = best
        p["frames"] |= frames
        p["n"] += len(idx)
    total = n_frames or int(obs.frame.max()) + 1
    keep = [k for k, p in enumerate(people) if len(p["frames"]) >= min_identity_share * total]
    remap = {old: new for new, old in enumerate(keep)}
    for k in range(len(people)):
        if k not in remap:
            dropped += int(len(set(obs.track.values[identity == k])))
    identity = np.array([remap.get(i, -1) for i in identity], int)
    return identity, dropped


def close_encounters(
    obs: pd.DataFrame, identity: np.ndarray, frames: np.ndarray, *, close_fw: float, aspect: float
) -> np.ndarray:
    """(len(frames),) bool: both identities seen and their face centres closer than `close_fw`
    face widths (the larger face) -- the only moments an online tracker can swap two people."""
    out = np.zeros(len(frames), bool)
    valid = identity >= 0
    for n, f in enumerate(frames):
        rows = np.flatnonzero((obs.frame.values == f) & valid)
        if len(rows) == 2:
            a, b = rows
            d = np.hypot(obs.cx.values[a] - obs.cx.values[b], (obs.cy.values[a] - obs.cy.values[b]) * aspect)
            out[n] = d < close_fw * max(obs.w.values[a], obs.w.values[b])
    return out


def repair_swaps(
    obs: pd.DataFrame,
    hists: np.ndarray,
    identity: np.ndarray,
    *,
    size_weight: float = 2.0,
    appearance_weight: float = 1.0,
    margin: float = 0.3,
    min_run: int = 3,
    close_fw: float = 1.5,
    aspect: float = 1.0,
    iterations: int = 2,
) -> tuple[np.ndarray, int]:
    """Swap the two identities' labels where the faces match the other identity's prototype
    (median size, mean colour histogram) better by more than `margin` per face, for at least
    `min_run` consecutive observed frames. Returns (identity (n,), runs repaired).

    A tracker can only swap two people where their faces come close (`close_encounters`), so
    between such moments labels change only as a block: the decision is summed over each
    stretch of frames between close encounters; within close encounters it is per frame.
    Only for two identities; dropped observations (-1) are left alone."""
    identity = identity.copy()
    if len(set(identity[identity >= 0])) != 2:
        return identity, 0
    log_w = np.log(np.maximum(obs.w.values, 1e-6))
    frames = obs.frame.values
    order = np.unique(frames[identity >= 0])
    close = close_encounters(obs, identity, order, close_fw=close_fw, aspect=aspect)
    # stretch id per observed frame: every close frame is its own stretch, far frames between them share one
    stretch = np.cumsum(close | np.r_[True, close[:-1]])
    repairs = 0
    for _ in range(iterations):
        protos = []
        for k in (0, 1):
            sel = identity == k
            protos.append((float(np.median(log_w[sel])), _mean_hist(hists[sel])))
        gain = np.zeros(len(order))  # keep cost - swap cost - margin, summed per frame
        for n, f in enumerate(order):
            for r in np.flatnonzero((frames == f) & (identity >= 0)):
                own, other = protos[identity[r]], protos[1 - identity[r]]
                kw = dict(
                    log_w=log_w[r],
                    hist=hists[r],
                    size_weight=size_weight,
                    appearance_weight=appearance_weight,
                )
                gain[n] += (
                    _distance(**kw, proto_log_w=own[0], proto_hist=own[1])
                    - _distance(**kw, proto_log_w=other[0], proto_hist=other[1])
                    - margin
                )
        total = pd.Series(gain).groupby(stretch).transform("sum").to_numpy()
        flip = _drop_short_runs(total > 0, min_run=min_run)
        if not flip.any():
            break
        repairs += len(runs(flip))
        flipped = np.isin(frames, order[flip]) & (identity >= 0)
        identity[flipped] = 1 - identity[flipped]
    return identity, repairs


def _drop_short_runs(flags: np.ndarray, *, min_run: int) -> np.ndarray:
    """flags with runs of True shorter than `min_run` set to False."""
    out = np.zeros(len(flags), dtype=bool)
    for a, b in runs(flags, min_len=min_run):
        out[a:b] = True
    return out


def resolve_identities(
    obs: pd.DataFrame,
    hists: np.ndarray,
    *,
    n_frames: int,
    max_people: int = 2,
    max_overlap: int = 2,
    size_weight: float = 2.0,
    appearance_weight: float = 1.0,
    position_weight: float = 0.3,
    min_identity_share: float = 0.05,
    swap_margin: float = 0.3,
    min_swap_run: int = 3,
    close_fw: float = 1.5,
    aspect: float = 1.0,
) -> IdentityResult:
    """`link_tracklets` then `repair_swaps`; see those. obs (n rows), hists (n, K)."""
    identity, dropped = link_tracklets(
        obs,
        hists,
        max_people=max_people,
        max_overlap=max_overlap,
        size_weight=size_weight,
        appearance_weight=appearance_weight,
        position_weight=position_weight,
        min_identity_share=min_identity_share,
        n_frames=n_frames,
    )
    identity, repairs = repair_swaps(
        obs,
        hists,
        identity,
        size_weight=size_weight,
        appearance_weight=appearance_weight,
        margin=swap_margin,
        min_run=min_swap_run,
        close_fw=close_fw,
        aspect=aspect,
    )
    # two observations of one identity in a frame (overlap tolerance): keep the higher score
    if len(obs):
        score = obs["score"].to_numpy(float) if "score" in obs else np.ones(len(obs))
        ranked = pd.DataFrame(
            {"frame": obs.frame.to_numpy(), "identity": identity, "score": score}
        ).sort_values("score", ascending=False)
        dup = ranked.duplicated(["frame", "identity"]) & (ranked.identity >= 0)
        identity[ranked.index[dup].to_numpy()] = -1
    return IdentityResult(identity=identity, swap_repairs=repairs, dropped_tracks=dropped)

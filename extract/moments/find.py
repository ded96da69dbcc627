"""Positive moments of one clip for video feedback: the best moments of contingent responding,
shared positive affect and mutual facing, ranked by one score, overlapping ones suppressed.

Kinds (frames: the frames.parquet table with the affect columns; segments: segments.csv):
- `contingent_response`: an infant bid answered by the adult within moments.window_s. A vocal bid
  is an infant vocal segment, answered by the first adult vocal onset in (offset, offset + window]
  (the turns.contingent_response definition); an affect bid is the onset of a positive infant run
  (>= moments.min_s) while the adult is not positive, answered by an adult vocal onset or an adult
  positive onset in (onset, onset + window]. The moment runs from the bid's start to the end of
  the answer. Strength 1 - 0.5 x latency / window (0.5..1: quicker answers are stronger).
- `shared_positive_affect`: runs of frames in which the infant is positive and the adult positive
  within affect.shared_window_s (the affect.shared_positive definition), gaps up to moments.min_s
  bridged, lasting >= moments.min_s. Strength: mean over the run of both roles' positivity
  (1 while laughing, else the smile intensity clipped to 0..1).
- `mutual_facing`: runs of dyad.mutual_facing == 1 (gaps up to moments.min_s bridged) lasting
  >= moments.min_s. Strength 1.

Score = moments.weight_<kind> x strength x duration (s), with moments longer than moments.max_s
cut to that length from their start. Ranking: candidates by score (ties: earlier first); a candidate
sharing more than moments.max_overlap of the shorter one's time with a kept moment is dropped
(non-maximum suppression; the default 0 keeps moments disjoint, so each excerpt shows something
new and the ELAN tier has no overlaps); the first moments.count kept are ranked 1, 2, ...
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from extract.config import Config
from extract.intervals import dilate, runs

KINDS = ("contingent_response", "shared_positive_affect", "mutual_facing")
MOMENT_COLUMNS = ["rank", "kind", "start_s", "end_s", "score", "description", "thumbnail"]
ADULT, INFANT = "the parent", "the infant"
# vocal_type words: infant babble and coos are typed `other` (extract/audio/vocal_type.py)
INFANT_VERB = {"speech": "spoke", "other": "babbled", "laugh": "laughed", "cry": "cried", "": "vocalized"}
ADULT_VERB = {"laugh": "laughed", "": "answered"}


@dataclass(frozen=True)
class Moment:
    kind: str
    start_s: float
    end_s: float
    strength: float  # 0..1
    description: str
    thumb_s: float  # time of the still that shows the moment

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def _col(frames: pd.DataFrame, name: str, fill) -> np.ndarray:
    if name in frames:
        return frames[name].to_numpy(object if isinstance(fill, str) else float)
    return np.full(len(frames), fill, dtype=object if isinstance(fill, str) else float)


def _bridged_runs(flag: np.ndarray, t: np.ndarray, *, gap_s: float, min_s: float) -> list[tuple[int, int]]:
    """[a, b) index runs of True with gaps of at most gap_s bridged, lasting >= min_s (first to last
    frame plus one frame step)."""
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    merged: list[list[int]] = []
    for a, b in runs(flag):
        if merged and t[a] - t[merged[-1][1] - 1] - dt <= gap_s + 1e-9:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged if t[b - 1] - t[a] + dt >= min_s - 1e-9]


def _run_end(t: np.ndarray, b: int) -> float:
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    return float(t[b - 1] + dt)


def _positivity(frames: pd.DataFrame, role: str) -> np.ndarray:
    """(n,) 0..1: 1 while `role` laughs, else its smile intensity clipped to 0..1 (0 where unknown)."""
    smile = np.clip(np.nan_to_num(_col(frames, f"{role}.smile_intensity", np.nan)), 0, 1)
    return np.where(_col(frames, f"{role}.vocal_type", "") == "laugh", 1.0, smile)


def _both_smiled(frames: pd.DataFrame, t: np.ndarray, a: float, b: float) -> bool:
    inside = (t >= a) & (t < b)
    pos = {r: _col(frames, f"{r}.affect", "") == "positive" for r in ("adult", "infant")}
    return bool(np.any(pos["adult"] & inside)) and bool(np.any(pos["infant"] & inside))


def _strength(latency_s: float, window_s: float) -> float:
    return 1.0 - 0.5 * latency_s / window_s


def vocal_responses(frames: pd.DataFrame, segments: pd.DataFrame | None, cfg: Config) -> list[Moment]:
    """Contingent responses to infant vocal bids (see the module docstring)."""
    if segments is None or not len(segments):
        return []
    w = cfg.moments.window_s
    kinds = segments["vocal_type"].fillna("") if "vocal_type" in segments else pd.Series("", segments.index)
    seg = segments.assign(vocal_type=kinds.astype(str)).sort_values("start_s")
    infant = seg[
        (seg.speaker == "infant")
        & (seg.end_s - seg.start_s >= cfg.audio.turns.min_infant_vocalization_s - 1e-9)
    ]
    adult = seg[seg.speaker == "adult"]
    t = frames["t_s"].to_numpy(float) if frames is not None else np.zeros(0)
    out = []
    for bid in infant.itertuples():
        answers = adult[(adult.start_s > bid.end_s) & (adult.start_s <= bid.end_s + w + 1e-9)]
        if not len(answers):
            continue
        ans = answers.iloc[0]
        latency = float(ans.start_s - bid.end_s)
        text = (
            f"{INFANT} {INFANT_VERB.get(bid.vocal_type, 'vocalized')} at {bid.start_s:.1f} s and {ADULT} "
            f"{ADULT_VERB.get(ans.vocal_type, 'answered')} {latency:.1f} s later"
        )
        end = float(ans.end_s)
        if frames is not None and _both_smiled(frames, t, float(bid.start_s), end):
            text += "; both smiled"
        out.append(
            Moment(
                "contingent_response",
                float(bid.start_s),
                end,
                _strength(latency, w),
                text,
                min(float(ans.start_s) + 0.3, end),
            )
        )
    return out


def affect_responses(frames: pd.DataFrame, segments: pd.DataFrame | None, cfg: Config) -> list[Moment]:
    """Contingent responses to infant affect bids: a positive infant onset while the adult is not
    positive, answered by an adult vocal onset or positive onset within moments.window_s."""
    m = cfg.moments
    t = frames["t_s"].to_numpy(float)
    pos = {r: _col(frames, f"{r}.affect", "") == "positive" for r in ("adult", "infant")}
    adult_runs = [(t[a], _run_end(t, b)) for a, b in runs(pos["adult"])]
    voice = (
        [(float(s.start_s), float(s.end_s)) for s in segments[segments.speaker == "adult"].itertuples()]
        if segments is not None and len(segments)
        else []
    )
    out = []
    for a, b in _bridged_runs(pos["infant"], t, gap_s=0.0, min_s=m.min_s):
        if pos["adult"][a]:
            continue  # the adult was positive first: a shared moment, not a bid
        onset = float(t[a])
        answers = [
            (s0, s1, how)
            for s0, s1, how in [(s0, s1, "spoke") for s0, s1 in voice]
            + [(s0, s1, "smiled back") for s0, s1 in adult_runs]
            if onset < s0 <= onset + m.window_s + 1e-9
        ]
        if not answers:
            continue
        s0, s1, how = min(answers)
        latency = s0 - onset
        laughed = bool(np.any(_col(frames, "infant.vocal_type", "")[a:b] == "laugh"))
        text = (
            f"{INFANT} {'laughed' if laughed else 'smiled'} at {onset:.1f} s and {ADULT} {how} "
            f"{latency:.1f} s later"
        )
        out.append(
            Moment(
                "contingent_response",
                onset,
                max(s1, _run_end(t, b)),
                _strength(latency, m.window_s),
                text,
                s0 + 0.3,
            )
        )
    return out


def shared_positive(frames: pd.DataFrame, cfg: Config) -> list[Moment]:
    t = frames["t_s"].to_numpy(float)
    pos = {r: _col(frames, f"{r}.affect", "") == "positive" for r in ("adult", "infant")}
    shared = pos["infant"] & dilate(pos["adult"], t, cfg.affect.shared_window_s)
    level = (_positivity(frames, "adult") + _positivity(frames, "infant")) / 2
    infant_type = _col(frames, "infant.vocal_type", "")
    out = []
    for a, b in _bridged_runs(shared, t, gap_s=cfg.moments.min_s, min_s=cfg.moments.min_s):
        start, end = float(t[a]), _run_end(t, b)
        w = cfg.affect.shared_window_s
        near = (t >= start - w - 1e-9) & (t < end + w)  # where each role's positive frames lie
        first = {r: t[np.flatnonzero(pos[r] & near)[0]] for r in pos}
        leader, follower = ("adult", "infant") if first["adult"] <= first["infant"] else ("infant", "adult")
        lag = first[follower] - first[leader]
        words = {"adult": ADULT, "infant": INFANT}
        text = f"{ADULT} and {INFANT} smiled together from {start:.1f} s to {end:.1f} s"
        text += (
            f" ({words[leader]} first, {words[follower]} joined {lag:.1f} s later)"
            if lag >= 0.1
            else " (both at once)"
        )
        if np.any(infant_type[a:b] == "laugh"):
            text += f"; {INFANT} laughed"
        k = a + int(np.argmax(level[a:b]))
        out.append(
            Moment("shared_positive_affect", start, end, float(np.mean(level[a:b])), text, float(t[k]))
        )
    return out


def mutual_facing(frames: pd.DataFrame, cfg: Config) -> list[Moment]:
    t = frames["t_s"].to_numpy(float)
    facing = _col(frames, "dyad.mutual_facing", np.nan) == 1
    out = []
    for a, b in _bridged_runs(facing, t, gap_s=cfg.moments.min_s, min_s=cfg.moments.min_s):
        start, end = float(t[a]), _run_end(t, b)
        text = f"{ADULT} and {INFANT} faced each other from {start:.1f} s for {end - start:.1f} s"
        out.append(Moment("mutual_facing", start, end, 1.0, text, (start + end) / 2))
    return out


def candidates(frames: pd.DataFrame | None, segments: pd.DataFrame | None, cfg: Config) -> list[Moment]:
    """Every candidate moment of the clip, each cut to moments.max_s."""
    found = vocal_responses(frames, segments, cfg)
    if frames is not None and len(frames):
        found += (
            affect_responses(frames, segments, cfg)
            + shared_positive(frames, cfg)
            + mutual_facing(frames, cfg)
        )
    cap = cfg.moments.max_s
    return [
        m
        if m.duration_s <= cap
        else Moment(
            m.kind, m.start_s, m.start_s + cap, m.strength, m.description, min(m.thumb_s, m.start_s + cap)
        )
        for m in found
        if m.duration_s > 0
    ]


def score(m: Moment, cfg: Config) -> float:
    return getattr(cfg.moments, f"weight_{m.kind}") * m.strength * m.duration_s


def overlap_share(a: Moment, b: Moment) -> float:
    """Time a and b share, as a share of the shorter one (0..1)."""
    inter = max(0.0, min(a.end_s, b.end_s) - max(a.start_s, b.start_s))
    shorter = min(a.duration_s, b.duration_s)
    return inter / shorter if shorter > 0 else 0.0


def suppress(moments: list[Moment], scores: list[float], *, max_overlap: float, count: int) -> list[int]:
    """Indices of the kept moments, best first: greedy non-maximum suppression by score (ties:
    earlier start first), dropping any moment whose overlap_share with a kept one exceeds max_overlap."""
    order = sorted(range(len(moments)), key=lambda k: (-scores[k], moments[k].start_s, moments[k].kind))
    kept: list[int] = []
    for k in order:
        if len(kept) >= count:
            break
        if all(overlap_share(moments[k], moments[j]) <= max_overlap + 1e-9 for j in kept):
            kept.append(k)
    return kept


def find_moments(frames: pd.DataFrame | None, segments: pd.DataFrame | None, cfg: Config) -> pd.DataFrame:
    """The clip's ranked moments: MOMENT_COLUMNS (thumbnail '' until written) plus `thumb_s`,
    moments.count rows at most, rank 1 = best."""
    found = candidates(frames, segments, cfg)
    scores = [score(m, cfg) for m in found]
    kept = suppress(found, scores, max_overlap=cfg.moments.max_overlap, count=cfg.moments.count)
    rows = [
        {
            "rank": r,
            "kind": found[k].kind,
            "start_s": round(found[k].start_s, 3),
            "end_s": round(found[k].end_s, 3),
            "score": round(scores[k], 4),
            "description": found[k].description,
            "thumbnail": "",
            "thumb_s": round(found[k].thumb_s, 3),
        }
        for r, k in enumerate(kept, start=1)
    ]
    return pd.DataFrame(rows, columns=[*MOMENT_COLUMNS, "thumb_s"])

"""Vocal turn-taking per clip from speaker-labelled segments.

Definitions (the feature dictionary cites these):
- conversational turn (LENA; Gilkerson & Richards 2008): two consecutive vocalizations (in
  onset order, so no other vocalization between) by different speakers, the second starting
  less than `max_turn_gap_s` (5 s) after the first ends (overlaps count). Each such adjacent
  adult/infant pair is one turn: A-I-A is two turns.
- contingent response within W s (W in `windows_s`, literature 1, 2, 5 s): a vocalization of
  the partner followed by an onset of the responder in (offset, offset + W]. Adult responses
  to infant vocalizations are `turns.contingent_response_<W>s.*` (the CARE-Index sense),
  infant responses to adult ones `turns.infant_response_<W>s.*`; `.count` responded
  vocalizations, `.rate` per partner vocalization.
- response latency: first responder onset after the partner's offset, within the largest
  window; median and IQR (s).
- overlap: time both speak; intrusion: an adult onset while the infant vocalizes.
- adult monologue: adult vocalizations with no infant vocalization starting between them
  and gaps < max_turn_gap_s; its span from first onset to last offset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.config import TurnsConfig


def _fmt(w: float) -> str:
    return f"{w:g}".replace(".", "p")


def conversational_turns(
    segments: pd.DataFrame, *, max_turn_gap_s: float = TurnsConfig().max_turn_gap_s
) -> list[tuple[int, int]]:
    """Index pairs (i, j) of consecutive rows (sorted by start_s) that form a conversational turn."""
    s = segments.sort_values("start_s", kind="stable")
    idx, start, end, spk = s.index.to_numpy(), s.start_s.to_numpy(), s.end_s.to_numpy(), s.speaker.to_numpy()
    return [
        (idx[k], idx[k + 1])
        for k in range(len(s) - 1)
        if spk[k] != spk[k + 1] and start[k + 1] - end[k] < max_turn_gap_s
    ]


def _responses(partner: pd.DataFrame, responder: pd.DataFrame, window_s: float) -> tuple[int, np.ndarray]:
    """(number of partner vocalizations answered within window_s, latencies (m,) of the answered)."""
    onsets = np.sort(responder.start_s.to_numpy())
    lat = []
    for off in partner.end_s.to_numpy():
        after = onsets[(onsets > off) & (onsets <= off + window_s)]
        if len(after):
            lat.append(after[0] - off)
    return len(lat), np.array(lat)


def _overlap_s(a: pd.DataFrame, b: pd.DataFrame) -> tuple[float, int]:
    total, count = 0.0, 0
    for s0, e0 in zip(a.start_s, a.end_s, strict=False):
        ov = np.minimum(e0, b.end_s.to_numpy()) - np.maximum(s0, b.start_s.to_numpy())
        ov = ov[ov > 0]
        total += ov.sum()
        count += len(ov)
    return float(total), count


def _union_s(segments: pd.DataFrame) -> float:
    total, cur_a, cur_b = 0.0, None, None
    for a, b in sorted(zip(segments.start_s, segments.end_s, strict=False)):
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                total += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    return total + (cur_b - cur_a if cur_b is not None else 0.0)


def _monologue_max_s(segments: pd.DataFrame, *, max_gap_s: float) -> float:
    s = segments.sort_values("start_s")
    best, run_start, run_end = 0.0, None, None
    for a, b, spk in zip(s.start_s, s.end_s, s.speaker, strict=False):
        if spk != "adult":
            run_start = run_end = None
            continue
        if run_end is None or a - run_end >= max_gap_s:
            run_start, run_end = a, b
        else:
            run_end = max(run_end, b)
        best = max(best, run_end - run_start)
    return float(best)


def turn_features(
    segments: pd.DataFrame,
    *,
    duration_s: float,
    cfg: TurnsConfig | None = None,
) -> dict[str, float]:
    """Clip-level turn-taking features from `segments` (rows: start_s, end_s, speaker) over a
    clip of `duration_s` seconds. Infant vocalizations shorter than min_infant_vocalization_s
    (LENA uses 0.6 s) are ignored. Returns {feature name: value}; nan where undefined."""
    cfg = cfg if cfg is not None else TurnsConfig()
    windows_s, max_turn_gap_s = tuple(cfg.windows_s), cfg.max_turn_gap_s
    min_infant_vocalization_s = cfg.min_infant_vocalization_s
    seg = segments.loc[:, ["start_s", "end_s", "speaker"]].reset_index(drop=True)
    seg = seg[(seg.speaker != "infant") | (seg.end_s - seg.start_s >= min_infant_vocalization_s)].reset_index(
        drop=True
    )
    adult, infant = seg[seg.speaker == "adult"], seg[seg.speaker == "infant"]
    minutes = duration_s / 60.0 if duration_s > 0 else np.nan
    f: dict[str, float] = {}
    n_turns = len(conversational_turns(seg, max_turn_gap_s=max_turn_gap_s))
    f["turns.conversational.count"] = float(n_turns)
    f["turns.conversational.per_min"] = n_turns / minutes
    for w in windows_s:
        for name, partner, responder in (
            ("contingent_response", infant, adult),
            ("infant_response", adult, infant),
        ):
            n, _ = _responses(partner, responder, w)
            f[f"turns.{name}_{_fmt(w)}s.count"] = float(n)
            f[f"turns.{name}_{_fmt(w)}s.rate"] = n / len(partner) if len(partner) else np.nan
    wmax = max(windows_s) if windows_s else max_turn_gap_s
    for role, partner, responder in (("adult", infant, adult), ("infant", adult, infant)):
        _, lat = _responses(partner, responder, wmax)
        f[f"turns.{role}.response_latency_s.median"] = float(np.median(lat)) if len(lat) else np.nan
        f[f"turns.{role}.response_latency_s.iqr"] = (
            float(np.subtract(*np.percentile(lat, [75, 25]))) if len(lat) else np.nan
        )
    ov_s, ov_n = _overlap_s(adult, infant)
    f["turns.overlap.count"] = float(ov_n)
    f["turns.overlap_s.total"] = ov_s
    intr = sum(
        int(np.any((adult.start_s > a) & (adult.start_s < b)))
        for a, b in zip(infant.start_s, infant.end_s, strict=False)
    )
    f["turns.adult.intrusion.count"] = float(intr)
    f["turns.adult.intrusion.rate"] = intr / len(infant) if len(infant) else np.nan
    t_adult, t_infant = _union_s(adult), _union_s(infant)
    f["turns.adult.vocal_time.share"] = t_adult / (t_adult + t_infant) if t_adult + t_infant > 0 else np.nan
    f["turns.adult.monologue_s.max"] = _monologue_max_s(seg, max_gap_s=max_turn_gap_s)
    f["turns.silence.share"] = 1.0 - _union_s(seg) / duration_s if duration_s > 0 else np.nan
    return f

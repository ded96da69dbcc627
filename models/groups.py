"""Group comparisons: would the proxy have reached the study's conclusion?

Per group and timepoint, the share of dyads in the intervention range (lowest bands), from
the coders and from dyad-held-out predictions side by side; a chi-square test of group x
intervention per timepoint on each source; and the change between timepoints per group, with
an exact McNemar test on the dyads seen at both timepoints (paired by dyad_id).

The unit is the dyad: a dyad with several clips at a timepoint counts once, with the mean
of its clips' coded and of its clips' predicted ratings (without dyad_id, each clip counts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def _chi2(table: pd.DataFrame) -> tuple[float, float]:
    counts = table.to_numpy()
    if (
        counts.shape[0] < 2
        or counts.shape[1] < 2
        or (counts.sum(axis=0) == 0).any()
        or (counts.sum(axis=1) == 0).any()
    ):
        return float("nan"), float("nan")
    chi2, p, _, _ = stats.chi2_contingency(counts)
    return float(chi2), float(p)


def mcnemar_exact(before: np.ndarray, after: np.ndarray) -> tuple[int, int, float]:
    """Paired booleans -> (dyads that left the range, dyads that entered it, exact two-sided p)."""
    before, after = np.asarray(before, bool), np.asarray(after, bool)
    left, entered = int((before & ~after).sum()), int((~before & after).sum())
    if left + entered == 0:
        return left, entered, 1.0
    return left, entered, float(stats.binomtest(min(left, entered), left + entered, 0.5).pvalue)


DYAD_UNIT = "dyad (mean of its clips' coded and predicted ratings at each timepoint)"
CLIP_UNIT = "clip (no dyad_id given: clips of one dyad would count as independent)"


def per_dyad(rows: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """One row per dyad, group and timepoint (coded, predicted = means over its clips; n_clips),
    and the unit in words. Without dyad_id every clip is its own unit."""
    if "dyad_id" not in rows.columns or rows.dyad_id.isna().any():
        return rows.assign(n_clips=1), CLIP_UNIT
    keys = ["dyad_id", "group", "timepoint"]
    units = rows.groupby(keys, sort=False).agg(
        clip_id=("clip_id", "first"),
        n_clips=("clip_id", "size"),
        coded=("coded", "mean"),
        predicted=("predicted", "mean"),
    )
    return units.reset_index(), DYAD_UNIT


def _paired_change(part: pd.DataFrame, first: str, last: str) -> dict:
    """McNemar per source on the dyads of `part` (one row per dyad and timepoint) seen at both."""
    if "dyad_id" not in part.columns:
        return {}
    wide = part[part.timepoint.isin([first, last])]
    out = {}
    for source in ("coded", "predicted"):
        pivot = wide.pivot(index="dyad_id", columns="timepoint", values=f"{source}_low").dropna()
        if first not in pivot or last not in pivot:
            return {}
        left, entered, p = mcnemar_exact(pivot[first].to_numpy(bool), pivot[last].to_numpy(bool))
        out.update(
            {
                "n_paired_dyads": len(pivot),
                f"{source}_left": left,
                f"{source}_entered": entered,
                f"{source}_mcnemar_p": p,
            }
        )
    return out


def group_comparison(
    rows: pd.DataFrame,
    *,
    threshold: float | None = None,
    alpha: float = 0.05,
    flagged=None,
    label: str = "intervention range",
) -> dict:
    """rows: clip_id, group, timepoint, coded, predicted (held-out), dyad_id (the unit of every
    share and test; see `per_dyad`). "In the range": rating <= threshold (+ 0.5), or
    `flagged(values, predicted=bool)` (an instrument's review rule). Returns shares, tests,
    changes, verdict, unit."""
    if flagged is None:

        def flagged(values, *, predicted: bool):
            return values <= threshold + 0.5

    rows = rows.dropna(subset=["group", "timepoint"]).copy()
    rows = rows[(rows.group.astype(str) != "") & (rows.timepoint.astype(str) != "")]
    if rows.group.nunique() < 2:
        return {"available": False, "reason": "fewer than two groups"}
    rows, unit = per_dyad(rows)
    rows["coded_low"] = np.asarray(flagged(rows.coded.to_numpy(), predicted=False), bool)
    rows["predicted_low"] = np.asarray(flagged(rows.predicted.to_numpy(), predicted=True), bool)
    shares = (
        rows.groupby(["timepoint", "group"], sort=True)
        .agg(
            n=("clip_id", "size"),
            n_clips=("n_clips", "sum"),
            coded_share=("coded_low", "mean"),
            predicted_share=("predicted_low", "mean"),
        )
        .reset_index()
    )
    tests = []
    for tp, part in rows.groupby("timepoint", sort=True):
        entry = {"timepoint": tp}
        for source in ("coded", "predicted"):
            table = pd.crosstab(part.group, part[f"{source}_low"]).reindex(
                columns=[False, True], fill_value=0
            )
            entry[f"{source}_chi2"], entry[f"{source}_p"] = _chi2(table)
        tests.append(entry)
    tests = pd.DataFrame(tests)
    changes = []
    timepoints = list(dict.fromkeys(rows.timepoint))
    if len(timepoints) >= 2:
        first, last = timepoints[0], timepoints[-1]
        for group, part in shares.groupby("group"):
            a, b = part[part.timepoint == first], part[part.timepoint == last]
            if len(a) and len(b):
                changes.append(
                    {
                        "group": group,
                        "from": first,
                        "to": last,
                        "coded_change": float(b.coded_share.iloc[0] - a.coded_share.iloc[0]),
                        "predicted_change": float(b.predicted_share.iloc[0] - a.predicted_share.iloc[0]),
                        **_paired_change(rows[rows.group == group], first, last),
                    }
                )
    changes = pd.DataFrame(changes)
    same = []
    for t in tests.itertuples():
        coded_sig = bool(t.coded_p < alpha) if np.isfinite(t.coded_p) else None
        pred_sig = bool(t.predicted_p < alpha) if np.isfinite(t.predicted_p) else None
        part = shares[shares.timepoint == t.timepoint]
        order_coded = list(part.sort_values("coded_share").group)
        order_pred = list(part.sort_values("predicted_share").group)
        same.append(coded_sig == pred_sig and (order_coded[-1] == order_pred[-1]))
    verdict = (
        f"yes: at every timepoint the proxy gives the same significance (p < {alpha:.2f}) and the same group "
        f"with the most dyads in the {label}"
        if all(same)
        else "no: at some timepoint the proxy differs from the coders in significance or in which group "
        f"has the most dyads in the {label}"
    )
    return {
        "available": True,
        "shares": shares,
        "tests": tests,
        "changes": changes,
        "same_conclusion": bool(all(same)),
        "verdict": verdict,
        "unit": unit,
    }

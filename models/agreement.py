"""Agreement of a per-frame signal with human codes: frame kappa and F1, event F1, onset offsets.

Frames where the signal is unknown (NaN) leave the frame statistics; the code side is taken as
the reference (recall = share of coded frames the signal marks). Events are runs of marked
frames; signal runs closer than `merge_gap_s` are one event (human codes are used as they are).
A code event and a signal event match when their onsets are within `tolerance_s`, one to one,
closest first; event F1 = 2 x matched / (code events + signal events), with unknown signal
frames counted as unmarked. Pooled figures add the clips' counts; their 95 % CIs resample clips.
"""

from __future__ import annotations

import numpy as np

from extract.intervals import runs

COUNT_FIELDS = ("tp", "fp", "fn", "tn", "unknown", "code_events", "signal_events", "matched")


def event_onsets(mask: np.ndarray, t: np.ndarray, merge_gap_s: float = 0.0) -> np.ndarray:
    """Onset times of the runs in `mask`, runs separated by less than `merge_gap_s` merged."""
    onsets, last_end = [], None
    for a, b in runs(mask):
        if last_end is not None and t[a] - t[last_end - 1] <= merge_gap_s + 1e-9:
            last_end = b
            continue
        onsets.append(t[a])
        last_end = b
    return np.asarray(onsets, dtype=float)


def match_onsets(code: np.ndarray, signal: np.ndarray, tolerance_s: float) -> np.ndarray:
    """Offsets (signal - code onset, s) of the one-to-one matches within the tolerance, closest first."""
    if not len(code) or not len(signal):
        return np.zeros(0)
    diff = signal[None, :] - code[:, None]
    pairs = sorted(
        zip(*np.nonzero(np.abs(diff) <= tolerance_s + 1e-9), strict=True), key=lambda p: abs(diff[p])
    )
    used_code, used_signal, offsets = set(), set(), []
    for i, j in pairs:
        if i not in used_code and j not in used_signal:
            used_code.add(i)
            used_signal.add(j)
            offsets.append(diff[i, j])
    return np.asarray(offsets, dtype=float)


def clip_counts(
    code: np.ndarray, signal: np.ndarray, t: np.ndarray, *, tolerance_s: float, merge_gap_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """(counts in COUNT_FIELDS order, matched onset offsets) of one clip. `code`: bool per
    frame; `signal`: 1.0 / 0.0 / NaN per frame."""
    code = np.asarray(code, dtype=bool)
    known = ~np.isnan(signal)
    marked = np.nan_to_num(signal, nan=0.0) > 0.5
    c, s = code[known], marked[known]
    code_on = event_onsets(code, t)
    signal_on = event_onsets(marked, t, merge_gap_s)
    offsets = match_onsets(code_on, signal_on, tolerance_s)
    counts = [
        np.sum(c & s),
        np.sum(~c & s),
        np.sum(c & ~s),
        np.sum(~c & ~s),
        np.sum(~known),
        len(code_on),
        len(signal_on),
        len(offsets),
    ]
    return np.asarray(counts, dtype=float), offsets


def _ratio(num, den):
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def statistics(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Kappa, F1, precision, recall, event F1 and time shares from counts (last axis = COUNT_FIELDS)."""
    tp, fp, fn, tn, unknown, n_code, n_signal, matched = np.moveaxis(np.asarray(counts, dtype=float), -1, 0)
    n = tp + fp + fn + tn
    po = _ratio(tp + tn, n)
    pe = _ratio((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn), n * n)
    kappa = _ratio(po - pe, 1 - pe)  # NaN when both sides mark one class only (pe = 1)
    return {
        "n_frames": n,
        "signal_unknown_share": _ratio(unknown, n + unknown),
        "code_share": _ratio(tp + fn, n),
        "signal_share": _ratio(tp + fp, n),
        "kappa": kappa,
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "event_f1": _ratio(2 * matched, n_code + n_signal),
        "code_events": n_code,
        "signal_events": n_signal,
        "matched_events": matched,
    }


def bootstrap_ci(
    per_clip: np.ndarray, *, resamples: int, seed: int, keys=("kappa", "f1", "event_f1")
) -> dict:
    """95 % percentile CIs of pooled statistics, resampling clips with replacement."""
    n = len(per_clip)
    if n < 2 or resamples < 1:
        return {f"{k}_ci_{side}": np.nan for k in keys for side in ("low", "high")}
    rng = np.random.default_rng(seed)
    pooled = per_clip[rng.integers(0, n, size=(resamples, n))].sum(axis=1)
    stats = statistics(pooled)
    out = {}
    for key in keys:
        values = stats[key][~np.isnan(stats[key])]
        low, high = np.percentile(values, [2.5, 97.5]) if len(values) else (np.nan, np.nan)
        out[f"{key}_ci_low"], out[f"{key}_ci_high"] = float(low), float(high)
    return out


def best_threshold(score: np.ndarray, code: np.ndarray) -> tuple[float, float]:
    """(ROC AUC, threshold) of a continuous score against coded frames: the threshold maximises
    Youden's J (sensitivity + specificity - 1) for the rule score > threshold (midway between
    two observed scores). NaN when the codes hold one class only."""
    from sklearn.metrics import roc_auc_score, roc_curve

    known = ~np.isnan(score)
    s, c = score[known], np.asarray(code, dtype=bool)[known]
    if len(np.unique(c)) < 2:
        return np.nan, np.nan
    fpr, tpr, thresholds = roc_curve(c, s)
    cut = thresholds[int(np.argmax(tpr - fpr))]
    below = s[s < cut]
    return float(roc_auc_score(c, s)), float((cut + below.max()) / 2 if len(below) else cut - 1.0)


def auc(score: np.ndarray, code: np.ndarray) -> float:
    return best_threshold(score, code)[0]

"""The report in words: a headline per target, what to trust and what not, and plain labels.

Every number the headline shows comes from the validation statistics (validation.csv) and is
marked with `data-stat="<key>"`, so a test can compare the page with the file.
"""

from __future__ import annotations

import html

import numpy as np

# key -> (label, unit); integers are shown as integers, shares and coefficients with 2 decimals
LABELS = {
    "n_clips": ("clips", ""),
    "n_dyads": ("dyads", ""),
    "pearson_r": ("Pearson r", ""),
    "spearman_r": ("Spearman rho", ""),
    "icc_a1": ("ICC(A,1), absolute agreement", ""),
    "icc_c1": ("ICC(C,1), consistency", ""),
    "mae": ("mean absolute error", "points"),
    "rmse": ("root mean squared error", "points"),
    "ba_bias": ("Bland-Altman bias (predicted - coded)", "points"),
    "ba_loa": ("Bland-Altman 95 % limits of agreement", "points"),
    "weighted_kappa": ("quadratic-weighted kappa", ""),
    "band_agreement": ("same band as the coders", "share"),
    "exact_agreement": ("exact agreement (nearest level)", "share"),
    "adjacent_agreement": ("within one level", "share"),
    "sensitivity": ("sensitivity at the review rule", "share"),
    "specificity": ("specificity at the review rule", "share"),
    "ppv": ("positive predictive value", "share"),
    "npv": ("negative predictive value", "share"),
    "roc_auc": ("ROC AUC", ""),
    "prevalence": ("share coded 1", "share"),
    "brier": ("Brier score (lower is better)", ""),
    "flag_sensitivity": ("sensitivity at the review rule", "share"),
    "flag_specificity": ("specificity at the review rule", "share"),
    "flag_ppv": ("positive predictive value", "share"),
    "flag_npv": ("negative predictive value", "share"),
    "coverage": ("coverage of the served prediction sets", "share"),
    "coverage_nominal": ("nominal coverage", "share"),
    "interval_width_mean": ("mean interval width", "points"),
    "set_size_mean": ("mean prediction-set size", "values"),
    "set_singleton_share": ("prediction sets with one value", "share"),
    "perm_p": ("permutation p (whole dyads shuffled)", ""),
    "perm_n": ("permutations", ""),
}
RATING_LABELS = {  # rating scales: the same keys mean something narrower
    "roc_auc": "ROC AUC of the predicted rating for the review rule",
    "coverage": "coverage of the served intervals",
}
COUNTS = ("tp", "fp", "fn", "tn", "flag_tp", "flag_fp", "flag_fn", "flag_tn")
SMALL_COHORT = 30  # dyads

# column names of the report's tables -> what a reader sees
COLUMNS = {
    "coded_band": "coded band",
    "n": "dyads",
    "n_clips": "clips",
    "coded_share": "share in range, coders",
    "predicted_share": "share in range, proxy",
    "coded_chi2": "chi-square, coders",
    "coded_p": "p, coders",
    "predicted_chi2": "chi-square, proxy",
    "predicted_p": "p, proxy",
    "from": "from",
    "to": "to",
    "coded_change": "change in share, coders",
    "predicted_change": "change in share, proxy",
    "n_paired_dyads": "dyads seen at both",
    "coded_left": "left the range, coders",
    "coded_entered": "entered the range, coders",
    "coded_mcnemar_p": "McNemar p, coders",
    "predicted_left": "left the range, proxy",
    "predicted_entered": "entered the range, proxy",
    "predicted_mcnemar_p": "McNemar p, proxy",
    "importance": "importance (increase in error)",
    "n_dyads": "coded dyads",
    "pearson_r": "Pearson r",
    "mae": "mean absolute error",
    "rmse": "root mean squared error",
    "bin": "probability bin",
    "mean_predicted": "mean predicted probability",
    "observed_share": "share coded 1",
    "priority": "priority",
    "reasons": "reasons",
    "score": "score",
    "clip_id": "clip",
}


def _num(value) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "-"
    value = float(value)
    return f"{value:.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:.2f}"


def _stat(stats: dict, key: str, fmt: str = "{:.2f}") -> str:
    value = stats.get(key, np.nan)
    text = "-" if not np.isfinite(value) else fmt.format(value)
    return f'<span data-stat="{key}">{text}</span>'


def _ci(stats: dict, key: str, fmt: str = "{:.2f}") -> str:
    low, high = stats.get(f"{key}_low", np.nan), stats.get(f"{key}_high", np.nan)
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return (
        f' [<span data-stat="{key}_low">{fmt.format(low)}</span>, '
        f'<span data-stat="{key}_high">{fmt.format(high)}</span>]'
    )


def headline(stats: dict, kind: str) -> str:
    """One sentence (HTML) with the target's dyad-held-out agreement, CIs in brackets."""
    nominal = f"{stats.get('coverage_nominal', 0.9):.0%}"
    if kind == "binary":
        return (
            f"Dyad-held-out agreement with coders: ROC AUC {_stat(stats, 'roc_auc')}{_ci(stats, 'roc_auc')}, "
            f"Brier score {_stat(stats, 'brier', '{:.3f}')}{_ci(stats, 'brier', '{:.3f}')}; "
            "at the review rule "
            f"sensitivity {_stat(stats, 'flag_sensitivity', '{:.0%}')}, specificity "
            f"{_stat(stats, 'flag_specificity', '{:.0%}')}; {_stat(stats, 'coverage', '{:.0%}')} of the "
            f"{nominal} prediction sets held the coded value."
        )
    mae = "{:.1f}" if stats.get("mae", 0) >= 1 else "{:.2f}"  # small scales need the second decimal
    text = (
        f"Dyad-held-out agreement with coders: r {_stat(stats, 'pearson_r')}{_ci(stats, 'pearson_r')}, "
        f"ICC(A,1) {_stat(stats, 'icc_a1')}{_ci(stats, 'icc_a1')}, mean absolute error "
        f"{_stat(stats, 'mae', mae)}{_ci(stats, 'mae', mae)} points"
    )
    if kind == "ordinal":
        text += (
            f", quadratic-weighted kappa {_stat(stats, 'weighted_kappa')}, exact agreement "
            f"{_stat(stats, 'exact_agreement', '{:.0%}')}, within one level "
            f"{_stat(stats, 'adjacent_agreement', '{:.0%}')}"
        )
    return text + f"; {_stat(stats, 'coverage', '{:.0%}')} of {nominal} intervals covered the coded score."


def trust_notes(stats: dict, curve=None, coders: dict | None = None) -> list[str]:
    """What to trust and what not, in words (plain text)."""
    notes = []
    n_dyads, n_clips = int(stats["n_dyads"]), int(stats["n_clips"])
    size = f"{n_dyads} dyads, {n_clips} clips, every one predicted by a model that never saw its dyad."
    if n_dyads < SMALL_COHORT:
        size += f" A small cohort (under {SMALL_COHORT} dyads): the CIs are wide; read these as a first look."
    notes.append(size)
    if curve is not None and len(curve) >= 2 and "pearson_r" in curve:
        last, before = curve.iloc[-1], curve.iloc[-2]
        step = last.pearson_r - before.pearson_r
        verdict = (
            "still rising, so coding more dyads should help."
            if step > 0.03
            else "lower at the largest size: the curve is noisy at this cohort size."
            if step < -0.03
            else "flat at the largest sizes."
        )
        notes.append(
            f"Learning curve: r {before.pearson_r:.2f} with {before.n_dyads:.0f} coded dyads, "
            f"{last.pearson_r:.2f} with {last.n_dyads:.0f}: {verdict}"
        )
    cover, nominal = stats.get("coverage", np.nan), stats.get("coverage_nominal", 0.9)
    if np.isfinite(cover):
        off = cover - nominal
        notes.append(
            f"Intervals: {cover:.0%} covered the coded value against {nominal:.0%} promised: "
            + (
                "calibrated."
                if abs(off) <= 0.05
                else ("too narrow: trust them less." if off < 0 else "wider than needed: safe but vague.")
            )
        )
    p = stats.get("perm_p", np.nan)
    if np.isfinite(p) and p > 0.05:
        notes.append(
            f"Permutation p {p:.2f}: agreement this cohort shows is not distinguishable from chance."
        )
    if coders and np.isfinite(coders.get("pearson_r", np.nan)):
        notes.append(
            f"Coders agreed with each other at r {coders['pearson_r']:.2f} on double-coded clips: "
            "no proxy can agree with a coder much better than another coder does."
        )
    notes.append(
        "These figures are agreement with this cohort's coders; check them again before using the "
        "proxy with another lab, age group or instrument."
    )
    return [html.escape(n) for n in notes]


def stats_rows(stats: dict) -> list[tuple[str, str, str]]:
    """(label, value [CI], unit) rows of a target's statistics, raw keys never shown."""
    rows = []
    for key, (label, unit) in LABELS.items():
        if key == "ba_loa":
            if np.isfinite(stats.get("ba_loa_low", np.nan)):
                rows.append((label, f"{stats['ba_loa_low']:.2f} to {stats['ba_loa_high']:.2f}", unit))
            continue
        if key not in stats:
            continue
        if stats.get("kind") != "binary" and key in RATING_LABELS:
            label = RATING_LABELS[key]
        value = _num(stats[key])
        low, high = stats.get(f"{key}_low", np.nan), stats.get(f"{key}_high", np.nan)
        if np.isfinite(low) and np.isfinite(high):
            value += f" [{low:.2f}, {high:.2f}]"
        rows.append((label, value, unit))
    counts = [k for k in COUNTS if k in stats]
    if counts:
        rows.append(
            (
                "flagged by coders and proxy / proxy only / coders only / neither",
                " / ".join(_num(stats[k]) for k in counts[:4]),
                "clips",
            )
        )
    return rows

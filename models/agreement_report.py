"""Figures and the HTML section of `dyadscope agree` (also a section of report.html)."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
from jinja2 import Environment

from models import plots
from models.agreement_run import POOLED

plt = plots.plt
MEASURES = (("kappa", "frame kappa"), ("f1", "frame F1"), ("event_f1", "event F1"))

SECTION = """<h2 id="agreement">Agreement with human codes{% if name %} ({{ name }}){% endif %}</h2>
<p class="note">Per behaviour, all clips pooled ({{ n_clips }} clips), 95 % CIs resampling clips.
Frame statistics leave out frames where the signal is unknown. Events match when their onsets are
within {% if tolerance %}{{ tolerance }} s{% else %}the mapping's onset tolerance{% endif %}.
Rule 'best' is the threshold with the best Youden J (sensitivity + specificity) on these same
codes, so its agreement is optimistic; rule 'default' is the mapping's own.</p>
{{ table|safe }}
{% for title, img in figures %}<figure style="display:inline-block">
<img alt="{{ title }}" src="data:image/png;base64,{{ img }}"><figcaption>{{ title }}</figcaption></figure>
{% endfor %}"""

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>dyadscope agreement</title>
<style>{{ css }}</style></head><body><h1>dyadscope: signals against human codes</h1>
{{ section|safe }}</body></html>"""


def _fmt(row, key: str) -> str:
    value = row[key]
    if not np.isfinite(value):
        return "-"
    low, high = row.get(f"{key}_ci_low", np.nan), row.get(f"{key}_ci_high", np.nan)
    return f"{value:.2f} [{low:.2f}, {high:.2f}]" if np.isfinite(low) else f"{value:.2f}"


def pooled_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The pooled rows in words and numbers, for the page and the report."""
    rows = []
    for _, r in table[table.clip_id == POOLED].iterrows():
        rows.append(
            {
                "behaviour": r.behaviour,
                "rule": r.rule if not np.isfinite(r.threshold) else f"{r.rule} ({r.threshold:.3g})",
                "frame kappa [95% CI]": _fmt(r, "kappa"),
                "frame F1 [95% CI]": _fmt(r, "f1"),
                "event F1 [95% CI]": _fmt(r, "event_f1"),
                "events coded / signal / matched": f"{r.code_events:.0f} / {r.signal_events:.0f} / "
                f"{r.matched_events:.0f}",
                "median onset offset (s)": "-"
                if not np.isfinite(r.onset_offset_median_s)
                else f"{r.onset_offset_median_s:+.2f}",
                "time coded / signal (%)": f"{100 * r.code_share:.1f} / {100 * r.signal_share:.1f}",
                "signal unknown (%)": f"{100 * r.signal_unknown_share:.1f}",
                "ROC AUC": "-" if not np.isfinite(r.auc) else f"{r.auc:.2f}",
            }
        )
    return pd.DataFrame(rows)


def agreement_plot(table: pd.DataFrame) -> str:
    """Pooled kappa / F1 / event F1 with CIs per behaviour and rule, and each clip's value as a dot."""
    pooled = table[table.clip_id == POOLED].reset_index(drop=True)
    labels = [f"{r.behaviour}\n({r.rule})" for r in pooled.itertuples()]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(pooled)), 4.2))
    x = np.arange(len(pooled))
    for k, (key, name) in enumerate(MEASURES):
        pos = x + (k - 1) * 0.25
        value = pooled[key].to_numpy(dtype=float)
        low = np.nan_to_num(value - pooled[f"{key}_ci_low"].to_numpy(dtype=float), nan=0.0)
        high = np.nan_to_num(pooled[f"{key}_ci_high"].to_numpy(dtype=float) - value, nan=0.0)
        ax.bar(pos, np.nan_to_num(value), 0.24, label=name, alpha=0.8)
        for p, v, lo, hi in zip(pos, np.nan_to_num(value), low, high, strict=True):
            if lo > 0 or hi > 0:
                ax.errorbar([p], [v], yerr=[[lo], [hi]], fmt="none", ecolor="k", capsize=3, lw=1)
        for i, r in pooled.iterrows():
            same = (table.behaviour == r.behaviour) & (table.rule == r.rule) & (table.clip_id != POOLED)
            clips = table.loc[same, key].to_numpy(dtype=float)
            if len(clips):
                ax.plot(np.full(len(clips), pos[i]), clips, "k.", ms=3, alpha=0.6)
    ax.set_xticks(x, labels, fontsize=8)
    ax.axhline(0, color="#888", lw=0.8)
    lowest = np.nanmin(table["kappa"].to_numpy(dtype=float), initial=0.0)
    ax.set_ylim(min(-0.1, float(lowest) - 0.05), 1.05)
    ax.set_ylabel("agreement with the codes")
    ax.legend(fontsize=8, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return plots._png(fig)


def roc_figure(curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> str:
    """ROC of each continuous behaviour's score against the coded frames (pooled)."""
    from sklearn.metrics import roc_curve

    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    for name, (score, code) in curves.items():
        known = ~np.isnan(score)
        fpr, tpr, _ = roc_curve(code[known], score[known])
        ax.plot(fpr, tpr, label=name)
    ax.plot([0, 1], [0, 1], color="#aaa", lw=0.8, ls="--")
    ax.set_xlabel("false-positive rate (frames)")
    ax.set_ylabel("true-positive rate (frames)")
    ax.legend(fontsize=8)
    return plots._png(fig)


def figures(table: pd.DataFrame, curves: dict) -> list[tuple[str, str]]:
    out = [("pooled agreement per behaviour (dots: clips)", agreement_plot(table))]
    if curves:
        out.append(("ROC of the continuous signals", roc_figure(curves)))
    return out


def section_html(table: pd.DataFrame, figs: list[tuple[str, str]], *, name: str = "", tolerance=None) -> str:
    summary = pooled_summary(table).to_html(index=False, border=0, escape=True)
    n_clips = table[table.clip_id != POOLED].clip_id.nunique()
    return (
        Environment(autoescape=True)
        .from_string(SECTION)
        .render(
            name=name,
            n_clips=n_clips,
            tolerance=f"{tolerance:g}" if tolerance is not None else "",
            table=summary,
            figures=figs,
        )
    )


def page_html(section: str) -> str:
    from models.report import CSS

    return Environment(autoescape=True).from_string(PAGE).render(css=CSS, section=section)


def png_bytes(encoded: str) -> bytes:
    return base64.b64decode(encoded)

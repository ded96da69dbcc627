"""Report figures (matplotlib, Agg): each function returns a base64 PNG."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import roc_curve  # noqa: E402


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def predicted_vs_coded(rows: pd.DataFrame, *, target: str, lo: float, hi: float) -> str:
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.errorbar(
        rows.coded,
        rows.predicted,
        yerr=[rows.predicted - rows.lower, rows.upper - rows.predicted],
        fmt="o",
        ms=3,
        alpha=0.6,
        elinewidth=0.5,
    )
    ax.plot([lo, hi], [lo, hi], "k--", lw=1)
    ax.set(
        xlabel=f"coded {target}",
        ylabel="predicted (dyad held out)",
        xlim=(lo - 0.5, hi + 0.5),
        ylim=(lo - 0.5, hi + 0.5),
    )
    return _png(fig)


def bland_altman_plot(rows: pd.DataFrame, stats: dict) -> str:
    mean = (rows.coded + rows.predicted) / 2
    diff = rows.predicted - rows.coded
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.scatter(mean, diff, s=10, alpha=0.6)
    for key, style in (("ba_bias", "-"), ("ba_loa_low", "--"), ("ba_loa_high", "--")):
        ax.axhline(stats[key], color="k", ls=style, lw=1)
    ax.set(xlabel="mean of coded and predicted", ylabel="predicted - coded")
    return _png(fig)


def calibration_plot(rows: pd.DataFrame, *, nominal: float) -> str:
    """Achieved coverage of held-out intervals scaled to several levels (width ratio)."""
    half = (rows.upper - rows.lower) / 2
    centre = (rows.upper + rows.lower) / 2
    scales = np.linspace(0.2, 1.6, 15)
    achieved = [float((np.abs(rows.coded - centre) <= s * half).mean()) for s in scales]
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    ax.plot(scales, achieved, "o-")
    ax.axhline(nominal, color="k", ls="--", lw=1)
    ax.axvline(1.0, color="grey", ls=":", lw=1)
    ax.set(xlabel="interval width / conformal width", ylabel="share of coded ratings inside", ylim=(0, 1.02))
    return _png(fig)


def confusion_plot(confusion: pd.DataFrame) -> str:
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(confusion.to_numpy(), cmap="Blues")
    for (i, j), v in np.ndenumerate(confusion.to_numpy()):
        ax.text(j, i, str(v), ha="center", va="center")
    ax.set_xticks(range(len(confusion.columns)), confusion.columns, rotation=30)
    ax.set_yticks(range(len(confusion.index)), confusion.index)
    ax.set(xlabel="predicted band", ylabel="coded band")
    return _png(fig)


def roc_plot(rows: pd.DataFrame, *, threshold: float, label: str = "intervention range") -> str:
    positive = rows.coded <= threshold + 0.5
    fig, ax = plt.subplots(figsize=(4, 4))
    if 0 < positive.sum() < len(positive):
        fpr, tpr, _ = roc_curve(positive, -rows.predicted)
        ax.plot(fpr, tpr)
    ax.plot([0, 1], [0, 1], "k--", lw=1)
    ax.set(xlabel="1 - specificity", ylabel="sensitivity", title=f"{label} (<= {threshold:g})")
    return _png(fig)


def binary_roc_plot(rows: pd.DataFrame, *, label: str) -> str:
    """ROC of the held-out probability of 1 against the coded 0/1."""
    fig, ax = plt.subplots(figsize=(4, 4))
    if 0 < rows.coded.sum() < len(rows):
        fpr, tpr, _ = roc_curve(rows.coded, rows.predicted)
        ax.plot(fpr, tpr)
    ax.plot([0, 1], [0, 1], "k--", lw=1)
    ax.set(xlabel="1 - specificity", ylabel="sensitivity", title=f"coded {label}")
    return _png(fig)


def reliability_plot(calibration: pd.DataFrame) -> str:
    """Observed share of 1s against the mean held-out probability, per probability bin."""
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot([0, 1], [0, 1], "k--", lw=1)
    ax.plot(calibration.mean_predicted, calibration.observed_share, "o-")
    ax.set(xlabel="mean predicted probability", ylabel="observed share coded 1", xlim=(0, 1), ylim=(0, 1))
    return _png(fig)


def learning_curve_plot(curve: pd.DataFrame) -> str:
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    ax.plot(curve.n_dyads, curve.pearson_r, "o-")
    ax.set(xlabel="coded dyads used for training", ylabel="held-out Pearson r")
    return _png(fig)


def trajectories_plot(rows: pd.DataFrame) -> str:
    """Per-dyad lines across timepoints: coded (left) and predicted (right)."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), sharey=True)
    order = list(dict.fromkeys(rows.timepoint.astype(str)))
    groups = sorted(rows.group.astype(str).unique()) if "group" in rows else ["all"]
    colours = {g: f"C{i}" for i, g in enumerate(groups)}
    for ax, column in zip(axes, ("coded", "predicted"), strict=False):
        for _dyad, part in rows.groupby("dyad_id"):
            part = part.assign(
                pos=part.timepoint.astype(str).map({t: i for i, t in enumerate(order)})
            ).sort_values("pos")
            g = str(part.group.iloc[0]) if "group" in part else "all"
            ax.plot(part.pos, part[column], "-o", ms=2, lw=0.8, alpha=0.5, color=colours.get(g, "C0"))
        ax.set_xticks(range(len(order)), order)
        ax.set(title=column)
    for g, c in colours.items():
        axes[1].plot([], [], color=c, label=g)
    axes[1].legend(fontsize=8)
    return _png(fig)

"""One self-contained HTML report: inline CSS and base64 PNGs, no network references."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from jinja2 import Environment

from extract.outputs import atomic_path
from models import plots
from models.bundle import ModelBundle
from models.instrument import BINARY, bundle_instrument

CSS = """body{font-family:sans-serif;max-width:1100px;margin:1em auto;color:#222}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#eee}h2{border-bottom:2px solid #446;margin-top:1.5em}.figs img{margin:4px;vertical-align:top}
.note{color:#555;font-size:13px}"""

TEMPLATE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>dyadscope report</title>
<style>{{ css }}</style></head>
<body><h1>dyadscope: {{ instrument }} proxy report</h1>
<p class="note">Every figure below is dyad-held-out: {{ split }}. Coders' double codes are averaged per clip.
Training: {{ summary.n_clips }} clips of {{ summary.n_dyads }} dyads, {{ summary.n_features }} features.</p>
{% for t in targets %}<h2>{{ t.name }}</h2>
<p>Selected model: {{ t.selected }}</p>
{{ t.stats|safe }}
<div class="figs">{% for title, img in t.figures %}<figure style="display:inline-block">
<img alt="{{ title }}" src="data:image/png;base64,{{ img }}"><figcaption>{{ title }}</figcaption></figure>
{% endfor %}</div>
<h3>Band confusion (rows coded, columns predicted)</h3>{{ t.confusion|safe }}
{% if t.calibration %}<h3>Calibration of the probabilities (held-out)</h3>{{ t.calibration|safe }}{% endif %}
{% if t.importance %}<h3>Permutation importance by aspect (increase in {{ t.loss }})</h3>
{{ t.importance|safe }}{% endif %}
{% if t.curve %}<h3>Learning curve</h3>{{ t.curve|safe }}{% endif %}
{% if t.coders %}<h3>Inter-coder agreement (double-coded clips)</h3>{{ t.coders|safe }}{% endif %}
{% endfor %}
{% if groups %}<h2>Group comparison ({{ review_target }}, {{ flag_label }})</h2>
<p><b>Would the proxy have reached the study's conclusion?</b> {{ groups.verdict }}</p>
<p>Unit of every share and test: {{ groups.unit }}.</p>
{{ groups.shares|safe }}{{ groups.tests|safe }}{{ groups.changes|safe }}{% endif %}
{% if agreement %}{{ agreement|safe }}{% endif %}
{% if queue is not none %}<h2>Review queue ({{ queue_n }} clips)</h2>{{ queue|safe }}{% endif %}
</body></html>"""


def _table(frame: pd.DataFrame, *, index: bool = False) -> str:
    return frame.to_html(index=index, float_format=lambda v: f"{v:.3f}", border=0, escape=True)


def _stats_table(stats: dict) -> str:
    keys = [k for k in stats if k != "split"]
    return _table(pd.DataFrame({"statistic": keys, "value": [stats[k] for k in keys]}))


def render_report(
    bundle: ModelBundle,
    validation: dict,
    *,
    queue: pd.DataFrame | None = None,
    groups: dict | None = None,
    agreement: str | None = None,
) -> str:
    """`agreement`: the HTML section of `dyadscope agree` (models.agreement_report), when there is one."""
    cfg = bundle.config
    instrument = bundle_instrument(cfg)
    targets = []
    for name, entry in validation.items():
        rows = bundle.training[bundle.training.target == name]
        stats, scale, flag = entry["stats"], instrument.scales[name], instrument.flags.get(name)
        if scale.kind == BINARY:
            figures = [
                ("ROC", plots.binary_roc_plot(rows, label=scale.band_names[1])),
                ("reliability of the probabilities", plots.reliability_plot(entry["calibration"])),
                ("confusion at P = 0.5", plots.confusion_plot(entry["confusion"])),
            ]
        else:
            figures = [
                (
                    f"predicted vs coded, with {cfg['interval_level']:.0%} intervals",
                    plots.predicted_vs_coded(rows, target=name, lo=scale.min, hi=scale.max),
                ),
                ("Bland-Altman", plots.bland_altman_plot(rows, stats)),
                ("interval calibration", plots.calibration_plot(rows, nominal=cfg["interval_level"])),
                ("band confusion", plots.confusion_plot(entry["confusion"])),
            ]
            if flag is not None and flag.at_most is not None:
                figures.append(
                    (f"ROC, {flag.label}", plots.roc_plot(rows, threshold=flag.at_most, label=flag.label))
                )
        if "learning_curve" in entry:
            figures.append(("learning curve", plots.learning_curve_plot(entry["learning_curve"])))
        if {"dyad_id", "timepoint"} <= set(rows.columns) and rows.timepoint.notna().any():
            figures.append(("per-dyad trajectories", plots.trajectories_plot(rows)))
        coders = entry.get("coders")
        targets.append(
            {
                "name": name,
                "selected": bundle.targets[name].selected,
                "stats": _stats_table(stats),
                "figures": figures,
                "confusion": _table(entry["confusion"], index=True),
                "importance": _table(entry["importance"]) if "importance" in entry else "",
                "loss": "Brier score" if scale.kind == BINARY else "MAE",
                "calibration": _table(entry["calibration"]) if "calibration" in entry else "",
                "curve": _table(entry["learning_curve"]) if "learning_curve" in entry else "",
                "coders": _stats_table(coders) if coders and len(coders) > 1 else "",
            }
        )
    group_html = None
    if groups and groups.get("available"):
        group_html = {
            "verdict": html.escape(groups["verdict"]),
            "unit": groups.get("unit", ""),
            "shares": _table(groups["shares"]),
            "tests": _table(groups["tests"]),
            "changes": _table(groups["changes"]) if len(groups["changes"]) else "",
        }
    env = Environment(autoescape=True)
    return env.from_string(TEMPLATE).render(
        css=CSS,
        split=next(iter(validation.values()))["stats"]["split"] if validation else "",
        summary=bundle.summary,
        targets=targets,
        groups=group_html,
        review_target=instrument.review_scale,
        flag_label=instrument.review_flag().label,
        instrument="CARE-Index" if instrument.name == "care_index" else instrument.name,
        queue=_table(queue) if queue is not None else None,
        queue_n=0 if queue is None else len(queue),
        agreement=agreement,
    )


def write_report(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")

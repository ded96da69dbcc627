"""One self-contained HTML report: inline CSS and base64 PNGs, no network references."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment

from extract.outputs import atomic_path
from models import plots
from models.bundle import ModelBundle
from models.instrument import BINARY, bundle_instrument
from models.report_text import COLUMNS, headline, stats_rows, trust_notes

CSS = """body{font-family:sans-serif;max-width:1150px;margin:1em auto;color:#222;line-height:1.4}
table{border-collapse:collapse;font-size:14px;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}
th{background:#eee}h2{border-bottom:2px solid #446;margin-top:1.5em}.figs img{margin:4px;vertical-align:top}
.figs img{max-width:540px;width:100%}
.headline{font-size:17px;background:#f4f6fb;padding:.6em 1em;border-left:4px solid #446}
.note{color:#555;font-size:13px}nav ul{columns:2}"""

TEMPLATE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>dyadscope report</title>
<style>{{ css }}</style></head>
<body><h1>dyadscope: {{ instrument }} proxy report</h1>
<section id="headline"><h2>Headline</h2>
{% for t in targets %}<p class="headline" data-target="{{ t.name }}"><b>{{ t.name }}</b> ({{ t.kind }}):
{{ t.headline|safe }}</p>{% endfor %}
<p class="note">Split: {{ split }}. Coders' double codes are averaged per clip.
Training: {{ summary.n_clips }} clips of {{ summary.n_dyads }} dyads, {{ summary.n_features }} features.</p>
</section>
<section id="trust"><h2>What to trust and what not</h2>
{% for t in targets %}<h3>{{ t.name }}</h3>
<ul>{% for n in t.trust %}<li>{{ n|safe }}</li>{% endfor %}</ul>{% endfor %}
</section>
<nav><h2>Contents</h2><ul><li><a href="#headline">Headline</a></li><li><a href="#trust">What to trust</a></li>
{% for t in targets %}<li><a href="#target-{{ t.name }}">{{ t.name }}: statistics and figures</a></li>
{% endfor %}
{% if groups %}<li><a href="#groups">Group comparison</a></li>{% endif %}
{% if agreement %}<li><a href="#agreement">Agreement with human codes</a></li>{% endif %}
{% if queue is not none %}<li><a href="#queue">Review queue</a></li>{% endif %}</ul></nav>
{% for t in targets %}<h2 id="target-{{ t.name }}">{{ t.name }}</h2>
<p>Selected model: {{ t.selected }}</p>
<table><tr><th>measure (dyad-held-out)</th><th>value [95 % CI]</th><th>unit</th></tr>
{% for label, value, unit in t.rows %}
<tr><td>{{ label }}</td><td>{{ value }}</td><td>{{ unit }}</td></tr>{% endfor %}
</table>
<p class="note">CIs: ICC from the F distribution; r, mean absolute error, ROC AUC and Brier score from
1000 bootstrap resamples of whole dyads.</p>
<div class="figs">{% for title, img in t.figures %}<figure style="display:inline-block">
<img alt="{{ title }}" src="data:image/png;base64,{{ img }}"><figcaption>{{ title }}</figcaption></figure>
{% endfor %}</div>
<h3>Band confusion (rows coded, columns predicted; clips)</h3>{{ t.confusion|safe }}
{% if t.calibration %}<h3>Calibration of the probabilities (held-out)</h3>{{ t.calibration|safe }}{% endif %}
{% if t.importance %}<h3>Permutation importance by aspect (increase in {{ t.loss }})</h3>
{{ t.importance|safe }}{% endif %}
{% if t.curve %}<h3>Learning curve (agreement against the number of coded dyads)</h3>
{{ t.curve|safe }}{% endif %}
{% if t.coders %}<h3>Inter-coder agreement (double-coded clips)</h3>{{ t.coders|safe }}{% endif %}
{% endfor %}
{% if groups %}<h2 id="groups">Group comparison ({{ review_target }}, {{ flag_label }})</h2>
<p><b>Would the proxy have reached the study's conclusion?</b> {{ groups.verdict }}</p>
<p>Unit of every share and test: {{ groups.unit }}.</p>
{{ groups.shares|safe }}{{ groups.tests|safe }}{{ groups.changes|safe }}{% endif %}
{% if agreement %}{{ agreement|safe }}{% endif %}
{% if queue is not none %}<h2 id="queue">Review queue ({{ queue_n }} clips)</h2>
{% if review_pages %}<p>Each clip id opens its review page (<a href="review/index.html">all</a>).</p>
{% endif %}
{{ queue|safe }}{% endif %}
</body></html>"""


def _cell(value) -> str:
    """Integers as integers, other numbers with three decimals."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"


def _table(frame: pd.DataFrame, *, index: bool = False) -> str:
    shown = frame.rename(columns=lambda c: COLUMNS.get(c, str(c).replace("_", " ")))
    return shown.to_html(index=index, float_format=_cell, border=0, escape=True)


def _rows_table(rows: list[tuple[str, str, str]]) -> str:
    return _table(pd.DataFrame(rows, columns=["measure", "value [95 % CI]", "unit"]))


def _figures(name: str, entry: dict, rows: pd.DataFrame, scale, flag, cfg: dict) -> list[tuple[str, str]]:
    stats = entry["stats"]
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
    return figures


def _target(bundle: ModelBundle, instrument, name: str, entry: dict) -> dict:
    rows = bundle.training[bundle.training.target == name]
    stats, scale, flag = entry["stats"], instrument.scales[name], instrument.flags.get(name)
    coders, curve = entry.get("coders"), entry.get("learning_curve")
    return {
        "name": name,
        "kind": scale.kind,
        "selected": bundle.targets[name].selected,
        "headline": headline(stats, scale.kind),
        "trust": trust_notes(stats, curve, coders if coders and len(coders) > 1 else None),
        "rows": stats_rows(stats),
        "figures": _figures(name, entry, rows, scale, flag, bundle.config),
        "confusion": _table(entry["confusion"], index=True),
        "importance": _table(entry["importance"]) if "importance" in entry else "",
        "loss": "Brier score" if scale.kind == BINARY else "MAE",
        "calibration": _table(entry["calibration"]) if "calibration" in entry else "",
        "curve": _table(curve) if curve is not None else "",
        "coders": _rows_table(stats_rows(coders)) if coders and len(coders) > 1 else "",
    }


def _queue_html(queue: pd.DataFrame, *, links: bool) -> str:
    """The review queue; with `links`, each clip id opens review/<clip_id>.html."""
    if not links:
        return _table(queue)
    shown = queue.copy()
    shown["clip_id"] = [
        f'<a href="review/{quote(str(c))}.html">{html.escape(str(c))}</a>' for c in queue.clip_id
    ]
    for column in shown.columns.drop("clip_id"):
        if shown[column].dtype == object:
            shown[column] = shown[column].map(lambda v: html.escape(str(v)))
    shown = shown.rename(columns=lambda c: COLUMNS.get(c, str(c).replace("_", " ")))
    return shown.to_html(index=False, float_format=_cell, border=0, escape=False)


def render_report(
    bundle: ModelBundle,
    validation: dict,
    *,
    queue: pd.DataFrame | None = None,
    groups: dict | None = None,
    agreement: str | None = None,
    review_pages: bool = False,
) -> str:
    """`agreement`: the HTML section of `dyadscope agree` (models.agreement_report), when there
    is one; `review_pages`: the review pages exist beside the report (review/<clip_id>.html)."""
    instrument = bundle_instrument(bundle.config)
    targets = [_target(bundle, instrument, name, entry) for name, entry in validation.items()]
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
        queue=_queue_html(queue, links=review_pages) if queue is not None else None,
        queue_n=0 if queue is None else len(queue),
        agreement=agreement,
        review_pages=review_pages,
    )


def write_report(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")

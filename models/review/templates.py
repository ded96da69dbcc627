"""Jinja2 templates of the review pages (autoescaped; the data goes in as JSON)."""
# ruff: noqa: E501  (HTML, CSS and JavaScript text: their lines are not wrapped to Python's width)

CLIP_PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Review {{ clip.clip_id }}</title>
<style>{{ css|safe }}</style></head>
<body>
<p><a href="index.html">&larr; review queue</a>
{% if nav.previous %} &middot; <a href="{{ nav.previous }}">previous</a>{% endif %}
{% if nav.next %} &middot; <a href="{{ nav.next }}">next</a>{% endif %}</p>
<h1>{{ clip.clip_id }}
{% if clip.priority %}<span class="warn"> &mdash; flagged, priority {{ clip.priority }}</span>
{% else %}<span class="muted"> &mdash; not flagged</span>{% endif %}</h1>

{% if clip.videos %}
<video id="video" controls preload="metadata" src="{{ clip.videos[0].src }}"></video>
{% if clip.videos|length > 1 %}<p>Show: <select id="video-choice">
{% for v in clip.videos %}<option value="{{ v.src }}">{{ v.label }}</option>{% endfor %}
</select></p>{% endif %}
<div id="codec" class="codec">This browser cannot play this video file (its codec or container).
Screen again with <code>--review-video</code> to write a small H.264 preview into
<code>review/media/{{ clip.clip_id }}.mp4</code>, or open the source file in a media player:
<code>{{ clip.source }}</code>. The tracks still work (click to set the time).</div>
{% else %}
<p class="warn">No video: the source file {{ clip.source or "(none in qc.csv)" }} was not found from here.</p>
{% endif %}

<h2>Tracks</h2>
{% if clip.note %}<p class="warn">{{ clip.note }}</p>{% endif %}
<p class="muted">Click a track to move the video there. Hatched = no data (a QC gap, not a zero).</p>
<div id="tracks" class="tracks"></div>

{% if clip.moments %}
<h2>Moments</h2>
<table class="moments"><tr><th></th><th>#</th><th>kind</th><th>time (s)</th><th>score</th><th>description</th><th></th></tr>
{% for m in clip.moments %}
<tr><td><button type="button" data-start="{{ m.start_s }}">&#9654; play</button></td><td>{{ m.rank }}</td>
<td>{{ m.kind }}</td><td>{{ m.start_s|num(1) }}&ndash;{{ m.end_s|num(1) }}</td><td>{{ m.score|num(2) }}</td>
<td>{{ m.description }}</td><td>{% if m.thumbnail %}<img class="thumb" src="{{ m.thumbnail }}" alt="">{% endif %}</td></tr>
{% endfor %}</table>
{% endif %}

<h2>Why it was flagged</h2>
{% if clip.reasons %}{% for r in clip.reasons %}<p class="reason">&bull; {{ r }}</p>{% endfor %}
{% else %}<p class="muted">Not in the review queue (no reason applies). Review rule: {{ run.target }} in the {{ run.flag }}.</p>{% endif %}

<h2>Prediction</h2>
<table><tr><th>scale</th><th>predicted</th><th>interval</th><th>band</th><th>band probabilities</th><th>P(review rule)</th></tr>
{% for p in clip.predictions %}
<tr{% if p.review %} style="font-weight:bold"{% endif %}><td>{{ p.target }}</td><td>{{ p.predicted|num(1) }}</td>
<td>{{ p.lower|num(1) }}&ndash;{{ p.upper|num(1) }}</td><td>{{ p.band }}</td>
<td>{% for b in p.bands %}<div>{{ b.name }} <span class="bar" style="width:{{ ((b.p or 0) * 120)|round(1) }}px"></span> {{ b.p|num(2) }}</div>{% endfor %}</td>
<td>{{ p.p_flag|num(2) }}{% if p.flag %}<div class="muted">{{ p.flag }}</div>{% endif %}</td></tr>
{% endfor %}</table>

<h2>Decision</h2>
<form id="decision" class="decision">
<p><label><input type="radio" name="flag" value="agree"> agree with the flag</label>
<label><input type="radio" name="flag" value="disagree"> disagree with the flag</label>
<label><input type="radio" name="flag" value=""> no opinion</label></p>
<p><label><input type="checkbox" name="roles_wrong"> roles wrong (adult and infant swapped)</label></p>
<p><label><input type="checkbox" name="exclude"> exclude from analysis, reason:</label>
<input type="text" name="exclude_reason" size="40"></p>
<p><textarea name="note" rows="3" cols="80" placeholder="note"></textarea></p>
<p>reviewer <input type="text" name="reviewer" size="16"> <button type="submit">save</button>
<span id="saved" class="muted"></span></p>
<p>Saved in this browser. <a class="download" href="#">Download review_decisions.csv</a> (all clips of this run),
then <code>dyadscope review-import review_decisions.csv --out OUT</code>.</p>
</form>

<h2>QC</h2>
{% if clip.qc %}<div class="qc">{% for k, v in clip.qc %}<div><span class="muted">{{ k }}</span> {{ v }}</div>{% endfor %}</div>
{% else %}<p class="muted">No qc.csv row for this clip.</p>{% endif %}

<h2>Role check sheet</h2>
{% if clip.roles_sheet %}<img class="sheet" src="{{ clip.roles_sheet }}" alt="role check sheet">
{% else %}<p class="muted">No role check sheet (clips/{{ clip.clip_id }}/roles.png).</p>{% endif %}

<div id="test-results" hidden></div><pre id="test-csv" hidden></pre>
<script type="application/json" id="review-data">{{ payload|safe }}</script>
<script>{{ script|safe }}
{{ clip_script|safe }}</script>
</body></html>
"""

INDEX_PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Review queue</title>
<style>{{ css|safe }}</style></head>
<body>
<h1>Review queue</h1>
<p>{{ rows|selectattr("priority")|list|length }} of {{ rows|length }} clips flagged. Review rule:
{{ run.target }} in the {{ run.flag }} ({{ run.instrument }}). Decisions are saved in this browser;
<a class="download" href="#">download review_decisions.csv</a> and import it with
<code>dyadscope review-import review_decisions.csv --out OUT</code>.</p>
{% if tracks_note %}<p class="warn">{{ tracks_note }}</p>{% endif %}
<p><input id="filter" type="search" placeholder="filter (clip, reason, band)" size="30">
<select id="status-filter"><option value="">any decision</option><option value="undecided">undecided</option>
<option value="decided">decided</option><option value="agree">agree</option><option value="disagree">disagree</option>
<option value="roles">roles wrong</option><option value="excluded">excluded</option></select>
<label><input id="flagged-only" type="checkbox" checked> flagged only</label>
<span id="shown" class="muted"></span></p>
<table id="queue">
<thead><tr><th class="sortable" data-key="priority" data-numeric="1">priority</th><th></th>
<th class="sortable" data-key="clip">clip</th>
<th class="sortable" data-key="predicted" data-numeric="1">{{ run.target }}</th><th>band</th>
<th class="sortable" data-key="pflag" data-numeric="1">P(review rule)</th><th>reasons</th>
<th class="sortable" data-key="status">decision</th></tr></thead>
<tbody>
{% for r in rows %}
<tr data-clip="{{ r.clip_id }}" data-priority="{{ r.priority or '' }}" data-predicted="{{ r.predicted|num(3) }}"
 data-pflag="{{ r.p_flag|num(3) }}" data-flagged="{{ 1 if r.priority else 0 }}" data-status="undecided">
<td>{{ r.priority or "" }}</td>
<td>{% if r.thumbnail %}<a href="{{ r.clip_id|urlencode }}.html"><img class="thumb" src="{{ r.thumbnail }}" alt=""></a>{% endif %}</td>
<td><a href="{{ r.clip_id|urlencode }}.html">{{ r.clip_id }}</a>{% if r.status and r.status != "ok" %}<div class="warn">QC {{ r.status }}</div>{% endif %}</td>
<td>{{ r.predicted|num(1) }} <span class="muted">[{{ r.lower|num(1) }}, {{ r.upper|num(1) }}]</span></td>
<td>{{ r.band }}</td><td>{{ r.p_flag|num(2) }}</td>
<td>{% for reason in r.reasons %}<div class="reason">{{ reason }}</div>{% endfor %}</td>
<td class="status status-undecided">undecided</td></tr>
{% endfor %}
</tbody></table>
<pre id="test-csv" hidden></pre>
<script type="application/json" id="review-data">{{ payload|safe }}</script>
<script>{{ script|safe }}
{{ index_script|safe }}</script>
</body></html>
"""

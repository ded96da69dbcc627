"""The inline style sheet and script shared by the review pages (no external assets)."""
# ruff: noqa: E501  (HTML, CSS and JavaScript text: their lines are not wrapped to Python's width)

CSS = r"""
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:12px 18px;color:#222}
h1{font-size:20px;margin:6px 0} h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #ddd}
table{border-collapse:collapse} td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;
vertical-align:top} th{background:#f4f4f4} th.sortable{cursor:pointer} th.sortable:after{content:" \2195";color:#999}
.muted{color:#777} .warn{color:#a40} .reason{margin:2px 0}
video{width:100%;max-height:420px;background:#000}
.tracks{position:relative;margin-top:6px}
.track{display:flex;align-items:center;height:34px;border-bottom:1px solid #f0f0f0}
.track .label{width:150px;flex:none;font-size:12px;overflow:hidden;white-space:nowrap}
.track svg{flex:1;height:30px;cursor:crosshair;background:#fafafa}
.gap{fill:url(#hatch)} path.line{fill:none;stroke-width:1.5;vector-effect:non-scaling-stroke}
.cursor{stroke:#d00;stroke-width:1.5;vector-effect:non-scaling-stroke}
.adult{stroke:#1f77b4;fill:#1f77b4} .infant{stroke:#e377c2;fill:#e377c2} .dyad{stroke:#555;fill:#555}
.bar{display:inline-block;height:10px;background:#69c;vertical-align:middle}
.decision{background:#f7f7ff;padding:8px 12px;border:1px solid #dde} .decision label{margin-right:14px}
.status-decided{color:#070} .status-undecided{color:#a60}
img.thumb{width:120px} img.sheet{max-width:100%}
.moments button{margin-right:6px} .qc{columns:3;font-size:12px} .qc div{break-inside:avoid}
.axis{height:18px;border:none} .ticks{position:relative;flex:1;height:16px;font-size:11px;color:#777}
.ticks span{position:absolute;transform:translateX(-50%)} .ticks span:first-child{transform:none}
.legend i{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
.legend i.adult-key{background:#1f77b4;height:2px} .legend i.infant-key{background:#e377c2;height:2px}
.legend i.gap-key{background:repeating-linear-gradient(45deg,#fff 0 2px,#ccc 2px 4px)}
.codec{display:none;background:#fee;padding:6px;border:1px solid #e99}
"""

SCRIPT = r"""
const PAYLOAD = JSON.parse(document.getElementById('review-data').textContent);
const RUN = PAYLOAD.run;
const COLUMNS = ['clip_id','decision','roles_wrong','exclude','exclude_reason','note','reviewer','decided_at'];
const memory = {};
function storeKey(clip){ return 'dyadscope-review:' + RUN.key + ':' + clip; }
function storageGet(key){ try { return localStorage.getItem(key); } catch(e){ return memory[key] || null; } }
function storageSet(key, value){ try { localStorage.setItem(key, value); } catch(e){ memory[key] = value; } }
function loadDecision(clip){ try { return JSON.parse(storageGet(storeKey(clip)) || 'null'); } catch(e){ return null; } }
function saveDecision(clip, d){
  d.decided_at = new Date().toISOString();
  storageSet(storeKey(clip), JSON.stringify(d));
  return d;
}
function isDecided(d){ return !!d && (d.decision || d.roles_wrong || d.exclude || d.note); }
function statusText(d){
  if (!isDecided(d)) return 'undecided';
  const parts = [];
  if (d.decision) parts.push(d.decision + ' with flag');
  if (d.roles_wrong) parts.push('roles wrong');
  if (d.exclude) parts.push('exclude' + (d.exclude_reason ? ' (' + d.exclude_reason + ')' : ''));
  if (d.note) parts.push('note');
  return parts.join(', ');
}
function csvCell(v){
  v = (v === null || v === undefined) ? '' : String(v);
  return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}
function decisionsCsv(){
  const lines = [COLUMNS.join(',')];
  for (const clip of RUN.clips){
    const d = loadDecision(clip);
    if (!isDecided(d)) continue;
    const row = {clip_id: clip, decision: d.decision || '', roles_wrong: d.roles_wrong ? 1 : 0,
      exclude: d.exclude ? 1 : 0, exclude_reason: d.exclude_reason || '', note: d.note || '',
      reviewer: d.reviewer || '', decided_at: d.decided_at || ''};
    lines.push(COLUMNS.map(c => csvCell(row[c])).join(','));
  }
  return lines.join('\n') + '\n';
}
function decisionsUrl(){ return URL.createObjectURL(new Blob([decisionsCsv()], {type: 'text/csv'})); }
function wireDownload(a){
  a.addEventListener('click', () => { a.href = decisionsUrl(); a.download = 'review_decisions.csv'; });
}
function showDownload(){  // test hook: the bytes the download link gives, into #test-csv
  fetch(decisionsUrl()).then(r => r.text()).then(text => {
    const box = document.getElementById('test-csv');
    box.textContent = text; box.dataset.done = '1';
  });
}
function hashParams(){
  const out = {};
  for (const part of location.hash.replace(/^#/, '').split('&')){
    if (!part) continue;
    const i = part.indexOf('=');
    out[decodeURIComponent(i < 0 ? part : part.slice(0, i))] = i < 0 ? '' : decodeURIComponent(part.slice(i + 1));
  }
  return out;
}
document.querySelectorAll('a.download').forEach(wireDownload);
"""

CLIP_SCRIPT = r"""
const CLIP = PAYLOAD.clip;
const SVG = 'http://www.w3.org/2000/svg';
const W = 1000, H = 30;
const video = document.getElementById('video');
const tracksBox = document.getElementById('tracks');
const duration = () => (video && isFinite(video.duration) && video.duration > 0) ? video.duration : CLIP.duration_s;
const xOf = t => Math.max(0, Math.min(W, t / duration() * W));
function el(name, attrs, parent){
  const e = document.createElementNS(SVG, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function roleClass(id){ return id.includes('adult') ? 'adult' : (id.includes('infant') ? 'infant' : 'dyad'); }
const LABEL_COLOURS = {positive:'#2ca02c', neutral:'#bbb', negative:'#d62728', unknown:'#eee', speech:'#1f77b4',
  laugh:'#2ca02c', cry:'#d62728', other:'#9467bd', vocal:'#777', touch:'#8c564b',
  'adult→infant':'#6baed6', 'infant→adult':'#f7a8d8'};
function drawLine(svg, tr){
  const [lo, hi] = tr.range;
  const yOf = v => H - 2 - (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo) * (H - 4);
  let d = '', pen = false, gapStart = null;
  for (let i = 0; i < tr.t.length; i++){
    const v = tr.y[i], x = xOf(tr.t[i]);
    if (v === null){
      if (gapStart === null) gapStart = x;
      pen = false; continue;
    }
    if (gapStart !== null){ el('rect', {class:'gap', x: gapStart, y: 0, width: Math.max(1, x - gapStart), height: H}, svg); gapStart = null; }
    d += (pen ? 'L' : 'M') + x.toFixed(1) + ' ' + yOf(v).toFixed(1);
    pen = true;
  }
  if (gapStart !== null) el('rect', {class:'gap', x: gapStart, y: 0, width: Math.max(1, W - gapStart), height: H}, svg);
  el('path', {class: 'line ' + roleClass(tr.id), d: d}, svg);
}
function drawSpans(svg, tr){
  for (const [a, b] of tr.gaps || []) el('rect', {class:'gap', x: xOf(a), y: 0, width: Math.max(1, xOf(b) - xOf(a)), height: H}, svg);
  const stacked = tr.id === 'turns';  // turns overlap (A-I-A is two turns): alternate half rows
  tr.spans.forEach(([a, b, lab], i) => {
    const y = stacked ? 3 + (i % 2) * (H - 6) / 2 : 4, h = stacked ? (H - 6) / 2 - 1 : H - 8;
    const r = el('rect', {x: xOf(a), y: y, width: Math.max(1, xOf(b) - xOf(a)), height: h,
      fill: LABEL_COLOURS[lab] || '#777'}, svg);
    el('title', {}, r).textContent = lab + ' ' + a.toFixed(2) + '-' + b.toFixed(2) + ' s';
  });
}
function seek(t){
  if (video) video.currentTime = t;
  moveCursor(t);
}
function moveCursor(t){
  const x = xOf(t);
  document.querySelectorAll('line.cursor').forEach(c => { c.setAttribute('x1', x); c.setAttribute('x2', x); });
  tracksBox.dataset.cursorS = t.toFixed(3);
  tracksBox.dataset.cursorX = x.toFixed(1);
}
function drawTracks(){
  tracksBox.innerHTML = '';
  const defs = el('svg', {width: 0, height: 0}, tracksBox);
  const pat = el('pattern', {id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse'}, el('defs', {}, defs));
  el('path', {d: 'M0 6L6 0', stroke: '#ccc', 'stroke-width': 1}, pat);
  for (const tr of CLIP.tracks){
    const row = document.createElement('div');
    row.className = 'track'; row.dataset.track = tr.id; row.dataset.points = tr.points;
    const label = document.createElement('div');
    label.className = 'label'; label.textContent = tr.label; label.title = tr.unit || '';
    row.appendChild(label);
    const svg = el('svg', {viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none'}, row);
    if (tr.kind === 'line') drawLine(svg, tr); else drawSpans(svg, tr);
    el('line', {class: 'cursor', x1: 0, x2: 0, y1: 0, y2: H}, svg);
    svg.addEventListener('click', ev => {
      const box = svg.getBoundingClientRect();
      seek((ev.clientX - box.left) / box.width * duration());
    });
    tracksBox.appendChild(row);
  }
  drawAxis();
  drawLegend();
  moveCursor(video ? video.currentTime || 0 : 0);
}
function drawAxis(){
  const row = document.createElement('div'), ticks = document.createElement('div');
  row.className = 'track axis'; ticks.className = 'ticks';
  row.innerHTML = '<div class="label muted">time (s)</div>';
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].find(s => duration() / s <= 12) || 1200;
  for (let t = 0; t <= duration() + 1e-9; t += step){
    const tick = document.createElement('span');
    tick.style.left = (t / duration() * 100) + '%'; tick.textContent = t;
    ticks.appendChild(tick);
  }
  row.appendChild(ticks); tracksBox.appendChild(row);
}
function drawLegend(){
  const seen = new Set();
  for (const tr of CLIP.tracks) for (const s of tr.spans || []) seen.add(s[2]);
  const box = document.createElement('p');
  box.className = 'legend muted';
  for (const lab of seen){
    const item = document.createElement('span');
    item.innerHTML = '<i style="background:' + (LABEL_COLOURS[lab] || '#777') + '"></i>';
    item.appendChild(document.createTextNode(lab.replace('→', ' → ')));
    box.appendChild(item);
  }
  const line = document.createElement('span');
  line.innerHTML = '<i class="adult-key"></i>adult <i class="infant-key"></i>infant <i class="gap-key"></i>no data';
  box.appendChild(line);
  tracksBox.appendChild(box);
}
if (video){
  video.addEventListener('timeupdate', () => moveCursor(video.currentTime));
  video.addEventListener('seeked', () => moveCursor(video.currentTime));
  const cannotPlay = code => { video.dataset.error = code; document.getElementById('codec').style.display = 'block'; };
  video.addEventListener('loadedmetadata', () => {
    video.dataset.duration = video.duration; video.dataset.ready = video.readyState; drawTracks();
    video.dataset.width = video.videoWidth;
    // a container the browser opens but whose video codec it lacks (e.g. HEVC): sound, no picture
    if (!video.videoWidth) cannotPlay('no-picture');
  });
  video.addEventListener('error', () => cannotPlay(video.error ? video.error.code : 'unknown'), true);
  const choose = document.getElementById('video-choice');
  if (choose) choose.addEventListener('change', () => { const t = video.currentTime; video.src = choose.value; video.currentTime = t; });
}
document.querySelectorAll('.moments button').forEach(b => b.addEventListener('click', () => {
  seek(parseFloat(b.dataset.start)); if (video) video.play().catch(() => {});
}));
drawTracks();

// decisions
const form = document.getElementById('decision');
const reviewerKey = 'dyadscope-review:reviewer';
function readForm(){
  const pick = form.querySelector('input[name=flag]:checked');
  return {decision: pick ? pick.value : '', roles_wrong: form.roles_wrong.checked, exclude: form.exclude.checked,
    exclude_reason: form.exclude_reason.value.trim(), note: form.note.value.trim(), reviewer: form.reviewer.value.trim()};
}
function fillForm(d){
  d = d || {};
  form.querySelectorAll('input[name=flag]').forEach(r => { r.checked = r.value === (d.decision || ''); });
  form.roles_wrong.checked = !!d.roles_wrong; form.exclude.checked = !!d.exclude;
  form.exclude_reason.value = d.exclude_reason || ''; form.note.value = d.note || '';
  form.reviewer.value = d.reviewer || storageGet(reviewerKey) || '';
  document.getElementById('saved').textContent = isDecided(d) ? 'saved ' + (d.decided_at || '') + ': ' + statusText(d) : 'undecided';
}
function store(d){
  if (d.reviewer) storageSet(reviewerKey, d.reviewer);
  fillForm(saveDecision(CLIP.clip_id, d));
}
form.addEventListener('change', () => store(readForm()));
form.addEventListener('submit', ev => { ev.preventDefault(); store(readForm()); });
fillForm(loadDecision(CLIP.clip_id));

// test hooks (#test-seek=S, #test-click=FRACTION, #test-moment=K, #test-decide=JSON): results into data- attributes
function runTests(){
  const p = hashParams(), box = document.getElementById('test-results');
  if ('test-seek' in p){
    seek(parseFloat(p['test-seek']));
    box.dataset.seekVideoS = video ? video.currentTime : '';
    box.dataset.seekCursorS = tracksBox.dataset.cursorS; box.dataset.seekCursorX = tracksBox.dataset.cursorX;
  }
  if ('test-click' in p){
    const svg = tracksBox.querySelector('.track svg'), r = svg.getBoundingClientRect();
    const x = r.left + parseFloat(p['test-click']) * r.width;
    svg.dispatchEvent(new MouseEvent('click', {clientX: x, clientY: r.top + 5, bubbles: true}));
    box.dataset.clickVideoS = video ? video.currentTime : '';
    box.dataset.clickCursorS = tracksBox.dataset.cursorS;
  }
  if ('test-moment' in p){
    document.querySelectorAll('.moments button')[parseInt(p['test-moment'])].click();
    box.dataset.momentVideoS = video ? video.currentTime : ''; box.dataset.momentCursorS = tracksBox.dataset.cursorS;
  }
  if ('test-decide' in p){ store(JSON.parse(p['test-decide'])); showDownload(); }
  box.dataset.done = '1';
}
if (Object.keys(hashParams()).some(k => k.startsWith('test-'))){
  if (video && video.readyState < 1){
    let ran = false;
    const once = () => { if (!ran){ ran = true; runTests(); } };
    video.addEventListener('loadedmetadata', once); video.addEventListener('error', once, true);
    setTimeout(once, 3000);
  } else runTests();
}
"""

INDEX_SCRIPT = r"""
const table = document.getElementById('queue');
const body = table.tBodies[0];
function refreshStatus(){
  for (const tr of body.rows){
    const d = loadDecision(tr.dataset.clip), cell = tr.querySelector('.status');
    const decided = isDecided(d);
    cell.textContent = statusText(d);
    cell.className = 'status ' + (decided ? 'status-decided' : 'status-undecided');
    tr.dataset.status = !decided ? 'undecided' : [d.decision, d.roles_wrong ? 'roles' : '', d.exclude ? 'excluded' : '', 'decided'].join(' ');
  }
}
function applyFilter(){
  const text = document.getElementById('filter').value.toLowerCase();
  const status = document.getElementById('status-filter').value;
  const flaggedOnly = document.getElementById('flagged-only').checked;
  let shown = 0;
  for (const tr of body.rows){
    const ok = (!text || tr.textContent.toLowerCase().includes(text))
      && (!status || tr.dataset.status.split(' ').includes(status))
      && (!flaggedOnly || tr.dataset.flagged === '1');
    tr.style.display = ok ? '' : 'none';
    shown += ok;
  }
  document.getElementById('shown').textContent = shown + ' of ' + body.rows.length + ' clips shown';
  table.dataset.shown = shown;
}
function sortBy(key, numeric){
  const dir = table.dataset.sortKey === key && table.dataset.sortDir === 'asc' ? 'desc' : 'asc';
  const value = tr => numeric ? (tr.dataset[key] === '' ? Infinity : parseFloat(tr.dataset[key])) : tr.dataset[key];
  const rows = Array.from(body.rows).sort((a, b) => {
    const x = value(a), y = value(b);
    const c = x < y ? -1 : (x > y ? 1 : 0);
    return dir === 'asc' ? c : -c;
  });
  rows.forEach(r => body.appendChild(r));
  table.dataset.sortKey = key; table.dataset.sortDir = dir;
  table.dataset.order = rows.map(r => r.dataset.clip).join(' ');
}
table.querySelectorAll('th.sortable').forEach(th => th.addEventListener('click', () => sortBy(th.dataset.key, th.dataset.numeric === '1')));
['filter', 'status-filter', 'flagged-only'].forEach(id => document.getElementById(id).addEventListener('input', applyFilter));
document.getElementById('status-filter').addEventListener('change', applyFilter);
window.addEventListener('storage', () => { refreshStatus(); applyFilter(); });
refreshStatus(); applyFilter();
table.dataset.order = Array.from(body.rows).map(r => r.dataset.clip).join(' ');
// test hooks (#test-sort=KEY[,desc], #test-filter=TEXT): results into data- attributes of the table
(function(){
  const p = hashParams();
  if ('test-sort' in p){
    const [key, dir] = p['test-sort'].split(',');
    const th = table.querySelector('th[data-key="' + key + '"]');
    th.click(); if (dir === 'desc') th.click();
  }
  if ('test-filter' in p){ document.getElementById('filter').value = p['test-filter']; applyFilter(); }
  if ('test-csv' in p) showDownload();
})();
"""

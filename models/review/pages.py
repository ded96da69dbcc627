"""Write OUT/review/: index.html (the queue) and <clip_id>.html per screened clip.

Everything a page needs is inside it (inline CSS and JS, data as JSON); media (the clip, the
overlay, the role check sheet, thumbnails) are relative links, so the folder works offline
from the file system and can be moved together with its run folder."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment

from extract.config import load_config
from extract.errors import DyadscopeError
from extract.outputs import atomic_path
from models.bundle import ModelBundle
from models.instrument import bundle_instrument
from models.review import data
from models.review.assets import CLIP_SCRIPT, CSS, INDEX_SCRIPT, SCRIPT
from models.review.templates import CLIP_PAGE, INDEX_PAGE

log = logging.getLogger(__name__)
REVIEW_DIR = "review"
THUMB_PX = 160


@dataclass(frozen=True)
class Inputs:
    """What the pages are made from. `clips_dir`: OUT/clips of the extraction (None when `screen`
    ran on a features file alone); `qc`: qc.csv indexed by clip_id, or None."""

    bundle: ModelBundle
    predictions: pd.DataFrame
    queue: pd.DataFrame
    qc: pd.DataFrame | None
    clips_dir: Path | None
    out: Path


def _env() -> Environment:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v, digits=2: "" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"
    return env


def _json(value) -> str:
    """JSON safe inside <script type="application/json">."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")


def run_key(bundle_digest: str, out: Path) -> str:
    """Names this run's decisions in the browser's storage: model and run folder."""
    return hashlib.sha256(f"{bundle_digest}|{Path(out).resolve()}".encode()).hexdigest()[:12]


def _source_path(qc_row: dict, out: Path) -> Path | None:
    path = str(qc_row.get("path") or "")
    if not path:
        return None
    p = Path(path)
    return p if p.is_absolute() else (out / p)


def _duration(qc_row: dict, frames: pd.DataFrame | None, segments: pd.DataFrame | None) -> float:
    for key in ("duration_s", "video_duration_s", "audio_duration_s"):
        value = data._clean(qc_row.get(key))
        if value:
            return value
    ends = [0.0]
    if frames is not None and len(frames):
        ends.append(float(frames.t_s.max()))
    if segments is not None and len(segments):
        ends.append(float(segments.end_s.max()))
    return max(ends) or 1.0


def _videos(clip_id: str, clip_dir: Path | None, source: Path | None, page_dir: Path) -> list[dict]:
    """The playable files in order of preference: the H.264 review preview, the overlay, the source."""
    found = []
    preview = page_dir / "media" / f"{clip_id}.mp4"
    if preview.is_file():
        found.append({"label": "preview (H.264)", "src": data.relative_link(preview, page_dir)})
    if clip_dir is not None and (clip_dir / "overlay.mp4").is_file():
        found.append({"label": "overlay", "src": data.relative_link(clip_dir / "overlay.mp4", page_dir)})
    if source is not None and source.is_file():
        found.append({"label": "source", "src": data.relative_link(source, page_dir)})
    return found


def _shown(value) -> str:
    """A QC value for the page: numbers to 3 significant digits, text as it is ('' = missing)."""
    if value is None:
        return ""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if not np.isfinite(number):
        return ""
    return text if number.is_integer() and "." not in text else f"{number:.3g}"


def _qc_figures(qc_row: dict) -> list[list]:
    return [[k, _shown(v)] for k, v in qc_row.items() if k not in ("clip_id", "path") and _shown(v)]


def _prediction_rows(predictions: pd.DataFrame, clip_id: str, instrument) -> list[dict]:
    rows = []
    for row in predictions[predictions.clip_id == clip_id].to_dict("records"):
        scale = instrument.scales[row["target"]]
        flag = instrument.flags.get(row["target"])
        rows.append(
            {
                "target": row["target"],
                "kind": scale.kind,
                "predicted": data._clean(row["predicted"]),
                "lower": data._clean(row["lower"]),
                "upper": data._clean(row["upper"]),
                "band": str(row["band"]),
                "min": scale.min,
                "max": scale.max,
                "edges": [float(e) for e in scale.edges()],
                "bands": [
                    {"name": name, "p": data._clean(row.get(f"p_{name}"))} for name in scale.band_names
                ],
                "p_flag": data._clean(row.get("p_intervention")),
                "flag": flag.describe() if flag is not None else "",
                "review": row["target"] == instrument.review_scale,
            }
        )
    return rows


def _thumbnail(source: Path | None, clip_id: str, t_s: float, page_dir: Path) -> str:
    """A still from the middle of the clip as review/thumbs/<clip_id>.jpg; '' when unreadable."""
    if source is None or not source.is_file():
        return ""
    import cv2

    from extract.media.frames import frames_at

    target = page_dir / "thumbs" / f"{clip_id}.jpg"
    try:
        frames = frames_at(source, [t_s], longest_side=THUMB_PX)
    except DyadscopeError as exc:
        log.warning("no thumbnail for %s: %s", clip_id, exc)
        return ""
    if not frames:
        return ""
    with atomic_path(target) as tmp:
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(frames[0].image, cv2.COLOR_RGB2BGR))
        tmp.write_bytes(buf.tobytes() if ok else b"")
    return data.relative_link(target, page_dir)


def clip_record(inputs: Inputs, clip_id: str, *, cfg=None, thumbnails: bool = True) -> dict:
    """Everything one clip page shows, JSON-able. `cfg`: the extraction's config (sync, turns)."""
    page_dir = inputs.out / REVIEW_DIR
    instrument = bundle_instrument(inputs.bundle.config)
    qc_row = inputs.qc.loc[clip_id].to_dict() if inputs.qc is not None and clip_id in inputs.qc.index else {}
    clip_dir = inputs.clips_dir / clip_id if inputs.clips_dir is not None else None
    has_dir = clip_dir is not None and clip_dir.is_dir()
    frames = data.read_frames(clip_dir) if has_dir else None
    segments = data.read_segments(clip_dir) if has_dir else None
    cfg = cfg or extraction_config(inputs.clips_dir)
    tracks = (
        data.clip_tracks(frames, segments, sync_cfg=cfg.sync, turns_cfg=cfg.audio.turns) if has_dir else []
    )
    if clip_dir is None:
        note = "Screened from features alone (no clips/ beside features.csv): no tracks, no role sheet."
    elif not has_dir:
        note = f"No folder clips/{clip_id} beside features.csv: no tracks, no role check sheet."
    elif not tracks:
        note = "The clip folder has no frames.parquet or segments.csv: no tracks."
    else:
        note = ""
    source = _source_path(qc_row, inputs.out)
    duration = _duration(qc_row, frames, segments)
    queued = inputs.queue[inputs.queue.clip_id == clip_id]
    sheet = clip_dir / "roles.png" if has_dir else None
    overlay = clip_dir / "overlay.mp4" if has_dir else None
    still = source if source is not None and source.is_file() else overlay  # the thumbnail's video
    return {
        "clip_id": clip_id,
        "duration_s": duration,
        "status": str(qc_row.get("status", "")),
        "priority": int(queued.priority.iloc[0]) if len(queued) else None,
        "score": data._clean(queued.score.iloc[0]) if len(queued) else None,
        "reasons": str(queued.reasons.iloc[0]).split("; ") if len(queued) else [],
        "videos": _videos(clip_id, clip_dir if has_dir else None, source, page_dir),
        "source": str(source) if source is not None else "",
        "tracks": tracks,
        "note": note,
        "predictions": _prediction_rows(inputs.predictions, clip_id, instrument),
        "qc": _qc_figures(qc_row),
        "roles_sheet": data.relative_link(sheet, page_dir) if sheet is not None and sheet.is_file() else "",
        "moments": data.read_moments(clip_dir, page_dir) if has_dir else [],
        "thumbnail": _thumbnail(still, clip_id, duration / 2, page_dir) if thumbnails else "",
    }


def extraction_config(clips_dir: Path | None):
    """The run's config.yaml beside clips/ (the sync and turn settings the features used)."""
    path = clips_dir.parent / "config.yaml" if clips_dir is not None else None
    if path is not None and path.is_file():
        try:
            return load_config(path)
        except DyadscopeError as exc:
            log.warning("review tracks use the default sync/turn settings: %s", exc)
    return load_config(None)


def _index_row(record: dict, review_target: str) -> dict:
    main = next((p for p in record["predictions"] if p["target"] == review_target), None)
    return {
        "clip_id": record["clip_id"],
        "priority": record["priority"],
        "score": record["score"],
        "reasons": record["reasons"],
        "status": record["status"],
        "thumbnail": record["thumbnail"],
        "predicted": main["predicted"] if main else None,
        "lower": main["lower"] if main else None,
        "upper": main["upper"] if main else None,
        "band": main["band"] if main else "",
        "p_flag": main["p_flag"] if main else None,
    }


def _ordered_clips(predictions: pd.DataFrame, queue: pd.DataFrame) -> list[str]:
    """Flagged clips in priority order, then the others by clip id."""
    flagged = list(queue.sort_values("priority").clip_id.astype(str))
    rest = sorted(set(predictions.clip_id.astype(str)) - set(flagged))
    return flagged + rest


def write_review(
    out: Path,
    *,
    bundle: ModelBundle,
    predictions: pd.DataFrame,
    queue: pd.DataFrame,
    qc: pd.DataFrame | None,
    clips_dir: Path | None,
    digest: str = "",
    thumbnails: bool = True,
) -> Path:
    """OUT/review/index.html and one page per screened clip (`qc` indexed by clip_id; `clips_dir`
    the extraction's OUT/clips, None for pages without tracks). Returns the index path."""
    return write_pages(
        Inputs(bundle, predictions, queue, qc, clips_dir, Path(out)), digest=digest, thumbnails=thumbnails
    )


def write_pages(inputs: Inputs, *, digest: str = "", thumbnails: bool = True) -> Path:
    page_dir = inputs.out / REVIEW_DIR
    instrument = bundle_instrument(inputs.bundle.config)
    review_target = (
        instrument.review_scale
        if instrument.review_scale in inputs.bundle.targets
        else next(iter(inputs.bundle.targets))
    )
    clips = _ordered_clips(inputs.predictions, inputs.queue)
    run = {
        "key": run_key(digest, inputs.out),
        "clips": clips,
        "target": review_target,
        "flag": instrument.flags[review_target].describe(),
        "instrument": instrument.name,
    }
    cfg = extraction_config(inputs.clips_dir)
    env = _env()
    clip_template, index_template = env.from_string(CLIP_PAGE), env.from_string(INDEX_PAGE)
    rows = []
    for k, clip_id in enumerate(clips):
        record = clip_record(inputs, clip_id, cfg=cfg, thumbnails=thumbnails)
        rows.append(_index_row(record, review_target))
        neighbours = {
            "previous": f"{data.quote_name(clips[k - 1])}.html" if k > 0 else "",
            "next": f"{data.quote_name(clips[k + 1])}.html" if k + 1 < len(clips) else "",
        }
        text = clip_template.render(
            clip=record,
            run=run,
            nav=neighbours,
            css=CSS,
            script=SCRIPT,
            clip_script=CLIP_SCRIPT,
            payload=_json({"run": run, "clip": record}),
        )
        _write_text(page_dir / f"{clip_id}.html", text)
    text = index_template.render(
        rows=rows,
        run=run,
        css=CSS,
        script=SCRIPT,
        index_script=INDEX_SCRIPT,
        payload=_json({"run": run, "rows": rows}),
        tracks_note=""
        if inputs.clips_dir is not None
        else "screened from features alone: pages have no tracks",
    )
    index = page_dir / "index.html"
    _write_text(index, text)
    return index


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")

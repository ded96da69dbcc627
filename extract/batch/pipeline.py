"""One clip through every stage: probe, video signals (frames.parquet), audio (segments.csv,
optional ELAN/RTTM), positive moments (moments.csv, stills), clip features from the in-memory
frame table and segments, features.json with provenance; returns the clip's QC row. Batch runs
call this once per clip in a worker.
"""

from __future__ import annotations

import logging
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from extract.audio.pitch import track_pitch
from extract.batch.inputs import ClipInput
from extract.config import Config
from extract.errors import MediaError, MediaWarning
from extract.features.affect_fusion import add_affect
from extract.features.family import ClipBundle
from extract.features.registry import compute_features
from extract.media import probe, read_audio
from extract.moments.clip import clip_moments
from extract.outputs import write_json, write_parquet
from extract.progress import ProgressHook
from extract.provenance import provenance
from extract.video.role_sheet import write_role_sheet
from extract.video.run import OVERLAY_NAME, video_signals, write_clip_overlay

log = logging.getLogger(__name__)


def _read_audio(path: Path, cfg: Config):
    """The clip's audio track and its pitch track, read once for both stages (the voice role cue
    of the video stage and the audio stage); pitch None when neither needs it."""
    track = read_audio(path, sample_rate=cfg.audio.sample_rate)
    if not (cfg.audio.analyze or cfg.roles.voice_cue):
        return track, None
    pitch = track_pitch(
        track.samples, sample_rate=track.sample_rate, hop_s=cfg.audio.vad.hop_s, cfg=cfg.audio.pitch
    )
    return track, pitch


def _audio_qc(
    path: Path, cfg: Config, *, track, pitch, clip_dir: Path, clip_id: str, video: pd.DataFrame | None
) -> tuple[dict, dict, list[str], pd.DataFrame | None]:
    """Audio QC figures, clip features, QC notes and the segments as written to segments.csv
    (None when audio analysis is off); writes segments.csv (+ vocal.eaf / vocal.rttm) (extract.audio)."""
    rms = float(np.sqrt(np.mean(np.square(track.samples, dtype=np.float64)))) if len(track.samples) else 0.0
    qc = {"audio_duration_s": track.duration_s, "audio_rms_dbfs": 20 * np.log10(max(rms, 1e-10))}
    if not cfg.audio.analyze:
        return qc, {}, [], None
    from extract.audio.analyze import AudioAnalyzer
    from extract.audio.outputs import segments_as_written, write_audio_outputs

    analysis = AudioAnalyzer.from_config(cfg.audio).analyze(
        track.samples, sample_rate=track.sample_rate, video=video, pitch=pitch
    )
    out = cfg.audio.outputs
    write_audio_outputs(clip_dir, analysis, clip_id=clip_id, media_path=path, eaf=out.eaf, rttm=out.rttm)
    return {**qc, **analysis.qc}, analysis.features, analysis.notes, segments_as_written(analysis.segments)


def _video_table(
    clip: ClipInput, clip_dir: Path, cfg: Config, hook: ProgressHook | None, decoder_threads: int, pitch
):
    """Video signals (extract.video): the VideoResult (role-prefixed frame table, QC figures, QC
    warnings; landmarks kept for the overlay, drawn after the audio stage)."""
    result = video_signals(
        clip.path,
        cfg,
        infant_side=clip.meta.get("infant_side") or None,
        hook=hook,
        keep_landmarks=cfg.overlay.enabled,
        decoder_threads=decoder_threads,
        swap_roles=clip.meta.get("swap_roles") == "1",
        pitch=pitch,
    )
    if cfg.roles.sheet:
        try:
            write_role_sheet(
                clip.path,
                result.table,
                clip_dir / "roles.png",
                clip_id=clip.clip_id,
                qc=result.qc,
                longest_side=cfg.video.longest_side,
            )
        except MediaError as exc:  # the signals are fine; only the stills could not be read again
            result.notes.append(f"no role sheet: {exc}")
    return result


def extract_clip(
    clip: ClipInput, out_dir: Path, cfg: Config, *, hook: ProgressHook | None = None, decoder_threads: int = 0
) -> dict:
    """Process one clip into `out_dir/clips/<clip_id>/`. Returns its QC row; never raises
    for a bad input file (the row says `failed` and why). decoder_threads: FFmpeg threads
    when cfg.video.decoder_threads is 0 (auto); 0 lets FFmpeg decide."""
    started = time.perf_counter()
    qc: dict = {"clip_id": clip.clip_id, "path": str(clip.path), "status": "ok", "error": "", "warnings": ""}
    notes: list[str] = []
    features: dict = {}
    segments = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", MediaWarning)
            info = probe(clip.path)
            qc.update(
                duration_s=info.duration_s, has_video=info.video is not None, has_audio=info.audio is not None
            )
            clip_dir = out_dir / "clips" / clip.clip_id
            track, pitch = _read_audio(clip.path, cfg) if info.audio is not None else (None, None)
            if info.video is not None:
                video_result = _video_table(clip, clip_dir, cfg, hook, decoder_threads, pitch)
                table = video_result.table
                qc.update(video_result.qc)
                notes.extend(video_result.notes)
                span = table.t_s.iloc[-1] - table.t_s.iloc[0] if len(table) > 1 else 0.0
                qc.update(
                    video_fps_measured=info.video.measured_fps,
                    video_vfr=info.video.vfr,
                    n_analysis_frames=len(table),
                    analysis_fps_achieved=(len(table) - 1) / span if span > 0 else np.nan,
                )
            if info.audio is not None:
                video = table if info.video is not None else None
                audio_qc, features, audio_notes, segments = _audio_qc(
                    clip.path,
                    cfg,
                    track=track,
                    pitch=pitch,
                    clip_dir=clip_dir,
                    clip_id=clip.clip_id,
                    video=video,
                )
                qc.update(audio_qc)
                notes.extend(audio_notes)
            else:
                notes.append("no audio stream: audio features will be missing")
            if info.video is not None:
                table = add_affect(table, segments, cfg.affect)
                write_parquet(clip_dir / "frames.parquet", table)
                if cfg.overlay.enabled:
                    write_clip_overlay(
                        clip.path, cfg, video_result, table, clip_dir / OVERLAY_NAME, decoder_threads
                    )
            # positive moments for video feedback: moments.csv, stills, vocal.eaf's moments tier
            _, moment_notes = clip_moments(
                clip_dir,
                frames=table if info.video is not None else None,
                segments=segments,
                media_path=clip.path,
                has_video=info.video is not None,
                cfg=cfg,
            )
            notes.extend(moment_notes)
            notes.extend(str(w.message) for w in caught if issubclass(w.category, MediaWarning))
            bundle = ClipBundle(
                frames=table if info.video is not None else None,
                segments=segments,
                audio_features=features,
                qc=qc,
            )
            features, feature_notes = compute_features(bundle, cfg)
            qc["feature_notes"] = "; ".join(feature_notes)
            write_json(
                clip_dir / "features.json",
                {
                    "clip_id": clip.clip_id,
                    "features": features,
                    "provenance": {
                        **provenance(cfg, input_path=clip.path),
                        "roles": clip.meta.get("roles_fix")
                        or (
                            f"manifest: infant_side={clip.meta['infant_side']}"
                            if "infant_side" in clip.meta
                            else "cues"
                        ),
                    },
                },
            )
    except MediaError as exc:
        qc.update(status="failed", error=str(exc))
        log.warning("%s failed: %s", clip.clip_id, exc)
    if notes and qc["status"] == "ok":
        qc["status"] = "warn"
    qc["warnings"] = "; ".join(notes)
    qc["seconds"] = round(time.perf_counter() - started, 3)
    return qc

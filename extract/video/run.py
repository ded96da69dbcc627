"""Video signals for one clip file: decode at the analysis rate, run the VideoExtractor, and
optionally write the overlay video (a second decoding pass)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from extract.errors import MediaError
from extract.media import iter_frames
from extract.media.prefetch import prefetched
from extract.progress import ProgressHook
from extract.video.extractor import VideoExtractor, VideoResult
from extract.video.overlay import write_overlay
from extract.video.roles import SIDES
from extract.video.voice_cue import adult_voice_share, clip_pitch

log = logging.getLogger(__name__)
OVERLAY_NAME = "overlay.mp4"


def _frames(path: Path, cfg, threads: int):
    """The analysis frames; decoded ahead in a thread when decoding may use every core (threads 0:
    a single-clip run), not in batch workers (1 thread each: no core to spare)."""
    frames = iter_frames(
        path,
        fps=cfg.video.analysis_fps,
        longest_side=cfg.video.longest_side,
        threads=threads,
        skip_nonref=cfg.video.skip_nonref_frames,
    )
    return prefetched(frames) if threads == 0 and len(os.sched_getaffinity(0)) > 1 else frames


def _adult_voice(path: Path, cfg, times_s, pitch):
    """The voice role cue's adult-voice share per analysis frame, from `pitch` (the clip's pitch
    track, read here when None); None when off, no audio, or unreadable."""
    if not cfg.roles.voice_cue or cfg.roles.infant_side != "auto" or not len(times_s):
        return None
    if pitch is None:
        try:
            pitch = clip_pitch(
                path, sample_rate=cfg.audio.sample_rate, hop_s=cfg.audio.vad.hop_s, pitch_cfg=cfg.audio.pitch
            )
        except MediaError as e:  # the audio's own stage reports unreadable audio; roles go on without it
            log.warning("%s: no voice role cue (%s)", path, e)
            return None
    return (
        None if pitch is None else adult_voice_share(pitch, times_s, max_f0_hz=cfg.roles.adult_voice_max_hz)
    )


def video_signals(
    path: str | Path,
    cfg,
    *,
    infant_side: str | None = None,
    hook: ProgressHook | None = None,
    overlay_path: str | Path | None = None,
    backend=None,
    decoder_threads: int = 0,
    swap_roles: bool = False,
    pitch=None,
    keep_landmarks: bool = False,
) -> VideoResult:
    """The role-prefixed frame table, QC figures and warnings for the clip at `path`.

    infant_side: per-clip override of cfg.roles.infant_side (a manifest column); an unknown
    value is ignored with a warning in the result's notes. hook("frame", completed=k) after each analysis
    frame. decoder_threads: FFmpeg threads
    when cfg.video.decoder_threads is 0 (auto); 0 lets FFmpeg decide (batch workers pass 1).
    swap_roles: a reviewer's fix (roles.csv): flip the roles the cues chose. pitch: the clip's pitch
    track when the caller has it (the batch pipeline shares it with the audio stage).
    keep_landmarks: keep the overlay's landmarks in the result, for write_clip_overlay later
    (the batch pipeline draws the overlay once the affect columns exist)."""
    path = Path(path)
    threads = cfg.video.decoder_threads or decoder_threads
    notes = []
    if infant_side is not None and str(infant_side).strip().lower() not in SIDES:
        notes.append(
            f"manifest infant_side {infant_side!r} is not one of {'|'.join(SIDES)}; using "
            f"{cfg.roles.infant_side}"
        )
        infant_side = None
    extractor = VideoExtractor.from_config(
        cfg, keep_landmarks=keep_landmarks or overlay_path is not None, backend=backend
    )
    for frame in _frames(path, cfg, threads):
        extractor.process(frame.image, t_s=frame.t_s, source_frame=frame.source_index)
        if hook:
            hook("frame", None, completed=frame.index + 1)
    voice = None if infant_side not in (None, "auto") else _adult_voice(path, cfg, extractor.times_s, pitch)
    result = extractor.finish(infant_side=infant_side, adult_voice=voice, swap_roles=swap_roles)
    result.notes[:0] = notes
    if overlay_path is not None:
        write_clip_overlay(path, cfg, result, result.table, overlay_path, threads)
    return result


def write_clip_overlay(path, cfg, result: VideoResult, table, overlay_path, threads: int = 0) -> None:
    """Draw the overlay video of `result` (its landmarks) with the rows of `table` (the result's
    table, possibly with more columns: vocal types, affect), then drop the landmarks."""
    write_overlay(
        _frames(Path(path), cfg, cfg.video.decoder_threads or threads),
        table,
        result.landmarks,
        overlay_path,
        role_confidence=result.qc["role_confidence"],
        crf=cfg.overlay.crf,
    )
    result.landmarks = {}

"""Render one clip: stream composed frames and the synthesized voice track into an MP4, with its truth
sidecar."""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from extract.render import scene
from extract.render.scene import compose_frame
from extract.render.script import DyadScript
from extract.render.truth import TRUTH_COLUMNS, format_row, frame_row, summary, write_json
from extract.render.voices import synth_track

log = logging.getLogger(__name__)

AUDIO_CHUNK = 1024  # samples per AAC frame


def _audio_frames(samples: np.ndarray, *, sample_rate: int, upto: int, start: int):
    """AudioFrames covering samples[start:upto] in AUDIO_CHUNK pieces, pts in samples."""
    for i0 in range(start, upto, AUDIO_CHUNK):
        chunk = samples[i0 : min(i0 + AUDIO_CHUNK, upto)]
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
        frame.sample_rate = sample_rate
        frame.pts = i0
        frame.time_base = Fraction(1, sample_rate)
        yield frame


def render_clip(
    path: str | Path,
    script: DyadScript,
    *,
    fps: int = 25,
    size: tuple[int, int] = (640, 360),
    snr_db: float | None = None,
    sample_rate: int = 16000,
    crf: int = 27,
    clip_id: str | None = None,
    meta: dict | None = None,
    occluders: tuple[tuple[str, float, float], ...] = (),
) -> Path:
    """Render `script` to an MP4 at `path` (H.264 yuv420p + AAC mono) and write its truth sidecar.

    occluders: (role, start_s, end_s) windows in which a hand-coloured block covers that
    role's face (peekaboo); the truth still gives the hidden face's position.

    size: (W, H) of the frames, both even. Frame i has pts i in time_base 1/fps; audio is
    `sample_rate` Hz mono. Writes `<clip_id>.truth.csv` (one row per frame) and
    `<clip_id>.truth.json` next to the video (clip_id defaults to the file stem).
    Frames are streamed to the encoder; memory does not grow with duration.
    Returns the path of the JSON sidecar.
    """
    path = Path(path)
    clip_id = clip_id or path.stem
    w, h = size
    if w % 2 or h % 2:
        raise ValueError(f"frame size must be even, got {size}")
    n_frames = int(round(script.duration_s * fps))
    audio = synth_track(script, sample_rate=sample_rate, snr_db=snr_db)
    n_audio = int(round(n_frames / fps * sample_rate))
    audio = np.pad(audio, (0, max(0, n_audio - len(audio))))[:n_audio]
    csv_path = path.with_name(f"{clip_id}.truth.csv")
    json_path = path.with_name(f"{clip_id}.truth.json")
    distance, adult_smile, infant_smile = (np.zeros(n_frames) for _ in range(3))

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as out, open(csv_path, "w", newline="") as csv:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        vs.time_base = Fraction(1, fps)
        vs.codec_context.options = {"crf": str(crf), "preset": "medium", "threads": "1"}
        aus = out.add_stream("aac", rate=sample_rate, layout="mono")
        aus.bit_rate = 32000
        csv.write(",".join(TRUTH_COLUMNS) + "\n")
        audio_done = 0
        for i in range(n_frames):
            t = i / fps
            image, poses = compose_frame(script, t, size=size, occluders=occluders)
            row = frame_row(frame=i, t_s=t, poses=poses, script=script, size=size)
            csv.write(format_row(row) + "\n")
            distance[i], adult_smile[i], infant_smile[i] = (
                row["dyad.distance_norm"],
                row["adult.smile"],
                row["infant.smile"],
            )
            vf = av.VideoFrame.from_ndarray(image, format="rgb24")
            vf.pts = i
            vf.time_base = Fraction(1, fps)
            for packet in vs.encode(vf):
                out.mux(packet)
            upto = min(n_audio, int(round((i + 1) / fps * sample_rate)) // AUDIO_CHUNK * AUDIO_CHUNK)
            for af in _audio_frames(audio, sample_rate=sample_rate, upto=upto, start=audio_done):
                for packet in aus.encode(af):
                    out.mux(packet)
            audio_done = max(audio_done, upto)
        for af in _audio_frames(audio, sample_rate=sample_rate, upto=n_audio, start=audio_done):
            for packet in aus.encode(af):
                out.mux(packet)
        for stream in (vs, aus):
            for packet in stream.encode(None):
                out.mux(packet)

    layout = {
        "adult": {"side": "left", "face_width_norm": scene.ADULT_FACE_WIDTH, "mirrored": False},
        "infant": {
            "side": "right",
            "face_width_norm": scene.ADULT_FACE_WIDTH * scene.INFANT_FACE_RATIO,
            "mirrored": True,
        },
    }
    write_json(
        json_path,
        clip_id=clip_id,
        video_name=path.name,
        csv_name=csv_path.name,
        script=script,
        fps=fps,
        size=size,
        n_frames=n_frames,
        sample_rate=sample_rate,
        snr_db=snr_db,
        summary_=summary(script, distance=distance, adult_smile=adult_smile, infant_smile=infant_smile),
        meta=meta,
        layout=layout,
    )
    log.info("rendered %s: %d frames, %.1f s", path, n_frames, n_frames / fps)
    return json_path

"""A short excerpt of a source clip as MP4: video re-encoded with PyAV/libx264, the audio (if any)
as AAC; the frames' container times are kept (VFR-safe), both streams start at the first frame."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from extract.errors import MediaUnreadableError, NoVideoStreamError
from extract.media.container import clock_origin_s, open_media, video_stream
from extract.media.frames import rotate_image
from extract.outputs import atomic_path

VIDEO_TB = Fraction(1, 90000)


def _video_frames(container, stream, origin: float, start_s: float, end_s: float):
    """(t_s, RGB image) of the source frames with start_s <= t < end_s (rotation applied)."""
    container.seek(max(0, int((start_s + origin) / stream.time_base)), stream=stream, backward=True)
    for frame in container.decode(stream):
        if frame.pts is None:
            continue
        t = float(frame.pts * frame.time_base) - origin
        if t < start_s - 1e-6:
            continue
        if t >= end_s - 1e-6:
            return
        yield t, rotate_image(frame.to_ndarray(format="rgb24"), frame.rotation or 0)


def _audio_chunks(container, stream, origin: float, start_s: float, end_s: float, layout: str):
    """(samples (channels, k) float32 planar, at stream rate) covering start_s..end_s, trimmed."""
    rate = stream.rate
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
    container.seek(max(0, int((start_s + origin) / stream.time_base)), stream=stream, backward=True)
    for frame in container.decode(stream):
        if frame.pts is None:
            continue
        t0 = float(frame.pts * frame.time_base) - origin
        if t0 >= end_s:
            return
        for out in resampler.resample(frame):
            data = out.to_ndarray()
            a = int(round((start_s - t0) * rate))
            b = int(round((end_s - t0) * rate))
            piece = data[:, max(a, 0) : max(min(b, data.shape[1]), 0)]
            if piece.shape[1]:
                yield piece
            t0 += data.shape[1] / rate


def write_excerpt(
    src: str | Path, dst: str | Path, *, start_s: float, end_s: float, crf: int = 23
) -> tuple[Path, float]:
    """Write src's start_s..end_s (container clock) to dst (MP4). Returns (dst, first frame time);
    the excerpt's duration is end_s minus that time (within one frame)."""
    src, dst = Path(src), Path(dst)
    with open_media(src) as inp:
        vin = video_stream(inp)
        if vin is None:
            raise NoVideoStreamError(src, "has no video stream to cut an excerpt from")
        ain = inp.streams.audio[0] if inp.streams.audio else None
        origin = clock_origin_s(inp)
        rate = vin.average_rate or vin.guessed_rate or 30
        with atomic_path(dst) as tmp, av.open(str(tmp), mode="w", format="mp4") as out:
            vout, first_t, last_pts = None, None, -1
            for t, image in _video_frames(inp, vin, origin, start_s, end_s):
                if vout is None:
                    first_t = t
                    vout = out.add_stream("libx264", rate=rate)
                    vout.width, vout.height = image.shape[1] // 2 * 2, image.shape[0] // 2 * 2
                    vout.pix_fmt = "yuv420p"
                    vout.codec_context.time_base = VIDEO_TB
                    vout.time_base = VIDEO_TB
                    vout.codec_context.options = {"crf": str(crf), "preset": "veryfast", "threads": "1"}
                    aout = None
                    if ain is not None:
                        layout = "mono" if ain.channels == 1 else "stereo"
                        aout = out.add_stream("aac", rate=ain.rate, layout=layout)
                vf = av.VideoFrame.from_ndarray(
                    np.ascontiguousarray(image[: vout.height, : vout.width]), format="rgb24"
                )
                pts = max(last_pts + 1, int(round((t - first_t) / VIDEO_TB)))
                vf.pts, vf.time_base, last_pts = pts, VIDEO_TB, pts
                out.mux(vout.encode(vf))
            if vout is None:
                raise MediaUnreadableError(src, f"no video frame between {start_s:.2f} s and {end_s:.2f} s")
            out.mux(vout.encode(None))
            if aout is not None:
                done = 0
                for piece in _audio_chunks(inp, ain, origin, first_t, end_s, layout):
                    af = av.AudioFrame.from_ndarray(np.ascontiguousarray(piece), format="fltp", layout=layout)
                    af.sample_rate, af.pts, af.time_base = ain.rate, done, Fraction(1, ain.rate)
                    done += piece.shape[1]
                    out.mux(aout.encode(af))
                out.mux(aout.encode(None))
    return dst, float(first_t)

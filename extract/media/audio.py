"""The audio track as mono float32 at a fixed rate, on the same clock as the video frames.

One path only (FFmpeg's resampler through PyAV) for decoding, resampling and mono mixing,
so every input is mixed the same way.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from extract.errors import NoAudioStreamError, TruncatedMediaWarning
from extract.media.container import clock_origin_s, open_media


@dataclass(frozen=True)
class AudioTrack:
    samples: np.ndarray  # (n,) float32 in [-1, 1]; samples[0] is at t = 0 of the clip clock
    sample_rate: int  # Hz

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def _place(chunks: list[np.ndarray], start_s: float, sample_rate: int) -> np.ndarray:
    """Join chunks and shift them so index 0 is t = 0 (pad with silence or trim)."""
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    offset = int(round(start_s * sample_rate))
    if offset > 0:
        return np.concatenate([np.zeros(offset, np.float32), samples])
    return samples[-offset:]


def read_audio(path: str | Path, *, sample_rate: int = 16000) -> AudioTrack:
    """Decode the first audio stream of `path` to mono float32 at `sample_rate` Hz.

    Raises NoAudioStreamError when the file has no audio, MediaError subclasses when it
    cannot be read; warns TruncatedMediaWarning when decoding stops early.
    """
    path = Path(path)
    with open_media(path) as container:
        if not container.streams.audio:
            raise NoAudioStreamError(path, "has no audio stream")
        stream = container.streams.audio[0]
        origin = clock_origin_s(container)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        chunks: list[np.ndarray] = []
        start_s = None
        try:
            for packet in container.demux(stream):
                for frame in packet.decode():
                    if start_s is None and frame.pts is not None:
                        start_s = float(frame.pts * frame.time_base) - origin
                    for out in resampler.resample(frame):
                        chunks.append(out.to_ndarray().reshape(-1))
        except av.FFmpegError as exc:
            if not chunks:
                raise
            warnings.warn(f"{path}: audio decoding stopped early: {exc}", TruncatedMediaWarning, stacklevel=2)
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
        samples = _place(chunks, start_s or 0.0, sample_rate).astype(np.float32, copy=False)
        return AudioTrack(samples=samples, sample_rate=sample_rate)

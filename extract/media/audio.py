"""The audio track as mono float32 at a fixed rate, on the same clock as the video frames.

One path only (FFmpeg's resampler through PyAV) for decoding, resampling and mono mixing,
so every input is mixed the same way.
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from extract.errors import MediaUnreadableError, NoAudioStreamError, TruncatedMediaWarning
from extract.media.container import clock_origin_s, declared_end_s, open_media, video_stream

TRUNCATION_SLACK_S = 0.5  # audio ending more than this (or 2%) before its declared end warns


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


def _wav_declared_s(path: Path) -> float | None:
    """Duration (s) a RIFF/WAVE header declares for its data chunk, or None when unknown
    (streaming writers leave the size 0 or 0xFFFFFFFF)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return None
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, None
    while pos + 8 <= len(head):
        kind, size = head[pos : pos + 4], struct.unpack("<I", head[pos + 4 : pos + 8])[0]
        if kind == b"fmt " and pos + 20 <= len(head):
            byte_rate = struct.unpack("<I", head[pos + 16 : pos + 20])[0]
        elif kind == b"data":
            if not byte_rate or size in (0, 0xFFFFFFFF):
                return None
            return size / byte_rate
        pos += 8 + size + (size & 1)
    return None


def read_audio(path: str | Path, *, sample_rate: int = 16000) -> AudioTrack:
    """Decode the first audio stream of `path` to mono float32 at `sample_rate` Hz.

    Raises NoAudioStreamError when the file has no audio, MediaError subclasses when it
    cannot be read; warns TruncatedMediaWarning when decoding stops early or the audio ends
    well before the duration the file declares.
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
                raise MediaUnreadableError(path, f"audio stream cannot be decoded: {exc}") from None
            stopped_early = True
            warnings.warn(f"{path}: audio decoding stopped early: {exc}", TruncatedMediaWarning, stacklevel=2)
        else:
            stopped_early = False
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
        samples = _place(chunks, start_s or 0.0, sample_rate).astype(np.float32, copy=False)
        if not stopped_early:
            # Some truncated files just stop without an error: compare with the declared end.
            # The container's duration stands in only for audio-only files (it may be the video's).
            end = declared_end_s(container, stream, use_container=video_stream(container) is None)
            if container.format.name == "wav":  # FFmpeg clamps a WAV's length to the bytes present
                end = _wav_declared_s(path) or end
            got = len(samples) / sample_rate
            if end is not None and end - got > max(TRUNCATION_SLACK_S, 0.02 * end):
                warnings.warn(
                    f"{path}: audio ends at {got:.2f} s but the file declares {end:.2f} s: the file looks "
                    "truncated",
                    TruncatedMediaWarning,
                    stacklevel=2,
                )
        return AudioTrack(samples=samples, sample_rate=sample_rate)

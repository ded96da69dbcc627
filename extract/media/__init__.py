"""Media reading: probe, frames at the analysis rate with container timestamps, 16 kHz mono audio."""

from extract.media.audio import AudioTrack, read_audio
from extract.media.frames import Frame, frames_at, iter_frames
from extract.media.probe import AudioInfo, MediaInfo, VideoInfo, probe

__all__ = [
    "AudioInfo",
    "AudioTrack",
    "Frame",
    "MediaInfo",
    "VideoInfo",
    "frames_at",
    "iter_frames",
    "probe",
    "read_audio",
]

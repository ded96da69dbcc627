"""Audio signals: voice activity, who vocalizes (adult or infant), prosody, vocal turn-taking.

Stages are functions over arrays with keyword-only parameters (see each module); the one
orchestrating entry point is `analyze_audio` (analyze.py), built from `cfg.audio` by
`AudioAnalyzer.from_config`.
"""

from extract.audio.analyze import AudioAnalysis, AudioAnalyzer, analyze_audio
from extract.audio.pitch import track_pitch
from extract.audio.vad import detect_voice

__all__ = ["AudioAnalysis", "AudioAnalyzer", "analyze_audio", "detect_voice", "track_pitch"]

"""The voice role cue: whose mouth opens while an adult voice sounds.

Adult-voice moments are voiced audio frames whose F0 lies below roles.adult_voice_max_hz
(default 250 Hz): adult speech mostly lies at 90-250 Hz and infant vocalisations above 300 Hz;
infant-directed speech can rise as high as an infant's voice, so only the low, surely adult part
is used. The person whose mouth opens more during those moments than at other times is the adult.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from extract.audio.pitch import PitchTrack, track_pitch
from extract.errors import NoAudioStreamError
from extract.media import read_audio

WINDOW_S = 0.1  # adult-voice share around each analysis frame: +- this
MIN_FRAMES = 5  # frames with a mouth value needed both while the adult voice sounds and while it does not


def clip_pitch(path: str | Path, *, sample_rate: int, hop_s: float, pitch_cfg) -> PitchTrack | None:
    """The pitch track of the clip's audio (what the audio stage computes too); None without audio."""
    try:
        track = read_audio(path, sample_rate=sample_rate)
    except NoAudioStreamError:
        return None
    return track_pitch(track.samples, sample_rate=track.sample_rate, hop_s=hop_s, cfg=pitch_cfg)


def adult_voice_share(p: PitchTrack, times_s: np.ndarray, *, max_f0_hz: float) -> np.ndarray:
    """Per analysis time (n,): the share of pitch frames of `p` within +-WINDOW_S that are voiced
    with F0 < max_f0_hz."""
    adult = (p.voiced & (np.nan_to_num(p.f0_hz, nan=np.inf) < max_f0_hz)).astype(float)
    csum = np.r_[0.0, np.cumsum(adult)]
    t = np.asarray(times_s, float)
    lo = np.searchsorted(p.times_s, t - WINDOW_S)
    hi = np.searchsorted(p.times_s, t + WINDOW_S)
    return np.where(hi > lo, (csum[hi] - csum[lo]) / np.maximum(hi - lo, 1), 0.0)


def mouth_response(mouth: np.ndarray, voice: np.ndarray) -> float:
    """How much one person's mouth opens more while the adult voice sounds (voice share >= 0.5)
    than in silence (share 0): difference of means / the person's mouth SD; nan with fewer than
    MIN_FRAMES frames on either side. mouth, voice: per analysis frame (nan = no mouth value)."""
    ok = np.isfinite(mouth)
    talk, quiet = ok & (voice >= 0.5), ok & (voice == 0)
    if talk.sum() < MIN_FRAMES or quiet.sum() < MIN_FRAMES:
        return float("nan")
    sd = float(np.std(mouth[ok]))
    if sd <= 0:
        return float("nan")
    return float((mouth[talk].mean() - mouth[quiet].mean()) / sd)

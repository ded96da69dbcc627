"""One clip's audio -> labelled vocal segments, clip features and QC figures.

frames (band energy, spectral shape) + pitch (YIN)  ->  voice activity
-> split by speaker evidence -> segment features -> speaker + confidence
-> prosody per speaker, turn-taking per clip
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from extract.audio.frames import frame_features
from extract.audio.pitch import PitchTrack, track_pitch
from extract.audio.prosody import prosody_features, relative_to_baseline
from extract.audio.segment_features import describe_segments
from extract.audio.speaker import (
    VoiceClassifier,
    VoiceRule,
    add_mouth_overlaps,
    attribute,
    mouth_z,
    segment_mean,
    split_by_speaker,
)
from extract.audio.turns import conversational_turns, turn_features
from extract.audio.vad import detect_voice, segment_mask, snr_estimate_db
from extract.audio.vocal_type import VocalTypeClassifier, add_type_measures, add_vocal_types, type_frames
from extract.config import AudioConfig

log = logging.getLogger(__name__)

SEGMENT_CSV_COLUMNS = [
    "start_s",
    "end_s",
    "speaker",
    "confidence",
    "vocal_type",
    "f0_median_hz",
    "f0_mean_hz",
    "f0_sd_hz",
    "f0_range_hz",
    "f0_median_st",
    "f0_range_st",
    "f0_rel_baseline_st",
    "intensity_db",
    "voiced_share",
    "duration_s",
    "p_infant",
    "acoustic_logodds",
    "mouth_logodds",
    "laugh_logodds",
    "cry_logodds",
]


@dataclass(frozen=True)
class AudioAnalysis:
    segments: pd.DataFrame  # one row per vocal segment, SEGMENT_CSV_COLUMNS first
    features: dict[str, float | None]  # clip features, dot-named (voice.*, turns.*); None where undefined
    qc: dict[str, float]  # audio QC figures for qc.csv
    turns: list[tuple[float, float, str]] = field(
        default_factory=list
    )  # conversational turns (start, end, "a->b")
    notes: list[str] = field(default_factory=list)  # QC warnings (low SNR, uncertain speakers)


def load_voice_model(path: str | Path) -> VoiceClassifier:
    import joblib

    model = joblib.load(path)
    if not hasattr(model, "decision_function"):
        raise ValueError(f"{path}: not a dyadscope voice model")
    return model


def analyze_audio(
    samples: np.ndarray,
    *,
    sample_rate: int,
    cfg: AudioConfig | None = None,
    video: pd.DataFrame | None = None,
    voice_model: VoiceClassifier | None = None,
    pitch: PitchTrack | None = None,
    type_model: VocalTypeClassifier | None = None,
) -> AudioAnalysis:
    """Analyse mono `samples` (n,) at `sample_rate` Hz (sample 0 = t 0 of the clip clock).

    video: optional per-frame table (t_s, adult.mouth_open, infant.mouth_open) for the
    speaker decision; voice_model: a fitted VoiceClassifier replacing the built-in F0 rule;
    pitch: the pitch track of `samples` when the caller already has it (same hop and settings);
    type_model: a fitted VocalTypeClassifier replacing the built-in vocal-type rule.
    """
    y = np.asarray(samples, dtype=np.float32)
    duration = len(y) / sample_rate
    cfg = cfg if cfg is not None else AudioConfig()
    v, s = cfg.vad, cfg.speaker
    frames = frame_features(y, sample_rate=sample_rate, hop_s=v.hop_s)
    if pitch is None:
        pitch = track_pitch(y, sample_rate=sample_rate, hop_s=v.hop_s, cfg=cfg.pitch)
    segs, floor = detect_voice(frames.band_db, hop_s=frames.hop_s, cfg=v, voiced=pitch.voiced)
    mouths = mouth_z(frames.times_s, video, max_gap_s=s.mouth_max_gap_s)
    mouth = (
        np.zeros(len(frames.times_s))
        if mouths is None
        else s.mouth_weight * (mouths["infant"] - mouths["adult"])
    )
    rule = VoiceRule.from_config(s)
    # speaker evidence only from frames a segment could start on (onset_db above the noise
    # floor): weaker frames are mostly noise, which the rule would read as cry (VoiceRule.frame_evidence)
    evidence = rule.frame_evidence(frames, pitch, reliable=frames.band_db - floor >= v.onset_db) + mouth
    parts = split_by_speaker(
        segs, evidence, hop_s=frames.hop_s, smooth_s=s.split_smooth_s, min_part_s=s.min_part_s
    )
    timbre = type_frames(y, sample_rate=sample_rate, hop_s=v.hop_s)  # the speaker rule reads articulation
    table = add_type_measures(describe_segments(parts, frames=frames, pitch=pitch), timbre, pitch)
    table = attribute(
        table, mouth_logodds=segment_mean(mouth, parts, hop_s=frames.hop_s), model=voice_model, rule=rule
    )
    if mouths is not None and s.overlap_mouth_z > 0:  # both mouths moving: overlapping speech
        segs2, speakers = add_mouth_overlaps(
            parts,
            table.speaker.to_numpy(),
            mouths,
            hop_s=frames.hop_s,
            min_z=s.overlap_mouth_z,
            min_s=s.overlap_min_s,
        )
        if len(segs2) != len(parts) or not np.allclose(segs2, parts):
            parts = segs2
            table = attribute(
                add_type_measures(describe_segments(parts, frames=frames, pitch=pitch), timbre, pitch),
                mouth_logodds=segment_mean(mouth, parts, hop_s=frames.hop_s),
                model=voice_model,
                rule=rule,
            )
            table["speaker"] = speakers
            table["confidence"] = np.where(speakers == "infant", table.p_infant, 1 - table.p_infant)
    table = add_vocal_types(table, cfg=cfg.vocal_type, model=type_model)
    table["f0_rel_baseline_st"] = relative_to_baseline(
        table, baseline_percentile=cfg.prosody.baseline_percentile
    )
    table = table[SEGMENT_CSV_COLUMNS + [c for c in table.columns if c not in SEGMENT_CSV_COLUMNS]]

    features = prosody_features(
        table,
        pitch=pitch,
        frames=frames,
        duration_s=duration,
        cfg=cfg.prosody,
    )
    t = cfg.turns
    features.update(turn_features(table, duration_s=duration, cfg=t))
    features = {
        k: float(v) if v is not None and np.isfinite(v) else None for k, v in features.items()
    }  # None: undefined
    speech = segment_mask(parts, frames.times_s)
    qc = {
        "audio_voiced_share": float(speech.mean()) if len(speech) else np.nan,
        "audio_snr_db": snr_estimate_db(frames.band_db, floor, speech=speech),
        "audio_n_segments": int(len(table)),
        "audio_speaker_confidence_mean": float(table.confidence.mean()) if len(table) else np.nan,
        "audio_mouth_cue": bool(np.any(mouth != 0)),
    }
    turns = [
        (float(table.start_s[i]), float(table.end_s[j]), f"{table.speaker[i]}->{table.speaker[j]}")
        for i, j in conversational_turns(table, max_turn_gap_s=t.max_turn_gap_s)
    ]
    notes = []
    if np.isfinite(qc["audio_snr_db"]) and qc["audio_snr_db"] < cfg.qc.min_snr_db:
        notes.append(
            f"audio SNR {qc['audio_snr_db']:.1f} dB is below {cfg.qc.min_snr_db:g} dB: vocal features are "
            "less reliable"
        )
    if len(table) and qc["audio_speaker_confidence_mean"] < cfg.qc.min_speaker_confidence:
        notes.append(
            f"mean speaker confidence {qc['audio_speaker_confidence_mean']:.2f} is below "
            f"{cfg.qc.min_speaker_confidence:g}: check who vocalizes when"
        )
    log.debug("audio: %d segments, %d turns, SNR %.1f dB", len(table), len(turns), qc["audio_snr_db"])
    return AudioAnalysis(
        segments=table.reset_index(drop=True), features=features, qc=qc, turns=turns, notes=notes
    )


class AudioAnalyzer:
    """Thin holder of the audio config and the loaded voice model; `analyze` runs analyze_audio."""

    def __init__(self, cfg: AudioConfig, voice_model: VoiceClassifier | None = None):
        self.cfg = cfg
        self.voice_model = voice_model
        self.type_model = getattr(voice_model, "type_model", None)  # fit-voices with laugh/cry labels

    @classmethod
    def from_config(cls, cfg: AudioConfig) -> "AudioAnalyzer":
        path = cfg.speaker.voice_model
        return cls(cfg, load_voice_model(path) if path else None)

    def analyze(
        self, samples: np.ndarray, *, sample_rate: int, video: pd.DataFrame | None = None, pitch=None
    ) -> AudioAnalysis:
        return analyze_audio(
            samples,
            sample_rate=sample_rate,
            cfg=self.cfg,
            video=video,
            voice_model=self.voice_model,
            pitch=pitch,
            type_model=self.type_model,
        )

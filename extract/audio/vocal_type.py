"""What kind of vocalization a segment is: laugh, cry (or fuss), or plain (adult speech or singing,
infant babble, coo, squeal).

Acoustic description per segment (librosa log-mel spectrogram on the clip clock, 0-4 kHz):
- bursts: peaks of the smoothed band energy that stand at least BURST_PROMINENCE_DB above the
  dips beside them; laughter is a train of such bursts at 3-7 per second with near-silence
  between them, speech syllables dip less;
- spectral_change: how much the timbre (MFCC 1-12) moves between energetic frames; the bursts
  of a laugh repeat one vowel, speech moves through many;
- modulation: share of the energy envelope's modulation spectrum in 3-7 Hz;
- voiced runs (voicing with flickers up to VOICING_GAP_S bridged: YIN drops frames of a breathy
  or pressed wail): a cry is long, loud, high and harmonic: its longest voiced run is long;
- articulation: the timbre spread (MFCC 1-12 SD) over the loud frames inside each voiced run:
  adult speech moves through vowels and voiced consonants within its voicing, wails, coos and
  laugh bursts each hold one timbre (a bout of cries changes timbre only between its wails);
  the speaker and cry rules read it;
- and the segment's own pitch, voicing, aperiodicity, loudness (segment_features).
The built-in VocalTypeRule sums these into log-odds of laugh and of cry (transparent, in the
config section audio.vocal_type); `dyadscope fit-voices` can replace it with a fitted
VocalTypeClassifier from a lab's labelled segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from extract.audio.frames import CHUNK_FRAMES
from extract.audio.pitch import PitchTrack
from extract.config import VocalTypeConfig
from extract.intervals import bridge, runs

TYPES = ("laugh", "cry", "plain")  # classes of the type decision
PLAIN_NAME = {"adult": "speech", "infant": "other"}  # what "plain" is called per speaker
VOCAL_TYPES = ("speech", "laugh", "cry", "other")  # values of segments.csv vocal_type
BURST_PROMINENCE_DB = 9.0
VOICING_GAP_S = 0.04  # unvoiced flickers this short inside a held sound do not end its voiced run
TYPE_COLUMNS = (
    "burst_count",
    "burst_rate_hz",
    "burst_rhythm_cv",
    "dip_share",
    "spectral_change",
    "modulation_3_7",
    "voiced_run_max_s",
    "articulation",
)
MODEL_COLUMNS = TYPE_COLUMNS + (
    "duration_s",
    "f0_median_st",
    "f0_range_st",
    "voiced_share",
    "aperiodicity_median",
    "intensity_rel_db",
    "flatness_median",
)


@dataclass(frozen=True)
class TypeFrames:
    """Per-frame inputs of the type description, frame i at i * hop_s: energy (dB) and MFCC (n, 12)."""

    energy_db: np.ndarray
    mfcc: np.ndarray
    hop_s: float


def _mel_power(y: np.ndarray, *, sample_rate: int, n_fft: int, hop: int) -> np.ndarray:
    """(40, 1 + n // hop) mel power of centred frames (zero padding at both ends), computed in blocks
    of CHUNK_FRAMES frames so memory stays flat with clip length (the frames are independent)."""
    import librosa

    n_frames = 1 + len(y) // hop
    padded = np.pad(y, (n_fft // 2, n_fft // 2))
    blocks = []
    for a in range(0, n_frames, CHUNK_FRAMES):
        b = min(n_frames, a + CHUNK_FRAMES)
        blocks.append(
            librosa.feature.melspectrogram(
                y=padded[a * hop : (b - 1) * hop + n_fft],
                sr=sample_rate,
                n_fft=n_fft,
                hop_length=hop,
                n_mels=40,
                fmin=100.0,
                fmax=min(4000.0, sample_rate / 2),
                center=False,
            )
        )
    return np.concatenate(blocks, axis=1)


def type_frames(samples: np.ndarray, *, sample_rate: int, hop_s: float) -> TypeFrames:
    """Log-mel energy and MFCC 1-12 of `samples` (n,) every hop_s (centred frames, 0-4 kHz)."""
    import librosa

    hop = max(1, int(round(hop_s * sample_rate)))
    n_fft = 512 if sample_rate <= 16000 else 1024
    y = np.asarray(samples, dtype=np.float32)
    if len(y) < n_fft:  # librosa needs one window; frames past the end stay silent
        y = np.pad(y, (0, n_fft - len(y)))
    mel = _mel_power(y, sample_rate=sample_rate, n_fft=n_fft, hop=hop)
    log_mel = librosa.power_to_db(mel, ref=1.0, amin=1e-10)
    energy = 10 * np.log10(mel.sum(axis=0) + 1e-10)
    mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=13)[1:].T  # drop c0 (loudness)
    return TypeFrames(energy_db=energy, mfcc=mfcc, hop_s=hop / sample_rate)


def _modulation_share(env_db: np.ndarray, hop_s: float) -> float:
    """Share of the envelope's modulation power (0.5-12 Hz) in 3-7 Hz; nan for short segments."""
    if len(env_db) * hop_s < 0.4:
        return float("nan")
    amp = 10 ** (env_db / 20)
    amp = (amp - amp.mean()) * np.hanning(len(amp))
    n = max(len(amp), int(round(2.0 / hop_s)))  # zero-pad to 2 s: 0.5 Hz bins
    power = np.abs(np.fft.rfft(amp, n=n)) ** 2
    f = np.fft.rfftfreq(n, hop_s)
    total = power[(f >= 0.5) & (f <= 12)].sum()
    return float(power[(f >= 3) & (f <= 7)].sum() / total) if total > 0 else float("nan")


def _articulation(mfcc: np.ndarray, loud: np.ndarray, voiced_runs: list, *, min_len: int) -> float:
    """Timbre spread (MFCC 1-12 SD, mean over coefficients) inside each voiced run of at least
    `min_len` frames, over its loud frames, averaged weighted by their count; nan without such a run.
    Within one run of voicing speech moves through vowels and voiced consonants; a wail, a coo or
    a laugh burst holds one posture, whatever the timbre jumps between them (a bout of cries)."""
    spread, weight = [], []
    for r0, r1 in voiced_runs:
        m = mfcc[r0:r1][loud[r0:r1]]
        if r1 - r0 >= min_len and len(m) >= 5:
            spread.append(float(np.mean(np.std(m, axis=0))))
            weight.append(len(m))
    return float(np.average(spread, weights=weight)) if spread else float("nan")


def describe_types(segments: np.ndarray, *, frames: TypeFrames, pitch: PitchTrack) -> pd.DataFrame:
    """One row of TYPE_COLUMNS per segment (k, 2) seconds."""
    rows = []
    hop = frames.hop_s
    smooth = gaussian_filter1d(frames.energy_db, 2.0)  # 20 ms
    n = len(smooth)
    for a, b in np.asarray(segments, dtype=float).reshape(-1, 2):
        i0 = min(n - 1, max(0, int(round(a / hop))))
        i1 = max(i0 + 1, min(n, int(round(b / hop))))
        env = smooth[i0:i1]
        peaks, _ = find_peaks(
            np.pad(env, 1, constant_values=env.min() - BURST_PROMINENCE_DB),
            prominence=BURST_PROMINENCE_DB,
            distance=max(1, int(round(0.08 / hop))),
        )
        k = len(peaks)
        ioi = np.diff(peaks) * hop
        loud = env >= np.percentile(env, 90) - 10.0
        mf = frames.mfcc[i0:i1][loud]
        voiced_runs = runs(bridge(pitch.voiced[i0:i1], max(1, int(round(VOICING_GAP_S / hop)))))
        rows.append(
            {
                "burst_count": k,
                "burst_rate_hz": float(1.0 / np.median(ioi)) if k >= 2 else 0.0,
                "burst_rhythm_cv": float(ioi.std() / ioi.mean()) if k >= 3 else np.nan,
                "dip_share": float(np.mean(env < np.percentile(env, 90) - 12.0)),
                "spectral_change": float(np.mean(np.std(mf, axis=0))) if len(mf) >= 3 else np.nan,
                "modulation_3_7": _modulation_share(env, hop),
                "voiced_run_max_s": max((r1 - r0 for r0, r1 in voiced_runs), default=0) * hop,
                "articulation": _articulation(frames.mfcc[i0:i1], loud, voiced_runs, min_len=int(0.1 / hop)),
            }
        )
    return pd.DataFrame(rows, columns=list(TYPE_COLUMNS))


def _col(table: pd.DataFrame, name: str, fill: float) -> np.ndarray:
    return table[name].astype(float).fillna(fill).to_numpy()


@dataclass(frozen=True)
class VocalTypeRule:
    """Built-in log-odds of laugh and cry per segment; each term is clipped to +-1 times its
    weight (VocalTypeConfig), so no single measure decides:

    laugh = w_bursts x (bursts - 1.5) / 1.5          [a train of bursts]
          + w_rate x (+1 if 2.5 <= burst rate <= 8 Hz else -1)   [laughing tempo]
          + w_change x (change_ref - spectral_change) / 3        [one vowel repeated]
          + w_voiced_run x (0.4 s - longest voiced run) / 0.2 s  [short bursts]
          + w_breath x (aperiodicity - 0.4) / 0.2                [breathy]
          + laugh_bias
    cry   = w_run x (longest voiced run - run_ref_s) / 0.2 s    [long sustained voicing]
          + w_loud x (intensity re the clip's segments - 3 dB) / 3 dB     [loud]
          + w_high x (F0 st - cry_f0_ref_st) / 3 st                      [high]
          + w_sustain x (0.25 - 3-7 Hz modulation share) / 0.1           [no syllabic rhythm]
          + w_contour x (F0 range st - 3) / 1.5                          [rising-falling wails]
          + w_held x (held_ref - articulation) / 2                       [one held timbre per wail]
          + cry_bias"""

    cfg: VocalTypeConfig

    def logodds(self, table: pd.DataFrame) -> np.ndarray:
        """(k, 2) log-odds of laugh and of cry (each against everything else)."""
        c = self.cfg

        def term(x):
            return np.clip(x, -1.0, 1.0)

        rate = _col(table, "burst_rate_hz", 0)
        run = _col(table, "voiced_run_max_s", 0)
        laugh = (
            c.w_bursts * term((_col(table, "burst_count", 0) - 1.5) / 1.5)
            + c.w_rate * np.where((rate >= 2.5) & (rate <= 8.0), 1.0, -1.0)
            + c.w_change * term((c.change_ref - _col(table, "spectral_change", c.change_ref)) / 3)
            + c.w_voiced_run * term((0.4 - run) / 0.2)
            + c.w_breath * term((_col(table, "aperiodicity_median", 0.4) - 0.4) / 0.2)
            + c.laugh_bias
        )
        cry = (
            c.w_run * term((run - c.run_ref_s) / 0.2)
            + c.w_loud * term((_col(table, "intensity_rel_db", 0) - 3) / 3)
            + c.w_high * term((_col(table, "f0_median_st", 0) - c.cry_f0_ref_st) / 3)
            + c.w_sustain * term((0.25 - _col(table, "modulation_3_7", 0.25)) / 0.1)
            + c.w_contour * term((_col(table, "f0_range_st", 3.0) - 3.0) / 1.5)
            + c.w_held * term((c.held_ref - _col(table, "articulation", c.held_ref)) / 2)
            + c.cry_bias
        )
        return np.stack([laugh, cry], axis=1)

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        """(k,) 'laugh' | 'cry' | 'plain': the larger positive log-odds, else plain."""
        if not len(table):
            return np.array([], dtype=object)
        lo = self.logodds(table)
        best = np.argmax(lo, axis=1)
        return np.where(lo.max(axis=1) > 0, np.array(["laugh", "cry"], dtype=object)[best], "plain")


class VocalTypeClassifier(ClassifierMixin, BaseEstimator):
    """laugh / cry / plain from MODEL_COLUMNS: standardised multinomial logistic regression.
    X: a segments table with those columns; y: (k,) labels in TYPES."""

    def __init__(self, C: float = 1.0):
        self.C = C

    @staticmethod
    def _matrix(X: pd.DataFrame) -> np.ndarray:
        x = X.loc[:, list(MODEL_COLUMNS)].astype(float).copy()
        x["f0_median_st"] = x["f0_median_st"].fillna(21.0)
        return x.fillna(0.0).to_numpy()

    def fit(self, X: pd.DataFrame, y):
        y = np.asarray(y, dtype=object)
        unknown = set(np.unique(y)) - set(TYPES)
        if unknown:
            raise ValueError(f"vocal types must be one of {TYPES}, got {sorted(unknown)}")
        self.pipeline_ = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
        )
        self.pipeline_.fit(self._matrix(X), y)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        if not len(X):
            return np.array([], dtype=object)
        return self.pipeline_.predict(self._matrix(X)).astype(object)


def type_names(
    kinds: np.ndarray, speakers: np.ndarray, *, cry_speakers: tuple[str, ...] = ("adult", "infant")
) -> np.ndarray:
    """segments.csv vocal_type: laugh | cry for those kinds, else speech (adult) / other (infant).
    A cry of a speaker not in `cry_speakers` counts as plain (high, sustained infant-directed
    speech sounds like a cry; the taxonomy has no adult cry)."""
    speakers = np.asarray(speakers, dtype=object)
    plain = np.array([PLAIN_NAME.get(s, "other") for s in speakers], dtype=object)
    kinds = np.asarray(kinds, dtype=object)
    typed = (kinds == "laugh") | ((kinds == "cry") & np.isin(speakers, cry_speakers))
    return np.where(typed, kinds, plain)


def add_type_measures(table: pd.DataFrame, frames: TypeFrames, pitch: PitchTrack) -> pd.DataFrame:
    """`table` (segments with start_s, end_s) with the TYPE_COLUMNS measures added."""
    out = table.copy()
    described = describe_types(out[["start_s", "end_s"]].to_numpy(), frames=frames, pitch=pitch)
    for name in TYPE_COLUMNS:
        out[name] = described[name].to_numpy() if len(out) else np.nan
    return out


def add_vocal_types(
    table: pd.DataFrame, *, cfg: VocalTypeConfig, model: VocalTypeClassifier | None = None
) -> pd.DataFrame:
    """The attributed segments `table` (with the TYPE_COLUMNS of add_type_measures) with vocal_type,
    laugh_logodds and cry_logodds (nan with a fitted model, which gives no log-odds of the rule).
    Off (cfg.enabled false): vocal_type is empty and the measures are nan."""
    out = table.copy()
    if not cfg.enabled or not len(out):
        out["vocal_type"] = ""
        for name in TYPE_COLUMNS + ("laugh_logodds", "cry_logodds"):
            out[name] = np.nan
        return out
    rule = VocalTypeRule(cfg)
    logodds = rule.logodds(out)
    kinds = model.predict(out) if model is not None else rule.predict(out)
    out["laugh_logodds"] = logodds[:, 0] if model is None else np.nan
    out["cry_logodds"] = logodds[:, 1] if model is None else np.nan
    out["vocal_type"] = type_names(kinds, out["speaker"].to_numpy(), cry_speakers=("infant",))
    return out

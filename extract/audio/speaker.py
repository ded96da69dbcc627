"""Who vocalizes: adult or infant, per segment, with a confidence.

Evidence is summed as log-odds of "infant":
- acoustic: by default the built-in VoiceRule (F0 level, spectral centroid, cry-like
  aperiodicity); with a fitted `VoiceClassifier` (dyadscope fit-voices) its log-odds over
  all segment features (F0 level and range, voicing, aperiodicity, intensity, spectral
  shape, duration, rhythm);
- visual, when a per-frame table with `adult.mouth_open` and `infant.mouth_open` is given:
  `mouth_weight` x (infant z - adult z), each role's mouth signal z-scored within the clip, only
  where both mouths were measured within `mouth_max_gap_s`.
  Infant-directed speech can be as high as an infant's voice: the mouth decides then.
A segment whose frame evidence (VoiceRule per frame + mouths) changes sign for long enough
is split (overlapping or back-to-back vocalizations that voice activity joined). Output
segments never overlap: one speaker per moment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.ndimage import median_filter
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from extract.audio.frames import FrameFeatures
from extract.audio.pitch import PitchTrack, hz_to_st
from extract.audio.segment_features import classifier_matrix
from extract.config import SpeakerConfig
from extract.intervals import near, runs
from extract.vocab import ROLES, partner

SPEAKERS = ROLES
MOUTH_COLUMNS = {"adult": "adult.mouth_open", "infant": "infant.mouth_open"}


@dataclass(frozen=True)
class VoiceRule:
    """Built-in acoustic rule (no fitted model): log-odds of infant =
    slope_per_st x (F0 st - st(boundary_hz))                 [voice pitch]
    + centroid_per_octave x log2(centroid / centroid_ref_hz)  [shorter vocal tract, cry energy]
    + aperiodicity_weight x max(0, aperiodicity - aperiodicity_ref) [harsh, dysphonated cry phonation;
      one-sided: a clear voice is no evidence of an adult]
    - articulation_weight x clip((articulation - articulation_ref) / 2, 0, 1)  [per segment: the
      timbre of voiced frames moving through vowels and consonants, as adult speech does;
      one-sided: coos, cries and laughs hold one timbre, and so may sung or drawn-out speech]
    The F0 term counts only where F0 is known (voiced frames) and is capped at +-f0_cap (above
    ~450 Hz infant-directed speech and infants overlap: pitch alone must not decide); per
    segment it is scaled down when less than `reliable_voiced_share` of the segment is voiced."""

    boundary_hz: float
    slope_per_st: float
    centroid_ref_hz: float
    centroid_per_octave: float
    aperiodicity_ref: float
    aperiodicity_weight: float
    f0_cap: float = 1e9
    articulation_ref: float = 9.0
    articulation_weight: float = 0.0
    reliable_voiced_share: float = 0.5

    @classmethod
    def from_config(cls, cfg: SpeakerConfig | None = None) -> VoiceRule:
        """The rule with the audio.speaker section's parameters (default config when None)."""
        cfg = cfg if cfg is not None else SpeakerConfig()
        return cls(
            boundary_hz=cfg.boundary_hz,
            slope_per_st=cfg.slope_per_st,
            centroid_ref_hz=cfg.centroid_ref_hz,
            centroid_per_octave=cfg.centroid_per_octave,
            aperiodicity_ref=cfg.aperiodicity_ref,
            aperiodicity_weight=cfg.aperiodicity_weight,
            f0_cap=cfg.f0_cap,
            articulation_ref=cfg.articulation_ref,
            articulation_weight=cfg.articulation_weight,
        )

    def _rest(self, centroid_hz: np.ndarray, aperiodicity: np.ndarray) -> np.ndarray:
        c = self.centroid_per_octave * np.log2(np.maximum(centroid_hz, 1.0) / self.centroid_ref_hz)
        return c + self.aperiodicity_weight * np.clip(aperiodicity - self.aperiodicity_ref, 0.0, 1.0)

    def frame_evidence(
        self, frames: FrameFeatures, pitch: PitchTrack, *, reliable: np.ndarray | None = None
    ) -> np.ndarray:
        """(n,) per-frame log-odds of infant; nan where `reliable` (n,) bool is False.

        Pass as `reliable` the frames well above the noise floor: in the others (pauses
        between syllables, faint edges) the spectrum and the aperiodicity are the noise's,
        and broadband noise looks like a harsh cry to this rule (centroid ~1.1 kHz,
        aperiodicity ~0.9: about +4.5 log-odds per frame), which would pull adult speech
        with pauses towards "infant" and hide speaker changes inside a segment."""
        f0 = np.nan_to_num(self.slope_per_st * (hz_to_st(pitch.f0_hz) - hz_to_st(self.boundary_hz)), nan=0.0)
        ev = np.clip(f0, -self.f0_cap, self.f0_cap) + self._rest(frames.centroid_hz, pitch.aperiodicity)
        return ev if reliable is None else np.where(reliable, ev, np.nan)

    def segment_evidence(self, table: pd.DataFrame) -> np.ndarray:
        """(k,) log-odds of infant per row of a describe_segments table."""
        if not len(table):
            return np.zeros(0)
        st = table["f0_median_st"].to_numpy(dtype=float)
        reliable = np.clip(table["voiced_share"].to_numpy(dtype=float) / self.reliable_voiced_share, 0.0, 1.0)
        f0 = np.nan_to_num(self.slope_per_st * (st - hz_to_st(self.boundary_hz)), nan=0.0)
        f0 = reliable * np.clip(f0, -self.f0_cap, self.f0_cap)
        n = len(table)
        articulation = (
            table["articulation"].to_numpy(dtype=float) if "articulation" in table else np.full(n, np.nan)
        )
        speech = self.articulation_weight * np.clip(
            (np.nan_to_num(articulation, nan=self.articulation_ref) - self.articulation_ref) / 2, 0.0, 1.0
        )
        return (
            f0
            - speech
            + self._rest(
                table["centroid_median_hz"].to_numpy(dtype=float),
                table["aperiodicity_median"].to_numpy(dtype=float),
            )
        )


def mouth_z(
    times_s: np.ndarray, video: pd.DataFrame | None, *, clip_z: float = 3.0, max_gap_s: float = np.inf
) -> dict[str, np.ndarray] | None:
    """Per-role mouth opening z-scored over the clip, at `times_s` (n,): {role: (n,)}, 0 where
    unknown: outside the span where the mouth was measured, or (both roles) where either role's
    mouth was not measured within `max_gap_s` (a hidden or profile mouth is no evidence that the
    other person vocalizes); None without a usable video table (t_s and the MOUTH_COLUMNS, nan
    where a face was not seen). z-scoring makes video trackers of any scale work; values clip at
    +-clip_z."""
    if video is None or len(video) < 2 or not set(MOUTH_COLUMNS.values()) <= set(video.columns):
        return None
    t = video["t_s"].to_numpy(dtype=float)
    times_s = np.asarray(times_s, dtype=float)
    z, seen = {}, np.ones(len(times_s), bool)
    for role, col in MOUTH_COLUMNS.items():
        m = video[col].to_numpy(dtype=float)
        ok = np.isfinite(m)
        seen &= near(times_s, t[ok], max_gap_s)
        if ok.sum() < 2 or np.nanstd(m) < 1e-6:
            z[role] = np.zeros(len(times_s))
            continue
        zz = np.clip((m - np.nanmedian(m)) / np.nanstd(m), -clip_z, clip_z)
        inside = (times_s >= t[ok][0]) & (times_s <= t[ok][-1])
        z[role] = np.where(inside, np.interp(times_s, t[ok], zz[ok]), 0.0)
    return {role: np.where(seen, v, 0.0) for role, v in z.items()}


def add_mouth_overlaps(
    segments: np.ndarray,
    speakers: np.ndarray,
    z: dict[str, np.ndarray],
    *,
    hop_s: float,
    min_z: float = 1.5,
    min_s: float = 0.3,
) -> tuple[np.ndarray, np.ndarray]:
    """Who vocalizes inside each segment, from the mouths, when both may: a role is active on
    frames where its mouth z >= min_z, and the segment's own speaker also where neither mouth
    is; active stretches of at least `min_s` become segments (so the two roles can overlap).
    Segments where only the labelled speaker's mouth moves are unchanged; segments of one
    role less than `min_s` apart are then merged. segments (k, 2) s, speakers (k,) -> (k', 2), (k',)."""
    rows = []
    min_len = max(1, int(round(min_s / hop_s)))
    for (a, b), spk in zip(np.asarray(segments).reshape(-1, 2), speakers, strict=False):
        i0, i1 = int(round(a / hop_s)), int(round(b / hop_s))
        open_ = {role: z[role][i0:i1] >= min_z for role in SPEAKERS}
        other = partner(spk)
        other_runs = runs(open_[other], min_len=min_len)
        both = open_[spk] & open_[other]
        if not other_runs or not any(both[r0:r1].any() for r0, r1 in other_runs):
            rows.append([a, b, spk])  # the other mouth never moves with this one: one speaker
            continue
        own = open_[spk] | ~open_[other]
        for role, mask in ((spk, own), (other, open_[other])):
            for r0, r1 in runs(mask, min_len=min_len):
                rows.append(
                    [a if r0 == 0 else (i0 + r0) * hop_s, b if r1 == i1 - i0 else (i0 + r1) * hop_s, role]
                )
    merged: list[list] = []
    for spk in SPEAKERS:
        for a, b, _ in sorted(r for r in rows if r[2] == spk):
            if merged and merged[-1][2] == spk and a < merged[-1][1] + min_s:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b, spk])
    merged.sort(key=lambda r: (r[0], r[1]))
    return np.array([(a, b) for a, b, _ in merged], dtype=float).reshape(-1, 2), np.array(
        [r[2] for r in merged], dtype=object
    )


def _fill(x: np.ndarray) -> np.ndarray:
    """Nans replaced by the nearest finite value (all nan -> zeros)."""
    ok = np.isfinite(x)
    if not ok.any():
        return np.zeros_like(x)
    idx = np.arange(len(x))
    return np.interp(idx, idx[ok], x[ok])


def split_by_speaker(
    segments: np.ndarray,
    evidence: np.ndarray,
    *,
    hop_s: float,
    smooth_s: float = 1.0,
    min_part_s: float = 0.8,
) -> np.ndarray:
    """Split segments (k, 2) s where the frame evidence (n,) log-odds changes sign for at least
    `min_part_s` (after a `smooth_s` median filter). Returns (k', 2) seconds, k' >= k."""
    out = []
    width = max(1, int(round(smooth_s / hop_s)) | 1)
    min_len = max(1, int(round(min_part_s / hop_s)))
    for a, b in np.asarray(segments, dtype=float).reshape(-1, 2):
        i0, i1 = int(round(a / hop_s)), int(round(b / hop_s))
        e = evidence[i0:i1]
        if i1 - i0 < 2 * min_len or np.isfinite(e).sum() < min_len:
            out.append((a, b))
            continue
        sign = median_filter(_fill(e), size=width, mode="nearest") > 0
        d = np.flatnonzero(np.diff(sign.astype(np.int8))) + 1
        bounds = [0, *d.tolist(), len(sign)]
        runs = [[bounds[j], bounds[j + 1], sign[bounds[j]]] for j in range(len(bounds) - 1)]
        while len(runs) > 1:  # absorb the shortest run that is too short into its neighbours
            lengths = [r[1] - r[0] for r in runs]
            j = int(np.argmin(lengths))
            if lengths[j] >= min_len:
                break
            if j == 0:
                runs[1][0] = runs[0][0]
            elif j == len(runs) - 1:
                runs[-2][1] = runs[-1][1]
            else:
                runs[j - 1][1] = runs[j + 1][1]
                del runs[j + 1]
            del runs[j]
            merged = [runs[0]]
            for r in runs[1:]:
                if r[2] == merged[-1][2]:
                    merged[-1][1] = r[1]
                else:
                    merged.append(r)
            runs = merged
        for j, (r0, r1, _) in enumerate(runs):
            out.append((a if j == 0 else (i0 + r0) * hop_s, b if j == len(runs) - 1 else (i0 + r1) * hop_s))
    return np.array(out, dtype=float).reshape(-1, 2)


def segment_mean(evidence: np.ndarray, segments: np.ndarray, *, hop_s: float) -> np.ndarray:
    """(k,) mean of the finite frame values of `evidence` (n,) inside each segment (0 if none)."""
    out = np.zeros(len(segments))
    for j, (a, b) in enumerate(np.asarray(segments).reshape(-1, 2)):
        e = evidence[int(round(a / hop_s)) : max(int(round(b / hop_s)), int(round(a / hop_s)) + 1)]
        e = e[np.isfinite(e)]
        out[j] = e.mean() if len(e) else 0.0
    return out


def attribute(
    table: pd.DataFrame,
    *,
    mouth_logodds: np.ndarray,
    model: "VoiceClassifier | None" = None,
    rule: VoiceRule | None = None,
) -> pd.DataFrame:
    """Speaker and confidence per row of a describe_segments table (k rows).

    mouth_logodds: (k,) visual log-odds of infant per segment (zeros without video);
    model: a fitted VoiceClassifier, else the built-in `rule` gives the acoustic log-odds.
    Returns a copy with columns speaker, confidence (probability of the chosen speaker),
    p_infant, acoustic_logodds, mouth_logodds.
    """
    out = table.copy()
    rule = rule if rule is not None else VoiceRule.from_config()
    acoustic = (
        model.decision_function(table) if model is not None and len(table) else rule.segment_evidence(table)
    )
    z = acoustic + np.asarray(mouth_logodds, dtype=float)
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    out["speaker"] = np.where(z > 0, "infant", "adult")
    out["p_infant"] = p
    out["confidence"] = np.maximum(p, 1 - p)
    out["acoustic_logodds"] = acoustic
    out["mouth_logodds"] = mouth_logodds
    return out


class VoiceClassifier(ClassifierMixin, BaseEstimator):
    """Adult/infant classifier on segment features (segment_features.CLASSIFIER_COLUMNS):
    standardised logistic regression. X: a describe_segments table or its classifier_matrix
    (k, d); y: (k,) 'adult' | 'infant'. Persist with joblib. `type_model`: the vocal-type model
    fit-voices fitted beside it (vocal_type.VocalTypeClassifier), None without laugh/cry labels."""

    type_model = None

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced"):
        self.C = C
        self.class_weight = class_weight

    @staticmethod
    def _matrix(X) -> np.ndarray:
        return classifier_matrix(X) if isinstance(X, pd.DataFrame) else np.asarray(X, dtype=float)

    def fit(self, X, y):
        y = np.asarray(y)
        unknown = set(np.unique(y)) - set(SPEAKERS)
        if unknown:
            raise ValueError(f"labels must be 'adult' or 'infant', got {sorted(unknown)}")
        self.pipeline_ = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        )
        self.pipeline_.fit(self._matrix(X), y)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.pipeline_.predict_proba(self._matrix(X))

    def predict(self, X) -> np.ndarray:
        return self.pipeline_.predict(self._matrix(X))

    def decision_function(self, X) -> np.ndarray:
        """(k,) log-odds of 'infant'."""
        proba = np.clip(self.predict_proba(X), 1e-9, 1 - 1e-9)
        col = list(self.classes_).index("infant") if "infant" in self.classes_ else None
        if col is None:
            return np.full(len(proba), -20.0)
        return np.log(proba[:, col] / (1 - proba[:, col]))

"""DyadScript: the deterministic behaviour script of one rendered clip, built from sensitivity + seed.

A script is data only: vocal segments (with syllables), and control curves sampled at
CONTROL_HZ (horizontal adult-infant separation, head motion, smiles). Everything that is
rendered (pixels, audio, ground truth) is evaluated from it, so they agree by construction.

How sensitivity (0..1) shapes the script:
- contingency: each infant vocalization is answered by the adult, 0.3-1.5 s after its offset,
  with probability 0.15 + 0.75 * sensitivity; unanswered ones get no adult onset within 2 s;
- proximity: base separation 0.27 + 0.20 * (1 - sensitivity) of frame width, slow matched
  drift; insensitive adults make fast intrusive approaches (rate ~ (1 - sensitivity));
- smiling: adult smile episodes at a rate rising with sensitivity; the infant shares an
  adult smile (starting 0.3-1.0 s later) with probability 0.1 + 0.7 * sensitivity;
- movement synchrony: the infant's head motion follows the adult's HEAD_LAG_S later with
  coupling (correlation) 0.1 + 0.8 * sensitivity (see `_couple`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter1d

CONTROL_HZ = 100.0  # sampling rate of the control curves
F0_RANGE_HZ = {"adult": (180.0, 300.0), "infant": (350.0, 600.0)}
CONTINGENCY_WINDOW_S = 2.0
ATTACK_S = 0.02  # segment amplitude onset ramp (raised cosine)
RELEASE_S = 0.04  # segment amplitude offset ramp
MIN_GAP_S = 0.25  # vocal segments never overlap and are at least this far apart
HEAD_LAG_S = 0.5  # the infant's head motion follows the adult's this much later


@dataclass(frozen=True)
class Syllable:
    start_s: float
    end_s: float
    vowel: int  # index into voices.VOWELS


@dataclass(frozen=True)
class VocalSegment:
    start_s: float
    end_s: float
    speaker: str  # "adult" | "infant"
    f0_hz: float  # base F0; the contour stays within F0_RANGE_HZ[speaker]
    f0_shape: float  # -1..1: falling .. rising intonation
    syllables: tuple[Syllable, ...]
    contingent: bool = False  # adult reply to the preceding infant vocalization
    kind: str = "speech"  # "speech" (babble for the infant) | "laugh" | "cry" (voices.synth_segment)


@dataclass(frozen=True)
class DyadScript:
    """Behaviour of one clip. Curves are (n,) float arrays sampled at CONTROL_HZ from t = 0."""

    sensitivity: float
    seed: int
    duration_s: float
    segments: tuple[VocalSegment, ...]
    separation: np.ndarray = field(repr=False)  # horizontal centre separation / frame width
    adult_smile: np.ndarray = field(repr=False)  # 0..1
    infant_smile: np.ndarray = field(repr=False)  # 0..1
    head: dict = field(repr=False)  # role -> {"dx", "dy" (frame widths), "roll" (deg)}: (n,) arrays
    intrusions: tuple[tuple[float, float], ...] = ()  # (start_s, end_s) of fast approaches
    smile_episodes: dict = field(default_factory=dict, repr=False)  # role -> ((start, end, shared), ...)

    def curve(self, name: str, t: np.ndarray | float, role: str | None = None) -> np.ndarray:
        """Linear interpolation of a control curve at times `t` (s)."""
        arr = self.head[role][name] if role is not None else getattr(self, name)
        grid = np.arange(len(arr)) / CONTROL_HZ
        return np.interp(t, grid, arr)

    def smile(self, role: str, t: np.ndarray | float) -> np.ndarray:
        return self.curve(f"{role}_smile", t)

    def mouth_open(self, role: str, t: np.ndarray | float) -> np.ndarray:
        """Scripted mouth opening 0..1 of `role` at times `t`: the voice amplitude envelope."""
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        out = np.zeros_like(t)
        for seg in self.segments:
            if seg.speaker == role:
                out = np.maximum(out, segment_envelope(seg, t))
        return out

    def vocalizing(self, role: str, t: np.ndarray | float) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        out = np.zeros(t.shape, dtype=bool)
        for seg in self.segments:
            if seg.speaker == role:
                out |= (t >= seg.start_s) & (t < seg.end_s)
        return out


def _ramp(x: np.ndarray) -> np.ndarray:
    """Raised-cosine ramp 0 -> 1 for x in 0..1."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(x, 0.0, 1.0))


def segment_envelope(seg: VocalSegment, t: np.ndarray) -> np.ndarray:
    """Amplitude envelope 0..1 of one segment at times `t` (s), shape like `t`.

    Segment ramps (ATTACK_S, RELEASE_S) times a syllabic modulation between 0.4 and 1,
    so the voice (and mouth) never fully closes inside a segment; laughs and cries fall
    silent between their bursts (syllables), a laugh's bursts are sharper.
    """
    t = np.asarray(t, dtype=np.float64)
    seg_env = _ramp((t - seg.start_s) / ATTACK_S) * _ramp((seg.end_s - t) / RELEASE_S)
    syl = np.zeros_like(t)
    power = 1.5 if seg.kind == "laugh" else 0.7
    for s in seg.syllables:
        dur = s.end_s - s.start_s
        x = (t - s.start_s) / dur
        syl = np.maximum(syl, np.where((x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1)) ** power, 0.0))
    inside = (t >= seg.start_s) & (t <= seg.end_s)
    floor = 0.4 if seg.kind == "speech" else 0.0
    return np.where(inside, seg_env * (floor + (1 - floor) * syl), 0.0)


def _make_segment(
    rng: np.random.Generator, *, start: float, dur: float, speaker: str, contingent: bool = False
) -> VocalSegment:
    lo, hi = F0_RANGE_HZ[speaker]
    # base F0 leaves 15% headroom for the contour (see voices.f0_contour)
    f0 = float(rng.uniform(lo / 0.85 + 5, hi / 1.15 - 5))
    start, end = round(float(start), 4), round(float(start + dur), 4)
    n_syl = max(1, int(round(dur / rng.uniform(0.22, 0.32))))
    edges = np.linspace(start, end, n_syl + 1)
    syllables = tuple(
        Syllable(float(a), float(b), int(rng.integers(0, 5)))
        for a, b in zip(edges[:-1], edges[1:], strict=False)
    )
    return VocalSegment(
        start_s=start,
        end_s=end,
        speaker=speaker,
        f0_hz=round(f0, 2),
        f0_shape=float(rng.uniform(-1, 1)),
        syllables=syllables,
        contingent=contingent,
    )


def _timeline(rng: np.random.Generator, *, sensitivity: float, duration_s: float) -> tuple[VocalSegment, ...]:
    p_reply = 0.15 + 0.75 * sensitivity
    segs: list[VocalSegment] = []
    t = float(rng.uniform(0.4, 1.2))
    end_limit = duration_s - 0.3
    while True:
        if rng.random() < 0.55:  # infant vocalization
            dur = float(rng.uniform(0.5, 1.4))
            if t + dur > end_limit:
                break
            segs.append(_make_segment(rng, start=t, dur=dur, speaker="infant"))
            off = t + dur
            lat = float(rng.uniform(0.3, 1.5))
            rdur = float(rng.uniform(0.8, 2.2))
            if rng.random() < p_reply and off + lat + rdur <= end_limit:
                segs.append(_make_segment(rng, start=off + lat, dur=rdur, speaker="adult", contingent=True))
                t = off + lat + rdur + float(rng.uniform(0.6, 2.0))
            else:
                t = off + CONTINGENCY_WINDOW_S + float(rng.uniform(0.2, 1.8))
        else:  # adult vocalization not prompted by the infant
            dur = float(rng.uniform(0.8, 2.2))
            if t + dur > end_limit:
                break
            segs.append(_make_segment(rng, start=t, dur=dur, speaker="adult"))
            t = t + dur + float(rng.uniform(0.6, 2.5))
    return tuple(segs)


def _smooth_noise(rng: np.random.Generator, n: int, *, sd: float, sigma_s: float) -> np.ndarray:
    x = gaussian_filter1d(rng.standard_normal(n + 400), sigma_s * CONTROL_HZ, mode="wrap")[200:-200]
    return sd * x / (x.std() + 1e-12)


def _couple(own: np.ndarray, leader: np.ndarray, *, coupling: float, lag_s: float) -> np.ndarray:
    """`own` mixed with `leader` delayed by lag_s, same SD as `own`; correlation with the
    delayed leader = coupling (both unit-free smooth noise of equal shape)."""
    shift = int(round(lag_s * CONTROL_HZ))
    delayed = (
        np.concatenate([leader[-shift:], leader[:-shift]]) if shift else leader
    )  # wrap: noise is circular
    scale = own.std() / (delayed.std() + 1e-12)
    return np.sqrt(1 - coupling**2) * own + coupling * scale * delayed


def _episodes(
    rng: np.random.Generator, *, rate_hz: float, duration_s: float, dur_range: tuple[float, float]
) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    t = float(rng.exponential(1 / rate_hz)) if rate_hz > 0 else duration_s
    while t < duration_s - 0.5:
        d = float(rng.uniform(*dur_range))
        out.append((t, min(duration_s, t + d)))
        t = t + d + float(rng.exponential(1 / rate_hz)) + 0.5
    return out


def _episode_curve(episodes, n: int, *, base: float, peak: float, ramp_s: float = 0.35) -> np.ndarray:
    t = np.arange(n) / CONTROL_HZ
    level = np.zeros(n)
    for a, b in episodes:
        level = np.maximum(level, _ramp((t - a) / ramp_s) * _ramp((b - t) / ramp_s))
    return base + (peak - base) * level


def build_script(*, sensitivity: float, seed: int, duration_s: float = 20.0) -> DyadScript:
    """Build the behaviour script of one clip, deterministic in (sensitivity, seed, duration_s)."""
    if not 0.0 <= sensitivity <= 1.0:
        raise ValueError(f"sensitivity must be in 0..1, got {sensitivity}")
    s = float(sensitivity)
    rng = np.random.default_rng([int(seed), int(round(s * 1e6)), int(round(duration_s * 1000))])
    n = int(np.ceil(duration_s * CONTROL_HZ)) + 2
    t = np.arange(n) / CONTROL_HZ

    segments = _timeline(rng, sensitivity=s, duration_s=duration_s)

    # Proximity: matched slow drift around a base level, plus fast intrusive approaches.
    base = 0.27 + 0.20 * (1 - s)
    sep = base + _smooth_noise(rng, n, sd=0.025, sigma_s=1.5)
    intrusions = []
    rate = 0.12 * (1 - s) ** 1.5
    tt = float(rng.exponential(1 / rate)) if rate > 1e-6 else duration_s
    while tt < duration_s - 2.0:
        depth = float(rng.uniform(0.08, 0.14))
        approach, hold, back = 0.35, float(rng.uniform(0.6, 1.4)), 1.2
        shape = _ramp((t - tt) / approach) * _ramp((tt + approach + hold + back - t) / back)
        sep = sep - depth * shape
        intrusions.append((round(tt, 3), round(tt + approach + hold + back, 3)))
        tt += approach + hold + back + float(rng.exponential(1 / rate)) + 1.0
    sep = np.clip(sep, 0.20, 0.52)

    # Smiles: adult episodes; the infant shares some (attunement) and has a few of its own.
    adult_eps = _episodes(rng, rate_hz=0.03 + 0.12 * s, duration_s=duration_s, dur_range=(1.5, 4.0))
    infant_eps: list[tuple[float, float, bool]] = []
    for a, b in adult_eps:
        if rng.random() < 0.1 + 0.7 * s:
            lag = float(rng.uniform(0.3, 1.0))
            infant_eps.append((a + lag, min(duration_s, b + lag * 0.5), True))
    for a, b in _episodes(rng, rate_hz=0.02, duration_s=duration_s, dur_range=(1.0, 2.5)):
        infant_eps.append((a, b, False))
    adult_smile = _episode_curve(adult_eps, n, base=0.15 + 0.2 * s, peak=0.95)
    infant_smile = _episode_curve([(a, b) for a, b, _ in infant_eps], n, base=0.15, peak=0.9)

    head = {}
    for role, amp, roll_sd in (("adult", 0.008, 2.5), ("infant", 0.010, 4.0)):
        head[role] = {
            "dx": _smooth_noise(rng, n, sd=amp, sigma_s=0.4),
            "dy": _smooth_noise(rng, n, sd=amp, sigma_s=0.4),
            "roll": _smooth_noise(rng, n, sd=roll_sd, sigma_s=0.6),
        }
    coupling = 0.1 + 0.8 * s
    head["infant"] = {
        k: _couple(v, head["adult"][k], coupling=coupling, lag_s=HEAD_LAG_S)
        for k, v in head["infant"].items()
    }
    return DyadScript(
        sensitivity=s,
        seed=int(seed),
        duration_s=float(duration_s),
        segments=segments,
        separation=sep,
        adult_smile=adult_smile,
        infant_smile=infant_smile,
        head=head,
        intrusions=tuple(intrusions),
        smile_episodes={
            "adult": tuple((round(a, 3), round(b, 3), False) for a, b in adult_eps),
            "infant": tuple(sorted((round(a, 3), round(b, 3), sh) for a, b, sh in infant_eps)),
        },
    )


def contingent_response_rate(segments, *, window_s: float = CONTINGENCY_WINDOW_S) -> float:
    """Share of infant vocalizations followed by an adult onset within `window_s` of their offset (nan if
    none)."""
    infant = [s for s in segments if s.speaker == "infant"]
    if not infant:
        return float("nan")
    adult_on = np.array([s.start_s for s in segments if s.speaker == "adult"])
    hits = sum(bool(np.any((adult_on >= s.end_s) & (adult_on <= s.end_s + window_s))) for s in infant)
    return hits / len(infant)

"""Voice-like sounds: a harmonic source with an F0 contour, shaped by formant resonators.

Source-filter synthesis: sum of harmonics (1/k tilt) by phase accumulation of the F0
contour, each syllable filtered by a cascade of 2nd-order resonators (F1-F3 of a vowel),
then multiplied by the segment's amplitude envelope (script.segment_envelope), which is
also the scripted mouth opening.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from extract.render.script import F0_RANGE_HZ, DyadScript, VocalSegment, segment_envelope

# Formant frequencies (Hz) of five vowels, adult; the infant's vocal tract is shorter.
VOWELS = ((730, 1090, 2440), (530, 1840, 2480), (270, 2290, 3010), (570, 840, 2410), (300, 870, 2240))
FORMANT_SCALE = {"adult": 1.0, "infant": 1.35}
BANDWIDTHS_HZ = (90.0, 120.0, 170.0)
LEVEL = {"adult": 0.30, "infant": 0.25}  # peak amplitude of a segment
KIND_LEVEL = {"speech": 1.0, "laugh": 1.0, "cry": 1.8}  # cries are loud
BREATH = {"speech": 0.0, "laugh": 0.5, "cry": 0.15}  # share of aspiration noise in the source
# F0 limits of laughs and cries (Hz): laughs go above the speaking range, cries are high
KIND_F0_RANGE_HZ = {
    "laugh": {"adult": (200.0, 520.0), "infant": (350.0, 800.0)},
    "cry": {"infant": (350.0, 750.0)},
}


def f0_range(seg: VocalSegment) -> tuple[float, float]:
    return KIND_F0_RANGE_HZ.get(seg.kind, {}).get(seg.speaker, F0_RANGE_HZ[seg.speaker])


def _syllable_position(seg: VocalSegment, t: np.ndarray) -> np.ndarray:
    """0..1 position of each time inside its syllable (burst, wail); 0 outside all."""
    x = np.zeros_like(t)
    for syl in seg.syllables:
        inside = (t >= syl.start_s) & (t < syl.end_s)
        x[inside] = (t[inside] - syl.start_s) / max(syl.end_s - syl.start_s, 1e-3)
    return x


def f0_contour(seg: VocalSegment, t: np.ndarray) -> np.ndarray:
    """F0 (Hz) of a segment at times `t`. Speech: a rise or fall of up to +-15% around the base
    F0, plus vibrato. Laugh: each burst falls by 15%, the train declines by 20%. Cry: each wail
    rises and falls by 25%, with a 3% jitter."""
    t = np.asarray(t, dtype=np.float64)
    x = np.clip((t - seg.start_s) / max(seg.end_s - seg.start_s, 1e-3), 0.0, 1.0)
    lo, hi = f0_range(seg)
    if seg.kind == "laugh":
        return np.clip(seg.f0_hz * (1 - 0.2 * x) * (1.08 - 0.15 * _syllable_position(seg, t)), lo, hi)
    if seg.kind == "cry":
        jitter = 0.03 * np.sin(2 * np.pi * 23.0 * t) * np.sin(2 * np.pi * 3.1 * t)
        return np.clip(seg.f0_hz * (0.85 + 0.3 * np.sin(np.pi * _syllable_position(seg, t)) + jitter), lo, hi)
    arch = np.sin(np.pi * x) * 0.08  # phrase arch
    tilt = seg.f0_shape * 0.07 * (x - 0.5) * 2
    vib = 0.01 * np.sin(2 * np.pi * 5.5 * (t - seg.start_s))
    return np.clip(seg.f0_hz * (1 + arch + tilt + vib), lo, hi)


def _resonator(freq: float, bw: float, sr: int) -> tuple[np.ndarray, np.ndarray]:
    r = np.exp(-np.pi * bw / sr)
    theta = 2 * np.pi * freq / sr
    a = np.array([1.0, -2 * r * np.cos(theta), r * r])
    b = np.array([a.sum()])  # unity gain at DC
    return b, a


def synth_segment(seg: VocalSegment, *, sample_rate: int) -> tuple[int, np.ndarray]:
    """Synthesize one segment. Returns (start sample, samples (n,) float32), peak <=
    LEVEL[speaker] x KIND_LEVEL[kind]."""
    i0 = int(np.floor(seg.start_s * sample_rate))
    i1 = int(np.ceil(seg.end_s * sample_rate)) + 1
    t = np.arange(i0, i1) / sample_rate
    f0 = f0_contour(seg, t)
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate
    n_harm = int(0.45 * sample_rate / f0_range(seg)[0])
    src = np.zeros_like(t)
    for k in range(1, n_harm + 1):
        alive = (k * f0) < 0.45 * sample_rate  # no aliasing
        src += alive * np.sin(k * phase) / k
    if BREATH[seg.kind]:  # aspiration: noise of the same power as the harmonic source
        rng = np.random.default_rng(int(seg.start_s * 1000))
        noise = rng.standard_normal(len(t)) * src.std()
        src = (1 - BREATH[seg.kind]) * src + BREATH[seg.kind] * noise
    out = np.zeros_like(t)
    scale = FORMANT_SCALE[seg.speaker]
    for syl in seg.syllables:
        j0 = max(0, int(np.floor(syl.start_s * sample_rate)) - i0 - 80)
        j1 = min(len(t), int(np.ceil(syl.end_s * sample_rate)) - i0 + 80)
        y = src[j0:j1]
        for f, bw in zip(VOWELS[syl.vowel], BANDWIDTHS_HZ, strict=False):
            b, a = _resonator(min(f * scale, 0.42 * sample_rate), bw * scale, sample_rate)
            y = lfilter(b, a, y)
        # cross-fade syllables over their 80-sample overlap
        w = np.ones(j1 - j0)
        fade = min(80, (j1 - j0) // 4)
        w[:fade] = np.linspace(0, 1, fade)
        w[-fade:] = np.linspace(1, 0, fade)
        out[j0:j1] += y * w
    out /= np.max(np.abs(out)) + 1e-12
    env = segment_envelope(seg, t)
    return i0, (LEVEL[seg.speaker] * KIND_LEVEL[seg.kind] * env * out).astype(np.float32)


def synth_track(
    script: DyadScript, *, sample_rate: int = 16000, snr_db: float | None = None, seed: int = 0
) -> np.ndarray:
    """The clip's audio track: (ceil(duration * sample_rate),) float32 mono in [-1, 1].

    snr_db: add pink-ish background noise at this signal-to-noise ratio (signal power over
    the voiced samples); None for none.
    """
    n = int(np.ceil(script.duration_s * sample_rate))
    y = np.zeros(n, dtype=np.float64)
    for seg in script.segments:
        i0, s = synth_segment(seg, sample_rate=sample_rate)
        s = s[: max(0, n - i0)]
        y[i0 : i0 + len(s)] += s
    if snr_db is not None:
        rng = np.random.default_rng([script.seed, 7919, seed])
        white = rng.standard_normal(n)
        noise = lfilter([1.0], [1.0, -0.9], white)  # low-pass tilt
        voiced = np.abs(y) > 1e-4
        p_sig = np.mean(y[voiced] ** 2) if voiced.any() else 1e-4
        noise *= np.sqrt(p_sig / 10 ** (snr_db / 10) / np.mean(noise**2))
        y = y + noise
    return np.clip(y, -1.0, 1.0).astype(np.float32)

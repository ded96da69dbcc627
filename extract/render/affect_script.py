"""Scripts with laughs and cries: vocal segments of every type for testing the vocal-type stage.

A laugh is a train of 3-8 short bursts (70-130 ms) at 3.5-6 per second, silent between them;
a cry bout is 1-3 long wails (0.5-1.4 s) separated by short inhalation pauses (0.12-0.22 s,
shorter than voice activity's gap bridging, so a bout is one segment). Speech and infant
babble are the cohort's ordinary segments (script._make_segment).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from extract.render.script import DyadScript, Syllable, VocalSegment, _make_segment, build_script

VOCAL_KINDS = (
    ("adult", "speech"),
    ("adult", "laugh"),
    ("infant", "speech"),
    ("infant", "laugh"),
    ("infant", "cry"),
)


def laugh_segment(rng: np.random.Generator, *, start: float, speaker: str) -> VocalSegment:
    rate = float(rng.uniform(3.5, 6.0))
    n = int(rng.integers(3, 9))
    bursts, t = [], start
    for _ in range(n):
        dur = float(rng.uniform(0.07, 0.13))
        bursts.append(Syllable(round(t, 4), round(t + dur, 4), 0))
        t += 1.0 / rate * float(rng.uniform(0.9, 1.1))
    f0 = float(rng.uniform(260, 420) if speaker == "adult" else rng.uniform(420, 650))
    return VocalSegment(
        bursts[0].start_s, bursts[-1].end_s, speaker, round(f0, 2), 0.0, tuple(bursts), kind="laugh"
    )


def cry_segment(rng: np.random.Generator, *, start: float) -> VocalSegment:
    wails, t = [], start
    for _ in range(int(rng.integers(1, 4))):
        dur = float(rng.uniform(0.5, 1.4))
        wails.append(Syllable(round(t, 4), round(t + dur, 4), 0))
        t += dur + float(rng.uniform(0.12, 0.22))
    f0 = float(rng.uniform(400, 550))
    return VocalSegment(
        wails[0].start_s, wails[-1].end_s, "infant", round(f0, 2), 0.0, tuple(wails), kind="cry"
    )


def vocal_type_script(*, seed: int, duration_s: float = 60.0) -> DyadScript:
    """A clip script (cohort script for the video curves) whose vocal segments cycle through
    VOCAL_KINDS in random order, 0.6-1.8 s apart."""
    base = build_script(sensitivity=0.5, seed=seed, duration_s=duration_s)
    rng = np.random.default_rng([int(seed), 4099])
    segs: list[VocalSegment] = []
    t = float(rng.uniform(0.5, 1.0))
    while True:
        speaker, kind = VOCAL_KINDS[int(rng.integers(len(VOCAL_KINDS)))]
        if kind == "laugh":
            seg = laugh_segment(rng, start=t, speaker=speaker)
        elif kind == "cry":
            seg = cry_segment(rng, start=t)
        else:
            dur = float(rng.uniform(0.5, 1.4) if speaker == "infant" else rng.uniform(0.8, 2.2))
            seg = _make_segment(rng, start=t, dur=dur, speaker=speaker)
        if seg.end_s > duration_s - 0.5:
            break
        segs.append(seg)
        t = seg.end_s + float(rng.uniform(0.6, 1.8))
    return replace(base, segments=tuple(segs))

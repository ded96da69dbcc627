"""A rendered-clip script with known positive moments: two contingent responses (an infant bid
answered by the adult) and two shared smiles (the adult smiles, the infant joins), apart in time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from extract.render.script import CONTROL_HZ, _episode_curve, _make_segment, build_script

# (infant start, infant end, adult start, adult end): the adult answers 0.6 s and 0.9 s after the bid
CONTINGENT = ((1.0, 2.0, 2.6, 4.2), (10.0, 10.9, 11.8, 13.5))
# (adult smile start, end, infant smile start, end): the shared part is infant start .. adult end
SHARED_SMILES = ((5.5, 8.5, 6.2, 8.8), (14.5, 17.5, 15.0, 17.8))
DURATION_S = 20.0


def moments_script(*, seed: int = 0):
    """A DyadScript (cohort head and distance curves) with only the moments above scripted."""
    base = build_script(sensitivity=0.5, seed=seed, duration_s=DURATION_S)
    rng = np.random.default_rng([seed, 77])
    segs = []
    for i0, i1, a0, a1 in CONTINGENT:
        segs.append(_make_segment(rng, start=i0, dur=i1 - i0, speaker="infant"))
        segs.append(_make_segment(rng, start=a0, dur=a1 - a0, speaker="adult", contingent=True))
    n = int(np.ceil(DURATION_S * CONTROL_HZ)) + 2
    adult_eps = [(a0, a1) for a0, a1, _, _ in SHARED_SMILES]
    infant_eps = [(i0, i1) for _, _, i0, i1 in SHARED_SMILES]
    return replace(
        base,
        segments=tuple(segs),
        adult_smile=_episode_curve(adult_eps, n, base=0.2, peak=0.95),
        infant_smile=_episode_curve(infant_eps, n, base=0.15, peak=0.9),
        smile_episodes={
            "adult": tuple((a, b, False) for a, b in adult_eps),
            "infant": tuple((a, b, True) for a, b in infant_eps),
        },
    )

"""Test audio with known answers for the audio analysis (imported by tests/unit and tests/integration).

- `synthetic_dyad`: the renderer's synthetic voices (exact scripted onsets) as a mono track;
- `real_mixture`: real infant cries and real adult female speech (from ../shared/media)
  placed at known times with gaps of 0.2-6 s and a few overlaps, over background noise.
  The truth of each placed excerpt is where its clean source is active: 10 ms frames within
  35 dB of the excerpt's loudest frame, pauses under 0.3 s bridged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from extract.audio.vad import merge_segments, segment_mask
from extract.media import read_audio

SR = 16000
ADULT_FILES = ("ljspeech_LJ001-0001_female.wav", "librosa_libri3_198-209-0000_female.hq.ogg")
INFANT_GLOB = "donateacry_*.wav"


def truth_table(script) -> pd.DataFrame:
    return pd.DataFrame(
        [(s.start_s, s.end_s, s.speaker) for s in script.segments], columns=["start_s", "end_s", "speaker"]
    )


def synthetic_dyad(*, sensitivity: float, seed: int, duration_s: float, snr_db: float | None):
    """(script, samples (n,) float32 at 16 kHz) from the renderer."""
    from extract.render.script import build_script
    from extract.render.voices import synth_track

    script = build_script(sensitivity=sensitivity, seed=seed, duration_s=duration_s)
    return script, synth_track(script, sample_rate=SR, snr_db=snr_db)


def active_segments(
    x: np.ndarray, *, rel_db: float = -35.0, hop: int = 160, min_gap_s: float = 0.3
) -> np.ndarray:
    """(k, 2) seconds where `x` (n,) is within rel_db of its loudest 10 ms frame (clean sources only)."""
    n = len(x) // hop
    rms_db = 10 * np.log10(np.mean(x[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1) + 1e-12)
    on = rms_db > rms_db.max() + rel_db
    d = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    segs = np.stack([np.flatnonzero(d == 1), np.flatnonzero(d == -1)], axis=1) * hop / SR
    return merge_segments(segs, min_gap_s=min_gap_s, min_segment_s=0.05)


def _excerpts(media: Path):
    adult = [read_audio(media / "audio" / f, sample_rate=SR).samples for f in ADULT_FILES]
    infant = [read_audio(p, sample_rate=SR).samples for p in sorted((media / "audio").glob(INFANT_GLOB))]
    return adult, infant


def real_mixture(
    media: Path, *, seed: int = 0, n_events: int = 16, snr_db: float = 20.0, n_overlaps: int = 2
):
    """(samples (n,) float32 at 16 kHz, truth table start_s,end_s,speaker) of a mixture.

    Events alternate mostly between adult speech excerpts (1.5-4 s) and infant cry excerpts
    (1-3 s), sometimes the same speaker twice; gaps uniform 0.2-6 s, and up to `n_overlaps`
    events start 0.4 s before the previous one ends (an overlap slot whose event has the same
    speaker as the previous one becomes an ordinary gap: seeds 0-5 have 2, 2, 1, 2, 1, 1
    overlaps). Each excerpt is scaled to a common loudness (infant cries a little louder, as
    they are), then pink-ish noise at `snr_db` is added.
    """
    rng = np.random.default_rng(seed)
    adult, infant = _excerpts(media)
    overlap_at = set(rng.choice(np.arange(2, n_events), size=n_overlaps, replace=False).tolist())
    t, events, speaker = 0.5, [], "adult"
    for k in range(n_events):
        speaker = ("infant" if speaker == "adult" else "adult") if rng.random() < 0.8 else speaker
        src = adult if speaker == "adult" else infant
        x = src[int(rng.integers(len(src)))]
        dur = float(rng.uniform(1.5, 4.0) if speaker == "adult" else rng.uniform(1.0, 3.0))
        i0 = int(rng.integers(0, max(1, len(x) - int(dur * SR))))
        piece = x[i0 : i0 + int(dur * SR)].astype(np.float64)
        act = active_segments(piece)
        if len(act) == 0:
            continue
        piece = piece[int(act[0, 0] * SR) : int(act[-1, 1] * SR)]  # start and end on sound
        piece *= (0.25 if speaker == "infant" else 0.15) / (np.sqrt(np.mean(piece**2)) + 1e-9) / 3
        if k in overlap_at and events:
            start = events[-1][0] + len(events[-1][2]) / SR - 0.4
            if events[-1][1] == speaker:  # overlaps are between different speakers
                start = t + float(rng.uniform(0.2, 6.0))
        else:
            start = t + float(rng.uniform(0.2, 6.0))
        events.append((start, speaker, piece))
        t = max(t, start + len(piece) / SR)
    n = int((t + 1.0) * SR)
    y = np.zeros(n)
    rows = []
    for start, speaker, piece in events:
        i0 = int(round(start * SR))
        y[i0 : i0 + len(piece)] += piece
        for a, b in active_segments(piece):
            rows.append((start + a, start + b, speaker))
    truth = (
        pd.DataFrame(rows, columns=["start_s", "end_s", "speaker"])
        .sort_values("start_s")
        .reset_index(drop=True)
    )
    voiced = segment_mask(truth[["start_s", "end_s"]].to_numpy(), np.arange(n) / SR)
    noise = lfilter([1.0], [1.0, -0.7], rng.standard_normal(n))
    noise *= np.sqrt(np.mean(y[voiced] ** 2) / 10 ** (snr_db / 10) / np.mean(noise**2))
    return np.clip(y + noise, -1, 1).astype(np.float32), truth


def frame_f1(
    truth: pd.DataFrame, predicted: pd.DataFrame, *, speaker: str, duration_s: float, hop_s: float = 0.01
) -> float:
    """F1 of `speaker` frames (hop_s grid) of `predicted` against `truth` (rows start_s,end_s,speaker)."""
    t = np.arange(0, duration_s, hop_s)
    ref = segment_mask(truth.loc[truth.speaker == speaker, ["start_s", "end_s"]].to_numpy(), t)
    hyp = segment_mask(predicted.loc[predicted.speaker == speaker, ["start_s", "end_s"]].to_numpy(), t)
    tp = (ref & hyp).sum()
    return float(2 * tp / (ref.sum() + hyp.sum())) if ref.sum() + hyp.sum() else 1.0

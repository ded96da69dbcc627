"""Audio path speed on 3 minutes of audio, and the pitch-tracker comparison (speed and accuracy).

Renders a 3-minute synthetic dyad (the renderer's voices, exact F0 contours) at 15 dB SNR,
then times on one core (BLAS/OpenMP threads pinned to 1), median over repeats:
  - the whole audio path (`analyze_audio`: frames, pitch, VAD, speaker, vocal types, prosody,
    turns), and the same with vocal types off (the baseline of the types' cost);
  - pitch trackers at hop 10 ms, 80-1000 Hz: dyadscope's YIN (extract/audio/pitch.py),
    librosa.yin, librosa.pyin (optional; slow).
Accuracy against the scripted F0 on frames inside vocal segments (30 ms after onset to
50 ms before offset): voicing recall, gross error rate (|f0/truth - 1| > 5 %), median
relative error; false voicing on frames outside segments (librosa.yin has no voicing).
Run: .venv/bin/python benchmarks/audio_speed.py [--seconds 180] [--repeats 3] [--no-pyin]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from extract.audio import analyze_audio  # noqa: E402
from extract.audio.pitch import track_pitch  # noqa: E402
from extract.config import AudioConfig, VocalTypeConfig  # noqa: E402
from extract.render.script import build_script  # noqa: E402
from extract.render.voices import f0_contour, synth_track  # noqa: E402

SR, HOP = 16000, 160


def _timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _truth(script, n_frames):
    t = np.arange(n_frames) * HOP / SR
    truth = np.full(n_frames, np.nan)
    outside = np.ones(n_frames, bool)
    for s in script.segments:
        outside &= ~((t >= s.start_s - 0.05) & (t < s.end_s + 0.05))
        inside = (t >= s.start_s + 0.03) & (t < s.end_s - 0.05)
        truth[inside] = f0_contour(s, t[inside])
    return truth, outside


def _accuracy(f0, voiced, truth, outside):
    n = min(len(f0), len(truth))
    f0, voiced, truth, outside = f0[:n], voiced[:n], truth[:n], outside[:n]
    sounding = np.isfinite(truth)
    both = sounding & voiced & np.isfinite(f0)
    rel = np.abs(f0[both] / truth[both] - 1)
    return voiced[sounding].mean(), np.mean(rel > 0.05), np.median(rel), voiced[outside].mean()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-pyin", action="store_true", help="skip librosa.pyin (about 10-30 s)")
    args = ap.parse_args()
    import librosa

    script = build_script(sensitivity=0.6, seed=7, duration_s=args.seconds)
    y = synth_track(script, sample_rate=SR, snr_db=15)
    print(
        f"{args.seconds:.0f} s of synthetic dyad audio at 15 dB SNR, {len(script.segments)} vocal segments, "
        "1 thread\n"
    )

    analyze_audio(y[: SR * 5], sample_rate=SR)  # warm-up (imports)
    t_path, result = _timed(lambda: analyze_audio(y, sample_rate=SR), args.repeats)
    print(f"{'stage':<40}{'seconds':>10}")
    print(f"{'audio path (analyze_audio), whole clip':<40}{t_path:>10.2f}")
    untyped = AudioConfig(vocal_type=VocalTypeConfig(enabled=False))
    t_untyped, _ = _timed(lambda: analyze_audio(y, sample_rate=SR, cfg=untyped), args.repeats)
    print(f"{'  same without vocal types (baseline)':<40}{t_untyped:>10.2f}")
    print(f"{'  segments found / scripted':<40}{len(result.segments):>6} / {len(script.segments)}\n")

    rows = []
    t, p = _timed(lambda: track_pitch(y, sample_rate=SR), args.repeats)
    truth, outside = _truth(script, len(p.f0_hz))
    rows.append(("dyadscope YIN (numpy, voicing)", t, *_accuracy(p.f0_hz, p.voiced, truth, outside)))
    t, f0 = _timed(
        lambda: librosa.yin(y, fmin=80, fmax=1000, sr=SR, hop_length=HOP, frame_length=1024), args.repeats
    )
    rows.append(
        ("librosa.yin (no voicing decision)", t, *_accuracy(f0, np.ones(len(f0), bool), truth, outside))
    )
    if not args.no_pyin:
        librosa.pyin(
            y[: SR * 2], fmin=80, fmax=1000, sr=SR, hop_length=HOP, frame_length=1024
        )  # numba compile
        t, (f0, vf, _) = _timed(
            lambda: librosa.pyin(y, fmin=80, fmax=1000, sr=SR, hop_length=HOP, frame_length=1024), 1
        )
        rows.append(("librosa.pyin", t, *_accuracy(f0, vf, truth, outside)))
    print(
        f"{'pitch tracker':<36}{'seconds':>9}{'voiced recall':>15}{'gross err':>11}"
        f"{'median err':>12}{'false voiced':>14}"
    )
    for name, t, rec, gross, med, fv in rows:
        print(f"{name:<36}{t:>9.2f}{rec:>15.3f}{gross:>11.3%}{med:>12.3%}{fv:>14.3f}")


if __name__ == "__main__":
    main()

"""Render a synthetic cohort: dyads x timepoints, with manifest.csv and synthetic CARE-Index ratings.csv.

Latent sensitivity per dyad: control group ~ N(0.72, 0.10), depressed group ~ N(0.42, 0.12),
or given per dyad (`sensitivities`, e.g. an even spread from `spread_sensitivities`), plus a
per-timepoint change ~ N(0, 0.06), clipped to 0.05..0.95. Groups alternate
(d01 control, d02 depressed, ...). Ratings are derived from the latent sensitivity plus coder
noise (see `care_ratings`); coder c1 rates every clip, c2 double-codes every other clip.
"""

from __future__ import annotations

import csv
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Sequence

import numpy as np

from extract.progress import ProgressHook
from extract.render.clip import render_clip
from extract.render.script import build_script
from extract.vocab import CARE_SCALES

log = logging.getLogger(__name__)

GROUP_SENSITIVITY = {"control": (0.72, 0.10), "depressed": (0.42, 0.12)}
TIMEPOINT_SD = 0.06
CODERS = {"c1": 0.0, "c2": 0.4}  # coder id -> leniency bias (scale points of sensitivity)
RATING_COLUMNS = ("clip_id", "dyad_id", "timepoint", "coder_id", *CARE_SCALES)
MANIFEST_COLUMNS = ("clip_id", "path", "dyad_id", "timepoint", "group")


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Split integer `total` into parts proportional to `weights` (largest remainder), summing to `total`."""
    w = np.clip(np.asarray(weights, float), 0, None)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w))
    raw = w * total
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts), kind="stable")[: total - parts.sum()]:
        parts[i] += 1
    return [int(p) for p in parts]


def care_ratings(
    *,
    sensitivity: float,
    control_share: float,
    infant_age_months: float,
    coder_bias: float,
    rng: np.random.Generator,
) -> dict[str, int]:
    """One coder's CARE-Index scores (integers 0..14) for a clip with latent `sensitivity` (0..1).

    Adult: sensitivity ~ 14 * latent + noise (sd 1); the rest split between control and
    unresponsiveness by the dyad's `control_share` (0..1). Infant: cooperative ~ 13 * latent
    + noise; the rest split into compulsive (only with older infants of controlling adults),
    difficult (controlling adults) and passive (unresponsive adults). Each triple/quad sums to 14;
    dyadic synchrony equals adult sensitivity.
    """
    sens = int(np.clip(round(14 * sensitivity + coder_bias + rng.normal(0, 1.0)), 0, 14))
    share = float(np.clip(control_share + rng.normal(0, 0.1), 0, 1))
    control, unresp = _split(14 - sens, [share, 1 - share])
    coop = int(np.clip(round(13 * sensitivity + 0.5 + rng.normal(0, 1.2)), 0, 14))
    comp_w = share * (0.45 if infant_age_months >= 6 else 0.05)
    compulsive, difficult, passive = _split(14 - coop, [comp_w, share - comp_w + 0.05, 1 - share + 0.05])
    return {
        "dyadic_synchrony": sens,
        "adult_sensitivity": sens,
        "adult_control": control,
        "adult_unresponsiveness": unresp,
        "infant_cooperative": coop,
        "infant_compulsive": compulsive,
        "infant_difficult": difficult,
        "infant_passive": passive,
    }


def _age_months(timepoint: str) -> float:
    tp = timepoint.strip().lower()
    for suffix, per_month in (("wk", 1 / 4.345), ("w", 1 / 4.345), ("mo", 1.0), ("m", 1.0)):
        if tp.endswith(suffix) and tp[: -len(suffix)].replace(".", "", 1).isdigit():
            return float(tp[: -len(suffix)]) * per_month
    return 6.0


def spread_sensitivities(
    n_dyads: int, low: float = 0.05, high: float = 0.95, *, seed: int = 0
) -> list[float]:
    """Trait sensitivities spread evenly over low..high, one per dyad, for `render_cohort`.

    The values are paired in rank order (1st-2nd, 3rd-4th, ...); within a pair the control dyad
    (even index: d01, d03, ...) gets the higher value, and the pairs go to the dyad pairs in a
    seeded random order. So the groups overlap almost fully, control a step above depressed."""
    values = np.linspace(low, high, n_dyads)
    rng = np.random.default_rng([int(seed), 20241])
    pairs = [values[i : i + 2][::-1] for i in range(0, n_dyads - 1, 2)]
    order = list(rng.permutation(len(pairs))) + ([len(pairs)] if n_dyads % 2 else [])
    pairs += [values[-1:]] if n_dyads % 2 else []
    return [round(float(v), 4) for k in order for v in pairs[k]]


def render_cohort(
    out_dir: str | Path,
    *,
    n_dyads: int = 8,
    sensitivities: Sequence[float] | None = None,
    timepoints: Sequence[str] = ("8wk", "12mo"),
    duration_s: float = 20.0,
    seed: int = 0,
    fps: int = 25,
    size: tuple[int, int] = (640, 360),
    snr_db_range: tuple[float, float] | None = (18.0, 30.0),
    progress: ProgressHook | None = None,
    jobs: int = 1,
) -> Path:
    """Render n_dyads x len(timepoints) clips into `out_dir`/clips with truth sidecars, and write
    `out_dir`/manifest.csv and `out_dir`/ratings.csv. Returns the manifest path.

    Deterministic in its arguments (truth and ratings identical; video bytes may differ across
    library versions). sensitivities: trait sensitivity (0..1) per dyad in place of the group
    draws (same length as n_dyads; the per-timepoint change is still added). snr_db_range:
    background-noise SNR drawn per clip (None: no noise). progress: called as
    progress("render", clip_id, completed=done, total=total) after each clip. jobs: clips rendered in
    parallel processes
    (the result does not depend on it).
    """
    if sensitivities is not None and len(sensitivities) != n_dyads:
        raise ValueError(f"sensitivities has {len(sensitivities)} values for {n_dyads} dyads")
    out_dir = Path(out_dir)
    clip_dir = out_dir / "clips"
    clip_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([int(seed), 20240])
    manifest, ratings, plan = [], [], []
    for d in range(n_dyads):
        dyad_id = f"d{d + 1:02d}"
        group = "control" if d % 2 == 0 else "depressed"
        mean, sd = GROUP_SENSITIVITY[group]
        trait = float(rng.normal(mean, sd))  # drawn even when overridden: the other draws stay the same
        if sensitivities is not None:
            trait = float(sensitivities[d])
        control_share = float(rng.uniform(0.2, 0.8))
        for tp in timepoints:
            sensitivity = round(float(np.clip(trait + rng.normal(0, TIMEPOINT_SD), 0.05, 0.95)), 4)
            clip_seed = int(rng.integers(0, 2**31 - 1))
            snr = None if snr_db_range is None else round(float(rng.uniform(*snr_db_range)), 1)
            clip_id = f"{dyad_id}_{tp}"
            meta = {
                "dyad_id": dyad_id,
                "timepoint": tp,
                "group": group,
                "control_share": round(control_share, 4),
            }
            plan.append((clip_id, sensitivity, clip_seed, snr, meta))
            manifest.append(
                {
                    "clip_id": clip_id,
                    "path": f"clips/{clip_id}.mp4",
                    "dyad_id": dyad_id,
                    "timepoint": tp,
                    "group": group,
                }
            )
            coder_rng = np.random.default_rng([clip_seed, 77])
            for coder, bias in CODERS.items():
                if coder != "c1" and (len(plan) - 1) % 2 == 1:
                    continue
                scores = care_ratings(
                    sensitivity=sensitivity,
                    control_share=control_share,
                    infant_age_months=_age_months(tp),
                    coder_bias=bias,
                    rng=coder_rng,
                )
                ratings.append(
                    {"clip_id": clip_id, "dyad_id": dyad_id, "timepoint": tp, "coder_id": coder, **scores}
                )
    tasks = [
        dict(
            clip_dir=clip_dir,
            clip_id=c,
            sensitivity=s_,
            clip_seed=cs,
            snr=snr,
            meta=m,
            duration_s=duration_s,
            fps=fps,
            size=size,
        )
        for c, s_, cs, snr, m in plan
    ]
    sens_of = {c: s_ for c, s_, *_ in plan}

    def finished(done: int, clip_id: str) -> None:
        log.info("cohort: %d/%d %s (sensitivity %.2f)", done, len(plan), clip_id, sens_of[clip_id])
        if progress is not None:
            progress("render", clip_id, completed=done, total=len(plan))

    if jobs > 1:  # own spawned pool: leaves the batch's reusable loky executor alone
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_render_one, **t) for t in tasks]
            for done, future in enumerate(as_completed(futures), start=1):
                finished(done, future.result())
    else:
        for done, t in enumerate(tasks, start=1):
            finished(done, _render_one(**t))
    manifest_path = out_dir / "manifest.csv"
    _write_csv(manifest_path, MANIFEST_COLUMNS, manifest)
    _write_csv(out_dir / "ratings.csv", RATING_COLUMNS, ratings)
    return manifest_path


def _render_one(
    *,
    clip_dir: Path,
    clip_id: str,
    sensitivity: float,
    clip_seed: int,
    snr,
    meta: dict,
    duration_s: float,
    fps: int,
    size: tuple[int, int],
) -> str:
    script = build_script(sensitivity=sensitivity, seed=clip_seed, duration_s=duration_s)
    render_clip(
        clip_dir / f"{clip_id}.mp4", script, fps=fps, size=size, snr_db=snr, clip_id=clip_id, meta=meta
    )
    return clip_id


def _write_csv(path: Path, columns: Sequence[str], rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

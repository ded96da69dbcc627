"""Models speed: nested dyad-grouped CV training on 1000 clips x 300 features, screening 10,000 clips.

Run: .venv/bin/python benchmarks/models_speed.py [--estimators ridge,elastic_net,extra_trees]
Prints a table (seconds; targets: training <= 60 s, screening <= 10 s on one core)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from model_fixtures import synthetic_cohort  # noqa: E402

from extract.config import config_from_dict  # noqa: E402
from models.fit import train_bundle  # noqa: E402
from models.screening import screen  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--estimators", default="ridge,elastic_net,extra_trees")
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--features", type=int, default=300)
    parser.add_argument("--screen", type=int, default=10_000)
    args = parser.parse_args()
    cfg = config_from_dict({"models": {"estimators": args.estimators.split(",")}})
    cohort = synthetic_cohort(
        args.clips // 2, n_features=args.features, n_signal=30, n_fingerprint=20, seed=0
    )
    features = cohort["features"].set_index("clip_id")
    started = time.perf_counter()
    bundle = train_bundle(features, cohort["ratings"], cfg)
    train_s = time.perf_counter() - started
    rng = np.random.default_rng(1)
    many = features.sample(n=args.screen, replace=True, random_state=1)
    many = many + rng.normal(0, 0.1, many.shape)
    many.index = pd.Index([f"s{i:05d}" for i in range(len(many))], name="clip_id")
    started = time.perf_counter()
    predictions, queue = screen(bundle, many)
    screen_s = time.perf_counter() - started
    t = bundle.summary["targets"]["dyadic_synchrony"]
    rows = [
        (
            "train: nested GroupKFold 5x3, final fit, novelty",
            f"{args.clips} clips x {args.features} features",
            f"{train_s:.1f}",
            "60",
        ),
        ("screen: predictions, CV+ intervals, bands, queue", f"{args.screen} clips", f"{screen_s:.1f}", "10"),
    ]
    print(f"{'step':<52} {'size':<28} {'seconds':>8} {'target':>7}")
    for row in rows:
        print(f"{row[0]:<52} {row[1]:<28} {row[2]:>8} {row[3]:>7}")
    print(
        f"selected {t['selected']}; held-out r {t['heldout_pearson_r']:.2f}, coverage "
        f"{t['heldout_coverage']:.2f}; "
        f"{len(queue)} of {args.screen} clips flagged"
    )


if __name__ == "__main__":
    main()

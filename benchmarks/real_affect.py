"""Real-footage vocal benchmark: dyadscope's segments (who vocalizes, vocal type) and the clip
feature affect.infant.laugh_s.total against the hand annotations in
tests/data/real_vocal.csv
(how they were made: tests/data/README.md), on the Lookit clips and the donateacry cries.

Prints pooled frame-level F1 per role (who vocalizes) and per role and type, the share of
infant-directed speech called infant, the AUC of infant laughter seconds for "the infant laughed",
and the audio path's seconds per clip.
Run: .venv/bin/python benchmarks/real_affect.py [--annotations CSV] [--csv OUT]
[--set section.key=value ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from media_fixtures import real_media_dir  # noqa: E402
from real_vocal_scoring import (  # noqa: E402
    ANNOTATIONS,
    auc,
    extract_and_count,
    f1_table,
    infant_laughed,
    load_annotations,
)

from extract.config import config_from_dict  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--annotations", type=Path, default=ANNOTATIONS)
    p.add_argument("--csv", type=Path, help="write the per-clip table here")
    p.add_argument("--out", type=Path, help="keep the extraction outputs here (default: a temporary folder)")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = p.parse_args(argv)
    media, why = real_media_dir()
    if media is None:
        print(f"skipped: {why}")
        return 0
    tree: dict = {}
    for item in args.set:
        key, _, value = item.partition("=")
        node = tree
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(value)
    cfg = config_from_dict(tree)
    ann = load_annotations(args.annotations)
    with tempfile.TemporaryDirectory() as tmp:
        counts, clips = extract_and_count(ann, media, cfg, args.out or Path(tmp))
    pd.set_option("display.width", 200)
    print(clips.to_string())
    print()
    print(f1_table(counts).round(3).to_string())
    laughed = infant_laughed(ann, list(clips.index))
    score = auc(laughed, clips.laugh_s_infant.fillna(0))
    print(
        f"\nAUC of affect.infant.laugh_s.total for 'the infant laughed': {score:.3f} "
        f"({int(laughed.sum())} of {len(laughed)} clips laughed)"
    )
    print(f"median seconds per clip (whole pipeline): {clips.seconds.median():.2f}")
    if args.csv:
        clips.to_csv(args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())

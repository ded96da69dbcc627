"""tests/data/real_vocal.csv as ELAN codes, one `<clip>.eaf` per clip, for `dyadscope agree`.

Tiers: `infant` and `adult` (every vocal event of that speaker), `infant laughs` (infant, type
laugh) and `infant cries` (infant, type cry or fuss); each annotation's value is the row's type.
Rows of who = unknown go to no tier. Every tier is written, empty when the clip has no such
event: every page of every clip was looked at (tests/data/README.md), so no row means no event.
Used by tests/integration/test_agree_real.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ANNOTATIONS = Path(__file__).parent / "data" / "real_vocal.csv"
TIERS = {
    "infant": lambda row: row.who == "infant",
    "adult": lambda row: row.who == "adult",
    "infant laughs": lambda row: row.who == "infant" and row.type == "laugh",
    "infant cries": lambda row: row.who == "infant" and row.type in ("cry", "fuss"),
}

# The mapping `agree` scores these tiers with (segments.csv speakers and vocal types, and the
# infant's smile as a continuous signal for the laughs).
MAPPING = """\
name: real_vocal
onset_tolerance_s: 1.0
merge_gap_s: 0.3
behaviours:
  - {name: infant_vocalizes, codes: [infant], signal: {segments: infant}}
  - {name: adult_vocalizes, codes: [adult], signal: {segments: adult}}
  - {name: infant_laughs, codes: [infant laughs], signal: {segments: infant, vocal_type: laugh}}
  - {name: infant_cries, codes: [infant cries], signal: {segments: infant, vocal_type: cry}}
  - {name: infant_laugh_face, codes: [infant laughs], signal: {column: infant.smile_intensity, above: 0.5}}
"""


def load_rows(path: Path = ANNOTATIONS) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False)


def write_elan_codes(folder: Path, clips: list[str] | None = None, path: Path = ANNOTATIONS) -> list[Path]:
    """One ELAN file per annotated clip (or per clip of `clips`) in `folder`; their paths."""
    import pympi

    rows = load_rows(path)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for clip in clips if clips is not None else sorted(rows["clip"].unique()):
        own = rows[rows["clip"] == clip]
        if own.empty:
            raise ValueError(f"{clip}: no rows in {path}")
        eaf = pympi.Elan.Eaf(author="real_vocal.csv")
        eaf.remove_tier("default")
        for tier, keep in TIERS.items():
            eaf.add_tier(tier)
            for row in own.itertuples():
                if keep(row):
                    start, end = int(round(row.start_s * 1000)), int(round(row.end_s * 1000))
                    eaf.add_annotation(tier, start, end, row.type)
        eaf.to_file(str(folder / f"{clip}.eaf"))
        out.append(folder / f"{clip}.eaf")
    return out

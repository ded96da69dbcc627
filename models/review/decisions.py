"""review_decisions.csv: what reviewers decided on the review pages, and `review-import`.

Columns (the pages' download link writes them): clip_id, decision (agree|disagree|empty: with
the flag), roles_wrong (0/1), exclude (0/1), exclude_reason, note, reviewer, decided_at (ISO
time). `import_decisions` checks a downloaded file, merges it into OUT/review_decisions.csv
(a clip's newer row replaces its older one) and turns "roles wrong" into a fix in OUT/roles.csv
for the next run: swap = 1, or the opposite infant_side where the reviewer had set a side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extract.batch.roles_fix import ROLES_FILE
from extract.errors import DyadscopeError
from extract.outputs import write_csv

DECISIONS_FILE = "review_decisions.csv"
COLUMNS = [
    "clip_id",
    "decision",
    "roles_wrong",
    "exclude",
    "exclude_reason",
    "note",
    "reviewer",
    "decided_at",
]
DECISIONS = ("agree", "disagree", "")
OPPOSITE_SIDE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}
FLAGS = {"1": "1", "0": "0", "": "0", "true": "1", "false": "0"}


class DecisionsError(DyadscopeError):
    """A review decisions file that cannot be read; the message names the file and the line."""


@dataclass
class ImportResult:
    decisions: pd.DataFrame  # the merged OUT/review_decisions.csv
    imported: int  # rows read from the given file
    swapped: list[str] = field(default_factory=list)  # clips given a roles fix in roles.csv
    already: list[str] = field(default_factory=list)  # roles wrong, but roles.csv already had the fix
    unknown: list[str] = field(default_factory=list)  # clip ids not in OUT/qc.csv


def read_decisions(path: str | Path) -> pd.DataFrame:
    """A decisions CSV checked row by row (line numbers count the header as line 1)."""
    path = Path(path)
    if not path.is_file():
        raise DecisionsError(f"{path}: file not found")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in ("clip_id", "decision", "roles_wrong", "exclude") if c not in table.columns]
    if missing:
        raise DecisionsError(f"{path}: missing column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})")
    for col in COLUMNS:
        if col not in table.columns:
            table[col] = ""
    for k, row in enumerate(table.to_dict("records"), start=2):
        where = f"{path}, line {k}"
        if not row["clip_id"].strip():
            raise DecisionsError(f"{where}: empty clip_id")
        if row["decision"].strip().lower() not in DECISIONS:
            raise DecisionsError(
                f"{where} ({row['clip_id']}): decision must be agree, disagree or empty, "
                f"got {row['decision']!r}"
            )
        for col in ("roles_wrong", "exclude"):
            if row[col].strip().lower() not in FLAGS:
                raise DecisionsError(f"{where} ({row['clip_id']}): {col} must be 0 or 1, got {row[col]!r}")
    table["clip_id"] = table.clip_id.str.strip()
    table["decision"] = table.decision.str.strip().str.lower()
    for col in ("roles_wrong", "exclude"):
        table[col] = table[col].str.strip().str.lower().map(FLAGS)
    duplicated = table.clip_id[table.clip_id.duplicated()]
    if len(duplicated):
        line = int(duplicated.index[0]) + 2
        raise DecisionsError(f"{path}, line {line}: clip {duplicated.iloc[0]} appears twice")
    return table[COLUMNS]


def _merge(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    if old is None:
        return new.reset_index(drop=True)
    kept = old[~old.clip_id.isin(new.clip_id)]
    return pd.concat([kept, new], ignore_index=True)


def _fix_roles(roles_path: Path, clips: list[str]) -> tuple[list[str], list[str]]:
    """Set each clip's fix in roles.csv (rows and columns kept). Returns (fixed, already fixed)."""
    if roles_path.is_file():
        roles = pd.read_csv(roles_path, dtype=str, keep_default_na=False)
        if "clip_id" not in roles.columns:
            raise DecisionsError(f"{roles_path}: missing column clip_id")
    else:
        roles = pd.DataFrame(columns=["clip_id", "swap", "infant_side"])
    for col in ("swap", "infant_side"):
        if col not in roles.columns:
            roles[col] = ""
    fixed, already = [], []
    for clip in clips:
        rows = roles.index[roles.clip_id == clip]
        if not len(rows):
            roles.loc[len(roles)] = {c: "" for c in roles.columns} | {"clip_id": clip, "swap": "1"}
            fixed.append(clip)
            continue
        i = rows[0]
        side = roles.at[i, "infant_side"].strip().lower()
        if side in OPPOSITE_SIDE:  # the reviewer's side was wrong: the infant is on the other one
            roles.at[i, "infant_side"], roles.at[i, "swap"] = OPPOSITE_SIDE[side], ""
            fixed.append(clip)
        elif roles.at[i, "swap"].strip().lower() in ("1", "true", "yes", "y"):
            already.append(clip)  # this run already had the swap: the sheet needs a side instead
        else:
            roles.at[i, "swap"] = "1"
            fixed.append(clip)
    write_csv(roles_path, roles)
    return fixed, already


def import_decisions(path: str | Path, out: str | Path) -> ImportResult:
    """Merge the decisions file at `path` into OUT/review_decisions.csv and the role fixes into
    OUT/roles.csv. Nothing is written when the file has an error."""
    out = Path(out)
    if not out.is_dir():
        raise DecisionsError(f"{out}: run folder not found")
    new = read_decisions(path)
    target = out / DECISIONS_FILE
    old = read_decisions(target) if target.is_file() and target.resolve() != Path(path).resolve() else None
    unknown: list[str] = []
    qc_path = out / "qc.csv"
    if qc_path.is_file():
        known = set(pd.read_csv(qc_path, dtype=str, usecols=["clip_id"]).clip_id)
        unknown = [c for c in new.clip_id if c not in known]
    merged = _merge(old, new)
    wrong = list(new.clip_id[new.roles_wrong == "1"])
    fixed, already = _fix_roles(out / ROLES_FILE, wrong) if wrong else ([], [])
    write_csv(target, merged)
    return ImportResult(merged, len(new), fixed, already, unknown)

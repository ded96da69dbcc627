"""`OUT/roles.csv`: the reviewer's role fixes, one row per clip, read by the next run.

Written after every (unsharded) run with one row per clip: `clip_id`, the two fix columns
`swap` (1 = flip the roles the cues chose) and `infant_side` (left|right|top|bottom: where the
infant is), kept as the reviewer left them, then what the run found (`role_cue`,
`role_confidence`, `sheet`, the role check PNG). The next run into the same folder reads the fix
columns before any work starts, redoes the clips whose fix changed, and records the fix in each
clip's provenance. A fix in roles.csv wins over the manifest's `infant_side`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from extract.batch.inputs import ClipInput, InputError
from extract.outputs import write_csv

ROLES_FILE = "roles.csv"
FIX_SIDES = ("left", "right", "top", "bottom")
TRUE, FALSE = ("1", "true", "yes", "y"), ("", "0", "false", "no", "n")


def read_roles_fix(path: str | Path) -> dict[str, dict]:
    """clip_id -> {'swap': True} or {'infant_side': side} from a roles.csv; {} when the file is
    absent. Raises InputError naming the file, row and column for anything unreadable."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    if "clip_id" not in table:
        raise InputError(f"{path}: missing column clip_id")
    fixes: dict[str, dict] = {}
    for k, row in enumerate(table.to_dict("records"), start=2):
        swap = str(row.get("swap", "")).strip().lower()
        side = str(row.get("infant_side", "")).strip().lower()
        where = f"{path}, row {k} ({row['clip_id']})"
        if swap not in TRUE + FALSE:
            raise InputError(f"{where}: swap must be 1 or 0 (or empty), got {row['swap']!r}")
        if side and side not in FIX_SIDES:
            raise InputError(
                f"{where}: infant_side must be one of {'|'.join(FIX_SIDES)}, got {row['infant_side']!r}"
            )
        if swap in TRUE and side:
            raise InputError(f"{where}: give swap or infant_side, not both")
        if swap in TRUE:
            fixes[row["clip_id"]] = {"swap": True}
        elif side:
            fixes[row["clip_id"]] = {"infant_side": side}
    return fixes


def apply_roles_fix(clips: list[ClipInput], fixes: dict[str, dict], *, source: str) -> list[ClipInput]:
    """The clips with their fix in `meta` (`infant_side`, or `swap_roles` = '1') and `roles_fix`
    (what to record in provenance)."""
    out = []
    for clip in clips:
        fix = fixes.get(clip.clip_id)
        if not fix:
            out.append(clip)
            continue
        meta = {k: v for k, v in clip.meta.items() if k != "infant_side"}
        if fix.get("swap"):
            meta["swap_roles"] = "1"
        else:
            meta["infant_side"] = fix["infant_side"]
        meta["roles_fix"] = f"{source}: " + (
            "swap" if fix.get("swap") else f"infant_side={fix['infant_side']}"
        )
        out.append(dataclasses.replace(clip, meta=meta))
    return out


def write_roles_file(out_dir: Path, clips: list[ClipInput], qc: pd.DataFrame, fixes: dict[str, dict]) -> None:
    """OUT/roles.csv: every clip of the run with its fix columns (as the reviewer left them) and
    what this run found; clips the file named that are not in this run are kept."""
    found = qc.set_index("clip_id") if len(qc) else pd.DataFrame()
    rows = []
    for clip in clips:
        fix = fixes.get(clip.clip_id, {})
        info = found.loc[clip.clip_id] if clip.clip_id in found.index else {}
        sheet = out_dir / "clips" / clip.clip_id / "roles.png"
        rows.append(
            {
                "clip_id": clip.clip_id,
                "swap": "1" if fix.get("swap") else "",
                "infant_side": fix.get("infant_side", ""),
                "role_cue": info.get("role_cue", "") if len(info) else "",
                "role_confidence": info.get("role_confidence", "") if len(info) else "",
                "sheet": str(sheet.relative_to(out_dir)) if sheet.exists() else "",
            }
        )
    ours = {c.clip_id for c in clips}
    for clip_id, fix in fixes.items():
        if clip_id not in ours:
            rows.append(
                {
                    "clip_id": clip_id,
                    "swap": "1" if fix.get("swap") else "",
                    "infant_side": fix.get("infant_side", ""),
                }
            )
    write_csv(out_dir / ROLES_FILE, pd.DataFrame(rows))

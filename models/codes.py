"""Human event codes: ELAN `.eaf` files and BORIS tabular exports (`.csv` / `.tsv`), one file per clip.

Every reader returns `Codes`: the keys that can name its clip (file stem; ELAN's linked media;
BORIS's observation id and media file) and a table `code, start_s, end_s` (a point event has
end_s == start_s). Code names: an ELAN tier is `tier`, and each annotation value also
`tier: value`; a BORIS behaviour is `behaviour`, and with a subject also `subject: behaviour`.
Names are compared case- and space-insensitively (`code_key`).

BORIS: the tabular events export (columns Behavior, Time and a status column `Behavior type`
or, before BORIS 8, `Status`, with START / STOP / POINT) or the aggregated events export
(Behavior, `Start (s)`, `Stop (s)`); header lines above the column names are skipped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract.errors import DyadscopeError

CODE_COLUMNS = ["code", "start_s", "end_s"]
ELAN_SUFFIXES = (".eaf",)
BORIS_SUFFIXES = (".csv", ".tsv", ".txt")


class CodesError(DyadscopeError):
    """A codes file cannot be read or matched to a clip; the message names the file."""


@dataclass(frozen=True)
class Codes:
    path: Path
    keys: tuple[str, ...]
    spans: pd.DataFrame


def code_key(name: str) -> str:
    return re.sub(r"\s+", " ", str(name).strip().lower())


def _stem(name: str) -> str:
    """'player #1:/data/clip01.mp4;b.mp4' or 'C:\\data\\clip01.mp4' -> 'clip01'."""
    text = re.sub(r"^player #\d+:", "", str(name)).split(";")[0].replace("\\", "/")
    return Path(text).stem


def read_codes(path: str | Path) -> Codes:
    path = Path(path)
    if not path.is_file():
        raise CodesError(f"{path}: codes file not found")
    if path.suffix.lower() in ELAN_SUFFIXES:
        return read_elan_codes(path)
    if path.suffix.lower() in BORIS_SUFFIXES:
        return read_boris_codes(path)
    raise CodesError(f"{path}: not an ELAN (.eaf) or BORIS export (.csv, .tsv) file")


def _table(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=CODE_COLUMNS)
    return table.sort_values(["code", "start_s"], kind="stable").reset_index(drop=True)


def read_elan_codes(path: Path) -> Codes:
    import pympi

    try:
        eaf = pympi.Elan.Eaf(str(path))
    except Exception as exc:  # pympi raises bare exceptions on malformed XML
        raise CodesError(f"{path}: not a readable ELAN file ({exc})") from None
    rows = []
    for tier in eaf.get_tier_names():
        for a, b, value, *_ in eaf.get_annotation_data_for_tier(tier):
            rows.append((tier, a / 1000.0, b / 1000.0))
            if str(value).strip():
                rows.append((f"{tier}: {str(value).strip()}", a / 1000.0, b / 1000.0))
    media = [d.get("RELATIVE_MEDIA_URL") or d.get("MEDIA_URL") or "" for d in eaf.media_descriptors]
    keys = (path.stem, *(_stem(m) for m in media if m))
    return Codes(path, tuple(dict.fromkeys(keys)), _table(rows))


def _header_line(lines: list[str], sep: str, path: Path) -> int:
    for number, line in enumerate(lines):
        cells = [c.strip() for c in next(csv.reader([line], delimiter=sep), [])]
        if "Behavior" in cells and ("Time" in cells or "Start (s)" in cells):
            return number
    raise CodesError(
        f"{path}: not a BORIS export: no header line with 'Behavior' and 'Time' (tabular events) "
        "or 'Start (s)' (aggregated events)"
    )


def read_boris_codes(path: Path) -> Codes:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    sep = (
        "\t"
        if path.suffix.lower() == ".tsv" or (lines and lines[0].count("\t") > lines[0].count(","))
        else ","
    )
    header = _header_line(lines, sep, path)
    table = pd.read_csv(
        path, sep=sep, skiprows=header, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    table.columns = [c.strip() for c in table.columns]
    first_line = header + 2  # file line of the first data row (1-based)
    rows = (
        _aggregated_rows(table, path, first_line)
        if "Start (s)" in table
        else _event_rows(table, path, first_line)
    )
    keys = [path.stem]
    for column in ("Observation id", "Media file name", "Media file path"):
        if column in table:
            keys += [_stem(v) if "file" in column else v for v in table[column].unique() if v and v != "NA"]
    return Codes(path, tuple(dict.fromkeys(k for k in keys if k)), _table(rows))


def _names(row) -> list[str]:
    behaviour = str(row.get("Behavior", "")).strip()
    subject = str(row.get("Subject", "")).strip()
    names = [behaviour]
    if subject and subject.lower() not in ("no focal subject", "na"):
        names.append(f"{subject}: {behaviour}")
    return names


def _seconds(value: str, path: Path, line: int, column: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise CodesError(
            f"{path}: line {line}, column '{column}': not a time in seconds ({value!r})"
        ) from None


def _aggregated_rows(table: pd.DataFrame, path: Path, first_line: int) -> list:
    rows = []
    for i, row in enumerate(table.to_dict("records")):
        a = _seconds(row["Start (s)"], path, first_line + i, "Start (s)")
        stop = row.get("Stop (s)", "NA")
        b = a if stop in ("", "NA") else _seconds(stop, path, first_line + i, "Stop (s)")
        rows += [(name, a, b) for name in _names(row)]
    return rows


def _event_rows(table: pd.DataFrame, path: Path, first_line: int) -> list:
    status_column = next(
        (
            c
            for c in ("Behavior type", "Status")
            if c in table and table[c].isin(["START", "STOP", "POINT"]).any()
        ),
        None,
    )
    if status_column is None:
        raise CodesError(
            f"{path}: tabular events need a 'Behavior type' or 'Status' column of START/STOP/POINT"
        )
    rows, open_at = [], {}
    for i, row in enumerate(table.to_dict("records")):
        line, status = first_line + i, str(row[status_column]).strip()
        t = _seconds(row["Time"], path, line, "Time")
        key = (row.get("Subject", ""), row["Behavior"], row.get("Modifiers", ""))
        if status == "POINT":
            rows += [(name, t, t) for name in _names(row)]
        elif status == "START":
            if key in open_at:
                raise CodesError(f"{path}: line {line}: '{row['Behavior']}' started again before it stopped")
            open_at[key] = t
        elif status == "STOP":
            if key not in open_at:
                raise CodesError(f"{path}: line {line}: '{row['Behavior']}' stopped but never started")
            start = open_at.pop(key)
            rows += [(name, start, t) for name in _names(row)]
        else:
            raise CodesError(
                f"{path}: line {line}, column '{status_column}': {status!r} is not START, STOP or POINT"
            )
    if open_at:
        names = ", ".join(sorted(str(k[1]) for k in open_at))
        raise CodesError(f"{path}: state event(s) started but never stopped: {names}")
    return rows


def match_clips(codes: list[Codes], clips: dict[str, str]) -> dict[str, Codes]:
    """Codes per clip id. `clips`: clip id -> media path. A file matches a clip when one of its
    keys equals the clip id or the media file's stem. Every file must match exactly one clip
    and no clip may get two files; the error lists every problem at once."""
    by_key: dict[str, str] = {}
    for clip_id, media in clips.items():
        by_key.setdefault(clip_id, clip_id)
        if media:
            by_key.setdefault(Path(str(media)).stem, clip_id)
    matched: dict[str, Codes] = {}
    problems = []
    for item in codes:
        ids = sorted({by_key[k] for k in item.keys if k in by_key})
        if len(ids) != 1:
            what = "matches no clip" if not ids else f"matches several clips ({', '.join(ids)})"
            problems.append(f"{item.path}: {what} (its keys: {', '.join(item.keys)})")
        elif ids[0] in matched:
            problems.append(f"{item.path}: clip '{ids[0]}' already has codes from {matched[ids[0]].path}")
        else:
            matched[ids[0]] = item
    if problems:
        raise CodesError("codes files could not be matched to clips:\n  " + "\n  ".join(problems))
    return matched


def read_matched(paths: list[Path], clips: dict[str, str]) -> dict[str, Codes]:
    """Every codes file read and matched to its clip (match_clips)."""
    return match_clips([read_codes(p) for p in paths], clips)

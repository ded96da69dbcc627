"""Vocal segments to and from files: segments.csv, RTTM, ELAN .eaf (pympi-ling), label CSV.

Every reader returns a table with columns start_s, end_s, speaker (sorted by start_s).
RTTM: `SPEAKER <file> 1 <onset_s> <duration_s> <NA> <NA> <speaker> <NA> <NA>`.
ELAN: one tier per speaker (`adult`, `infant`) plus a `turns` tier (conversational turns);
times are integer milliseconds, so a round trip is exact to 1 ms.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

import pandas as pd

SEGMENT_COLUMNS = ["start_s", "end_s", "speaker"]

# Speaker names in common hand-labelled files and what they mean here (case-insensitive).
SPEAKER_SYNONYMS = {
    "adult": "adult",
    "mother": "adult",
    "mom": "adult",
    "mum": "adult",
    "caregiver": "adult",
    "parent": "adult",
    "father": "adult",
    "dad": "adult",
    "mot": "adult",
    "fat": "adult",
    "fan": "adult",
    "man": "adult",
    "fem": "adult",
    "mal": "adult",
    "adu": "adult",
    "infant": "infant",
    "child": "infant",
    "baby": "infant",
    "chi": "infant",
    "chn": "infant",
    "kchi": "infant",
    "inf": "infant",
    "cry": "infant",
}


def normalise_speaker(name: str, mapping: dict[str, str] | None = None) -> str | None:
    """'adult' | 'infant' for a label (user `mapping` first, then SPEAKER_SYNONYMS), else None."""
    key = str(name).strip()
    if mapping and key in mapping:
        return mapping[key]
    return SPEAKER_SYNONYMS.get(key.lower())


def _table(rows) -> pd.DataFrame:
    t = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    return t.sort_values(["start_s", "end_s"], kind="stable").reset_index(drop=True)


def write_rttm(path: str | Path, segments: pd.DataFrame, *, file_id: str) -> None:
    lines = [
        f"SPEAKER {file_id} 1 {a:.3f} {b - a:.3f} <NA> <NA> {spk} <NA> <NA>\n"
        for a, b, spk in zip(segments.start_s, segments.end_s, segments.speaker, strict=False)
    ]
    Path(path).write_text("".join(lines))


def read_rttm(path: str | Path) -> pd.DataFrame:
    """(k rows) start_s, end_s, speaker (the RTTM speaker name, unmapped), plus file_id."""
    rows, files = [], []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            a, d = float(parts[3]), float(parts[4])
            rows.append((a, a + d, parts[7]))
            files.append(parts[1])
    t = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    t["file_id"] = files
    return t.sort_values(["start_s", "end_s"], kind="stable").reset_index(drop=True)


def read_label_csv(path: str | Path) -> pd.DataFrame:
    """A CSV with start_s, end_s, speaker (extra columns such as `path` are kept)."""
    t = pd.read_csv(path)
    missing = set(SEGMENT_COLUMNS) - set(t.columns)
    if missing:
        raise ValueError(f"{path}: label CSV needs columns {SEGMENT_COLUMNS}; missing {sorted(missing)}")
    return t.sort_values(["start_s", "end_s"], kind="stable").reset_index(drop=True)


def write_eaf(
    path: str | Path,
    segments: pd.DataFrame,
    *,
    media_path: str | Path | None = None,
    turns: list[tuple[float, float, str]] = (),
) -> None:
    """ELAN file with tiers `adult`, `infant` (value: confidence when known) and `turns`
    ((start_s, end_s, label) spans), linked to `media_path` (absolute and relative URL)."""
    import pympi

    eaf = pympi.Elan.Eaf(author="dyadscope")
    eaf.remove_tier("default")
    for tier in ("adult", "infant", "turns"):
        eaf.add_tier(tier)
    for row in segments.itertuples():
        value = f"{row.confidence:.2f}" if hasattr(row, "confidence") else ""
        a, b = int(round(row.start_s * 1000)), int(round(row.end_s * 1000))
        if b > a:
            eaf.add_annotation(row.speaker, a, b, value)
    for a, b, label in turns:
        if int(round(b * 1000)) > int(round(a * 1000)):
            eaf.add_annotation("turns", int(round(a * 1000)), int(round(b * 1000)), label)
    if media_path is not None:
        media = Path(media_path).resolve()
        mime = mimetypes.guess_type(media.name)[0] or (
            "audio/x-wav" if media.suffix == ".wav" else "video/mp4"
        )
        rel = os.path.relpath(media, Path(path).resolve().parent)
        eaf.add_linked_file(media.as_uri(), relpath=rel, mimetype=mime)
    eaf.to_file(str(path))


def read_eaf(path: str | Path, *, tiers: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Segments from an ELAN file: tiers named like a speaker (see SPEAKER_SYNONYMS, or the
    `tiers` mapping tier name -> 'adult'|'infant'). Returns (table, linked media URLs)."""
    import pympi

    eaf = pympi.Elan.Eaf(str(path))
    rows = []
    for tier in eaf.get_tier_names():
        speaker = normalise_speaker(tier, tiers)
        if speaker is None:
            continue
        for ann in eaf.get_annotation_data_for_tier(tier):
            rows.append((ann[0] / 1000.0, ann[1] / 1000.0, speaker))
    media = [d.get("RELATIVE_MEDIA_URL") or d.get("MEDIA_URL") for d in eaf.media_descriptors]
    return _table(rows), [m for m in media if m]


def read_turn_tier(path: str | Path) -> list[tuple[float, float, str]]:
    import pympi

    eaf = pympi.Elan.Eaf(str(path))
    if "turns" not in eaf.get_tier_names():
        return []
    return [(a / 1000.0, b / 1000.0, v) for a, b, v, *_ in eaf.get_annotation_data_for_tier("turns")]

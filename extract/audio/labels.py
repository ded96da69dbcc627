"""Vocal segments to and from files: segments.csv, RTTM, ELAN .eaf (pympi-ling), label CSV.

Every reader returns a table with columns start_s, end_s, speaker (sorted by start_s).
RTTM: `SPEAKER <file> 1 <onset_s> <duration_s> <NA> <NA> <speaker> <NA> <NA>`.
ELAN: one tier per speaker (`adult`, `infant`), one tier of vocal types per speaker
(`adult_vocal_type`, `infant_vocal_type`: speech, laugh, cry, other), a `turns` tier
(conversational turns) and optionally a `moments` tier (positive moments, extract.moments);
times are integer milliseconds, so a round trip is exact to 1 ms.
Label names may carry a vocal type (`laugh`, `cry`, `infant laugh`, `CHI:cry`): see parse_label.
"""

from __future__ import annotations

import mimetypes
import os
import re
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


# Vocal-type words in label names and what they mean here (case-insensitive).
TYPE_SYNONYMS = {
    "laugh": "laugh",
    "laughs": "laugh",
    "laughter": "laugh",
    "laughing": "laugh",
    "giggle": "laugh",
    "cry": "cry",
    "crying": "cry",
    "cries": "cry",
    "fuss": "cry",
    "fussing": "cry",
    "speech": "speech",
    "babble": "other",
    "coo": "other",
    "squeal": "other",
    "singing": "speech",
    "other": "other",
}
TYPE_TIER_SUFFIX = "_vocal_type"


def parse_label(name: str, mapping: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """(speaker, vocal type) named by a label or tier: 'mother' -> (adult, None), 'laugh' ->
    (None, laugh), 'CHI laugh' / 'infant_cry' -> (infant, laugh / cry); 'cry' alone is an
    infant cry. Words are split on anything not a letter; unknown words are ignored."""
    speaker = normalise_speaker(name, mapping)
    words = [w for w in re.split(r"[^a-z]+", str(name).lower()) if w]
    kinds = [TYPE_SYNONYMS[w] for w in words if w in TYPE_SYNONYMS]
    if speaker is None:
        speakers = [SPEAKER_SYNONYMS[w] for w in words if w in SPEAKER_SYNONYMS and w != "cry"]
        speaker = speakers[0] if speakers else None
    kind = kinds[0] if kinds else None
    if kind == "cry" and speaker is None:
        speaker = "infant"
    return speaker, kind


def normalise_speaker(name: str, mapping: dict[str, str] | None = None) -> str | None:
    """'adult' | 'infant' for a label (user `mapping` first, then SPEAKER_SYNONYMS), else None."""
    key = str(name).strip()
    if mapping and key in mapping:
        return mapping[key]
    return SPEAKER_SYNONYMS.get(key.lower())


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
    moments: list[tuple[float, float, str]] | None = None,
) -> None:
    """ELAN file with tiers `adult`, `infant` (value: confidence when known),
    `adult_vocal_type`, `infant_vocal_type` (when segments has a filled vocal_type column),
    `turns` ((start_s, end_s, label) spans) and, when `moments` is given, `moments` ((start_s,
    end_s, label) spans: the positive moments), linked to `media_path` (absolute and relative URL)."""
    import pympi

    eaf = pympi.Elan.Eaf(author="dyadscope")
    eaf.remove_tier("default")
    typed = "vocal_type" in segments.columns and segments.vocal_type.fillna("").astype(str).str.len().any()
    type_tiers = [f"{r}{TYPE_TIER_SUFFIX}" for r in ("adult", "infant")] if typed else []
    for tier in ("adult", "infant", *type_tiers, "turns", *(["moments"] if moments is not None else [])):
        eaf.add_tier(tier)
    for row in segments.itertuples():
        value = f"{row.confidence:.2f}" if hasattr(row, "confidence") else ""
        a, b = int(round(row.start_s * 1000)), int(round(row.end_s * 1000))
        if b > a:
            eaf.add_annotation(row.speaker, a, b, value)
            if typed and row.vocal_type:
                eaf.add_annotation(f"{row.speaker}{TYPE_TIER_SUFFIX}", a, b, str(row.vocal_type))
    for tier, spans in (("turns", turns), ("moments", moments or ())):
        for a, b, label in spans:
            if int(round(b * 1000)) > int(round(a * 1000)):
                eaf.add_annotation(tier, int(round(a * 1000)), int(round(b * 1000)), label)
    if media_path is not None:
        media = Path(media_path).resolve()
        mime = mimetypes.guess_type(media.name)[0] or (
            "audio/x-wav" if media.suffix == ".wav" else "video/mp4"
        )
        rel = os.path.relpath(media, Path(path).resolve().parent)
        eaf.add_linked_file(media.as_uri(), relpath=rel, mimetype=mime)
    eaf.to_file(str(path))


def read_eaf(path: str | Path, *, tiers: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Segments from an ELAN file: tiers named like a speaker and/or a vocal type (parse_label,
    or the `tiers` mapping tier name -> 'adult'|'infant'), and `<speaker>_vocal_type` tiers whose
    values are types. Returns (table start_s, end_s, speaker, type; linked media URLs); speaker
    or type is None where the file does not say."""
    import pympi

    eaf = pympi.Elan.Eaf(str(path))
    spans: dict[tuple[float, float, str | None], str | None] = {}
    for tier in eaf.get_tier_names():
        if tier.endswith(TYPE_TIER_SUFFIX):
            speaker = normalise_speaker(tier[: -len(TYPE_TIER_SUFFIX)], tiers)
            for a, b, value, *_ in eaf.get_annotation_data_for_tier(tier):
                spans[(a / 1000.0, b / 1000.0, speaker)] = parse_label(value)[1]
            continue
        speaker, kind = parse_label(tier, tiers)
        if speaker is None and kind is None:
            continue
        for a, b, *_ in eaf.get_annotation_data_for_tier(tier):
            key = (a / 1000.0, b / 1000.0, speaker)
            spans[key] = spans.get(key) or kind
    rows = [(a, b, spk, kind) for (a, b, spk), kind in spans.items()]
    table = pd.DataFrame(rows, columns=[*SEGMENT_COLUMNS, "type"])
    media = [d.get("RELATIVE_MEDIA_URL") or d.get("MEDIA_URL") for d in eaf.media_descriptors]
    return table.sort_values(["start_s", "end_s"], kind="stable").reset_index(drop=True), [
        m for m in media if m
    ]


def read_turn_tier(path: str | Path) -> list[tuple[float, float, str]]:
    import pympi

    eaf = pympi.Elan.Eaf(str(path))
    if "turns" not in eaf.get_tier_names():
        return []
    return [(a / 1000.0, b / 1000.0, v) for a, b, v, *_ in eaf.get_annotation_data_for_tier("turns")]

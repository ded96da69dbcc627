"""The mapping from human codes to dyadscope signals, read from YAML; errors name file, behaviour, field.

name: lab_event_codes
onset_tolerance_s: 1.0          # event match window (default 1 s)
merge_gap_s: 0.3                # signal events closer than this are one event (default 0.3 s)
behaviours:
  - name: infant_smiling
    codes: [infant smiling, "Infant: smile"]        # ELAN tiers / BORIS behaviours (any of them)
    signal: {any: [{column: infant.affect, equals: positive},
                   {column: infant.smile_intensity, above: 0.5}]}
  - name: infant_looks_away
    codes: [infant looks away]
    signal: {column: infant.facing_partner_deg, below: -20}
  - name: infant_vocalizes
    codes: [infant vocalizes]
    signal: {segments: infant}                      # segments.csv speaker (vocal_type: laugh optional)
ratings:                                            # clip-level ratings for `train --codes`
  - {name: smiling_share, behaviour: infant_smiling, measure: share}

A condition is {column, equals | above | below} on frames.parquet (a label column's '' and
'unknown' are unknown, like NaN), or {segments: adult|infant [, vocal_type]}; `any` / `all` combine.
A behaviour whose signal is one `above` / `below` condition is continuous: agree reports its ROC
against the codes and the best threshold too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from extract.errors import ConfigError
from models.codes import code_key
from models.yaml_file import read_yaml

MEASURES = ("share", "seconds", "count", "per_minute", "any")
TOP_KEYS = {"name", "onset_tolerance_s", "merge_gap_s", "behaviours", "ratings"}
CONDITION_OPS = ("equals", "above", "below")
MISSING_LABELS = ("", "unknown", "nan")


class MappingError(ConfigError):
    """A codes mapping file cannot be used; the message names file, behaviour and field."""


@dataclass(frozen=True)
class Behaviour:
    name: str
    codes: tuple[str, ...]
    signal: dict

    def continuous(self) -> tuple[str, float] | None:
        """(column, sign) when the signal is one above/below condition: score = sign x value."""
        op = next((k for k in ("above", "below") if k in self.signal), None)
        return (self.signal["column"], 1.0 if op == "above" else -1.0) if op else None

    def with_threshold(self, threshold: float) -> Behaviour:
        """The continuous behaviour's signal at another threshold (on the score scale)."""
        column, sign = self.continuous()
        op = "above" if sign > 0 else "below"
        return Behaviour(self.name, self.codes, {"column": column, op: sign * threshold})


@dataclass(frozen=True)
class CodeRating:
    name: str
    behaviour: str
    measure: str


@dataclass(frozen=True)
class Mapping:
    name: str
    behaviours: tuple[Behaviour, ...]
    ratings: tuple[CodeRating, ...] = ()
    onset_tolerance_s: float = 1.0
    merge_gap_s: float = 0.3
    source: str = ""

    def behaviour(self, name: str) -> Behaviour:
        return next(b for b in self.behaviours if b.name == name)


def _condition(spec, where: str) -> dict:
    if not isinstance(spec, dict) or not spec:
        raise MappingError(f"{where}: a condition is a mapping (got {spec!r})")
    for combine in ("any", "all"):
        if combine in spec:
            if set(spec) != {combine} or not isinstance(spec[combine], list) or not spec[combine]:
                raise MappingError(f"{where} '{combine}': must be the only key, with a list of conditions")
            return {
                combine: [
                    _condition(s, f"{where} '{combine}' item {i + 1}") for i, s in enumerate(spec[combine])
                ]
            }
    if "segments" in spec:
        if spec["segments"] not in ("adult", "infant") or set(spec) - {"segments", "vocal_type"}:
            raise MappingError(f"{where}: segments condition is {{segments: adult|infant, vocal_type: ...}}")
        return dict(spec)
    ops = [k for k in CONDITION_OPS if k in spec]
    if not isinstance(spec.get("column"), str) or len(ops) != 1 or set(spec) - {"column", *CONDITION_OPS}:
        raise MappingError(
            f"{where}: needs 'column' and one of {', '.join(CONDITION_OPS)} "
            f"(or segments / any / all); got {spec!r}"
        )
    if ops[0] != "equals" and (isinstance(spec[ops[0]], bool) or not isinstance(spec[ops[0]], (int, float))):
        raise MappingError(f"{where} '{ops[0]}': must be a number (got {spec[ops[0]]!r})")
    return dict(spec)


def _number(data: dict, key: str, default: float, where: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise MappingError(f"{where} field '{key}': must be a number >= 0 (got {value!r})")
    return float(value)


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    data = read_yaml(path, MappingError, "mapping")
    where = f"{path}:"
    if not isinstance(data, dict) or not isinstance(data.get("behaviours"), list) or not data["behaviours"]:
        raise MappingError(f"{where} field 'behaviours': missing or empty")
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise MappingError(
            f"{where} unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(TOP_KEYS))})"
        )
    behaviours = []
    for i, entry in enumerate(data["behaviours"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise MappingError(f"{where} behaviour {i + 1}: needs a name")
        at = f"{where} behaviour '{entry['name']}':"
        codes = entry.get("codes")
        codes = [codes] if isinstance(codes, str) else codes
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise MappingError(f"{at} field 'codes': list the ELAN tiers or BORIS behaviours it stands for")
        if any(b.name == entry["name"] for b in behaviours):
            raise MappingError(f"{at} field 'name': listed twice")
        signal = _condition(entry.get("signal"), f"{at} field 'signal'")
        behaviours.append(Behaviour(entry["name"], tuple(codes), signal))
    names = [b.name for b in behaviours]
    ratings = []
    for i, entry in enumerate(data.get("ratings") or []):
        if not isinstance(entry, dict) or set(entry) != {"name", "behaviour", "measure"}:
            raise MappingError(f"{where} rating {i + 1}: needs exactly name, behaviour and measure")
        at = f"{where} rating '{entry['name']}':"
        if entry["behaviour"] not in names:
            raise MappingError(
                f"{at} field 'behaviour': {entry['behaviour']!r} is not one of {', '.join(names)}"
            )
        if entry["measure"] not in MEASURES:
            raise MappingError(
                f"{at} field 'measure': {entry['measure']!r} is not one of {', '.join(MEASURES)}"
            )
        ratings.append(CodeRating(str(entry["name"]), entry["behaviour"], entry["measure"]))
    return Mapping(
        name=str(data.get("name") or path.stem),
        behaviours=tuple(behaviours),
        ratings=tuple(ratings),
        onset_tolerance_s=_number(data, "onset_tolerance_s", 1.0, where),
        merge_gap_s=_number(data, "merge_gap_s", 0.3, where),
        source=str(path),
    )


def span_mask(starts, ends, t: np.ndarray, step: float) -> np.ndarray:
    """Frames (times `t`, spacing `step`) inside any span [start, end); a span holding no frame
    (a point event, or shorter than a frame) marks the frame nearest its middle, if within step/2."""
    mask = np.zeros(len(t), dtype=bool)
    for a, b in zip(starts, ends, strict=True):
        inside = (t >= a) & (t < b)
        if not inside.any() and len(t):
            nearest = int(np.argmin(np.abs(t - (a + b) / 2)))
            inside[nearest] = abs(t[nearest] - (a + b) / 2) <= step / 2 + 1e-9
        mask |= inside
    return mask


def coded_mask(spans: pd.DataFrame, codes: tuple[str, ...], t: np.ndarray, step: float) -> np.ndarray:
    """Frames inside a coded span of any of `codes` (span_mask)."""
    chosen = coded_spans(spans, codes)
    return span_mask(chosen.start_s, chosen.end_s, t, step)


def coded_spans(spans: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    wanted = {code_key(c) for c in codes}
    return spans[[code_key(c) in wanted for c in spans.code]]


def evaluate(signal: dict, frames: pd.DataFrame, segments: pd.DataFrame | None, where: str) -> np.ndarray:
    """The signal per frame: 1.0, 0.0 or NaN (unknown). An audio-only clip (frames.attrs
    'audio_only': a time grid, no video columns) has every video signal unknown."""
    if "any" in signal or "all" in signal:
        combine = "any" if "any" in signal else "all"
        parts = np.vstack([evaluate(s, frames, segments, where) for s in signal[combine]])
        decided, rest = (1.0, 0.0) if combine == "any" else (0.0, 1.0)
        # any: 1 when one part is 1, 0 when all are 0; all: the reverse; else unknown
        return np.where((parts == decided).any(0), decided, np.where((parts == rest).all(0), rest, np.nan))
    t = frames["t_s"].to_numpy(dtype=float)
    if "segments" in signal:
        if segments is None:
            raise MappingError(f"{where}: segments.csv is missing (the signal needs vocal segments)")
        chosen = segments[segments.speaker == signal["segments"]]
        if "vocal_type" in signal:
            chosen = chosen[
                chosen.get("vocal_type", pd.Series("", index=chosen.index)) == signal["vocal_type"]
            ]
        step = float(np.median(np.diff(t))) if len(t) > 1 else 0.1
        return span_mask(chosen.start_s, chosen.end_s, t, step).astype(float)
    column = signal["column"]
    if column not in frames and frames.attrs.get("audio_only"):
        return np.full(len(t), np.nan)
    if column not in frames:
        raise MappingError(f"{where}: frames.parquet has no column {column!r}")
    values = frames[column]
    if "equals" in signal:
        if pd.api.types.is_numeric_dtype(values):
            v = values.to_numpy(dtype=float)
            return np.where(np.isnan(v), np.nan, (v == float(signal["equals"])).astype(float))
        text = values.fillna("").astype(str)
        known = ~text.str.lower().isin(MISSING_LABELS)
        return np.where(known, (text == str(signal["equals"])).astype(float), np.nan)
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    hit = v > signal["above"] if "above" in signal else v < signal["below"]
    return np.where(np.isnan(v), np.nan, hit.astype(float))

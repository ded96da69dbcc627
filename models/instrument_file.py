"""Read and check an instrument YAML file; every error names the file, the scale and the field.

name: lab_codes
scales:
  - {name: laugh, kind: binary, labels: [no, yes]}
  - {name: funny, kind: ordinal, min: 0, max: 3, labels: [not, slightly, funny, very]}
  - {name: sensitivity, kind: continuous, min: 1, max: 9,
     bands: [{name: low, max: 3}, {name: mid, max: 6}, {name: high, max: 9}]}
review: {scale: sensitivity, flag: {at_most: 3}, label: low sensitivity}
aspects:                                # optional: the instrument's own aspects (feature globs)
  warmth: ["affect.*", "*smile*"]
"""

from __future__ import annotations

from pathlib import Path

from extract.errors import ConfigError
from models.instrument import BINARY, CONTINUOUS, KINDS, ORDINAL, Flag, Instrument, Scale
from models.yaml_file import read_yaml

SCALE_KEYS = {"name", "kind", "min", "max", "labels", "bands", "step"}
REVIEW_KEYS = {"scale", "flag", "label", "threshold"}
FLAG_KEYS = {"at_most", "band", "equals"}


class InstrumentError(ConfigError):
    """An instrument file cannot be used; the message names file, scale and field."""


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InstrumentError(f"{where}: must be a number (got {value!r})")
    return float(value)


def _whole(*values: float) -> bool:
    return all(float(v).is_integer() for v in values)


def _bands(entry: dict, lo: float, hi: float, where: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    bands = entry.get("bands")
    if bands is None:
        return (entry["name"],), (hi,)
    if not isinstance(bands, list) or not bands:
        raise InstrumentError(f"{where} field 'bands': must be a list of {{name, max}}")
    names, uppers = [], []
    for i, band in enumerate(bands):
        if not isinstance(band, dict) or set(band) != {"name", "max"}:
            raise InstrumentError(f"{where} field 'bands' item {i + 1}: must be {{name: ..., max: ...}}")
        names.append(str(band["name"]))
        uppers.append(_number(band["max"], f"{where} field 'bands' item {i + 1} 'max'"))
    if len(set(names)) < len(names):
        raise InstrumentError(f"{where} field 'bands': band names repeat ({', '.join(names)})")
    if uppers != sorted(set(uppers)) or uppers[0] < lo:
        raise InstrumentError(
            f"{where} field 'bands': band maxes {uppers} must increase and start at or above min {lo:g}"
        )
    if uppers[-1] != hi:
        raise InstrumentError(
            f"{where} field 'bands': the bands do not cover the range: the last band's max "
            f"{uppers[-1]:g} must equal the scale's max {hi:g}"
        )
    return tuple(names), tuple(uppers)


def _labels(entry: dict, levels: list[float], where: str) -> tuple[str, ...]:
    labels = entry.get("labels")
    if labels is None:
        return tuple(f"{v:g}" for v in levels)
    if not isinstance(labels, list) or len(labels) != len(levels) or len(set(map(str, labels))) < len(labels):
        raise InstrumentError(
            f"{where} field 'labels': needs {len(levels)} distinct labels, one per value "
            f"{', '.join(f'{v:g}' for v in levels)} (got {labels!r})"
        )
    return tuple(str(v) for v in labels)


def parse_scale(entry, where: str) -> Scale:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise InstrumentError(f"{where}: every scale needs a name (got {entry!r})")
    where = f"{where} scale '{entry['name']}':"
    unknown = sorted(set(entry) - SCALE_KEYS)
    if unknown:
        raise InstrumentError(
            f"{where} unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(SCALE_KEYS))})"
        )
    kind = entry.get("kind")
    if kind not in KINDS:
        raise InstrumentError(f"{where} field 'kind': unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if kind == BINARY:
        if entry.get("min", 0) != 0 or entry.get("max", 1) != 1 or "bands" in entry:
            raise InstrumentError(f"{where} a binary scale is rated 0 or 1 (no min, max or bands)")
        return Scale(entry["name"], BINARY, 0.0, 1.0, _labels(entry, [0.0, 1.0], where), (0.0, 1.0))
    for key in ("min", "max"):
        if key not in entry:
            raise InstrumentError(f"{where} field '{key}': missing (a {kind} scale needs min and max)")
    lo, hi = _number(entry["min"], f"{where} field 'min'"), _number(entry["max"], f"{where} field 'max'")
    if lo >= hi:
        raise InstrumentError(f"{where} field 'max': must be greater than min ({lo:g} >= {hi:g})")
    if kind == ORDINAL:
        if not _whole(lo, hi) or "bands" in entry or "step" in entry:
            raise InstrumentError(f"{where} an ordinal scale has whole min and max and one level per value")
        levels = [float(v) for v in range(int(lo), int(hi) + 1)]
        return Scale(entry["name"], ORDINAL, lo, hi, _labels(entry, levels, where), tuple(levels))
    if "labels" in entry:
        raise InstrumentError(f"{where} field 'labels': only for binary and ordinal scales (use bands)")
    names, uppers = _bands(entry, lo, hi, where)
    step = entry.get("step", 1.0 if _whole(lo, hi, *uppers) else 0.0)
    step = _number(step, f"{where} field 'step'")
    return Scale(entry["name"], CONTINUOUS, lo, hi, names, uppers, step=step)


def parse_review(review, scales: dict[str, Scale], where: str) -> Flag:
    if not isinstance(review, dict):
        raise InstrumentError(f"{where} field 'review': missing; say which scale flags a dyad for review")
    unknown = sorted(set(review) - REVIEW_KEYS)
    if unknown:
        raise InstrumentError(f"{where} field 'review': unknown field(s) {', '.join(unknown)}")
    name = review.get("scale")
    if name not in scales:
        raise InstrumentError(
            f"{where} field 'review.scale': {name!r} is not a scale of this instrument ({', '.join(scales)})"
        )
    scale, rule = scales[name], review.get("flag")
    at = f"{where} scale '{name}': field 'review.flag'"
    if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in FLAG_KEYS:
        raise InstrumentError(
            f"{at}: must be one of {{at_most: v}}, {{band: [names]}}, {{equals: v}} (got {rule!r})"
        )
    key, value = next(iter(rule.items()))
    common = {"label": str(review.get("label", "review range"))}
    if "threshold" in review:
        common["threshold"] = _number(review["threshold"], f"{where} field 'review.threshold'")
    if key == "band":
        if scale.kind == BINARY:
            raise InstrumentError(f"{at}: a binary scale is flagged with {{equals: 0 or 1}}, not a band")
        bands = tuple(str(b) for b in (value if isinstance(value, list) else [value]))
        missing = [b for b in bands if b not in scale.band_names]
        if missing:
            raise InstrumentError(f"{at}: band(s) {', '.join(missing)} not in {', '.join(scale.band_names)}")
        return Flag(name, bands=bands, **common)
    value = _number(value, f"{at} '{key}'")
    if not scale.min <= value <= scale.max:
        raise InstrumentError(f"{at} '{key}': {value:g} is outside {scale.min:g}..{scale.max:g}")
    if key == "equals":
        if scale.kind == CONTINUOUS:
            raise InstrumentError(f"{at}: 'equals' is for binary and ordinal scales (use at_most or band)")
        return Flag(name, equals=value, **common)
    if scale.kind == BINARY:
        raise InstrumentError(f"{at}: a binary scale is flagged with {{equals: 0 or 1}}")
    return Flag(name, at_most=value, **common)


def load_instrument(path: str | Path) -> Instrument:
    path = Path(path)
    data = read_yaml(path, InstrumentError, "instrument")
    where = f"{path}:"
    if not isinstance(data, dict):
        raise InstrumentError(f"{where} expected a mapping with name, scales and review")
    unknown = sorted(set(data) - {"name", "scales", "review", "aspects"})
    if unknown:
        raise InstrumentError(
            f"{where} unknown field(s) {', '.join(unknown)} (known: name, scales, review, aspects)"
        )
    entries = data.get("scales")
    if not isinstance(entries, list) or not entries:
        raise InstrumentError(f"{where} field 'scales': missing or empty")
    scales: dict[str, Scale] = {}
    for entry in entries:
        scale = parse_scale(entry, where)
        if scale.name in scales:
            raise InstrumentError(f"{where} scale '{scale.name}': field 'name': listed twice")
        scales[scale.name] = scale
    flag = parse_review(data.get("review"), scales, where)
    aspects = data.get("aspects") or {}
    if not isinstance(aspects, dict) or not all(
        isinstance(v, list) and all(isinstance(g, str) for g in v) for v in aspects.values()
    ):
        raise InstrumentError(
            f"{where} field 'aspects': must map each aspect to a list of feature-name patterns "
            "(e.g. warmth: ['affect.*'])"
        )
    return Instrument(
        name=str(data.get("name") or path.stem),
        scales=scales,
        review_scale=flag.scale,
        flags={flag.scale: flag},
        aspects={str(k): tuple(v) for k, v in aspects.items()},
        source=str(path),
    )


def resolve_instrument(mc) -> Instrument:
    """The instrument of a models config: the built-in CARE-Index, or the file models.instrument
    names, trained on all its scales unless models.targets lists some of them."""
    from extract.config import ModelsConfig
    from extract.vocab import CARE_SCALES
    from models.instrument import BUILTIN, care_index

    if mc.instrument == BUILTIN:
        unknown = [t for t in mc.targets if t not in CARE_SCALES]
        if unknown:
            raise InstrumentError(
                f"config models.targets: {unknown[0]!r} is not a CARE-Index scale "
                f"({', '.join(CARE_SCALES)}); for other scales set models.instrument to an instrument file"
            )
        return care_index(mc)
    inst = load_instrument(mc.instrument)
    default = tuple(ModelsConfig.model_fields["targets"].default)
    chosen = tuple(t for t in mc.targets if t in inst.scales)
    unknown = [t for t in mc.targets if t not in inst.scales]
    if not chosen and tuple(mc.targets) == default:
        chosen, unknown = tuple(inst.scales), []
    if unknown or not chosen:
        raise InstrumentError(
            f"config models.targets: {', '.join(unknown) or '(none)'} not scale(s) of {inst.source} "
            f"({', '.join(inst.scales)})"
        )
    if inst.review_scale not in chosen:
        raise InstrumentError(
            f"{inst.source}: field 'review.scale': {inst.review_scale!r} is not among the trained scales "
            f"(models.targets {list(chosen)})"
        )
    return Instrument(**{**vars(inst), "targets": chosen})

"""The feature dictionary: every clip feature's name, unit, definition, sources, CARE-Index
aspect and reference, generated from the code that computes it (docs/features.md)."""

from __future__ import annotations

from dataclasses import dataclass

from extract.vocab import ASPECTS


@dataclass(frozen=True)
class FeatureSpec:
    name: str  # <family>.<role>.<measure>.<stat>, e.g. face.adult.smile.mean
    unit: str
    definition: str
    sources: str  # the per-frame signals or segments it is computed from
    aspect: str  # one of ASPECTS
    reference: str = ""

    def __post_init__(self):
        if self.aspect not in ASPECTS:
            raise ValueError(f"{self.name}: unknown aspect {self.aspect!r}")


def render_markdown(specs: list[FeatureSpec], *, title: str = "dyadscope feature dictionary") -> str:
    """docs/features.md: one table per CARE-Index aspect, features in name order."""
    names = [s.name for s in specs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"features defined twice: {duplicated}")
    lines = [
        f"# {title}",
        "",
        "Generated from the code (`dyadscope features-doc`); do not edit by hand. Names follow",
        "`<family>.<role>.<measure>.<stat>`. Statistics are over valid frames only; a feature",
        "with too little valid data is empty (NaN) and `qc.csv` says why.",
        "",
    ]
    for aspect in ASPECTS:
        group = sorted((s for s in specs if s.aspect == aspect), key=lambda s: s.name)
        if not group:
            continue
        lines += [
            f"## {aspect} ({len(group)})",
            "",
            "| name | unit | definition | sources | reference |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| `{s.name}` | {s.unit} | {s.definition} | {s.sources} | {s.reference} |" for s in group]
        lines.append("")
    return "\n".join(lines)

"""Rating instruments as data: scales (binary, ordinal, continuous) with ranges and bands, and
the review rule that flags a dyad for a human to look at.

The built-in `care_index` is made from the `models` config section (targets, score range,
bands, intervention_max, review_target), exactly the behaviour before instruments existed.
Any other instrument comes from a YAML file (models.instrument_file). A bundle keeps its
instrument as a plain dict (`to_dict`), so screening never needs the file again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BINARY, ORDINAL, CONTINUOUS = "binary", "ordinal", "continuous"
KINDS = (BINARY, ORDINAL, CONTINUOUS)
BUILTIN = "care_index"


@dataclass(frozen=True)
class Scale:
    """One rated scale. `band_upper[i]` is the highest rating in band i; a continuous value
    belongs to the first band whose upper + step/2 it does not exceed (step 1 = whole-point
    ratings; binary and ordinal scales have one band per value)."""

    name: str
    kind: str
    min: float
    max: float
    band_names: tuple[str, ...]
    band_upper: tuple[float, ...]
    step: float = 1.0

    def edges(self) -> np.ndarray:
        """Inner boundaries between bands on the continuous scale."""
        return np.asarray(self.band_upper[:-1], dtype=float) + self.step / 2

    def band_of(self, values) -> np.ndarray:
        """Band index (0 = lowest) of each value."""
        return np.searchsorted(self.edges(), np.asarray(values, dtype=float), side="left")

    def levels(self) -> np.ndarray:
        """The valid whole values of a binary or ordinal scale."""
        return np.asarray(self.band_upper, dtype=float)


@dataclass(frozen=True)
class Flag:
    """The review rule on one scale: `at_most` a value, in one of `bands`, or `equals` a value
    (binary / ordinal). `label` names the range in review reasons ("intervention range")."""

    scale: str
    at_most: float | None = None
    bands: tuple[str, ...] = ()
    equals: float | None = None
    label: str = "review range"
    threshold: float = 0.5  # binary: flagged when P(flagged value) >= threshold

    def describe(self) -> str:
        if self.at_most is not None:
            return f"{self.label} (<= {self.at_most:g})"
        if self.bands:
            return f"{self.label} (band {' or '.join(self.bands)})"
        return f"{self.label} (= {self.equals:g})"

    def flagged(self, scale: Scale, values) -> np.ndarray:
        """Whether ratings on `scale` (coded, or continuous predictions) meet the rule."""
        values = np.asarray(values, dtype=float)
        if self.at_most is not None:
            return values <= self.at_most + scale.step / 2
        if self.bands:
            wanted = [scale.band_names.index(b) for b in self.bands]
            return np.isin(scale.band_of(values), wanted)
        return np.abs(values - self.equals) <= scale.step / 2

    def predicted_flagged(self, scale: Scale, predicted) -> np.ndarray:
        """The rule on predictions: a binary prediction is P(1), flagged when the probability of
        the flagged value reaches `threshold`; other predictions are ratings."""
        if scale.kind != BINARY:
            return self.flagged(scale, predicted)
        p = np.asarray(predicted, dtype=float)
        return (p if self.equals == 1 else 1 - p) >= self.threshold


@dataclass(frozen=True)
class Instrument:
    name: str
    scales: dict[str, Scale]
    review_scale: str
    flags: dict[str, Flag]  # scale -> its flag rule (the review scale's at least)
    aspects: dict = field(default_factory=dict)  # own aspect -> feature-name globs (empty: CARE-Index)
    source: str = BUILTIN
    targets: tuple[str, ...] = field(default=())  # scales to train (all when empty)

    def trained(self) -> tuple[str, ...]:
        return self.targets or tuple(self.scales)

    def review_flag(self) -> Flag:
        return self.flags[self.review_scale]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "source": self.source,
            "review_scale": self.review_scale,
            "aspects": {k: list(v) for k, v in self.aspects.items()},
            "targets": list(self.targets),
            "scales": [
                vars(s) | {"band_names": list(s.band_names), "band_upper": list(s.band_upper)}
                for s in self.scales.values()
            ],
            "flags": [vars(f) | {"bands": list(f.bands)} for f in self.flags.values()],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Instrument:
        scales = {
            s["name"]: Scale(
                **{**s, "band_names": tuple(s["band_names"]), "band_upper": tuple(s["band_upper"])}
            )
            for s in data["scales"]
        }
        flags = {f["scale"]: Flag(**{**f, "bands": tuple(f["bands"])}) for f in data["flags"]}
        return cls(
            name=data["name"],
            scales=scales,
            review_scale=data["review_scale"],
            flags=flags,
            aspects={k: tuple(v) for k, v in (data.get("aspects") or {}).items()},
            source=data.get("source", BUILTIN),
            targets=tuple(data.get("targets", ())),
        )


def care_index(mc) -> Instrument:
    """The CARE-Index from the models config: every target rated score_min..score_max in the
    configured bands, each flagged at intervention_max ("intervention range")."""
    scales = {
        t: Scale(
            t,
            CONTINUOUS,
            float(mc.score_min),
            float(mc.score_max),
            tuple(mc.band_names),
            tuple(float(v) for v in mc.band_upper),
        )
        for t in mc.targets
    }
    flags = {t: Flag(t, at_most=float(mc.intervention_max), label="intervention range") for t in mc.targets}
    return Instrument(
        name=BUILTIN,
        scales=scales,
        review_scale=mc.review_target,
        flags=flags,
        targets=tuple(mc.targets),
    )


def bundle_instrument(cfg: dict) -> Instrument:
    """The instrument a bundle was trained with (bundles from before instruments: the CARE-Index
    from their config)."""
    if cfg.get("instrument_definition"):
        return Instrument.from_dict(cfg["instrument_definition"])
    from extract.config import ModelsConfig

    known = {k: v for k, v in cfg.items() if k in ModelsConfig.model_fields}
    return care_index(ModelsConfig.model_construct(**known))

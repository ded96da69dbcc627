"""Feature -> CARE-Index aspect, from the feature registry (extract.features.registry)."""

from __future__ import annotations

from typing import Callable

from extract.features.registry import all_feature_specs

UNKNOWN = "unknown"


def dictionary_aspects() -> dict[str, str]:
    """name -> aspect for every feature the registry lists under the default config."""
    return {spec.name: spec.aspect for spec in all_feature_specs()}


def aspect_mapper(mapping: Callable[[str], str | None] | None = None) -> Callable[[str], str]:
    """A function feature name -> aspect: `mapping` first, then the dictionaries, else 'unknown'.
    Covariates (`cov.*`) map to 'covariate'."""
    known = dictionary_aspects()

    def aspect(name: str) -> str:
        if name.startswith("cov."):
            return "covariate"
        if mapping is not None:
            found = mapping(name)
            if found:
                return found
        return known.get(name, UNKNOWN)

    return aspect

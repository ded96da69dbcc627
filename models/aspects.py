"""Feature -> aspect: the CARE-Index aspect from the feature registry
(extract.features.registry), or an instrument's own aspects by feature-name patterns."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Callable

from extract.features.registry import all_feature_specs

UNKNOWN = "unknown"


def dictionary_aspects() -> dict[str, str]:
    """name -> aspect for every feature the registry lists under the default config."""
    return {spec.name: spec.aspect for spec in all_feature_specs()}


OTHER = "other"


def aspect_mapper(
    mapping: Callable[[str], str | None] | None = None, patterns: dict | None = None
) -> Callable[[str], str]:
    """A function feature name -> aspect: `mapping` first, then `patterns` (an instrument's
    aspect -> feature-name globs; the first aspect with a matching glob, else 'other') or, without
    patterns, the feature dictionaries (else 'unknown'). Covariates (`cov.*`) map to 'covariate'."""
    known = dictionary_aspects()

    def aspect(name: str) -> str:
        if name.startswith("cov."):
            return "covariate"
        if mapping is not None:
            found = mapping(name)
            if found:
                return found
        if patterns:
            return next(
                (a for a, globs in patterns.items() if any(fnmatchcase(name, g) for g in globs)), OTHER
            )
        return known.get(name, UNKNOWN)

    return aspect

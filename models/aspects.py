"""Feature -> CARE-Index aspect, from the feature dictionary when it is available."""

from __future__ import annotations

import importlib
import logging
from typing import Callable

log = logging.getLogger(__name__)
UNKNOWN = "unknown"
# Where dictionaries may live; each entry: (module, callable or list attribute).
_SOURCES = (
    ("extract.features.dictionary", ("feature_dictionary", "all_specs", "FEATURES", "SPECS")),
    ("extract.audio.dictionary", ("audio_feature_dictionary",)),
)


def _entries(obj) -> list:
    try:
        return list(obj() if callable(obj) else obj)
    except Exception as exc:  # a dictionary under construction must not break validation
        log.debug("feature dictionary unavailable: %s", exc)
        return []


def dictionary_aspects() -> dict[str, str]:
    """name -> aspect from whatever feature dictionaries exist (FeatureSpec objects or dicts)."""
    mapping: dict[str, str] = {}
    for module_name, attributes in _SOURCES:
        try:
            module = importlib.import_module(module_name)
        except Exception:
            continue
        for attribute in attributes:
            if not hasattr(module, attribute):
                continue
            for entry in _entries(getattr(module, attribute)):
                name = entry.get("name") if isinstance(entry, dict) else getattr(entry, "name", None)
                aspect = entry.get("aspect") if isinstance(entry, dict) else getattr(entry, "aspect", None)
                if name and aspect:
                    mapping[str(name)] = str(aspect)
    return mapping


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

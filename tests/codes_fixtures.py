"""Hand-built ELAN files for the codes tests."""

from pathlib import Path


def write_elan(path: Path, tiers: dict[str, list[tuple[float, float]]]) -> Path:
    """An .eaf with one tier per key and an empty-valued annotation per (start_s, end_s)."""
    import pympi

    eaf = pympi.Elan.Eaf(author="test")
    eaf.remove_tier("default")
    for tier, spans in tiers.items():
        eaf.add_tier(tier)
        for a, b in spans:
            eaf.add_annotation(tier, int(round(a * 1000)), int(round(b * 1000)), "")
    eaf.to_file(str(path))
    return path

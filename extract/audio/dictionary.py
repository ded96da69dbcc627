"""Feature dictionary entries for the audio features (name, unit, definition, CARE-Index aspect).

The later features.csv / feature-dictionary builder collects these; a test keeps them in
step with what analyze_audio emits.
"""

from __future__ import annotations

from extract.audio.turns import _fmt
from extract.vocab import CONTROL, ROLES, VOCAL
from extract.vocab import TURN_TAKING as TURNS

_VOICE = {
    "segments.count": ("count", "vocal segments attributed to the role", VOCAL),
    "segments.per_min": ("1/min", "vocal segments per minute of clip", VOCAL),
    "vocal_time_s.total": ("s", "summed duration of the role's vocal segments", VOCAL),
    "f0_hz.mean": ("Hz", "mean F0 over the voiced 10 ms frames of the role's segments (YIN)", VOCAL),
    "f0_hz.sd": ("Hz", "SD of F0 over those frames", VOCAL),
    "f0_hz.range": ("Hz", "5th-95th percentile spread of F0 over those frames", VOCAL),
    "f0_st.mean": ("st re 100 Hz", "mean F0 in semitones re 100 Hz", VOCAL),
    "f0_st.sd": ("st", "SD of F0 in semitones", VOCAL),
    "f0_st.range": ("st", "5th-95th percentile spread of F0 in semitones", VOCAL),
    "f0_range_st.mean": (
        "st",
        "mean over segments of the within-segment F0 range (5th-95th percentile)",
        VOCAL,
    ),
    "intensity_db.mean": (
        "dB re full scale",
        "power-mean speech-band (100-4000 Hz) level over the role's frames",
        VOCAL,
    ),
    "voiced.share": ("0..1", "share of the role's frames that are voiced (periodic)", VOCAL),
}
_IDS = {
    "f0_rel_baseline_st.mean": (
        "st",
        "mean over adult segments of segment F0 median minus the adult's clip baseline "
        "(25th percentile of its segment F0 medians): infant-directed pitch raising",
        VOCAL,
    ),
    "f0_rel_baseline_st.max": ("st", "largest adult segment F0 raise over the baseline", VOCAL),
    "f0_range_rel_baseline_st.mean": (
        "st",
        "mean adult segment F0 range minus the adult's median segment F0 range: "
        "infant-directed pitch excursion",
        VOCAL,
    ),
    "ids_like.share": (
        "0..1",
        "share of adult segments whose F0 is >= ids_rise_st (3 st) above baseline",
        VOCAL,
    ),
}


def audio_feature_dictionary(*, windows_s: tuple[float, ...] = (1.0, 2.0, 5.0)) -> list[dict]:
    """[{name, unit, definition, aspect}] for every feature analyze_audio emits with these windows."""
    rows = []
    for role in ROLES:
        for measure, (unit, text, aspect) in _VOICE.items():
            rows.append(
                {"name": f"voice.{role}.{measure}", "unit": unit, "definition": text, "aspect": aspect}
            )
    for measure, (unit, text, aspect) in _IDS.items():
        rows.append({"name": f"voice.adult.{measure}", "unit": unit, "definition": text, "aspect": aspect})
    lena = (
        "adult and infant vocalizations separated by < 5 s with no other vocalization between, each adjacent "
        "adult/infant pair counted once (LENA; Gilkerson & Richards 2008)"
    )
    rows += [
        {
            "name": "turns.conversational.count",
            "unit": "count",
            "definition": "conversational turns: " + lena,
            "aspect": TURNS,
        },
        {
            "name": "turns.conversational.per_min",
            "unit": "1/min",
            "definition": "conversational turns per minute",
            "aspect": TURNS,
        },
    ]
    for w in windows_s:
        for name, who, partner in (
            ("contingent_response", "adult", "infant"),
            ("infant_response", "infant", "adult"),
        ):
            base = f"{partner} vocalizations followed by a {who} onset within {w:g} s of their offset"
            rows.append(
                {
                    "name": f"turns.{name}_{_fmt(w)}s.count",
                    "unit": "count",
                    "definition": base,
                    "aspect": TURNS,
                }
            )
            rows.append(
                {
                    "name": f"turns.{name}_{_fmt(w)}s.rate",
                    "unit": "0..1",
                    "definition": f"share of {base}",
                    "aspect": TURNS,
                }
            )
    for role, other in zip(ROLES, ROLES[::-1], strict=True):
        text = f"latency from a {other} offset to the first {role} onset after it (within the largest window)"
        rows.append(
            {
                "name": f"turns.{role}.response_latency_s.median",
                "unit": "s",
                "definition": "median " + text,
                "aspect": TURNS,
            }
        )
        rows.append(
            {
                "name": f"turns.{role}.response_latency_s.iqr",
                "unit": "s",
                "definition": "interquartile range of " + text,
                "aspect": TURNS,
            }
        )
    rows += [
        {
            "name": "turns.overlap.count",
            "unit": "count",
            "definition": "adult/infant segment pairs that overlap in time",
            "aspect": TURNS,
        },
        {
            "name": "turns.overlap_s.total",
            "unit": "s",
            "definition": "total time both vocalize",
            "aspect": TURNS,
        },
        {
            "name": "turns.adult.intrusion.count",
            "unit": "count",
            "definition": "infant vocalizations during which an adult vocalization starts",
            "aspect": CONTROL,
        },
        {
            "name": "turns.adult.intrusion.rate",
            "unit": "0..1",
            "definition": "share of infant vocalizations with an adult onset inside them",
            "aspect": CONTROL,
        },
        {
            "name": "turns.adult.vocal_time.share",
            "unit": "0..1",
            "definition": "adult vocal time / (adult + infant vocal time)",
            "aspect": CONTROL,
        },
        {
            "name": "turns.adult.monologue_s.max",
            "unit": "s",
            "definition": "longest run of adult vocalizations (gaps < 5 s) with no infant vocalization, "
            "first onset to last offset",
            "aspect": CONTROL,
        },
        {
            "name": "turns.silence.share",
            "unit": "0..1",
            "definition": "share of the clip with no vocalization",
            "aspect": TURNS,
        },
    ]
    return rows

"""Extraction parts of the `dyadscope` command: ELAN/RTTM/voice-model flags and `fit-voices`."""

from __future__ import annotations

import argparse
from pathlib import Path

from extract.config import Config, with_overrides
from extract.errors import DyadscopeError
from extract.vocab import ROLES


def add_extract_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--eaf",
        action="store_true",
        help="also write clips/<clip_id>/vocal.eaf (ELAN: adult, infant, turns, moments tiers)",
    )
    p.add_argument("--rttm", action="store_true", help="also write clips/<clip_id>/vocal.rttm")
    p.add_argument(
        "--voice-model",
        type=Path,
        help="voice model from 'dyadscope fit-voices' (default: config audio.speaker.voice_model)",
    )


def apply_extract_flags(cfg: Config, args) -> Config:
    """The config with the audio flags of `args` laid over it (so the config hash records them)."""
    audio: dict = {}
    if getattr(args, "eaf", False):
        audio.setdefault("outputs", {})["eaf"] = True
    if getattr(args, "rttm", False):
        audio.setdefault("outputs", {})["rttm"] = True
    if getattr(args, "voice_model", None):
        audio["speaker"] = {"voice_model": str(args.voice_model.resolve())}
    cfg = with_overrides(cfg, {"audio": audio} if audio else {})
    model = cfg.audio.speaker.voice_model
    if model and cfg.audio.analyze:  # fail before the batch starts, not once per clip
        from extract.audio.analyze import load_voice_model

        try:
            load_voice_model(model)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a usage error
            raise DyadscopeError(f"voice model {model}: cannot be loaded ({exc})") from None
    return cfg


def _parse_map(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items or []:
        name, _, role = item.partition("=")
        if role not in ROLES or not name:
            raise DyadscopeError(f"--map {item!r}: expected NAME=adult or NAME=infant")
        mapping[name] = role
    return mapping


def cmd_fit_voices(args) -> int:
    import joblib

    from extract.audio.fit import fit_voice_model
    from extract.config import load_config

    cfg = load_config(args.config)
    model, data = fit_voice_model(
        args.labels, media_dir=args.media, mapping=_parse_map(args.map), cfg=cfg.audio
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, args.out)
    spoken = data[data.speaker.isin(["adult", "infant"])]
    accuracy = float((model.predict(spoken) == spoken.speaker.to_numpy()).mean())
    counts = spoken.speaker.value_counts().to_dict()
    print(
        f"fitted on {len(spoken)} segments ({counts}) from {data.media.nunique()} recordings; training "
        f"accuracy {accuracy:.3f}"
    )
    if model.type_model is not None:
        typed = data[data["type"].notna()]
        print(f"vocal-type model fitted on {len(typed)} segments ({typed['type'].value_counts().to_dict()})")
    print(f"voice model in {args.out.resolve()}; use it with --voice-model or audio.speaker.voice_model")
    return 0


def add_fit_voices_parser(sub) -> None:
    p = sub.add_parser(
        "fit-voices", help="fit the adult/infant voice model to hand-labelled recordings (.eaf, .rttm, .csv)"
    )
    p.add_argument(
        "labels",
        nargs="+",
        type=Path,
        help="label files: ELAN .eaf, RTTM, or CSV (start_s,end_s,speaker[,type][,path]); labels "
        "laugh / cry (or 'infant laugh', ...) also fit the vocal-type model",
    )
    p.add_argument("--out", type=Path, required=True, help="where to write the model (joblib)")
    p.add_argument(
        "--media",
        type=Path,
        help="folder holding the recordings the labels refer to (default: beside the labels)",
    )
    p.add_argument(
        "--map", action="append", metavar="NAME=ROLE", help="speaker/tier name to adult|infant (repeatable)"
    )
    p.add_argument("--config", type=Path, help="YAML file overriding the defaults")
    p.set_defaults(func=cmd_fit_voices)

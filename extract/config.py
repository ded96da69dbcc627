"""Configuration: pydantic models holding parameters only, loaded from YAML.

Defaults live in these models and are documented field by field in configs/default.yaml
(a test keeps the two identical). A user file overrides only the keys it names; an unknown
or mistyped key is a ConfigError naming the key and the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extract.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VideoConfig(_Section):
    analysis_fps: float = Field(10.0, gt=0, le=120)
    longest_side: int = Field(640, ge=0)
    decoder_threads: int = Field(0, ge=0, le=64)
    skip_nonref_frames: bool = False


class AudioConfig(_Section):
    sample_rate: int = Field(16000, ge=8000, le=96000)


class Config(_Section):
    video: VideoConfig = VideoConfig()
    audio: AudioConfig = AudioConfig()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    def hash(self) -> str:
        """Stable 12-hex-digit hash of the effective configuration."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _describe(err: dict) -> str:
    key = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    return f"key '{key}': {err['msg']} (got {err.get('input')!r})"


def config_from_dict(data: dict, *, source: str = "<dict>") -> Config:
    """Validate `data` laid over the defaults. Raises ConfigError naming key and source."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return Config.model_validate(_merge(Config().to_dict(), data))
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{source}: {problems}") from None


def load_config(path: str | Path | None = None) -> Config:
    """The defaults, overridden by the YAML file at `path` when given."""
    if path is None:
        return Config()
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    return config_from_dict(data, source=str(path))

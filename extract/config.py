"""Configuration: pydantic models holding parameters only, loaded from YAML.

Defaults live in these models and are documented field by field in configs/default.yaml
(a test keeps the two identical). A user file overrides only the keys it names; an unknown
or mistyped key is a ConfigError naming the key and the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from extract.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VideoConfig(_Section):
    analysis_fps: float = Field(10.0, gt=0, le=120)
    longest_side: int = Field(640, ge=0)
    decoder_threads: int = Field(0, ge=0, le=64)
    skip_nonref_frames: bool = False


class FacesConfig(_Section):
    detector_range: Literal["full", "short"] = "full"
    min_detection_confidence: float = Field(0.5, gt=0, lt=1)
    max_faces: int = Field(4, ge=1, le=10)
    min_face_width: float = Field(0.02, ge=0, lt=1)
    crop_scale: float = Field(2.0, ge=1, le=4)
    crop_px: int = Field(256, ge=64, le=512)
    crop_smoothing: float = Field(0.7, ge=0, lt=1)
    min_mesh_confidence: float = Field(0.5, gt=0, lt=1)
    detect_every_n_frames: int = Field(3, ge=1, le=30)
    short_range_strips: int = Field(2, ge=0, le=4)
    short_range_new_confidence: float = Field(0.7, gt=0, le=1)
    rescue_side_fw: float = Field(3.0, ge=0, le=10)
    edge_pad: float = Field(0.1, ge=0, le=0.5)
    covered_hand_fw: float = Field(0.75, ge=0)
    covered_colour_shift: float = Field(0.5, gt=0, le=1)


class TrackingConfig(_Section):
    max_people: int = Field(2, ge=1, le=2)
    max_missed_s: float = Field(1.5, ge=0)
    gate_fw: float = Field(1.5, gt=0)
    gate_growth_fw: float = Field(0.15, ge=0)
    max_size_ratio: float = Field(1.6, gt=1)
    size_weight: float = Field(2.0, ge=0)
    appearance_weight: float = Field(1.0, ge=0)
    position_weight: float = Field(0.3, ge=0)
    min_identity_share: float = Field(0.05, ge=0, le=1)
    swap_margin: float = Field(0.3, ge=0)
    min_swap_run: int = Field(3, ge=1)


class PoseConfig(_Section):
    enabled: bool = True
    every_n_frames: int = Field(5, ge=1, le=100)
    min_confidence: float = Field(0.5, gt=0, lt=1)
    min_visibility: float = Field(0.5, ge=0, le=1)
    region_half_width_fw: float = Field(2.0, gt=0)
    region_above_fw: float = Field(1.0, ge=0)
    region_below_fw: float = Field(5.0, gt=0)


class MotionConfig(_Section):
    width: int = Field(160, ge=32, le=1920)
    threshold: float = Field(12.0, gt=0, lt=255)


class RolesConfig(_Section):
    infant_side: Literal["auto", "left", "right", "top", "bottom"] = "auto"
    layout: Literal["single", "split_lr", "split_tb"] = "single"
    size_scale: float = Field(0.15, gt=0)
    proportion_scale: float = Field(0.1, gt=0)
    body_scale: float = Field(0.2, gt=0)
    head_shoulder_scale: float = Field(0.2, gt=0)
    voice_scale: float = Field(0.5, gt=0)
    position_scale: float = Field(0.5, gt=0)
    cue_cap: float = Field(3.0, gt=0)
    min_conflict: float = Field(0.5, ge=0)
    voice_cue: bool = True
    sheet: bool = True
    adult_voice_max_hz: float = Field(250.0, gt=50, le=1000)


class DyadConfig(_Section):
    facing_min_deg: float = Field(10.0, ge=0, le=90)
    touch_fw: float = Field(1.0, gt=0)


class QcConfig(_Section):
    min_face_share: float = Field(0.5, ge=0, le=1)
    min_both_share: float = Field(0.3, ge=0, le=1)
    min_pose_share: float = Field(0.3, ge=0, le=1)
    min_role_confidence: float = Field(0.5, ge=0, le=1)
    max_swap_repairs_per_min: float = Field(2.0, ge=0)
    min_face_score: float = Field(0.6, ge=0, le=1)
    warn_if_no_faces: bool = False


class OverlayConfig(_Section):
    enabled: bool = False
    crf: int = Field(28, ge=0, le=51)


class VadConfig(_Section):
    hop_s: float = Field(0.01, gt=0, le=0.05)
    onset_db: float = Field(8.0, gt=0)
    offset_db: float = Field(3.0, gt=0)
    voiced_offset_db: float = Field(1.0, ge=0)
    min_level_db: float = -70.0
    floor_window_s: float = Field(8.0, gt=0)
    floor_percentile: float = Field(10.0, gt=0, lt=50)
    min_segment_s: float = Field(0.1, ge=0)
    min_gap_s: float = Field(0.3, ge=0)
    min_voiced_share: float = Field(0.2, ge=0, le=1)
    unvoiced_keep_s: float = Field(0.6, ge=0)


class PitchConfig(_Section):
    fmin_hz: float = Field(80.0, gt=0)
    fmax_hz: float = Field(1000.0, gt=0)
    threshold: float = Field(0.2, gt=0, lt=1)
    voicing_threshold: float = Field(0.35, gt=0, le=1)


class SpeakerConfig(_Section):
    voice_model: str | None = None
    boundary_hz: float = Field(300.0, gt=0)
    slope_per_st: float = Field(0.5, gt=0)
    centroid_ref_hz: float = Field(900.0, gt=0)
    centroid_per_octave: float = Field(2.0, ge=0)
    aperiodicity_ref: float = Field(0.45, ge=0, le=1)
    aperiodicity_weight: float = Field(8.0, ge=0)
    f0_cap: float = Field(1e9, gt=0)
    articulation_ref: float = 10.0
    articulation_weight: float = Field(2.0, ge=0)
    mouth_weight: float = Field(1.5, ge=0)
    mouth_max_gap_s: float = Field(0.3, ge=0)
    split_smooth_s: float = Field(1.0, ge=0)
    min_part_s: float = Field(0.8, gt=0)
    overlap_mouth_z: float = Field(1.5, ge=0)
    overlap_min_s: float = Field(0.3, gt=0)


class TurnsConfig(_Section):
    windows_s: tuple[float, ...] = (1.0, 2.0, 5.0)
    max_turn_gap_s: float = Field(5.0, gt=0)
    min_infant_vocalization_s: float = Field(0.0, ge=0)


class ProsodyConfig(_Section):
    baseline_percentile: float = Field(25.0, ge=0, le=100)
    ids_rise_st: float = Field(3.0, ge=0)


class AudioQcConfig(_Section):
    min_snr_db: float = 10.0
    min_speaker_confidence: float = Field(0.7, ge=0.5, le=1)


class AudioOutputsConfig(_Section):
    eaf: bool = False
    rttm: bool = False


class VocalTypeConfig(_Section):
    enabled: bool = True
    w_bursts: float = Field(1.5, ge=0)
    w_rate: float = Field(1.0, ge=0)
    w_change: float = Field(1.0, ge=0)
    change_ref: float = 8.0
    w_voiced_run: float = Field(1.0, ge=0)
    w_breath: float = Field(1.0, ge=0)
    laugh_bias: float = -2.0
    w_run: float = Field(1.5, ge=0)
    run_ref_s: float = Field(0.6, gt=0)
    w_loud: float = Field(1.5, ge=0)
    w_high: float = Field(2.0, ge=0)
    cry_f0_ref_st: float = 24.0
    w_sustain: float = Field(1.5, ge=0)
    w_contour: float = Field(1.5, ge=0)
    w_held: float = Field(1.0, ge=0)
    held_ref: float = 10.0
    cry_bias: float = -3.5


class AudioConfig(_Section):
    sample_rate: int = Field(16000, ge=8000, le=96000)
    analyze: bool = True
    vad: VadConfig = VadConfig()
    pitch: PitchConfig = PitchConfig()
    speaker: SpeakerConfig = SpeakerConfig()
    vocal_type: VocalTypeConfig = VocalTypeConfig()
    turns: TurnsConfig = TurnsConfig()
    prosody: ProsodyConfig = ProsodyConfig()
    qc: AudioQcConfig = AudioQcConfig()
    outputs: AudioOutputsConfig = AudioOutputsConfig()


class ModelsConfig(_Section):
    instrument: str = "care_index"
    targets: tuple[str, ...] = ("dyadic_synchrony",)
    score_min: float = 0.0
    score_max: float = 14.0
    band_names: tuple[str, ...] = ("high_risk", "inept", "adequate", "sensitive")
    band_upper: tuple[float, ...] = (4.0, 6.0, 10.0, 14.0)
    intervention_max: float = 6.0
    review_target: str = "dyadic_synchrony"
    interval_level: float = Field(0.9, gt=0, lt=1)
    outer_folds: int = Field(5, ge=2, le=20)
    inner_folds: int = Field(3, ge=2, le=20)
    estimators: tuple[Literal["ridge", "elastic_net", "extra_trees"], ...] = (
        "ridge",
        "elastic_net",
        "extra_trees",
    )
    select_k: tuple[Annotated[int, Field(ge=1)] | Literal["all"], ...] = Field(
        (5, 10, 20, "all"), min_length=1
    )
    max_missing_share: float = Field(0.5, ge=0, le=1)
    covariates: tuple[str, ...] = ()
    seed: int = 0
    novelty_neighbors: int = Field(5, ge=1)
    novelty_quantile: float = Field(0.99, gt=0, lt=1)
    permutations: int = Field(200, ge=0)
    importance_repeats: int = Field(3, ge=1)
    learning_curve_steps: int = Field(5, ge=2)

    @model_validator(mode="after")
    def _consistent(self) -> ModelsConfig:
        problem = models_config_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def models_config_problem(mc: ModelsConfig) -> str | None:
    """What is inconsistent in the models section beyond the field types (bands, threshold,
    review target), or None. A validator of ModelsConfig, so every command fails at config load."""
    if len(mc.band_names) != len(mc.band_upper) or not mc.band_names:
        return (
            f"models.band_names ({len(mc.band_names)}) and models.band_upper ({len(mc.band_upper)}) "
            "must have the same length"
        )
    if (
        list(mc.band_upper) != sorted(set(mc.band_upper))
        or mc.band_upper[-1] != mc.score_max
        or mc.band_upper[0] < mc.score_min
    ):
        return (
            f"models.band_upper {list(mc.band_upper)} must increase and end at models.score_max "
            f"({mc.score_max:g})"
        )
    if not mc.score_min <= mc.intervention_max < mc.score_max:
        return (
            f"models.intervention_max {mc.intervention_max:g} is outside {mc.score_min:g}..{mc.score_max:g}"
        )
    if mc.instrument != "care_index":
        if not Path(mc.instrument).is_file():
            return f"models.instrument: {mc.instrument!r} is neither 'care_index' nor an instrument file"
        return None  # the file's scales, bands and review rule replace the CARE-Index settings
    if mc.review_target not in mc.targets:
        return f"models.review_target {mc.review_target!r} is not one of models.targets {list(mc.targets)}"
    return None


def resolve_instrument_path(data: dict, base: Path) -> dict:
    """`data` with a relative models.instrument file made relative to `base` (the config's folder)."""
    name = (data.get("models") or {}).get("instrument") if isinstance(data.get("models"), dict) else None
    if not isinstance(name, str) or name == "care_index" or Path(name).is_absolute():
        return data
    return {**data, "models": {**data["models"], "instrument": str((base / name).resolve())}}


class SyncConfig(_Section):
    fs: float = Field(10.0, gt=0)
    window_s: float = Field(5.0, gt=0)
    step_s: float = Field(1.0, gt=0)
    max_lag_s: float = Field(2.0, ge=0)
    lag_step_s: float = Field(0.1, gt=0)
    min_valid_share: float = Field(0.8, gt=0, le=1)
    max_gap_s: float = Field(0.5, ge=0)
    n_surrogates: int = Field(40, ge=0)
    seed: int = 0


class EpisodesConfig(_Section):
    smile_rise_fw: float = Field(0.02, ge=0)
    follow_s: float = Field(2.0, gt=0)
    min_episode_s: float = Field(0.3, ge=0)
    approach_speed_fw_s: float = Field(0.5, gt=0)
    intrusive_speed_fw_s: float = Field(1.0, gt=0)
    aversion_deg: float = Field(15.0, ge=0)
    burst_motion: float = Field(0.1, ge=0, le=1)
    min_valid_frames: int = Field(10, ge=1)
    min_valid_s: float = Field(5.0, ge=0)


class AffectConfig(_Section):
    neutral_percentile: float = Field(20.0, gt=0, lt=50)
    min_face_frames: int = Field(10, ge=1)
    max_yaw_deg: float = Field(75.0, gt=0, le=90)
    smile_span_fw: float = Field(0.05, gt=0)
    smile_on: float = Field(0.5, gt=0)
    laugh_mouth_fw: float = Field(0.06, gt=0)
    cry_mouth_fw: float = Field(0.08, gt=0)
    cry_eye_drop: float = Field(0.25, gt=0, lt=1)
    cry_brow_drop_fw: float = Field(0.02, gt=0)
    cry_face_on: float = Field(0.6, gt=0, le=1)
    shared_window_s: float = Field(1.0, ge=0)
    join_window_s: float = Field(2.0, gt=0)
    approach_drop: float = Field(0.03, gt=0)
    response_window_s: float = Field(10.0, gt=0)


class MomentsConfig(_Section):
    count: int = Field(5, ge=0, le=100)
    window_s: float = Field(2.0, gt=0)
    min_s: float = Field(0.5, ge=0)
    max_s: float = Field(8.0, gt=0)
    max_overlap: float = Field(0.0, ge=0, le=1)
    weight_contingent_response: float = Field(1.0, ge=0)
    weight_shared_positive_affect: float = Field(0.8, ge=0)
    weight_mutual_facing: float = Field(0.5, ge=0)
    thumbnail_px: int = Field(320, ge=0, le=1920)


class Config(_Section):
    video: VideoConfig = VideoConfig()
    faces: FacesConfig = FacesConfig()
    tracking: TrackingConfig = TrackingConfig()
    pose: PoseConfig = PoseConfig()
    motion: MotionConfig = MotionConfig()
    roles: RolesConfig = RolesConfig()
    dyad: DyadConfig = DyadConfig()
    qc: QcConfig = QcConfig()
    overlay: OverlayConfig = OverlayConfig()
    audio: AudioConfig = AudioConfig()
    models: ModelsConfig = ModelsConfig()
    sync: SyncConfig = SyncConfig()
    episodes: EpisodesConfig = EpisodesConfig()
    affect: AffectConfig = AffectConfig()
    moments: MomentsConfig = MomentsConfig()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    def hash(self) -> str:
        """Stable 12-hex-digit hash of the effective configuration."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def deep_merge(base: dict, override: dict) -> dict:
    """`base` with `override` laid over it, nested mappings merged key by key (inputs unchanged)."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _describe(err: dict) -> str:
    key = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    if (
        err["type"] == "value_error" and err.get("ctx", {}).get("error") is not None
    ):  # a cross-field validator: its message names the keys
        return str(err["ctx"]["error"])
    return f"key '{key}': {err['msg']} (got {err.get('input')!r})"


def config_from_dict(data: dict, *, source: str = "<dict>") -> Config:
    """Validate `data` laid over the defaults. Raises ConfigError naming key and source."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return Config.model_validate(deep_merge(Config().to_dict(), data))
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{source}: {problems}") from None


def with_overrides(cfg: Config, overrides: dict, *, source: str = "command-line flags") -> Config:
    """`cfg` with the nested `overrides` (e.g. {"overlay": {"enabled": True}}) laid over it,
    validated like a config file; the one way command-line flags change the config (and its hash)."""
    if not overrides:
        return cfg
    return config_from_dict(deep_merge(cfg.to_dict(), overrides), source=source)


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
    if isinstance(data, dict):
        data = resolve_instrument_path(data, path.parent)
    return config_from_dict(data, source=str(path))

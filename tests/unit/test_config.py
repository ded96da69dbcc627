"""Configuration: defaults documented in configs/default.yaml, overrides, errors naming key and file."""

import re
from pathlib import Path

import pytest
import yaml

from extract.config import Config, config_from_dict, load_config
from extract.errors import ConfigError

DEFAULT_YAML = Path(__file__).resolve().parents[2] / "configs" / "default.yaml"


def _leaf_keys(data: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in data.items():
        name = f"{prefix}{key}"
        keys |= _leaf_keys(value, name + ".") if isinstance(value, dict) else {name}
    return keys


def test_default_yaml_equals_model_defaults():
    assert load_config(DEFAULT_YAML) == Config()
    assert yaml.safe_load(DEFAULT_YAML.read_text()) == Config().to_dict()


def test_every_default_yaml_field_has_a_comment_above_it():
    lines = DEFAULT_YAML.read_text().splitlines()
    for number, line in enumerate(lines):
        match = re.match(r"^(\s+)(\w+):\s*\S", line)
        if match:
            assert lines[number - 1].strip().startswith("#"), f"field '{match.group(2)}' has no comment"
    assert len(_leaf_keys(Config().to_dict())) == sum(
        bool(re.match(r"^\s+\w+:\s*\S", line)) for line in lines
    )


def test_user_file_overrides_only_what_it_names(tmp_path):
    user = tmp_path / "mine.yaml"
    user.write_text("video:\n  analysis_fps: 5\n")
    cfg = load_config(user)
    assert cfg.video.analysis_fps == 5.0
    assert cfg.video.longest_side == Config().video.longest_side
    assert cfg.audio == Config().audio


def test_hash_is_stable_and_changes_with_values():
    assert Config().hash() == Config().hash()
    assert len(Config().hash()) == 12
    assert config_from_dict({"video": {"analysis_fps": 5}}).hash() != Config().hash()
    assert config_from_dict({"video": {"analysis_fps": 10}}).hash() == Config().hash()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("video:\n  analysis_fsp: 5\n", "unknown key 'video.analysis_fsp'"),
        ("vidoe:\n  analysis_fps: 5\n", "unknown key 'vidoe'"),
        ("video:\n  analysis_fps: ten\n", "key 'video.analysis_fps'"),
        ("video:\n  analysis_fps: -1\n", "key 'video.analysis_fps'"),
        ("audio:\n  sample_rate: 16000.5\n", "key 'audio.sample_rate'"),
    ],
)
def test_bad_keys_and_values_name_key_and_file(tmp_path, text, expected):
    user = tmp_path / "bad.yaml"
    user.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(user)
    assert expected in str(err.value)
    assert str(user) in str(err.value)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("video: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(listy)

"""Ratings loading: strict checks whose errors name the line and column; per-clip targets."""

from pathlib import Path

import pytest

from models.ratings import RatingsError, clip_targets, coder_pairs, load_ratings

SAMPLE = Path(__file__).resolve().parents[2] / "sample_clips" / "ratings.csv"
HEADER = "clip_id,dyad_id,timepoint,coder_id,dyadic_synchrony,adult_sensitivity\n"
TARGETS = ("dyadic_synchrony", "adult_sensitivity")


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "ratings.csv"
    path.write_text(HEADER + body)
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "a1,a,8wk,c1,7,7\na2,a,12mo,c1,seven,7\n",
            "line 3, column 'dyadic_synchrony': not a number: 'seven'",
        ),
        ("a1,a,8wk,c1,7,15\n", "line 2, column 'adult_sensitivity': 15 is outside 0..14"),
        ("a1,a,8wk,c1,-1,3\n", "line 2, column 'dyadic_synchrony': -1 is outside 0..14"),
        (
            "a1,a,8wk,c1,7,7\na1,a,8wk,c1,8,8\n",
            "line 3, column 'clip_id': duplicate id 'a1' (already on line 2",
        ),
        ("a1,a,8wk,c1,7,7\n,a,12mo,c1,8,8\n", "line 3, column 'clip_id': empty id"),
        ("a1,,8wk,c1,7,7\n", "line 2, column 'dyad_id': empty id"),
        ("a1,a,8wk,c1,,7\n", "line 2, column 'dyadic_synchrony': empty value"),
        ("a1,a,8wk,c1,7,7\na1,b,8wk,c2,7,7\n", "line 3, column 'dyad_id'"),
    ],
)
def test_bad_ratings_name_line_and_column(tmp_path, body, expected):
    path = _write(tmp_path, body)
    with pytest.raises(RatingsError) as err:
        load_ratings(path, targets=TARGETS)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("clip_id,dyad_id,dyadic_synchrony\na1,a,7\n")
    with pytest.raises(RatingsError, match="missing column.*adult_sensitivity"):
        load_ratings(path, targets=TARGETS)


def test_double_coded_clips_are_averaged_per_clip(tmp_path):
    path = _write(tmp_path, "a1,a,8wk,c1,7,6\na1,a,8wk,c2,10,9\na2,a,12mo,c1,3,4\n")
    ratings = load_ratings(path, targets=TARGETS)
    per_clip = clip_targets(ratings, TARGETS).set_index("clip_id")
    assert per_clip.loc["a1", "dyadic_synchrony"] == 8.5
    assert per_clip.loc["a1", "n_coders"] == 2
    assert per_clip.loc["a2", "adult_sensitivity"] == 4.0
    pairs = coder_pairs(ratings, "dyadic_synchrony")
    assert pairs.to_dict("records") == [{"clip_id": "a1", "rater_a": 7.0, "rater_b": 10.0}]


def test_sample_ratings_load():
    ratings = load_ratings(SAMPLE, targets=("dyadic_synchrony",))
    per_clip = clip_targets(ratings, ("dyadic_synchrony",))
    assert per_clip.clip_id.is_unique
    assert (per_clip.n_coders == 2).sum() == len(ratings) - len(per_clip)


@pytest.mark.parametrize(
    ("models", "expected"),
    [
        ({"band_names": ["low", "high"]}, "same length"),
        ({"band_upper": [4, 6, 10, 13]}, "end at models.score_max"),
        ({"review_target": "adult_control"}, "not one of models.targets"),
        ({"targets": ["dyadic_synchrony", "happiness"]}, "not a CARE-Index scale"),
    ],
)
def test_inconsistent_models_config_is_an_error(models, expected):
    from extract.config import config_from_dict
    from extract.errors import DyadscopeError
    from models.fit import train_bundle

    ratings = load_ratings(SAMPLE, targets=("dyadic_synchrony",))
    with pytest.raises(DyadscopeError, match=expected):
        train_bundle(
            __import__("pandas").DataFrame({"x.a.b.c": [1.0]}, index=["d01_8wk"]),
            ratings,
            config_from_dict({"models": models}),
        )

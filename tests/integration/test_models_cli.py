"""The model commands end to end on a synthetic cohort written to tmp_path."""

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from model_fixtures import synthetic_cohort, write_cohort

from extract.errors import DyadscopeError
from models.cli import main
from models.cli.model_commands import run_models

SAMPLES = Path(__file__).resolve().parents[2] / "sample_clips"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cohort")
    cohort = synthetic_cohort(24, seed=4)
    cohort["qc"].loc[0, ["status", "warnings"]] = ["warn", "no audio stream"]
    config = folder / "models.yaml"
    config.write_text(
        "models:\n  estimators: [ridge, elastic_net]\n  permutations: 20\n  targets: [dyadic_synchrony, "
        "infant_cooperative]\n"
    )
    return {**write_cohort(cohort, folder), "config": config, "folder": folder}


def test_train_screen_validate_report_suggest(files, capsys):
    f = files["folder"]
    model = f / "m" / "model.joblib"
    assert (
        main(
            [
                "train",
                str(files["features"]),
                str(files["ratings"]),
                "--out",
                str(model),
                "--manifest",
                str(files["manifest"]),
                "--config",
                str(files["config"]),
            ]
        )
        == 0
    )
    assert model.is_file() and (f / "m" / "model.joblib.json").is_file()
    assert (
        main(
            [
                "screen",
                str(files["features"]),
                "--model",
                str(model),
                "--qc",
                str(files["qc"]),
                "--out",
                str(f / "screen"),
            ]
        )
        == 0
    )
    predictions = pd.read_csv(f / "screen" / "predictions.csv")
    assert list(predictions.columns[:7]) == [
        "clip_id",
        "target",
        "predicted",
        "lower",
        "upper",
        "band",
        "p_intervention",
    ]
    assert set(predictions.target) == {"dyadic_synchrony", "infant_cooperative"}
    assert ((predictions.lower <= predictions.predicted) & (predictions.predicted <= predictions.upper)).all()
    queue = pd.read_csv(f / "screen" / "review_queue.csv")
    assert list(queue.columns[:3]) == ["clip_id", "priority", "reasons"]
    assert queue.reasons.notna().all() and (queue.reasons.str.len() > 0).all()
    assert (
        "QC warn: no audio stream" in queue.set_index("clip_id").reasons[pd.read_csv(files["qc"]).clip_id[0]]
    )

    assert (
        main(
            [
                "validate",
                "--model",
                str(model),
                "--features",
                str(files["features"]),
                "--ratings",
                str(files["ratings"]),
                "--manifest",
                str(files["manifest"]),
                "--out",
                str(f / "val"),
            ]
        )
        == 0
    )
    stats = pd.read_csv(f / "val" / "validation.csv")
    assert set(stats.target) == {"dyadic_synchrony", "infant_cooperative"}
    assert {"pearson_r", "icc_a1", "icc_c1", "weighted_kappa", "coverage", "perm_p", "ba_bias"} <= set(
        stats.columns
    )
    assert stats.split.str.contains("GroupKFold by dyad_id").all()
    for name in (
        "confusion_dyadic_synchrony.csv",
        "learning_curve_dyadic_synchrony.csv",
        "importance_dyadic_synchrony.csv",
        "group_shares.csv",
        "validation.json",
        "heldout_predictions.csv",
    ):
        assert (f / "val" / name).is_file(), name

    report = f / "report.html"
    assert (
        main(
            [
                "report",
                "--model",
                str(model),
                "--features",
                str(files["features"]),
                "--ratings",
                str(files["ratings"]),
                "--queue",
                str(f / "screen" / "review_queue.csv"),
                "--out",
                str(report),
            ]
        )
        == 0
    )
    text = report.read_text()
    assert not re.search(r"https?://", text)
    assert text.count("data:image/png;base64,") >= 7
    assert "Review queue" in text and "Bland-Altman" in text and "trajectories" in text
    _headline_equals_validation(text, pd.read_csv(f / "val" / "validation.csv").set_index("target"))
    visible = re.sub(r"<[^>]+>", " ", text)
    assert not re.search(r"icc_a1_low|ba_loa_high|perm_distinct|n_clips", visible)  # plain labels only

    assert main(["predict", str(files["features"]), "--model", str(model), "--out", str(f / "pred.csv")]) == 0
    assert len(pd.read_csv(f / "pred.csv")) == len(predictions)
    assert (
        main(["suggest", str(files["features"]), "--model", str(model), "--out", str(f / "suggest.csv")]) == 0
    )
    assert list(pd.read_csv(f / "suggest.csv").columns[:2]) == ["rank", "clip_id"]


def test_schema_mismatch_and_tampering_are_clear_errors(files, capsys):
    f = files["folder"]
    model = f / "m2" / "model.joblib"
    assert (
        main(
            [
                "train",
                str(files["features"]),
                str(files["ratings"]),
                "--out",
                str(model),
                "--config",
                str(files["config"]),
            ]
        )
        == 0
    )
    features = pd.read_csv(files["features"]).drop(columns=["sig.adult.m0.mean"])
    bad = f / "bad_features.csv"
    features.to_csv(bad, index=False)
    capsys.readouterr()
    assert main(["screen", str(bad), "--model", str(model), "--out", str(f / "s2")]) == 2
    assert "missing 1 column(s): sig.adult.m0.mean" in capsys.readouterr().err
    with open(model, "ab") as fh:
        fh.write(b"\0")
    assert main(["screen", str(files["features"]), "--model", str(model), "--out", str(f / "s3")]) == 2
    assert "does not match" in capsys.readouterr().err


def test_bad_ratings_exit_2_naming_row_and_column(files, tmp_path, capsys):
    ratings = pd.read_csv(files["ratings"])
    ratings.loc[3, "dyadic_synchrony"] = 17
    bad = tmp_path / "ratings.csv"
    ratings.to_csv(bad, index=False)
    assert main(["train", str(files["features"]), str(bad), "--out", str(tmp_path / "m.joblib")]) == 2
    assert "line 5, column 'dyadic_synchrony': 17 is outside 0..14" in capsys.readouterr().err


def test_run_chain_without_feature_columns_fails_clearly(tmp_path):
    (tmp_path / "features.csv").write_text("clip_id\na\nb\n")
    (tmp_path / "qc.csv").write_text("clip_id,dyad_id,status\na,d1,ok\nb,d2,ok\n")
    with pytest.raises(DyadscopeError, match="no feature columns"):
        run_models(tmp_path, SAMPLES / "ratings.csv", cfg=None)


def test_run_chain_after_extraction(files, tmp_path):
    """`run --ratings` continues after extraction: here the extraction outputs are given."""
    from extract.config import load_config

    for name in ("features", "qc"):
        shutil.copy(files[name], tmp_path / f"{name}.csv")
    assert run_models(tmp_path, files["ratings"], cfg=load_config(files["config"])) == 0
    for name in (
        "model/model.joblib",
        "model/model.joblib.json",
        "predictions.csv",
        "review_queue.csv",
        "validation/validation.csv",
        "report.html",
    ):
        assert (tmp_path / name).is_file(), name


@pytest.mark.slow
def test_run_on_two_sample_clips_trains_or_says_why(tmp_path, capsys):
    manifest = pd.read_csv(SAMPLES / "manifest.csv").head(2)
    manifest["path"] = [str(SAMPLES / p) for p in manifest.path]
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    code = main(
        [
            "run",
            str(tmp_path / "manifest.csv"),
            "--out",
            str(tmp_path / "out"),
            "--ratings",
            str(SAMPLES / "ratings.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert ("no feature columns" in err) or ("rated dyad" in err), err


def _headline_equals_validation(text: str, stats: pd.DataFrame) -> None:
    """Every number of the report's headline is the validation.csv value, as printed."""
    headlines = re.findall(r'<p class="headline" data-target="([^"]+)">(.*?)</p>', text, flags=re.S)
    assert [t for t, _ in headlines] == list(stats.index)
    for target, body in headlines:
        shown = re.findall(r'data-stat="([^"]+)">([^<]+)<', body)
        assert {"pearson_r", "pearson_r_low", "icc_a1", "icc_a1_high", "mae", "coverage"} <= {
            k for k, _ in shown
        }
        for key, printed in shown:
            value = stats.loc[target, key]
            if printed.endswith("%"):
                assert f"{value:.0%}" == printed, key
            else:
                decimals = len(printed.split(".")[1]) if "." in printed else 0
                assert f"{value:.{decimals}f}" == printed, key

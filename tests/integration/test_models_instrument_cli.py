"""The model commands with a lab's own instrument file, and `run` refusing a bad instrument or
bad ratings before any extraction."""

from pathlib import Path

import pandas as pd
import pytest
from instrument_fixtures import LAB_CODES, lab_ratings
from model_fixtures import synthetic_cohort, write_cohort

from models.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_clips"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    cohort = synthetic_cohort(24, seed=4)
    cohort["ratings"] = lab_ratings(cohort["truth"], seed=2)
    config = folder / "models.yaml"
    config.write_text("models:\n  estimators: [ridge]\n  permutations: 20\n")
    return {**write_cohort(cohort, folder), "config": config, "folder": folder}


def test_train_validate_report_suggest_with_an_instrument_file(files, capsys):
    f, model = files["folder"], files["folder"] / "m" / "model.joblib"
    common = ["--config", str(files["config"]), "--instrument", str(LAB_CODES)]
    assert main(["train", str(files["features"]), str(files["ratings"]), "--out", str(model), *common]) == 0
    out = capsys.readouterr().out
    assert "laugh (binary)" in out and "funny (ordinal)" in out and "sensitivity (continuous)" in out
    assert main(["screen", str(files["features"]), "--model", str(model), "--out", str(f / "s")]) == 0
    predictions = pd.read_csv(f / "s" / "predictions.csv")
    assert set(predictions.target) == {"laugh", "funny", "sensitivity"}
    assert {"p_no", "p_yes", "p_not", "p_very", "p_low", "p_high"} <= set(predictions.columns)
    queue = pd.read_csv(f / "s" / "review_queue.csv")
    assert queue.reasons.str.contains("low sensitivity").any()
    args = ["--model", str(model), "--features", str(files["features"]), "--ratings", str(files["ratings"])]
    assert main(["validate", *args, "--out", str(f / "v")]) == 0
    printed = capsys.readouterr().out
    assert "laugh (dyad-held-out, 48 clips, 24 dyads): ROC AUC" in printed and "exact" in printed
    stats = pd.read_csv(f / "v" / "validation.csv").set_index("target")
    assert stats.loc["laugh", "kind"] == "binary" and 0.5 < stats.loc["laugh", "roc_auc"] <= 1
    assert stats.loc["funny", "adjacent_agreement"] >= stats.loc["funny", "exact_agreement"]
    calibration = pd.read_csv(f / "v" / "calibration_laugh.csv")
    assert calibration.n_clips.sum() == 48
    assert (
        main(["report", *args, "--queue", str(f / "s" / "review_queue.csv"), "--out", str(f / "r.html")]) == 0
    )
    text = (f / "r.html").read_text()
    assert "lab_codes proxy report" in text and "reliability of the probabilities" in text
    assert (
        "ROC, low sensitivity" in text
        and "Permutation importance by aspect (increase in Brier score)" in text
    )
    assert main(["suggest", str(files["features"]), "--model", str(model), "--out", str(f / "sg.csv")]) == 0
    assert len(pd.read_csv(f / "sg.csv")) == 0  # every clip is coded


@pytest.mark.parametrize("broken", ["instrument", "ratings"])
def test_run_refuses_bad_instrument_or_ratings_before_extracting(files, tmp_path, capsys, broken):
    instrument = tmp_path / "lab.yaml"
    text = LAB_CODES.read_text()
    instrument.write_text(text.replace("kind: ordinal", "kind: likert") if broken == "instrument" else text)
    ratings = pd.read_csv(files["ratings"])
    if broken == "ratings":
        ratings.loc[2, "funny"] = 5
    ratings.to_csv(tmp_path / "ratings.csv", index=False)
    out = tmp_path / "out"
    code = main(
        [
            "run",
            str(SAMPLES / "clips"),
            "--out",
            str(out),
            "--ratings",
            str(tmp_path / "ratings.csv"),
            "--instrument",
            str(instrument),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    expected = (
        f"{instrument}: scale 'funny': field 'kind': unknown kind 'likert'"
        if broken == "instrument"
        else "line 4, column 'funny': 5 is outside 0..3 of ordinal scale 'funny'"
    )
    assert expected in err, err
    assert not (out / "clips").exists()

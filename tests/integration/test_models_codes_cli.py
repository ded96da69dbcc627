"""`dyadscope train --codes --mapping`: a lab with event codes and no global ratings trains on
ratings computed from its ELAN files (share of time coded, coded at all)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from codes_fixtures import write_elan
from model_fixtures import synthetic_cohort, write_cohort

from models.agreement_run import AGREEMENT_COLUMNS
from models.cli import main

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
DURATION_S = 180.0


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("codes")
    cohort = synthetic_cohort(30, seed=5)
    cohort["qc"]["duration_s"] = DURATION_S
    paths = write_cohort(cohort, folder)
    (folder / "codes").mkdir()
    rng = np.random.default_rng(3)
    expected = {}
    for row in cohort["truth"].itertuples():
        share = 0.05 + 0.4 / (1 + np.exp(-1.5 * row.latent))
        starts = np.array([5.0, 65.0, 125.0]) + rng.uniform(0, 20, 3)  # spans never overlap
        length = share * DURATION_S / 3
        laughed = row.latent + rng.normal(0, 0.4) > 0.2
        write_elan(
            folder / "codes" / f"{row.clip_id}.eaf",
            {
                "infant smiling": [(a, a + length) for a in starts],
                "infant laughs": [(starts[0], starts[0] + 1.5)] if laughed else [],
            },
        )
        expected[row.clip_id] = (3 * round(length, 3), float(laughed))
    config = folder / "models.yaml"
    config.write_text("models:\n  estimators: [ridge]\n  permutations: 20\n")
    return {**paths, "folder": folder, "config": config, "expected": expected}


def test_train_from_elan_codes_learns_the_coded_share(coded, capsys):
    f, model = coded["folder"], coded["folder"] / "m" / "model.joblib"
    args = ["train", str(coded["features"]), "--codes", str(f / "codes"), "--out", str(model)]
    args += ["--mapping", str(CONFIGS / "codes" / "lab_event_codes.yaml"), "--qc", str(coded["qc"])]
    args += [
        "--instrument",
        str(CONFIGS / "instruments" / "event_codes.yaml"),
        "--config",
        str(coded["config"]),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "smiling_share (continuous)" in printed and "laughed (binary)" in printed
    ratings = pd.read_csv(f / "m" / "model.ratings_from_codes.csv").set_index("clip_id")
    assert len(ratings) == 60 and ratings.dyad_id.nunique() == 30
    for clip_id, (seconds, laughed) in coded["expected"].items():
        assert ratings.at[clip_id, "smiling_share"] == pytest.approx(seconds / DURATION_S, abs=2e-5)
        assert ratings.at[clip_id, "laughed"] == laughed
    v = ["validate", "--model", str(model), "--features", str(coded["features"]), "--out", str(f / "v")]
    assert main([*v, "--ratings", str(f / "m" / "model.ratings_from_codes.csv")]) == 0
    stats = pd.read_csv(f / "v" / "validation.csv").set_index("target")
    assert stats.loc["smiling_share", "pearson_r"] >= 0.8
    assert stats.loc["laughed", "roc_auc"] >= 0.8
    # report.html gets the agreement section when `agree` wrote agreement.csv into its folder
    row = {c: 0.5 for c in AGREEMENT_COLUMNS} | {
        "behaviour": "infant_smiling",
        "clip_id": "all",
        "rule": "default",
    }
    (f / "r").mkdir()
    pd.DataFrame([row]).to_csv(f / "r" / "agreement.csv", index=False)
    assert main(["report", *v[1:5], "--out", str(f / "r" / "report.html")]) == 0
    text = (f / "r" / "report.html").read_text()
    assert "Agreement with human codes" in text and "0.50 [0.50, 0.50]" in text


def test_train_from_codes_needs_dyad_ids(coded, tmp_path, capsys):
    qc = pd.read_csv(coded["qc"]).drop(columns="dyad_id")
    qc.to_csv(tmp_path / "qc.csv", index=False)
    args = ["train", str(coded["features"]), "--codes", str(coded["folder"] / "codes")]
    args += ["--mapping", str(CONFIGS / "codes" / "lab_event_codes.yaml"), "--qc", str(tmp_path / "qc.csv")]
    args += ["--instrument", str(CONFIGS / "instruments" / "event_codes.yaml")]
    assert main([*args, "--out", str(tmp_path / "m.joblib")]) == 2
    assert "no dyad_id column" in capsys.readouterr().err
    assert not (tmp_path / "m.joblib").exists()


def test_train_from_codes_needs_an_instrument_with_the_ratings(coded, tmp_path, capsys):
    args = [
        "train",
        str(coded["features"]),
        "--codes",
        str(coded["folder"] / "codes"),
        "--qc",
        str(coded["qc"]),
    ]
    args += [
        "--mapping",
        str(CONFIGS / "codes" / "lab_event_codes.yaml"),
        "--out",
        str(tmp_path / "m.joblib"),
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert (
        "lab_event_codes.yaml: rating(s) smiling_share, laughed are not scales of the instrument care_index"
        in err
    )

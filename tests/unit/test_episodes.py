"""Interaction episodes on hand-built frame tables with known answers."""

import numpy as np
import pandas as pd

from extract.config import EpisodesConfig
from extract.features.episodes import episode_features, runs

CFG = EpisodesConfig()


def _table(n=300, fs=10.0):
    t = np.arange(n) / fs
    return pd.DataFrame(
        {
            "t_s": t,
            "adult.smile": np.zeros(n),
            "infant.smile": np.zeros(n),
            "dyad.distance_adult_fw": np.full(n, 3.0),
            "infant.facing_partner_deg": np.zeros(n),
            "adult.motion_energy": np.zeros(n),
            "infant.motion_energy": np.zeros(n),
        }
    )


def test_runs():
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]


def test_shared_smiles_at_known_times():
    table = _table()  # 30 s
    table.loc[50:99, "adult.smile"] = 0.1  # adult smiles 5.0-9.9 s
    table.loc[60:79, "infant.smile"] = 0.1  # infant 6.0-7.9 s: follows the adult after 1 s
    table.loc[200:209, "adult.smile"] = 0.1  # adult 20.0-20.9 s alone
    table.loc[200:209, "infant.smile"] = 0.1  # and the infant smiles with it: second shared onset
    f, _ = episode_features(table, CFG)
    assert f["smile.shared.share"] == 30 / 300
    assert np.isclose(f["smile.shared.onsets.per_min"], 2 / (29.9 / 60))
    assert f["smile.infant_follows.rate"] == 1.0  # both adult onsets followed within 2 s
    assert (
        f["smile.adult_follows.rate"] == 0.5
    )  # infant onset 20.0 has an adult onset at 20.0; 6.0 none after it
    assert f["smile.adult_first.share"] == 1.0


def test_scripted_approach_gives_one_episode_with_known_speed():
    table = _table()
    d = np.full(300, 3.0)
    d[100:121] = 3.0 - 2.0 * (np.arange(21) / 20)  # 3 -> 1 face widths in 2 s: 1 fw/s
    d[121:] = 1.0
    table["dyad.distance_adult_fw"] = d
    f, _ = episode_features(table, CFG)
    assert f["proximity.approach.count"] == 1
    assert np.isclose(f["proximity.approach.speed.mean"], 1.0)
    assert f["proximity.withdrawal.count"] == 0
    assert f["proximity.intrusive_approach.count"] == 0  # infant looks at the adult
    table.loc[105:110, "infant.facing_partner_deg"] = -30.0  # infant averts during the approach
    f, _ = episode_features(table, CFG)
    assert f["proximity.intrusive_approach.count"] == 1
    assert f["gaze.infant.aversion.share"] == 6 / 300


def test_missing_data_is_nan_with_reason():
    table = _table(n=30)  # 2.9 s < min_valid_s
    table["infant.smile"] = np.nan
    f, notes = episode_features(table, CFG)
    assert np.isnan(f["smile.shared.share"]) and np.isnan(f["proximity.approach.per_min"])
    assert any(n.startswith("smile.shared.share") for n in notes)
    assert any(n.startswith("proximity.approach") for n in notes)


def test_covered_faces_count_as_hiding_episodes():
    table = _table()  # 30 s, faces found throughout
    table["adult.face_covered"] = 0.0
    table["infant.face_covered"] = np.nan  # infant never found
    table.loc[30:49, "adult.face_covered"] = 1.0  # two peekaboo hides of 2 s each
    table.loc[150:169, "adult.face_covered"] = 1.0
    table.loc[250:251, "adult.face_covered"] = 1.0  # 0.2 s: too short for an episode
    f, _ = episode_features(table, CFG)
    assert f["episodes.face_covered.share"] == 42 / 300
    assert np.isclose(f["episodes.face_covered.per_min"], 2 / (29.9 / 60))

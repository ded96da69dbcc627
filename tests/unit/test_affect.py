"""Visual affect relative to the person's neutral, fusion of voice and face per frame, and the
affect.* clip features on hand-built frame tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from extract.audio.labels import parse_label
from extract.config import AffectConfig, Config
from extract.features.affect import affect_features, affect_specs
from extract.features.affect_fusion import add_affect, frame_vocal_types
from extract.features.family import ClipBundle
from extract.features.registry import all_feature_specs
from extract.video.face_affect import face_affect

CFG = AffectConfig()


def _frames(n=100, fps=10.0) -> pd.DataFrame:
    """Two neutral frontal faces: smile 0.08, mouth 0.01, eyes 0.3, brows 0.1 face widths."""
    t = np.arange(n) / fps
    cols = {"t_s": t, "dyad.distance_norm": np.full(n, 0.3)}
    for role in ("adult", "infant"):
        cols |= {
            f"{role}.smile": np.full(n, 0.08),
            f"{role}.mouth_open": np.full(n, 0.01),
            f"{role}.eye_open": np.full(n, 0.30),
            f"{role}.brow_raise": np.full(n, 0.10),
            f"{role}.yaw_deg": np.zeros(n),
            f"{role}.face_covered": np.zeros(n),
        }
    return pd.DataFrame(cols)


def test_smile_intensity_relative_to_own_neutral_and_pose():
    f = _frames()
    f.loc[50:59, "adult.smile"] = 0.08 + 0.05  # one smile span above neutral
    f["infant.smile"] += 0.03  # another face shape: a higher neutral
    f.loc[50:59, "infant.smile"] += 0.05
    for role in ("adult", "infant"):
        out = face_affect(f, role, CFG)
        assert out["smile_intensity"][:50] == pytest.approx(0.0)
        assert out["smile_intensity"][50:60] == pytest.approx(1.0)
    turned = _frames()
    turned["adult.yaw_deg"] = 60.0  # a turned face's image width halves: the index doubles
    turned["adult.smile"] = 0.16
    turned.loc[50:59, "adult.smile"] = 0.26
    assert face_affect(turned, "adult", CFG)["smile_intensity"][50:60] == pytest.approx(1.0)


def test_laugh_and_cry_faces():
    f = _frames()
    f.loc[10:19, "infant.smile"] = 0.13
    f.loc[10:19, "infant.mouth_open"] = 0.09  # smiling, mouth open: laughing face
    f.loc[30:39, "infant.mouth_open"] = 0.09  # mouth wide, eyes narrowed, brows down: crying face
    f.loc[30:39, "infant.eye_open"] = 0.30 * 0.75
    f.loc[30:39, "infant.brow_raise"] = 0.08
    out = face_affect(f, "infant", CFG)
    assert out["laugh_face"][10:20].tolist() == [1.0] * 10 and out["laugh_face"][30:40].sum() == 0
    assert out["cry_face"][30:40] == pytest.approx(1.0)
    assert out["cry_face"][10:20] == pytest.approx(0.0)  # a smile is no cry
    assert out["cry_face"][:10] == pytest.approx(0.0)


def test_no_affect_without_landmarks_or_covered():
    f = _frames()
    f.loc[0:9, "adult.smile"] = np.nan
    f.loc[10:19, "adult.face_covered"] = 1
    f.loc[20:29, "adult.yaw_deg"] = 85.0
    out = face_affect(f, "adult", CFG)
    assert np.isnan(out["smile_intensity"][:30]).all() and np.isfinite(out["smile_intensity"][30:]).all()
    few = _frames(n=8)
    assert np.isnan(face_affect(few, "adult", CFG)["smile_intensity"]).all()


def _segments(rows):
    return pd.DataFrame(rows, columns=["start_s", "end_s", "speaker", "vocal_type"])


def test_fusion_voice_wins_and_unknown_without_face_or_voice():
    f = _frames()
    f.loc[0:19, "infant.smile"] = np.nan  # no infant face for 2 s
    f.loc[20:29, "infant.smile"] = 0.15  # smiling
    seg = _segments(
        [(0.5, 1.0, "infant", "laugh"), (2.2, 2.6, "infant", "cry"), (4.0, 5.0, "adult", "speech")]
    )
    out = add_affect(f, seg, CFG)
    s = out["infant.affect"].to_numpy()
    assert set(s[5:10]) == {"positive"}  # laughing voice, no face
    assert set(s[0:5]) | set(s[10:20]) == {"unknown"}
    assert set(s[22:26]) == {"negative"}  # crying voice beats the smiling face
    assert set(s[20:22]) | set(s[26:30]) == {"positive"}
    assert set(s[30:]) == {"neutral"}
    assert list(frame_vocal_types(out.t_s.to_numpy(), seg, "adult")[39:51]) == [""] + ["speech"] * 10 + [""]


def test_clip_features_known_answers():
    f = _frames(n=200)  # 20 s
    f.loc[40:59, "adult.smile"] = 0.15  # adult smiles 4.0-6.0 s
    f.loc[45:64, "infant.smile"] = 0.15  # infant joins 0.5 s later, until 6.5 s
    f.loc[120:149, "infant.mouth_open"] = 0.09  # infant crying face 12-15 s ...
    f.loc[120:149, "infant.eye_open"] = 0.2
    f.loc[120:149, "infant.brow_raise"] = 0.07
    f.loc[130:, "dyad.distance_norm"] = 0.25  # ... the adult approaches 1.0 s after its onset
    seg = _segments(
        [
            (12.0, 13.0, "infant", "cry"),
            (14.0, 14.5, "infant", "cry"),
            (8.0, 9.5, "infant", "laugh"),
            (16.0, 17.0, "adult", "speech"),
            (18.0, 18.4, "adult", "laugh"),
        ]
    )
    got, notes = affect_features(ClipBundle(frames=f, segments=seg), Config())
    assert set(got) == {s.name for s in affect_specs(Config())} and notes == []
    assert got["affect.infant.cry_s.total"] == pytest.approx(1.5)
    assert got["affect.infant.laugh_s.total"] == pytest.approx(1.5)
    assert got["affect.adult.laugh_s.total"] == pytest.approx(0.4)
    assert got["affect.infant.distress_run_s.max"] == pytest.approx(3.0)
    assert got["affect.adult.distress_latency_s.median"] == pytest.approx(1.0)
    assert got["affect.infant.negative.share"] == pytest.approx(30 / 200)
    # infant positive 4.5-6.5 s (face) and 8.0-9.5 s (laugh); adult positive 4.0-6.0 and 18.0-18.4 s
    assert got["affect.infant.positive.share"] == pytest.approx(35 / 200)
    assert got["affect.shared_positive.share"] == pytest.approx(20 / 200)  # 4.5-6.5 s: adult within 1 s
    assert got["affect.adult_leads_positive.share"] == pytest.approx(2 / 3)  # adult 4.0, 18.0; infant 8.0
    assert got["affect.infant.joins_positive.share"] == pytest.approx(0.5)  # joined at 4.5, not after 18.0
    assert got["affect.adult.joins_positive.share"] == pytest.approx(0.0)


def test_affect_family_registered_with_aspects():
    names = {s.name: s.aspect for s in all_feature_specs()}
    assert names["affect.infant.laugh_s.total"] == "vocal expression"
    assert names["affect.shared_positive.share"] == "affection & arousal"
    assert names["affect.infant.smile_intensity.mean"] == "facial expression"


def test_audio_only_clip_has_vocal_affect_features():
    seg = _segments([(1.0, 2.0, "infant", "laugh")])
    got, _ = affect_features(ClipBundle(frames=None, segments=seg), Config())
    assert got["affect.infant.laugh_s.total"] == 1.0 and np.isnan(got["affect.infant.positive.share"])


@pytest.mark.parametrize(
    "name, expected",
    [
        ("mother", ("adult", None)),
        ("laugh", (None, "laugh")),
        ("cry", ("infant", "cry")),
        ("CHI laugh", ("infant", "laugh")),
        ("infant_fussing", ("infant", "cry")),
        ("Mum: laughter", ("adult", "laugh")),
        ("tier 3", (None, None)),
    ],
)
def test_parse_label(name, expected):
    assert parse_label(name) == expected

"""Segments to and from ELAN .eaf, RTTM and label CSV."""

import pandas as pd
import pytest

from extract.audio.labels import (
    normalise_speaker,
    read_eaf,
    read_label_csv,
    read_rttm,
    read_turn_tier,
    write_eaf,
    write_rttm,
)


@pytest.fixture
def segments():
    return pd.DataFrame(
        {
            "start_s": [0.512, 1.9, 2.25, 7.031],
            "end_s": [1.204, 3.5, 2.8, 9.999],
            "speaker": ["infant", "adult", "infant", "adult"],
            "confidence": [0.91, 0.99, 0.62, 0.75],
        }
    )


def test_eaf_parses_back_with_the_same_segments_tiers_and_media(tmp_path, segments):
    media = tmp_path / "media" / "clip 1.mp4"
    media.parent.mkdir()
    media.write_bytes(b"\0")
    path = tmp_path / "out" / "vocal.eaf"
    path.parent.mkdir()
    turns = [(0.512, 3.5, "infant->adult")]
    write_eaf(path, segments, media_path=media, turns=turns)
    back, linked = read_eaf(path)
    want = segments.sort_values("start_s").reset_index(drop=True)
    assert list(back.speaker) == list(want.speaker)
    assert (back.start_s - want.start_s).abs().max() <= 0.0005 and (
        back.end_s - want.end_s
    ).abs().max() <= 0.0005
    assert linked == ["../media/clip 1.mp4"]  # relative URL, so the folder can move
    assert read_turn_tier(path) == [(0.512, 3.5, "infant->adult")]
    import pympi

    eaf = pympi.Elan.Eaf(str(path))
    assert set(eaf.get_tier_names()) == {"adult", "infant", "turns"}
    assert eaf.media_descriptors[0]["MEDIA_URL"].startswith("file://")
    assert eaf.media_descriptors[0]["MIME_TYPE"] == "video/mp4"
    values = sorted(v for *_, v in eaf.get_annotation_data_for_tier("infant"))
    assert values == ["0.62", "0.91"]


def test_rttm_round_trip(tmp_path, segments):
    path = tmp_path / "x.rttm"
    write_rttm(path, segments, file_id="clip_1")
    back = read_rttm(path)
    want = segments.sort_values("start_s").reset_index(drop=True)
    assert list(back.speaker) == list(want.speaker)
    assert (back.start_s - want.start_s).abs().max() < 1e-9
    assert (back.end_s - want.end_s).abs().max() <= 0.001
    assert set(back.file_id) == {"clip_1"}
    assert path.read_text().splitlines()[0] == "SPEAKER clip_1 1 0.512 0.692 <NA> <NA> infant <NA> <NA>"


def test_label_csv_and_speaker_names(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("start_s,end_s,speaker\n2,3,MOT\n0,1,CHI\n")
    t = read_label_csv(path)
    assert list(t.start_s) == [0, 2]
    assert [normalise_speaker(s) for s in t.speaker] == ["infant", "adult"]
    assert (
        normalise_speaker("speaker90") is None
        and normalise_speaker("speaker90", {"speaker90": "adult"}) == "adult"
    )
    (tmp_path / "bad.csv").write_text("onset,offset\n1,2\n")
    with pytest.raises(ValueError, match="start_s"):
        read_label_csv(tmp_path / "bad.csv")


def test_eaf_vocal_type_tiers_read_back_as_types(tmp_path, segments):
    typed = segments.assign(vocal_type=["laugh", "speech", "cry", "speech"])
    path = tmp_path / "typed.eaf"
    write_eaf(path, typed)
    import pympi

    eaf = pympi.Elan.Eaf(str(path))
    assert set(eaf.get_tier_names()) == {"adult", "infant", "adult_vocal_type", "infant_vocal_type", "turns"}
    back, _ = read_eaf(path)
    assert len(back) == 4  # the type tiers do not add segments
    assert list(back["type"]) == ["laugh", "speech", "cry", "speech"]


def test_eaf_tiers_named_by_type(tmp_path):
    import pympi

    eaf = pympi.Elan.Eaf(author="test")
    for tier, (a, b) in {"Mother": (0, 900), "CHI laugh": (1000, 1600), "crying": (2000, 4000)}.items():
        eaf.add_tier(tier)
        eaf.add_annotation(tier, a, b, "")
    eaf.to_file(str(tmp_path / "coded.eaf"))
    back, _ = read_eaf(tmp_path / "coded.eaf")
    assert back[["speaker", "type"]].fillna("").values.tolist() == [
        ["adult", ""],
        ["infant", "laugh"],
        ["infant", "cry"],
    ]

"""Positive moments from hand-built frames and segments with known answers: kinds, times,
scores, ranks, non-maximum suppression, the count from the config, moments.csv and the ELAN tier."""

import numpy as np
import pandas as pd
import pytest

from extract.audio.labels import write_eaf
from extract.config import config_from_dict
from extract.moments import MOMENT_COLUMNS, find_moments, read_moments, write_moments
from extract.moments.clip import eaf_spans
from extract.moments.find import Moment, overlap_share, suppress

FPS = 10.0
T = np.round(np.arange(0, 20, 1 / FPS), 3)


def _frames(*, adult_pos=(), infant_pos=(), facing=()) -> pd.DataFrame:
    """20 s at 10 fps; positive (smile intensity 0.8) inside the given (start, end) spans, else
    neutral (0.1); mutual facing 1 inside `facing`, else 0."""

    def inside(spans):
        return np.any([(T >= a - 1e-9) & (T < b - 1e-9) for a, b in spans], axis=0) if spans else T < -1

    f = pd.DataFrame({"t_s": T})
    for role, spans in (("adult", adult_pos), ("infant", infant_pos)):
        on = inside(spans)
        f[f"{role}.smile_intensity"] = np.where(on, 0.8, 0.1)
        f[f"{role}.affect"] = np.where(on, "positive", "neutral").astype(object)
        f[f"{role}.vocal_type"] = ""
    f["dyad.mutual_facing"] = inside(facing).astype(float)
    return f


def _segments(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["start_s", "end_s", "speaker", "vocal_type"])


def _cfg(**moments):
    return config_from_dict({"moments": moments})


def test_contingent_response_times_score_and_description():
    seg = _segments(
        [
            (1.0, 2.0, "infant", "other"),  # babble
            (2.5, 4.0, "adult", "speech"),  # answers 0.5 s after the offset
            (8.0, 9.0, "infant", "other"),
            (11.5, 12.0, "adult", "speech"),  # 2.5 s later: outside the 2 s window
        ]
    )
    m = find_moments(_frames(), seg, _cfg())
    assert list(m.columns) == [*MOMENT_COLUMNS, "thumb_s"]
    assert len(m) == 1
    row = m.iloc[0]
    assert (row["rank"], row.kind, row.start_s, row.end_s) == (1, "contingent_response", 1.0, 4.0)
    # weight 1 x strength (1 - 0.5 x 0.5 / 2 = 0.875) x duration 3 s
    assert row.score == pytest.approx(2.625)
    assert row.description == "the infant babbled at 1.0 s and the parent answered 0.5 s later"
    assert row.thumb_s == pytest.approx(2.8)


def test_shared_positive_affect_and_mutual_facing_kinds():
    f = _frames(adult_pos=[(3.0, 6.0)], infant_pos=[(3.5, 6.5)], facing=[(10.0, 12.0)])
    m = find_moments(f, None, _cfg())
    assert list(m.kind) == ["shared_positive_affect", "mutual_facing"]
    shared, facing = m.iloc[0], m.iloc[1]
    # infant positive frames 3.5..6.4 with the adult positive within 1 s; run end = last frame + 0.1 s
    assert (shared.start_s, shared.end_s) == (3.5, 6.5)
    # weight x mean positivity (infant 0.8; adult 0.8 for 25 frames, 0.1 after 6.0 s) x duration
    assert shared.score == pytest.approx(0.8 * (0.8 + (25 * 0.8 + 5 * 0.1) / 30) / 2 * 3.0)
    assert "the parent first, the infant joined 0.5 s later" in shared.description
    assert (facing.start_s, facing.end_s) == (10.0, 12.0)
    assert facing.score == pytest.approx(0.5 * 1.0 * 2.0)


def test_affect_bid_answered_by_an_adult_smile():
    f = _frames(adult_pos=[(5.0, 7.0)], infant_pos=[(4.0, 7.0)])
    cands = find_moments(f, None, _cfg(max_overlap=1.0, count=10))
    bid = cands[cands.kind == "contingent_response"].iloc[0]
    assert (bid.start_s, bid.end_s) == (4.0, 7.0)
    assert bid.description == "the infant smiled at 4.0 s and the parent smiled back 1.0 s later"
    assert bid.score == pytest.approx(1.0 * 0.75 * 3.0)


def test_long_moments_are_cut_to_max_s_and_ranked_by_score():
    f = _frames(facing=[(0.0, 15.0)], adult_pos=[(16.0, 19.0)], infant_pos=[(16.0, 19.0)])
    m = find_moments(f, None, _cfg(max_s=4.0))
    # mutual facing 15 s cut to 4 s: 0.5 x 1 x 4 = 2.0 beats shared smiling 0.8 x 0.8 x 3 = 1.92
    assert list(m.kind) == ["mutual_facing", "shared_positive_affect"]
    assert (m.iloc[0].start_s, m.iloc[0].end_s) == (0.0, 4.0)
    assert list(m.score) == pytest.approx([2.0, 1.92])


def test_nms_drops_overlapping_moments_and_keeps_disjoint_ones():
    ms = [
        Moment("contingent_response", 0.0, 4.0, 1.0, "", 1.0),  # score 4
        Moment("shared_positive_affect", 1.0, 3.0, 1.0, "", 2.0),  # inside the first: overlap 1
        Moment("mutual_facing", 3.0, 7.0, 1.0, "", 5.0),  # 1 s of 4 s shared with the first: 0.25
        Moment("mutual_facing", 10.0, 12.0, 1.0, "", 11.0),  # disjoint
    ]
    assert overlap_share(ms[0], ms[1]) == pytest.approx(1.0)
    assert overlap_share(ms[0], ms[2]) == pytest.approx(0.25)
    assert overlap_share(ms[1], ms[2]) == 0.0
    scores = [4.0, 3.0, 2.0, 1.0]
    assert suppress(ms, scores, max_overlap=0.0, count=5) == [0, 3]  # the default: disjoint moments only
    assert suppress(ms, scores, max_overlap=0.3, count=5) == [0, 2, 3]
    assert suppress(ms, scores, max_overlap=0.3, count=2) == [0, 2]
    assert suppress(ms, [1.0, 1.0, 1.0, 1.0], max_overlap=1.0, count=5) == [0, 1, 2, 3]  # ties: earlier first
    # a worse moment that only touches a kept one (end == start) is kept at max_overlap 0
    touching = [ms[0], Moment("mutual_facing", 4.0, 6.0, 1.0, "", 5.0)]
    assert suppress(touching, [2.0, 1.0], max_overlap=0.0, count=5) == [0, 1]


def test_count_comes_from_the_config():
    seg = _segments(
        [
            row
            for k in range(6)
            for row in ((3 * k, 3 * k + 1, "infant", "speech"), (3 * k + 1.5, 3 * k + 2.5, "adult", "speech"))
        ]
    )
    assert len(find_moments(_frames(), seg, _cfg())) == 5  # default moments.count
    assert len(find_moments(_frames(), seg, _cfg(count=2))) == 2
    assert len(find_moments(_frames(), seg, _cfg(count=0))) == 0
    assert list(find_moments(_frames(), seg, _cfg(count=10))["rank"]) == [1, 2, 3, 4, 5, 6]


def test_moments_csv_round_trip_and_elan_tier(tmp_path):
    import pympi

    seg = _segments([(1.0, 2.0, "infant", "other"), (2.5, 4.0, "adult", "speech")])
    m = find_moments(_frames(adult_pos=[(8.0, 11.0)], infant_pos=[(8.5, 11.0)]), seg, _cfg())
    table, notes = write_moments(tmp_path, m, video=None, thumbnail_px=320)
    assert notes == []
    back = read_moments(tmp_path)
    assert list(back.columns) == MOMENT_COLUMNS
    assert list(back.kind) == ["contingent_response", "shared_positive_affect"]
    assert list(back.thumbnail) == ["", ""]
    eaf = tmp_path / "vocal.eaf"
    write_eaf(eaf, seg, moments=eaf_spans(back))
    spans = pympi.Elan.Eaf(str(eaf)).get_annotation_data_for_tier("moments")
    assert [(a, b) for a, b, *_ in spans] == [(1000, 4000), (8500, 11000)]
    assert spans[0][2].startswith("1 contingent_response: the infant babbled at 1.0 s")


def test_audio_only_clips_get_their_vocal_responses_and_no_thumbnail(tmp_path):
    seg = _segments([(0.5, 1.5, "infant", "laugh"), (1.8, 3.0, "adult", "laugh")])
    m = find_moments(None, seg, _cfg())
    assert list(m.kind) == ["contingent_response"]
    assert (m.iloc[0].start_s, m.iloc[0].end_s) == (0.5, 3.0)
    assert m.iloc[0].description == "the infant laughed at 0.5 s and the parent laughed 0.3 s later"
    table, _ = write_moments(tmp_path, m, video=None, thumbnail_px=320)
    assert list(table.thumbnail) == [""] and not (tmp_path / "moments").exists()


def test_a_missing_or_incomplete_moments_file_names_the_file(tmp_path):
    from extract.moments import MomentsFileError

    with pytest.raises(MomentsFileError, match="no moments file"):
        read_moments(tmp_path)
    (tmp_path / "moments.csv").write_text("rank,kind\n1,mutual_facing\n")
    with pytest.raises(MomentsFileError, match=r"moments.csv: missing columns \['start_s'"):
        read_moments(tmp_path)


def test_a_short_shared_run_whose_adult_smile_comes_after_it():
    # the infant smiles 3.0-3.6 s; the adult from 4.0 s: within affect.shared_window_s (1 s) of it
    f = _frames(infant_pos=[(3.0, 3.6)], adult_pos=[(4.0, 5.0)])
    m = find_moments(f, None, _cfg(max_overlap=1.0, count=10)).set_index("kind")
    shared = m.loc["shared_positive_affect"]
    assert (shared.start_s, shared.end_s) == (3.0, 3.6)
    assert "the infant first, the parent joined 1.0 s later" in shared.description
    bid = m.loc["contingent_response"]  # the infant's smile answered by the adult's 1.0 s later
    assert (bid.start_s, bid.end_s, bid.score) == (3.0, 5.0, pytest.approx(1.0 * 0.75 * 2.0))

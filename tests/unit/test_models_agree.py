"""`dyadscope agree`: hand-built ELAN and BORIS codes against a hand-built frame table with
known overlaps give the hand-computed kappa, F1 and event figures; --eaf files agree with
themselves; bad mapping and codes files name file and field."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from codes_fixtures import write_elan

from extract.audio.labels import write_eaf
from models.agreement import best_threshold, bootstrap_ci, clip_counts, match_onsets, statistics
from models.cli import main
from models.code_mapping import MappingError, load_mapping
from models.codes import CodesError, read_codes

T = np.arange(100) / 10.0  # 10 s at 10 frames/s

MAPPING = """name: test_codes
onset_tolerance_s: 1.0
merge_gap_s: 0.0
behaviours:
  - name: infant_smiling
    codes: [infant smiling]
    signal: {column: infant.affect, equals: positive}
  - name: smile_index
    codes: [Infant smiling]
    signal: {column: infant.smile_intensity, above: 0.9}
  - name: infant_vocalizes
    codes: [infant]
    signal: {segments: infant}
ratings:
  - {name: smiling_share, behaviour: infant_smiling, measure: share}
  - {name: smiled, behaviour: infant_smiling, measure: any}
  - {name: smiles, behaviour: infant_smiling, measure: count}
"""


def _frames() -> pd.DataFrame:
    """Signal positive in frames 12..23 (1.2-2.3 s) and 70..79; unknown in 90..94."""
    affect = np.full(100, "neutral", dtype=object)
    affect[12:24] = "positive"
    affect[70:80] = "positive"
    affect[90:95] = "unknown"
    smile = np.full(100, 0.1)
    smile[10:20] = 0.8  # exactly the first coded span ...
    smile[50:55] = 0.8  # ... and the second: separable at 0.45
    return pd.DataFrame({"t_s": T, "infant.affect": affect, "infant.smile_intensity": smile})


def _run(folder: Path, clip_id: str = "c1") -> Path:
    clip = folder / "run" / "clips" / clip_id
    clip.mkdir(parents=True)
    _frames().to_parquet(clip / "frames.parquet")
    pd.DataFrame({"start_s": [3.0], "end_s": [4.0], "speaker": ["infant"]}).to_csv(
        clip / "segments.csv", index=False
    )
    pd.DataFrame(
        {"clip_id": [clip_id], "path": [f"/data/{clip_id}.mp4"], "dyad_id": ["d1"], "duration_s": [10.0]}
    ).to_csv(folder / "run" / "qc.csv", index=False)
    return folder / "run"


# Hand computation for 'infant smiling' coded 1.0-2.0 s and 5.0-5.5 s (15 frames):
# known frames 95 (5 unknown); signal 22 frames; tp 8 (1.2-1.9), fp 14, fn 7, tn 66.
HAND = {
    "kappa": (74 * 95 - 6170) / (95 * 95 - 6170),  # (po - pe) / (1 - pe) with n^2 = 9025
    "f1": 16 / 37,
    "precision": 8 / 22,
    "recall": 8 / 15,
    "event_f1": 2 * 1 / (2 + 2),  # onsets 1.0, 5.0 vs 1.2, 7.0: one match within 1 s
    "code_share": 15 / 95,
    "signal_share": 22 / 95,
    "signal_unknown_share": 5 / 100,
    "onset_offset_median_s": 0.2,
}


def _check_hand(row) -> None:
    for key, value in HAND.items():
        assert row[key] == pytest.approx(value, abs=1e-9), key


def test_hand_built_elan_against_hand_built_frames(tmp_path):
    run = _run(tmp_path)
    codes = write_elan(tmp_path / "c1.eaf", {"infant smiling": [(1, 2), (5, 5.5)], "infant": [(3, 4)]})
    (tmp_path / "map.yaml").write_text(MAPPING)
    assert main(["agree", str(codes), "--mapping", str(tmp_path / "map.yaml"), "--out", str(run)]) == 0
    table = pd.read_csv(run / "agreement.csv")
    row = table[(table.behaviour == "infant_smiling") & (table.clip_id == "c1")].iloc[0]
    _check_hand(row)
    pooled = table[(table.behaviour == "infant_smiling") & (table.clip_id == "all")].iloc[0]
    _check_hand(pooled)  # one clip: pooled = the clip
    voc = table[(table.behaviour == "infant_vocalizes") & (table.clip_id == "all")].iloc[0]
    assert voc.kappa == pytest.approx(1.0) and voc.event_f1 == 1.0
    smile = table[(table.behaviour == "smile_index") & (table.clip_id == "all")].set_index("rule")
    assert smile.loc["default", "f1"] == 0 and smile.loc["default", "auc"] == pytest.approx(1.0)
    assert smile.loc["best", "threshold"] == pytest.approx(0.45) and smile.loc[
        "best", "kappa"
    ] == pytest.approx(1)
    frames = pd.read_csv(run / "agreement_frames.csv")
    assert frames["infant_smiling.code"].sum() == 15 and frames["infant_smiling.signal"].isna().sum() == 5
    page = (run / "agreement.html").read_text()
    assert "Agreement with human codes (test_codes)" in page and "data:image/png;base64," in page
    assert (run / "agreement.png").stat().st_size > 1000 and (run / "agreement_roc.png").is_file()


BORIS_EVENTS = """Observation id,c1
Observation date,2026-01-01
,,
Observation id,Observation date,Subject,Behavior,Behavioral category,Behavior type,Time,Media file name
c1,2026-01-01,Infant,infant smiling,affect,START,1.000,/data/c1.mp4
c1,2026-01-01,Infant,infant smiling,affect,STOP,2.000,/data/c1.mp4
c1,2026-01-01,Mother,mother touches,touch,POINT,4.200,/data/c1.mp4
c1,2026-01-01,Infant,infant smiling,affect,START,5.000,/data/c1.mp4
c1,2026-01-01,Infant,infant smiling,affect,STOP,5.500,/data/c1.mp4
"""

BORIS_AGGREGATED = """Observation id\tSubject\tBehavior\tBehavior type\tStart (s)\tStop (s)\tMedia file name
session7\tInfant\tinfant smiling\tSTATE\t1.000\t2.000\tplayer #1:/data/c1.mp4
session7\tInfant\tinfant smiling\tSTATE\t5.000\t5.500\tplayer #1:/data/c1.mp4
session7\tMother\tmother touches\tPOINT\t4.200\tNA\tplayer #1:/data/c1.mp4
"""


@pytest.mark.parametrize(("name", "text"), [("export.csv", BORIS_EVENTS), ("session7.tsv", BORIS_AGGREGATED)])
def test_boris_exports_parse_like_elan(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    codes = read_codes(tmp_path / name)
    smiling = codes.spans[codes.spans.code == "infant smiling"]
    assert list(zip(smiling.start_s, smiling.end_s, strict=True)) == [(1.0, 2.0), (5.0, 5.5)]
    assert set(codes.spans.code) >= {"Infant: infant smiling", "mother touches"}
    point = codes.spans[codes.spans.code == "mother touches"].iloc[0]
    assert point.start_s == point.end_s == 4.2
    assert "c1" in codes.keys  # matched by observation id or media file name
    run = _run(tmp_path)
    (tmp_path / "map.yaml").write_text(MAPPING)
    assert (
        main(["agree", str(tmp_path / name), "--mapping", str(tmp_path / "map.yaml"), "--out", str(run)]) == 0
    )
    table = pd.read_csv(run / "agreement.csv")
    _check_hand(table[(table.behaviour == "infant_smiling") & (table.clip_id == "c1")].iloc[0])


def test_eaf_written_by_dyadscope_agrees_with_itself(tmp_path):
    segments = pd.DataFrame(
        {"start_s": [0.52, 2.31, 6.05], "end_s": [1.48, 3.9, 7.77], "speaker": ["infant", "adult", "infant"]}
    )
    run = _run(tmp_path)
    segments.to_csv(run / "clips" / "c1" / "segments.csv", index=False)
    write_eaf(tmp_path / "c1.eaf", segments)
    (tmp_path / "map.yaml").write_text(
        "behaviours:\n"
        "  - {name: infant_voc, codes: [infant], signal: {segments: infant}}\n"
        "  - {name: adult_voc, codes: [adult], signal: {segments: adult}}\n"
    )
    assert (
        main(["agree", str(tmp_path / "c1.eaf"), "--mapping", str(tmp_path / "map.yaml"), "--out", str(run)])
        == 0
    )
    pooled = pd.read_csv(run / "agreement.csv").query("clip_id == 'all'")
    assert (pooled.kappa == 1).all() and (pooled.f1 == 1).all() and (pooled.event_f1 == 1).all()
    assert (pooled.onset_offset_median_s == 0).all()


def test_event_matching_is_one_to_one_within_the_tolerance():
    offsets = match_onsets(np.array([1.0, 2.0, 9.0]), np.array([1.4, 1.5, 12.0]), 1.0)
    assert sorted(offsets) == pytest.approx([-0.5, 0.4])  # 1.0<->1.4 closest, 2.0<->1.5; 9 and 12 unmatched


def test_merge_gap_joins_flickering_signal_events():
    code = np.zeros(100, bool)
    code[10:30] = True
    signal = np.zeros(100)
    signal[10:15], signal[17:30] = 1, 1  # one missing-frame gap of 0.2 s
    counts, _ = clip_counts(code, signal, T, tolerance_s=1.0, merge_gap_s=0.3)
    assert statistics(counts)["event_f1"] == 1.0
    counts, _ = clip_counts(code, signal, T, tolerance_s=1.0, merge_gap_s=0.0)
    assert statistics(counts)["event_f1"] == pytest.approx(2 / 3)


def test_bootstrap_ci_brackets_the_pooled_value_and_shrinks_with_clips():
    rng = np.random.default_rng(0)

    def clip():
        code = rng.random(200) < 0.3
        signal = np.where(rng.random(200) < 0.8, code, ~code).astype(float)
        return clip_counts(code, signal, np.arange(200) / 10, tolerance_s=1.0, merge_gap_s=0.0)[0]

    few, many = np.array([clip() for _ in range(5)]), np.array([clip() for _ in range(40)])
    width = []
    for per_clip in (few, many):
        ci = bootstrap_ci(per_clip, resamples=500, seed=1)
        kappa = statistics(per_clip.sum(axis=0))["kappa"]
        assert ci["kappa_ci_low"] <= kappa <= ci["kappa_ci_high"]
        width.append(ci["kappa_ci_high"] - ci["kappa_ci_low"])
    assert width[1] < width[0]


def test_best_threshold_separates_and_reports_auc():
    score = np.r_[np.linspace(0, 1, 50), np.linspace(2, 3, 50)]
    code = np.r_[np.zeros(50), np.ones(50)]
    auc, cut = best_threshold(score, code)
    assert auc == 1.0 and cut == pytest.approx(1.5)
    assert np.isnan(best_threshold(score, np.zeros(100))[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("behaviours: []\n", "field 'behaviours': missing or empty"),
        ("behaviours:\n  - {name: a, codes: [x]}\n", "behaviour 'a': field 'signal'"),
        ("behaviours:\n  - {name: a, signal: {segments: infant}}\n", "behaviour 'a': field 'codes'"),
        (
            "behaviours:\n  - {name: a, codes: [x], signal: {column: c, above: high}}\n",
            "'above': must be a number",
        ),
        ("behaviours:\n  - {name: a, codes: [x], signal: {segments: baby}}\n", "segments: adult|infant"),
        (
            "behaviours:\n  - {name: a, codes: [x], signal: {segments: infant}}\n"
            "ratings:\n  - {name: r, behaviour: b, measure: share}\n",
            "rating 'r': field 'behaviour'",
        ),
        (
            "behaviours:\n  - {name: a, codes: [x], signal: {segments: infant}}\n"
            "ratings:\n  - {name: r, behaviour: a, measure: mean}\n",
            "rating 'r': field 'measure'",
        ),
    ],
)
def test_bad_mapping_files_name_file_behaviour_and_field(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_unmatched_codes_and_bad_boris_files_are_named(tmp_path, capsys):
    run = _run(tmp_path)
    (tmp_path / "map.yaml").write_text(MAPPING)
    write_elan(tmp_path / "other.eaf", {"infant smiling": [(0, 0.5)]})
    assert (
        main(
            ["agree", str(tmp_path / "other.eaf"), "--mapping", str(tmp_path / "map.yaml"), "--out", str(run)]
        )
        != 0
    )
    assert "other.eaf: matches no clip" in capsys.readouterr().err
    bad = tmp_path / "c1.csv"
    bad.write_text(BORIS_EVENTS.replace("STOP,5.500", "STOP,later"))
    with pytest.raises(CodesError, match=r"c1.csv: line 9, column 'Time'"):
        read_codes(bad)
    bad.write_text(
        BORIS_EVENTS.replace("c1,2026-01-01,Infant,infant smiling,affect,STOP,5.500,/data/c1.mp4\n", "")
    )
    with pytest.raises(CodesError, match="started but never stopped: infant smiling"):
        read_codes(bad)


def test_ratings_from_codes_by_hand(tmp_path):
    from models.code_ratings import code_ratings, merged_spans
    from models.codes import match_clips

    codes = read_codes(write_elan(tmp_path / "c1.eaf", {"infant smiling": [(1, 2), (1.5, 2.5), (5, 5.5)]}))
    meta = pd.DataFrame({"dyad_id": ["d1"], "duration_s": ["10"]}, index=pd.Index(["c1"], name="clip_id"))
    ratings = code_ratings(match_clips([codes], {"c1": ""}), _mapping(tmp_path), meta).iloc[0]
    assert merged_spans(codes.spans[codes.spans.code == "infant smiling"]) == [(1.0, 2.5), (5.0, 5.5)]
    assert ratings.smiling_share == pytest.approx(0.2) and ratings.smiled == 1 and ratings.smiles == 2
    assert ratings.dyad_id == "d1"


def _mapping(folder: Path):
    (folder / "map.yaml").write_text(MAPPING)
    return load_mapping(folder / "map.yaml")


def test_a_span_shorter_than_a_frame_marks_its_nearest_frame():
    from models.code_mapping import span_mask

    t = np.arange(30) / 10.0
    assert np.flatnonzero(span_mask([1.02], [1.08], t, 0.1)).tolist() == [10]  # middle 1.05 -> frame 1.0
    assert np.flatnonzero(span_mask([1.05], [1.05], t, 0.1)).tolist() == [10]  # a point event the same
    assert np.flatnonzero(span_mask([1.0], [1.3], t, 0.1)).tolist() == [10, 11, 12]
    assert not span_mask([5.0], [5.0], t, 0.1).any()  # after the last frame


def test_audio_only_clips_are_scored_on_a_time_grid(tmp_path):
    run = tmp_path / "run"
    (run / "clips" / "cry").mkdir(parents=True)
    pd.DataFrame({"clip_id": ["cry"], "path": ["/data/cry.wav"], "duration_s": [6.0]}).to_csv(
        run / "qc.csv", index=False
    )
    segments = pd.DataFrame({"start_s": [1.0, 4.0], "end_s": [2.0, 5.0], "speaker": ["infant", "infant"]})
    segments.to_csv(run / "clips" / "cry" / "segments.csv", index=False)
    write_elan(tmp_path / "cry.eaf", {"infant smiling": [(1, 2)], "infant": [(1, 2), (4.5, 5.5)]})
    (tmp_path / "map.yaml").write_text(MAPPING)
    assert (
        main(["agree", str(tmp_path / "cry.eaf"), "--mapping", str(tmp_path / "map.yaml"), "--out", str(run)])
        == 0
    )
    pooled = pd.read_csv(run / "agreement.csv").query("clip_id == 'all'").set_index("behaviour")
    voc = pooled.loc["infant_vocalizes"]
    # 60 frames of 0.1 s: coded 1.0-1.9 and 4.5-5.4 (20), signal 1.0-1.9 and 4.0-4.9 (20), tp 15
    assert voc.n_frames == 60 and voc.f1 == pytest.approx(15 / 20) and voc.event_f1 == 1.0
    smiling = pooled.loc["infant_smiling"]
    assert smiling.signal_unknown_share == 1.0 and smiling.n_frames == 0 and np.isnan(smiling.kappa)

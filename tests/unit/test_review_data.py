"""Review page data: tracks from known frames and segments (gaps stay gaps), moments, and the
decisions file with `review-import` (errors name the file and line; roles wrong -> roles.csv)."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from review_fixtures import (
    MOTION_LAG_S,
    POSITIVE_S,
    SMILE_GAP_S,
    TOUCH_S,
    known_frames,
    known_segments,
    write_clip_folder,
)

from models.cli import main
from models.review import data
from models.review.decisions import DecisionsError, import_decisions, read_decisions

HEADER = "clip_id,decision,roles_wrong,exclude,exclude_reason,note,reviewer,decided_at\n"


def test_tracks_from_known_frames_and_segments():
    tracks = {t["id"]: t for t in data.clip_tracks(known_frames(), known_segments())}
    assert list(tracks) == [
        "vocal-adult",
        "vocal-infant",
        "turns",
        "smile_intensity-adult",
        "smile_intensity-infant",
        "affect-adult",
        "affect-infant",
        "distance",
        "touch",
        "motion_energy-adult",
        "motion_energy-infant",
        "sync-motion",
    ]
    assert tracks["vocal-adult"]["spans"] == [[1.0, 2.0, "speech"], [6.0, 7.0, "speech"]]
    assert tracks["vocal-infant"]["spans"] == [[2.5, 3.5, "laugh"], [12.0, 13.0, "cry"]]
    # A-I (0.5 s gap) and I-A (2.5 s) are turns; A-I 5.0 s apart is not (LENA: < 5 s)
    assert tracks["turns"]["spans"] == [[1.0, 3.5, "adult→infant"], [2.5, 7.0, "infant→adult"]]
    smile = tracks["smile_intensity-adult"]
    assert smile["points"] == 170 and len(smile["y"]) == 200  # 30 frames of 5.0-8.0 s missing
    nulls = [t for t, y in zip(smile["t"], smile["y"], strict=True) if y is None]
    assert nulls[0] == SMILE_GAP_S[0] and nulls[-1] == pytest.approx(SMILE_GAP_S[1] - 0.1)
    assert len(nulls) == 30  # gaps stay gaps (None), never zeros
    affect = tracks["affect-adult"]
    assert affect["spans"] == [
        [0.0, POSITIVE_S[0], "neutral"],
        [POSITIVE_S[0], POSITIVE_S[1], "positive"],
        [POSITIVE_S[1], SMILE_GAP_S[0], "neutral"],
        [SMILE_GAP_S[1], 19.9, "neutral"],
    ]
    assert affect["gaps"] == [[SMILE_GAP_S[0], SMILE_GAP_S[1]]]
    assert tracks["touch"]["spans"] == [[TOUCH_S[0], TOUCH_S[1], "touch"]] and tracks["touch"]["gaps"] == []
    sync = tracks["sync-motion"]
    assert sync["range"] == [-1.0, 1.0] and sync["points"] >= 10
    # the infant's motion is the adult's 0.5 s later: every window's peak lagged r is ~1
    assert min(v for v in sync["y"] if v is not None) > 0.99
    assert json.dumps(list(tracks.values()), allow_nan=False)  # NaN never reaches the page


def test_sync_course_windows_and_lag():
    from extract.config import SyncConfig

    cfg = SyncConfig()
    centres, r = data.sync_course(known_frames(), "motion_energy", cfg)
    # 200 frames at 10 Hz on the 10 Hz grid: windows of 5 s every 1 s; centres 2.5 s into each
    assert centres[0] == pytest.approx(2.5) and np.allclose(np.diff(centres), 1.0)
    assert np.nanmin(r) > 0.99 and MOTION_LAG_S < cfg.max_lag_s


def test_touch_all_missing_is_one_gap_and_no_span():
    frames = known_frames().assign(**{"dyad.touch": np.nan})
    touch = next(t for t in data.clip_tracks(frames, None) if t["id"] == "touch")
    assert touch["points"] == 0 and touch["gaps"] == [[0.0, 19.9]]


def test_moments_listed_with_thumbnail_links(tmp_path):
    write_clip_folder(tmp_path / "clips" / "c1", moments=True)
    moments = data.read_moments(tmp_path / "clips" / "c1", tmp_path / "review")
    assert [m["start_s"] for m in moments] == [2.5, 12.0]
    assert moments[0]["thumbnail"] == "../clips/c1/moment1.jpg" and moments[1]["thumbnail"] == ""
    assert data.read_moments(tmp_path, tmp_path / "review") == []  # absent file: nothing


def _run_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    pd.DataFrame({"clip_id": ["a", "b", "c", "d"]}).to_csv(out / "qc.csv", index=False)
    (out / "roles.csv").write_text(
        "clip_id,swap,infant_side,role_cue,role_confidence,sheet\n"
        "a,,,size,0.9,clips/a/roles.png\nb,,left,size,0.8,\nc,1,,voice,0.7,\n"
    )
    return out


def test_review_import_merges_decisions_and_fixes_roles(tmp_path, capsys):
    out = _run_folder(tmp_path)
    first = tmp_path / "first.csv"
    first.write_text(HEADER + 'a,agree,0,0,,,r1,\nb,disagree,0,1,"moved, blurry",x,r1,\n')
    assert main(["review-import", str(first), "--out", str(out)]) == 0
    second = tmp_path / "review_decisions.csv"
    second.write_text(HEADER + "a,disagree,1,0,,,r2,\nb,,1,0,,,r2,\nc,,1,0,,,r2,\nzz,agree,0,0,,,r2,\n")
    result = import_decisions(second, out)
    merged = pd.read_csv(out / "review_decisions.csv", dtype=str, keep_default_na=False)
    assert list(merged.clip_id) == ["a", "b", "c", "zz"] and list(merged.decision) == [
        "disagree",
        "",
        "",
        "agree",
    ]
    assert list(merged.reviewer) == ["r2"] * 4  # a clip's newer row replaces its older one
    roles = pd.read_csv(out / "roles.csv", dtype=str, keep_default_na=False).set_index("clip_id")
    assert roles.loc["a", "swap"] == "1" and roles.loc["a", "sheet"] == "clips/a/roles.png"  # columns kept
    assert roles.loc["b", "infant_side"] == "right" and roles.loc["b", "swap"] == ""  # side was wrong
    assert roles.loc["c", "swap"] == "1" and result.already == ["c"]
    assert result.swapped == ["a", "b"] and result.unknown == ["zz"] and len(roles) == 3
    from extract.batch.roles_fix import read_roles_fix

    assert read_roles_fix(out / "roles.csv") == {
        "a": {"swap": True},
        "b": {"infant_side": "right"},
        "c": {"swap": True},
    }
    assert "2 decisions read" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a,maybe,0,0,,,,\n", "line 2 (a): decision must be agree, disagree or empty, got 'maybe'"),
        ("a,agree,0,0,,,,\nb,agree,2,0,,,,\n", "line 3 (b): roles_wrong must be 0 or 1, got '2'"),
        ("a,agree,0,0,,,,\na,agree,0,0,,,,\n", "line 3: clip a appears twice"),
        (",agree,0,0,,,,\n", "line 2: empty clip_id"),
    ],
)
def test_decision_errors_name_file_and_line(tmp_path, body, message):
    path = tmp_path / "d.csv"
    path.write_text(HEADER + body)
    with pytest.raises(DecisionsError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        read_decisions(path)
    assert str(path) in str(err.value)


def test_import_writes_nothing_on_error(tmp_path):
    out = _run_folder(tmp_path)
    before = (out / "roles.csv").read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text("clip_id,decision\na,agree\n")
    assert main(["review-import", str(bad), "--out", str(out)]) == 2
    assert (out / "roles.csv").read_text() == before and not (out / "review_decisions.csv").exists()


def test_pages_without_clip_folders_say_so(tmp_path):
    """`screen` on a features file alone: pages without tracks, saying why."""
    from model_fixtures import synthetic_cohort

    from extract.config import load_config, with_overrides
    from models.fit import train_bundle
    from models.review import write_review
    from models.screening import screen

    cohort = synthetic_cohort(12, seed=2)
    features = cohort["features"].set_index("clip_id")
    cfg = with_overrides(load_config(None), {"models": {"estimators": ["ridge"], "permutations": 0}})
    bundle = train_bundle(features, cohort["ratings"], cfg, meta=cohort["qc"].set_index("clip_id"))
    predictions, queue = screen(bundle, features)
    index = write_review(
        tmp_path, bundle=bundle, predictions=predictions, queue=queue, qc=None, clips_dir=None, digest="x"
    )
    assert "screened from features alone" in index.read_text()
    page = (tmp_path / "review" / f"{queue.clip_id[0]}.html").read_text()
    payload = json.loads(re.search(r'id="review-data">(.*?)</script>', page, re.S).group(1))
    assert payload["clip"]["tracks"] == [] and payload["clip"]["videos"] == []
    assert "Screened from features alone" in page and payload["clip"]["priority"] == 1
    assert payload["clip"]["reasons"] == queue.reasons[0].split("; ")
    assert len(list((tmp_path / "review").glob("*.html"))) == 24 + 1


def test_run_review_video_needs_ratings(tmp_path, capsys):
    assert main(["run", str(tmp_path / "clip.mp4"), "--out", str(tmp_path / "out"), "--review-video"]) == 2
    assert "--review-video needs --ratings" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unreadable_moments_are_left_out(tmp_path, caplog):
    (tmp_path / "moments.csv").write_text('rank,kind,start_s\n1,"unterminated,2.5\n')
    assert data.read_moments(tmp_path, tmp_path / "review") == []
    assert "moments.csv: moments not shown" in caplog.text

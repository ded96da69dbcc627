"""The review pages in a real browser: headless Chromium (Debian `chromium`) loads index.html and
a clip page of a screened run from the file system with the network disabled; the DOM after the
scripts ran says whether the video plays, every track has its known points, seeking and clicking
move the cursor, and a decision round-trips through review_decisions.csv and `review-import`.
Screenshots of both pages land in the test's temp folder. Skipped when Chromium is absent
(`apt-get install chromium`)."""

import json
import re
from urllib.parse import quote

import pandas as pd
import pytest
from browser import CHROMIUM, Elements, dump_dom, screenshot
from review_fixtures import DURATION_S, SMILE_GAP_S, screened_run

from models.cli import main

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install chromium)")
EXPECTED_POINTS = {  # from review_fixtures' known frames and segments
    "vocal-adult": 2,
    "vocal-infant": 2,
    "turns": 2,
    "smile_intensity-adult": 170,
    "smile_intensity-infant": 200,
    "affect-adult": 4,
    "affect-infant": 1,
    "distance": 200,
    "touch": 1,
    "motion_energy-adult": 200,
    "motion_energy-infant": 200,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return screened_run(tmp_path_factory.mktemp("review"))


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    return tmp_path_factory.mktemp("chromium-profile")


def test_pages_reference_nothing_on_the_network(run):
    pages = sorted((run["out"] / "review").glob("*.html"))
    assert len(pages) == 48 + 1
    remote = re.compile(
        r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I
    )
    for page in pages:
        text = page.read_text()
        assert not remote.search(text), page
        assert "<script src" not in text and "<link" not in text, page


def test_clip_page_video_tracks_cursor_and_click(run, profile, tmp_path):
    clip = run["clips"][0]
    page = run["out"] / "review" / f"{clip}.html"
    dom = Elements(dump_dom(page, "test-seek=3.5&test-click=0.25&test-moment=0", profile=profile))
    _, video, _ = dom.by_id("video")
    assert video["src"].endswith("sample_clips/clips/d01_8wk.mp4")
    assert "data-error" not in video and float(video["data-duration"]) == pytest.approx(DURATION_S, abs=0.1)
    assert int(video["data-ready"]) >= 1  # metadata loaded: the browser can play the source
    tracks = {a["data-track"]: int(a["data-points"]) for _, a, _ in dom.find("div", **{"data-track": True})}
    sync = tracks.pop("sync-motion")
    assert tracks == EXPECTED_POINTS and sync >= 10
    _, results, _ = dom.by_id("test-results")
    assert results["data-done"] == "1"
    assert float(results["data-seek-video-s"]) == pytest.approx(3.5)
    assert float(results["data-seek-cursor-s"]) == pytest.approx(3.5)
    assert float(results["data-seek-cursor-x"]) == pytest.approx(3.5 / DURATION_S * 1000, abs=0.2)  # 175
    # a click a quarter of the way along a track seeks the video to 5 s and the cursor follows
    # (clientX is a whole pixel: 1 px of a ~600 px track is ~0.03 s)
    assert float(results["data-click-video-s"]) == pytest.approx(0.25 * DURATION_S, abs=0.1)
    assert float(results["data-click-cursor-s"]) == pytest.approx(
        float(results["data-click-video-s"]), abs=1e-3
    )
    cursors = dom.find("line", **{"class": "cursor"})
    assert len(cursors) == len(EXPECTED_POINTS) + 1
    # every track's cursor sits where the last action (the moment's play button, 2.5 s) put it
    assert all(float(a["x1"]) == pytest.approx(2.5 / DURATION_S * 1000, abs=0.5) for _, a, _ in cursors)
    gaps = dom.find("rect", **{"class": "gap"})  # adult smile and affect: 5-8 s hatched
    spans = {(round(float(a["x"])), round(float(a["width"]))) for _, a, _ in gaps}
    x0, x1 = (s / DURATION_S * 1000 for s in SMILE_GAP_S)
    assert spans == {(round(x0), round(x1 - x0))}
    assert len(dom.find("button", **{"data-start": "2.5"})) == 1  # moments with a play button
    assert float(results["data-moment-video-s"]) == pytest.approx(2.5)  # that seeks to start_s
    assert float(results["data-moment-cursor-s"]) == pytest.approx(2.5)
    shot = screenshot(page, tmp_path / f"{clip}.png", profile=profile, fragment="test-seek=3.5")
    assert shot.stat().st_size > 20_000


def test_decision_round_trip_through_csv_and_review_import(run, profile, tmp_path):
    clip = run["clips"][1]
    decision = {
        "decision": "disagree",
        "roles_wrong": True,
        "exclude": True,
        "exclude_reason": 'camera moved, "twice"',
        "note": "infant out of view",
        "reviewer": "tb",
    }
    page = run["out"] / "review" / f"{clip}.html"
    dom = Elements(dump_dom(page, "test-decide=" + quote(json.dumps(decision)), profile=profile))
    _, box, csv_text = dom.by_id("test-csv")  # what the download link's Blob holds
    assert box.get("data-done") == "1"
    assert (
        csv_text.splitlines()[0]
        == "clip_id,decision,roles_wrong,exclude,exclude_reason,note,reviewer,decided_at"
    )
    downloaded = tmp_path / "review_decisions.csv"
    downloaded.write_text(csv_text)
    assert main(["review-import", str(downloaded), "--out", str(run["out"])]) == 0
    saved = pd.read_csv(run["out"] / "review_decisions.csv", dtype=str, keep_default_na=False)
    row = saved.set_index("clip_id").loc[clip]
    assert (row.decision, row.roles_wrong, row.exclude) == ("disagree", "1", "1")
    assert (row.exclude_reason, row.note, row.reviewer) == (
        'camera moved, "twice"',
        "infant out of view",
        "tb",
    )
    assert row.decided_at.startswith("20")
    roles = pd.read_csv(run["out"] / "roles.csv", dtype=str, keep_default_na=False).set_index("clip_id")
    assert roles.loc[clip, "swap"] == "1"
    # the index, in the same browser profile, shows the decision saved on the clip page
    index = run["out"] / "review" / "index.html"
    dom = Elements(dump_dom(index, "test-csv", profile=profile))
    assert dom.by_id("test-csv")[2] == csv_text.strip()  # the index exports the same decisions
    row = next(a for _, a, _ in dom.find("tr", **{"data-clip": clip}))
    assert row["data-status"] == "disagree roles excluded decided"
    cells = [text for _, a, text in dom.find("td") if a.get("class", "").startswith("status")]
    assert 'disagree with flag, roles wrong, exclude (camera moved, "twice"), note' in cells


def test_index_queue_order_sort_filter_and_thumbnails(run, profile, tmp_path):
    index = run["out"] / "review" / "index.html"
    dom = Elements(dump_dom(index, profile=profile))
    _, table, _ = dom.by_id("queue")
    assert table["data-order"].split() == list(run["queue"].clip_id)  # priority order
    assert int(table["data-shown"]) == len(run["queue"])
    thumbs = [a["src"] for _, a, _ in dom.find("img", **{"class": "thumb"})]
    assert sorted(thumbs) == sorted(f"thumbs/{c}.jpg" for c in run["clips"])
    assert all((run["out"] / "review" / t).stat().st_size > 1000 for t in thumbs)
    predicted = pd.read_csv(run["out"] / "predictions.csv", dtype={"clip_id": str})
    predicted = predicted[predicted.target == "dyadic_synchrony"].sort_values("predicted", kind="stable")
    dom = Elements(dump_dom(index, "test-sort=predicted", profile=profile))
    assert dom.by_id("queue")[1]["data-order"].split() == list(predicted.clip_id)
    dom = Elements(dump_dom(index, "test-filter=" + run["clips"][0], profile=profile))
    assert dom.by_id("queue")[1]["data-shown"] == "1"
    shot = screenshot(index, tmp_path / "index.png", profile=profile, size=(1200, 1400))
    assert shot.stat().st_size > 20_000


def test_screen_review_video_preview_plays(run, profile, tmp_path, capsys):
    """`screen --review-video` into another folder: H.264 previews of the clips with a source,
    pages whose first video is the preview, tracks still read from the run's clips/ folder."""
    from extract.media import probe

    out = tmp_path / "screen"
    args = ["screen", str(run["out"] / "features.csv"), "--model", str(run["model"])]
    assert main([*args, "--qc", str(run["out"] / "qc.csv"), "--out", str(out), "--review-video"]) == 0
    assert f"review pages: {out.resolve() / 'review' / 'index.html'}" in capsys.readouterr().out
    clip = run["clips"][0]
    assert sorted(p.stem for p in (out / "review" / "media").glob("*.mp4")) == sorted(run["clips"])
    info = probe(out / "review" / "media" / f"{clip}.mp4")
    assert (info.video.codec, info.video.width, info.video.height) == ("h264", 480, 270)
    assert info.audio is not None and info.audio.codec == "aac"
    assert info.duration_s == pytest.approx(DURATION_S, abs=0.15)
    dom = Elements(dump_dom(out / "review" / f"{clip}.html", "test-seek=2", profile=profile))
    _, video, _ = dom.by_id("video")
    assert video["src"] == f"media/{clip}.mp4" and "data-error" not in video
    assert float(video["data-duration"]) == pytest.approx(DURATION_S, abs=0.15)
    tracks = {a["data-track"]: int(a["data-points"]) for _, a, _ in dom.find("div", **{"data-track": True})}
    assert tracks["smile_intensity-adult"] == 170


def test_unplayable_video_says_what_to_do(run, profile, tmp_path):
    """A source the browser cannot play (MPEG-4 Part 2 in AVI): the page says so and names
    --review-video; the tracks still work."""
    from media_fixtures import write_video

    avi = tmp_path / "clip.avi"
    write_video(avi, n_frames=50, codec="mpeg4")
    qc = pd.read_csv(run["out"] / "qc.csv", dtype=str, keep_default_na=False)
    clip = run["clips"][0]
    qc.loc[qc.clip_id == clip, "path"] = str(avi)
    qc.to_csv(tmp_path / "qc.csv", index=False)
    out = tmp_path / "screen"
    args = ["screen", str(run["out"] / "features.csv"), "--model", str(run["model"]), "--qc"]
    assert main([*args, str(tmp_path / "qc.csv"), "--out", str(out)]) == 0
    dom = Elements(dump_dom(out / "review" / f"{clip}.html", "test-seek=1", profile=profile))
    _, video, _ = dom.by_id("video")
    assert video["src"].endswith("clip.avi") and video["data-error"] == "4"  # MEDIA_ERR_SRC_NOT_SUPPORTED
    _, codec, text = dom.by_id("codec")
    assert "display: block" in codec.get("style", "") and text.startswith("This browser cannot play")
    assert any(t.startswith("--review-video") for _, _, t in dom.find("code"))
    assert float(dom.by_id("test-results")[1]["data-seek-cursor-s"]) == 1.0


@pytest.mark.media
def test_hevc_source_gets_the_message_and_its_preview_plays(run, profile, tmp_path):
    """The HEVC .mov of the real media: Chromium opens it but shows no picture (video width 0,
    sound only), so the page says what to do; with --review-video the H.264 preview plays."""
    from media_fixtures import real_media_dir

    folder, reason = real_media_dir()
    if folder is None:
        pytest.skip(reason)
    hevc = next(iter(sorted((folder / "video").glob("*.mov"))), None)
    if hevc is None:
        pytest.skip(f"no .mov in {folder / 'video'}")
    qc = pd.read_csv(run["out"] / "qc.csv", dtype=str, keep_default_na=False)
    clip = run["clips"][0]
    qc = qc[qc.clip_id.isin(run["clips"])].copy()
    qc.loc[qc.clip_id == clip, "path"] = str(hevc)
    qc.loc[qc.clip_id == clip, "duration_s"] = ""
    qc.to_csv(tmp_path / "qc.csv", index=False)
    args = ["screen", str(run["out"] / "features.csv"), "--model", str(run["model"]), "--qc"]
    for name, extra in (("plain", []), ("preview", ["--review-video"])):
        out = tmp_path / name
        assert main([*args, str(tmp_path / "qc.csv"), "--out", str(out), *extra]) == 0
        dom = Elements(dump_dom(out / "review" / f"{clip}.html", profile=profile))
        _, video, _ = dom.by_id("video")
        if name == "plain":
            assert video["src"].endswith(hevc.name) and video["data-error"] == "no-picture"
            assert "display: block" in dom.by_id("codec")[1].get("style", "")
        else:
            assert video["src"] == f"media/{clip}.mp4" and "data-error" not in video
            assert int(video["data-width"]) == 480 and float(video["data-duration"]) > 5

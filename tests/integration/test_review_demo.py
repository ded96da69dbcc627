"""The review pages of a real `dyadscope run` on the sample clips (the demo): headless Chromium
loads the index and a flagged clip's page offline; each track's points in the DOM equal the
valid values in that clip's frames.parquet / segments.csv, the source video plays, the cursor
follows a seek. Screenshots go to the test's temp folder. About 3 minutes on 2 cores."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import CHROMIUM, Elements, dump_dom, screenshot

from extract.audio.turns import conversational_turns
from models.cli import main
from models.review.data import label_runs

SAMPLES = Path(__file__).resolve().parents[2] / "sample_clips"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    manifest = out.parent / "manifest.csv"
    table = pd.read_csv(SAMPLES / "manifest.csv")
    table["path"] = [str(SAMPLES / p) for p in table.path]
    table.to_csv(manifest, index=False)
    code = main(
        ["run", str(manifest), "--ratings", str(SAMPLES / "ratings.csv"), "--out", str(out), "-j", "2"]
    )
    assert code == 0
    return out


def _expected_points(clip_dir: Path) -> dict[str, int]:
    frames = pd.read_parquet(clip_dir / "frames.parquet")
    segments = pd.read_csv(clip_dir / "segments.csv")
    t = frames.t_s.to_numpy(float)
    expected = {f"vocal-{r}": int((segments.speaker == r).sum()) for r in ("adult", "infant")} | {
        "turns": len(conversational_turns(segments))
    }
    for r in ("adult", "infant"):
        expected[f"smile_intensity-{r}"] = int(frames[f"{r}.smile_intensity"].notna().sum())
        expected[f"motion_energy-{r}"] = int(frames[f"{r}.motion_energy"].notna().sum())
        expected[f"affect-{r}"] = len(label_runs(t, frames[f"{r}.affect"]))
    expected["distance"] = int(frames["dyad.distance_norm"].notna().sum())
    touch = frames["dyad.touch"].map(lambda v: "touch" if v == 1 else "")
    expected["touch"] = len(label_runs(t, touch))
    return expected


def test_demo_review_pages_in_browser(demo, tmp_path):
    profile = tmp_path / "profile"
    queue = pd.read_csv(demo / "review_queue.csv", dtype={"clip_id": str})
    index = demo / "review" / "index.html"
    dom = Elements(dump_dom(index, profile=profile))
    assert dom.by_id("queue")[1]["data-order"].split()[: len(queue)] == list(queue.clip_id)
    assert len(dom.find("img", **{"class": "thumb"})) == 16
    clip = queue.clip_id[0]
    page = demo / "review" / f"{clip}.html"
    dom = Elements(dump_dom(page, "test-seek=4", profile=profile))
    _, video, _ = dom.by_id("video")
    assert video["src"].endswith(f"sample_clips/clips/{clip}.mp4") and "data-error" not in video
    assert float(video["data-duration"]) == pytest.approx(20.0, abs=0.1)
    tracks = {a["data-track"]: int(a["data-points"]) for _, a, _ in dom.find("div", **{"data-track": True})}
    sync = tracks.pop("sync-motion")
    expected = _expected_points(demo / "clips" / clip)
    assert tracks == expected
    print(f"{clip}: track points {tracks}, synchrony windows {sync}")
    # every signal the renderer draws is there; touch needs wrists, which the rendered people lack
    assert all(n > 0 for k, n in tracks.items() if k != "touch") and sync > 0
    moments = pd.read_csv(demo / "clips" / clip / "moments.csv")  # written by extraction
    buttons = [float(a["data-start"]) for _, a, _ in dom.find("button", **{"data-start": True})]
    assert len(moments) > 0 and buttons == pytest.approx(list(moments.start_s))  # 2 on d04_12mo
    assert np.isclose(float(dom.by_id("test-results")[1]["data-seek-cursor-s"]), 4.0)
    assert float(dom.by_id("tracks")[1]["data-cursor-x"]) == pytest.approx(200, abs=1)
    assert screenshot(page, tmp_path / f"{clip}.png", profile=profile).stat().st_size > 50_000
    assert screenshot(index, tmp_path / "index.png", profile=profile).stat().st_size > 50_000
    shutil.rmtree(profile, ignore_errors=True)

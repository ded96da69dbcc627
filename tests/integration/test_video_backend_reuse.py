"""A batch worker reuses its MediaPipe graphs across clips: a clip's frame table must not depend on the
clips processed before it in the same worker."""

from __future__ import annotations

import pandas as pd
import pytest

from extract.config import Config
from extract.render import build_script, render_clip
from extract.video.backend import MediaPipeSolutions, worker_backend
from extract.video.run import video_signals

pytest.importorskip("mediapipe")


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    out = tmp_path_factory.mktemp("reuse")
    for name, seed in (("a", 1), ("b", 2)):
        render_clip(out / f"{name}.mp4", build_script(sensitivity=0.6, seed=seed, duration_s=4.0), fps=25)
    return out / "a.mp4", out / "b.mp4"


def test_reused_backend_gives_the_tables_of_a_new_one(clips):
    a, b = clips
    cfg = Config()
    with MediaPipeSolutions.from_config(cfg.faces, cfg.pose) as fresh:
        alone = video_signals(a, cfg, backend=fresh).table
    video_signals(b, cfg)  # the thread's shared backend now tracks the faces of clip b
    shared = worker_backend(cfg.faces, cfg.pose)
    assert shared is worker_backend(cfg.faces, cfg.pose)
    assert shared._meshes and shared._poses  # graphs of clip b are kept, not rebuilt
    after = video_signals(a, cfg).table
    assert alone["adult.mesh_found"].mean() > 0.9 and alone["infant.mesh_found"].mean() > 0.9
    pd.testing.assert_frame_equal(alone, after)


def test_other_settings_replace_the_kept_backend():
    cfg = Config()
    other = Config.model_validate({"faces": {"min_detection_confidence": 0.6}})
    first = worker_backend(cfg.faces, cfg.pose)
    second = worker_backend(other.faces, other.pose)
    assert second is not first and second._min_det == 0.6
    assert worker_backend(other.faces, other.pose) is second
    assert worker_backend(cfg.faces, cfg.pose) not in (first, second)  # the first was closed, not kept

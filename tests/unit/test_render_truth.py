"""A rendered clip and its truth sidecar agree: one row per encoded frame, exact times, sane values."""

from __future__ import annotations

import json

import numpy as np
import pytest

from extract.media import iter_frames, probe, read_audio
from extract.render import TRUTH_COLUMNS, TRUTH_FORMAT, build_script, read_truth, render_clip

FPS = 25
SIZE = (640, 360)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("render_truth")
    script = build_script(sensitivity=0.5, seed=8, duration_s=4.0)
    json_path = render_clip(out / "t1.mp4", script, fps=FPS, size=SIZE, snr_db=None)
    doc, table = read_truth(json_path)
    return out / "t1.mp4", script, doc, table


def test_sidecar_files_and_meta(rendered):
    video, script, doc, table = rendered
    assert (video.parent / "t1.truth.json").exists() and (video.parent / "t1.truth.csv").exists()
    assert doc["format"] == TRUTH_FORMAT
    assert doc["video"] == "t1.mp4" and doc["clip_id"] == "t1"
    assert (doc["width"], doc["height"], doc["fps"]) == (*SIZE, FPS)
    assert doc["sensitivity"] == script.sensitivity and doc["seed"] == script.seed
    assert [(s["start_s"], s["end_s"], s["speaker"]) for s in doc["segments"]] == [
        (s.start_s, s.end_s, s.speaker) for s in script.segments
    ]
    json.dumps(doc)  # plain JSON types


def test_one_row_per_encoded_frame_with_exact_times(rendered):
    video, script, doc, table = rendered
    assert tuple(table.columns) == TRUTH_COLUMNS
    frames = list(iter_frames(video, fps=FPS, longest_side=0))
    assert len(frames) == len(table) == doc["n_frames"] == int(script.duration_s * FPS)
    np.testing.assert_array_equal(table["frame"].to_numpy(), np.arange(len(table)))
    np.testing.assert_allclose(table["t_s"].to_numpy(), [f.t_s for f in frames], atol=1e-6)
    assert frames[0].image.shape == (SIZE[1], SIZE[0], 3)
    info = probe(video)
    assert info.audio is not None and info.video is not None


def test_values_in_range_and_consistent(rendered):
    _, _, doc, t = rendered
    for role in ("adult", "infant"):
        for col in ("cx", "cy", "size", "mouth_open", "smile"):
            v = t[f"{role}.{col}"]
            assert v.between(0, 1).all(), col
        assert set(t[f"{role}.vocalizing"].unique()) <= {0, 1}
        assert (t.loc[t[f"{role}.vocalizing"] == 0, f"{role}.mouth_open"] == 0).all()
    # adult on the left, infant on the right, infant face 55-65% of the adult's
    assert (t["adult.cx"] < t["infant.cx"]).all()
    ratio = t["infant.size"] / t["adult.size"]
    assert ratio.between(0.55, 0.65).all()
    w, h = doc["width"], doc["height"]
    d = np.hypot(t["adult.cx"] - t["infant.cx"], (t["adult.cy"] - t["infant.cy"]) * h / w)
    np.testing.assert_allclose(t["dyad.distance_norm"], d, atol=2e-6)
    np.testing.assert_allclose(t["dyad.distance_adult_fw"], d / t["adult.size"], rtol=1e-4)
    # faces never overlap: centres further apart than half the two face widths
    assert (t["dyad.distance_norm"] > 0.5 * (t["adult.size"] + t["infant.size"])).all()


def test_face_pixels_at_truth_centres(rendered):
    """The decoded pixel at each truth centre is skin, not wall (centre lies between eyes and nose)."""
    video, _, doc, t = rendered
    for frame in iter_frames(video, fps=5, longest_side=0):
        row = t.iloc[int(round(frame.t_s * FPS))]
        for role in ("adult", "infant"):
            x = int(row[f"{role}.cx"] * doc["width"])
            y = int(row[f"{role}.cy"] * doc["height"])
            r, g, b = frame.image[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(0)
            assert r > g > b and r - b > 40, (role, frame.t_s, (r, g, b))  # skin; the wall is near grey


def test_audio_onsets_survive_encoding(rendered):
    video, script, _, _ = rendered
    track = read_audio(video, sample_rate=16000)
    y, sr = track.samples, track.sample_rate
    assert abs(track.duration_s - script.duration_s) < 0.1
    hop = 40
    for seg in script.segments:
        i0, i1 = int(seg.start_s * sr), int(seg.end_s * sr)
        ref = 10 * np.log10(np.mean(y[i0:i1] ** 2))
        a = max(0, i0 - int(0.2 * sr))
        n = (i0 + int(0.1 * sr) - a) // hop
        e = 10 * np.log10(np.mean(y[a : a + n * hop].reshape(n, hop) ** 2, axis=1) + 1e-14)
        onset = (a + int(np.argmax(e > ref - 30)) * hop + hop / 2) / sr
        assert abs(onset - seg.start_s) < 0.010, (seg.speaker, seg.start_s, onset)

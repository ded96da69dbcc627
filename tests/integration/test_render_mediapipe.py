"""Rendered clips are seen by MediaPipe where the truth sidecar says: faces, centres, mouth opening."""

from __future__ import annotations

import numpy as np
import pytest

from extract.media import iter_frames
from extract.render import build_script, read_truth, render_clip

mp = pytest.importorskip("mediapipe")

ANALYSIS_FPS = 25.0
CROP_SIDE = 256  # face-mesh input: a square crop around each detected face, upscaled
CROP_SMOOTHING = 0.7  # exponential smoothing of the crop box between frames (0 = none)


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Render an 8 s clip, decode it, run face detection + per-face mesh; one record per analysed frame."""
    out = tmp_path_factory.mktemp("render_mp")
    script = _script_where_both_speak(duration_s=8.0)
    doc, truth = read_truth(render_clip(out / "mp.mp4", script, fps=25))
    w, h = doc["width"], doc["height"]
    detector = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
    meshes = {
        r: mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
        for r in ("adult", "infant")
    }
    records = []
    crop_boxes: dict[str, tuple[float, float, float]] = {}  # per role: smoothed (cx, cy, width), normalised
    try:
        for frame in iter_frames(out / "mp.mp4", fps=ANALYSIS_FPS):
            row = truth.iloc[int(round(frame.t_s * doc["fps"]))]
            assert abs(row["t_s"] - frame.t_s) < 1e-3
            dets = detector.process(frame.image).detections or []
            boxes = []
            for d in dets:
                bb = d.location_data.relative_bounding_box
                boxes.append((bb.xmin + bb.width / 2, bb.ymin + bb.height / 2, bb.width))
            rec = {"t_s": frame.t_s, "n_dets": len(boxes)}
            for role in ("adult", "infant"):
                tx, ty = row[f"{role}.cx"], row[f"{role}.cy"]
                rec[f"{role}.truth_mouth"] = row[f"{role}.mouth_open"]
                if not boxes:
                    continue
                # nearest detection to the truth centre, distance in frame widths
                errs = [np.hypot(bx - tx, (by - ty) * h / w) for bx, by, _ in boxes]
                k = int(np.argmin(errs))
                bx, by, bw = boxes[k]
                rec[f"{role}.err"] = errs[k]
                # face-mesh crop follows the detection, smoothed over time as a tracker would
                prev = crop_boxes.get(role, boxes[k])
                sx, sy, sw = (
                    CROP_SMOOTHING * p + (1 - CROP_SMOOTHING) * c
                    for p, c in zip(prev, boxes[k], strict=False)
                )
                crop_boxes[role] = (sx, sy, sw)
                rec[f"{role}.mouth"] = _mouth_from_mesh(
                    meshes[role], frame.image, cx=sx * w, cy=sy * h, side=2.0 * sw * w
                )
            records.append(rec)
    finally:
        detector.close()
        for m in meshes.values():
            m.close()
    return records


def _script_where_both_speak(*, duration_s: float):
    """First seed (deterministic) whose script has at least two vocal segments per role."""
    for seed in range(100):
        script = build_script(sensitivity=0.7, seed=seed, duration_s=duration_s)
        if all(sum(s.speaker == r for s in script.segments) >= 2 for r in ("adult", "infant")):
            return script
    raise AssertionError("no script with both speakers")


def _mouth_from_mesh(mesh, image: np.ndarray, *, cx: float, cy: float, side: float) -> float:
    """Inner-lip gap (landmarks 13-14) / face width (234-454) from face mesh on a square crop; nan if no
    mesh."""
    import cv2

    half = side / 2
    src = np.float32([[cx - half, cy - half], [cx + half, cy - half], [cx - half, cy + half]])
    dst = np.float32([[0, 0], [CROP_SIDE, 0], [0, CROP_SIDE]])
    crop = cv2.warpAffine(
        image,
        cv2.getAffineTransform(src, dst),
        (CROP_SIDE, CROP_SIDE),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    res = mesh.process(crop)
    if not res.multi_face_landmarks:
        return float("nan")
    lm = res.multi_face_landmarks[0].landmark
    gap = np.hypot(lm[14].x - lm[13].x, lm[14].y - lm[13].y)
    width = np.hypot(lm[454].x - lm[234].x, lm[454].y - lm[234].y)
    return float(gap / width)


def test_both_faces_detected_in_95_percent_of_frames(measured):
    both = [
        ("adult.err" in r and "infant.err" in r and r["adult.err"] < 0.03 and r["infant.err"] < 0.03)
        for r in measured
    ]
    rate = float(np.mean(both))
    print(f"both faces detected within 3% of width: {rate:.3f} of {len(measured)} frames")
    assert len(measured) >= 190
    assert rate >= 0.95


@pytest.mark.parametrize("role", ["adult", "infant"])
def test_face_centre_matches_truth(measured, role):
    errs = np.array([r[f"{role}.err"] for r in measured if f"{role}.err" in r])
    print(
        f"{role} centre error (frame widths): median {np.median(errs):.4f}, p95 {np.percentile(errs, 95):.4f}"
    )
    assert np.median(errs) < 0.015
    assert np.percentile(errs, 95) < 0.03


@pytest.mark.parametrize("role", ["adult", "infant"])
def test_mouth_opening_tracks_script(measured, role):
    pairs = np.array(
        [
            (r[f"{role}.truth_mouth"], r[f"{role}.mouth"])
            for r in measured
            if np.isfinite(r.get(f"{role}.mouth", np.nan))
        ]
    )
    assert len(pairs) >= 0.9 * len(measured)
    assert pairs[:, 0].std() > 0.1, "script should open this mouth in the test clip"
    r = float(np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1])
    print(f"{role} mouth r = {r:.3f} over {len(pairs)} frames")
    assert r > 0.8

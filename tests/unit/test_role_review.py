"""What a reviewer uses to fix roles: roles.csv (read, validated, applied, rewritten), the role
check sheet, the stills it is drawn from (frames_at) and the adult-voice share behind the voice cue."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from media_fixtures import marker_frame, read_marker, write_audio, write_video

from extract.batch.inputs import ClipInput, InputError
from extract.batch.roles_fix import apply_roles_fix, read_roles_fix, write_roles_file
from extract.config import Config
from extract.media import frames_at
from extract.video.role_sheet import COLOURS, FRAME_W, draw_sheet, sheet_times
from extract.video.voice_cue import adult_voice_share, clip_pitch


def _write(path, text):
    path.write_text(text)
    return path


def test_roles_csv_fixes_are_read_and_applied(tmp_path):
    f = _write(
        tmp_path / "roles.csv", "clip_id,swap,infant_side,role_cue\na,1,,size\nb,,LEFT,size\nc,0,,size\n"
    )
    fixes = read_roles_fix(f)
    assert fixes == {"a": {"swap": True}, "b": {"infant_side": "left"}}
    clips = [
        ClipInput("a", tmp_path / "a.mp4"),
        ClipInput("b", tmp_path / "b.mp4", meta={"infant_side": "right"}),
    ]
    a, b = apply_roles_fix(clips + [ClipInput("c", tmp_path / "c.mp4")], fixes, source="roles.csv")[:2]
    assert a.meta["swap_roles"] == "1" and a.meta["roles_fix"] == "roles.csv: swap"
    assert b.meta["infant_side"] == "left"  # the reviewer's fix wins over the manifest
    assert read_roles_fix(tmp_path / "absent.csv") == {}


@pytest.mark.parametrize(
    "text, message",
    [
        ("clip,swap\na,1\n", "missing column clip_id"),
        ("clip_id,swap\na,maybe\n", "row 2 (a): swap must be 1 or 0"),
        ("clip_id,infant_side\na,auto\n", "row 2 (a): infant_side must be one of left|right|top|bottom"),
        ("clip_id,swap,infant_side\nx,0,\na,1,left\n", "row 3 (a): give swap or infant_side, not both"),
    ],
)
def test_bad_roles_csv_names_file_row_and_column(tmp_path, text, message):
    f = _write(tmp_path / "roles.csv", text)
    with pytest.raises(InputError, match=message.replace("|", r"\|").replace("(", r"\(").replace(")", r"\)")):
        read_roles_fix(f)
    assert str(f) in str(pytest.raises(InputError, read_roles_fix, f).value)


def test_roles_file_keeps_the_reviewers_fixes_and_other_clips(tmp_path):
    (tmp_path / "clips" / "a").mkdir(parents=True)
    (tmp_path / "clips" / "a" / "roles.png").write_bytes(b"png")
    qc = pd.DataFrame([{"clip_id": "a", "role_cue": "size", "role_confidence": 0.8}])
    fixes = {"a": {"swap": True}, "old": {"infant_side": "right"}}
    write_roles_file(tmp_path, [ClipInput("a", tmp_path / "a.mp4")], qc, fixes)
    out = pd.read_csv(tmp_path / "roles.csv", dtype=str, keep_default_na=False)
    assert out.to_dict("records")[0] == {
        "clip_id": "a",
        "swap": "1",
        "infant_side": "",
        "role_cue": "size",
        "role_confidence": "0.8",
        "sheet": "clips/a/roles.png",
    }
    assert out.iloc[1]["clip_id"] == "old" and out.iloc[1]["infant_side"] == "right"
    assert read_roles_fix(tmp_path / "roles.csv") == fixes  # what the next run reads back


def _table():
    t = pd.DataFrame({"t_s": np.arange(10) / 10})
    for role, x in (("adult", 0.3), ("infant", 0.7)):
        t[f"{role}.face_found"] = 1.0
        t[f"{role}.face_x"], t[f"{role}.face_y"], t[f"{role}.face_w"], t[f"{role}.face_h"] = x, 0.5, 0.2, 0.25
    t.loc[:4, "infant.face_found"] = 0.0  # both faces only in frames 5-9
    return t


def test_sheet_boxes_each_face_in_its_role_colour_on_frames_with_both():
    table = _table()
    times = sheet_times(table, 3)
    assert len(times) == 3 and min(times) >= 0.5
    stills = [(t, np.full((240, 320, 3), 90, np.uint8)) for t in times]
    sheet = draw_sheet(
        stills, table, title="clip: roles by size, confidence 0.90\nWrong? ...", confidence=0.9
    )
    assert sheet.shape[1] == 3 * FRAME_W
    scale = FRAME_W / 320
    band = 44
    for role, x in (("adult", 0.3), ("infant", 0.7)):
        x_left = int((x - 0.1) * 320 * scale)  # the box's left edge, half-way down the face
        y_mid = band + int(0.5 * 240 * scale)
        assert tuple(sheet[y_mid, x_left]) == COLOURS[role]


def test_frames_at_returns_the_frame_showing_at_each_time(tmp_path):
    path = tmp_path / "m.mp4"
    write_video(path, n_frames=50, fps=25, frame_fn=lambda i: marker_frame(i))
    stills = frames_at(path, [0.0, 0.41, 1.2, 1.96], longest_side=0)
    assert [read_marker(f.image) for f in stills] == [0, 11, 30, 49]
    assert stills[1].t_s == pytest.approx(0.44)


def test_frames_at_decoding_on_gives_the_frames_of_single_seeks(tmp_path):
    path = tmp_path / "long.mp4"
    write_video(path, n_frames=300, fps=25, frame_fn=lambda i: marker_frame(i))
    times = [0.0, 0.41, 1.2, 7.5, 7.52, 11.96]  # 1.2 -> 7.5 is past FORWARD_S: a seek
    together = frames_at(path, times, longest_side=0)
    alone = [frames_at(path, [t], longest_side=0)[0] for t in times]
    assert [read_marker(f.image) for f in together] == [read_marker(f.image) for f in alone]
    assert [read_marker(f.image) for f in together] == [0, 11, 30, 188, 188, 299]
    assert [f.t_s for f in together] == [f.t_s for f in alone]


def test_adult_voice_share_marks_low_voiced_sound_only(tmp_path):
    rate = 16000
    t = np.arange(int(3.0 * rate)) / rate
    y = np.where(t < 1.0, 0.5 * np.sin(2 * np.pi * 150 * t), 0.0)  # adult-like F0 in 0-1 s
    y = np.where((t > 1.5) & (t < 2.5), 0.5 * np.sin(2 * np.pi * 450 * t), y)  # infant-like F0
    path = tmp_path / "v.wav"
    write_audio(path, y.astype(np.float32), sample_rate=rate)
    c = Config()
    pitch = clip_pitch(path, sample_rate=rate, hop_s=0.01, pitch_cfg=c.audio.pitch)
    share = adult_voice_share(pitch, np.array([0.5, 2.0, 2.8]), max_f0_hz=250)
    assert share[0] > 0.9 and share[1] == 0.0 and share[2] == 0.0
    silent = tmp_path / "s.mp4"
    write_video(silent, n_frames=10)
    assert clip_pitch(silent, sample_rate=rate, hop_s=0.01, pitch_cfg=c.audio.pitch) is None

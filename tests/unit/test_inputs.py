"""Resolving inputs: files, folders, manifests; safe clip ids; duplicate ids are errors."""

import pytest

from extract.batch.inputs import InputError, collect_inputs, safe_clip_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("dyad01_8wk", "dyad01_8wk"),
        ("../../etc/passwd", "etc_passwd"),
        ("a/b\\c", "a_b_c"),
        ("..", "clip"),
        ("x\ny\x00z", "x_y_z"),
    ],
)
def test_clip_ids_are_safe_folder_names(raw, expected):
    assert safe_clip_id(raw) == expected


def test_folder_lists_media_files_sorted(tmp_path):
    for name in ("b.mp4", "a.wav", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    clips = collect_inputs([tmp_path])
    assert [c.clip_id for c in clips] == ["a", "b"]


def test_manifest_paths_are_relative_to_the_manifest_and_meta_is_kept(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.mp4").write_bytes(b"x")
    (tmp_path / "sub" / "two.mp4").write_bytes(b"x")
    manifest = tmp_path / "sub" / "manifest.csv"
    manifest.write_text("clip_id,path,dyad_id,infant_side\nc1,../one.mp4,d1,left\nc2,two.mp4,d1,\n")
    clips = collect_inputs([manifest])
    assert [(c.clip_id, c.path) for c in clips] == [
        ("c1", tmp_path / "one.mp4"),
        ("c2", tmp_path / "sub" / "two.mp4"),
    ]
    assert clips[0].meta == {"dyad_id": "d1", "infant_side": "left"}
    assert clips[1].meta == {"dyad_id": "d1"}


def test_manifest_errors_name_the_row(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"x")
    manifest = tmp_path / "m.csv"
    manifest.write_text("clip_id,path\nc1,a.mp4\n,b.mp4\n")
    with pytest.raises(InputError, match=r"m.csv, row 3: empty clip_id"):
        collect_inputs([manifest])
    manifest.write_text("clip_id,path\nc1,a.mp4\nc2,gone.mp4\n")
    with pytest.raises(InputError, match=r"row 3: file not found: .*gone.mp4"):
        collect_inputs([manifest])
    manifest.write_text("clip_id,path\nc1,a.mp4\nc2,.\n")
    with pytest.raises(InputError, match=r"row 3: not a readable file"):
        collect_inputs([manifest])
    manifest.write_text("clip,path\nc1,a.mp4\n")
    with pytest.raises(InputError, match="missing column"):
        collect_inputs([manifest])
    manifest.write_text("clip_id,path\nc1,a.mp4\nc1,a.mp4\n")
    with pytest.raises(InputError, match="duplicate clip id 'c1'"):
        collect_inputs([manifest])


def test_colliding_ids_are_an_error(tmp_path):
    for name in ("a b.mp4", "a_b.mp4"):
        (tmp_path / name).write_bytes(b"x")
    with pytest.raises(InputError, match="duplicate clip id 'a_b'"):
        collect_inputs([tmp_path / "a b.mp4", tmp_path / "a_b.mp4"])


def test_missing_file_argument_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"file not found: .*nope.mp4"):
        collect_inputs([tmp_path / "nope.mp4"])


def test_every_missing_input_is_named_in_one_error(tmp_path):
    (tmp_path / "ok.mp4").write_bytes(b"x")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("clip_id,path\nc1,ok.mp4\nc2,gone.mp4\nc3,\nc4,lost.mp4\n")
    with pytest.raises(InputError) as err:
        collect_inputs([manifest, tmp_path / "also_gone.wav"])
    text = str(err.value)
    assert text.startswith("4 inputs cannot be used:")
    for part in (
        "row 3: file not found",
        "gone.mp4",
        "row 4: empty path",
        "row 5: file not found",
        "lost.mp4",
    ):
        assert part in text
    assert "input: file not found" in text and "also_gone.wav" in text

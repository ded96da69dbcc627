"""A batch with good and bad clips: statuses, exit code, summary, resume rules, hostile ids."""

import json
import os

import pandas as pd
import pytest
from batch_fixtures import EXPECTED_STATUS, make_batch, tree_digest

from extract.batch.completion import clip_dir
from models.cli import main


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return make_batch(tmp_path_factory.mktemp("clips") / "batch")


def _records(out):
    return [json.loads(line) for line in (out / "run.jsonl").read_text().splitlines()]


def test_bad_clips_get_clear_statuses_and_the_good_ones_complete_outputs(batch, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(batch), "--out", str(out), "--jobs", "2"]) == 1
    qc = pd.read_csv(out / "qc.csv").set_index("clip_id")
    assert qc.status.to_dict() == {k: EXPECTED_STATUS[k] for k in qc.index}
    assert set(qc.index) == set(EXPECTED_STATUS)
    assert "zero bytes" in qc.loc["empty", "error"] and "notes.mp4" in qc.loc["notes", "error"]
    assert "truncated" in qc.loc["truncated", "warnings"] and "no audio" in qc.loc["silent", "warnings"]
    for clip_id, status in EXPECTED_STATUS.items():
        files = {p.name for p in (out / "clips" / clip_id).iterdir()}
        expected = {"done.json", "features.json", "frames.parquet"} if status != "failed" else {"done.json"}
        if status != "failed" and qc.loc[clip_id, "has_audio"]:
            expected.add("segments.csv")  # vocal segments (extract.audio)
        if status != "failed":  # positive moments (extract.moments), their stills in moments/ when any
            expected.add("moments.csv")
            if pd.read_csv(out / "clips" / clip_id / "moments.csv").thumbnail.notna().any():
                expected.add("moments")
        assert files == expected, clip_id
    printed = capsys.readouterr().out
    assert "8 clips: 3 failed, 3 ok, 2 warn" in printed
    assert all(f"  {c}: failed" in printed for c in ("cut", "empty", "notes"))
    records = _records(out)
    assert sorted(r["clip_id"] for r in records) == sorted(EXPECTED_STATUS)
    assert all(r["versions"]["dyadscope"] and r["seconds"] > 0 and not r["skipped"] for r in records)
    features = pd.read_csv(out / "features.csv")
    assert list(features.clip_id) == list(qc.index)


def test_rerun_skips_current_clips_and_redoes_stale_or_partial_ones(batch, tmp_path):
    out = tmp_path / "out"
    main(["extract", str(batch), "--out", str(out)])
    before = tree_digest(out)
    os.utime(batch / "good1.mp4")  # touched, same content: still current (content hash)
    main(["extract", str(batch), "--out", str(out)])
    assert all(r["skipped"] for r in _records(out)[8:])
    assert tree_digest(out) == before

    (clip_dir(out, "good2") / "done.json").unlink()  # as if killed before sealing
    (clip_dir(out, "good2") / "stray.tmp").write_text("partial")
    main(["extract", str(batch), "--out", str(out)])
    redone = [r["clip_id"] for r in _records(out)[16:] if not r["skipped"]]
    assert redone == ["good2"]
    assert tree_digest(out) == before

    main(["extract", str(batch), "--out", str(out), "--force"])
    assert not any(r["skipped"] for r in _records(out)[24:])
    assert tree_digest(out) == before


def test_changed_config_or_content_redoes_the_clip(batch, tmp_path):
    out = tmp_path / "out"
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "a.mp4").write_bytes((batch / "good1.mp4").read_bytes())
    main(["extract", str(folder), "--out", str(out)])
    (folder / "a.mp4").write_bytes((batch / "good2.mp4").read_bytes())
    main(["extract", str(folder), "--out", str(out)])
    assert [r["skipped"] for r in _records(out)] == [False, False]
    user = tmp_path / "five.yaml"
    user.write_text("video:\n  analysis_fps: 5\n")
    main(["extract", str(folder), "--out", str(out), "--config", str(user)])
    main(["extract", str(folder), "--out", str(out), "--config", str(user)])
    assert [r["skipped"] for r in _records(out)] == [False, False, False, True]


def test_hostile_clip_ids_stay_inside_the_output_folder(batch, tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"clip_id,path\n../../escape,{batch / 'good1.mp4'}\n/etc/x,{batch / 'good2.mp4'}\n")
    out = tmp_path / "out"
    assert main(["extract", str(manifest), "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "clips").iterdir()) == ["escape", "etc_x"]
    assert not (tmp_path / "escape").exists()
    with pytest.raises(ValueError, match="outside"):
        clip_dir(out, "../x")

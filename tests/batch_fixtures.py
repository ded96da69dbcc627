"""A batch folder of good and bad clips with known statuses, and output-tree comparison."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from media_fixtures import cut_copy, tone_burst, write_video

# clip id -> status expected from extraction
EXPECTED_STATUS = {
    "good1": "ok",
    "good2": "ok",
    "blank": "ok",  # no faces (grey frames) but readable: decoding succeeds
    "silent": "warn",  # no audio stream
    "truncated": "warn",  # faststart mp4 cut in half: readable frames plus a warning
    "cut": "failed",  # mp4 cut in half without faststart: index lost
    "empty": "failed",  # zero bytes
    "notes": "failed",  # a text file named .mp4
}


def make_batch(folder: Path, *, frames: int = 60, size=(160, 120)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    audio = np.stack([tone_burst(duration_s=frames / 25, onset_s=0.5, sample_rate=48000)])
    write_video(folder / "good1.mp4", n_frames=frames, size=size, audio=audio)
    write_video(folder / "good2.mp4", n_frames=frames, size=size, audio=audio, noise=True)
    write_video(
        folder / "blank.mp4",
        n_frames=frames,
        size=size,
        audio=audio,
        frame_fn=lambda i: np.full((size[1], size[0], 3), 128, np.uint8),
    )
    write_video(folder / "silent.mp4", n_frames=frames, size=size)
    scratch = folder.parent / f"{folder.name}_whole"
    scratch.mkdir(exist_ok=True)
    write_video(
        scratch / "faststart.mp4",
        n_frames=frames,
        size=size,
        noise=True,
        audio=audio,
        container_options={"movflags": "faststart"},
    )
    cut_copy(scratch / "faststart.mp4", folder / "truncated.mp4", 0.5)
    write_video(scratch / "plain.mp4", n_frames=frames, size=size, noise=True)
    cut_copy(scratch / "plain.mp4", folder / "cut.mp4", 0.5)
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "notes.mp4").write_text("not a video\n")
    return folder


def _content(path: Path) -> bytes:
    if path.name != "done.json":
        return path.read_bytes()
    marker = json.loads(path.read_text())
    marker["input"].pop("mtime_ns")  # bookkeeping: the input file's modification time
    return json.dumps(marker, sort_keys=True).encode()


def tree_digest(out: Path, *, skip=("run.jsonl", "run.shard-")) -> dict[str, str]:
    """Relative path -> SHA-256 for every output file except run logs."""
    return {
        str(p.relative_to(out)): hashlib.sha256(_content(p)).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(skip)
    }

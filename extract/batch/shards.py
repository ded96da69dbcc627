"""Deterministic sharding for job arrays: `--shard i/N` takes the clips whose id hashes to i."""

from __future__ import annotations

import hashlib

from extract.errors import DyadscopeError


def parse_shard(text: str) -> tuple[int, int]:
    """'2/8' -> (2, 8). Shards are numbered 0..N-1 (SLURM_ARRAY_TASK_ID with --array=0-(N-1))."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise DyadscopeError(f"--shard must look like i/N (e.g. 0/4), got {text!r}") from None
    if count < 1 or not 0 <= index < count:
        raise DyadscopeError(f"--shard {text}: need 0 <= i < N")
    return index, count


def shard_of(clip_id: str, count: int) -> int:
    """Stable across machines, Python versions and input order (unlike hash())."""
    return int.from_bytes(hashlib.sha256(clip_id.encode()).digest()[:8], "big") % count


def select_shard(clips: list, index: int, count: int) -> list:
    return [clip for clip in clips if shard_of(clip.clip_id, count) == index]

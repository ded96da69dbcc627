"""Scale-out gives the same outputs: SLURM-style shards then merge, and a real local Dask
cluster; and a whole run opens no network connection."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_fixtures import make_batch, tree_digest

from extract.batch.shards import parse_shard, shard_of
from models.cli import main

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return make_batch(tmp_path_factory.mktemp("scale") / "batch")


@pytest.fixture(scope="module")
def reference(batch, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    main(["extract", str(batch), "--out", str(out)])
    return tree_digest(out)


def test_shards_then_merge_equal_a_single_run(batch, reference, tmp_path):
    out = tmp_path / "sharded"
    for i in range(3):
        main(["extract", str(batch), "--out", str(out), "--shard", f"{i}/3"])
    assert not (out / "qc.csv").exists()  # shards leave the tables to merge
    assert sorted(p.name for p in out.glob("run.shard-*")) == [f"run.shard-{i}-of-3.jsonl" for i in range(3)]
    assert main(["merge", str(out)]) == 1  # the bad clips failed
    assert tree_digest(out) == reference


def test_merge_reports_clips_of_shards_not_run(batch, tmp_path):
    out = tmp_path / "partial"
    main(["extract", str(batch), "--out", str(out), "--shard", "0/3"])
    assert main(["merge", str(out)]) == 1
    qc = (out / "qc.csv").read_text()
    assert qc.count(",missing,") == sum(
        shard_of(c, 3) != 0
        for c in ("good1", "good2", "blank", "silent", "truncated", "cut", "empty", "notes")
    )


def test_shard_partition_is_deterministic_and_complete():
    ids = [f"dyad{i:03d}_8wk" for i in range(300)]
    shards = [shard_of(c, 4) for c in ids]
    assert shards == [shard_of(c, 4) for c in ids]
    assert set(shards) == {0, 1, 2, 3} and min(shards.count(k) for k in range(4)) > 50
    assert parse_shard("3/4") == (3, 4)
    for bad in ("4/4", "x", "1/0", "-1/3"):
        with pytest.raises(Exception, match="shard"):
            parse_shard(bad)


@pytest.fixture
def dask_cluster(tmp_path):
    """A scheduler and a worker as separate processes on loopback."""
    scheduler_file = tmp_path / "scheduler.json"
    procs = [
        subprocess.Popen(
            [
                BIN / "dask",
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                scheduler_file,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    procs.append(
        subprocess.Popen(
            [
                BIN / "dask",
                "worker",
                "--scheduler-file",
                scheduler_file,
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    address = json.loads(scheduler_file.read_text())["address"]
    try:
        yield address
    finally:
        for proc in procs[::-1]:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def test_dask_cluster_gives_the_same_outputs(batch, reference, dask_cluster, tmp_path):
    assert dask_cluster.startswith("tcp://127.0.0.1:")
    out = tmp_path / "dask"
    code = main(["extract", str(batch), "--out", str(out), "--backend", "dask", "--scheduler", dask_cluster])
    assert code == 1
    assert tree_digest(out) == reference


GUARD = """
import os, socket
_log = os.environ["DYADSCOPE_NET_LOG"]
def _refuse(*args, **kwargs):
    with open(_log, "a") as fh:
        fh.write(f"{os.getpid()} {args!r}\\n")
    raise OSError("network access attempted during a dyadscope run")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def test_a_full_run_opens_no_network_connection(batch, reference, tmp_path):
    """sitecustomize patches sockets in the main process and in every worker it starts."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    net_log = tmp_path / "net.log"
    env = {**os.environ, "PYTHONPATH": str(guard), "DYADSCOPE_NET_LOG": str(net_log)}
    out = tmp_path / "offline"
    run = subprocess.run(
        [sys.executable, "-m", "models.cli", "extract", str(batch), "--out", str(out), "--jobs", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    assert not net_log.exists(), net_log.read_text()
    assert tree_digest(out) == reference
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env=env,
        capture_output=True,
    )
    assert probe.returncode != 0 and net_log.exists()  # the guard itself works

"""Worker processes: results come back, and a crash in native code fails only its own item."""

import ctypes
import os

from extract.batch.executors import run_local


def _square_or_segfault(item: int) -> int:
    if item == 3:
        ctypes.string_at(0)  # a real segmentation fault inside native code
    return item * item


def _square_or_raise(item: int) -> int:
    if item == 2:
        raise ValueError("bad item")
    return item * item


def _pid(_item: int) -> int:
    return os.getpid()


def test_native_crash_fails_only_that_item_and_the_run_goes_on():
    outcomes = {}
    run_local(
        _square_or_segfault,
        range(7),
        jobs=2,
        on_result=lambda step, o, **_: outcomes.__setitem__(o.item, (o.result, o.crash)),
    )
    assert sorted(outcomes) == list(range(7))
    assert {i: r for i, (r, c) in outcomes.items() if c is None} == {0: 0, 1: 1, 2: 4, 4: 16, 5: 25, 6: 36}
    result, crash = outcomes[3]
    assert result is None and "worker process crashed" in crash


def test_python_exception_is_reported_not_raised():
    outcomes = {}
    run_local(
        _square_or_raise,
        range(4),
        jobs=2,
        on_result=lambda step, o, **_: outcomes.__setitem__(o.item, (o.result, o.crash)),
    )
    assert outcomes[2] == (None, "ValueError: bad item")
    assert outcomes[3] == (9, None)


def test_tasks_run_in_worker_processes():
    pids = set()
    run_local(_pid, range(6), jobs=2, on_result=lambda step, o, **_: pids.add(o.result))
    assert os.getpid() not in pids and 1 <= len(pids) <= 2

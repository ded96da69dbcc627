"""Decoding ahead in a thread: same items, same order, errors where they happened, early stop."""

from __future__ import annotations

import threading
import time

import pytest

from extract.media.prefetch import prefetched


def test_items_arrive_in_order_and_complete():
    assert list(prefetched(iter(range(100)), depth=3)) == list(range(100))


def test_an_error_is_raised_after_the_items_before_it():
    def source():
        yield from range(5)
        raise ValueError("damaged at item 5")

    got = []
    with pytest.raises(ValueError, match="damaged at item 5"):
        for item in prefetched(source()):
            got.append(item)
    assert got == [0, 1, 2, 3, 4]


def test_stopping_early_closes_the_producer_and_ends_the_thread():
    closed = threading.Event()

    def source():
        try:
            for i in range(10_000):
                time.sleep(0.001)
                yield i
        finally:
            closed.set()

    for item in prefetched(source(), depth=2):
        if item == 3:
            break
    assert closed.wait(2.0)
    assert not [t for t in threading.enumerate() if t.name == "dyadscope-decode"]


def test_runs_ahead_of_a_slow_consumer():
    produced = []

    def source():
        for i in range(6):
            produced.append(i)
            yield i

    it = prefetched(source(), depth=4)
    assert next(it) == 0
    time.sleep(0.2)
    assert len(produced) == 6  # four queued plus one waiting to be put, after the one taken
    assert list(it) == [1, 2, 3, 4, 5]

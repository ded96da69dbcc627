"""Decode ahead in a background thread while the caller runs the models on the frames already decoded.

FFmpeg decoding (PyAV) and MediaPipe inference release the GIL, so on a machine with a core to spare
the two overlap; items arrive in the same order as without the thread, so results are identical.
"""

from __future__ import annotations

import queue
import threading
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")
_END = object()


class _Failure:
    def __init__(self, exc: BaseException):
        self.exc = exc


def prefetched(items: Iterable[T], *, depth: int = 4) -> Iterator[T]:
    """Yield `items`, produced by a daemon thread at most `depth` ahead. An exception raised while
    producing is raised here, at the point it happened in the sequence; stopping early (break,
    an error in the caller) stops the thread and closes the producer."""
    ahead: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        try:
            for item in source:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put(_Failure(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="dyadscope-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = ahead.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        stop.set()
        worker.join()

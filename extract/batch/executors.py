"""Running one task per clip in worker processes: loky locally, Dask through joblib.

Local runs keep at most `jobs` tasks in flight, so when a worker dies inside native code
the suspects are exactly the tasks that were running; each is then retried alone, and
the one that kills its worker again is reported as crashed while the run goes on.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, wait
from typing import Any, Callable, Iterable, NamedTuple

from extract.outputs import current_umask
from extract.progress import ProgressHook

log = logging.getLogger(__name__)

# One thread per worker for the numeric libraries, so N workers on N cores scale.
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}


class TaskOutcome(NamedTuple):
    """The artifact of a "task" progress step: the item, its result (None if it crashed) and the crash
    message."""

    item: Any
    result: Any
    crash: str | None


class _Reporter:
    """Calls `hook("task", TaskOutcome(...), completed=k, total=n)` once per finished item."""

    def __init__(self, hook: ProgressHook, total: int | None):
        self.hook, self.total, self.completed = hook, total, 0

    def __call__(self, item, result, crash: str | None) -> None:
        self.completed += 1
        self.hook("task", TaskOutcome(item, result, crash), completed=self.completed, total=self.total)


def _init_worker() -> None:
    import cv2

    from extract.batch.native_quiet import filter_stderr_chatter

    cv2.setNumThreads(1)
    filter_stderr_chatter()


def _executor(width: int):
    from joblib.externals.loky import get_reusable_executor

    return get_reusable_executor(max_workers=width, env=WORKER_ENV, initializer=_init_worker, timeout=60)


def _drain(
    executor, task, queue: deque, width: int, on_result: _Reporter, alone: bool, suspects: deque
) -> bool:
    """Run items from `queue` with at most `width` in flight. Returns False once a worker
    died (the executor is then broken and must be replaced)."""
    from joblib.externals.loky.process_executor import BrokenProcessPool

    in_flight: dict = {}
    healthy = True
    while (queue and healthy) or in_flight:
        while healthy and queue and len(in_flight) < width:
            item = queue.popleft()
            in_flight[executor.submit(_in_umask, current_umask(), task, item)] = item
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            item = in_flight.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                healthy = False
                if alone:
                    on_result(item, None, f"worker process crashed while processing this clip ({exc})")
                else:
                    suspects.append(item)
                continue
            except Exception as exc:  # a task that raised instead of reporting
                on_result(item, None, f"{type(exc).__name__}: {exc}")
                continue
            on_result(item, result, None)
    return healthy


def run_local(task: Callable, items: Iterable, *, jobs: int, on_result: ProgressHook) -> None:
    """Call `task(item)` for every item in `jobs` loky worker processes, reporting each
    outcome as it arrives (in completion order) as on_result("task", TaskOutcome, completed=, total=)."""
    pending, suspects = deque(items), deque()
    on_result = _Reporter(on_result, len(pending))
    while pending or suspects:
        alone = bool(suspects)
        queue, width = (suspects, 1) if alone else (pending, max(1, jobs))
        if not _drain(_executor(width), task, queue, width, on_result, alone, suspects):
            log.warning("a worker process died; retrying the clips it may have held one at a time")


def _in_umask(mask: int, task: Callable, item):
    """`task(item)` with the submitting process's umask: a reused worker started under another
    umask still writes files with the permissions the user asked for."""
    os.umask(mask)
    return task(item)


def _tagged(task: Callable, item, mask: int):
    return item, _in_umask(mask, task, item)


def run_dask(task: Callable, items: Iterable, *, scheduler: str, on_result: ProgressHook) -> None:
    """The same tasks on a Dask cluster at `scheduler` (e.g. tcp://host:8786), through
    joblib's Dask backend, reported like run_local's. Workers need dyadscope installed."""
    items = list(items)
    report = _Reporter(on_result, len(items))
    import joblib
    from distributed import Client

    with (
        Client(scheduler, timeout=30) as client,
        joblib.parallel_config(backend="dask", wait_for_workers_timeout=60),
    ):
        log.info("dask cluster %s with %d workers", scheduler, len(client.scheduler_info()["workers"]))
        parallel = joblib.Parallel(n_jobs=-1, return_as="generator_unordered")
        for item, result in parallel(joblib.delayed(_tagged)(task, item, current_umask()) for item in items):
            report(item, result, None)

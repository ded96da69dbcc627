"""Keep MediaPipe's chatter (TFLite/absl lines that C++ writes to fd 2) out of batch logs.

`filter_stderr_chatter()` puts a pipe in front of fd 2 of a worker process; a thread passes
every line on to the real stderr except known chatter, so real errors and Python warnings
still come through. Fatal-signal tracebacks (faulthandler) go straight to the real stderr.
"""

from __future__ import annotations

import atexit
import faulthandler
import os
import re
import threading

CHATTER = re.compile(
    # absl INFO/WARNING lines ("W0000 00:00:1795.. 123 file.cc:42] ...")
    rb"^(?:[IW]0000 \S+ +\d+ \S+\.cc:\d+\] "
    rb"|INFO: Created TensorFlow Lite XNNPACK delegate"
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR)"
)
_installed = False


def is_chatter(line: bytes) -> bool:
    return CHATTER.match(line) is not None


def filter_stderr_chatter() -> None:
    """Once per process: route fd 2 through the chatter filter until the process exits."""
    global _installed
    if _installed:
        return
    _installed = True
    real = os.dup(2)
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    faulthandler.enable(file=os.fdopen(os.dup(real), "w"))

    def pump() -> None:
        with os.fdopen(read_fd, "rb") as pipe:
            for line in pipe:
                if not is_chatter(line):
                    os.write(real, line)

    thread = threading.Thread(target=pump, name="stderr-chatter-filter", daemon=True)
    thread.start()

    def restore() -> None:  # closes the pipe's write end: the thread drains it and ends
        os.dup2(real, 2)
        thread.join(timeout=2)

    atexit.register(restore)

"""Worker stderr: MediaPipe start-up chatter is dropped, everything else passes, crashes still show."""

import subprocess
import sys

CHATTER = [
    "W0000 00:00:1795874086.550974   23284 inference_feedback_manager.cc:114] Feedback manager requires a "
    "model",
    "I0000 00:00:1795874086.1   7 gl_context.cc:357] GL version: 3.2",
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
]
REAL = ["E0000 00:00:1795874086.5 23284 calculator_graph.cc:887] real native error", "UserWarning: keep me"]


def _child(tail: str) -> subprocess.CompletedProcess:
    lines = CHATTER[:2] + REAL[:1] + CHATTER[2:] + REAL[1:]
    code = (
        "import os, sys\n"
        "from extract.batch.native_quiet import filter_stderr_chatter\n"
        "filter_stderr_chatter()\n"
        f"for line in {lines!r}:\n"
        "    os.write(2, (line + '\\n').encode())\n"
        "print('python stderr line', file=sys.stderr)\n" + tail
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_only_chatter_is_dropped():
    out = _child("")
    assert out.returncode == 0
    assert out.stderr.splitlines() == REAL + ["python stderr line"]


def test_a_native_crash_still_prints_its_traceback():
    out = _child("import ctypes\nsys.stderr.flush()\nctypes.string_at(0)\n")
    assert out.returncode != 0
    assert "Fatal Python error: Segmentation fault" in out.stderr

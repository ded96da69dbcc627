"""The one progress hook shape for every long step (pyannote's pattern):

    hook(step, artifact=None, *, completed=None, total=None)

step names what is running ("frame", "clip", "task", "render", ...); artifact is what the step
just produced (a clip's run record, a rendered clip id, ...); completed and total count the
step's units when known. Library code only calls hooks; the command line draws them.
"""

from __future__ import annotations

from typing import Any, Protocol


class ProgressHook(Protocol):
    def __call__(
        self, step: str, artifact: Any = None, *, completed: int | None = None, total: int | None = None
    ) -> None: ...

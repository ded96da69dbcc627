"""Headless Chromium for the review page tests: load a file:// page with the network disabled,
return the DOM after scripts ran (--dump-dom), or take a screenshot. Standard library only."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_NETWORK = [
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves
    "--proxy-server=127.0.0.1:9",  # and nothing reaches a server (discard port)
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _run(url: str, extra: list[str], *, profile: Path, budget_ms: int = 5000) -> str:
    cmd = [
        CHROMIUM,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        f"--user-data-dir={profile}",
        f"--virtual-time-budget={budget_ms}",
        *NO_NETWORK,
        *extra,
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    if done.returncode != 0:
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def page_url(path: Path, fragment: str = "") -> str:
    return Path(path).resolve().as_uri() + (f"#{fragment}" if fragment else "")


def dump_dom(path: Path, fragment: str = "", *, profile: Path, budget_ms: int = 5000) -> str:
    return _run(page_url(path, fragment), ["--dump-dom"], profile=profile, budget_ms=budget_ms)


def screenshot(path: Path, target: Path, *, profile: Path, size=(1200, 2000), fragment: str = "") -> Path:
    _run(
        page_url(path, fragment),
        [f"--screenshot={target}", f"--window-size={size[0]},{size[1]}", "--hide-scrollbars"],
        profile=profile,
    )
    return target


class Elements(HTMLParser):
    """Every element as (tag, attributes dict, text inside it up to the next tag)."""

    def __init__(self, html: str):
        super().__init__()
        self.items: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append([tag, dict(attrs), ""])

    def handle_data(self, data):
        if self.items:
            self.items[-1][2] += data

    def find(self, tag: str | None = None, **attrs) -> list[tuple[str, dict, str]]:
        """Elements with `tag` whose attributes equal `attrs` (a value True: only present)."""
        return [
            (t, a, text.strip())
            for t, a, text in self.items
            if (tag is None or t == tag)
            and all((k in a) if v is True else a.get(k) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> tuple[str, dict, str]:
        found = self.find(None, id=element_id)
        assert found, f"no element #{element_id}"
        return found[0]

"""Shared browser fixture for the report and dashboard tests: Debian chromium driven by Playwright.

Never ``playwright install``: the system chromium is launched by path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from innoscope.report.export import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = CHROMIUM_ARGS


_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    """One chromium per test session, shared by tests/report and tests/web (each conftest imports
    this fixture; Playwright's sync API cannot be started twice in one thread)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    if _shared["users"] == 0:
        _shared["pw"] = sync_playwright().start()
        _shared["browser"] = _shared["pw"].chromium.launch(executable_path=CHROMIUM, args=ARGS)
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            _shared.pop("browser").close()
            _shared.pop("pw").stop()


def local_only(url: str) -> bool:
    """True for requests that never leave the machine."""
    return url.split(":", 1)[0] in ("file", "data", "about", "blob")

"""The lock files pin every dependency pyproject.toml names, at a version its lower bound admits (issue 9:
reproducible installs). A dependency added without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {canonicalize_name(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def _check(requirements: list[str], pins: dict[str, str]) -> None:
    for line in requirements:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not in the lock file: run make lock"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{req.name}=={pins[name]} violates {req}"
        )


def test_run_lock_pins_every_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    _check(project["dependencies"], _pins("run.lock"))


def test_dev_lock_pins_dev_extras_at_the_run_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    run, dev = _pins("run.lock"), _pins("dev.lock")
    _check(project["dependencies"] + project["optional-dependencies"]["dev"], dev)
    assert {k: v for k, v in dev.items() if k in run} == run

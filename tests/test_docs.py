"""Every registered method is documented (name in backticks) in docs/methods.md."""

from pathlib import Path

import pytest

from innoscope.pipeline import STAGES

DOC = (Path(__file__).resolve().parents[1] / "docs" / "methods.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_method_documented(stage):
    missing = [m.name for m in STAGES[stage].METHODS if f"`{m.name}`" not in DOC]
    assert not missing, f"{stage} methods missing from docs/methods.md: {missing}"


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_method_has_a_docstring_with_a_source(stage):
    undocumented = [m.name for m in STAGES[stage].METHODS
                    if "source" not in (m.func.__doc__ or "").lower() and "coinr" not in (m.func.__doc__ or "").lower()]
    assert not undocumented, f"{stage} kernels without a source in their docstring: {undocumented}"

"""Every registered method is documented (name in backticks) in docs/methods.md."""

from pathlib import Path

import pytest

from innoscope.pipeline import STAGES

DOC = (Path(__file__).resolve().parents[1] / "docs" / "methods.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_method_documented(stage):
    missing = [m.name for m in STAGES[stage].METHODS if f"`{m.name}`" not in DOC]
    assert not missing, f"{stage} methods missing from docs/methods.md: {missing}"


TRIVIAL = {"none", "framework", "equal", "bod"}
"""Methods with nothing to cite: leave as is, the framework's own weights, equal weights, and the weight-stage
``bod`` that only points to the aggregate method ``bod``."""


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_method_has_a_docstring_with_a_source(stage):
    def cited(doc: str) -> bool:
        return "source" in doc.lower() or "coinr" in doc.lower()

    assert all((m.func.__doc__ or "").strip() for m in STAGES[stage].METHODS)
    undocumented = [
        m.name for m in STAGES[stage].METHODS if m.name not in TRIVIAL and not cited(m.func.__doc__ or "")
    ]
    assert not undocumented, f"{stage} kernels without a source in their docstring: {undocumented}"

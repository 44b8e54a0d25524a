from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REF = Path(__file__).parent / "reference" / "coinr"


@pytest.fixture(scope="session")
def asem():
    """COINr's ASEM example: (framework, cross-section)."""
    from innoscope import read_coinr

    return read_coinr(REF / "data" / "ASEM_iData.csv", REF / "data" / "ASEM_iMeta.csv")


def coinr_ref(variant: str, name: str) -> pd.DataFrame:
    """A COINr reference table, indexed by uCode when it has one."""
    df = pd.read_csv(REF / "reference" / variant / name)
    return df.set_index("uCode") if "uCode" in df.columns else df


def pytest_collection_modifyitems(items):
    """Tests in a ``*_browser.py`` module drive chromium: marked ``browser`` (``make test-fast`` skips them)."""
    for item in items:
        if item.module is not None and item.module.__name__.endswith("_browser"):
            item.add_marker(pytest.mark.browser)

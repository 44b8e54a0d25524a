"""Read COINr's ``iData``/``iMeta`` CSV tables as they are (a reader of the one framework and cross-section)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError
from innoscope.model.framework import Framework


def _read_csv(path: str | Path) -> pd.DataFrame:
    """The table through the importer's reader registry and encoding policy (any encoding it detects)."""
    from innoscope.ingest.readers import read_frame

    p = Path(path)
    if not p.exists():
        raise DataError(f"file {p} does not exist")
    return read_frame(p)


def read_coinr(data: str | Path, meta: str | Path) -> tuple[Framework, CrossSection]:
    """Framework and cross-section from COINr-style ``iData.csv`` and ``iMeta.csv``."""
    fw = Framework.from_imeta(_read_csv(meta), source=str(meta))
    cs = CrossSection.from_idata(_read_csv(data), fw, source=str(data))
    return fw, cs

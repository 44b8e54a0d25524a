"""CSV and xlsx exports that are safe to open: text a spreadsheet would run as a formula is neutralised.

OWASP's CSV injection rule (https://owasp.org/www-community/attacks/CSV_Injection): Excel, LibreOffice and
Google Sheets read a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a
formula, so an entity name, source title or note such as ``=HYPERLINK("http://x", "click")`` or
``=cmd|' /C calc'!A0`` would run when the export is opened.

* CSV: such a *text* cell is written with a leading single quote (``'=HYPERLINK(...)``), which spreadsheets
  show as text. Numeric columns are written as they are (``-3.5`` stays the number -3.5).
* xlsx: such a cell is written as a string (``t="inlineStr"``, never an ``<f>`` formula element) with the
  quote-prefix style Excel itself sets when a user types ``'=...``: the text shows unchanged and stays text
  when the cell is edited. Numbers are written as numbers.

Column names are treated like text cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

__all__ = [
    "TRIGGERS",
    "csv_bytes",
    "is_formula_like",
    "neutralise",
    "neutralise_text",
    "write_csv",
    "write_xlsx",
]

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would read as a formula (OWASP's leading characters)."""
    return isinstance(value, str) and value.startswith(TRIGGERS)


def neutralise_text(value: Any) -> Any:
    """``value`` with a leading single quote if it is formula-like text; anything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with formula-like text cells and column names quoted; numeric columns untouched."""
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if is_numeric_dtype(col) or is_bool_dtype(col) or is_datetime64_any_dtype(col):
            continue
        if col.map(is_formula_like).any():
            out.isetitem(i, col.map(neutralise_text).astype(object).to_numpy())
    out.columns = [neutralise_text(c) for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """``df`` as neutralised CSV bytes (no index)."""
    return neutralise(df).to_csv(index=False).encode(encoding)


def write_csv(df: pd.DataFrame, path: str | Path, encoding: str = "utf-8") -> None:
    """Write ``df`` as neutralised CSV (no index)."""
    neutralise(df).to_csv(path, index=False, encoding=encoding)


def write_xlsx(tables: Mapping[str, pd.DataFrame], target: str | Path | BinaryIO) -> None:
    """Write one sheet per table (name cut to Excel's 31 characters); formula-like text kept as text."""
    with pd.ExcelWriter(target, engine="openpyxl") as xw:
        for name, df in tables.items():
            sheet = name[:31]
            df.to_excel(xw, sheet_name=sheet, index=False)
            _text_not_formula(xw.sheets[sheet])


def _text_not_formula(ws: Any) -> None:
    """openpyxl stores a string starting with ``=`` as a formula: make every formula-like string text."""
    for row in ws.iter_rows():
        for cell in row:
            if is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True

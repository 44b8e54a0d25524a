"""Readers: CSV / Excel / Parquet files -> one tidy long table, through one registry keyed by file type.

Two steps, both public:

* :func:`read_raw` reads a file into a :class:`~innoscope.ingest.cells.RawTable` with the reader that
  :data:`READERS` names for its suffix (:mod:`~innoscope.ingest.csvfile`, :mod:`~innoscope.ingest.excel`,
  :mod:`~innoscope.ingest.parquet`; any other suffix is read as CSV). Every reader finds the table in its file
  the same way (:mod:`~innoscope.ingest.shape`: title and metadata lines, unit rows, header rows, footer lines)
  and text files go through one encoding policy (:mod:`~innoscope.ingest.encoding`).
* :func:`~innoscope.ingest.tidy.to_long` turns a raw table into the tidy long table (columns
  :data:`TIDY_COLUMNS`).

:func:`read_table` does both; :func:`read_frame` gives the cells as a DataFrame (numbers where a whole column
is numbers), for the readers of whole tables (COINr's iData/iMeta, the dashboard's upload). Every error is a
:class:`~innoscope.errors.DataError` naming the file and, where there is one, the row, column and raw text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from innoscope.ingest.cells import Cells, RawTable
from innoscope.ingest.csvfile import read_csv_bytes, sha256
from innoscope.ingest.excel import EXCEL_SUFFIXES, read_excel_bytes
from innoscope.ingest.names import EntityTable
from innoscope.ingest.parquet import read_parquet_bytes
from innoscope.ingest.shape import NOTE_MARKERS
from innoscope.ingest.tidy import DEFAULT_HEADERS, ROLES, TIDY_COLUMNS, to_long
from innoscope.ingest.values import ValueParseError
from innoscope.model.errors import DataError

__all__ = [
    "DEFAULT_HEADERS",
    "READERS",
    "ROLES",
    "TIDY_COLUMNS",
    "Cells",
    "RawTable",
    "Reader",
    "ValueParseError",
    "read_bytes",
    "read_frame",
    "read_raw",
    "read_table",
    "reader_for",
    "to_long",
]


@dataclass(frozen=True)
class Reader:
    """How one kind of file becomes a :class:`RawTable`: ``read(data, file, **options)``."""

    kind: str
    read: Callable[..., RawTable]
    options: tuple[str, ...]
    """Reading options this kind of file takes (part of an import's identity)."""


_CSV = Reader("csv", read_csv_bytes, ("encoding", "header_rows", "skiprows"))
_EXCEL = Reader("excel", read_excel_bytes, ("sheet", "header_rows", "skiprows"))
_PARQUET = Reader("parquet", read_parquet_bytes, ())
READERS: dict[str, Reader] = {
    ".csv": _CSV,
    ".txt": _CSV,
    ".tsv": _CSV,
    **dict.fromkeys(EXCEL_SUFFIXES, _EXCEL),
    ".parquet": _PARQUET,
    ".pq": _PARQUET,
}
"""File suffix -> reader. A suffix not listed is read as CSV."""


def reader_for(name: str | Path) -> Reader:
    """The reader of a file name (by suffix, case-insensitive; CSV when unknown)."""
    return READERS.get(Path(str(name)).suffix.lower(), _CSV)


def read_bytes(
    data: bytes,
    name: str,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    header_rows: int | None = None,
    skiprows: int = 0,
) -> RawTable:
    """A file's bytes (``name`` says its type and names it in errors) as a :class:`RawTable`."""
    reader = reader_for(name)
    raw = reader.read(data, name, sheet=sheet, encoding=encoding, header_rows=header_rows, skiprows=skiprows)
    if not raw.sha256:
        raw.sha256 = sha256(data)
    raw.options = {"reader": reader.kind, **raw.options}
    return _set_aside_notes(raw)


def read_raw(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    header_rows: int | None = None,
    skiprows: int = 0,
) -> RawTable:
    """Read a CSV, Excel or Parquet file into a :class:`RawTable` (see the module docstring)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        raise DataError(f"{p}: is a directory, expected a .csv, .xlsx or .parquet file")
    reader = reader_for(p)
    if reader is _CSV:
        from innoscope.ingest.csvfile import read_csv

        raw = read_csv(p, encoding=encoding, header_rows=header_rows, skiprows=skiprows)
        raw.options = {"reader": reader.kind, **raw.options}
        return _set_aside_notes(raw)
    return read_bytes(
        p.read_bytes(), str(p), sheet=sheet, encoding=encoding, header_rows=header_rows, skiprows=skiprows
    )


def _text(cells: Cells, i: int) -> str | None:
    v = cells.source[i].as_py()
    if isinstance(v, bytes):
        try:
            return v.decode(cells.encoding)
        except UnicodeDecodeError:
            return None
    return None if v is None else str(v)


_MAX_NOTES = 50


def _set_aside_notes(raw: RawTable) -> RawTable:
    """Trailing rows whose first cell starts with a note word and whose other cells are empty are notes under
    the table, not data: removed from the rows and kept in :attr:`RawTable.notes` (the readers find most of
    them first; this catches the rest, e.g. in Parquet)."""
    if not raw.names:
        return raw
    first, others = raw.columns[raw.names[0]], [raw.columns[c] for c in raw.names[1:]]
    n = len(raw)
    m = n
    while m > 1 and n - m < _MAX_NOTES:
        head = (_text(first, m - 1) or "").strip().lower()
        if not head.startswith(NOTE_MARKERS) or any((_text(c, m - 1) or "").strip() for c in others):
            break
        m -= 1
    if m == n:
        return raw
    notes = raw.notes + [(int(raw.rows[i]), (_text(first, i) or "").strip()) for i in range(m, n)]
    out = raw.take(np.arange(m))
    out.notes = notes
    return out


def read_table(
    path: str | Path,
    *,
    layout: Literal["auto", "long", "wide"] = "auto",
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    header_rows: int | None = None,
    skiprows: int = 0,
    entities: EntityTable | None | Literal["default"] = "default",
    year: int | None = None,
    unit: str | None = None,
    units: Mapping[str, str] | None = None,
    source_title: str | None = None,
    source_url: str | None = None,
    exclude: Sequence[str] = (),
    indicator: str | None = None,
    on_bad_cell: str = "reject",
    check: bool = False,
    allow: Collection[str] = (),
    known_indicators: Collection[str] | None = None,
    require_year: bool = False,
    as_arrow: bool = False,
) -> pd.DataFrame | pa.Table:
    """:func:`read_raw` then :func:`to_long`: a file as one tidy long table (see both)."""
    raw = read_raw(path, sheet=sheet, encoding=encoding, header_rows=header_rows, skiprows=skiprows)
    try:
        return to_long(
            raw,
            layout=layout,
            columns=columns,
            entities=entities,
            year=year,
            unit=unit,
            units=units,
            source_title=source_title,
            source_url=source_url,
            exclude=exclude,
            indicator=indicator,
            on_bad_cell=on_bad_cell,
            check=check,
            allow=allow,
            known_indicators=known_indicators,
            require_year=require_year,
            as_arrow=as_arrow,
        )
    except DataError as exc:
        if encoding is None and raw.sheet is None and raw.encoding and "unknown entit" in str(exc):
            raise DataError(
                f"{exc}; the file was read as {raw.encoding} (detected): if its names look garbled, "
                "give the encoding (--encoding gbk, big5 or utf-8)"
            ) from None
        raise


NA_TEXTS = frozenset(
    {
        "",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    }
)
"""Cells :func:`read_frame` reads as missing (pandas.read_csv's defaults, which COINr's tables rely on)."""


def read_frame(source: str | Path | bytes, name: str | None = None) -> pd.DataFrame:
    """A whole table as a DataFrame: the cells of :func:`read_raw` (or :func:`read_bytes` of ``source`` bytes
    named ``name``), empty cells and :data:`NA_TEXTS` as NaN, and a column of numbers wherever every non-empty cell is one."""
    if isinstance(source, bytes):
        if name is None:
            raise DataError("read_frame of bytes needs the file name")
        if not source.strip():
            raise DataError(f"{name}: the file is empty")
        raw = read_bytes(source, name)
    else:
        raw = read_raw(source)
    df = raw.frame
    for c in df.columns:
        df[c] = df[c].where(~df[c].isin(NA_TEXTS) & df[c].notna(), None)
    for c in df.columns:
        s = df[c].str.strip() if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]) else df[c]
        num = pd.to_numeric(s, errors="coerce")
        if num.notna().sum() == s.notna().sum():
            df[c] = num
        else:
            df[c] = df[c].astype(object)
    return df

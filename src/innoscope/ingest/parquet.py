"""Parquet files -> :class:`~innoscope.ingest.cells.RawTable` (every column as text)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from innoscope.ingest.cells import Cells, RawTable
from innoscope.ingest.csvfile import sha256
from innoscope.model.errors import DataError

__all__ = ["read_parquet", "read_parquet_bytes"]


def read_parquet(p: Path, **_: object) -> RawTable:
    """Every column of a Parquet file as text."""
    return read_parquet_bytes(p.read_bytes(), str(p))


def read_parquet_bytes(data: bytes, file: str, **_: object) -> RawTable:
    """:func:`read_parquet` on the file's bytes."""
    import pyarrow.parquet as pq

    if not data or data.isspace():
        raise DataError(f"{file}: file is empty")
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{file}: not a readable Parquet file ({exc})") from None
    if table.num_rows == 0:
        raise DataError(f"{file}: has columns ({', '.join(table.column_names)}) but no data rows")
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        cols[name] = Cells(pc.cast(col, pa.string()))
    return RawTable(cols, file, np.arange(table.num_rows, dtype=np.int64) + 1, sha256=sha256(data))

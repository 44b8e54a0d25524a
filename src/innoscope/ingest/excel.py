"""Excel workbooks (.xlsx/.xlsm/.xls/.xlsb/.ods) -> :class:`~innoscope.ingest.cells.RawTable`.

Read with python-calamine; ``sheet=`` picks a sheet by name or 0-based index (default: the first). Title,
metadata and unit rows above the header and note rows under the table are found by
:func:`~innoscope.ingest.shape.find_shape`. The header depth is the larger of what the rows show (lower header
rows start with an empty cell) and the lowest row reached by a merged range that starts in the header's first
row. Merged ranges are filled with their top-left value, then each column's name is the distinct non-empty
header cells top to bottom joined by ``" / "``.

Error cells (``#REF!``, ``#DIV/0!``, ``#N/A`` ...: a formula that failed in the workbook) are read as their
error text, so that the importer reports them as bad cells instead of storing a missing value without a flag:
python-calamine (0.9) reads them as empty text, so :func:`~innoscope.ingest.errorcells.error_cells` finds them
with a reader of the workbook's format (every format above).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from innoscope.ingest.cells import Cells, RawTable
from innoscope.ingest.csvfile import sha256
from innoscope.ingest.errorcells import error_cells
from innoscope.ingest.headers import join_header
from innoscope.ingest.shape import find_shape

if TYPE_CHECKING:
    from python_calamine import CalamineSheet
from innoscope.model.errors import DataError

__all__ = ["EXCEL_SUFFIXES", "cell_text", "excel_letter", "read_excel", "read_excel_bytes"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def cell_text(v: object) -> str:
    """A cell as text: integral floats without ``.0``; dates in ISO form (flagged later as a bad cell)."""
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, bool):
        return str(v)
    if hasattr(v, "isoformat"):
        return str(v.isoformat())
    return str(v)


def excel_letter(j: int) -> str:
    """0-based column index -> ``A``, ``B``, ... ``AA``."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def read_excel(
    p: Path, *, sheet: str | int | None = None, header_rows: int | None = None, skiprows: int = 0, **_: object
) -> RawTable:
    """One sheet as a :class:`RawTable` (module docstring)."""
    return read_excel_bytes(p.read_bytes(), str(p), sheet=sheet, header_rows=header_rows, skiprows=skiprows)


def read_excel_bytes(
    data: bytes,
    file: str,
    *,
    sheet: str | int | None = None,
    header_rows: int | None = None,
    skiprows: int = 0,
    **_: object,
) -> RawTable:
    """:func:`read_excel` on the workbook's bytes."""
    if not data or data.isspace():
        raise DataError(f"{file}: file is empty")
    cells, sh = _sheet(data, file, sheet)
    sheet_name = sh.name
    merged = [
        ((r0 - skiprows, c0), (r1 - skiprows, c1))
        for (r0, c0), (r1, c1) in _merged_ranges(data, sheet_name, sh)
        if r0 >= skiprows
    ]
    where = f"{file}, sheet {sheet_name!r}"
    grid = [[cell_text(v) for v in r] for r in cells]
    for (r, c), text in error_cells(data, sheet_name, grid).items():
        grid[r][c] = text
    grid = grid[skiprows:]
    if not any(c.strip() for r in grid for c in r):
        raise DataError(f"{where}: sheet is empty")
    detect = header_rows is None and skiprows == 0
    first = find_shape(grid, detect=detect, header_rows=header_rows).header_start
    merged_depth = max(
        [1] + [max(r1 - first + 1, 2 if c1 > c0 else 1) for (r0, c0), (r1, c1) in merged if r0 == first]
    )
    shape = find_shape(grid, detect=detect, header_rows=header_rows, merged_depth=merged_depth)
    if shape.header_start >= len(grid):
        raise DataError(f"{where}: no header row found (a row of two or more cells under the title)")
    _fill_merged(grid, merged)
    first, depth = shape.header_start, shape.header_rows
    names = join_header(_sub_items(grid[first : first + depth], first, merged), where)
    body = grid[first + depth : shape.body_end]
    keep = [i for i, r in enumerate(body) if any(c.strip() for c in r)]
    if not keep:
        raise DataError(f"{where}: has a header ({', '.join(names)}) but no data rows")
    width = len(names)
    records = [(body[i] + [""] * width)[:width] for i in keep]
    cols = {n: Cells([r[j] for r in records]) for j, n in enumerate(names)}
    rows = np.asarray(keep, dtype=np.int64) + first + depth + skiprows + 1
    letters = {n: excel_letter(j) for j, n in enumerate(names)}
    notes = [(i + skiprows + 1, t) for i, t in shape.notes]
    options = {"sheet": sheet_name, "header_rows": depth, "skip_rows": skiprows + first}
    return RawTable(
        cols,
        file,
        rows,
        sheet=sheet_name,
        sha256=sha256(data),
        column_letters=letters,
        notes=notes,
        meta=shape.meta,
        options=options,
    )


def _sheet(
    data: bytes, file: str, sheet: str | int | None
) -> tuple[Sequence[Sequence[object]], CalamineSheet]:
    """The cells of the sheet asked for (default: the first), every row as the sheet has it."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = wb.sheet_names
        if isinstance(sheet, int) and not 0 <= sheet < len(sheets):
            raise DataError(f"{file}: no sheet number {sheet}; sheets are {sheets}")
        if isinstance(sheet, str) and sheet not in sheets:
            raise DataError(f"{file}: no sheet {sheet!r}; sheets are {sheets}")
        sh = wb.get_sheet_by_name(sheet) if isinstance(sheet, str) else wb.get_sheet_by_index(sheet or 0)
        return sh.to_python(skip_empty_area=False), sh
    except CalamineError as exc:
        raise DataError(f"{file}: not a readable Excel workbook (truncated or corrupt: {exc})") from None


def _fill_merged(grid: list[list[str]], merged: Ranges) -> None:
    """Every cell of a merged range takes the range's top-left value."""
    for (r0, c0), (r1, c1) in merged:
        top_left = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1 + 1, len(grid))):
            for c in range(c0, min(c1 + 1, len(grid[r]))):
                grid[r][c] = top_left


Ranges = list[tuple[tuple[int, int], tuple[int, int]]]


def _sub_items(header: list[list[str]], first: int, merged: Ranges) -> list[list[str]]:
    """A column whose top header cell is empty and whose label sits lower is a part of the item to its left
    when that item is one column wide, its top cell merged down over the label's height or alone (yearbooks:
    ``专利授权数`` merged down, ``发明`` beside it): it takes the top cell, so that ``发明`` reads
    ``专利授权数 / 发明``. Beside a block of several columns (``常住人口`` over 全市 and 市辖区) it stays alone.
    ``header`` is filled (merged ranges), ``first`` its row in the sheet."""
    if len(header) < 2:
        return header
    span: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for (r0, c0), (r1, c1) in merged:
        for r in range(max(r0, first), min(r1, first + len(header) - 1) + 1):
            for c in range(c0, c1 + 1):
                span[(r - first, c)] = (r0 - first, c0, r1 - first, c1)
    out = [list(r) for r in header]
    top, given = out[0], list(header[0])
    for j in range(1, len(top)):
        if given[j].strip():
            continue
        low = next((k for k in range(1, len(out)) if j < len(out[k]) and out[k][j].strip()), None)
        left = next((k for k in range(j - 1, -1, -1) if given[k].strip()), None)
        if low is None or left is None or left == 0:
            continue
        block = span.get((0, left))
        if block is not None and block[3] > block[1]:
            continue
        below = span.get((low, left))
        if (below is not None and below[0] == 0) or (below is None and not header[low][left].strip()):
            top[j] = top[left]
    return out


def _merged_ranges(data: bytes, sheet_name: str, sheet: CalamineSheet) -> Ranges:
    """Merged ranges of a sheet as 0-based ((row0, col0), (row1, col1)): calamine's own list (read with the
    cells, ~50x faster than loading the workbook with openpyxl), openpyxl when calamine has none to give."""
    ranges = sheet.merged_cell_ranges
    if ranges is not None:
        return [((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in ranges]
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception:  # noqa: BLE001 - not an OOXML workbook either: no merged ranges known
        return []
    ws = wb[sheet_name]
    return [((m.min_row - 1, m.min_col - 1), (m.max_row - 1, m.max_col - 1)) for m in ws.merged_cells.ranges]

"""Error cells of a workbook (``#REF!``, ``#DIV/0!``, ``#N/A`` ...: a formula that failed), which python-calamine
(0.9) reads as empty text, so that they become bad cells instead of silent missing values.

Only a sheet in which calamine reports an empty cell is looked at again, by a reader of the workbook's format
(told from its bytes, not its name; one registry, :data:`READERS`):

* OOXML (.xlsx, .xlsm): a byte search of the worksheet XML for an error cell (``t="e"``), then openpyxl.
* BIFF8 (.xls): a byte search of the workbook stream for an error record (BoolErr with fError, or a Formula
  whose cached value is an error), then xlrd, cells of type ``XL_CELL_ERROR``; the text by xlrd's table of
  BErr codes ([MS-XLS] 2.5.10: 0x07 ``#DIV/0!``, 0x17 ``#REF!``, 0x2A ``#N/A`` ...).
* BIFF12 (.xlsb): pyxlsb, which gives an error cell (BrtCellError, BrtFmlaError) as its code in hex
  (``'0x17'``); such a value counts only where calamine read an empty cell, so a text cell ``0x17`` stays text.
* OpenDocument (.ods): a byte search of ``content.xml`` for ``value-type="error"``, then the cells that
  LibreOffice marks ``calcext:value-type="error"``, with the text it shows (``#DIV/0!``, ``Err:502``), read
  with the standard library; repeated rows and columns (``number-rows-repeated``) are counted as calamine does.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import IO
from xml.etree import ElementTree

__all__ = ["READERS", "error_cells", "workbook_format"]

Positions = dict[tuple[int, int], str]
Shape = tuple[int, int]
Reader = Callable[[bytes, str, Shape], Positions]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20


def workbook_format(data: bytes) -> str | None:
    """``xls``, ``xlsx``, ``xlsb`` or ``ods`` from the workbook's bytes; None for anything else."""
    if data[:8] == _OLE2:
        return "xls"
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    return None


def error_cells(data: bytes, sheet: str, grid: Sequence[Sequence[str]]) -> Positions:
    """0-based (row, column) -> error text of the sheet's error cells that calamine read as empty (``grid``,
    its cells as text); empty when the sheet has no empty cell or the format has no reader."""
    if not any(c == "" for row in grid for c in row):
        return {}
    reader = READERS.get(workbook_format(data) or "")
    if reader is None:
        return {}
    shape = (len(grid), max(len(r) for r in grid))
    return {
        (r, c): text
        for (r, c), text in reader(data, sheet, shape).items()
        if r < len(grid) and c < len(grid[r]) and grid[r][c] == ""
    }


def _member_contains(data: bytes, wanted: Callable[[str], bool], needle: bytes) -> bool:
    """Whether a zip member whose name is ``wanted`` holds ``needle``, read in chunks."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        if not wanted(info.filename):
            continue
        tail = b""
        with zf.open(info) as f:
            while chunk := f.read(_CHUNK):
                if needle in tail + chunk:
                    return True
                tail = chunk[-len(needle) :]
    return False


def _xlsx(data: bytes, sheet: str, _shape: Shape) -> Positions:
    """OOXML: openpyxl's error cells (``data_type == "e"``), when a worksheet's XML holds one."""
    worksheet = re.compile(r"xl/worksheets/[^/]+\.xml").fullmatch
    if not _member_contains(data, lambda n: worksheet(n) is not None, b' t="e"'):
        return {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - calamine read the workbook; openpyxl cannot: no error cells known
        return {}
    try:
        return {
            (c.row - 1, c.column - 1): str(c.value)
            for row in wb[sheet].iter_rows()
            for c in row
            if getattr(c, "data_type", None) == "e" and c.value is not None
        }
    finally:
        wb.close()


# [MS-XLS] 2.4.24 BoolErr (0x0205, 8 bytes: rw, col, ixfe, bBoolErr, fError = 1) and 2.4.127 Formula (0x0006:
# rw, col, ixfe, then FormulaValue 2.5.133 with fExprO = 0xFFFF and byte 0 = 2 for an error)
_BIFF_ERROR = re.compile(rb"\x05\x02\x08\x00.{7}\x01|\x06\x00.{8}\x02.{5}\xff\xff", re.S)


def _biff_may_hold_errors(data: bytes) -> bool:
    """Whether the workbook stream holds the bytes of an error cell record (a byte search: a false alarm only
    costs the read); True when the stream cannot be found this way."""
    from xlrd.compdoc import CompDoc

    try:
        mem, base, size = CompDoc(data, logfile=io.StringIO()).locate_named_stream("Workbook")
    except Exception:  # noqa: BLE001 - let xlrd itself decide
        return True
    return mem is None or _BIFF_ERROR.search(mem, base, base + size) is not None


def _xls(data: bytes, sheet: str, _shape: Shape) -> Positions:
    """BIFF8: xlrd's cells of type ``XL_CELL_ERROR``, their BErr code as text, when the workbook stream holds
    an error record."""
    import xlrd
    from xlrd.biffh import error_text_from_code

    if not _biff_may_hold_errors(data):
        return {}
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except Exception:  # noqa: BLE001 - calamine read the workbook; xlrd cannot: no error cells known
        return {}
    try:
        sh = book.sheet_by_name(sheet)
        return {
            (r, c): error_text_from_code.get(int(sh.cell_value(r, c)), f"#ERROR{int(sh.cell_value(r, c))}")
            for r in range(sh.nrows)
            for c, kind in enumerate(sh.row_types(r))
            if kind == xlrd.XL_CELL_ERROR
        }
    finally:
        book.release_resources()


_PYXLSB_ERROR = re.compile(r"0x[0-9a-f]{1,2}")


def _xlsb(data: bytes, sheet: str, _shape: Shape) -> Positions:
    """BIFF12: pyxlsb's error cells, given as their BErr code in hex (``'0x2a'``)."""
    from pyxlsb import Workbook
    from xlrd.biffh import error_text_from_code

    try:
        wb = Workbook(fp=zipfile.ZipFile(io.BytesIO(data)))
    except Exception:  # noqa: BLE001 - calamine read the workbook; pyxlsb cannot: no error cells known
        return {}
    with wb, wb.get_sheet(sheet) as ws:
        return {
            (cell.r, cell.c): error_text_from_code.get(int(cell.v, 16), f"#ERROR{cell.v}")
            for row in ws.rows(sparse=True)
            for cell in row
            if isinstance(cell.v, str) and _PYXLSB_ERROR.fullmatch(cell.v)
        }


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def _ods(data: bytes, sheet: str, shape: Shape) -> Positions:
    """OpenDocument: cells whose value type is ``error`` (LibreOffice's ``calcext:value-type``), with their
    shown text (module docstring); repeats past ``shape`` (the sheet's rows and columns as calamine read them)
    are not expanded."""
    if not _member_contains(data, lambda n: n == "content.xml", b'value-type="error"'):
        return {}
    with zipfile.ZipFile(io.BytesIO(data)).open("content.xml") as f:
        return _ods_errors(f, sheet, shape)


def _ods_errors(f: IO[bytes], sheet: str, shape: Shape) -> Positions:
    """The error cells of table ``sheet`` in an ODF ``content.xml`` stream."""
    out: Positions = {}
    inside, row, col, rows = False, 0, 0, 1
    for event, el in ElementTree.iterparse(f, events=("start", "end")):
        if el.tag == f"{_TABLE}table":
            if event == "end" and inside:
                break
            inside = event == "start" and el.get(f"{_TABLE}name") == sheet
        elif not inside:
            continue
        elif el.tag == f"{_TABLE}table-row":
            if event == "start":
                col, rows = 0, int(el.get(f"{_TABLE}number-rows-repeated", "1"))
            else:
                row += rows
                el.clear()
                if row >= shape[0]:
                    break
        elif el.tag in _CELLS and event == "end":
            cols = int(el.get(f"{_TABLE}number-columns-repeated", "1"))
            if any(k.endswith("}value-type") and v == "error" for k, v in el.attrib.items()):
                text = "\n".join("".join(p.itertext()) for p in el.findall(_TEXT_P)) or "#ERROR"
                down, across = range(row, min(row + rows, shape[0])), range(col, min(col + cols, shape[1]))
                out.update({(i, j): text for i in down for j in across})
            col += cols
    return out


READERS: dict[str, Reader] = {"xlsx": _xlsx, "xls": _xls, "xlsb": _xlsb, "ods": _ods}

"""Error cells in .xls, .xlsb and .ods: python-calamine 0.9 reads them as empty text; ``errorcells`` finds them
(they used to import as missing values without a flag). The workbooks are made in the tests
(``tests/ingest/workbooks.py`` says how); every expected position and text is read off that layout by hand:
杭州 #REF! in B4, 广州 #DIV/0! in B5, 武汉 #N/A in B7, so 0-based (3, 1), (4, 1), (6, 1)."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from innoscope.ingest import errorcells
from innoscope.ingest.errorcells import error_cells, workbook_format
from innoscope.ingest.excel import read_excel_bytes
from tests.ingest import workbooks as wb

BUILDERS = {"xls": wb.xls_bytes, "xlsb": wb.xlsb_bytes, "ods": wb.ods_bytes}
BY_HAND = {(3, 1): "#REF!", (4, 1): "#DIV/0!", (6, 1): "#N/A"}


def _calamine_grid(data: bytes, sheet: str = wb.SHEET) -> list[list[str]]:
    sh = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet)
    return [["" if v == "" else str(v) for v in row] for row in sh.to_python(skip_empty_area=False)]


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_calamine_reads_error_cells_as_empty(fmt):
    """The defect's cause, pinned: if a calamine release reads them, this test says the look is redundant."""
    grid = _calamine_grid(BUILDERS[fmt]())
    assert [grid[r][c] for r, c in BY_HAND] == ["", "", ""]


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_error_cells_found_with_their_text(fmt):
    data = BUILDERS[fmt]()
    assert workbook_format(data) == fmt
    assert error_cells(data, wb.SHEET, _calamine_grid(data)) == BY_HAND


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_read_excel_gives_the_error_text_in_its_cell(fmt):
    table = read_excel_bytes(BUILDERS[fmt](), f"t.{fmt}")
    col = table.columns["专利授权量(件)"]
    got = dict(zip(table.rows.tolist(), col.array.to_pylist(), strict=True))
    assert got == {3: "1", 4: "#REF!", 5: "#DIV/0!", 6: "", 7: "#N/A"}
    assert table.column_letters["专利授权量(件)"] == "B"


def test_xlsb_text_that_looks_like_pyxlsb_error_code_stays_text():
    """pyxlsb gives an error cell as its code in hex ('0x17'); a text cell '0x17' is not an error."""
    data = wb.xlsb_bytes(text_cell="0x17")
    grid = _calamine_grid(data)
    assert grid[2][2] == "0x17"
    assert error_cells(data, wb.SHEET, grid) == BY_HAND


def test_ods_repeated_rows_and_columns_are_counted():
    """Three empty rows written as one repeated row, two empty cells as one repeated cell, an error cell
    repeated over two columns in a row repeated twice: by hand D5, E5, D6, E6, and D7 in the last row."""
    gap = '<table:table-cell table:number-columns-repeated="2"/>'
    twice = wb.ods_error("of:=1/0", "#DIV/0!").replace(
        "<table:table-cell ", '<table:table-cell table:number-columns-repeated="2" '
    )
    rows = [
        wb.ods_row(repeat=3),
        wb.ods_row(gap, wb.ods_text("城市"), wb.ods_text("x")),
        wb.ods_row(gap, wb.ods_text("深圳"), twice, repeat=2),
        wb.ods_row(gap, wb.ods_text("杭州"), wb.ods_error("of:=X()", "Err:508")),
    ]
    data = wb.ods_bytes(rows, sheet="S")
    grid = _calamine_grid(data, "S")
    assert (grid[3][2], grid[4][2], grid[5][2], grid[6][2]) == ("城市", "深圳", "深圳", "杭州")
    div = "#DIV/0!"
    assert error_cells(data, "S", grid) == {
        (4, 3): div,
        (4, 4): div,
        (5, 3): div,
        (5, 4): div,
        (6, 3): "Err:508",
    }


def test_xls_without_error_records_is_not_read_again(monkeypatch):
    """Cheap: an .xls whose workbook stream holds no error record is not read with xlrd (its empty cells are
    plain blanks); with the records, it is."""
    import xlrd

    opened = []
    real = xlrd.open_workbook
    monkeypatch.setattr(xlrd, "open_workbook", lambda *a, **k: opened.append(1) or real(*a, **k))
    data = wb.xls_bytes(errors="none")
    assert error_cells(data, wb.SHEET, _calamine_grid(data)) == {} and opened == []
    data = wb.xls_bytes(errors="formula")  # a Formula record whose cached value is an error, and no BoolErr
    assert error_cells(data, wb.SHEET, _calamine_grid(data)) == {(4, 1): "#DIV/0!"} and opened == [1]
    data = wb.xls_bytes()
    assert error_cells(data, wb.SHEET, _calamine_grid(data)) == BY_HAND and opened == [1, 1]


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_no_closer_look_without_an_empty_cell(fmt, monkeypatch):
    """Cheap: a sheet in which calamine reports no empty cell is not read again."""

    def fail(*_):
        raise AssertionError("read again")

    monkeypatch.setitem(errorcells.READERS, fmt, fail)
    assert error_cells(BUILDERS[fmt](), wb.SHEET, [["城市", "专利"], ["深圳", "1"]]) == {}

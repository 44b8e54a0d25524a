"""`/api/download/csv|xlsx` write entity names a spreadsheet would run as formulas as text; numbers stay
numbers (issue 9, defect 3). Expected cells: OWASP's rule applied by hand to the uploaded names."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from tests.web._asem import asem_client

RAW = {"Content-Type": "application/octet-stream"}
NAMES = {
    "AUT": '=HYPERLINK("http://evil.example","x")',
    "BEL": "=cmd|' /C calc'!A0",
    "BGR": "@SUM(1)",
    "CYP": "+1",
    "CZE": "-1+1",
    "DNK": "\tTab",
}


@pytest.fixture(scope="module")
def hostile(asem):
    c = asem_client(asem)
    fw, cs = asem
    df = cs.to_idata()
    df["uName"] = [NAMES.get(code, name) for code, name in zip(df["uCode"], df["uName"], strict=True)]
    r = c.post("/api/upload?filename=hostile.csv", content=df.to_csv(index=False).encode(), headers=RAW)
    assert r.status_code == 200, r.text
    return c, r.json()["dataset"]


def test_csv_download_quotes_formula_names(hostile):
    c, dataset = hostile
    r = c.post("/api/download/csv", json={"dataset": dataset})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    names = {row["uCode"]: row["uName"] for row in rows}
    for code, name in NAMES.items():
        assert names[code] == "'" + name
    assert all(float(row["Index"]) == float(row["Index"]) for row in rows)  # scores still plain numbers
    assert sorted(int(float(row["Index_rank"])) for row in rows) == list(range(1, 52))


def test_xlsx_download_keeps_formula_names_as_text(hostile):
    c, dataset = hostile
    r = c.post("/api/download/xlsx", json={"dataset": dataset})
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert re.search(rb"<f[ >]", xml) is None
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["Ranking"]
    header = [cell.value for cell in ws[1]]
    rows = {row[header.index("uCode")].value: row for row in ws.iter_rows(min_row=2)}
    for code, name in NAMES.items():
        cell = rows[code][header.index("uName")]
        assert cell.value == name and cell.data_type == "s" and cell.quotePrefix
    assert all(isinstance(row[header.index("Index")].value, float) for row in rows.values())

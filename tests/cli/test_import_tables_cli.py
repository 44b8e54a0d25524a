"""``innoscope import`` of official tables from the command line: bad cells (reject lists them all, flag stores
them as missing), values checked against their meaning, import identity, ``show`` and ``export --observations``.
Every bad input: one line on stderr naming file, place and raw text, exit code 1, the store byte-identical."""

from __future__ import annotations

import hashlib

import openpyxl
import pandas as pd
import pytest

from innoscope.cli import main
from innoscope.ingest.badcells import read_cell
from innoscope.store import Store
from tests.ingest import workbooks

GOOD = "城市,指标,年份,数值\n深圳,high_tech_enterprises,2024,2.66万\n杭州,high_tech_enterprises,2024,1.65万\n"


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    assert main(["import", "good.csv", "--store", "s.duckdb"]) == 0
    return tmp_path / "s.duckdb"


def rejected(capsys, args, store) -> str:
    """Run a bad import: exit 1, one line on stderr, no traceback, the store file byte-identical."""
    before = digest(store)
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    assert digest(store) == before
    return lines[0]


BAD_CELLS = (
    "城市,指标,年份,数值\n深圳,a,2024,£05\n杭州,a,2024,_ 2317\n北京,a,2024,12.5/3\n上海,a,2024,1234①\n"
    "广州,a,2024,880（年末常住人口）\n成都,a,2024,约500\n"
)


def test_reject_lists_every_bad_cell(store, tmp_path, capsys):
    (tmp_path / "bad.csv").write_text(BAD_CELLS, encoding="utf-8")
    line = rejected(capsys, ["import", "bad.csv", "--store", "s.duckdb"], store)
    assert "3 bad cell(s)" in line
    assert "bad.csv, row 2, column '数值': '£05'" in line and "row 3, column '数值': '_ 2317'" in line
    assert "row 4, column '数值': '12.5/3' (two numbers" in line and "--on-bad-cell flag" in line


def test_flag_stores_bad_cells_as_missing_and_lists_them(store, tmp_path, capsys):
    (tmp_path / "bad.csv").write_text(BAD_CELLS, encoding="utf-8")
    assert main(["import", "bad.csv", "--store", "s.duckdb", "--on-bad-cell", "flag"]) == 0
    out = capsys.readouterr().out
    assert "3 bad cell(s) stored as missing" in out
    assert "bad.csv, row 2, column '数值': '£05'" in out and "'_ 2317'" in out and "'12.5/3'" in out
    with Store(str(store), read_only=True) as st:
        obs = st.observations(all_rows=True)
    got = {r.entity: (r.value, r.flags, r.raw, r.note) for r in obs.itertuples() if r.indicator == "a"}
    assert got["shenzhen"][0] != got["shenzhen"][0] and got["shenzhen"][1:3] == ("bad", "£05")
    assert "OCR damage" in got["shenzhen"][3]
    assert got["hangzhou"][1:3] == ("bad", "_ 2317")
    assert got["shanghai"][:2] == (1234.0, "") and got["shanghai"][3] == "footnote ①"  # never 12341
    assert got["guangzhou"][:2] == (880.0, "") and got["guangzhou"][3] == "年末常住人口"
    assert got["chengdu"][:2] == (500.0, "~")  # 约: approximate


@pytest.mark.parametrize(
    ("text", "value", "note"),
    [
        ("1234[12]", 1234.0, "footnote [12]"),
        ("1234a", 1234.0, "footnote a"),
        ("3.1万[2]", 31000.0, "footnote [2]"),
        ("1234(万元)", 12340000.0, None),
        ("500以上", 500.0, None),
        ("超过30", 30.0, None),
        ("100左右", 100.0, None),
    ],
)
def test_recognised_instead_of_rejected(text, value, note):
    r = read_cell(text, None)
    assert (r.value, r.note, r.bad) == (value, note, None)


@pytest.mark.parametrize("text", ["£05", "_ 2317", "12.5/3", "2024-01-03", "1 2", "abc"])
def test_never_read_as_a_number(text):
    r = read_cell(text, None)
    assert r.value is None and r.bad


def test_excel_date_serial_is_a_bad_cell(store, tmp_path, capsys):
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["城市", "指标", "年份", "数值"])
    ws.append(["深圳", "a", 2024, dt.datetime(2024, 1, 3)])  # a cell typed '1-3' that Excel made a date
    ws.append(["杭州", "a", 2024, 7])
    wb.save(tmp_path / "d.xlsx")
    line = rejected(capsys, ["import", "d.xlsx", "--store", "s.duckdb"], store)
    assert "row 2, column '数值' (D): '2024-01-03' (a date" in line


def _workbook_with_error_cells(path) -> None:
    """A title row, the header, then 深圳 1, 杭州 #REF!, 广州 #DIV/0! (a formula =1/0 with its cached error, as
    Excel saves it), 南京 empty, 武汉 #N/A. openpyxl writes an error text as an error cell (t="e"); the formula's
    cached value is patched into the sheet XML because openpyxl writes formulas without one."""
    import zipfile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws.append(["2024年专利"])
    ws.append(["城市", "专利授权量(件)"])
    for row in (["深圳", 1], ["杭州", "#REF!"], ["广州", "=1/0"], ["南京", None], ["武汉", "#N/A"]):
        ws.append(row)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                formula = b'<c r="B5"><f>1/0</f><v /></c>'
                assert formula in data
                data = data.replace(formula, b'<c r="B5" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
            zout.writestr(item, data)
    tmp.unlink()


def _xlsx_bytes(tmp_path) -> bytes:
    _workbook_with_error_cells(tmp_path / "made.xlsx")
    return (tmp_path / "made.xlsx").read_bytes()


WORKBOOKS = {
    "xlsx": _xlsx_bytes,
    "xls": lambda _: workbooks.xls_bytes(),
    "xlsb": lambda _: workbooks.xlsb_bytes(),
    "ods": lambda _: workbooks.ods_bytes(),
}


@pytest.mark.parametrize("fmt", sorted(WORKBOOKS))
def test_excel_error_cells_are_rejected_all_at_once(store, tmp_path, capsys, fmt):
    """python-calamine reads error cells as empty text: they imported as missing values without a flag. Each
    workbook (.xlsx: :func:`_workbook_with_error_cells`; the others: tests/ingest/workbooks.py) holds 杭州 #REF!
    (B4), 广州 #DIV/0! (B5), 武汉 #N/A (B7) on sheet 表1."""
    (tmp_path / f"err.{fmt}").write_bytes(WORKBOOKS[fmt](tmp_path))
    line = rejected(capsys, ["import", f"err.{fmt}", "--year", "2024", "--store", "s.duckdb"], store)
    assert "3 bad cell(s)" in line
    for row, text in ((4, "#REF!"), (5, "#DIV/0!"), (7, "#N/A")):
        assert f"sheet '表1', row {row}, column '专利授权量(件)' (B): '{text}' (an Excel error value" in line


@pytest.mark.parametrize("fmt", sorted(WORKBOOKS))
def test_excel_error_cells_flagged_keep_their_text(store, tmp_path, capsys, fmt):
    (tmp_path / f"err.{fmt}").write_bytes(WORKBOOKS[fmt](tmp_path))
    args = ["import", f"err.{fmt}", "--year", "2024", "--store", "s.duckdb", "--on-bad-cell", "flag"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "3 bad cell(s) stored as missing" in out and "B5: '#DIV/0!'" in out
    with Store(str(store), read_only=True) as st:
        obs = st.observations(all_rows=True)
    got = {r.entity: (r.value, r.flags, r.raw, r.note) for r in obs.itertuples() if r.year == 2024}
    assert got["shenzhen"][:3] == (1.0, "", "1")
    for city, text in (("hangzhou", "#REF!"), ("guangzhou", "#DIV/0!"), ("wuhan", "#N/A")):
        value, flags, raw, note = got[city]
        assert value != value and (flags, raw) == ("bad", text) and "an Excel error value" in note
    assert got["nanjing"][1:3] == ("NA", "")


def test_libreoffice_error_text_is_an_excel_error_value():
    """LibreOffice shows some errors as Err:NNN (Err:508: a bracket missing); it is a failed formula too."""
    r = read_cell("Err:508", None)
    assert r.value is None and r.bad is not None and r.bad.startswith("an Excel error value (Err:508)")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("深圳,high_tech_enterprises,2024,-5", "'-5': a negative count"),
        ("深圳,b,2024,1e999", "'1e999': an infinite or overflowing number"),
        ("深圳,b,3024,1", "3024: a year outside 1949.."),
        ("深圳,rd_intensity,2024,120%", "'120%': a share above 100 %"),
    ],
)
def test_values_that_make_no_sense(store, tmp_path, capsys, row, message):
    text = "城市,指标,年份,数值,单位\n" + row + (",家\n" if "high_tech" in row else ",\n")
    (tmp_path / "v.csv").write_text(text, encoding="utf-8")
    line = rejected(capsys, ["import", "v.csv", "--store", "s.duckdb"], store)
    assert "v.csv, row 2, column '数值'" in line and message in line


def test_insisting_with_allow(store, tmp_path, capsys):
    (tmp_path / "v.csv").write_text("城市,指标,年份,数值\n深圳,rd_intensity,2024,120%\n", encoding="utf-8")
    assert main(["import", "v.csv", "--store", "s.duckdb", "--allow", "share"]) == 0
    rejected(capsys, ["import", "v.csv", "--store", "s.duckdb", "--allow", "everything"], store)


def test_growth_rate_above_100_percent_is_not_a_share(store, tmp_path):
    (tmp_path / "g.csv").write_text("城市,指标,年份,数值\n深圳,AI产业增速,2024,150%\n", encoding="utf-8")
    assert main(["import", "g.csv", "--store", "s.duckdb"]) == 0


def test_unknown_indicator_of_the_framework_in_use(store, tmp_path, capsys):
    (tmp_path / "u.csv").write_text(
        "城市,指标,年份,数值\n深圳,high_tech_enterprise,2024,3\n", encoding="utf-8"
    )
    line = rejected(capsys, ["import", "u.csv", "--store", "s.duckdb", "--framework", "three_pools"], store)
    assert (
        "indicator 'high_tech_enterprise' is not in the framework in use (did you mean "
        "'high_tech_enterprises'" in line
    )
    assert (
        main(["import", "u.csv", "--store", "s.duckdb", "--framework", "three_pools", "--allow", "indicator"])
        == 0
    )


def test_several_files_land_together_or_not_at_all(store, tmp_path, capsys):
    (tmp_path / "ok.csv").write_text("城市,指标,年份,数值\n深圳,c,2024,1\n", encoding="utf-8")
    (tmp_path / "bad.csv").write_text("城市,指标,年份,数值\n深圳,d,2024,£05\n", encoding="utf-8")
    rejected(capsys, ["import", "ok.csv", "bad.csv", "--store", "s.duckdb"], store)
    assert main(["import", "ok.csv", "bad.csv", "--store", "s.duckdb", "--on-bad-cell", "flag"]) == 0
    assert capsys.readouterr().out.count("imported into s.duckdb") == 2


def test_import_identity_is_content_and_options(store, tmp_path, capsys):
    (tmp_path / "t.csv").write_text("城市,GDP(亿元)\n深圳,34606\n杭州,20059\n", encoding="utf-8")
    assert main(["import", "t.csv", "--store", "s.duckdb", "--year", "2023"]) == 0
    assert "imported into" in capsys.readouterr().out
    assert main(["import", "t.csv", "--store", "s.duckdb", "--year", "2023"]) == 0
    assert "already in" in capsys.readouterr().out
    assert (
        main(["import", "t.csv", "--store", "s.duckdb", "--year", "2022"]) == 0
    )  # other options: imports again
    assert "imported into" in capsys.readouterr().out
    with Store(str(store), read_only=True) as st:
        imports = st.summary()["imports"]
    assert len(imports) == 3 and sum(imports["file_name"] == "t.csv") == 2
    assert set(imports[imports["file_name"] == "t.csv"]["options"].map(lambda o: '"year": 2022' in o)) == {
        True,
        False,
    }


def test_show_and_export_observations(store, tmp_path, capsys):
    (tmp_path / "t.csv").write_text("单位：亿元\n城市,GDP\n深圳,34606\n杭州,20059\n", encoding="utf-8")
    assert main(["import", "t.csv", "--store", "s.duckdb", "--year", "2023"]) == 0
    capsys.readouterr()
    assert main(["show", "--store", "s.duckdb"]) == 0
    out = capsys.readouterr().out
    assert (
        "imports in s.duckdb: 2" in out
        and "indicators in s.duckdb: 2" in out
        and "GDP" in out
        and "亿元" in out
    )
    assert main(["export", "--store", "s.duckdb", "--observations", "obs.csv"]) == 0
    obs = pd.read_csv(tmp_path / "obs.csv")
    assert list(obs.columns[:9]) == [
        "entity",
        "entity_code",
        "indicator",
        "unit",
        "year",
        "value",
        "flags",
        "source_file",
        "source_cell",
    ]
    gdp = obs[obs["indicator"] == "GDP"].set_index("entity_code")
    assert gdp.loc[
        "hangzhou", ["entity", "unit", "year", "value", "source_file", "source_cell"]
    ].tolist() == ["杭州", "亿元", 2023, 20059.0, "t.csv", "row 4, column 'GDP'"]
    assert set(obs["indicator"]) == {"GDP", "high_tech_enterprises"}  # any indicator, framework or not


def test_show_and_export_need_a_store(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["show", "--store", "none.duckdb"]) == 1
    assert main(["export", "--observations", "o.csv"]) == 1
    assert "give --store S" in capsys.readouterr().err

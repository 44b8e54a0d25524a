"""The year of a table without a year column: read where the file says it (an NBS 时间： line, the title, the
sheet name, the file name), else ``innoscope import`` refuses, saying so and suggesting --year (issue 11)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from innoscope.cli import main
from innoscope.ingest.readers import read_raw, read_table
from innoscope.ingest.tidy import said_year
from innoscope.model.errors import ImportFailed
from innoscope.store import Store

REF = Path(__file__).resolve().parents[1] / "reference" / "yearbook2024"
PACKAGED = Path(__file__).resolve().parents[2] / "src" / "innoscope" / "data" / "yearbook2024" / "tables"


def sheet(path: Path, *, title: str | None, sheet_name: str = "Sheet1") -> Path:
    """A yearbook-like sheet: an optional title row, then 城市 | GDP(亿元) for 深圳 and 杭州."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_name
    if title:
        ws.append([title])
    ws.append(["城市", "地区生产总值(亿元)"])
    ws.append(["深圳", 34606.4])
    ws.append(["杭州", 20059])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("file", "title", "sheet_name", "year", "where"),
    [
        ("t.xlsx", "2023年主要城市地区生产总值", "Sheet1", 2023, "the title '2023年主要城市地区生产总值'"),
        ("t.xlsx", "主要城市地区生产总值", "2022", 2022, "the sheet name '2022'"),
        ("t.xlsx", "主要城市地区生产总值", "2021年数据", 2021, "the sheet name '2021年数据'"),
        ("2020年城市数据.xlsx", None, "Sheet1", 2020, "the file name '2020年城市数据'"),
        ("t.xlsx", "2019 年 GDP", "2018", 2019, "the title '2019 年 GDP'"),  # the title comes first
    ],
)
def test_the_year_the_file_states(tmp_path, file, title, sheet_name, year, where):
    path = sheet(tmp_path / file, title=title, sheet_name=sheet_name)
    assert said_year(read_raw(path)) == (year, where)
    t = read_table(path, require_year=True)
    assert set(t["year"]) == {year} and t.attrs["year_source"] == where
    assert read_table(path, year=2000).attrs["year_source"] == "--year"  # an explicit year wins


@pytest.mark.parametrize(
    ("file", "title"),
    [
        ("t.xlsx", "中国城市统计年鉴2024"),  # an edition, not a data year
        ("t.xlsx", "2022年和2023年主要指标"),  # two years: says nothing
        ("统计年鉴2024.xlsx", "地区生产总值"),
        ("t.xlsx", "2-6地区生产总值"),
    ],
)
def test_nothing_said_nothing_guessed(tmp_path, file, title):
    path = sheet(tmp_path / file, title=title)
    assert said_year(read_raw(path)) is None
    assert read_table(path)["year"].isna().all()  # the Python reader keeps them undated


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "table",
    [
        REF / "2-11_商品房销售面积.xlsx",
        REF / "2-27_城市交通状况.xlsx",
        REF / "2-29_用电量情况(全市).xlsx",
        PACKAGED / "2-1_人口数.xlsx",
        PACKAGED / "2-18_高新技术企业数和技术合同成交额.xlsx",
    ],
    ids=lambda p: p.name,
)
def test_yearbook_tables_do_not_say_their_year(tmp_path, monkeypatch, capsys, table):
    """Read by hand: titles such as '2-1人口数' / 'Permanent Resident Population', sheets 'Sheet9' ..., file names
    without a year; the yearbook (2024 edition) reports 2023 data (its README). The file as published is known
    by its content and read as 2023; a copy changed by one byte is not that file, and only the user can say."""
    assert said_year(read_raw(table))[0] == 2023
    copy = tmp_path / table.name
    copy.write_bytes(table.read_bytes() + b"\0")
    assert said_year(read_raw(copy)) is None
    table = copy
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.csv").write_text("城市,指标,年份,数值\n深圳,gdp,2023,1\n", encoding="utf-8")
    assert main(["import", "good.csv", "--store", "s.duckdb"]) == 0
    before = digest(tmp_path / "s.duckdb")
    capsys.readouterr()
    assert main(["import", str(table), "--store", "s.duckdb"]) == 1
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err
    assert f"{table}: the file does not say the year of its data" in lines[0]
    assert "the sheet name ('Sheet" in lines[0] and "pass --year YEAR" in lines[0]
    assert "reports 2023 data, so its tables take --year 2023" in lines[0]
    assert digest(tmp_path / "s.duckdb") == before


def test_store_import_file_requires_the_year(tmp_path):
    path = sheet(tmp_path / "t.xlsx", title="主要城市地区生产总值")
    with Store(str(tmp_path / "s.duckdb")) as st:
        with pytest.raises(ImportFailed, match="does not say the year of its data"):
            st.import_file(path)
        rec = st.import_file(path, year=2023)
        assert rec.n_rows == 2 and set(st.observations()["year"]) == {2023}

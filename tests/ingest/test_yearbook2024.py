"""China City Statistical Yearbook 2024 tables exactly as published, imported without options for their shape,
checked cell by cell against values read off the sheets by hand (the cell addresses are the sheets' own).

Every expected number below was read from the sheet (calamine dump of the raw cells, row numbers as Excel shows
them), never from the importer's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from innoscope.cli import main
from innoscope.ingest.badcells import BadCellsError
from innoscope.ingest.names import Entity, EntityTable
from innoscope.ingest.readers import read_raw, read_table
from innoscope.model.errors import DataError
from innoscope.store import Store

PACKAGED = Path(__file__).parents[2] / "src" / "innoscope" / "data" / "yearbook2024" / "tables"
HERE = Path(__file__).parents[1] / "reference" / "yearbook2024"
T2_1 = PACKAGED / "2-1_人口数.xlsx"
T2_6 = PACKAGED / "2-6_地区生产总值.xlsx"
T2_8 = PACKAGED / "2-8_地方一般公共预算收支状况(全市).xlsx"
T2_17 = PACKAGED / "2-17_科技创新情况(全市).xlsx"
T2_18 = PACKAGED / "2-18_高新技术企业数和技术合同成交额.xlsx"
T2_11 = HERE / "2-11_商品房销售面积.xlsx"
T2_27 = HERE / "2-27_城市交通状况.xlsx"
T2_29 = HERE / "2-29_用电量情况(全市).xlsx"
T1_2 = HERE / "1-2_分地区城市情况一览表.xlsx"


def cells(path: Path, **kw) -> dict[tuple[str, str], tuple[float | None, str | None, int]]:
    """(city, indicator) -> (value, unit, file row), names as written in the sheet."""
    df = read_table(path, entities=None, year=2023, **kw)
    return {
        (r.entity_name, r.indicator): (None if r.value != r.value else r.value, r.unit, r.row)
        for r in df.itertuples()
    }


def test_2_18_high_tech_enterprises_and_contract_turnover():
    got = cells(T2_18)
    # row 8: 北京市 28330 28330 85369393 85369393; row 97: 杭州市 15062 14410 21597611 21305261
    assert got[("北京市", "高新技术企业数(国家级) / 全市")] == (28330.0, "个", 8)
    assert got[("北京市", "技术合同成交额 / 市辖区")] == (85369393.0, "万元", 8)
    assert got[("杭州市", "高新技术企业数(国家级) / 全市")] == (15062.0, "个", 97)
    assert got[("杭州市", "高新技术企业数(国家级) / 市辖区")] == (14410.0, "个", 97)
    assert got[("杭州市", "技术合同成交额 / 全市")] == (21597611.0, "万元", 97)
    assert got[("杭州市", "技术合同成交额 / 市辖区")] == (21305261.0, "万元", 97)
    # row 212: 深圳市 leaves the high-tech count blank: missing, never 0
    assert got[("深圳市", "高新技术企业数(国家级) / 全市")] == (None, "个", 212)
    assert got[("深圳市", "技术合同成交额 / 全市")] == (15802486.0, "万元", 212)
    assert (
        len({k[0] for k in got}) == 297
    )  # cities at prefecture level and above; province headings set aside


def test_2_1_population_three_row_header_and_two_series():
    got = cells(T2_1)
    # row 9: 北京市 2186 2186 87.83; row 98: 杭州市 1252 1130 84.20; row 213: 深圳市 1779 1779 99.80
    assert got[("北京市", "常住人口 / 全市")] == (2186.0, "万人", 9)
    assert got[("杭州市", "常住人口 / 全市")] == (1252.0, "万人", 98)
    assert got[("杭州市", "常住人口 / 市辖区")] == (1130.0, "万人", 98)
    assert got[("杭州市", "常住人口城镇化率 / 全市")] == (84.20, "%", 98)
    assert got[("深圳市", "常住人口城镇化率 / 全市")] == (99.80, "%", 213)
    assert {k[1] for k in got} == {"常住人口 / 全市", "常住人口 / 市辖区", "常住人口城镇化率 / 全市"}


def test_2_6_gdp_units_from_bilingual_headers():
    got = cells(T2_6)
    # row 212: 深圳市 34606 34606 195230 195230 6.00 6.00; row 109: 合肥市 12674 8404 130074 155434 5.75 4.64
    assert got[("深圳市", "地区生产总值（当年价格） / 全市")] == (34606.0, "亿元", 212)
    assert got[("深圳市", "人均地区生产总值 / 市辖区")] == (195230.0, "元", 212)
    assert got[("合肥市", "地区生产总值（当年价格） / 市辖区")] == (8404.0, "亿元", 109)
    assert got[("合肥市", "人均地区生产总值 / 全市")] == (130074.0, "元", 109)
    assert got[("合肥市", "地区生产总值增长率 / 市辖区")] == (4.64, "%", 109)


def test_2_8_unit_row_title_series_and_sub_items():
    got = cells(T2_8)
    # 单位：万元 above the header; the title says (全市); 科学技术支出 and 教育支出 sit under 地方一般公共预算支出
    # row 216: 深圳市 41129194 50124309 4549353 10014474
    assert got[("深圳市", "地方本级一般公共预算收入 / 全市")] == (41129194.0, "万元", 216)
    assert got[("深圳市", "地方一般公共预算支出 / 全市")] == (50124309.0, "万元", 216)
    assert got[("深圳市", "地方一般公共预算支出 / 科学技术支出 / 全市")] == (4549353.0, "万元", 216)
    assert got[("深圳市", "地方一般公共预算支出 / 教育支出 / 全市")] == (10014474.0, "万元", 216)
    # row 101: 杭州市 26168107 26362270 2429074 5601784
    assert got[("杭州市", "地方一般公共预算支出 / 科学技术支出 / 全市")] == (2429074.0, "万元", 101)


def test_2_17_patents_unit_row_in_two_languages():
    got = cells(T2_17)
    # 单位：件 / (piece); row 216: 深圳市 235100 62252; row 101: 杭州市 107675 31981
    assert got[("深圳市", "专利授权数 / 全市")] == (235100.0, "件", 216)
    assert got[("深圳市", "专利授权数 / 发明 / 全市")] == (62252.0, "件", 216)
    assert got[("杭州市", "专利授权数 / 发明 / 全市")] == (31981.0, "件", 101)


def test_2_29_sub_items_and_the_city_the_table_lacks():
    got = cells(T2_29)
    # row 215: 深圳市 11285503 5069670 1830710 (万千瓦时)
    assert got[("深圳市", "全社会用电量 / 全市")] == (11285503.0, "万千瓦时", 215)
    assert got[("深圳市", "全社会用电量 / 工业用电 / 全市")] == (5069670.0, "万千瓦时", 215)
    assert got[("深圳市", "全社会用电量 / 居民生活用电 / 全市")] == (1830710.0, "万千瓦时", 215)
    names = {k[0] for k in got}
    assert len(names) == 296 and "重庆市" not in names  # as published: 重庆 has no row in 2-29


def test_title_unit_and_heading_rows_are_set_aside_and_listed():
    raw = read_raw(T2_11)
    notes = dict(raw.notes)
    assert notes[2] == "2-11商品房销售面积" and notes[6] == "单位：万平方米" and notes[8] == "(10 000 sq.m)"
    assert raw.meta["单位"] == "万平方米"
    assert raw.rows[0] == 13  # 北京市, under a three-row header (rows 10-12)
    df = read_table(T2_11, entities=None, year=2023, on_bad_cell="flag")
    listed = dict(json.loads(df.attrs["notes"]))
    assert listed[15] == "河北省: a heading over the rows below (no values)"
    assert "河北省" not in set(df["entity_name"])


def test_ocr_damage_is_never_a_number():
    # C324 (西宁市, 商品房销售面积 / 全市) reads '£05'; E154 (烟台市, 客运量 / 全市) reads '_ 2317'
    with pytest.raises(BadCellsError) as exc:
        read_table(T2_11, entities=None, year=2023)
    msg = str(exc.value)
    assert "1 bad cell(s)" in msg and "row 324, column" in msg and "(C): '£05'" in msg and "OCR damage" in msg
    df = read_table(T2_11, entities=None, year=2023, on_bad_cell="flag")
    bad = df[df["flags"] == "bad"]
    assert len(bad) == 1
    r = bad.iloc[0]
    assert (r.entity_name, r.row, r.raw, r.value == r.value) == ("西宁市", 324, "£05", False)
    assert json.loads(df.attrs["bad_cells"])[0][2:4] == ["C324", "£05"]
    # the rest of 西宁's row imports: 94 96 85 50 and a blank
    xining = {r.indicator: r.value for r in df[df["entity_name"] == "西宁市"].itertuples()}
    assert xining["商品房销售面积 / 市辖区"] == 94.0 and xining["住宅 / 全市"] == 96.0
    df27 = read_table(T2_27, entities=None, year=2023, on_bad_cell="flag")
    bad27 = df27[df27["flags"] == "bad"]
    assert list(zip(bad27["entity_name"], bad27["row"], bad27["raw"], strict=True)) == [
        ("烟台市", 154, "_ 2317")
    ]
    assert bad27["value"].isna().all()
    # row 9: 北京市 554030 554030 25720 19399; the note above the header is set aside
    got = {(r.entity_name, r.indicator): r.value for r in df27.itertuples()}
    assert got[("北京市", "客运量(公路+水路) / 全市")] == 25720.0
    assert any(t.startswith("注：本表中") for _, t in json.loads(df27.attrs["notes"]))


def test_a_list_of_names_is_a_clear_error():
    with pytest.raises(DataError, match="duplicate column names"):
        read_table(T1_2, entities=None, year=2023)


def _store_with_cities(path: Path, table: Path) -> None:
    """A store whose entities are the table's own names (the gazetteer is another layer's business)."""
    raw = read_raw(table)
    col = raw.columns[raw.names[0]]
    names = sorted({n.strip() for n in col.distinct if n and n.strip()})
    Store(str(path), entities=EntityTable([Entity(n, n) for n in names])).close()


def test_cli_imports_yearbook_tables_as_published(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _store_with_cities(tmp_path / "y.duckdb", T2_18)
    assert (
        main(["import", str(T2_18), str(T2_17), "--store", "y.duckdb", "--year", "2023", "--show", "0"]) == 0
    )
    out = capsys.readouterr().out
    assert "1188 values read" in out and "594 values read" in out and out.count("imported into y.duckdb") == 2
    assert main(["export", "--store", "y.duckdb", "--observations", "obs.csv"]) == 0
    import pandas as pd

    obs = pd.read_csv(tmp_path / "obs.csv")
    row = obs[(obs["entity"] == "杭州市") & (obs["indicator"] == "技术合同成交额 / 全市")].iloc[0]
    assert (row["value"], row["unit"], row["year"], row["source_cell"]) == (
        21597611.0,
        "万元",
        2023,
        "Sheet56!E97",
    )
    assert row["source_file"] == T2_18.name
    assert set(obs.columns) >= {
        "entity",
        "entity_code",
        "indicator",
        "unit",
        "year",
        "value",
        "flags",
        "source_file",
        "source_cell",
    }

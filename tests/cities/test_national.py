"""The national dataset: derived from the bundled yearbook tables by innoscope's importer, identical when re-derived,
every value traceable to its table, sheet and cell. Expected values are read by hand from the published tables."""

from __future__ import annotations

import hashlib
import re
import shutil

import numpy as np
import openpyxl
import pytest

from innoscope.cities.national import (
    TABLES,
    bundled_dataset,
    import_yearbook,
    national_entities,
    tables_folder,
    to_csv_text,
)
from innoscope.model.errors import DataError


@pytest.fixture(scope="module")
def derived():
    return import_yearbook()


def test_bundled_csv_is_what_the_importer_derives_from_the_raw_tables(derived):
    bundled = tables_folder().parent / "national.csv"
    assert to_csv_text(derived) == bundled.read_text(encoding="utf-8")


def test_raw_tables_are_the_published_files_by_git_blob():
    # the README records `git hash-object FILE` of each table in the repository it was taken from
    readme = (tables_folder().parent / "README.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"\| `([^`]+\.xlsx)` \|[^|]*\| `([0-9a-f]{40})` \|", readme))
    shipped = sorted(p.name for p in tables_folder().glob("*.xlsx"))
    assert sorted(recorded) == shipped and len(shipped) == 8
    for name, blob in recorded.items():
        data = (tables_folder() / name).read_bytes()
        assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == blob, name


def _one(df, city: str, indicator: str):
    rows = df[(df["entity_name"] == city) & (df["indicator"] == indicator)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("city", "indicator", "value", "cell", "table"),
    [
        ("杭州市", "high_tech_enterprises", 15062, "C97", "2-18"),  # issue 12: 15,062 in the yearbook
        ("北京市", "high_tech_enterprises", 28330, "C8", "2-18"),
        ("北京市", "tech_contract_turnover", 85369393, "E8", "2-18"),
        ("石家庄市", "high_tech_enterprises_districts", 2801, "D11", "2-18"),
        ("北京市", "patents_granted", 193973, "C12", "2-17"),
        ("北京市", "invention_patents_granted", 107875, "D12", "2-17"),
        ("北京市", "st_expenditure", 5219079, "E12", "2-8"),
        ("天津市", "education_expenditure", 4917886, "F13", "2-8"),
        ("石家庄市", "deposits", 231239891, "C12", "2-10"),
        ("唐山市", "loans_districts", 71126966, "F13", "2-10"),
        ("北京市", "higher_education_students", 618348, "C12", "2-19"),
        ("石家庄市", "population", 1123, "C12", "2-1"),
        ("邯郸市", "gdp", 4382, "C14", "2-6"),
        ("邯郸市", "gdp_per_capita_districts", 49189, "F14", "2-6"),
    ],
)
def test_values_and_cells_as_printed_in_the_tables(derived, city, indicator, value, cell, table):
    r = _one(derived, city, indicator)
    assert r["value"] == value
    assert (r["cell"], r["table"], r["year"]) == (cell, table, 2023)
    assert r["source_title"].startswith(f"中国城市统计年鉴2024 表{table} ")
    assert r["sheet"].startswith("Sheet")


def test_units_as_printed_and_series_kept_side_by_side(derived):
    units = {c.indicator: c.unit for t in TABLES for c in t.columns}
    assert units["population"] == "万人" and units["gdp"] == "亿元" and units["high_tech_enterprises"] == "个"
    assert units["patents_granted"] == "件" and units["st_expenditure"] == "万元"
    assert (derived["unit"] == derived["indicator"].map(units)).all()
    assert set(derived.loc[derived["indicator"].str.endswith("_districts"), "series"]) == {"市辖区"}
    assert set(derived.loc[~derived["indicator"].str.endswith("_districts"), "series"]) == {"全市"}


def test_297_cities_in_31_provinces_and_blanks_kept_as_missing(derived):
    assert derived["entity"].nunique() == 297
    assert derived["province"].nunique() == 31
    assert _one(derived, "石家庄市", "population")["province"] == "河北省"
    assert _one(derived, "深圳市", "population")["province"] == "广东省"
    assert _one(derived, "重庆市", "population")["province"] == "重庆市"
    for city in ("深圳市", "上海市"):  # blank in 2-18 column C, as published
        r = _one(derived, city, "high_tech_enterprises")
        assert np.isnan(r["value"]) and r["flags"] == "NA"
    assert np.isnan(_one(derived, "沈阳市", "population")["value"])
    assert len(derived) == 297 * sum(len(t.columns) for t in TABLES)


def test_entities_resolve_chinese_and_english_names_and_keep_cited_ids():
    ents = national_entities()
    assert ents.resolve("深圳") == ents.resolve("深圳市") == ents.resolve("Shenzhen") == "shenzhen"
    assert ents.resolve("石家庄") == "shijiazhuang"
    assert ents.resolve("宿州") == "suzhou_anhui" and ents.resolve("苏州") == "suzhou"
    assert ents.resolve("福州") != ents.resolve("抚州")
    assert len(ents) == 297


def test_bundled_dataset_reads_back_the_csv():
    df = bundled_dataset()
    assert _one(df, "杭州市", "high_tech_enterprises")["value"] == 15062
    assert df["value"].isna().sum() == (df["flags"] == "NA").sum() > 0


def _copy_tables(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(tables_folder(), folder)
    return folder


def test_a_table_laid_out_differently_is_an_error_naming_file_and_column(tmp_path):
    folder = _copy_tables(tmp_path)
    path = folder / "2-17_科技创新情况(全市).xlsx"
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["C10"] = "专利申请数"
    wb.save(path)
    with pytest.raises(DataError, match=r"2-17_科技创新情况\(全市\)\.xlsx.*column C.*专利授权数"):
        import_yearbook(folder)


def test_a_province_heading_with_a_value_is_an_error_naming_the_cell(tmp_path):
    folder = _copy_tables(tmp_path)
    path = folder / "2-18_高新技术企业数和技术合同成交额.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws["A10"].value == "河北省"
    ws["C10"] = "12"
    wb.save(path)
    with pytest.raises(DataError, match=r"2-18.*cell C10.*河北省.*'12'"):
        import_yearbook(folder)

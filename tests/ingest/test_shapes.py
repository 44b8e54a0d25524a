"""Table shapes as official files write them, read without options: NBS export title and footer lines, years as
columns, the transposed NBS layout, stacked indicator blocks, multi-row CSV headers, bilingual headers, units from
headers and unit rows, and 全市/市辖区 kept apart. Every file is generated here; expected values are the numbers
written into it."""

from __future__ import annotations

import json

import openpyxl
import pytest

from innoscope.ingest.headers import parse_header
from innoscope.ingest.readers import read_raw, read_table
from innoscope.model.errors import DataError


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


NBS_BY_REGION = (
    "数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：最近3年\n"
    "地区,2023年,2022年,2021年\n北京市,43760.7,41610.9,41045.6\n广东省,135673.2,129118.6,124369.7\n"
    "注：2023年数据为初步核算数。\n数据来源：国家统计局\n"
)


def values(df):
    return {
        (r.entity_name, r.indicator, r.year): (r.value, r.unit if isinstance(r.unit, str) else None)
        for r in df.itertuples()
    }


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_nbs_export_by_region(tmp_path, encoding):
    p = write(tmp_path / "nbs.csv", NBS_BY_REGION, encoding)
    df = read_table(p, entities=None)
    assert values(df) == {
        ("北京市", "地区生产总值", 2023): (43760.7, "亿元"),
        ("北京市", "地区生产总值", 2022): (41610.9, "亿元"),
        ("北京市", "地区生产总值", 2021): (41045.6, "亿元"),
        ("广东省", "地区生产总值", 2023): (135673.2, "亿元"),
        ("广东省", "地区生产总值", 2022): (129118.6, "亿元"),
        ("广东省", "地区生产总值", 2021): (124369.7, "亿元"),
    }
    assert json.loads(df.attrs["meta"]) == {
        "数据库": "分省年度数据",
        "指标": "地区生产总值(亿元)",
        "时间": "最近3年",
    }
    notes = json.loads(df.attrs["notes"])
    assert notes == [
        [1, "数据库：分省年度数据"],
        [2, "指标：地区生产总值(亿元)"],
        [3, "时间：最近3年"],
        [7, "注：2023年数据为初步核算数。"],
        [8, "数据来源：国家统计局"],
    ]
    assert sorted(set(df["row"])) == [5, 6]
    assert df.attrs["layout"] == "years as columns"


def test_nbs_transposed_layout_place_in_title(tmp_path):
    p = write(
        tmp_path / "bj.csv",
        "数据库：分省年度数据\n地区：北京市\n时间：最近2年\n指标,2023年,2022年\n"
        "地区生产总值(亿元),43760.7,41610.9\n年末常住人口(万人),2185.8,2184.3\n"
        "数据来源：国家统计局\n",
        "gbk",
    )
    df = read_table(p, entities=None)
    assert values(df) == {
        ("北京市", "地区生产总值", 2023): (43760.7, "亿元"),
        ("北京市", "地区生产总值", 2022): (41610.9, "亿元"),
        ("北京市", "年末常住人口", 2023): (2185.8, "万人"),
        ("北京市", "年末常住人口", 2022): (2184.3, "万人"),
    }
    assert set(df["entity"]) == {"北京市"}


def test_nbs_xlsx_export_reads_like_the_csv(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in NBS_BY_REGION.strip().split("\n"):
        ws.append(line.split(","))
    wb.save(tmp_path / "nbs.xlsx")
    a = values(read_table(tmp_path / "nbs.xlsx", entities=None))
    b = values(read_table(write(tmp_path / "nbs.csv", NBS_BY_REGION), entities=None))
    assert a == b and len(a) == 6


def _nbs_xls(path):
    """The NBS export as data.stats.gov.cn gives it for download: a BIFF8 .xls, numbers as numeric cells."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("年度数据")
    for r, line in enumerate(NBS_BY_REGION.strip().split("\n")):
        for c, cell in enumerate(line.split(",")):
            try:
                ws.write(r, c, float(cell))
            except ValueError:
                ws.write(r, c, cell)
    wb.save(str(path))
    return path


def test_nbs_xls_export_reads_like_the_csv(tmp_path):
    a = values(read_table(_nbs_xls(tmp_path / "nbs.xls"), entities=None))
    b = values(read_table(write(tmp_path / "nbs.csv", NBS_BY_REGION), entities=None))
    assert a == b and len(a) == 6


def test_cli_imports_the_nbs_xls_export_without_options(tmp_path, monkeypatch, capsys):
    """`innoscope import 分省年度数据.xls` with no option: title lines read as metadata, the years from the
    columns, the footer set aside, 北京市 and 广东省 through the gazetteer (values as written above)."""
    import duckdb

    from innoscope.cli import main

    monkeypatch.chdir(tmp_path)
    _nbs_xls(tmp_path / "分省年度数据.xls")
    assert main(["import", "分省年度数据.xls", "--store", "s.duckdb"]) == 0
    out = capsys.readouterr().out
    assert "数据来源：国家统计局" in out and "2021, 2022, 2023" in out
    con = duckdb.connect("s.duckdb", read_only=True)
    got = con.execute("SELECT entity, year, value FROM observations ORDER BY entity, year").fetchall()
    con.close()
    assert got == [
        ("beijing", 2021, 41045.6),
        ("beijing", 2022, 41610.9),
        ("beijing", 2023, 43760.7),
        ("guangdong", 2021, 124369.7),
        ("guangdong", 2022, 129118.6),
        ("guangdong", 2023, 135673.2),
    ]


def test_years_as_plain_numbers_and_conflicting_year_option(tmp_path):
    p = write(tmp_path / "y.csv", "指标：R&D经费_亿元\n城市,2024,2023\n深圳,2236.6,1880.5\n杭州,667,620\n")
    df = read_table(p, entities=None)
    assert values(df)[("深圳", "R&D经费", 2024)] == (2236.6, "亿元")
    assert values(df)[("杭州", "R&D经费", 2023)] == (620.0, "亿元")
    with pytest.raises(DataError, match="the years are the columns"):
        read_table(p, entities=None, year=2024)


def test_years_as_columns_without_an_indicator_asks_for_one(tmp_path):
    p = write(tmp_path / "y.csv", "城市,2024年,2023年\n深圳,1,2\n")
    with pytest.raises(DataError, match=r"nothing names the indicator.*--indicator"):
        read_table(p, entities=None)
    df = read_table(p, entities=None, indicator="unicorns")
    assert values(df) == {("深圳", "unicorns", 2024): (1.0, None), ("深圳", "unicorns", 2023): (2.0, None)}


def test_stacked_indicator_blocks(tmp_path):
    p = write(
        tmp_path / "s.csv",
        "指标,城市,2024,2023\n高新技术企业(家),深圳,26600,24000\n,杭州,16500,15000\n"
        "独角兽企业(家),深圳,34,32\n,杭州,19,\n",
    )
    df = read_table(p, entities=None)
    v = values(df)
    assert v[("杭州", "高新技术企业", 2024)] == (16500.0, "家")
    assert v[("杭州", "独角兽企业", 2024)] == (19.0, "家")
    assert v[("杭州", "独角兽企业", 2023)][0] != v[("杭州", "独角兽企业", 2023)][0]  # blank: missing, never 0
    assert len(v) == 8


def test_multirow_csv_header_rows_of_unequal_length(tmp_path):
    p = write(
        tmp_path / "m.csv",
        "2023年主要城市科技统计\n城市,科技投入,,专利\n,R&D经费(亿元),R&D强度(%)\n"
        "深圳,2236.61,6.46,6.2万\n杭州,667,3.68,3.1万\n注：数据来源于各市统计公报。\n",
    )
    raw = read_raw(p)
    assert raw.names == ["城市", "科技投入 / R&D经费(亿元)", "科技投入 / R&D强度(%)", "专利"]
    assert raw.rows.tolist() == [4, 5]
    assert raw.notes == [(1, "2023年主要城市科技统计"), (6, "注：数据来源于各市统计公报。")]
    v = values(read_table(p, entities=None, year=2023))
    assert v[("深圳", "科技投入 / R&D经费", 2023)] == (2236.61, "亿元")
    assert v[("杭州", "专利", 2023)] == (31000.0, None)


def test_footer_lines_whatever_their_field_count(tmp_path):
    body = "城市,指标,年份,数值\n深圳,a,2024,1\n杭州,a,2024,2\n"
    for footer in ("注：来源\n", "注：来源,,,,,,\n", "Source: NBS, 2024\n", "数据来源：国家统计局\n\n\n"):
        df = read_table(write(tmp_path / "f.csv", body + footer), entities=None)
        assert len(df) == 2 and json.loads(df.attrs["notes"])[0][0] == 4


def test_yearbook_like_csv_with_unit_row_and_series(tmp_path):
    p = write(
        tmp_path / "yb.csv",
        "2-18高新技术企业数和技术合同成交额,,,,,\n单位：万元,,,,,(10 000 yuan)\n"
        "城 市,City,技术合同成交额 Technical Contract Turnover,,高新技术企业数(个) Number (unit),\n"
        ",,全市 Total City,市辖区 Districts under City,全市 Total City,市辖区 Districts under City\n"
        "北京市,Beijing,85369393,85369393,28330,28330\n河北省,Hebei,,,,\n  石家庄市,  Shijiazhuang,2050000,"
        "1995098,3572,2801\n",
        "gbk",
    )
    df = read_table(p, entities=None, year=2023)
    v = values(df)
    assert v[("北京市", "技术合同成交额 / 全市", 2023)] == (85369393.0, "万元")
    assert v[("石家庄市", "技术合同成交额 / 市辖区", 2023)] == (1995098.0, "万元")
    assert v[("石家庄市", "高新技术企业数 / 全市", 2023)] == (3572.0, "个")
    assert v[("石家庄市", "高新技术企业数 / 市辖区", 2023)] == (2801.0, "个")
    assert "河北省" not in set(df["entity_name"]) and "City" not in set(df["indicator"])


@pytest.mark.parametrize(
    ("header", "indicator", "unit", "series"),
    [
        (
            "技术合同成交额(万元) Technical Contract Turnover (10 000 yuan) / 全市 Total City",
            "技术合同成交额 / 全市",
            "万元",
            "全市",
        ),
        ("GDP_亿元", "GDP", "亿元", None),
        (
            "常住人口（万人） Permanent Resident Population (10 000 persons) / 市辖区 Districts under City",
            "常住人口 / 市辖区",
            "万人",
            "市辖区",
        ),
        ("普通高中 Ordinary high school (10 000 persons)", "普通高中", "万人", None),
        ("高新技术企业数(国家级)(个)", "高新技术企业数(国家级)", "个", None),
        ("GDP①", "GDP", None, None),
        ("专利授权数[2]", "专利授权数", None, None),
        ("年末实有城市 道路面积 （万平方米）", "年末实有城市道路面积", "万平方米", None),
    ],
)
def test_header_says_indicator_unit_and_series(header, indicator, unit, series):
    h = parse_header(header)
    assert (h.indicator, h.unit, h.series) == (indicator, unit, series)


def test_whole_city_and_districts_never_mixed(tmp_path):
    p = write(
        tmp_path / "s.csv", "城市,GDP(亿元) / 全市,GDP(亿元) / 市辖区\n深圳,34606,34606\n杭州,20059,18859\n"
    )
    v = values(read_table(p, entities=None, year=2023))
    assert v[("杭州", "GDP / 全市", 2023)] == (20059.0, "亿元")
    assert v[("杭州", "GDP / 市辖区", 2023)] == (18859.0, "亿元")


def test_units_converted_consistently(tmp_path):
    p = write(
        tmp_path / "u.csv", "单位：万元\n城市,GDP,R&D经费(亿元)\n深圳,346060000,2236.6\n杭州,2.0059万亿,667\n"
    )
    df = read_table(p, entities=None, year=2023, units={"GDP": "亿元", "R&D经费": "万元"})
    v = values(df)
    assert v[("深圳", "GDP", 2023)] == (pytest.approx(34606.0), "亿元")  # 346060000 万元 = 34606 亿元
    assert v[("杭州", "GDP", 2023)] == (pytest.approx(20059.0), "亿元")  # 2.0059万亿(元) = 20059 亿元
    assert v[("深圳", "R&D经费", 2023)] == (pytest.approx(22366000.0), "万元")  # 2236.6 亿元 = 22366000 万元

"""Readers on real files written by the tests (GBK, Big5, UTF-8-BOM CSV; xlsx with a merged two-row header).

Expected values are hand computations: 2.66万 = 2.66 x 10^4, 2236.6亿元 = 2236.6 x 10^8 元, and so on.
"""

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from innoscope.ingest.readers import read_raw, read_table
from innoscope.ingest.values import ValueParseError
from innoscope.model.errors import DataError

# (city as written, indicator, year, value text) -- Simplified for GBK/UTF-8, Traditional for Big5.
ROWS_SIMPLIFIED = [
    ("深圳", "high_tech_enterprises", "2024", "2.66万"),
    ("杭州市", "high_tech_enterprises", "2024", "1.65万"),
    ("深圳", "little_giants", "2024", "1,040"),
    ("杭州", "little_giants", "2024", "478"),
    ("深圳", "rd_expenditure", "2023", "2236.6亿元"),
    ("杭州", "rd_expenditure", "2021", "667亿元"),
    ("广州", "unicorns", "2024", ">20"),
    ("苏州", "unicorns", "2024", "—"),
]
ROWS_TRADITIONAL = [
    ("深圳", "high_tech_enterprises", "2024", "2.66萬"),
    ("杭州市", "high_tech_enterprises", "2024", "1.65萬"),
    ("深圳", "little_giants", "2024", "1,040"),
    ("杭州", "little_giants", "2024", "478"),
    ("深圳", "rd_expenditure", "2023", "2236.6億元"),
    ("杭州", "rd_expenditure", "2021", "667億元"),
    ("廣州", "unicorns", "2024", ">20"),
    ("蘇州", "unicorns", "2024", "—"),
]
EXPECTED = {  # (entity, indicator, year) -> (value, flags), by hand
    ("shenzhen", "high_tech_enterprises", 2024): (26600.0, ""),
    ("hangzhou", "high_tech_enterprises", 2024): (16500.0, ""),
    ("shenzhen", "little_giants", 2024): (1040.0, ""),
    ("hangzhou", "little_giants", 2024): (478.0, ""),
    ("shenzhen", "rd_expenditure", 2023): (223_660_000_000.0, ""),
    ("hangzhou", "rd_expenditure", 2021): (66_700_000_000.0, ""),
    ("guangzhou", "unicorns", 2024): (20.0, ">"),
    ("suzhou", "unicorns", 2024): (None, "NA"),
}
UNITS = {"rd_expenditure": "元", "high_tech_enterprises": "家", "little_giants": "家"}


def write_csv(path, header, rows, encoding):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_merged_xlsx(path):
    """Wide layout with a two-row header: 城市 spans A1:A2, 企业 spans B1:C1, 研发 D1, 独角兽 E1:E2."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "城市数据"
    ws["A1"], ws["B1"], ws["D1"], ws["E1"] = "城市", "企业", "研发", "独角兽企业"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.merge_cells("E1:E2")
    ws["B2"], ws["C2"], ws["D2"] = "高新技术企业(家)", "小巨人(家)", "研发投入(亿元)"
    data = [
        ("深圳", 26600, 1040, 2236.6, None),
        ("杭州", "1.65万", 478, 667, None),
        ("广州", None, None, None, ">20"),
        ("苏州", None, None, None, "—"),
    ]
    for i, row in enumerate(data, start=3):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(i, j + 1, v)
    wb.create_sheet("notes")["A1"] = "sources"
    wb.save(path)
    return path


def as_dict(df):
    out = {}
    for r in df.itertuples(index=False):
        v = None if pd.isna(r.value) else float(r.value)
        out[(r.entity, r.indicator, None if pd.isna(r.year) else int(r.year))] = (v, r.flags)
    return out


def test_four_files_import_to_identical_values(tmp_path):
    header = ["城市", "指标", "年份", "数值"]
    gbk = write_csv(tmp_path / "gbk.csv", header, ROWS_SIMPLIFIED, "gbk")
    big5 = write_csv(tmp_path / "big5.csv", ["城市", "指標", "年份", "數值"], ROWS_TRADITIONAL, "big5")
    bom = write_csv(tmp_path / "bom.csv", header, ROWS_SIMPLIFIED, "utf-8-sig")
    xlsx = write_merged_xlsx(tmp_path / "wide.xlsx")
    with pytest.raises(UnicodeDecodeError):
        gbk.read_bytes().decode("utf-8")  # really not UTF-8
    got = {}
    for p in (gbk, big5, bom):
        got[p.name] = read_table(p, units=UNITS)
    got["wide.xlsx"] = read_table(
        xlsx,
        year=None,
        units=UNITS,
        columns={
            "企业 / 高新技术企业(家)": "high_tech_enterprises",
            "企业 / 小巨人(家)": "little_giants",
            "研发 / 研发投入(亿元)": "rd_expenditure",
            "独角兽企业": "unicorns",
        },
    )
    assert got["gbk.csv"].attrs["encoding"] == "gb18030"
    assert got["big5.csv"].attrs["encoding"] == "big5hkscs"
    assert got["bom.csv"].attrs["encoding"] == "utf-8-sig"
    for name in ("gbk.csv", "big5.csv", "bom.csv"):
        assert as_dict(got[name]) == EXPECTED, name
    wide = got["wide.xlsx"]
    # The wide sheet has no year column (year missing) and 4 x 4 cells; the 8 written ones match, the rest
    # are empty cells, i.e. missing.
    wide_vals = {(e, i): vf for (e, i, y), vf in as_dict(wide).items() if y is None}
    assert len(wide_vals) == len(wide) == 16
    for (e, i, _), vf in EXPECTED.items():
        assert wide_vals.pop((e, i)) == vf
    assert set(wide_vals.values()) == {(None, "NA")}
    assert wide.loc[wide.indicator == "rd_expenditure", "unit"].unique().tolist() == ["元"]


def test_merged_header_names_and_row_numbers(tmp_path):
    raw = read_raw(write_merged_xlsx(tmp_path / "wide.xlsx"))
    assert raw.names == [
        "城市",
        "企业 / 高新技术企业(家)",
        "企业 / 小巨人(家)",
        "研发 / 研发投入(亿元)",
        "独角兽企业",
    ]
    assert raw.sheet == "城市数据"
    assert raw.rows.tolist() == [3, 4, 5, 6]  # Excel rows of the data
    assert raw.column_letters["独角兽企业"] == "E"


def test_choose_sheet_and_unknown_sheet(tmp_path):
    p = write_merged_xlsx(tmp_path / "wide.xlsx")
    with pytest.raises(DataError, match=r"no sheet 'x'; sheets are \['城市数据', 'notes'\]"):
        read_raw(p, sheet="x")
    with pytest.raises(DataError, match="but no data rows"):
        read_raw(p, sheet="notes")


def test_xlsx_value_error_names_sheet_row_and_column(tmp_path):
    p = write_merged_xlsx(tmp_path / "wide.xlsx")
    wb = openpyxl.load_workbook(p)
    wb["城市数据"]["C4"] = "12..5"
    wb.save(p)
    with pytest.raises(ValueParseError) as exc:
        read_table(p, year=2024)
    msg = str(exc.value)
    assert "wide.xlsx, sheet '城市数据', row 4, column '企业 / 小巨人(家)' (C)" in msg and "'12..5'" in msg


def test_explicit_encoding_wins(tmp_path):
    p = write_csv(tmp_path / "gbk.csv", ["城市", "指标", "年份", "数值"], ROWS_SIMPLIFIED, "gbk")
    df = read_table(p, encoding="GBK")
    assert df.attrs["encoding"] == "gbk"
    assert as_dict(df)[("shenzhen", "high_tech_enterprises", 2024)] == (26600.0, "")
    with pytest.raises(DataError, match="not valid utf-8"):
        read_table(p, encoding="utf-8")


def test_unparsable_value_names_file_row_column(tmp_path):
    rows = [*ROWS_SIMPLIFIED[:2], ("深圳", "x", "2024", "12..5")]
    p = write_csv(tmp_path / "bad.csv", ["城市", "指标", "年份", "数值"], rows, "gbk")
    with pytest.raises(ValueParseError) as exc:
        read_table(p)
    msg = str(exc.value)
    assert "bad.csv, row 4, column '数值'" in msg and "'12..5'" in msg and "expected a number" in msg


def test_unknown_city_lists_closest(tmp_path):
    rows = [*ROWS_SIMPLIFIED[:2], ("Shenzen", "x", "2024", "1")]
    p = write_csv(tmp_path / "c.csv", ["城市", "指标", "年份", "数值"], rows, "utf-8")
    with pytest.raises(DataError) as exc:
        read_table(p)
    msg = str(exc.value)
    assert (
        "c.csv, row 4, column '城市'" in msg
        and "unknown entity 'Shenzen'" in msg
        and "Shenzhen (shenzhen)" in msg
    )


def test_bad_year_names_row(tmp_path):
    p = write_csv(
        tmp_path / "y.csv", ["城市", "指标", "年份", "数值"], [("深圳", "x", "二〇二四", "1")], "utf-8"
    )
    with pytest.raises(
        DataError, match=r"y\.csv, row 2, column '年份': year '二〇二四' is not a four-digit year"
    ):
        read_table(p)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "file is empty"),
        ("blank.csv", b"  \n\n", "file is empty"),
        (
            "header_only.csv",
            "城市,指标,年份,数值\n".encode("gbk"),
            r"has a header \(城市, 指标, 年份, 数值\) but no data rows",
        ),
        ("binary.csv", bytes(range(256)) * 40, "binary content"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5\n", "malformed CSV, expected 2 fields"),
    ],
)
def test_bad_csv_files(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(DataError, match=message) as exc:
        read_table(p)
    assert name in str(exc.value)


def test_binary_file_renamed_csv_is_rejected(tmp_path):
    src = write_merged_xlsx(tmp_path / "real.xlsx")
    p = tmp_path / "renamed.csv"
    p.write_bytes(src.read_bytes())  # a zip archive with a .csv name
    with pytest.raises(DataError, match=r"renamed\.csv: binary content"):
        read_table(p)


def test_truncated_xlsx(tmp_path):
    src = write_merged_xlsx(tmp_path / "real.xlsx").read_bytes()
    p = tmp_path / "truncated.xlsx"
    p.write_bytes(src[: len(src) // 2])
    with pytest.raises(
        DataError, match=r"truncated\.xlsx: not a readable Excel workbook \(truncated or corrupt"
    ):
        read_table(p)


def test_blank_lines_and_quoted_newlines_keep_line_numbers(tmp_path):
    text = '城市,指标,年份,数值,来源\n深圳,a,2024,1,"多行\n来源"\n\n杭州,a,2024,12..5,x\n'
    p = tmp_path / "lines.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ValueParseError, match=r"row 5, column '数值'"):
        read_table(p)
    p.write_text(text.replace("12..5", "2"), encoding="utf-8")
    df = read_table(p)
    assert df["row"].tolist() == [2, 5]
    assert df["source_title"].tolist() == ["多行\n来源", "x"]


def test_pinyin_annotation_and_whitespace_cleaned_in_names(tmp_path):
    rows = [(" 深圳(shēn zhèn) ", "a", "2024", "1"), ("杭州", "a", "2024", "2")]
    p = write_csv(tmp_path / "n.csv", ["城市", "指标", "年份", "数值"], rows, "utf-8")
    df = read_table(p)
    assert df["entity"].tolist() == ["shenzhen", "hangzhou"]
    assert df["entity_name"].tolist() == ["深圳", "杭州"]


def test_column_mapping_and_unit_column(tmp_path):
    rows = [
        ("深圳", "研发", "2023", "2236.6", "亿元", "广东省科技经费投入公报"),
        ("杭州", "研发", "2021", "6670000", "万元", "杭州统计局"),
    ]
    p = write_csv(tmp_path / "m.csv", ["City", "What", "Yr", "Amount", "单位", "出处"], rows, "utf-8")
    df = read_table(
        p, columns={"City": "entity", "What": "indicator", "Yr": "year", "Amount": "value"}, unit="元"
    )
    assert df["value"].tolist() == [223_660_000_000.0, 66_700_000_000.0]
    assert df["unit"].tolist() == ["元", "元"]
    assert df["source_title"].tolist() == ["广东省科技经费投入公报", "杭州统计局"]
    with pytest.raises(DataError, match="column mapping names 'Nope'"):
        read_table(p, columns={"Nope": "entity"})


def test_parquet_long(tmp_path):
    table = pa.table(
        {"entity": ["深圳", "Hangzhou"], "indicator": ["u", "u"], "year": [2024, 2024], "value": [34.0, 19.0]}
    )
    pq.write_table(table, tmp_path / "u.parquet")
    df = read_table(tmp_path / "u.parquet")
    assert as_dict(df) == {("shenzhen", "u", 2024): (34.0, ""), ("hangzhou", "u", 2024): (19.0, "")}


def test_coinr_idata_wide(tmp_path):
    """COINr's iData as it is: uCode rows, indicator columns, meta columns ignored; checked against pandas."""
    from pathlib import Path

    src = Path(__file__).parents[1] / "reference" / "coinr" / "data" / "ASEM_iData.csv"
    ref = pd.read_csv(src)
    df = read_table(src, entities=None)
    indicators = [c for c in ref.columns if c not in ("uName", "uCode", "Time") and not c.endswith("_group")]
    assert len(df) == len(ref) * len(indicators)
    got = df.set_index(["entity", "indicator"])["value"]
    expected = ref.set_index("uCode")[indicators].stack(future_stack=True)
    np.testing.assert_allclose(got.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert set(df["year"]) == {2018}


def test_utf16_and_crlf_files(tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes("城市,指标,年份,数值\n深圳,a,2024,2.66万\n".encode("utf-16"))
    df = read_table(p)
    assert df.attrs["encoding"] == "utf-16" and df["value"].tolist() == [26600.0]
    p = tmp_path / "crlf.csv"
    p.write_bytes("城市,指标,年份,数值\r\n深圳,a,2024,2.66万\r\n杭州,a,2024,12..5\r\n".encode("gbk"))
    with pytest.raises(ValueParseError, match=r"crlf\.csv, row 3, column '数值'"):
        read_table(p)


def test_stray_carriage_returns_are_a_data_error(tmp_path):
    """Found by fuzzing: a lone CR inside header and body fields made Python's csv module raise its own error."""
    data = (
        b"\xb3\xc7\xca\xd0,\xd6\xb8\xb1\xea,\xc4\xea\xb7\r9 \xdd,\xca\xfd\xd6\xb5\n\xc9\xee\xdb\xda,high\r,_tech_"
        b"enterprises,2024,2.66\xcd\xf2\n\xba\xbc\xd6\xdd,high_tech_enterprises,2-  024,1.65\xcd\xf2\n"
    )
    (tmp_path / "cr.csv").write_bytes(data)
    with pytest.raises(DataError, match="cr.csv"):
        read_table(tmp_path / "cr.csv")

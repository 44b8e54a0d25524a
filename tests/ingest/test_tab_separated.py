"""Tab-separated files (a first header line with tabs and no comma), as statistics offices export them."""

from __future__ import annotations

import pytest

from innoscope.cli import main
from innoscope.ingest.readers import read_table


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "big5"])
def test_tab_separated_long_file(tmp_path, encoding):
    rows = [
        "城市\t指标\t年份\t数值",
        "深圳\tunicorns\t2024\t34",
        "杭州\tunicorns\t2024\t1.9万",
        "广州\tunicorns\t2024\t—",
    ]
    text = "\n".join(rows) + "\n"
    if encoding == "big5":
        text = (
            text.replace("广州", "廣州").replace("指标", "指標").replace("数值", "數值").replace("万", "萬")
        )
    p = tmp_path / "t.tsv"
    p.write_bytes(text.encode(encoding))
    got = read_table(p).set_index("entity")
    assert got.loc["shenzhen", "value"] == 34 and got.loc["hangzhou", "value"] == 19000  # 1.9万 by hand
    assert got.loc["guangzhou", "flags"] == "NA" and got["value"].isna().sum() == 1
    assert list(got["row"]) == [2, 3, 4]


def test_tab_separated_wide_file_through_the_cli(tmp_path, capsys):
    p = tmp_path / "wide.txt"
    p.write_text(
        "地区\t专利授权量(件)\t常住人口(万人)\n深圳\t2.5万\t1779\n杭州\t12000\t1252\n", encoding="utf-8"
    )
    assert main(["import", str(p), "--year", "2023", "--store", str(tmp_path / "s.duckdb")]) == 0
    assert "4 values read (wide layout)" in capsys.readouterr().out


def test_a_comma_in_the_header_keeps_commas(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("entity,indicator,year,value\n深圳,a b\tc,2024,1\n", encoding="utf-8")
    assert read_table(p)["indicator"].tolist() == ["a b\tc"]

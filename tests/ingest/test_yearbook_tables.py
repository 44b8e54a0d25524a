"""Statistical-yearbook tables as they come: a title above the header, a merged two-row header, no year
column, notes under the table. Rows that are not data are set aside and listed, never dropped silently."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest

from innoscope.cli import main
from innoscope.ingest.readers import read_raw, read_table
from innoscope.model.errors import DataError
from innoscope.store import Store

NOTE_1 = "注：数据来源于各市统计公报。"
NOTE_2 = "资料来源：作者整理"


def yearbook(path, *, title: bool = True, notes: bool = True) -> None:
    """深圳/杭州 R&D spending (亿元), R&D intensity (%) and invention patents, 2023, laid out as a yearbook."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    top = 1
    if title:
        ws["A1"] = "2023年主要城市科技统计"
        ws.merge_cells("A1:D1")
        top = 2
    ws.cell(top, 1, "地区")
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    ws.cell(top, 2, "科技投入")
    ws.merge_cells(start_row=top, start_column=2, end_row=top, end_column=3)
    ws.cell(top, 4, "专利")
    for j, h in enumerate(["R&D经费(亿元)", "R&D强度(%)", "发明专利授权(件)"], start=2):
        ws.cell(top + 1, j, h)
    for i, row in enumerate(
        [("深圳市", 2236.61, "6.46", "6.2万"), ("杭州市", 667, "3.68", "3.1万")], start=top + 2
    ):
        for j, v in enumerate(row, start=1):
            ws.cell(i, j, v)
    if notes:
        ws.cell(top + 4, 1, NOTE_1)
        ws.cell(top + 5, 1, NOTE_2)
    wb.save(path)


def test_title_and_notes_are_set_aside_and_listed(tmp_path):
    yearbook(tmp_path / "y.xlsx")
    raw = read_raw(tmp_path / "y.xlsx")
    assert raw.notes == [(1, "2023年主要城市科技统计"), (6, NOTE_1), (7, NOTE_2)]
    assert raw.names == [
        "地区",
        "科技投入 / R&D经费(亿元)",
        "科技投入 / R&D强度(%)",
        "专利 / 发明专利授权(件)",
    ]
    assert raw.rows.tolist() == [4, 5]
    t = read_table(tmp_path / "y.xlsx", year=2023, columns={"地区": "entity"})
    got = {(r.entity, r.indicator): (r.value, r.unit) for r in t.itertuples()}
    assert got[("shenzhen", "科技投入 / R&D经费")] == (2236.61, "亿元")
    assert got[("hangzhou", "专利 / 发明专利授权")] == (31000.0, "件")  # 3.1万 = 3.1 x 10^4
    assert got[("shenzhen", "科技投入 / R&D强度")] == (6.46, "%")
    assert set(t["year"]) == {2023} and len(t) == 6
    assert json.loads(t.attrs["notes"])[1:] == [[6, NOTE_1], [7, NOTE_2]]


def test_without_title_or_notes_nothing_is_set_aside(tmp_path):
    yearbook(tmp_path / "y.xlsx", title=False, notes=False)
    raw = read_raw(tmp_path / "y.xlsx")
    assert raw.notes == [] and raw.rows.tolist() == [3, 4]


def test_csv_notes_under_the_table(tmp_path):
    text = (
        "城市,指标,年份,数值\n深圳,rd_expenditure,2023,2236.61亿元\n杭州,rd_expenditure,2023,—\n"
        f"{NOTE_1},,,\n"
    )
    (tmp_path / "n.csv").write_bytes(text.encode("gbk"))
    t = read_table(tmp_path / "n.csv")
    assert t["entity"].tolist() == ["shenzhen", "hangzhou"]
    assert t["value"].iloc[0] == 223661000000.0 and np.isnan(
        t["value"].iloc[1]
    )  # 杭州's row is data (missing)
    assert json.loads(t.attrs["notes"]) == [[4, NOTE_1]]  # line 1 header, 2-3 data, 4 the note


def test_a_note_word_with_data_beside_it_is_data(tmp_path):
    """Only rows whose other cells are all empty are notes: here the row is data, and its unknown name an error."""
    text = f"城市,指标,年份,数值\n深圳,rd_expenditure,2023,2236.61\n{NOTE_1},rd_expenditure,2023,5\n"
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"row 3.*unknown entity"):
        read_table(tmp_path / "d.csv")


def test_cli_imports_a_yearbook_sheet(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    yearbook(tmp_path / "y.xlsx")
    assert (
        main(
            [
                "import",
                "y.xlsx",
                "--store",
                "s.duckdb",
                "--year",
                "2023",
                "--column",
                "地区=entity",
                "--column",
                "科技投入 / R&D经费(亿元)=rd_expenditure",
                "--source-title",
                "2023年统计公报",
                "--dataset",
                "yearbooks",
                "--note",
                "hand-made test sheet",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "6 values read (wide layout)" in out and "set aside 3 row(s)" in out and NOTE_1 in out
    with Store(str(tmp_path / "s.duckdb")) as st:
        obs = st.observations(dataset="yearbooks")
        imp = st.imports()
    rd = obs.set_index(["entity", "indicator"]).loc[("shenzhen", "rd_expenditure")]
    assert (rd["value"], rd["year"], rd["source_title"]) == (2236.61, 2023, "2023年统计公报")
    assert imp["note"].tolist() == ["hand-made test sheet"] and imp["dataset"].tolist() == ["yearbooks"]


def test_cli_import_option_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    yearbook(tmp_path / "y.xlsx")
    assert main(["import", "y.xlsx", "--column", "地区"]) == 1
    assert "expected HEADER=ROLE" in capsys.readouterr().err
    assert main(["import", "y.xlsx", "--layout", "diagonal"]) == 1
    assert "--layout must be auto, long or wide" in capsys.readouterr().err
    assert not (tmp_path / "innoscope.duckdb").exists()
    # no year column and no --year, but the title says 2023年: read from it, and the report says where
    assert main(["import", "y.xlsx", "--column", "地区=entity"]) == 0
    assert "year 2023 read from the title '2023年主要城市科技统计'" in capsys.readouterr().out
    with Store("innoscope.duckdb", read_only=True) as st:
        assert set(st.observations()["year"]) == {2023}

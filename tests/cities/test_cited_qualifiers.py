"""Qualifiers written in the year or notes column of the bundled cited data (issue 11): the rows below were read
by hand in ``src/innoscope/data/cities/city_indicators.csv`` (line numbers of the file)."""

from __future__ import annotations

import csv
import re

import pytest

from innoscope.cities.cited import bundled_path, import_cities, qualifiers
from innoscope.cli import main

# line -> (city, indicator, value, year cell, notes cell as written, flags expected)
FLAGGED = {
    144: ("上海", "rd_intensity", "4.4", "2023 (approx.)", "'左右' (approx.)", {"approximate"}),
    145: ("上海", "rd_intensity", "4.4", "2023 (approx.)", "approximate ('左右')", {"approximate"}),
    229: ("合肥", "rd_intensity", "4.0", "2024", "preliminary, from government", {"preliminary"}),
    156: ("广州", "high_tech_enterprises", "13000", "2023 (report uses", "rounded", {"rounded"}),
    243: (
        "重庆",
        "gdp",
        "32000",
        "2024 (preliminary, 'expected')",
        "rounded, preliminary",
        {"preliminary", "rounded"},
    ),
}
# qualifier-like words that qualify something else: a selection round, a ranking of ~97 cities, an approximate
# year (year_flag already says so), an approximate count in the excerpt only
NOT_FLAGGED = {97: "2022 round", 18: "~97 prefecture", 11: "as stated (~2024)", 22: "约为全国平均水平"}


@pytest.fixture(scope="module")
def raw_lines():
    with bundled_path().open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows, start = {}, 2
        for row in reader:
            rows[start] = row
            start = reader.line_num + 1
        return rows


@pytest.fixture(scope="module")
def observations():
    return import_cities().observations.set_index("line")


def test_the_rows_are_as_read_by_hand(raw_lines):
    for line, (city, indicator, value, year, notes, _) in FLAGGED.items():
        r = raw_lines[line]
        assert (r["city_zh"], r["indicator"], r["value"]) == (city, indicator, value)
        assert r["year"].startswith(year) and r["notes"].startswith(notes)


def test_qualifiers_in_year_or_notes_are_flagged(observations):
    for line, (*_, expected) in FLAGGED.items():
        o = observations.loc[line]
        got = {q for q in ("approximate", "preliminary", "rounded") if o[q]}
        assert got == expected, line
    assert observations.loc[243, "value"] == 32000.0  # flagged, never changed


def test_words_that_qualify_something_else_flag_nothing(observations, raw_lines):
    for line, text in NOT_FLAGGED.items():
        assert text in raw_lines[line]["year"] + raw_lines[line]["notes"] + raw_lines[line]["excerpt"]
        o = observations.loc[line]
        assert not (o["approximate"] or o["preliminary"] or o["rounded"]), line


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("2023 (approx.)", ""), ("approximate",)),
        (("2024", "approximately 3 times"), ("approximate",)),
        (("2024", "not rounded; exact figure from 统计局"), ()),
        (("2024", "统计局初步核算"), ("preliminary",)),
        (("2024 (预计)", ""), ("preliminary",)),
        (("2022 round", "2nd round"), ()),
    ],
)
def test_qualifier_words(texts, expected):
    assert qualifiers(*texts) == expected


def test_flags_in_the_store_export_and_compare(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["import", str(bundled_path()), "--store", "c.duckdb"]) == 0
    assert main(["export", "--store", "c.duckdb", "--observations", "obs.csv"]) == 0
    with open(tmp_path / "obs.csv", encoding="utf-8", newline="") as f:
        flags = {
            int(re.match(r"row (\d+)", r["source_cell"]).group(1)): r["flags"] for r in csv.DictReader(f)
        }
    assert flags[144] == flags[145] == "~"
    assert flags[229] == "preliminary" and flags[156] == "rounded" and flags[243] == "preliminary,rounded"
    assert flags[97] == flags[18] == ""
    capsys.readouterr()
    # compare marks the values used: 上海's approximate 4.4 and 合肥's preliminary 4 (both from the store and from
    # the bundled cited data)
    for source in (["--store", "c.duckdb"], ["--data", "cited"]):
        assert main(["compare", "上海", "合肥", *source]) == 0
        out = capsys.readouterr().out
        row = next(ln for ln in out.splitlines() if ln.startswith("│ rd_intensity "))
        cells = [c.strip() for c in row.split("│")]
        assert (
            cells[3].startswith("~4.4 (2023)") and cells[4].startswith("4 (2024)") and "prelim." in cells[4]
        )
        assert "prelim. = preliminary figure, rounded = rounded in the source" in out

"""`innoscope run` and `compare` on the national default (the yearbook's 297 cities)."""

from __future__ import annotations

import re

import pytest

from innoscope.cli import main


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    return tmp_path


def test_run_answers_on_the_whole_country(here, capsys):
    assert main(["run", "--no-report", "--uncertainty", "300", "--sensitivity", "0"]) == 0
    out = capsys.readouterr().out
    assert "reference year 2023" in out
    table = out[: out.index("coverage:")]
    ranked = re.findall(r"│\s+(\d+) │ (\S+)\s+│", table)
    assert [int(r) for r, _ in ranked] == list(range(1, 31))  # the top 30
    assert "not ranked (under half reported): 三沙" in out
    assert (
        "297 cities, 296 ranked" in out and "filled from the cited layer (上海, 深圳)" in out
    )  # coverage line: filled from the cited layer
    standing = out[out.index("national rank (of n ranked) and percentile") :]
    assert re.search(
        r"创新能力 Innovation capacity\s+│\s+\d+\s+│\s+[\d.]+\s+│\s+\d+\s+│\s+[\d.]+\s+│\s+296", standing
    )
    for group in (
        "municipalities and sub-provincial cities: 19",
        "provincial capitals: 27",
        "广东省: 21",
        "浙江省: 11",
    ):
        assert group in out
    assert "P(深圳 > 杭州)" in out and "where the index gap 深圳 − 杭州" in out


def test_compare_any_two_cities_and_the_cited_path_stays(here, capsys):
    assert main(["compare", "石家庄", "宿州"]) == 0
    out = capsys.readouterr().out
    assert "石家庄 Shijiazhuang vs 宿州 Suzhou (Anhui)" in out
    assert main(["compare", "苏州", "宿州", "--data", "national"]) == 0
    assert main(["compare", "石家庄", "杭州", "--data", "cited"]) == 1  # the cited data has 12 cities
    assert "石家庄" in capsys.readouterr().err


def test_a_year_the_yearbook_does_not_have_is_a_clean_error(here, capsys):
    assert main(["run", "--year", "2021", "--no-report"]) == 1
    assert "only 2023" in capsys.readouterr().err


def test_run_shows_the_cited_lists_with_their_semantics(here, capsys):
    assert main(["run", "--no-report", "--uncertainty", "0", "--sensitivity", "0"]) == 0
    out = capsys.readouterr().out
    lists = out[out.index("cited layer, lists (beside the index, not scored): 深圳 vs 杭州") :]
    # NI 2024: 深圳 not among the 9 mainland cities of the top 20 -> "> 20", tied 10th; 杭州 13th world, 6th here
    assert re.search(
        r"自然指数2024科研城市全球排名（2023年数据）\s+│ top 20\s+│ > 20 \(10\)\s+│ 13 \(6\)", lists
    )
    assert re.search(
        r"│ partial\s+│ 32 \(3\)\s+│ 19 \(5\)\s+│ not collected \(partial list\): missing", lists
    )
    assert "≤ 315, censored (not missing)" in lists


def test_export_lists_every_city_and_says_why_one_is_not_ranked(here, capsys):
    """`innoscope export --csv` wrote the 296 ranked cities only: 三沙, which the report and the dashboard list
    as not ranked, was missing from the file. Now it is the last row, unscored, with the screen's reason (all
    12 yearbook cells of 三沙 are blank, read off the tables: tests/cities coverage checks)."""
    import pandas as pd

    assert main(["export", "--csv", "cities.csv"]) == 0
    df = pd.read_csv(here / "cities.csv")
    assert len(df) == 297 and df["rank"].notna().sum() == 296
    last = df.iloc[-1]
    assert last["name"] == "三沙" and pd.isna(last["rank"]) and pd.isna(last["score"])
    assert last["not_ranked"] == "data availability 0.000 < dat_thresh 0.5 (12 of 12 values missing)"
    assert df["not_ranked"].iloc[:296].isna().all()

"""The data layer's commands through ``innoscope.cli.main`` (same entry point as the console script)."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from innoscope.cities.cited import bundled_path
from innoscope.cli import main

pytestmark = pytest.mark.slow  # end-to-end runs and fuzzing: make test-fast skips them


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    return tmp_path


def test_run_prints_ranking_and_writes_report(here, capsys):
    assert main(["run", "--data", "cited"]) == 0
    out = capsys.readouterr().out
    assert "深圳" in out and "杭州" in out and "Shenzhen" in out
    # the ranking lists ranks 1.. with the index score; Beijing, Shenzhen and Shanghai have all 4 pools
    ranked = re.findall(r"│\s+(\d+) │ (\S+)\s+│", out)
    assert [r for r, _ in ranked][:3] == ["1", "2", "3"] and len(ranked) >= 8
    assert {"深圳", "杭州"} <= {name for _, name in ranked}
    assert "not ranked" in out and "reference year 2025" in out
    # how sure: P(Shenzhen outranks Hangzhou) at every level, from the Monte Carlo
    assert "P(深圳 > 杭州)" in out
    sure = out[out.index("How sure?") :]
    p_index = float(re.search(r"Innovation capacity\s+│\s+([0-9.]+)", sure).group(1))
    assert 0.5 < p_index <= 1.0
    assert re.search(r"深圳: nominal rank 2, 90% interval \d+–\d+", out)
    assert "In short. 深圳 ranks 2 and 杭州 ranks" in out and "Largest parts of the gap" in out
    html = (here / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>") and "深圳" in html and "杭州" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?:", html)  # offline: nothing fetched
    assert 'id="sensitivity-table"' in html and "N = 256, 1280 runs" in html  # Sobol by default in `run`


def test_run_plain_report(here, capsys):
    assert main(["run", "--plain", "--uncertainty", "0", "--report", "plain.html"]) == 0
    html = (here / "plain.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "深圳" in html and "杭州" in html
    assert "<script" not in html and "http://" not in html.split("<body>")[0]
    assert "P(深圳 > 杭州)" not in capsys.readouterr().out


def test_report_escapes_source_text(here, capsys):
    raw = (bundled_path()).read_text(encoding="utf-8")
    evil = raw.replace("2023年广东省科技经费投入公报", "<script>alert(1)</script>&", 1)
    assert evil != raw
    (here / "evil.csv").write_text(evil, encoding="utf-8")
    assert main(["run", "--data", "evil.csv", "--report", "r.html", "--plain", "--uncertainty", "0"]) == 0
    html = (here / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html


def test_compare_shows_article_figures_beside_sources(here, capsys):
    assert main(["compare", "深圳", "杭州", "--data", "cited"]) == 0
    out = capsys.readouterr().out
    for figure in ("26600", "16500", "1040", "478", "34", "19", "24000", "1027", "476", "32"):
        assert re.search(rf"\b{figure}\b", out), figure
    assert "seed article" in out
    # the article's 2.66万 is consistent with the ">2.4万" lower bound, its HZ 19 unicorns match the 中关村 list,
    # its SZ 1040 little giants are close to the government's 1025, and HZ's own count of 34 contradicts 19
    assert "consistent (source gives a lower bound)" in out
    assert "close (-1.4%)" in out and "contradicts (+79%)" in out
    assert "no independent source" in out  # Hangzhou's 1.65万 high-tech enterprises
    assert "/1M" in out and "/km²" in out and "ratio" in out
    # the index gap split by indicator; each city lacks one technology indicator, which the table marks
    assert "where the index gap 深圳 − 杭州" in out
    assert re.search(r"pct_applications \*.*\+25\.0", out) and re.search(r"nature_index_city_rank \*", out)


def test_compare_with_an_unranked_city_says_why_there_is_no_gap_split(here, capsys):
    assert main(["compare", "深圳", "南京", "--data", "cited"]) == 0
    out = capsys.readouterr().out
    assert "no split of the index gap: 'nanjing' has no innovation score" in out


def test_compare_accepts_every_spelling(here, capsys):
    assert main(["compare", "深圳市", "Hangzhou"]) == 0
    a = capsys.readouterr().out
    assert main(["compare", "shenzhen", "杭州"]) == 0
    assert capsys.readouterr().out == a


def test_unknown_city_exits_1_with_suggestion(here, capsys):
    assert main(["compare", "深川", "杭州"]) == 1
    cap = capsys.readouterr()
    err = " ".join(cap.err.split())
    assert "did you mean" in err and "深圳" in err and "Traceback" not in cap.err + cap.out


def test_export_csv_and_xlsx(here, capsys):
    assert main(["export", "--csv", "cities.csv", "--xlsx", "all.xlsx", "--data", "cited"]) == 0
    df = pd.read_csv(here / "cities.csv")
    sz = df.set_index("entity").loc["shenzhen"]
    assert sz["little_giants_valid"] == 1027 and sz["unicorns"] == 32 and sz["rank"] == 2
    assert sz["high_tech_enterprises_flags"] == "outdated,lower_bound"
    sheets = pd.read_excel(here / "all.xlsx", sheet_name=None)
    assert {"cities", "scores", "choices", "observations", "import_report", "about"} <= set(sheets)
    assert len(sheets["observations"]) == 251


def test_export_needs_a_target(here, capsys):
    assert main(["export"]) == 1
    assert "nothing to export" in capsys.readouterr().err


def test_list_shows_bundled(here, capsys):
    assert main(["list", "--store", str(here / "none.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "three_pools" in out and "251 cited values" in out and "not created yet" in out


def test_bad_framework_is_a_clean_error(here, capsys):
    shutil.copy(bundled_path(), here / "c.csv")
    (here / "fw.yaml").write_text("index: {id: r, children: [{id: a, unit: furlongs}]}\n", encoding="utf-8")
    assert main(["run", "--framework", "fw.yaml", "--no-report"]) == 1
    err = capsys.readouterr().err
    assert "unknown unit 'furlongs'" in err and "line 1" in err


def test_import_list_and_run_from_the_store(here, capsys):
    from innoscope.store import Store

    shutil.copy(bundled_path(), here / "cities.csv")
    assert main(["import", "cities.csv", "--store", "s.duckdb", "--show", "0"]) == 0
    out = capsys.readouterr().out
    assert "imported into s.duckdb" in out and "251 rows" in out
    assert main(["import", "cities.csv", "--store", "s.duckdb", "--show", "0"]) == 0
    assert "already in s.duckdb" in capsys.readouterr().out
    assert main(["list", "--store", "s.duckdb"]) == 0
    listed = capsys.readouterr().out
    assert "cities.csv" in listed and "nan" not in listed  # no sheet, no note: empty cells, not 'nan'
    # the index built from the store equals the one built from the file
    assert main(["export", "--store", "s.duckdb", "--csv", "from_store.csv"]) == 0
    assert main(["export", "--csv", "from_file.csv", "--data", "cited"]) == 0
    a, b = pd.read_csv(here / "from_store.csv"), pd.read_csv(here / "from_file.csv")
    cols = ["entity", "rank", "score", "high_tech_enterprises", "unicorns", "nature_index_city_rank"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    # a bad file is rejected and the store is unchanged
    with Store(str(here / "s.duckdb")) as st:
        before = (st.row_count(), st.content_hash())
    bad = (here / "cities.csv").read_text(encoding="utf-8").replace(",2236.61,", ",2236..61,", 1)
    (here / "bad.csv").write_text(bad, encoding="utf-8")
    assert main(["import", "bad.csv", "--store", "s.duckdb"]) == 1
    assert "'2236..61'" in capsys.readouterr().err
    with Store(str(here / "s.duckdb")) as st:
        assert (st.row_count(), st.content_hash()) == before


def test_too_little_data_is_a_clean_error(here, capsys):
    (here / "one.csv").write_text(
        "city_zh,city_en,indicator,year,value,unit,source_url,source_title,excerpt,notes\n"
        "深圳,Shenzhen,unicorns,2024,32,家,u,t,e,list: 中关村 2024\n"
        "杭州,Hangzhou,unicorns,2024,19,家,u,t,e,list: 中关村 2024\n",
        encoding="utf-8",
    )
    assert main(["run", "--data", "one.csv", "--no-report"]) == 1
    err = " ".join(capsys.readouterr().err.split())  # undo the console's line wrapping
    assert "too little data" in err and "high_tech_enterprises (0 distinct values)" in err
    assert "unicorns" not in err.split("min-max")[0]  # two different values: enough


def test_per_capita_spec_divides_counts_by_population(here, capsys):
    """The bundled per_capita spec: counts per million residents (population in 万人: 100 x / population),
    R&D spending per resident in yuan (亿元 -> 10^4 x / population); intensive indicators untouched."""
    from innoscope.cities.citydata import default_build

    b = default_build(spec="per_capita")
    d, cs = b.result.stage("Denominated"), b.cross_section
    pop = cs.denominators["resident_population"]
    for city in ("shenzhen", "hangzhou"):
        assert d.at[city, "high_tech_enterprises"] == pytest.approx(
            100 * cs.values.at[city, "high_tech_enterprises"] / pop[city]
        )
        assert d.at[city, "rd_expenditure"] == pytest.approx(
            1e4 * cs.values.at[city, "rd_expenditure"] / pop[city]
        )
        assert d.at[city, "rd_intensity"] == cs.values.at[city, "rd_intensity"]
    assert main(["run", "--spec", "per_capita", "--no-report", "--uncertainty", "0"]) == 0
    assert "深圳 Shenzhen vs 杭州 Hangzhou" in capsys.readouterr().out
    assert main(["run", "--spec", "nope", "--no-report"]) == 1
    assert "bundled: default, national, per_capita" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv,message",
    [
        (["run", "--bogus"], "No such option"),
        (["run", "--window", "abc"], "valid integer"),
        (["import", "x.csv", "--header-rows", "0"], "greater than or equal to 1"),
        (["compare", "深圳"], "Missing argument"),
        (["serve", "--port", "99999"], "65535"),
    ],
)
def test_usage_errors_are_one_message_not_a_traceback(here, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unwritable_output_is_a_clear_error(here, capsys):
    blocker = here / "file"
    blocker.write_text("x")
    assert main(["export", "--csv", str(blocker / "x.csv")]) == 1  # a file where a folder should be
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_compare_with_uncertainty_gives_the_odds_on_every_pool(here, capsys):
    assert main(["compare", "深圳", "杭州", "--uncertainty", "--seed", "2"]) == 0  # alone: 2000 runs
    out = capsys.readouterr().out
    assert "over 2000 Monte Carlo runs" in out
    sure = out[out.index("How sure?") :]
    rows = re.findall(r"│ (\S+) (.+?)\s+│ ([0-9.]+)\s+│ ([0-9.]+)\s+│", sure)
    assert [r[0] for r in rows] == [
        "创新能力",
        "企业基础",
        "技术池",
        "资金池",
        "人才池",
    ]  # index, then each pool
    for _, _, p_ab, p_ba in rows:
        assert 0 <= float(p_ab) + float(p_ba) <= 1.0 + 1e-9
    assert "P(深圳 outranks 杭州) = " in out  # and in the summary


def test_uncertainty_alone_means_the_default_runs():
    from innoscope.cli import DEFAULT_RUNS, with_default_runs

    assert with_default_runs(["compare", "a", "b", "--uncertainty"])[-1] == DEFAULT_RUNS
    assert with_default_runs(["run", "--uncertainty", "--seed", "3"])[:3] == [
        "run",
        "--uncertainty",
        DEFAULT_RUNS,
    ]
    assert with_default_runs(["run", "--uncertainty", "500"]) == ["run", "--uncertainty", "500"]
    assert with_default_runs(["run", "--uncertainty", "-5"]) == [
        "run",
        "--uncertainty",
        "-5",
    ]  # rejected later


def test_run_report_in_english(here, capsys):
    assert (
        main(["run", "--uncertainty", "0", "--sensitivity", "0", "--lang", "en", "--report", "en.html"]) == 0
    )
    html = (here / "en.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html and "<b>In short.</b> Shenzhen ranks" in html
    assert main(["run", "--lang", "fr", "--no-report"]) == 1
    assert "fr" in capsys.readouterr().err

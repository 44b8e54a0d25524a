"""The importer of the raw cited city format, on the real bundled file and on small bad files.

Expected counts come from the dataset's README (251 values, 19 seed rows, 12 cities) and from reading the
raw file with the csv module in the test itself.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from innoscope.cities.cited import COLUMNS, bundled_path, import_cities, parse_year
from innoscope.model.errors import DataError, ImportFailed


@pytest.fixture(scope="module")
def imp():
    return import_cities()


@pytest.fixture(scope="module")
def raw():
    with open(bundled_path(), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, r in enumerate(rows):
        r["line"] = i + 2  # no cell of the file spans lines
    return rows


def one(obs, entity, indicator, year_raw=None, **kw):
    sel = obs[(obs["entity"] == entity) & (obs["indicator"] == indicator)]
    if year_raw is not None:
        sel = sel[sel["year_raw"] == year_raw]
    for k, v in kw.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_counts_match_the_readme(imp, raw):
    obs = imp.observations
    assert imp.n_raw == 251 == len(raw) and len(obs) == 251
    assert obs["entity"].nunique() == 12
    assert int(obs["seed"].sum()) == 19 == sum(r["source_url"].startswith("seed:") for r in raw)
    assert int(obs["low_quality"].sum()) == sum("LOW-QUALITY" in r["notes"] for r in raw)
    assert imp.errors.empty
    # every row keeps its provenance
    for r in raw[::25]:
        o = obs[obs["line"] == r["line"]].iloc[0]
        assert (o["source_url"], o["source_title"], o["excerpt"], o["value_raw"]) == (
            r["source_url"],
            r["source_title"],
            r["excerpt"],
            r["value"],
        )


def test_qualifiers_become_flags(imp):
    obs = imp.observations
    sz = one(obs, "shenzhen", "high_tech_enterprises", "2023")
    assert sz["value"] == 24000 and sz["lower_bound"] and not sz["approximate"]
    bj = one(obs, "beijing", "ai_core_industry_size", value_raw="~3500 (近3500)")
    assert bj["value"] == 3500 and bj["approximate"] and not bj["lower_bound"]
    hz = one(obs, "hangzhou", "ai_enterprises")
    assert hz["value"] == 700 and hz["approximate"] and hz["definition"] == "核心企业"
    exact = one(obs, "beijing", "high_tech_enterprises")
    assert exact["value"] == 28300 and not (exact["lower_bound"] or exact["approximate"])


def test_magnitude_units_and_restatements(imp):
    obs = imp.observations
    seed = one(obs, "shenzhen", "high_tech_enterprises", "as stated (~2024)")
    assert seed["value"] == 26600 and seed["unit"] == "家" and seed["unit_raw"] == "家 (2.66万)"
    assert seed["seed"] and seed["year"] == 2024 and seed["year_flag"] == "approximate"
    assert one(obs, "hangzhou", "high_tech_enterprises")["value"] == 16500
    # "亿元 (3.68万亿元)", "亿元 (66.7 billion yuan)" and "km² (8.24万)" all restate their value
    assert not (imp.report["kind"] == "unit_restatement").any()
    # 153558 元/年 (Hangzhou) is converted to the most common unit of the series, 万元/年: 15.3558
    wage = one(obs, "hangzhou", "avg_wage_nonprivate")
    assert wage["unit"] == "万元/年" and wage["value"] == pytest.approx(15.3558)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024", (2024, "exact")),
        ("2025 (《2025人工智能发展白皮书》)", (2025, "exact")),
        ("2023-2024", (2024, "range")),
        ("2023/24 (global unicorn list, name not given)", (2024, "range")),
        ("2024-03", (2024, "date")),
        ("2025-03-31", (2025, "date")),
        ("2023 (NI 2023 Science Cities, 2022 data)", (2022, "data_year")),
        ("2024 Jan-Sep", (2024, "partial")),
        ("as stated (~2024)", (2024, "approximate")),
        ("latest as of Apr 2024 (likely 2022)", (2022, "approximate")),
        ("stated as 2024", (2024, "exact")),
        ("as stated", (None, "unstated")),
        ("last 10 years", (None, "unstated")),
        ("n/a (undated)", (None, "undated")),
    ],
)
def test_parse_year(text, expected):
    assert parse_year(text) == expected


def test_rows_without_a_year_are_reported_not_dropped(imp, raw):
    no_year = {
        r["line"] for r in raw if r["year"] in ("as stated", "last 10 years") or r["year"].startswith("n/a")
    }
    obs = imp.observations
    assert set(obs.loc[obs["year"].isna(), "line"]) == no_year
    rep = imp.report[imp.report["kind"].isin(["year_unstated", "year_undated"])]
    assert set(rep["line"]) == no_year and (rep["severity"] == "warning").all()


def test_ranks_become_rank_indicators(imp):
    obs = imp.observations
    r = one(obs, "shenzhen", "ai_enterprises_rank", value_raw="3rd nationally")
    assert r["value"] == 3 and r["rank"] and r["unit"] == "rank" and r["year"] == 2025
    bj = one(obs, "beijing", "nature_index_city_rank", "2017-2023")
    assert bj["value"] == 1 and bj["unit"] == "world rank"
    ind = imp.indicators.set_index("indicator")
    assert (
        ind.loc["ai_enterprises_rank", "direction"] == -1
        and ind.loc["nature_index_city_rank", "direction"] == -1
    )
    assert ind.loc["unicorns", "direction"] == 1


def test_conflicts_keep_every_source_and_state_the_choice(imp):
    obs = imp.observations
    gdp = obs[(obs["entity"] == "shenzhen") & (obs["indicator"] == "gdp") & (obs["year"] == 2024)]
    assert sorted(gdp["value"]) == [36800, 36801.87] and gdp["conflict"].all()
    assert gdp.loc[gdp["chosen"], "value"].tolist() == [36801.87]  # more significant digits
    hte = obs[
        (obs["entity"] == "shenzhen") & (obs["indicator"] == "high_tech_enterprises") & (obs["year"] == 2024)
    ]
    assert len(hte) == 2 and hte.loc[hte["chosen"], "value"].tolist() == [25000]  # non-seed before seed
    # equal values from two sources confirm each other: kept, no conflict
    pct = obs[
        (obs["entity"] == "shenzhen") & (obs["indicator"] == "pct_applications_rank") & (obs["year"] == 2024)
    ]
    assert len(pct) == 2 and not pct["conflict"].any() and pct["chosen"].sum() == 1
    assert len(imp.conflicts()) == int(obs["conflict"].sum())
    msgs = imp.report.loc[imp.report["kind"] == "conflict", "message"]
    assert msgs.str.contains("shenzhen gdp 2024").any() and msgs.str.contains("non-seed first").all()


# -- small files written by the tests -----------------------------------------------------------------
HEADER = ",".join(COLUMNS)
GOOD_ROW = "深圳,Shenzhen,unicorns,2024,32,家,https://a.example,Title A,excerpt,"


def write(tmp_path: Path, lines: list[str], name: str = "c.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding=encoding)
    return p


def test_unparsable_value_names_line_and_text(tmp_path):
    p = write(tmp_path, [HEADER, GOOD_ROW, "杭州,Hangzhou,unicorns,2024,12..5,家,u,t,e,"])
    with pytest.raises(ImportFailed) as ei:
        import_cities(p)
    assert (
        "line 3" in str(ei.value) and "'12..5'" in str(ei.value) and "nothing was imported" in str(ei.value)
    )
    lax = import_cities(p, strict=False)
    assert len(lax.observations) == 1 and lax.errors["line"].tolist() == [3]


def test_unknown_city_lists_closest(tmp_path):
    p = write(tmp_path, [HEADER, GOOD_ROW, "深川,Shenchuan,unicorns,2024,3,家,u,t,e,"])
    with pytest.raises(ImportFailed) as ei:
        import_cities(p)
    assert "unknown entity '深川'" in str(ei.value) and "line 3" in str(ei.value)


def test_ordinal_in_a_plain_series_becomes_a_rank_series(tmp_path):
    p = write(tmp_path, [HEADER, GOOD_ROW, "深圳,Shenzhen,unicorns,2024,2nd nationally,,u,t,e,"])
    imp = import_cities(p)
    r = imp.observations.iloc[1]
    assert r["indicator"] == "unicorns_rank" and r["value"] == 2 and r["unit"] == "rank"
    assert (imp.report["kind"] == "rank").sum() == 2  # the ordinal read, and the series renamed


def test_restatement_mismatch_is_a_warning(tmp_path):
    p = write(tmp_path, [HEADER, "深圳,Shenzhen,high_tech_enterprises,2023,26600,家 (2.4万),u,t,e,"])
    rep = import_cities(p).report
    assert rep.loc[rep["kind"] == "unit_restatement", "line"].tolist() == [2]


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-8-sig", "utf-8"])
def test_traditional_names_in_every_encoding(tmp_path, encoding):
    p = write(
        tmp_path,
        [HEADER, "廣州市,Guangzhou,unicorns,2024,24,家,u,t,e,", "深圳,Shenzhen,unicorns,2024,32,家,u,t,e,"],
        encoding=encoding,
    )
    obs = import_cities(p).observations
    assert obs["entity"].tolist() == ["guangzhou", "shenzhen"] and obs["value"].tolist() == [24, 32]


@pytest.mark.parametrize(
    "content,match",
    [
        (b"", "empty"),
        ((HEADER + "\n").encode(), "only a header"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        (b"a,b,c\n1,2,3\n", "missing column"),
    ],
)
def test_bad_files(tmp_path, content, match):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(DataError, match=match):
        import_cities(p)

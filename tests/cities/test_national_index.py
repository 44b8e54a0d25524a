"""The national default: framework and spec on the yearbook data, the missing-data policy, peer groups, the cited
layer beside the official values. Expected values come from the raw tables read here with openpyxl (not with
innoscope's importer), from table 1-1's official counts, or from hand computation written in the test."""

from __future__ import annotations

import glob
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innoscope.cities.national import bundled_dataset, tables_folder
from innoscope.cities.national_index import coverage, national_build, official_vs_cited, set_aside
from innoscope.cities.peers import (
    MUNICIPALITIES,
    PROVINCIAL_CAPITALS,
    SUB_PROVINCIAL,
    national_standing,
    peer_ranks,
)
from innoscope.model.dataset import CrossSection
from innoscope.pipeline import build


@pytest.fixture(scope="module")
def b():
    return national_build()


def _sheet(number: str):
    path = glob.glob(str(tables_folder() / f"{number}_*.xlsx"))[0]
    return openpyxl.load_workbook(path).worksheets[0]


def _row_of(ws, city: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").strip() == city)


def _cell(number: str, city: str, letter: str) -> float:
    ws = _sheet(number)
    return float(ws[f"{letter}{_row_of(ws, city)}"].value)


# -- the evidence: every yearbook series the framework reads covers >= 95 % of the 297 cities -----------------
def test_every_yearbook_series_used_covers_at_least_95_percent_of_cities(b):
    fw = b.framework
    series = {str(fw[c].params.get("indicator", c)) for c in fw.indicators} | set(fw.denominators)
    df = bundled_dataset()
    share = df[df["indicator"].isin(series)].groupby("indicator")["value"].apply(lambda v: v.notna().mean())
    assert set(share.index) == series
    assert (share >= 0.95).all(), share[share < 0.95]
    assert share["high_tech_enterprises"] == pytest.approx(287 / 297)  # 10 blanks in 2-18 column C
    assert share["higher_education_students"] == pytest.approx(283 / 297)  # 14 blanks in 2-19 column C


RAW_COLUMNS = {
    "high_tech_enterprises": ("2-18", "C"),
    "tech_contract_turnover": ("2-18", "E"),
    "invention_patents_granted": ("2-17", "D"),
    "st_expenditure": ("2-8", "E"),
    "education_expenditure": ("2-8", "F"),
    "budget_expenditure": ("2-8", "D"),
    "deposits": ("2-10", "C"),
    "loans": ("2-10", "E"),
    "higher_education_students": ("2-19", "C"),
    "population": ("2-1", "C"),
    "gdp": ("2-6", "C"),
}
"""The column of each series the framework reads, as docs/national.md and the tables' README state them."""


def test_coverage_counted_in_the_raw_tables_is_at_least_95_percent(b):
    # the same evidence, counted with openpyxl in the published sheets (not through the importer): for each of the
    # 297 cities, is its cell in the stated column non-blank?
    fw = b.framework
    series = {str(fw[c].params.get("indicator", c)) for c in fw.indicators} | set(fw.denominators)
    assert set(RAW_COLUMNS) == series
    cities = bundled_dataset()["entity_name"].drop_duplicates().tolist()
    assert len(cities) == 297
    df = bundled_dataset()
    for name, (table, letter) in RAW_COLUMNS.items():
        ws = _sheet(table)
        rows = {str(ws.cell(r, 1).value or "").strip(): r for r in range(1, ws.max_row + 1)}
        cells = [ws[f"{letter}{rows[c]}"].value for c in cities]
        present = sum(v is not None and str(v).strip() != "" for v in cells)
        assert present / 297 >= 0.95, (name, present)
        assert present == df.loc[df["indicator"] == name, "value"].notna().sum(), name


def test_every_value_the_index_reads_is_a_count_or_amount_at_least_0(b):
    # 葫芦岛's science and technology expenditure is printed as -164 (2-8 E62): not an amount, set aside as a gap
    assert _cell("2-8", "葫芦岛市", "E") == -164
    aside = set_aside()
    assert aside[["entity", "indicator", "cell"]].values.tolist() == [["huludao", "st_expenditure", "E62"]]
    values = b.cross_section.values
    assert ((values >= 0) | values.isna()).all().all()
    assert np.isnan(values.at["huludao", "st_expenditure"]) and np.isnan(
        values.at["huludao", "st_expenditure_share"]
    )
    assert b.result.stage("Imputed").at["huludao", "st_expenditure"] == 0


def test_every_pool_has_a_total_and_an_intensity(b):
    fw = b.framework
    for pool in fw.codes(2):
        kids = [c for c in fw.indicators if fw[c].parent == pool]
        assert any(fw[c].denominator for c in kids) and any(not fw[c].denominator for c in kids), pool


# -- values used: official, derived denominators, cited fills -----------------------------------------------
def test_intensities_are_the_published_cells_divided_as_stated(b):
    d = b.result.stage("Denominated")
    hz = _cell("2-18", "杭州市", "C") / _cell("2-1", "杭州市", "C")
    assert d.at["hangzhou", "high_tech_enterprises_per_10k"] == pytest.approx(hz)
    assert d.at["hangzhou", "high_tech_enterprises_per_10k"] == pytest.approx(15062 / 1252)
    turnover = _cell("2-18", "深圳市", "E") / _cell("2-6", "深圳市", "C") / 100  # 万元 / 亿元 -> % of GDP
    assert d.at["shenzhen", "tech_contract_turnover_share"] == pytest.approx(turnover)
    share = 100 * _cell("2-8", "北京市", "E") / _cell("2-8", "北京市", "D")
    assert d.at["beijing", "st_expenditure_share"] == pytest.approx(share)
    assert d.at["beijing", "st_expenditure_share"] == pytest.approx(100 * 5219079 / 79716333)
    per_capita = _cell("2-8", "天津市", "F") / _cell("2-1", "天津市", "C")  # 万元 / 万人 = 元 per resident
    assert d.at["tianjin", "education_expenditure_per_capita"] == pytest.approx(per_capita)


def test_blank_population_is_derived_from_gdp_and_gdp_per_capita_and_flagged(b):
    ws = _sheet("2-1")
    assert ws[f"C{_row_of(ws, '沈阳市')}"].value is None  # blank as published
    expected = round(_cell("2-6", "沈阳市", "C") * 1e4 / _cell("2-6", "沈阳市", "E"), 2)
    assert expected == pytest.approx(8122e4 / 88519, abs=0.01)
    assert b.cross_section.denominators.at["shenyang", "population"] == expected
    row = b.choices[(b.choices["entity"] == "shenyang") & (b.choices["code"] == "population")].iloc[0]
    assert bool(row["approximate"]) and "derived" in row["note"]


def test_shenzhen_and_shanghai_high_tech_counts_come_from_the_cited_layer_as_lower_bounds(b):
    for city in ("shenzhen", "shanghai"):
        assert b.cross_section.values.at[city, "high_tech_enterprises"] == 24000  # ">24000" for 2023
        assert b.cross_section.flags.at[city, "high_tech_enterprises"] == "lower_bound"
    row = b.choices[
        (b.choices["entity"] == "shenzhen") & (b.choices["code"] == "high_tech_enterprises")
    ].iloc[0]
    assert row["table"] == "cited" and "新华社" in row["source_title"] and "C212" in row["note"]
    assert (
        b.cross_section.values.at["hangzhou", "high_tech_enterprises"] == 15062
    )  # yearbook, not the article


def test_official_vs_cited_shows_the_article_figure_against_the_yearbook():
    t = official_vs_cited()
    hz = t[(t["entity"] == "hangzhou") & (t["series"] == "high_tech_enterprises") & t["seed"]].iloc[0]
    assert (hz["official"], hz["cited"]) == (15062, 16500)
    assert hz["relation"] == "differs (+10%)"  # 16500 / 15062 - 1 = 9.5 %
    sz = t[(t["entity"] == "shenzhen") & (t["series"] == "high_tech_enterprises")]
    assert (sz["relation"] == "official blank").all()
    bj = t[(t["entity"] == "beijing") & (t["series"] == "tech_contract_turnover")].iloc[0]
    assert bj["cited"] == pytest.approx(8536.9e4) and bj["relation"] == "confirms"  # 亿元 -> 万元


def test_half_unit_of_a_figure_as_written():
    from innoscope.cities.national_index import _half_unit

    # 1.3万 written 13000: rounded to the thousand; 28300 to the hundred; 15062 exact; 1779.01 to the hundredth
    assert [_half_unit(x) for x in ("13000", "28300", "15062", "1779.01", ">24000", "0")] == [
        500,
        50,
        0.5,
        pytest.approx(0.005),
        500,
        0.5,
    ]


def test_official_vs_cited_says_which_value_is_used_and_why():
    t = official_vs_cited()
    hte = t[t["series"] == "high_tech_enterprises"].set_index(["entity", "line"])
    # 杭州: yearbook 2023 15,062 vs the article's 1.65万 (undated, ~2024): another year, the yearbook is used
    hz = hte.loc[("hangzhou", 72)]
    assert (hz["verdict"], hz["used"]) == ("another year", "yearbook") and "founding article" in hz["why"]
    # 深圳: blank 2-18 C212; >24000 (新华社, 2023) fills it; >25000 (2024) and the article's 2.66万 do not
    sz = hte.loc["shenzhen"]
    assert sz["verdict"].eq("official blank").all()
    assert sz.loc[9, "used"] == "cited" and "lower bound" in sz.loc[9, "why"]
    assert (
        sz.loc[10, "used"] == sz.loc[11, "used"] == "—"
        and "filled by another cited value" in sz.loc[10, "why"]
    )
    # 北京 28,330 vs 2.83万 (to the hundred: +-50) and 广州 13,183 vs 1.3万 (to the thousand: +-500) agree
    assert (
        hte.loc[("beijing", 101), "verdict"] == "agrees"
        and hte.loc[("guangzhou", 156), "verdict"] == "agrees"
    )
    assert hte.loc[("suzhou", 184), "verdict"] == "bound holds"  # >15,700 <= 15,714
    assert not t["verdict"].eq("conflict").any()  # no cited value of 2023 contradicts the yearbook


def test_a_same_year_conflict_is_found_and_the_yearbook_kept():
    from innoscope.cities.cited import import_cities

    cited = import_cities(None).observations.copy()
    bj = (cited["entity"] == "beijing") & (cited["indicator"] == "high_tech_enterprises")
    cited.loc[bj, ["value", "value_raw"]] = [27000.0, "27000"]  # |28,330 - 27,000| = 1,330 > 500
    sz = (
        (cited["entity"] == "suzhou")
        & (cited["indicator"] == "high_tech_enterprises")
        & (cited["year"] == 2023)
    )
    cited.loc[sz, ["value", "value_raw"]] = [16000.0, ">16000"]  # a lower bound above 15,714
    t = official_vs_cited(cited=cited).set_index(["entity", "line"])
    assert t.loc[("beijing", 101), "verdict"] == "conflict" and t.loc[("beijing", 101), "used"] == "yearbook"
    assert "conflicts" in t.loc[("beijing", 101), "why"]
    assert t.loc[("suzhou", 184), "verdict"] == "conflict"


# -- missing data never rewarded ---------------------------------------------------------------------------
def test_coverage_per_city_counts_reported_cited_and_imputed_values(b):
    c = coverage(b)
    assert len(c) == 297 and c["n_indicators"].eq(12).all()
    # 那曲: blank high-tech count (2 indicators), turnover (1) and students (2) in the yearbook
    assert c.loc["nagqu", ["reported", "cited", "imputed"]].tolist() == [7, 0, 5]
    assert c.loc["shenzhen", ["reported", "cited", "imputed"]].tolist() == [10, 2, 0]
    assert not c.at["sansha", "ranked"] and c.at["sansha", "reported"] == 0  # 三沙: blank everywhere
    assert c.loc[c["ranked"], "missing"].eq(0).all()
    assert (c["reported"] + c["cited"] + c["imputed"] + c["missing"]).eq(12).all()


def test_a_city_without_data_is_not_ranked_and_a_gap_scores_as_zero(b):
    assert "sansha" not in b.result.index.dropna().index
    norm = b.result.stage("Normalised")
    assert norm.at["nagqu", "high_tech_enterprises"] == 0  # imputed 0 = the least on the log scale too


def _rank(result, entity: str, n: int) -> float:
    idx = result.index.dropna()
    if entity not in idx.index:
        return n + 1
    return float((idx > idx[entity]).sum() + 1)


def test_removing_hangzhou_high_tech_count_does_not_improve_its_rank(b):
    before = _rank(b.result, "hangzhou", 297)
    vals = b.cross_section.values.copy()
    vals.at["hangzhou", "high_tech_enterprises"] = np.nan
    after = build(
        b.framework,
        CrossSection(values=vals, names=b.cross_section.names, denominators=b.cross_section.denominators),
        b.spec,
    )
    assert _rank(after, "hangzhou", 297) > before  # the count feeds two indicators: it falls


@st.composite
def _data(draw):
    n = draw(st.integers(4, 9))
    k = 12
    cells = st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False, allow_subnormal=False))
    vals = np.array(
        [
            [np.nan if v is None else v for v in draw(st.lists(cells, min_size=k, max_size=k))]
            for _ in range(n)
        ],
        dtype=float,
    )
    dens = np.array(
        draw(
            st.lists(
                st.lists(st.floats(1, 1e5, allow_subnormal=False), min_size=3, max_size=3),
                min_size=n,
                max_size=n,
            )
        ),
        dtype=float,
    )
    who = draw(st.integers(0, n - 1))
    present = np.flatnonzero(~np.isnan(vals[who]))
    col = int(present[draw(st.integers(0, len(present) - 1))]) if len(present) else -1
    return vals, dens, who, col


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_data())
def test_property_removing_a_value_never_improves_that_citys_rank(b, data):
    vals, dens, who, col = data
    if col < 0:
        return
    fw = b.framework
    ents = [f"c{i}" for i in range(len(vals))]
    den = pd.DataFrame(dens, index=ents, columns=list(fw.denominators))

    def rank(v: np.ndarray) -> float | None:
        cs = CrossSection(values=pd.DataFrame(v, index=ents, columns=fw.indicators), denominators=den)
        try:
            res = build(fw, cs, b.spec)
        except Exception:  # noqa: BLE001 - a degenerate draw (an indicator with no spread): no ranking to compare
            return None
        return _rank(res, ents[who], len(ents))

    before = rank(vals)
    cut = vals.copy()
    cut[who, col] = np.nan
    after = rank(cut)
    if before is None or after is None:
        return
    assert after >= before


@st.composite
def _removal(draw, values: pd.DataFrame, denominators: pd.DataFrame, ranked: list[str]):
    city = draw(st.sampled_from(ranked))
    both = pd.concat([values.loc[city], denominators.loc[city]])
    return city, draw(st.sampled_from(sorted(both.index[both.notna()])))


_B = national_build()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _removal(
        _B.cross_section.values,
        _B.cross_section.denominators,
        sorted(_B.result.index.dropna().index),
    )
)
def test_property_on_the_national_data_removing_a_value_never_improves_that_citys_rank(removal):
    # over the real 297 cities: take one ranked city, remove one of its values (an indicator or a denominator),
    # rebuild with the national spec; its rank may fall, stay, or the city may leave the ranking, never rise
    city, column = removal
    cs = _B.cross_section
    values, dens = cs.values.copy(), cs.denominators.copy()
    (values if column in values.columns else dens).at[city, column] = np.nan
    after = build(_B.framework, CrossSection(values=values, names=cs.names, denominators=dens), _B.spec)
    rank = after.index.rank(ascending=False, method="min").get(city, np.nan)
    before = _B.result.index.rank(ascending=False, method="min")[city]
    assert np.isnan(rank) or rank >= before, (city, column, before, rank)


# -- national standing and peer groups ----------------------------------------------------------------------
def test_standing_gives_rank_and_percentile_among_ranked_cities(b):
    s = national_standing(b, "beijing").set_index("node")
    n = s.at["innovation", "n"]
    assert n == 296  # 297 minus 三沙
    r = s.at["innovation", "rank"]
    assert s.at["innovation", "percentile"] == pytest.approx(100 * (n - r) / (n - 1))


def test_sub_provincial_cities_and_municipalities_match_table_1_1_counts(b):
    ws = _sheet("1-1")
    official_sub, official_mun = {}, 0
    for r in range(1, ws.max_row + 1):
        name = str(ws.cell(r, 1).value or "").strip()
        if (
            name
            and name != "全国总计"
            and str(ws.cell(r, 3).value).isdigit()
            and re.match(r"^[\u4e00-\u9fff]+$", name)
        ):
            official_sub[name] = int(ws.cell(r, 5).value or 0)
            official_mun += int(ws.cell(r, 4).value or 0)
    prov = b.observations.drop_duplicates("entity").set_index("entity")["province"]
    ours: dict[str, int] = {}
    for city in SUB_PROVINCIAL:
        p = prov[b.entities.resolve(city)]
        short = next(k for k in official_sub if p.startswith(k))
        ours[short] = ours.get(short, 0) + 1
    assert ours == {k: v for k, v in official_sub.items() if v}
    assert sum(official_sub.values()) == 15 and official_mun == len(MUNICIPALITIES) == 4


def test_provincial_capitals_one_per_province_or_region(b):
    prov = b.observations.drop_duplicates("entity").set_index("entity")["province"]
    provinces = [prov[b.entities.resolve(c)] for c in PROVINCIAL_CAPITALS]
    assert len(set(provinces)) == 27 and not set(provinces) & {"北京市", "天津市", "上海市", "重庆市"}


def test_peer_ranks_rank_members_among_themselves(b):
    members = [b.entities.resolve(c) for c in ("深圳", "杭州", "北京")]
    pr = peer_ranks(b, members)
    assert sorted(pr["rank"]) == [1, 2, 3]
    idx = b.result.index
    assert pr.index[0] == idx[members].idxmax()

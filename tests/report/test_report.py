"""The HTML report on COINr's ASEM example: content, escaping, provenance, methodology, figures."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from innoscope import CrossSection, build
from innoscope.report import build_report, model, report_figures

pytestmark = pytest.mark.slow  # end-to-end runs and fuzzing: make test-fast skips them

SPEC = ["denominate", "normalise", "aggregate"]
XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def result(asem):
    fw, cs = asem
    return build(fw, cs, SPEC)


@pytest.fixture(scope="module")
def html_en(result):
    return build_report(result, lang="en", compare=("CHN", "JPN"))


def _rows(html: str, table_id: str) -> list[str]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)


def test_report_is_self_contained(html_en):
    assert html_en.startswith("<!DOCTYPE html>")
    # no external script, stylesheet, font or image
    assert not re.search(r"<script[^>]+src=", html_en)
    assert not re.search(r"<link[^>]+href=\"(?!data:)", html_en)
    assert "@font-face" not in html_en and "@import" not in html_en
    assert "cdn.plot.ly" not in html_en.split("</head>")[1]
    # Plotly's bundle is inline in the head
    head = html_en.split("</head>")[0]
    assert "Plotly" in head and len(head) > 1_000_000


def _hand_index(data_dir) -> pd.Series:
    """Denominate, min-max to [0, 100] with directions, weighted means level by level: numpy by hand."""
    meta = pd.read_csv(data_dir / "ASEM_iMeta.csv")
    idata = pd.read_csv(data_dir / "ASEM_iData.csv").set_index("uCode")
    ind = meta[meta["Type"] == "Indicator"]
    cols = {}
    for r in ind.itertuples():
        x = idata[r.iCode].to_numpy(float)
        if isinstance(r.Denominator, str):
            x = x / idata[r.Denominator].to_numpy(float)
        x = x * r.Direction
        cols[r.iCode] = (x - np.nanmin(x)) / (np.nanmax(x) - np.nanmin(x)) * 100
    vals = dict(cols)
    for level in (2, 3, 4):
        for r in meta[(meta["Type"] == "Aggregate") & (meta["Level"] == level)].itertuples():
            kids = meta[meta["Parent"] == r.iCode]
            X = np.column_stack([vals[k] for k in kids["iCode"]])
            w = kids["Weight"].to_numpy(float)
            wp = np.where(np.isnan(X), 0, w)
            vals[r.iCode] = (np.nan_to_num(X) * w).sum(axis=1) / wp.sum(axis=1)
    return pd.Series(vals["Index"], index=idata.index)


def test_ranking_rows_in_rank_order(html_en):
    from tests.conftest import REF

    expected = _hand_index(REF / "data").sort_values(ascending=False)
    codes = re.findall(
        r'<tr data-code="([^"]+)"', html_en.split('id="ranking-table"')[1].split("</table>")[0]
    )
    assert codes == list(expected.index)
    first = _rows(html_en, "ranking-table")[1]
    assert f">{expected.iloc[0]:.2f}<" in first


def test_sections_present(html_en):
    for sec in ("ranking", "framework", "pillars", "comparison", "profiles", "audit", "data", "methodology"):
        assert f'<section id="{sec}">' in html_en
    assert html_en.count('class="profile"') == 51


def test_comparison_leaders(html_en, result):
    rows = _rows(html_en, "comparison-table")[1:]
    codes = [result.framework.root, *model.pillar_codes(result)]
    assert len(rows) == len(codes)
    agg = result.aggregated
    for row, code in zip(rows, codes, strict=True):
        a, b = agg.loc["CHN", code], agg.loc["JPN", code]
        leader = "China" if a > b else "Japan"
        assert row.rstrip().endswith(f">{leader}</td>"), (code, row)
    n_chn = sum(agg.loc["CHN", c] > agg.loc["JPN", c] for c in codes[1:])
    assert f"China leads in {n_chn} pillars, Japan in {len(codes) - 1 - n_chn}." in html_en


def test_compare_defaults_to_shenzhen_hangzhou_else_top_two(result):
    a, b = model.compare_pair(result, ("shenzhen", "hangzhou"))
    top = list(result.aggregated["Index"].sort_values(ascending=False).index[:2])
    assert [a, b] == top


def test_bilingual_labels(result, asem):
    fw = asem[0]
    fw["Conn"].name_zh = "连通性"
    try:
        zh = build_report(result, lang="zh")
        en = build_report(result, lang="en")
    finally:
        fw["Conn"].name_zh = ""
    assert "连通性" in zh and "总排名" in zh
    assert "Headline ranking" in en and "连通性" not in en.split("<main>")[1].split("<script")[0]


def test_unknown_language(result):
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        build_report(result, lang="fr")


def _xss_result(asem):
    fw, cs = asem
    names = cs.names.copy()
    names["CHE"] = XSS
    names["DNK"] = '<img src=x onerror="alert(2)">'
    cs2 = CrossSection(
        values=cs.values,
        names=names,
        groups=cs.groups,
        denominators=cs.denominators,
        source='evil"><script>alert(3)</script>.csv',
    )
    return build(fw, cs2, SPEC)


def test_user_strings_are_escaped(asem):
    html = build_report(_xss_result(asem), lang="en")
    assert XSS not in html
    assert "<img src=x" not in html and "alert(3)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # inside figure JSON, '<' is escaped so no </script> can close the element early
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, flags=re.S):
        assert "<" not in block


def test_data_table_shows_year_source_flags(asem):
    fw, cs = asem
    flags = pd.DataFrame("", index=cs.values.index, columns=cs.values.columns, dtype=object)
    years = pd.DataFrame(2019, index=cs.values.index, columns=cs.values.columns)
    flags.loc["CHN", "LPI"] = "outdated,lower_bound"
    flags.loc["JPN", "LPI"] = "imputed"
    flags.loc["KOR", "LPI"] = "conflicting"
    years.loc["CHN", "LPI"] = 2015
    prov = pd.DataFrame(
        [{"uCode": "CHN", "iCode": "LPI", "source": "World Bank LPI 2016", "excerpt": "China 3.66"}]
    )
    cs2 = CrossSection(
        values=cs.values,
        names=cs.names,
        groups=cs.groups,
        denominators=cs.denominators,
        flags=flags,
        years=years,
        source="asem.csv",
    )
    cs2.provenance = prov
    r = build(fw, cs2, SPEC)
    tab = model.provenance_table(r, "en").set_index(["entity", "indicator"])
    assert sorted(tab.loc[("CHN", "LPI"), "flags"]) == ["lower_bound", "outdated"]
    assert tab.loc[("CHN", "LPI"), "year"] == 2015 and tab.loc[("AUT", "LPI"), "year"] == 2019
    assert tab.loc[("CHN", "LPI"), "source"] == "World Bank LPI 2016"
    assert tab.loc[("AUT", "LPI"), "source"] == "asem.csv"
    missing = r.stage("Raw").isna().stack()
    e, i = missing[missing].index[0]
    assert "missing" in tab.loc[(e, i), "flags"]
    html = build_report(r, lang="en")
    row = next(x for x in _rows(html, "data-table") if "China 3.66" in x)
    assert "World Bank LPI 2016" in row and ">2015<" in row
    assert 'class="badge outdated">outdated<' in row and 'class="badge lower_bound">lower bound<' in row
    assert (
        'class="badge imputed">imputed<' in html and 'class="badge conflicting">conflicting sources<' in html
    )


def test_profile_per_capita_and_area(result):
    p = model.profile(result, "CHN", "en")
    raw = result.stage("Raw")
    den = result.data.denominators
    flights = next(v for v in p["values"] if v["code"] == "Flights")  # denominator: Population
    assert flights["value"] == pytest.approx(raw.loc["CHN", "Flights"])
    assert flights["per_capita"] == pytest.approx(raw.loc["CHN", "Flights"] / den.loc["CHN", "Population"])
    assert flights["per_km2"] == pytest.approx(raw.loc["CHN", "Flights"] / den.loc["CHN", "Area"])
    lpi = next(v for v in p["values"] if v["code"] == "LPI")  # a score: no denominator, no per-capita view
    assert np.isnan(lpi["per_capita"])
    assert len(p["strengths"]) == 3 and p["strengths"][0]["rank"] <= p["weaknesses"][0]["rank"]


def test_methodology_from_registry_docstrings(html_en):
    meth = html_en.split('<section id="methodology">')[1]
    assert "minmax" in meth and "(max x - min x)" in meth
    assert "arithmetic" in meth and "sum_j w_j x_j / sum_j w_j" in meth
    assert "divide" in meth


def test_effective_weights_sum_to_one(result):
    ew = model.effective_weights(result)
    assert ew[result.framework.indicators].sum() == pytest.approx(1.0)
    # ASEM: 2 sub-indices x equal weights; Conn has 5 pillars -> each 1/10
    assert ew["Physical"] == pytest.approx(0.1)


def test_rank_intervals_and_outrank_probability_when_given(result):
    iv = pd.DataFrame({"uCode": ["CHE", "DNK"], "q05": [1, 1], "median": [1, 2], "q95": [3, 5]})
    unc = {
        "rank_intervals": iv,
        "outrank_matrix": pd.DataFrame([[0, 0.8], [0.2, 0]], index=["CHE", "DNK"], columns=["CHE", "DNK"]),
    }
    html = build_report(result, lang="en", uncertainty=unc, compare=("CHE", "DNK"))
    assert "1–3 (1)" in html and "1–5 (2)" in html
    assert "Probability that Switzerland outranks Denmark: 80.0%" in html
    assert "rank_intervals" in report_figures(result, lang="en", uncertainty=unc, profiles=False)
    assert "No uncertainty analysis was run" in build_report(result, lang="en")


def test_correlation_heatmap_is_pearson_of_index_and_pillars(result):
    view = model.audit_view(result, "en")
    codes = [
        "Index",
        "Conn",
        "Sust",
        "Physical",
        "ConEcFin",
        "Political",
        "Instit",
        "P2P",
        "Environ",
        "Social",
        "SusEcFin",
    ]
    assert list(view.corr.columns) == codes
    X = result.aggregated[codes].to_numpy(float)
    np.testing.assert_allclose(view.corr.to_numpy(), np.corrcoef(X, rowvar=False), atol=1e-12)
    # flags: every collinear / negative pair the audit reports is listed, within its pillar
    assert {"flag", "code", "detail"} == set(view.flags.columns)
    neg = view.flags[view.flags["flag"].str.startswith("negative")]
    for r in neg.itertuples():
        a, b = r.code.split(", ")
        pillar = r.detail.rsplit(" ", 1)[1]
        assert result.framework[a].parent == result.framework[b].parent == pillar
        assert (
            np.corrcoef(result.stage("Normalised")[[a, b]].dropna().to_numpy(float), rowvar=False)[0, 1]
            < -0.4
        )


def test_comparison_explains_the_gap(result, html_en):
    """The gap table's contributions (2 decimals) add up to the index gap CHN - JPN, largest first."""
    rows = _rows(html_en, "gap-table")[1:]  # after the header row
    points = [float(re.findall(r'<td class="num">([+-][0-9.]+)</td>', r)[0]) for r in rows]
    gap = result.index["CHN"] - result.index["JPN"]
    assert len(rows) == len(result.framework.indicators)
    assert sum(points) == pytest.approx(gap, abs=0.005 * len(points))
    assert [abs(p) for p in points] == sorted((abs(p) for p in points), reverse=True)
    assert f"{gap:+.1f} points" in html_en


def test_sensitivity_section(asem):
    """With a Sobol run the report lists S1 and ST of every choice (as the library computes them) and draws
    them; without one it says so."""
    from innoscope.analysis.sensitivity import sensitivity
    from innoscope.analysis.uncertainty import default_inputs

    fw, cs = asem
    spec = ["denominate", {"normalise": {"method": "minmax", "range": [1, 100]}}, "aggregate"]
    r = build(fw, cs, spec)
    inputs = default_inputs(fw)[:1] + [default_inputs(fw)[1]]  # weights and normalisation (no geometric mean)
    sens = sensitivity(fw, cs, r.spec, inputs=inputs, n=64, seed=4, entity_output=None)
    html = build_report(r, lang="en", sensitivity=sens, compare=("CHN", "JPN"))
    rows = _rows(html, "sensitivity-table")[1:]
    assert [re.search(r"<td>(.*?)</td>", x).group(1) for x in rows] == ["Weights", "Normalisation"]
    st = [float(re.findall(r'<td class="num">([-0-9.]+) \[', x)[1]) for x in rows]
    assert st == pytest.approx(sens.table["ST"].round(2).tolist(), abs=0.006)
    assert "sensitivity" in report_figures(r, lang="en", sensitivity=sens, profiles=False)
    assert "No sensitivity analysis was run" in build_report(r, lang="en", compare=("CHN", "JPN"))
    zh = build_report(r, lang="zh", sensitivity=sens, compare=("CHN", "JPN"))
    assert [re.search(r"<td>(.*?)</td>", x).group(1) for x in _rows(zh, "sensitivity-table")[1:]] == [
        "权重",
        "标准化",
    ]


def test_in_short_summary(result, html_en):
    """The comparison opens with a few sentences; on ASEM (no flags) only coverage is counted."""
    import html as _html

    text = _html.unescape(re.sub(r"<[^>]+>", "", html_en.split('id="in-short">', 1)[1].split("</p>", 1)[0]))
    fw, agg = result.framework, result.aggregated
    ranks = agg[fw.root].rank(ascending=False, method="min")
    assert text.startswith(
        f"In short. China ranks {int(ranks['CHN'])} and Japan ranks {int(ranks['JPN'])} of 51"
    )
    assert f"the index gap is {agg.at['CHN', fw.root] - agg.at['JPN', fw.root]:+.1f} points" in text
    n_chn = int(result.data.values.loc["CHN", fw.indicators].notna().sum())
    assert (
        f"China: {n_chn} of {len(fw.indicators)} indicators have a value." in text
    )  # no flags: nothing else
    assert "P(" not in text  # no Monte Carlo was run


def test_effective_weights_follow_per_level_overrides():
    """With ``weights: equal`` at the index, the report's effective weights use 1/2 and 1/2 (the weights used)."""
    from tests.pipeline._tiny import cross_section, framework

    fw = framework({"P1": ["i1", "i2"], "P2": ["i3"]}, weights={"P1": 2.0})
    cs = cross_section({"i1": [80, 40], "i2": [60, 60], "i3": [50, 20]}, ["A", "B"])
    r = build(fw, cs, [{"aggregate": {"by_level": {3: {"weights": "equal"}}}}])
    ew = model.effective_weights(r)
    assert (ew["P1"], ew["P2"], ew["i1"], ew["i3"]) == (0.5, 0.5, 0.25, 0.5)

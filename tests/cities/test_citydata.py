"""The plain-language summary of a comparison (citydata.in_short): every figure checked against the build."""

from __future__ import annotations

import re

import pytest

from innoscope.analysis.gap import gap
from innoscope.cities.citydata import compare_cities, default_build, in_short


@pytest.fixture(scope="module")
def build():
    return default_build()


def test_in_short_states_what_the_tables_show(build):
    b = build
    cmp = compare_cities(b, "深圳", "杭州")
    text = " ".join(in_short(b, cmp, 0.997, "weights"))
    agg, fw = b.result.aggregated, b.framework
    ranks = agg[fw.root].rank(ascending=False, method="min")
    assert (
        f"深圳 ranks {int(ranks['shenzhen'])} and 杭州 ranks {int(ranks['hangzhou'])} of "
        f"{int(agg[fw.root].notna().sum())} ranked cities" in text
    )
    assert f"{agg.at['shenzhen', fw.root] - agg.at['hangzhou', fw.root]:+.1f} points" in text
    assert "P(深圳 outranks 杭州) = 0.997 when varying weights" in text
    sz_leads = [fw[p].name_en for p in fw.codes(2) if agg.at["shenzhen", p] > agg.at["hangzhou", p]]
    assert f"深圳 leads in {', '.join(sz_leads)};" in text
    # the largest part of the gap is an indicator 杭州 has no value for, and the text says so
    g = gap(b.result, "shenzhen", "hangzhou")
    top = g[g["leaf"]].assign(a=lambda d: d["contribution"].abs()).sort_values("a").iloc[-1]
    assert f"{fw[top.node].name_en} {top.contribution:+.1f} (杭州 has no value)" in text
    # outdated values counted from the cross-section's flags
    flags = b.cross_section.flags
    old = sum("outdated" in str(flags.at["hangzhou", i]) for i in fw.indicators)
    assert re.search(rf"杭州: \d of 9 indicators have a value; {old} older than {b.year}", text)
    assert "1 only from the founding article" in text  # 杭州's high-tech enterprise count (seed)


def test_in_short_with_an_unranked_city(build):
    cmp = compare_cities(build, "深圳", "南京")
    text = " ".join(in_short(build, cmp))
    assert "南京 not ranked" in text and "index gap" not in text and "P(" not in text


@pytest.mark.slow
def test_every_pair_of_cities_compares_and_summarises(build):
    """All 132 ordered pairs of the bundled cities (ranked or not): the comparison, its gap split (or why there is
    none) and the summary all work; where there is a split, it adds up to the index gap."""
    import itertools

    import numpy as np

    for a, c in itertools.permutations(build.cross_section.entities, 2):
        cmp = compare_cities(build, a, c)
        lines = in_short(build, cmp, 0.5, "weights")
        assert lines and all(line.endswith(".") for line in lines)
        gap = cmp["gap"]
        if gap["why_not"]:
            assert not np.isfinite(gap["total"]) and gap["leaves"] == []
        else:
            assert sum(r["contribution"] for r in gap["leaves"]) == pytest.approx(gap["total"], abs=1e-9)

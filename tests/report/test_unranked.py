"""Every entity is in the report: one the screen sets aside is listed under the ranking as not ranked, with the
screen's rule and its reason; the national report lists 三沙 and shows the cited layer's tables."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from innoscope import build
from innoscope.cli import main
from innoscope.report import build_report

pytestmark = pytest.mark.slow  # end-to-end report builds


def _ranking_rows(html: str) -> list[str]:
    body = html.split('id="ranking-table"', 1)[1].split("<tbody>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S)


def test_a_screened_entity_is_listed_as_not_ranked_with_the_rule_and_reason(asem):
    fw, cs = asem
    values = cs.values.copy()
    values.loc["CHN", :] = np.nan  # China without a single value: under any availability threshold
    data = dataclasses.replace(cs, values=values)
    result = build(fw, data, [{"screen": {"method": "byNA", "dat_thresh": 0.5}}, "normalise", "aggregate"])
    assert "CHN" not in result.index.index  # the pipeline sets it aside ...
    html = build_report(result, lang="en", compare=("JPN", "KOR"))
    rows = _ranking_rows(html)
    assert len(rows) == len(values) == 51  # ... the report does not
    last = rows[-1]
    assert 'class="unranked"' in last and ">China<" in last and "not ranked" in last
    n = len(fw.indicators)
    note = html.split('id="unranked-note">', 1)[1].split("</p>", 1)[0]
    assert "screen step (byNA, dat_thresh 0.5)" in note
    assert f"China: data availability 0.000 &lt; dat_thresh 0.5 ({n} of {n} values missing)" in note
    assert "Entities: 51" in html


def test_without_a_screen_nothing_is_listed_as_unranked(asem):
    fw, cs = asem
    html = build_report(build(fw, cs, ["normalise", "aggregate"]), lang="en", compare=("JPN", "KOR"))
    assert 'class="unranked"' not in html and 'id="unranked-note"' not in html


@pytest.fixture(scope="module")
def national_html(tmp_path_factory):
    path = tmp_path_factory.mktemp("national") / "report.html"
    assert main(["run", "--uncertainty", "0", "--sensitivity", "0", "--report", str(path)]) == 0
    return path.read_text(encoding="utf-8")


def test_national_report_lists_every_city_sansha_not_ranked(national_html):
    rows = _ranking_rows(national_html)
    assert len(rows) == 297  # every city at prefecture level and above in the yearbook
    assert (
        len(national_html.encode("utf-8")) < 8e6
    )  # with the map and the cited-layer tables: still under 8 MB
    sansha = [r for r in rows if "三沙" in r]
    assert len(sansha) == 1 and 'class="unranked"' in sansha[0] and "未排名" in sansha[0]
    assert "12 of 12 values missing" in sansha[0]  # every yearbook cell of 三沙 the framework reads is blank


def test_national_report_shows_official_vs_cited_and_the_lists(national_html):
    body = national_html.split('id="official-vs-cited-table"', 1)[1].split("</table>", 1)[0]
    hz = next(r for r in re.findall(r"<tr>(.*?)</tr>", body) if "杭州市" in r and "16,500" in r)
    assert "15,062 (2-18 C97)" in hz and "article ~2024" in hz and "another year" in hz
    sz = next(r for r in re.findall(r"<tr>(.*?)</tr>", body) if "深圳市" in r and "&gt;24,000 (2023)" in r)
    assert "blank (2-18 C212)" in sz and "<td>cited: the yearbook cell is blank" in sz
    lists = national_html.split('id="cited-lists-table"', 1)[1].split("</table>", 1)[0]
    assert "天津 18" in lists and "&gt; 20, censored (not missing)" in lists and "≤ 315" in lists

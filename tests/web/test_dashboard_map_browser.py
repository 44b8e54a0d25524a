"""The dashboard's map of China on the national data set, in headless chromium: province outlines under the city
dots, nothing fetched from another host, 杭州 found by search and by hover with its rank in every pool, colours
and names following the 'rank by' and language choices."""

from __future__ import annotations

import pytest

from innoscope.cities.national_index import national_build
from innoscope.web.app import create_app
from innoscope.web.background import serve_in_background
from innoscope.web.state import Dataset
from tests._browser import ARTIFACTS

MAP = "document.getElementById('map-chart')"


@pytest.fixture(scope="module")
def national():
    b = national_build()
    app = create_app(
        Dataset(id="national", label="national", framework=b.framework, data=b.cross_section, spec=b.spec)
    )
    with serve_in_background(app) as url:
        yield url, b


def _hangzhou_xy(page):
    return page.evaluate(
        f"""(() => {{ const gd = {MAP}, d = gd._fullData[0], L = gd._fullLayout;
        const i = d.customdata.indexOf('hangzhou');
        const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
        return [box.left + L.xaxis.l2p(d.x[i]), box.top + L.yaxis.l2p(d.y[i])]; }})()"""
    )


def test_dashboard_map_outlines_search_hover_and_choices(browser, national):
    url, b = national
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/")
    page.wait_for_function("Number(document.getElementById('status').dataset.seq) >= 1")
    page.wait_for_function(f"{MAP}.layout && ({MAP}.layout.shapes || []).length === 3")
    assert page.locator("#map-chart .layer-subplot .shapelayer path").count() == 3
    assert "浙江" in page.locator("#map-chart .main-svg").first.text_content()
    assert url + "/api/basemap?lang=zh" in requests
    ranks = b.result.all_ranks()
    rank = int(b.result.index.rank(ascending=False, method="min")["hangzhou"])
    talent = int(ranks.at["hangzhou", "talent"])
    n_talent = int(b.result.aggregated["talent"].notna().sum())

    page.fill("#map-find", "杭州")
    page.wait_for_function("document.getElementById('map-found').textContent.indexOf('杭州') >= 0")
    found = page.locator("#map-found").text_content()
    assert f"排名 {rank}/296" in found and "人才池: " in found
    assert f"排名 {talent}/{n_talent}" in found.split("人才池: ")[1]
    page.wait_for_selector("#map-chart .hoverlayer .hovertext")
    page.evaluate(f"Plotly.Fx.unhover({MAP})")
    page.wait_for_function("!document.querySelector('#map-chart .hoverlayer .hovertext')")

    page.locator("#map-chart").scroll_into_view_if_needed()
    page.mouse.move(*_hangzhou_xy(page))
    page.wait_for_selector("#map-chart .hoverlayer .hovertext")
    hover = page.locator("#map-chart .hoverlayer").text_content()
    assert "杭州" in hover and f"排名 {rank}/296" in hover
    page.locator("#map-chart").screenshot(path=str(ARTIFACTS / "dashboard_map_hangzhou.png"))

    page.select_option("#rankby", "talent")
    page.wait_for_function(f"{MAP}._fullData[0].marker.colorbar.title.text === '人才池'")
    codes = page.evaluate(f"{MAP}._fullData[0].customdata")
    colours = page.evaluate(f"{MAP}._fullData[0].marker.color")
    assert colours == pytest.approx(b.result.aggregated["talent"].reindex(codes).tolist())
    first = page.evaluate(f"{MAP}._fullData[0].text[0]")
    assert first.split("<br>")[1].startswith("人才池")  # the chosen pool first, then the others

    page.select_option("#lang", "en")
    page.wait_for_function(f"{MAP}._fullData[1] && {MAP}._fullData[1].text.indexOf('Zhejiang') >= 0")
    assert url + "/api/basemap?lang=en" in requests
    assert all(u.startswith(url) or u.split(":", 1)[0] in ("data", "blob", "about") for u in requests), (
        requests
    )
    assert errors == []
    page.close()


def test_dashboard_ranking_lists_sansha_as_not_ranked_with_the_rule(browser, national):
    """Issue 12: the report listed 三沙 (every yearbook cell blank) as 未排名; the dashboard dropped it. The rule
    is specs/national.yaml's screen step (byNA, dat_thresh 0.5), and 三沙 misses all 12 indicators."""
    url, _b = national
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/")
    page.wait_for_function("Number(document.getElementById('status').dataset.seq) >= 1")
    assert page.locator("#rank-table tbody tr").count() == 297  # every city of the yearbook
    row = page.locator("#rank-table tbody tr.unranked")
    assert row.count() == 1
    assert "三沙" in row.text_content() and "未排名" in row.text_content()
    assert "12 of 12 values missing" in row.get_attribute("title")
    note = page.locator("#unranked-note")
    assert note.is_visible()
    text = note.text_content()
    assert text.startswith("未排名（1 个）") and "byNA, dat_thresh 0.5" in text and "三沙" in text
    page.locator("#rank-table tbody tr.unranked").click()  # not a ranked city: no profile request, no error
    assert errors == []
    page.close()

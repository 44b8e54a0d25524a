"""The map of China in the national report, in headless chromium: it renders offline, every city with data is a dot
at its seat, a city can be found with its score and national rank, the menu switches to a pool."""

from __future__ import annotations

import pytest

from innoscope.cities.basemap import china
from innoscope.cities.national_index import coordinates, national_build
from innoscope.report import build_report
from tests._browser import ARTIFACTS, local_only


@pytest.fixture(scope="module")
def national_report(tmp_path_factory):
    b = national_build()
    coords = coordinates(list(b.cross_section.values.index))
    path = tmp_path_factory.mktemp("map") / "national.html"
    html = build_report(b.result, lang="zh", coordinates=coords, basemap=china())
    path.write_text(html, encoding="utf-8")
    return path, b, coords


def test_coordinates_of_every_yearbook_city_come_from_the_gazetteer(national_report):
    _, b, coords = national_report
    assert len(coords) == 297
    assert coords.loc["hangzhou"].tolist() == pytest.approx(
        [120.2, 30.3], abs=0.2
    )  # 杭州 seat, read off a map
    assert coords.loc["urumqi", "lng"] > 87 and coords.loc["sanya", "lat"] < 19


def test_national_report_profiles_the_top_cities_and_the_pair(national_report):
    path, b, _ = national_report
    html = path.read_text(encoding="utf-8")
    assert html.count('class="profile"') == 60  # of 296 ranked: the report stays one file under 8 MB
    assert path.stat().st_size < 8e6 and '<section id="map">' in html


def _open_map(browser, path):
    """A page on the report scrolled to its drawn map, with the list of URLs it requests and its script errors."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.innoscopeRendered === true")
    page.locator("#map").scroll_into_view_if_needed()
    page.wait_for_selector('#map .fig[data-done="1"] .main-svg')
    return page, requests, errors


def test_map_renders_offline_and_finds_a_city(browser, national_report):
    path, b, _ = national_report
    page, requests, errors = _open_map(browser, path)
    assert requests and all(local_only(u) for u in requests), [u for u in requests if not local_only(u)]
    fig = "document.querySelector('#map .fig')"
    n_points = page.evaluate(f"{fig}._fullData[0].x.length")
    assert n_points == len(b.result.aggregated)  # 296 ranked cities (三沙 is screened out)
    assert page.locator("#map .main-svg").first.text_content().count("杭州") >= 1  # a labelled top city
    find = "(d => d.hovertext[d.customdata.findIndex(c => c[0] === 'hangzhou')])"
    hover = page.evaluate(f"{find}({fig}._fullData[0])")
    rank = int(b.result.index.rank(ascending=False, method="min")["hangzhou"])
    assert "杭州" in hover and f"排名 {rank}/296" in hover and "人才池" in hover
    before = page.evaluate(f"{fig}._fullData[0].marker.color.slice(0, 5)")
    page.locator("#map .updatemenu-header-group").click()
    page.locator("#map .updatemenu-item-text", has_text="人才池").click()
    page.wait_for_function(f"{fig}._fullData[0].marker.colorbar.title.text === '人才池'")
    after = page.evaluate(f"{fig}._fullData[0].marker.color.slice(0, 5)")
    assert after != before
    talent = b.result.aggregated["talent"].reindex(
        [c[0] for c in page.evaluate(f"{fig}._fullData[0].customdata")]
    )
    assert after == pytest.approx(talent.to_numpy()[:5].tolist())
    assert errors == []
    page.locator("#map").screenshot(path=str(ARTIFACTS / "report_map.png"))
    page.close()


def test_map_draws_provinces_and_finds_hangzhou_by_search_and_by_hover(browser, national_report):
    path, b, _ = national_report
    page, requests, errors = _open_map(browser, path)
    shapes = page.locator("#map .layer-subplot .shapelayer path")  # shapes below the traces
    assert shapes.count() == 3  # land, province borders, coast and national border
    assert "浙江" in page.locator("#map .main-svg").first.text_content()
    rank = int(b.result.index.rank(ascending=False, method="min")["hangzhou"])

    page.fill("#map-find", "杭州")
    page.wait_for_function("document.getElementById('map-found').textContent.indexOf('杭州') >= 0")
    found = page.locator("#map-found").text_content()
    assert f"排名 {rank}/296" in found and "人才池" in found
    page.wait_for_selector("#map .hoverlayer .hovertext")
    assert "杭州" in page.locator("#map .hoverlayer").text_content()

    fig = "document.querySelector('#map .fig')"
    page.evaluate(f"Plotly.Fx.unhover({fig})")
    page.wait_for_function("!document.querySelector('#map .hoverlayer .hovertext')")
    page.evaluate(f"{fig}.scrollIntoView({{block: 'center'}})")  # the whole plot inside the 900 px viewport
    x, y = page.evaluate(
        f"""(() => {{ const gd = {fig}, d = gd._fullData[0], L = gd._fullLayout;
        const i = d.customdata.findIndex(c => c[0] === 'hangzhou');
        const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
        return [box.left + L.xaxis.l2p(d.x[i]), box.top + L.yaxis.l2p(d.y[i])]; }})()"""
    )
    page.mouse.move(x, y)
    page.wait_for_selector("#map .hoverlayer .hovertext")
    hover = page.locator("#map .hoverlayer").text_content()
    assert "杭州" in hover and f"排名 {rank}/296" in hover
    assert requests and all(local_only(u) for u in requests), [u for u in requests if not local_only(u)]
    assert errors == []
    page.locator("#map").screenshot(path=str(ARTIFACTS / "report_map_hangzhou.png"))
    page.close()

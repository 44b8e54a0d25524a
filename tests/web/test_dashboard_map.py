"""The dashboard's map on the national data set, in headless chromium: it renders offline, one dot per ranked city at
its seat, a city can be found with its score and rank, and it follows the 'rank by' choice."""

from __future__ import annotations

import pytest

from innoscope.cities.national_index import national_build
from innoscope.web.app import create_app
from innoscope.web.background import serve_in_background
from innoscope.web.state import Dataset
from tests._browser import ARTIFACTS


@pytest.fixture(scope="module")
def national():
    b = national_build()
    app = create_app(
        Dataset(id="national", label="national", framework=b.framework, data=b.cross_section, spec=b.spec)
    )
    with serve_in_background(app) as url:
        yield url, b


def test_dashboard_map_renders_offline_and_finds_a_city(browser, national):
    url, b = national
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/")
    page.wait_for_function("Number(document.getElementById('status').dataset.seq) >= 1")
    page.wait_for_selector("#map-chart .main-svg")
    assert all(u.startswith(url) or u.split(":", 1)[0] in ("data", "blob", "about") for u in requests), (
        requests
    )
    n = page.evaluate("document.getElementById('map-chart')._fullData[0].x.length")
    assert n == int(b.result.index.notna().sum()) == 296
    find = "(d => d.text[d.customdata.indexOf('hangzhou')])"
    hover = page.evaluate(f"{find}(document.getElementById('map-chart')._fullData[0])")
    rank = int(b.result.index.rank(ascending=False, method="min")["hangzhou"])
    assert "杭州" in hover and f"{rank}/296" in hover
    page.select_option("#rankby", "talent")
    page.wait_for_function("document.getElementById('map-chart')._fullData[0].text[0].indexOf('人才池') >= 0")
    assert errors == []
    page.locator("#map-chart").screenshot(path=str(ARTIFACTS / "dashboard_map.png"))
    page.close()

"""The dashboard in headless chromium: sliders move the ranking exactly as innoscope.build does,
a malformed upload shows its error, hostile names show as text, and nothing leaves the machine."""

from __future__ import annotations

import pytest

from innoscope import Framework, PipelineSpec, build
from innoscope.web.app import create_app
from innoscope.web.background import serve_in_background
from innoscope.web.state import Dataset
from tests._browser import ARTIFACTS

SPEC = ["denominate", "normalise", "aggregate"]
XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def server(asem):
    fw, cs = asem
    app = create_app(
        Dataset(
            id="asem",
            label="ASEM",
            framework=fw,
            data=cs,
            spec=PipelineSpec.from_obj(SPEC),
            compare=("CHN", "JPN"),
        )
    )
    with serve_in_background(app) as url:
        yield url


@pytest.fixture
def page(browser, server):
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    pg.requests, pg.dialogs, pg.errors = [], [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(server + "/")
    _wait(pg, 1)
    yield pg
    pg.close()


def _wait(pg, seq: int) -> None:
    pg.wait_for_function(f"Number(document.getElementById('status').dataset.seq) >= {seq}")


def _order(pg) -> list[str]:
    return pg.eval_on_selector_all("#rank-table tbody tr", "rs => rs.map(r => r.dataset.code)")


def _reweighted(fw: Framework, weights: dict[str, float]) -> Framework:
    nodes = [n.model_copy(update={"weight": weights.get(n.id, n.weight)}) for n in fw.nodes]
    return Framework(nodes=nodes, denominators=fw.denominators, groups=fw.groups)


def test_weight_slider_reorders_as_build(page, server, asem):
    fw, cs = asem
    assert _order(page) == list(build(fw, cs, SPEC).ranking().index)
    seq = int(page.locator("#status").get_attribute("data-seq"))
    page.locator("#w-Sust").fill("0")
    _wait(page, seq + 1)
    expected = list(build(_reweighted(fw, {"Sust": 0.0}), cs, SPEC).ranking().index)
    assert _order(page) == expected
    assert expected != list(build(fw, cs, SPEC).ranking().index)  # the slider really changed the order
    seq = int(page.locator("#status").get_attribute("data-seq"))
    page.locator("#w-Sust").fill("2.5")
    page.locator("#w-Physical").fill("4")
    _wait(page, seq + 1)
    page.wait_for_timeout(200)
    _wait(page, int(page.locator("#status").get_attribute("data-seq")))
    expected = list(build(_reweighted(fw, {"Sust": 2.5, "Physical": 4.0}), cs, SPEC).ranking().index)
    assert _order(page) == expected
    assert page.locator("#status").get_attribute("data-state") == "ok"
    assert page.locator("#cmp-table tbody tr").count() == 11
    assert page.locator("#rank-chart .main-svg").count() > 0
    assert all(u.startswith(server) or u.startswith(("data:", "blob:", "about:")) for u in page.requests)
    assert page.errors == []
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"))


def test_malformed_upload_shows_error(page):
    page.set_input_files(
        "#upload-file",
        files=[
            {
                "name": "broken.csv",
                "mimeType": "text/csv",
                "buffer": b"uCode,uName,LPI\nA,Alpha,three\nB,Beta,4\n",
            }
        ],
    )
    page.click("#upload-btn")
    err = page.locator("#upload-error")
    err.wait_for(state="visible")
    assert "not in the data" in err.inner_text() or "not a number" in err.inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard_upload_error.png"))


def test_uploaded_hostile_name_shows_as_text(page, asem):
    fw, cs = asem
    df = cs.to_idata().iloc[0:51:2].copy()
    first = df["uCode"].iloc[0]
    df.loc[df.index[0], "uName"] = XSS
    page.set_input_files(
        "#upload-file",
        files=[{"name": "xss.csv", "mimeType": "text/csv", "buffer": df.to_csv(index=False).encode()}],
    )
    seq = int(page.locator("#status").get_attribute("data-seq"))
    page.click("#upload-btn")
    _wait(page, seq + 1)
    page.wait_for_function("document.getElementById('dataset').value.startsWith('upload-')")
    _wait(page, int(page.locator("#status").get_attribute("data-seq")))
    cell = page.locator(f'#rank-table tbody tr[data-code="{first}"] .entity-name')
    assert cell.inner_text() == XSS and cell.is_visible()
    assert page.dialogs == [] and page.errors == []
    assert len(_order(page)) == len(df)


def _unc_wait(pg, seq: int) -> None:
    pg.wait_for_function(f"Number(document.getElementById('unc-note').dataset.seq) >= {seq}")


def _intervals(pg) -> dict[str, str]:
    return dict(
        pg.eval_on_selector_all(
            "#unc-table tbody tr",
            "rs => rs.map(r => [r.dataset.code, r.querySelector('.interval').textContent])",
        )
    )


def _library_intervals(fw, cs) -> dict[str, str]:
    from innoscope.analysis.uncertainty import uncertainty_any_design

    res, _ = uncertainty_any_design(fw, cs, PipelineSpec.from_obj(SPEC), n=1000, seed=1, pairs=["CHN", "JPN"])
    return {r.uCode: f"{r.q05:.0f}–{r.q95:.0f}" for r in res.rank_stats().itertuples() if r.q05 == r.q05}


def test_how_sure_panel_shows_the_library_intervals_and_follows_the_sliders(page, asem):
    fw, cs = asem
    page.click("#unc-run")
    _unc_wait(page, 1)
    assert _intervals(page) == _library_intervals(fw, cs)
    assert "P(" in page.locator("#unc-prob").inner_text() or "概率" in page.locator("#unc-prob").inner_text()
    useq = int(page.locator("#unc-note").get_attribute("data-seq"))
    page.locator("#w-Sust").fill("0")
    _unc_wait(page, useq + 1)
    page.wait_for_timeout(300)
    _unc_wait(page, int(page.locator("#unc-note").get_attribute("data-seq")))
    assert _intervals(page) == _library_intervals(_reweighted(fw, {"Sust": 0.0}), cs)
    assert page.locator("#unc-chart .main-svg").count() > 0 and page.errors == []
    page.screenshot(path=str(ARTIFACTS / "dashboard_uncertainty.png"), full_page=True)


@pytest.fixture(scope="module")
def cities_server():
    from innoscope.cli.report import load_inputs

    fw, cs, spec = load_inputs(None, None, None, None)
    app = create_app(Dataset(id="cities", label="three_pools", framework=fw, data=cs, spec=spec))
    with serve_in_background(app) as url:
        yield url


@pytest.fixture
def city_page(browser, cities_server):
    """The dashboard on the bundled cities, loaded; page errors collected in ``errors``."""
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(cities_server + "/")
    _wait(pg, 1)
    yield pg
    assert pg.errors == []
    pg.close()


def test_language_switch_renames_the_cities(city_page):
    pg = city_page
    name = 'tr[data-code="shenzhen"] .entity-name'
    assert pg.locator(f"#rank-table {name}").inner_text() == "深圳"
    seq = int(pg.locator("#status").get_attribute("data-seq"))
    pg.select_option("#lang", "en")
    _wait(pg, seq + 1)
    assert pg.locator(f"#rank-table {name}").inner_text() == "Shenzhen"
    assert (
        pg.locator("#cmp-ha").inner_text() == "Shenzhen" and pg.locator("#cmp-hb").inner_text() == "Hangzhou"
    )
    assert "Xi'an" in pg.locator("#entities").text_content()  # inside a closed <details>


def test_clicking_a_city_shows_its_profile_with_sources(city_page):
    pg = city_page
    pg.click('#rank-table tr[data-code="hangzhou"]')
    pg.wait_for_function("document.getElementById('prof-head').dataset.code === 'hangzhou'")
    assert pg.locator("#prof-head").inner_text().startswith("杭州")
    assert pg.locator("#prof-values tbody tr").count() == 9
    unicorns = pg.locator('#prof-values tr[data-code="unicorns"] td')
    assert unicorns.nth(1).inner_text().startswith("19") and unicorns.nth(2).inner_text() == "2024"
    assert "独角兽" in unicorns.nth(4).inner_text()  # 《中国独角兽企业发展报告(2024年)》
    pg.select_option("#prof-e", "shenzhen")
    pg.wait_for_function("document.getElementById('prof-head').dataset.code === 'shenzhen'")
    hte = pg.locator('#prof-values tr[data-code="high_tech_enterprises"] td')
    assert hte.nth(1).inner_text() == "24000 家" and hte.nth(2).inner_text() == "2023"
    assert "lower_bound" in hte.nth(3).inner_text() and "超2.4万家" in hte.nth(4).get_attribute("title")


def test_which_choice_matters_panel(city_page):
    pg = city_page
    pg.click("#sa-run")
    pg.wait_for_function("Number(document.getElementById('sa-note').dataset.seq) >= 1")
    inputs = pg.eval_on_selector_all("#sa-table tbody tr", "rs => rs.map(r => r.dataset.input)")
    assert inputs == ["Weights", "Normalisation", "Aggregation"]
    assert (
        pg.locator('#sa-table tr[data-input="Weights"] td').first.inner_text() == "权重"
    )  # the page is in Chinese
    assert pg.locator("#sa-ha").inner_text() == "ST 深圳" and pg.locator("#sa-chart .main-svg").count() > 0
    assert "1280" in pg.locator("#sa-note").inner_text()

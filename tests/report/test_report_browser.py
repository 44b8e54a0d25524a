"""The report in headless chromium: offline (every request local), ranking and comparison visible, XSS inert."""

from __future__ import annotations

import pytest

from innoscope import CrossSection, build
from innoscope.report import build_report
from tests._browser import ARTIFACTS, local_only

SPEC = ["denominate", "normalise", "aggregate"]
XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def report_file(asem, tmp_path_factory):
    fw, cs = asem
    names = cs.names.copy()
    names["CHE"] = XSS  # the top entity: its name is in the first ranking row and in the comparison
    cs2 = CrossSection(
        values=cs.values, names=names, groups=cs.groups, denominators=cs.denominators, source=cs.source
    )
    result = build(fw, cs2, SPEC)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(build_report(result, lang="zh", compare=("CHE", "CHN")), encoding="utf-8")
    return path, result


def test_report_offline_ranking_comparison_and_xss(browser, report_file):
    path, result = report_file
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    requests, dialogs, errors = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.innoscopeRendered === true")
    page.wait_for_selector('#ranking .fig[data-done="1"] .main-svg')
    # every request stayed on the machine
    assert requests and all(local_only(u) for u in requests), [u for u in requests if not local_only(u)]
    # the headline ranking, in the engine's order, with the hostile name shown as text
    order = list(result.ranking().index)
    codes = page.eval_on_selector_all("#ranking-table tbody tr", "rs => rs.map(r => r.dataset.code)")
    assert codes == order
    first = page.locator("#ranking-table tbody tr").first
    assert first.locator(".entity-name").inner_text() == XSS
    assert page.get_by_text(XSS, exact=True).first.is_visible()
    # the comparison: both names and a leader per row
    page.locator("#comparison").scroll_into_view_if_needed()
    page.wait_for_selector('#comparison .fig[data-done="1"] .main-svg')
    summary = page.locator("#comparison-summary").inner_text()
    assert XSS in summary and "China" in summary
    assert page.locator("#comparison-table tbody tr").count() == 1 + 10
    # the hostile name in the Plotly figure shows as text as well
    assert XSS in page.locator("#ranking .fig .main-svg").first.text_content()
    assert dialogs == [] and errors == []
    page.screenshot(path=str(ARTIFACTS / "report.png"))
    page.locator("#comparison").screenshot(path=str(ARTIFACTS / "report_comparison.png"))
    page.close()


def test_static_figures_via_chromium(browser, asem, tmp_path):
    from innoscope.report.export import write_figures

    fw, cs = asem
    files, note = write_figures(
        build(fw, cs, SPEC), tmp_path, lang="en", static=("svg", "png"), browser=browser, profiles=False
    )
    assert note is None
    names = {p.name for p in files}
    for stem in ("ranking", "framework", "comparison", "comparison_radar", "correlation", "pillar_Conn"):
        assert {f"{stem}.html", f"{stem}.svg", f"{stem}.png"} <= names
    assert not any(n.startswith("profile_") for n in names)
    svg = (tmp_path / "comparison.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Switzerland" in svg
    assert (tmp_path / "ranking.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (tmp_path / "ranking.html").read_text(encoding="utf-8")
    assert 'src="plotly.min.js"' in html and "cdn" not in html

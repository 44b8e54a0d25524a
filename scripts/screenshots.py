"""README screenshots from the bundled city data: docs/report.png, docs/dashboard.png,
docs/dashboard_explain.png (the gap decomposition and a city profile) and docs/dashboard_how_sure.png
(rank intervals and Sobol indices).

Uses Debian's chromium through Playwright's Python package (never ``playwright install``).
Run: ``.venv/bin/python scripts/screenshots.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from innoscope.cli import main
from innoscope.cli.report import load_inputs
from innoscope.report.export import CHROMIUM, CHROMIUM_ARGS
from innoscope.web.app import create_app
from innoscope.web.background import serve_in_background
from innoscope.web.state import Dataset

ROOT = Path(__file__).resolve().parents[1]


def main_() -> None:
    docs = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        assert main(["report", "-o", str(report), "--uncertainty", "1000"]) == 0
        fw, cs, spec = load_inputs(None, None, None, None)
        app = create_app(
            Dataset(
                id="cities", label="three_pools", framework=fw, data=cs, spec=spec, compare=("深圳", "杭州")
            )
        )
        with serve_in_background(app) as url, sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = b.new_page(viewport={"width": 1300, "height": 1250})
            page.goto(report.as_uri())
            page.wait_for_selector('#ranking .fig[data-done="1"] .main-svg')
            page.wait_for_timeout(500)
            page.screenshot(path=str(docs / "report.png"))
            page = b.new_page(viewport={"width": 1300, "height": 1000})
            page.goto(url + "/")
            page.wait_for_function("Number(document.getElementById('status').dataset.seq) >= 1")
            page.locator("#w-talent").fill("3")
            page.wait_for_function("Number(document.getElementById('status').dataset.seq) >= 2")
            page.wait_for_timeout(300)
            page.screenshot(path=str(docs / "dashboard.png"))
            page.click("#unc-run")
            page.wait_for_function("Number(document.getElementById('unc-note').dataset.seq) >= 1")
            page.click("#sa-run")
            page.wait_for_function("Number(document.getElementById('sa-note').dataset.seq) >= 1")
            page.click('#rank-table tr[data-code="hangzhou"]')
            page.wait_for_function("document.getElementById('prof-head').dataset.code === 'hangzhou'")
            page.wait_for_timeout(300)
            page.evaluate("window.scrollTo(0, 0)")
            end = page.locator("#unc").bounding_box()
            page.set_viewport_size({"width": 1300, "height": int(end["y"] + end["height"] + 20)})
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(300)
            for name, first, last in (
                ("dashboard_explain.png", "#gap-title", "#profile"),
                ("dashboard_how_sure.png", "#unc", "#unc"),
            ):
                top = page.locator(first).bounding_box()
                bottom = page.locator(last).bounding_box()
                page.screenshot(
                    path=str(docs / name),
                    clip={
                        "x": 300,
                        "y": top["y"] - 10,
                        "width": 1000,
                        "height": bottom["y"] + bottom["height"] - top["y"] + 20,
                    },
                )
            b.close()
    print(
        "wrote docs/report.png, docs/dashboard.png, docs/dashboard_explain.png, docs/dashboard_how_sure.png"
    )


if __name__ == "__main__":
    main_()

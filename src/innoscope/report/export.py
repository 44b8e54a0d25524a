"""Export the report's figures one by one: an HTML file per figure, and SVG/PNG where possible.

Static images: Plotly's own exporter (kaleido) is not in the dependency set and needs a Chrome
it downloads, which cannot work offline. Instead the system Chromium (``/usr/bin/chromium``,
driven by Playwright's Python package, never ``playwright install``) runs Plotly.js'
``Plotly.toImage`` on each figure. Without Chromium or Playwright, static export is skipped
with a message and the HTML files are still written.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from innoscope.pipeline.result import Result
from innoscope.report.html import PLOTLY_CONFIG, plotly_js, report_figures

CHROMIUM = os.environ.get("INNOSCOPE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def safe_name(name: str) -> str:
    """A file name from a figure name (entity codes come from user files)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "figure"


def write_figures(
    result: Result,
    outdir: str | Path,
    *,
    lang: str = "zh",
    uncertainty: Any = None,
    compare: tuple[str, str] = ("shenzhen", "hangzhou"),
    static: tuple[str, ...] = ("svg", "png"),
    browser: Any = None,
    profiles: bool = True,
    sensitivity: Any = None,
) -> tuple[list[Path], str | None]:
    """Write every figure to ``outdir``; return the files and a note if static export was skipped.

    ``browser``: an open Playwright browser to reuse (else the system Chromium is launched);
    ``profiles``: also one radar per entity.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    figs = report_figures(
        result,
        lang=lang,
        uncertainty=uncertainty,
        compare=compare,
        profiles=profiles,
        sensitivity=sensitivity,
    )
    (out / "plotly.min.js").write_text(plotly_js(), encoding="utf-8")
    written = [out / "plotly.min.js"]
    for name, fig in figs.items():
        p = out / f"{safe_name(name)}.html"
        fig.write_html(p, include_plotlyjs="plotly.min.js", full_html=True, config=PLOTLY_CONFIG)
        written.append(p)
    note = None
    if static:
        try:
            written += render_static(figs, out, static, browser=browser)
        except StaticExportUnavailable as e:
            note = str(e)
    return written, note


class StaticExportUnavailable(RuntimeError):
    """Chromium or Playwright is missing: static images cannot be rendered offline."""


def render_static(
    figs: dict[str, go.Figure],
    outdir: Path,
    formats: tuple[str, ...] = ("svg", "png"),
    scale: float = 2.0,
    browser: Any = None,
) -> list[Path]:
    """SVG/PNG of each figure via ``Plotly.toImage`` in headless Chromium."""
    if browser is not None:
        return _render(browser, figs, outdir, formats, scale)
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        raise StaticExportUnavailable(
            f"static figures skipped: no Chromium at {CHROMIUM} "
            "(install Debian's chromium; kaleido is not used because it downloads Chrome)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise StaticExportUnavailable(
            "static figures skipped: the playwright Python package is not installed "
            "(pip install playwright; never `playwright install`)"
        ) from None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return _render(browser, figs, outdir, formats, scale)
        finally:
            browser.close()


def _render(
    browser: Any, figs: dict[str, go.Figure], outdir: Path, formats: tuple[str, ...], scale: float
) -> list[Path]:
    written = []
    page = browser.new_page()
    try:
        page.set_content("<html><body><div id='g'></div></body></html>")
        page.add_script_tag(content=plotly_js())
        for name, fig in figs.items():
            spec = pio.to_json(fig, validate=False)
            w = int(fig.layout.width or 900)
            h = int(fig.layout.height or 450)
            for fmt in formats:
                url = page.evaluate(
                    "([s, f, w, h, k]) => Plotly.toImage(JSON.parse(s), {format: f, width: w, height: h, scale: k})",
                    [spec, fmt, w, h, scale if fmt == "png" else 1],
                )
                p = outdir / f"{safe_name(name)}.{fmt}"
                head, _, body = url.partition(",")
                if ";base64" in head:
                    p.write_bytes(base64.b64decode(body))
                else:
                    from urllib.parse import unquote

                    p.write_text(unquote(body), encoding="utf-8")
                written.append(p)
    finally:
        page.close()
    return written

"""Map of China (issue 12, item 6): what the province outlines cost the national report and the dashboard.

Cases, in one process and one run:
  * the national report (297 cities, no uncertainty or sensitivity, as the browser tests build it) with the map
    drawn over the bundled outlines, against the same report with the dots alone (the baseline): file size,
    size of the map figure's JSON, and build time (median of R builds after a warm-up);
  * reading the bundled outline file (``innoscope.cities.basemap.china``; median of R cold reads, the cache
    cleared each time);
  * ``GET /api/basemap`` as the dashboard fetches it once per language: body size.

Usage: python benchmarks/basemap.py [--repeats R] [--out benchmarks/results/basemap.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def _timed(fn, repeats: int) -> tuple[float, object]:
    out = fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _map_bytes(html: str) -> int:
    m = re.search(r'<script type="application/json" id="fig-map">(.*?)</script>', html, re.S)
    return len(m.group(1).encode()) if m else 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "basemap.md"))
    args = ap.parse_args()

    from innoscope.cities.basemap import china
    from innoscope.cities.national_index import coordinates, national_build
    from innoscope.report import build_report
    from innoscope.web.routes.pages import _basemap_json

    load0 = os.getloadavg()[0]
    b = national_build()
    coords = coordinates(list(b.cross_section.values.index))
    dots_t, dots = _timed(lambda: build_report(b.result, lang="zh", coordinates=coords), args.repeats)
    full_t, full = _timed(
        lambda: build_report(b.result, lang="zh", coordinates=coords, basemap=china()), args.repeats
    )

    def cold() -> object:
        china.cache_clear()
        return china()

    read_t, bm = _timed(cold, args.repeats)
    api = _basemap_json("zh").encode()
    load1 = os.getloadavg()[0]
    size = (ROOT / "src" / "innoscope" / "data" / "geo" / "china.json").stat().st_size
    mb = 1e6
    rows = [
        ("national report, dots only (baseline)", f"{len(dots.encode()) / mb:.2f} MB", f"{dots_t:.2f} s", ""),
        (
            "national report, dots over province outlines",
            f"{len(full.encode()) / mb:.2f} MB",
            f"{full_t:.2f} s",
            f"{len(full.encode()) / len(dots.encode()):.3f}x size, {full_t / dots_t:.2f}x time of the baseline",
        ),
        (
            "map figure JSON in the report (outlines / dots only)",
            f"{_map_bytes(full) / 1e3:.0f} KB / {_map_bytes(dots) / 1e3:.0f} KB",
            "",
            "",
        ),
        (
            "bundled outline file `data/geo/china.json`",
            f"{size / 1e3:.0f} KB",
            f"{read_t * 1e3:.1f} ms",
            "cold read",
        ),
        ("`GET /api/basemap` body (once per language)", f"{len(api) / 1e3:.0f} KB", "", ""),
    ]
    lines = [
        "## Map of China (issue 12, item 6): what the province outlines cost",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {_git()}; machine: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}; load average (1 min) {load0:.1f} before, "
        f"{load1:.1f} after (the machine is shared: wall times under load). Method: `benchmarks/basemap.py` "
        f"(docstring), median of {args.repeats}. {len(bm.regions)} regions, {sum(len(a) for a in bm.arcs)} points.",
        "",
        "| case | size | wall | note |",
        "|---|---|---|---|",
        *[f"| {a} | {s} | {w} | {n} |" for a, s, w, n in rows],
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

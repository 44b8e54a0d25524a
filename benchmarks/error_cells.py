"""Error-cell look benchmark: what finding error cells costs ``read_excel`` on yearbook tables (.xlsx, .xls).

python-calamine reads an error cell (``#REF!``, ``#DIV/0!``) as empty text, so ``ingest/errorcells.py`` looks
again at a sheet in which calamine reports an empty cell: for .xlsx a byte search of the worksheet XML (openpyxl
only when it holds ``t="e"``), for .xls xlrd reads the sheet. Input: the yearbook tables bundled in the package
(``src/innoscope/data/yearbook2024/tables``, .xlsx as published, none with an error cell) and an .xls copy of
each first sheet written with xlwt (the dev dependency; same cells, values as text or numbers). Every sheet
has empty cells, so each one is looked at again: this is the cost's upper end.

Timed: ``read_excel_bytes`` of every file, with the look (as shipped) and without it (``error_cells``
replaced by a function returning no cells), alternating, in one process; median and min of R repeats of the
whole set, ``uptime`` before and after.

Usage: python benchmarks/error_cells.py [--repeats R] [--out benchmarks/results/error_cells.md]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import xlwt
from python_calamine import CalamineWorkbook

from innoscope.ingest import excel

ROOT = Path(__file__).resolve().parents[1]
TABLES = ROOT / "src" / "innoscope" / "data" / "yearbook2024" / "tables"


def as_xls(data: bytes) -> bytes:
    """The first sheet's cells and merged ranges (calamine) written as an .xls with xlwt."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    grid = sheet.to_python(skip_empty_area=False)
    merged = {}
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        ws.merge(r0, r1, c0, c1)
        merged.update({(r, c): (r, c) == (r0, c0) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)})
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v != "" and merged.get((r, c), True):
                ws.write(r, c, v if isinstance(v, int | float | str) else str(v))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_all(files: list[tuple[str, bytes]]) -> float:
    t0 = time.perf_counter()
    for name, data in files:
        excel.read_excel_bytes(data, name)
    return time.perf_counter() - t0


def timed(files: list[tuple[str, bytes]], repeats: int) -> tuple[list[float], list[float]]:
    """(with the look, without it) seconds per repeat, alternating."""
    shipped = excel.error_cells
    with_look, without = [], []
    read_all(files)
    for _ in range(repeats):
        with_look.append(read_all(files))
        excel.error_cells = lambda *_: {}  # type: ignore[assignment]
        try:
            without.append(read_all(files))
        finally:
            excel.error_cells = shipped
    return with_look, without


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "error_cells.md"))
    args = ap.parse_args()
    xlsx = [(p.name, p.read_bytes()) for p in sorted(TABLES.glob("*.xlsx"))]
    xls = [(n.replace(".xlsx", ".xls"), as_xls(d)) for n, d in xlsx]
    before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    rows = []
    for label, files in ((f"{len(xlsx)} .xlsx as published", xlsx), (f"{len(xls)} .xls copies (xlwt)", xls)):
        on, off = timed(files, args.repeats)
        rows.append(
            f"| {label} | {statistics.median(on) * 1e3:.1f} ({min(on) * 1e3:.1f}) ms "
            f"| {statistics.median(off) * 1e3:.1f} ({min(off) * 1e3:.1f}) ms "
            f"| {statistics.median(on) / statistics.median(off):.2f}x |"
        )
    after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    text = f"""## Error cells: the cost of looking again (.xlsx, .xls)

Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {os.cpu_count()} CPUs ({platform.processor() or "x86_64"}),
Python {platform.python_version()}. Shared machine: `uptime` before: `{before}`; after: `{after}`.

Method: `benchmarks/error_cells.py` (docstring): `read_excel_bytes` of every yearbook table bundled in the package,
with the error-cell look and without it, alternating in one process, {args.repeats} repeats; median (min) of the
whole set. Every sheet has an empty cell, so every sheet is looked at again (the upper end of the cost).

| files | with the look | without | ratio |
|---|---|---|---|
{chr(10).join(rows)}
"""
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

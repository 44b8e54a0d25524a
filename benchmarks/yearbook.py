"""Yearbook benchmark: every table of the China City Statistical Yearbook 2024 folder in one ``innoscope import``.

Input: a folder of the yearbook's tables as published (default ``../shared/data/yearbook2024/tables``: 37 .xlsx
files; section 1's lists of names are not tables of numbers and fail with a one-line error each). Timed: one
command, ``innoscope import`` of every table of numbers into a new DuckDB store in one transaction, as a user
runs it: names resolved through the national gazetteer (no entities seeded), ``--year 2023`` (no table says its
year: the 2024 edition reports 2023 data), ``--on-bad-cell flag`` (two tables hold OCR damage), ``--allow
share`` (table 2-1 prints 岳阳's urbanisation rate as 6239 %, which the value check rejects), ``--allow negative``
(table 2-25 prints 普洱's homes for the aged, 市辖区, as -3). Also timed:
reading all 37 files in-process (``read_table``). Baseline in the same run: ``pandas.read_excel`` of every
file's first sheet (calamine engine, no header detection, no parsing, no names, no storage).

Timing: wall time of the whole command (``subprocess``: interpreter start-up and imports included), median and
min of R repeats alternating with the baseline, ``uptime`` before and after; user+system CPU time of the command
(``resource.getrusage(RUSAGE_CHILDREN)``), less sensitive to other jobs on the machine.

Usage: python benchmarks/yearbook.py [FOLDER] [--repeats R] [--out benchmarks/results/yearbook.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from innoscope.ingest.readers import read_table
from innoscope.model.errors import DataError
from innoscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "yearbook2024" / "tables"
OPTIONS = [
    "--year",
    "2023",
    "--on-bad-cell",
    "flag",
    "--allow",
    "share",
    "--allow",
    "negative",
    "--show",
    "0",
]


def numeric_tables(folder: Path) -> tuple[list[Path], list[Path]]:
    """(tables of numbers, lists of names) among the folder's .xlsx files."""
    good, lists = [], []
    for p in sorted(folder.glob("*.xlsx")):
        try:
            read_table(p, entities=None, year=2023, on_bad_cell="flag")
            good.append(p)
        except DataError:
            lists.append(p)
    return good, lists


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def import_once(files: list[Path]) -> tuple[float, float, int]:
    """(wall s, CPU s, observations stored) of one ``innoscope import`` of ``files`` into a new store."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "y.duckdb"
        cmd = [
            str(Path(sys.executable).parent / "innoscope"),
            "import",
            *map(str, files),
            "--store",
            str(store),
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run([*cmd, *OPTIONS], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != 0:
            raise SystemExit(r.stderr)
        with Store(str(store), read_only=True) as st:
            n_obs = st.row_count()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, n_obs


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "yearbook.md")
    args = ap.parse_args()
    files = sorted(args.folder.glob("*.xlsx"))
    if not files:
        raise SystemExit(f"{args.folder}: no .xlsx files (give the yearbook's tables folder)")
    good, lists = numeric_tables(args.folder)

    def read_all() -> None:
        for p in files:
            try:
                read_table(p, entities=None, year=2023, on_bad_cell="flag")
            except DataError:
                pass

    def baseline() -> None:
        for p in files:
            pd.read_excel(p, sheet_name=0, engine="calamine")

    up_before = uptime()
    cmd, cpu, reads, base = [], [], [], []
    n_obs = 0
    for _ in range(args.repeats):
        wall, c, n_obs = import_once(good)
        cmd.append(wall)
        cpu.append(c)
        reads.append(timed(read_all))
        base.append(timed(baseline))
    up_after = uptime()
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in subprocess.run(
                ["lscpu"], capture_output=True, text=True, check=False
            ).stdout.splitlines()
            if ln.startswith("Model name")
        ),
        platform.processor(),
    )

    def row(label: str, xs: list[float]) -> str:
        return f"| {label} | {statistics.median(xs):.2f} | {min(xs):.2f} |"

    lines = [
        "## Yearbook: the China City Statistical Yearbook 2024's tables in one `innoscope import`",
        "",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {os.cpu_count()} CPUs ({model}), Python "
        f"{platform.python_version()}. The machine is shared with other jobs: `uptime` before: `{up_before}`; "
        f"after: `{up_after}`.",
        "",
        f"Input: {len(files)} .xlsx files as published ({len(good)} tables of numbers, {len(lists)} lists of "
        f"names, which the importer refuses one line each); {n_obs:,} observations stored. Command: `innoscope "
        f"import <the {len(good)} tables> --store NEW {' '.join(OPTIONS)}` (names through the national "
        "gazetteer, one transaction). Method: `benchmarks/yearbook.py` (docstring); "
        f"{args.repeats} repeats alternating the rows below; wall time in seconds.",
        "",
        "| step | median, s | min, s |",
        "|---|---|---|",
        row(f"**`innoscope import` of the {len(good)} tables, one command** (start-up included)", cmd),
        row("CPU time (user + system) of that command", cpu),
        row(f"`read_table` of all {len(files)} files in-process", reads),
        row(f"baseline: `pandas.read_excel` of all {len(files)} files (calamine, no parsing)", base),
        "",
        f"Target: under 10 s for the whole folder in one command: **{statistics.median(cmd):.1f} s** median "
        f"({statistics.median(cmd) / statistics.median(base):.1f}x the baseline's time in the same run).",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

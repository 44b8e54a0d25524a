"""Yearbook benchmark: every table of the China City Statistical Yearbook 2024 folder in one ``innoscope import``.

Input: a folder of the yearbook's tables as published (default ``../shared/data/yearbook2024/tables``: 37 .xlsx
files; section 1's six lists of names are not tables of numbers). Timed: one command, ``innoscope import``
of every numeric table (31 files) into a new DuckDB store in one transaction, ``--year 2023
--on-bad-cell flag`` (two tables hold OCR damage), the store's entities being the tables' own names (the
national gazetteer is another layer's; names are resolved the same way). Also timed: reading all 37 files
(``read_table``; the six lists fail with a one-line error each). Baseline in the same run: ``pandas.read_excel``
of every file's first sheet (calamine engine, no header detection, no parsing, no storage).

Timing: wall time of the whole command (``subprocess``), median of R repeats alternating with the baseline, and
``uptime`` before and after. Usage: python benchmarks/yearbook.py [FOLDER] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from innoscope.ingest.names import Entity, EntityTable
from innoscope.ingest.readers import read_raw, read_table
from innoscope.model.errors import DataError
from innoscope.store import Store

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "yearbook2024" / "tables"


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


def seed_store(path: Path, files: list[Path]) -> None:
    names: set[str] = set()
    for p in files:
        raw = read_raw(p)
        names |= {n.strip() for n in raw.columns[raw.names[0]].distinct if n and n.strip()}
    Store(str(path), entities=EntityTable([Entity(n, n) for n in sorted(names)])).close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    files = sorted(args.folder.glob("*.xlsx"))
    good, lists = numeric_tables(args.folder)
    print(f"uptime before: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    cmd, read_all, base = [], [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            store = Path(tmp) / "y.duckdb"
            seed_store(store, good)
            t = time.perf_counter()
            r = subprocess.run(
                [
                    str(Path(sys.executable).parent / "innoscope"),
                    "import",
                    *map(str, good),
                    "--store",
                    str(store),
                    "--year",
                    "2023",
                    "--on-bad-cell",
                    "flag",
                    "--show",
                    "0",
                ],
                capture_output=True,
                text=True,
            )
            cmd.append(time.perf_counter() - t)
            if r.returncode != 0:
                raise SystemExit(r.stderr)
            with Store(str(store), read_only=True) as st:
                n_obs = st.row_count()
        t = time.perf_counter()
        for p in files:
            try:
                read_table(p, entities=None, year=2023, on_bad_cell="flag")
            except DataError:
                pass
        read_all.append(time.perf_counter() - t)
        t = time.perf_counter()
        for p in files:
            pd.read_excel(p, sheet_name=0, engine="calamine")
        base.append(time.perf_counter() - t)
    print(f"uptime after: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print(
        f"{len(files)} files: {len(good)} tables of numbers, {len(lists)} lists of names; {n_obs} observations"
    )
    print(
        f"innoscope import of the {len(good)} tables, one command (s): median {statistics.median(cmd):.2f}, "
        f"min {min(cmd):.2f}"
    )
    print(
        f"read_table of all {len(files)} files in-process (s): median {statistics.median(read_all):.2f}, "
        f"min {min(read_all):.2f}"
    )
    print(
        f"baseline pandas.read_excel of all {len(files)} files (s): median {statistics.median(base):.2f}, "
        f"min {min(base):.2f}"
    )


if __name__ == "__main__":
    main()

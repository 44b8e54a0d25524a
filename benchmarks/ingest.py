"""Ingest benchmark: a generated 1,000,000-row long CSV in GBK with 万/亿元 values.

Full import (what is timed): ``Store(":memory:").import_file(path)``, i.e. read the bytes, hash them (sha256),
detect the encoding (charset-normalizer), split the undecoded bytes into fields (pyarrow), decode every distinct
text cell strictly, parse every value (magnitudes, units, qualifiers, missing markers; bytes that do not decode
are an error naming the row), parse years, resolve every city name through the entity table (names written as
深圳市 / 蘇州 / Xi'an ...), check (entity, indicator, year, source) duplicates, and land everything with its
provenance in DuckDB in one transaction.
Baseline (same file, same run): ``pandas.read_csv(path, encoding="gbk")`` -- decoding and splitting only,
no value parsing, validation or storage.
Parts (same run): read + parse + resolve without the store (``read_raw`` + ``to_long``), and the store alone
(``Store(":memory:").import_long`` of the already parsed table: duplicate check, context table, insert).
Before (optional, ``--before-src DIR``: a ``src`` directory of an earlier innoscope, e.g. from
``git archive <commit> src``): the same full import with that code, in a worker process fed one request per
repeat, so that it is interleaved with the other measurements.

Timing: ``time.perf_counter`` wall time and ``time.process_time`` CPU time (all threads of the process),
one warm-up of each, then R repeats alternating all measurements; median and min reported, with the output of
``uptime`` before and after (other jobs share the machine).
Ratio = baseline median time / full median time = (full rows/s) / (baseline rows/s).

Usage: python benchmarks/ingest.py [--rows N] [--repeats R] [--before-src DIR] [--out benchmarks/results/ingest.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from innoscope.ingest.readers import read_raw, read_table, to_long
from innoscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
CITIES = ["深圳市", "杭州", "北京", "上海市", "广州", "南京", "蘇州", "武汉", "成都", "合肥", "Xi'an", "重庆"]
SUFFIXES = ["万", "万", "亿元", "", "万家", "万件"]


def generate(path: Path, rows: int, seed: int = 0) -> None:
    """Long layout 城市,指标,年份,数值 in GBK; keys unique (12 cities x indicators x 25 years)."""
    rng = np.random.default_rng(seed)
    n_years = 25
    n_ind = -(-rows // (len(CITIES) * n_years))
    k = np.arange(rows)
    city = np.asarray(CITIES)[k // (n_ind * n_years)]
    ind = np.char.add("指标", np.char.zfill((k // n_years % n_ind).astype(str), 4))
    year = 2000 + k % n_years
    num = np.char.mod("%.2f", rng.integers(1, 1_000_000, rows) / 100)
    value = np.char.add(num, np.asarray(SUFFIXES)[rng.integers(0, len(SUFFIXES), rows)])
    df = pd.DataFrame({"城市": city, "指标": ind, "年份": year, "数值": value})
    df.to_csv(path, index=False, encoding="gbk")


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


BEFORE_WORKER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import innoscope
from innoscope.store import Store
print(innoscope.__file__, flush=True)
for _ in sys.stdin:
    w, c = time.perf_counter(), time.process_time()
    with Store(":memory:") as s:
        s.import_file(sys.argv[2])
    print(time.perf_counter() - w, time.process_time() - c, flush=True)
"""


class Before:
    """The full import with an earlier innoscope (``src`` directory) in a worker process, one run per call."""

    def __init__(self, src: Path, path: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", BEFORE_WORKER, str(src), str(path)], text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.module = self.proc.stdout.readline().strip()
        if not self.module.startswith(str(src)):
            raise SystemExit(f"--before-src: the worker imported {self.module}, not the code under {src}")

    def __call__(self) -> tuple[float, float]:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        w, c = self.proc.stdout.readline().split()
        return float(w), float(c)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict[str, str]:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), "")
    except OSError:
        pass
    return {"nproc": str(os.cpu_count()), "cpu": model or platform.processor(), "python": platform.python_version(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--before-src", type=Path, default=None)
    ap.add_argument("--before-label", default="before")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "ingest.md")
    args = ap.parse_args()
    info = machine()
    up_before = uptime()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long_gbk.csv"
        generate(path, args.rows)
        size = path.stat().st_size
        with Store(":memory:") as s:
            parsed = read_table(path, as_arrow=True, entities=s.entity_table())

        def baseline():
            pd.read_csv(path, encoding="gbk")

        def full():
            with Store(":memory:") as s:
                rec = s.import_file(path)
                assert rec.n_rows == args.rows and s.row_count() == args.rows

        def read_only():
            to_long(read_raw(path), as_arrow=True)

        def store_only():
            with Store(":memory:") as s:
                s.import_long(parsed, file=str(path))

        steps = {"baseline": baseline, "full": full, "read_parse": read_only, "store": store_only}
        before = Before(args.before_src, path) if args.before_src else None
        for f in steps.values():
            f()
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in steps}
        if before:
            before()
            times["before"] = []
        for _ in range(args.repeats):
            for k, f in steps.items():
                times[k].append(timed(f))
            if before:
                times["before"].append(before())
        if before:
            before.close()
        with Store(":memory:") as s:
            s.import_file(path)
            sample = s.observations().head(1)
    up_after = uptime()
    med = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    mn = {k: min(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    ratio = med["baseline"] / med["full"]
    ratio_min = mn["baseline"] / mn["full"]
    ratio_cpu = cpu["baseline"] / cpu["full"]
    lines = [
        "## Ingest: 1,000,000-row GBK long CSV -> DuckDB",
        "",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {info['nproc']} CPUs ({info['cpu']}), Python "
        f"{info['python']}. The machine is shared with other jobs: `uptime` before: `{up_before}`; after: "
        f"`{up_after}`.",
        "",
        f"File: {args.rows:,} rows x 4 columns (城市, 指标, 年份, 数值), {size / 1e6:.1f} MB GBK, values like "
        "`8506.21万`, `307.83亿元`, `636.96`, `12.5万家`; city names in several spellings (深圳市, 蘇州, Xi'an).",
        "",
        "Method: `benchmarks/ingest.py` (docstring). Wall time `perf_counter`, CPU time `process_time` (all "
        f"threads), one warm-up each, {args.repeats} repeats alternating all rows of the table; median (min).",
        "",
        "| step | wall median (min), s | rows/s (median) | CPU median, s | vs baseline (median wall) |",
        "|---|---|---|---|---|",
    ]
    labels = {"baseline": "baseline: `pandas.read_csv(encoding='gbk')`, no parsing",
              "read_parse": "part: read + parse + resolve (`read_raw` + `to_long`), no store",
              "store": "part: store only (`import_long` of the parsed table)",
              "before": f"full import, {args.before_label}",
              "full": "**full import** (`Store(':memory:').import_file`)"}
    for k in ("baseline", "read_parse", "store", "before", "full"):
        if k in med:
            lines.append(f"| {labels[k]} | {med[k]:.3f} ({mn[k]:.3f}) | {args.rows / med[k]:,.0f} | {cpu[k]:.3f} "
                         f"| {med['baseline'] / med[k]:.2f}x |")
    lines += [
        "",
        f"Full import vs baseline, rows/s: **{ratio:.2f}x** on median wall time ({ratio_min:.2f}x on min wall "
        f"time, {ratio_cpu:.2f}x on CPU time); target >= 0.5x.",
        "",
        f"Sample stored row: `{sample.iloc[0][['entity', 'indicator', 'year', 'value', 'raw', 'unit']].to_dict()}`.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

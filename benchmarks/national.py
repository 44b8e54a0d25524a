"""National default benchmark (issue 12): build, Monte Carlo on the top 50, `innoscope run` end to end, report size.

Cases:
  * national build in process: ``national_build`` with the framework and spec already read (the yearbook data
    loaded once per process, as every command does): cross-section of 297 cities x 12 indicators, then the
    pipeline (screen, denominate, impute, treat, normalise, aggregate). Same-run baseline: the general panel path
    (``store.panel.cross_section_with_choices``, which chooses among sources city by city) on the same
    observations, then the same pipeline. Median of R runs after a warm-up, one BLAS thread. Target < 50 ms.
  * Monte Carlo: 10,000 replications of the national spec's uncertain choices (weights +/-25%, log on/off,
    min-max vs ranks, arithmetic vs geometric), P(A outranks B) for every pair among the top 50 (and rank
    statistics of all). Best of 2. Target < 5 s.
  * ``innoscope run`` end to end in a fresh process (what ``make run`` runs after install: 2,000 Monte Carlo
    runs, Sobol N = 256, the full report). Best of 2. Target < 30 s.
  * the report it writes: one file, size. Target < 8 MB.

Each case reports wall time and CPU time (``time.process_time``; for the subprocess, the children's user + system
time from ``resource.getrusage``): on the shared 2-core machine other jobs inflate wall time, CPU time much less.

Usage: python benchmarks/national.py [--repeats R] [--out benchmarks/results/national.md]
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

from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]


def _git() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def _uptime() -> str:
    """``uptime`` as the shell prints it (load averages over 1, 5 and 15 minutes): how busy the shared machine was."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_build(repeats: int) -> tuple[float, float, float]:
    from innoscope.cities.national import DATA_YEAR, national_entities
    from innoscope.cities.national_index import _framework, _spec, national_build, national_observations
    from innoscope.pipeline import build
    from innoscope.store.panel import cross_section_with_choices

    fw, sp = _framework(None), _spec(None)
    national_build(framework=fw, spec=sp)
    fast, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        national_build(framework=fw, spec=sp)
        fast.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    obs = national_observations()
    ents = national_entities()
    slow = []
    for _ in range(max(1, repeats // 25)):
        t = time.perf_counter()
        cs, _ = cross_section_with_choices(obs, fw, year=DATA_YEAR, window=0, entities=ents.ids)
        build(fw, cs, sp)
        slow.append(time.perf_counter() - t)
    return statistics.median(fast), statistics.median(cpu), statistics.median(slow)


def bench_mc() -> tuple[float, float, int]:
    from innoscope.analysis.uncertainty import uncertainty
    from innoscope.cities.national_index import national_build

    b = national_build()
    top = b.result.index.dropna().sort_values(ascending=False).index[:50].tolist()
    best = best_cpu = float("inf")
    for _ in range(2):
        t, c = time.perf_counter(), time.process_time()
        res = uncertainty(b.framework, b.cross_section, b.spec, n=10_000, seed=1, pairs=top)
        best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, time.process_time() - c)
    p = res.prob_outranks(top[0], top[1])
    assert 0 <= p <= 1
    return best, best_cpu, len(top)


def bench_run() -> tuple[float, float, int]:
    exe = Path(sys.executable).with_name("innoscope")
    best = best_cpu = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(2):
            t, c = time.perf_counter(), _cpu_children()
            subprocess.run([str(exe), "run"], cwd=tmp, check=True, capture_output=True)
            best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, _cpu_children() - c)
        size = (Path(tmp) / "report.html").stat().st_size
    return best, best_cpu, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "national.md")
    args = ap.parse_args()
    load0, up0 = os.getloadavg()[0], _uptime()
    with threadpool_limits(1):
        fast, fast_cpu, slow = bench_build(args.repeats)
        mc, mc_cpu, k = bench_mc()
    run, run_cpu, size = bench_run()
    load1, up1 = os.getloadavg()[0], _uptime()
    rows = [
        (
            "national build in process (297 cities x 12 indicators), median",
            f"{1000 * fast:.1f} ms",
            f"{1000 * fast_cpu:.1f} ms",
            "< 50 ms",
            f"wall {fast / slow:.3f}x of the general panel path ({1000 * slow:.0f} ms) in the same run",
        ),
        (
            f"Monte Carlo N = 10,000, P(A outranks B) for all pairs of the top {k}, best of 2",
            f"{mc:.2f} s",
            f"{mc_cpu:.2f} s",
            "< 5 s",
            "",
        ),
        (
            "`innoscope run` end to end (fresh process, 2,000 MC runs, Sobol N = 256, report), best of 2",
            f"{run:.1f} s",
            f"{run_cpu:.1f} s",
            "< 30 s",
            "",
        ),
        (
            "report written by `innoscope run`",
            f"{size / 1e6:.2f} MB",
            "",
            "< 8 MB",
            "one self-contained file",
        ),
    ]
    text = [
        "## National default (issue 12): build, Monte Carlo, `innoscope run`, report size",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {_git()}; machine: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}; load average (1 min) {load0:.1f} before, "
        f"{load1:.1f} after (the machine is shared: wall times under load).",
        f"`uptime` before: `{up0}`; after: `{up1}`.",
        "Method: `benchmarks/national.py` (docstring).",
        "",
        "| case | wall | CPU | target | note |",
        "|---|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows],
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(text) + "\n", encoding="utf-8")
    print("\n".join(text))


if __name__ == "__main__":
    main()

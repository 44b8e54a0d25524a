"""Monte Carlo with non-mean aggregations: batched kernels vs one kernel call per replication.

Median, Copeland, Mazziotta-Pareto, TOPSIS and VIKOR are registered as ``stacked`` (the aggregation contract,
``innoscope.pipeline.aggregate.AGGREGATORS``): they take a stack of replications (R, n, k) with weights (R, k).
Before, the Monte Carlo called them once per replication and node (``aggregate_node``'s path for a kernel that is
not stacked, still that of benefit of the doubt). Both are measured in the same run: the loop is obtained by
registering the method as not stacked for the call.

Case: COINr's ASEM data (51 entities, 49 indicators, 4 levels), min-max [1, 100], the named aggregation at
every level, weights +/-25% at levels 1-3 (uniform noise), N = 1,000 replications. Timing: ``perf_counter``
around the whole ``uncertainty()`` call, best of R repeats after one warm-up, one BLAS thread. The two paths'
rank statistics are checked to be identical.

Usage: python benchmarks/batched_aggregate.py [--n N] [--repeats R] [--out benchmarks/results/batched_aggregate.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pandas as pd
from threadpoolctl import threadpool_limits

import innoscope as ino
from innoscope.analysis.uncertainty import uncertainty
from innoscope.pipeline import aggregate

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "reference" / "coinr" / "data"
METHODS = ["median", "copeland", "mazziotta_pareto", "topsis", "vikor"]


def spec(method: str) -> ino.PipelineSpec:
    return ino.PipelineSpec.from_obj(
        {
            "steps": [
                "denominate",
                {"normalise": {"method": "minmax", "range": [1, 100]}},
                {"aggregate": {"method": method}},
            ],
            "uncertainty": {
                "inputs": [{"name": "Weights", "weights": "uniform", "noise": {1: 0.25, 2: 0.25, 3: 0.25}}]
            },
        }
    )


def best(fn, repeats: int) -> tuple[float, object]:
    out = fn()
    t_best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        t_best = min(t_best, time.perf_counter() - t)
    return t_best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "batched_aggregate.md")
    a = ap.parse_args()
    fw, cs = ino.read_coinr(REF / "ASEM_iData.csv", REF / "ASEM_iMeta.csv")
    rows = []
    with threadpool_limits(1):
        for method in METHODS:
            sp = spec(method)

            def run(sp=sp):
                return uncertainty(fw, cs, sp, n=a.n, seed=1)

            t_batched, r_batched = best(run, a.repeats)
            name = aggregate.capabilities(method).name
            looped = dataclasses.replace(aggregate.AGGREGATORS[name], stacked=False)
            with mock.patch.dict(aggregate.AGGREGATORS, {name: looped}):
                t_loop, r_loop = best(run, a.repeats)
            pd.testing.assert_frame_equal(r_batched.rank_stats(), r_loop.rank_stats())
            rows.append((method, t_loop, t_batched))
    lines = [
        "## Monte Carlo with median, Copeland, Mazziotta-Pareto, TOPSIS, VIKOR: batched kernels vs a loop",
        "",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; load average before: {os.getloadavg()[0]:.2f}.",
        "",
        f"Method: `benchmarks/batched_aggregate.py` (docstring). ASEM, N = {a.n:,}, weights +/-25% at every "
        f"weighted level, the method at every level; best of {a.repeats} after a warm-up, one BLAS thread. Same "
        "run, same seed; rank statistics identical on both paths.",
        "",
        "| aggregation | loop of kernel calls, s | batched, s | speed-up |",
        "|---|---:|---:|---:|",
        *[f"| {m} | {lo:.3f} | {ba:.3f} | {lo / ba:.1f}x |" for m, lo, ba in rows],
        "",
    ]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

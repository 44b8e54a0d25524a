"""Engine benchmark: the whole base pipeline on ASEM and on generated 3,000 x 200 x 4-level data.

Timing: ``time.perf_counter`` around ``innoscope.build`` (spec parsing, validation, every stage,
result assembly), after 3 warm-up builds; we report the median and the min over R repeats.
Baselines measured in the same run: (a) pandas ``read_csv`` of ASEM's iData (I/O floor), and (b) a
plain-numpy min-max + arithmetic mean of the same matrix (a floor for any engine).
COINr's own time (0.096 s per ASEM Regen, TIMING.md) was NOT measured in this run.

Usage: python benchmarks/engine.py [--repeats R] [--out benchmarks/results/engine.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

import innoscope as ino
from innoscope.model.dataset import CrossSection
from innoscope.model.framework import Framework, Node

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "reference" / "coinr"
COINR_ASEM_S = 0.096


def timeit(fn, repeats: int) -> tuple[float, float]:
    for _ in range(3):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), min(ts)


def generated(n_ent: int = 3000, n_ind: int = 200, per_pillar: int = 10, per_sub: int = 5, seed: int = 0):
    """A 4-level framework (indicators -> pillars -> sub-indexes -> index) and skewed data with 2% NaN."""
    rng = np.random.default_rng(seed)
    n_pil = n_ind // per_pillar
    n_sub = n_pil // per_sub
    nodes = [
        Node(
            id=f"i{j}",
            level=1,
            kind="indicator",
            parent=f"p{j // per_pillar}",
            direction=-1 if j % 7 == 0 else 1,
            denominator="Pop" if j % 5 == 0 else None,
        )
        for j in range(n_ind)
    ]
    nodes += [Node(id=f"p{p}", level=2, kind="aggregate", parent=f"s{p // per_sub}") for p in range(n_pil)]
    nodes += [Node(id=f"s{s}", level=3, kind="aggregate", parent="Index") for s in range(n_sub)]
    nodes += [Node(id="Index", level=4, kind="aggregate")]
    fw = Framework(nodes=nodes, denominators={"Pop": "Population"}, groups={"EurAsia_group": "Region"})
    ents = [f"E{k:05d}" for k in range(n_ent)]
    X = rng.lognormal(mean=2.0, sigma=1.0, size=(n_ent, n_ind))
    X[rng.random(X.shape) < 0.02] = np.nan
    cs = CrossSection(
        values=pd.DataFrame(X, index=ents, columns=fw.indicators),
        groups=pd.DataFrame({"EurAsia_group": rng.choice(list("ABCD"), n_ent)}, index=ents),
        denominators=pd.DataFrame({"Pop": rng.uniform(1, 100, n_ent)}, index=ents),
    )
    return fw, cs


def numpy_floor(X: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    mn, mx = np.nanmin(X, 0), np.nanmax(X, 0)
    N = (X - mn) / (mx - mn) * 100
    return np.column_stack([np.nanmean(N[:, g], 1) for g in groups])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "engine.md"))
    args = ap.parse_args()
    spec = ino.PipelineSpec.from_yaml(ROOT / "examples" / "asem" / "base.yaml")
    rows = []
    with threadpool_limits(1):
        fw, cs = ino.read_coinr(REF / "data" / "ASEM_iData.csv", REF / "data" / "ASEM_iMeta.csv")
        med, mn = timeit(lambda: ino.build(fw, cs, spec), args.repeats)
        io_med, _ = timeit(lambda: pd.read_csv(REF / "data" / "ASEM_iData.csv"), args.repeats)
        rows.append(("ASEM 51 x 49, 4 levels, base pipeline (7 stages)", med, mn, io_med))
        gfw, gcs = generated()
        med_g, mn_g = timeit(lambda: ino.build(gfw, gcs, spec), max(5, args.repeats // 6))
        groups = [np.arange(p * 10, p * 10 + 10) for p in range(20)]
        Xg = gcs.values.to_numpy()
        floor_med, _ = timeit(lambda: numpy_floor(Xg, groups), args.repeats)
        rows.append(("generated 3000 x 200, 4 levels, base pipeline", med_g, mn_g, floor_med))
    cpu = subprocess.run(
        ["sh", "-c", "lscpu | grep 'Model name' | sed 's/.*: *//'"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "## Engine: one full build",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} cores, {cpu}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; BLAS threads = 1.",
        f"Method: `time.perf_counter` around `innoscope.build(framework, data, spec)` with spec "
        f"`examples/asem/base.yaml`, 3 warm-up builds, median and min of {args.repeats} repeats "
        "(6x fewer for the generated case).",
        "",
        "| case | median | min | same-run baseline | ratio to COINr 0.096 s (not same run) |",
        "|---|---|---|---|---|",
        f"| {rows[0][0]} | {rows[0][1] * 1e3:.2f} ms | {rows[0][2] * 1e3:.2f} ms | pandas read_csv of iData: "
        f"{rows[0][3] * 1e3:.2f} ms | {COINR_ASEM_S / rows[0][1]:.1f}x faster |",
        f"| {rows[1][0]} | {rows[1][1] * 1e3:.0f} ms | {rows[1][2] * 1e3:.0f} ms | plain numpy min-max + pillar means: "
        f"{rows[1][3] * 1e3:.1f} ms | — |",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

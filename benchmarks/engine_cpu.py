"""CPU time of one ``innoscope.build``, this tree against an earlier commit, in the same run.

Wall time on a shared machine swings with other jobs' load; the CPU time of the building thread
(``time.thread_time``) much less. The earlier commit's ``src/`` is exported with ``git archive``
into a temporary directory; both versions run in fresh subprocesses, alternating, ``--rounds``
times, on the same data (ASEM base pipeline; generated 3,000 x 200 x 4 levels, as
``benchmarks/engine.py``), BLAS threads = 1. We report the median and the min over all builds.

Usage: python benchmarks/engine_cpu.py --before COMMIT [--rounds 3] [--out benchmarks/results/engine_cpu.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
sys.path.insert(0, {bench!r})
from pathlib import Path
from threadpoolctl import threadpool_limits
import innoscope as ino
from engine import generated
ref = Path({ref!r})
spec = ino.PipelineSpec.from_yaml(Path({spec!r}))
fw, cs = ino.read_coinr(ref / "ASEM_iData.csv", ref / "ASEM_iMeta.csv")
gfw, gcs = generated()

def clock(fn, r):
    for _ in range(3):
        fn()
    out = []
    for _ in range(r):
        t0 = time.thread_time()
        fn()
        out.append(time.thread_time() - t0)
    return out

with threadpool_limits(1):
    asem = clock(lambda: ino.build(fw, cs, spec), {n_asem})
    gen = clock(lambda: ino.build(gfw, gcs, spec), {n_gen})
print(json.dumps({{"src": ino.__file__, "asem": asem, "gen": gen}}))
"""


def export(commit: str, dest: Path) -> Path:
    blob = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "src"


def run_child(src: Path, n_asem: int, n_gen: int) -> dict:
    code = CHILD.format(
        bench=str(ROOT / "benchmarks"),
        ref=str(ROOT / "tests/reference/coinr/data"),
        spec=str(ROOT / "examples/asem/base.yaml"),
        n_asem=n_asem,
        n_gen=n_gen,
    )
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    res = json.loads(out.strip().splitlines()[-1])
    if not res["src"].startswith(str(src)):
        raise RuntimeError(f"imported {res['src']}, expected a module under {src}")
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="commit to compare with")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "engine_cpu.md"))
    args = ap.parse_args()
    before = subprocess.run(
        ["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    after = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    times: dict[str, dict[str, list[float]]] = {
        "before": {"asem": [], "gen": []},
        "after": {"asem": [], "gen": []},
    }
    with tempfile.TemporaryDirectory() as tmp:
        srcs = {"before": export(args.before, Path(tmp)), "after": ROOT / "src"}
        for _ in range(args.rounds):
            for v, src in srcs.items():
                res = run_child(src, 100, 5)
                times[v]["asem"] += res["asem"]
                times[v]["gen"] += res["gen"]

    def cell(v: str, case: str, unit: float, fmt: str) -> str:
        x = times[v][case]
        return f"{statistics.median(x) * unit:{fmt}} / {min(x) * unit:{fmt}}"

    load = os.getloadavg()[0]
    lines = [
        "## Engine: CPU time of one build, before and after the speed work",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} cores, load average {load:.1f} "
        f"(other jobs); Python {platform.python_version()}; BLAS threads = 1.",
        f"Method: `time.thread_time` (CPU time of the building thread) around `innoscope.build`, spec "
        f"`examples/asem/base.yaml`; `src/` of commit {before} (before) and of {after} plus the working tree "
        f"(after), each in fresh subprocesses, alternating, {args.rounds} rounds of 100 ASEM builds and 5 "
        "generated builds after 3 warm-up builds. Cells: median / min over all builds.",
        "",
        f"| case | before ({before}) | after ({after}) | speed-up (medians) |",
        "|---|---|---|---|",
        f"| ASEM 51 x 49, 4 levels, base pipeline | {cell('before', 'asem', 1e3, '.2f')} ms | "
        f"{cell('after', 'asem', 1e3, '.2f')} ms | "
        f"{statistics.median(times['before']['asem']) / statistics.median(times['after']['asem']):.1f}x |",
        f"| generated 3000 x 200, 4 levels, base pipeline | {cell('before', 'gen', 1e3, '.0f')} ms | "
        f"{cell('after', 'gen', 1e3, '.0f')} ms | "
        f"{statistics.median(times['before']['gen']) / statistics.median(times['after']['gen']):.1f}x |",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Start-up: wall time of `innoscope --help` and of `innoscope build` on COINr's ASEM example, end to end.

Each command runs in a fresh interpreter (`subprocess`), interleaved with the same commands on the code
before the start-up work (`git worktree` of BASELINE, on the same venv through PYTHONPATH) and with two floors
measured in the same run: an empty interpreter and `import pandas`. Median and min of N rounds.

    python benchmarks/startup.py [N]      # writes benchmarks/results/startup.md
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "88cd924"  # main before the layout and start-up work of issue 10
REF = ROOT / "tests" / "reference" / "coinr" / "data"


def _cli(src: Path, args: list[str]) -> list[str]:
    code = f"import sys; sys.path.insert(0, {str(src)!r}); from innoscope.cli import main; sys.exit(main({args!r}))"
    return [sys.executable, "-c", code]


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(
        cmd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, COLUMNS="120"),
    )
    return time.perf_counter() - t


def main(n: int = 9) -> None:
    out = Path(tempfile.mkdtemp())
    old = out / "baseline"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(old), BASELINE], check=True
    )
    try:
        build = [
            "build",
            "--data",
            str(REF / "ASEM_iData.csv"),
            "--meta",
            str(REF / "ASEM_iMeta.csv"),
            "--spec",
            str(ROOT / "examples" / "asem" / "base.yaml"),
            "--out",
            str(out / "o"),
        ]
        cases = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "python -c 'import pandas' (floor)": [sys.executable, "-c", "import pandas"],
            "innoscope --help, now": _cli(ROOT / "src", ["--help"]),
            f"innoscope --help, {BASELINE}": _cli(old / "src", ["--help"]),
            "innoscope build ASEM, now": _cli(ROOT / "src", build),
            f"innoscope build ASEM, {BASELINE}": _cli(old / "src", build),
        }
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(n):
            for k, cmd in cases.items():
                times[k].append(_time(cmd))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False)
    load = os.getloadavg()[0]
    med = {k: statistics.median(v) for k, v in times.items()}
    lines = [
        "## Start-up: `innoscope --help` and `innoscope build` (ASEM) end to end",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"load average (1 min) {load:.1f} at the end; Python {platform.python_version()}.",
        f"Method: each command in a fresh interpreter, {n} interleaved rounds; `{BASELINE}` is main before the "
        "start-up work, run from a git worktree on the same venv. Targets (issue 10): --help < 0.3 s, build < 1 s.",
        "",
        "| command | median | min | median / baseline |",
        "|---|---|---|---|",
    ]
    for k, v in times.items():
        base = k.replace("now", BASELINE) if k.endswith("now") else None
        ratio = f"{med[k] / med[base]:.2f}x" if base in med else ""
        lines.append(f"| {k} | {med[k]:.3f} s | {min(v):.3f} s | {ratio} |")
    res = ROOT / "benchmarks" / "results" / "startup.md"
    res.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)

"""Collect every benchmark's latest section (benchmarks/results/*.md) into benchmarks/RESULTS.md.

Each benchmark script writes its own section with the machine, date, method of timing and its same-run
baseline; this file only puts them in one place, in a fixed order.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["engine", "engine_cpu", "ingest", "uncertainty", "dashboard"]
HEADER = """# Benchmark results

Machine: the project's shared 2-core x86_64 machine (Intel Xeon, 23 GiB), Debian 12, Python 3.11; other jobs
often ran on the second core, so each section states its load and prefers ratios against a baseline measured
in the same run. COINr's figures (tests/reference/coinr/TIMING.md) were measured on the same kind of machine
but not in the same run; ratios against them say so. Regenerate a section with its script
(`python benchmarks/<name>.py`), then `python benchmarks/collect.py`.
"""


def main() -> None:
    parts = [HEADER]
    names = ORDER + sorted(p.stem for p in (HERE / "results").glob("*.md") if p.stem not in ORDER)
    for name in names:
        p = HERE / "results" / f"{name}.md"
        if p.exists():
            parts.append(
                f"<!-- from benchmarks/results/{name}.md, written by benchmarks/{name}.py -->\n"
                + p.read_text(encoding="utf-8").strip()
            )
    (HERE / "RESULTS.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Quality ratchet: mypy errors per file and cyclomatic complexity per function may only go down.

    python scripts/ratchet.py            # check against .ci/ratchet.json (exit 1 when anything got worse)
    python scripts/ratchet.py --update   # record the current counts (after an improvement)

mypy runs on the engine packages (model/ and io/ are strict and must stay at zero; the others start from the
recorded counts). Complexity is ruff's C901 (McCabe); a function above the ceiling of 10 must not grow, and a
new function must not pass it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / ".ci" / "ratchet.json"
ENGINE = ["model", "io", "ingest", "store", "pipeline", "analysis"]
CEILING = 10


def mypy_counts() -> dict[str, int]:
    """Errors per file of ``mypy`` on the engine packages (configuration in pyproject.toml)."""
    paths = [str(ROOT / "src" / "innoscope" / p) for p in ENGINE]
    out = subprocess.run(
        [sys.executable, "-m", "mypy", *paths], capture_output=True, text=True, cwd=ROOT
    ).stdout
    files = Counter(m.group(1) for m in re.finditer(r"^(src/\S+?\.py):\d+: error:", out, re.M))
    return dict(sorted(files.items()))


def complexity() -> dict[str, int]:
    """``file:function -> McCabe complexity`` for every function above :data:`CEILING`."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "src",
            "--select",
            "C901",
            "--output-format",
            "json",
            "--config",
            f"lint.mccabe.max-complexity={CEILING}",
            "--exit-zero",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    found = {}
    for item in json.loads(out or "[]"):
        m = re.match(r"`(.+)` is too complex \((\d+) > \d+\)", item["message"])
        if m:
            found[f"{Path(item['filename']).relative_to(ROOT)}:{m.group(1)}"] = int(m.group(2))
    return dict(sorted(found.items()))


def worse(now: dict[str, int], before: dict[str, int]) -> list[str]:
    return [f"{k}: {before.get(k, 0)} -> {v}" for k, v in now.items() if v > before.get(k, 0)]


def main(argv: list[str]) -> int:
    current = {"mypy_errors": mypy_counts(), "complexity_over_10": complexity()}
    if "--update" in argv or not BASELINE.exists():
        BASELINE.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(
            f"recorded {sum(current['mypy_errors'].values())} mypy errors, "
            f"{len(current['complexity_over_10'])} functions above complexity {CEILING}"
        )
        return 0
    base = json.loads(BASELINE.read_text(encoding="utf-8"))
    bad = [f"mypy {x}" for x in worse(current["mypy_errors"], base["mypy_errors"])]
    bad += [f"complexity {x}" for x in worse(current["complexity_over_10"], base["complexity_over_10"])]
    if bad:
        print("quality ratchet: worse than .ci/ratchet.json\n  " + "\n  ".join(bad))
        return 1
    better = sum(current["mypy_errors"].values()) < sum(base["mypy_errors"].values()) or len(
        current["complexity_over_10"]
    ) < len(base["complexity_over_10"])
    print(
        "quality ratchet: ok" + (" (better than recorded: run with --update to lock it in)" if better else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

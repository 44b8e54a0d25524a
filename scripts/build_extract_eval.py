"""Build the labelled evaluation set of ``innoscope extract`` from the bundled cited data.

Each row of ``src/innoscope/data/cities/city_indicators.csv`` holds a sentence (``excerpt``) and the value a
person read from it. One labelled item per row: the sentence, the place (``city_zh``), the indicator, the value in
base units (a count, yuan, a percent number, a rank), the base unit, and the year when the sentence states it.

Split, fixed before any rule was written: founding-article rows (``seed:``) go to ``dev`` (the article is read
while writing rules anyway); every other row goes to ``heldout`` when the first 8 hex digits of
sha256(excerpt, UTF-8) taken as an integer are 0, 1 or 2 modulo 10, else to ``dev``. Rows sharing an
excerpt therefore share a split.

Run: ``python scripts/build_extract_eval.py`` (writes ``tests/data/extract/cited_eval.csv``).
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

try:
    from innoscope.cities.cited import import_cities
except ImportError:
    from innoscope.ingest.cities import import_cities  # before the layout move

FACTORS = {
    "亿元": (1e8, "元"),
    "万元": (1e4, "元"),
    "元": (1.0, "元"),
    "万人": (1e4, "人"),
    "人": (1.0, "人"),
    "万件": (1e4, "件"),
    "万家": (1e4, "家"),
    "千亿元": (1e11, "元"),
    "万亿元": (1e12, "元"),
    "万人年": (1e4, "人年"),
}
UNIT_NAMES = {"index points": "index"}
"""Units the cited data spells otherwise than the labelling guide (docs/extract.md)."""


def split_of(excerpt: str, seed: bool) -> str:
    if seed:
        return "dev"
    h = int(hashlib.sha256(excerpt.encode("utf-8")).hexdigest()[:8], 16)
    return "heldout" if h % 10 < 3 else "dev"


def base(value: float, unit: str, rank: bool) -> tuple[float, str]:
    if rank or unit in ("rank", "world rank"):
        return value, "rank"
    u = unit.strip()
    if u.startswith("%"):
        return value, "%"
    num, slash, den = u.partition("/")
    if num in FACTORS:
        f, b = FACTORS[num]
        return value * f, b + slash + den
    return value, UNIT_NAMES.get(u, u)


def main() -> None:
    imp = import_cities(units={})
    obs = imp.observations
    rows = []
    for _, r in obs.iterrows():
        if r["missing"] or not str(r["excerpt"]).strip():
            continue
        excerpt = str(r["excerpt"])
        value, unit = base(float(r["value"]), str(r["unit"]), bool(r["rank"]))
        year = None
        if r["year_flag"] in ("exact", "date", "partial", "range") and pd.notna(r["year"]):
            if re.search(str(int(r["year"])), excerpt):
                year = int(r["year"])
        rows.append(
            {
                "split": split_of(excerpt, bool(r["seed"])),
                "source": "cited",
                "line": int(r["line"]),
                "title": r["source_title"],
                "sentence": excerpt,
                "entity": r["city_zh"],
                "indicator": r["indicator"],
                "value": value,
                "unit": unit,
                "year": year,
            }
        )
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    path = ROOT / "tests/data/extract/cited_eval.csv"
    out.to_csv(path, index=False)
    print(f"{path}: {len(out)} items, {int((out['split'] == 'heldout').sum())} held out")


if __name__ == "__main__":
    main()

"""A plain, self-contained HTML report of a default build: no script, no external file, every text escaped.

Sections: what was built (data, framework, spec, reference year, window, choice policy), the ranking with
each city's coverage, pool scores, the comparison of two cities with every source, the founding article's
figures against the independent sources, the values used with their years and flags, and the import report.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from innoscope.cities.citydata import SOURCE_COLUMNS, CityBuild, compare_cities, fmt, seed_claims

__all__ = ["plain_report", "write_plain_report"]

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0} td.n{text-align:right;font-variant-numeric:tabular-nums}
.flag{color:#a05a00;font-size:0.85em} .muted{color:#777;font-size:0.85em} h2{margin-top:1.6em}
"""


def _e(x: object) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "—"
    if isinstance(x, float | np.floating):
        return html.escape(fmt(float(x)))
    return html.escape(str(x))


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int] = frozenset()) -> str:
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in header), "</tr></thead><tbody>"]
    for r in rows:
        out.append(
            "<tr>"
            + "".join(
                f'<td class="n">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
                for i, v in enumerate(r)
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def plain_report(b: CityBuild, *, compare: tuple[str, str] = ("shenzhen", "hangzhou")) -> str:
    """The report as one HTML string."""
    fw, cs = b.framework, b.cross_section
    parts = [
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{_e(fw[fw.root].name)}'
        f"</title><style>{_CSS}</style></head><body>"
    ]
    parts.append(f"<h1>{_e(fw[fw.root].name_zh)} · {_e(fw[fw.root].name_en)}</h1>")
    meta = [
        ("data", b.source),
        ("framework", fw.source),
        ("pipeline spec", f"{b.spec.name or ''} (hash {b.spec.hash()})"),
        ("reference year", b.year),
        ("window", f"{b.window} years back" if b.window is not None else "any earlier year"),
        ("choice policy", b.policy),
        ("generated", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if b.imported is not None:
        meta.insert(1, ("import", b.imported.summary()))
    parts.append(_table(["", ""], meta))

    parts.append("<h2>Ranking</h2>")
    rk = b.ranking()
    pools = fw.codes(2)
    agg = b.result.aggregated
    header = [
        "rank",
        "city",
        "",
        "index",
        *[f"{fw[p].name_zh} {fw[p].name_en}" for p in pools],
        "indicators",
        "pools",
        "outdated values",
    ]
    rows = []
    for code, r in rk.iterrows():
        rows.append(
            [
                ("not ranked" if pd.isna(r["rank"]) else int(r["rank"])),
                r["name"],
                r["name_en"],
                r["score"],
                *[agg.at[code, p] for p in pools],
                f"{r['indicators']}/{r['n_indicators']}",
                f"{r['pools']}/{r['n_pools']}",
                r["outdated"],
            ]
        )
    parts.append(_table(header, rows, numeric={3, 4, 5, 6, 7}))
    parts.append(
        '<p class="muted">Scores: min-max 0–100 per indicator, arithmetic mean of what is present; a '
        "pool needs half of its indicators, the index three of the four pools (see docs/three_pools.md)."
        "</p>"
    )

    a, c = compare
    try:
        cmp = compare_cities(b, a, c)
    except Exception as e:  # a city of the pair missing from user data: the report still renders
        parts.append(f"<p>No comparison: {_e(e)}</p>")
        cmp = None
    if cmp is not None:
        na, nb = cmp["names"][cmp["a"]], cmp["names"][cmp["b"]]
        parts.append(f"<h2>{_e(na)} vs {_e(nb)}</h2>")
        parts.append(
            _table(
                ["pool", na, nb, f"rank {na}", f"rank {nb}", "leads"],
                [
                    [
                        f"{p['name_zh']} {p['name_en']}",
                        p["a"],
                        p["b"],
                        p["rank_a"],
                        p["rank_b"],
                        cmp["names"].get(p["leader"], p["leader"]),
                    ]
                    for p in cmp["pools"]
                ],
                numeric={1, 2, 3, 4},
            )
        )
        rows = []
        for r in cmp["indicators"]:
            rows.append(
                [
                    f"{r['name_zh']} {r['name_en']} ({r['unit']})",
                    _used(r["a"]),
                    _used(r["b"]),
                    r["ratio"],
                    cmp["names"].get(r["leader"], r["leader"]),
                    r["a"]["per_million"],
                    r["b"]["per_million"],
                    r["a"]["per_km2"],
                    r["b"]["per_km2"],
                ]
            )
        parts.append(
            _table(
                [
                    "indicator",
                    f"{na}: value (year) flags",
                    f"{nb}: value (year) flags",
                    "ratio",
                    "leads",
                    f"{na} per million residents",
                    f"{nb} per million residents",
                    f"{na} per km²",
                    f"{nb} per km²",
                ],
                rows,
                numeric={3, 5, 6, 7, 8},
            )
        )
        parts.append("<h3>Every other source</h3>")
        srows = []
        for r in cmp["indicators"]:
            for key in ("a", "b"):
                for s in r[key]["sources"]:
                    srows.append(
                        [
                            r["code"],
                            cmp["names"][cmp[key]],
                            s["indicator"],
                            f"{s['qualifier']}{fmt(s['value'])} {s['unit']}",
                            s["year"],
                            "seed article" if s["seed"] else ("LOW-QUALITY" if s["low_quality"] else ""),
                            s["relation"],
                            s["title"],
                            s["note"],
                        ]
                    )
        parts.append(
            _table(
                list(SOURCE_COLUMNS),
                srows,
            )
        )
        sc = seed_claims(b, [cmp["a"], cmp["b"]])
        if len(sc):
            parts.append("<h3>The founding article's figures against independent sources</h3>")
            parts.append(
                _table(
                    [
                        "city",
                        "series",
                        "article",
                        "article year",
                        "source series",
                        "source value",
                        "year",
                        "relation",
                        "source",
                    ],
                    [
                        [
                            cs.names.get(r["entity"], r["entity"]),
                            r["indicator"],
                            r["claim"],
                            r["claim_year"],
                            r["source_indicator"],
                            f"{r['qualifier']}{fmt(r['value'])}",
                            r["year"],
                            r["relation"],
                            r["title"],
                        ]
                        for _, r in sc.iterrows()
                    ],
                )
            )

    parts.append("<h2>Values used (year, flags)</h2>")
    rows = []
    for e in cs.values.index:
        rows.append([cs.names[e], *[_cell(cs, e, code) for code in fw.indicators]])
    parts.append(_table(["city", *[f"{fw[c].name_zh} ({fw[c].unit})" for c in fw.indicators]], rows))
    parts.append(
        '<p class="muted">Flags: outdated = older than the reference year (GII practice); > lower '
        "bound; ~ approximate; seed = the founding article only; conflict = another source gives a "
        "different value for the same year.</p>"
    )
    if b.imported is not None and len(b.imported.report):
        parts.append("<h2>Import report</h2>")
        parts.append(
            _table(
                ["line", "column", "raw", "severity", "kind", "message"],
                b.imported.report.itertuples(index=False),
            )
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def _used(side: dict) -> str:
    v = side["value"]
    if not np.isfinite(v):
        return "—"
    year = "" if side["year"] is None or pd.isna(side["year"]) else f" ({int(side['year'])})"
    flags = f" [{side['flags']}]" if side["flags"] else ""
    return f"{side['qualifier']}{fmt(v)}{year}{flags}"


def _cell(cs, e: str, code: str) -> str:
    v = cs.values.at[e, code]
    if pd.isna(v):
        return "—"
    y = cs.years.at[e, code] if cs.years is not None else np.nan
    f = cs.flags.at[e, code] if cs.flags is not None else ""
    return f"{fmt(v)}" + ("" if pd.isna(y) else f" ({int(y)})") + (f" [{f}]" if f else "")


def write_plain_report(b: CityBuild, path: str | Path, **kwargs) -> Path:
    """Write :func:`plain_report` to ``path`` (UTF-8) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(plain_report(b, **kwargs), encoding="utf-8")
    return p

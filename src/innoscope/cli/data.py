"""``innoscope run | import | list | compare | export``: the data layer's commands.

``run`` with no argument builds the national default index (framework ``national`` on the yearbook's 297 cities,
spec ``data/specs/national.yaml``), prints the top 30, the Shenzhen–Hangzhou comparison with national ranks,
percentiles and peer groups, and writes the report; ``--data cited`` builds ``three_pools`` on the 12 cities'
cited values (spec ``data/specs/default.yaml``) as before. Names resolve through the entity table (深圳 = 深圳市 = Shenzhen).
"""

from __future__ import annotations

import json
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from innoscope.cities.cited import COLUMNS as CITY_COLUMNS
from innoscope.cities.cited import bundled_path, import_cities
from innoscope.cities.citydata import (
    DEFAULT_WINDOW,
    SOURCE_COLUMNS,
    CityBuild,
    bundled_yaml,
    compare_cities,
    default_build,
    default_framework_path,
    default_spec_path,
    fmt,
    in_short,
    seed_claims,
)
from innoscope.cities.entities import NEW_ENTITIES, problems_error, resolve_entities
from innoscope.cli import app, err
from innoscope.ingest.claims.review import is_review_file, read_review
from innoscope.ingest.names import EntityTable, unknown_name
from innoscope.io.framework_yaml import read_framework_yaml
from innoscope.io.spreadsheet import write_csv, write_xlsx
from innoscope.model.errors import DataError
from innoscope.model.framework import Framework
from innoscope.pipeline import PipelineSpec

DEFAULT_STORE = "innoscope.duckdb"


def _out() -> Console:
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "200"))
    return Console(width=width, highlight=False, soft_wrap=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def open_store(path: Path, *, read_only: bool, lock_timeout: float | None = None):
    """The store at ``path``: read-only commands share it, a writer waits for other processes to let go
    (up to ``lock_timeout`` s, default :func:`~innoscope.store.default_lock_timeout`) and says so on stderr."""
    from innoscope.store import Store

    err = _err()
    return Store(
        str(path),
        read_only=read_only,
        lock_timeout=lock_timeout,
        on_wait=lambda msg: err.print(escape(msg), soft_wrap=True),
    )


# -- shared loaders (also used by ``innoscope report`` / ``serve``) ---------------------------------------
def framework_path(framework: str | Path | None) -> Path:
    """A bundled framework by name (``three_pools``) or a YAML path."""
    return default_framework_path() if framework is None else bundled_yaml("framework", framework)


def default_spec(framework: str | None = None) -> PipelineSpec:
    """The default pipeline spec of the bundled data (the same for every bundled framework)."""
    return PipelineSpec.from_yaml(default_spec_path())


def sensitivity_for_report(result, n: int, seed: int):
    """Sobol indices for the report (the spec's ``uncertainty:`` design, else weights, normalisation and
    aggregation), or None for ``n = 0`` or when that design cannot run on these data (said on stderr)."""
    if n <= 0:
        return None
    if n & (n - 1):
        raise DataError(f"--sensitivity needs a power of 2 (64, 128, 256 ...), got {n}")
    from innoscope.analysis.sensitivity import sensitivity
    from innoscope.analysis.uncertainty import default_inputs
    from innoscope.model.errors import InnoscopeError

    fw, spec = result.framework, result.spec
    try:
        return sensitivity(
            fw,
            result.data,
            spec,
            inputs=None if spec.uncertainty else default_inputs(fw),
            n=n,
            seed=seed,
            entity_output=None,
        )
    except InnoscopeError as e:
        err.print(f"[yellow]no sensitivity analysis: the design cannot run on these data ({e})[/]")
        return None


def load_city_data(framework: str | None = "three_pools", data: list[Path] | None = None):
    """(framework, cross-section) of the cited city data (bundled, or the raw cited files given), with each
    value's provenance (source, year, excerpt, flags) in ``CrossSection.provenance``."""
    from innoscope.report.model import provenance_from_choices

    b = city_build(framework=framework, data=data)
    b.cross_section.provenance = provenance_from_choices(b.choices)
    return b.framework, b.cross_section


def _observations(data: list[Path] | None, fw: Framework, encoding: str | None = None) -> pd.DataFrame | None:
    if not data:
        return None
    units = {c: fw[c].unit for c in fw.indicators if fw[c].unit}
    frames = [import_cities(p, units=units, encoding=encoding).observations for p in data]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _store_observations(store: Path) -> pd.DataFrame:
    """Every candidate row of the store (the panel chooses among them); the store's pick is ``chosen``."""
    if not store.exists():
        raise DataError(
            f"store {store} does not exist; create it with `innoscope import FILE --store {store}`"
        )
    with open_store(store, read_only=True) as st:
        obs = st.observations(all_rows=True)
    if obs.empty:
        raise DataError(f"store {store} holds no observations")
    obs = obs.rename(columns={"note": "notes", "file_row": "line"})
    obs["chosen"] = obs["rank"] == 1
    obs["uid"] = obs["import_id"].astype(str) + ":" + obs["line"].astype(str)
    return obs


def to_tidy(obs: pd.DataFrame) -> pd.DataFrame:
    """Observations of the cited importer as the store's tidy long table; year text and definition go into
    ``note`` (``[year: ...]``, ``[definition: ...]``) so that nothing of the raw row is lost. Flags: ``>``, ``<``,
    ``~`` as the table readers write them, then the qualifiers ``preliminary`` and ``rounded`` (``~,rounded``)."""
    marks = (
        np.where(obs["lower_bound"], ">", "")
        + np.where(obs["upper_bound"], "<", "")
        + np.where(obs["approximate"], "~", "")
    )
    words = [
        np.where(obs[q].fillna(False).astype(bool), q, "") if q in obs.columns else np.full(len(obs), "")
        for q in ("preliminary", "rounded")
    ]
    flags = np.asarray(
        [",".join(w for w in parts if w) for parts in zip(marks, *words, strict=True)], dtype=object
    )
    year_txt = obs["year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
    note = obs["notes"].fillna("").astype(str)
    extra_year = np.where(
        obs["year_raw"].astype(str) != year_txt, " [year: " + obs["year_raw"].astype(str) + "]", ""
    )
    extra_def = np.where(
        obs["definition"].notna(), " [definition: " + obs["definition"].fillna("").astype(str) + "]", ""
    )
    return pd.DataFrame(
        {
            "entity": obs["entity"],
            "entity_name": obs["city_zh"],
            "indicator": obs["indicator"],
            "year": obs["year"].astype("Int64"),
            "value": obs["value"].astype(float),
            "raw": obs["value_raw"],
            "flags": np.where(obs["missing"], "NA", flags),
            "unit": obs["unit"],
            "source_title": obs["source_title"],
            "source_url": obs["source_url"],
            "excerpt": obs["excerpt"],
            "note": (note + extra_year + extra_def).str.strip(),
            "row": obs["line"].astype("int64"),
            "column": "value",
        }
    )


NATIONAL, CITED = "national", "cited"
"""``--data`` names of the bundled datasets: the yearbook's 297 cities (default) and the 12 cities' cited values."""


CITED_SPECS = ("default", "per_capita")
"""The bundled specs made for the cited data (``--spec per_capita`` alone builds on it)."""


def dataset_of(
    framework: str | None, data: list[Path] | None, store: Path | None, spec: str | Path | None = None
) -> str:
    """Which data a command builds on: ``national`` (no --data and a framework reading the yearbook series, the
    default), ``cited`` (--data cited, raw cited files, a framework such as three_pools on cited series or a spec
    made for them), or ``store``."""
    if store is not None:
        return "store"
    names = [str(p) for p in data or []]
    if names == [NATIONAL]:
        return NATIONAL
    if data or (spec is not None and str(spec) in CITED_SPECS):
        return CITED
    if framework is None:
        return NATIONAL
    from innoscope.cities.national import bundled_dataset

    fw = read_framework_yaml(str(framework_path(framework)))
    series = set(bundled_dataset()["indicator"])
    return NATIONAL if all(str(fw[c].params.get("indicator", c)) in series for c in fw.indicators) else CITED


def city_build(
    *,
    framework: str | None = None,
    spec: str | Path | None = None,
    data: list[Path] | None = None,
    store: Path | None = None,
    year: int | None = None,
    window: int | None = DEFAULT_WINDOW,
    policy: str = "quality",
) -> CityBuild:
    """The default city build: the national yearbook data (framework ``national``) unless ``--data cited``, raw
    cited files, a store or a framework on cited series say otherwise; then the cited data or the store's
    observations, the framework and spec, the cross-section for the reference year (window, source policy)."""
    kind = dataset_of(framework, data, store, spec)
    if kind == NATIONAL:
        from innoscope.cities.national import DATA_YEAR
        from innoscope.cities.national_index import national_build

        if year is not None and year != DATA_YEAR:
            raise DataError(f"--year {year}: the national data (yearbook 2024) has only {DATA_YEAR}")
        return national_build(framework=framework, spec=spec)
    if data and [str(p) for p in data] == [CITED]:
        data = None
    fw = read_framework_yaml(str(framework_path(framework or "three_pools")))
    obs = _store_observations(store) if store is not None else None
    if obs is None and data and len(data) > 1:
        obs = _observations(data, fw)
    if obs is None:
        return default_build(
            data=data[0] if data else None, framework=fw, spec=spec, year=year, window=window, policy=policy
        )
    return default_build(observations=obs, framework=fw, spec=spec, year=year, window=window, policy=policy)


def _resolve_city(b: CityBuild, name: str) -> str:
    ent = b.entities.get(name)
    if ent is None:
        raise DataError(unknown_name("city", name, b.entities.closest(name)))
    return ent


# -- printing ------------------------------------------------------------------------------------
def _print_ranking(out: Console, b: CityBuild, top: int | None) -> None:
    fw = b.framework
    pools = fw.codes(2)
    agg = b.result.aggregated
    t = Table(
        title=f"{fw[fw.root].name_zh} {fw[fw.root].name_en}: reference year {b.year}, "
        f"window {b.window} years, policy {b.policy}",
        title_justify="left",
    )
    for col in (
        "rank",
        "city",
        "",
        "index",
        *[fw[p].name_zh for p in pools],
        "indicators",
        "pools",
        "outdated",
    ):
        t.add_column(col, justify="right" if col not in ("city", "") else "left")
    rk = b.ranking()
    ranked = rk[rk["rank"].notna()]
    unranked = rk[rk["rank"].isna()]
    for code, r in (ranked.head(top) if top else ranked).iterrows():
        t.add_row(
            str(int(r["rank"])),
            escape(r["name"]),
            escape(r["name_en"]),
            f"{r['score']:.1f}",
            *[_score(agg.at[code, p]) for p in pools],
            f"{r['indicators']}/{r['n_indicators']}",
            f"{r['pools']}/{r['n_pools']}",
            str(r["outdated"]),
        )
    for code, r in unranked.iterrows():
        t.add_row(
            "—",
            escape(r["name"]),
            escape(r["name_en"]),
            "not ranked",
            *[_score(agg.at[code, p]) for p in pools],
            f"{r['indicators']}/{r['n_indicators']}",
            f"{r['pools']}/{r['n_pools']}",
            str(r["outdated"]),
        )
    out.print(t)
    if len(unranked):
        out.print(
            f"not ranked (fewer than 3 of {len(pools)} pools scored): {escape(', '.join(unranked['name']))}"
        )


def _score(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.1f}"


_SHORT_FLAGS = {
    "outdated": "old",
    "year_approximate": "year~",
    "low_quality": "LQ",
    "lower_bound": "",
    "upper_bound": "",
    "approximate": "",
    "preliminary": "prelim.",
}


def _used(side: dict) -> str:
    """``>24000 (2023) old``: qualifier, value, year and the flags the qualifier does not already show."""
    v = side["value"]
    if not np.isfinite(v):
        return "—"
    year = "" if side["year"] is None or pd.isna(side["year"]) else f" ({int(side['year'])})"
    flags = [_SHORT_FLAGS.get(f, f) for f in str(side["flags"] or "").split(",") if f]
    flags = [f for f in flags if f]
    return f"{side['qualifier']}{fmt(v)}{year}" + (f" {','.join(flags)}" if flags else "")


def _print_gap(out: Console, b: CityBuild, cmp: dict, za: str, zb: str) -> None:
    """Where the index gap comes from: each indicator's contribution in index points (analysis.gap)."""
    gap = cmp["gap"]
    if gap["why_not"]:
        out.print(f"no split of the index gap: {escape(gap['why_not'])}")
        return
    t = Table(
        title=escape(
            f"where the index gap {za} − {zb} = {gap['total']:+.1f} points comes from "
            "(weight x normalised score differences; they add up to the gap)"
        ),
        title_justify="left",
    )
    for col in ("indicator", "pool", "points", "share", f"weight in index {za}", f"weight in index {zb}"):
        t.add_column(escape(col))
    moved = False
    for r in sorted(gap["leaves"], key=lambda r: -abs(r["contribution"])):
        wa, wb = r["weight_a"], r["weight_b"]
        differs = abs(wa - wb) > 1e-12
        mark = " *" if differs else ""
        moved |= differs
        t.add_row(
            escape(r["code"]) + mark,
            escape(b.framework[r["pool"]].name_zh if r["pool"] else ""),
            f"{r['contribution']:+.1f}",
            "—" if not np.isfinite(r["share"]) else f"{100 * r['share']:.0f}%",
            f"{wa:.3f}",
            f"{wb:.3f}",
        )
    out.print(t)
    if moved:
        out.print(
            "* the two cities weigh this indicator differently in the index: a city without a value has it "
            "carried by the pool's other indicators, and a city without a pool by the other pools"
        )


def _print_compare(out: Console, b: CityBuild, a: str, c: str, *, sources: bool) -> dict:
    cmp = compare_cities(b, a, c)
    na, nb = cmp["names"][cmp["a"]], cmp["names"][cmp["b"]]
    lead = {cmp["a"]: na, cmp["b"]: nb}
    t = Table(
        title=f"{na} vs {nb}: pools (0-100) and index, reference year {cmp['year']}", title_justify="left"
    )
    for col in ("pool", na, nb, f"rank {na}", f"rank {nb}", "leads"):
        t.add_column(escape(col))
    for p in cmp["pools"]:
        t.add_row(
            escape(f"{p['name_zh']} {p['name_en']}"),
            _score(p["a"]),
            _score(p["b"]),
            _score(p["rank_a"]).removesuffix(".0"),
            _score(p["rank_b"]).removesuffix(".0"),
            escape(lead.get(p["leader"], p["leader"])),
        )
    out.print(t)
    za, zb = b.cross_section.names[cmp["a"]], b.cross_section.names[cmp["b"]]
    short = {cmp["a"]: za, cmp["b"]: zb}
    t = Table(
        title=escape(f"{na} vs {nb}: value used (year) flags; per million residents and per km² for counts"),
        title_justify="left",
    )
    for col in (
        "indicator",
        "unit",
        za,
        zb,
        f"{za}/{zb}",
        "leads",
        f"{za} /1M",
        f"{zb} /1M",
        f"{za} /km²",
        f"{zb} /km²",
    ):
        t.add_column(escape(col), overflow="fold")
    pool = None
    for r in cmp["indicators"]:
        if r["pool"] != pool:
            pool = r["pool"]
            t.add_row(f"[bold]{escape(b.framework[pool].name_zh)} {escape(b.framework[pool].name_en)}[/]")
        t.add_row(
            escape(r["code"]),
            escape(r["unit"] or ""),
            escape(_used(r["a"])),
            escape(_used(r["b"])),
            "—" if not np.isfinite(r["ratio"]) else f"{r['ratio']:.2f}",
            escape(short.get(r["leader"], r["leader"])),
            fmt(r["a"]["per_million"]),
            fmt(r["b"]["per_million"]),
            fmt(r["a"]["per_km2"], 3),
            fmt(r["b"]["per_km2"], 3),
        )
    out.print(t)
    _print_gap(out, b, cmp, za, zb)
    out.print(
        "flags: > lower bound, ~ approximate, prelim. = preliminary figure, rounded = rounded in the source, "
        "old = older than the reference year, year~ = approximate year, seed = the founding article only, "
        "LQ = low-quality source, conflict = another source differs for the same year"
    )
    if not sources:
        out.print(
            f"every source of each value: innoscope compare {escape(na.split()[0])} {escape(nb.split()[0])}"
        )
        return cmp
    t = Table(
        title="every other source (relation to the value used; seed = the founding article)",
        title_justify="left",
        show_lines=False,
    )
    for col in SOURCE_COLUMNS:
        t.add_column(col, overflow="fold")
    for r in cmp["indicators"]:
        for key in ("a", "b"):
            srcs = r[key]["sources"]
            if not srcs and np.isfinite(r[key]["value"]):
                t.add_row(
                    escape(r["code"]),
                    escape(cmp["names"][cmp[key]]),
                    "",
                    "",
                    "",
                    "",
                    "no other source",
                    "",
                    "",
                )
            for s in srcs:
                kind = "seed article" if s["seed"] else ("LOW-QUALITY" if s["low_quality"] else "")
                t.add_row(
                    escape(r["code"]),
                    escape(cmp["names"][cmp[key]]),
                    escape(s["indicator"]),
                    escape(f"{s['qualifier']}{fmt(s['value'])} {s['unit']}"),
                    escape(str(s["year"])),
                    kind,
                    escape(s["relation"]),
                    escape(_short(s["title"], 40)),
                    escape(_short(s["note"], 90)),
                )
    out.print(t)
    sc = seed_claims(b, [cmp["a"], cmp["b"]])
    if len(sc):
        t = Table(title="the founding article's figures against independent sources", title_justify="left")
        for col in (
            "city",
            "series",
            "article",
            "source series",
            "source value",
            "year",
            "relation",
            "source",
        ):
            t.add_column(col, overflow="fold")
        for _, r in sc.iterrows():
            t.add_row(
                escape(b.cross_section.names.get(r["entity"], r["entity"])),
                escape(r["indicator"]),
                fmt(r["claim"]),
                escape(r["source_indicator"]),
                escape(f"{r['qualifier']}{fmt(r['value'])}" if np.isfinite(r["value"]) else "—"),
                escape(str(r["year"])),
                escape(r["relation"]),
                escape(_short(r["title"], 40)),
            )
        out.print(t)
    if cmp["other"]:
        t = Table(title="other series for these cities (not in the index)", title_justify="left")
        for col in ("series", "city", "value", "year", "kind", "source", "note"):
            t.add_column(col, overflow="fold")
        for o in cmp["other"]:
            t.add_row(
                escape(o["indicator"]),
                escape(cmp["names"][o["entity"]]),
                escape(f"{o['qualifier']}{fmt(o['value'])} {o['unit']}"),
                escape(str(o["year"])),
                "seed article" if o["seed"] else "",
                escape(_short(o["title"], 40)),
                escape(_short(o["note"], 80)),
            )
        out.print(t)
    return cmp


def _short(s: object, n: int) -> str:
    s = "" if s is None or (isinstance(s, float) and np.isnan(s)) else str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


# -- commands ------------------------------------------------------------------------------------
FrameworkOpt = Annotated[
    str | None,
    typer.Option(
        "--framework",
        help="bundled framework name or YAML path (default national; three_pools on --data cited)",
    ),
]
DataOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        help="bundled data: national (the yearbook's 297 "
        "cities, default) or cited (12 cities' cited values); "
        "or raw cited city CSV(s)",
    ),
]
StoreOpt = Annotated[Path | None, typer.Option("--store", help="take observations from this DuckDB store")]
YearOpt = Annotated[
    int | None, typer.Option("--year", help="reference year (default: latest year in the data)")
]
WindowOpt = Annotated[
    int, typer.Option("--window", help="years back a value may come from (flagged outdated)")
]
PolicyOpt = Annotated[
    str,
    typer.Option(
        "--policy", help="which source wins: quality (non-seed, not low-quality, then latest) or latest"
    ),
]


@app.command("run")
def run_cmd(
    framework: FrameworkOpt = None,
    spec: Annotated[
        str | None,
        typer.Option("--spec", help="pipeline spec: a bundled name (default, per_capita) or a YAML path"),
    ] = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    year: YearOpt = None,
    window: WindowOpt = DEFAULT_WINDOW,
    policy: PolicyOpt = "quality",
    report: Annotated[Path, typer.Option("--report", help="plain HTML report to write")] = Path(
        "report.html"
    ),
    no_report: Annotated[bool, typer.Option("--no-report", help="do not write the report")] = False,
    compare: Annotated[tuple[str, str], typer.Option("--compare", help="two cities to compare")] = (
        "深圳",
        "杭州",
    ),
    top: Annotated[
        int | None, typer.Option("--top", help="rows of the ranking to print (default all)")
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--uncertainty", help="Monte Carlo runs for rank intervals and P(A outranks B) (0: none)"
        ),
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="seed of the uncertainty analysis")] = 1,
    sensitivity_base: Annotated[
        int,
        typer.Option(
            "--sensitivity",
            help="Sobol base sample (a power of 2) for the report's 'which choice matters' (0: none)",
        ),
    ] = 256,
    plain: Annotated[
        bool, typer.Option("--plain", help="write the plain report instead of the full one")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="language of the report: zh or en")] = "zh",
) -> None:
    """Build the index (default: national, the yearbook's 297 cities; --data cited: three_pools on the 12 cities'
    cited values), print ranking and comparison, national ranks, percentiles and peer groups, how sure the
    comparison is (Monte Carlo over weights, normalisation and aggregation), and write the report."""
    from innoscope.report.i18n import check_lang

    check_lang(lang)
    out = _out()
    b = city_build(
        framework=framework, spec=spec, data=data, store=store, year=year, window=window, policy=policy
    )
    if b.imported is not None:
        out.print(escape(b.imported.summary()))
    pair = (_resolve_city(b, compare[0]), _resolve_city(b, compare[1]))
    national = b.window == 0 and "province" in b.observations.columns
    _print_ranking(out, b, top if top is not None or not national else 30)
    if national:
        _print_coverage(out, b)
    cmp = _print_compare(out, b, *compare, sources=False)
    if national:
        _print_standing(out, b, pair)
        _print_lists(out, b, pair)
        _print_official_vs_cited(out, pair)
    unc = _print_uncertainty(out, b, pair, runs, seed) if runs > 0 else None
    _print_in_short(out, b, cmp, unc)
    unc = unc[0] if unc is not None else None
    if no_report:
        return
    if plain:
        from innoscope.cities.plain_report import write_plain_report

        p = write_plain_report(b, report, compare=pair)
    else:
        from innoscope.cities.basemap import china
        from innoscope.cities.national_index import coordinates
        from innoscope.report import build_report
        from innoscope.report.model import provenance_from_choices

        b.cross_section.provenance = provenance_from_choices(b.choices)
        sens = sensitivity_for_report(b.result, sensitivity_base, seed)
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(
            build_report(
                b.result,
                lang=lang,
                uncertainty=unc,
                compare=compare,
                sensitivity=sens,
                coordinates=coordinates(list(b.cross_section.values.index)),
                basemap=china(),
                tables=_national_tables(b) if national else None,
            ),
            encoding="utf-8",
        )
        p = report
    out.print(f"wrote {escape(str(p))}")


def _national_tables(b: CityBuild) -> list:
    """The report's sections for the national data: the cited lists with their semantics, official vs cited."""
    from innoscope.cities.cited_lists import STATUS, cited_lists
    from innoscope.cities.national_index import official_vs_cited
    from innoscope.report.model import ReportTable

    lists = pd.DataFrame(
        [
            {
                "list": f"{x.name_zh} / {x.name_en}",
                "kind": x.completeness if x.completeness != "top_n" else f"top {x.n}",
                "members": "、".join(f"{k} {v:g}" for k, v in x.members.items()),
                "a city not on it": {"complete": STATUS["zero"], "top_n": STATUS["censored"]}.get(
                    x.completeness, STATUS["not_collected"]
                ).format(shown=x.bound),
                "why": x.why,
                "source": f"{x.source_title} {x.source_url}",
            }
            for x in cited_lists()
        ]
    )
    t = official_vs_cited()
    cmp = pd.DataFrame(
        {
            "city": t["city"],
            "series": t["series"],
            "yearbook 2023 (cell)": [
                f"{_num(v)} ({c})" for v, c in zip(t["official"], t["official_cell"], strict=True)
            ],
            "cited (year)": [
                f"{q}{_num(v)} ({'article ~2024' if s else y})"
                for q, v, s, y in zip(t["qualifier"], t["cited"], t["seed"], t["cited_year"], strict=True)
            ],
            "cited/yearbook": t["ratio"].map(lambda r: "—" if pd.isna(r) else f"{r:.3f}"),
            "verdict": t["verdict"],
            "used: why": t["why"],
            "source": t["source"],
        }
    )
    counts = ", ".join(f"{n} {v}" for v, n in t["verdict"].value_counts().items())
    return [
        ReportTable(
            "cited-lists",
            "引用层榜单 cited lists",
            "What a city's absence from each cited list means (docs/national.md section 4); shown beside the index, "
            "never scored in it.",
            lists,
        ),
        ReportTable(
            "official-vs-cited",
            "官方与引用 official vs cited",
            f"Every cited value beside the yearbook's value of the same quantity ({len(t)} pairs: {counts}); the "
            "value the index uses and why.",
            cmp,
        ),
    ]


def _print_coverage(out: Console, b: CityBuild) -> None:
    """How many values are reported, filled from the cited layer, imputed (scored 0) or missing, per city."""
    from innoscope.cities.national_index import coverage, set_aside

    c = coverage(b)
    n = c["n_indicators"].iloc[0]
    full = int((c["reported"] == n).sum())
    out.print(
        f"coverage: {len(c)} cities, {int(c['ranked'].sum())} ranked; {full} report all {n} indicators; "
        f"{int(c['imputed'].sum())} values imputed as 0 in {int((c['imputed'] > 0).sum())} cities (a missing "
        f"value is scored as none); {int(c['cited'].sum())} filled from the cited layer "
        f"({escape(', '.join(c.loc[c['cited'] > 0, 'name']))}); not ranked (under half reported): "
        f"{escape(', '.join(c.loc[~c['ranked'], 'name'])) or 'none'}"
    )
    aside = set_aside()
    if len(aside):
        out.print(
            "set aside (below 0: not a count or an amount; scored as a gap): "
            + escape(
                "; ".join(
                    f"{r['entity_name']} {r['indicator']} {r['raw']} {r['unit']} ({r['table']} {r['cell']})"
                    for _, r in aside.iterrows()
                )
            )
        )
    worst = c[c["ranked"] & (c["imputed"] > 0)].sort_values("imputed", ascending=False).head(8)
    out.print(
        "most imputed: " + escape(", ".join(f"{r['name']} {r['imputed']}/{n}" for _, r in worst.iterrows()))
    )


def _print_standing(out: Console, b: CityBuild, pair: tuple[str, str]) -> None:
    """National rank and percentile of both cities on the index and each pool, then their peer groups."""
    from innoscope.cities.peers import national_standing, peer_groups, peer_ranks

    names = b.cross_section.names
    sa, sb = (national_standing(b, e) for e in pair)
    t = Table(
        title=escape(f"national rank (of n ranked) and percentile: {names[pair[0]]} vs {names[pair[1]]}"),
        title_justify="left",
    )
    for col in (
        "node",
        f"rank {names[pair[0]]}",
        f"pct {names[pair[0]]}",
        f"rank {names[pair[1]]}",
        f"pct {names[pair[1]]}",
        "n",
    ):
        t.add_column(escape(col))
    for (_, ra), (_, rb) in zip(sa.iterrows(), sb.iterrows(), strict=True):
        t.add_row(
            escape(f"{ra['name_zh']} {ra['name_en']}"),
            _score(ra["rank"]).removesuffix(".0"),
            _score(ra["percentile"]),
            _score(rb["rank"]).removesuffix(".0"),
            _score(rb["percentile"]),
            str(ra["n"]),
        )
    out.print(t)
    provinces = tuple(
        dict.fromkeys(
            b.observations.drop_duplicates("entity").set_index("entity").loc[list(pair), "province"]
        )
    )
    pools = b.framework.codes(2)
    for label, members in peer_groups(b, provinces).items():
        pr = peer_ranks(b, members)
        t = Table(
            title=escape(f"peer group {label}: {len(pr)} cities, rank within the group (national rank)"),
            title_justify="left",
        )
        for col in ("rank", "city", "index", "national", *[b.framework[p].name_zh for p in pools]):
            t.add_column(escape(col))
        for e, r in pr.iterrows():
            mark = "[bold]" if e in pair else ""
            t.add_row(
                _score(r["rank"]).removesuffix(".0"),
                f"{mark}{escape(r['name'])}",
                _score(r["score"]),
                _score(r["national_rank"]).removesuffix(".0"),
                *[_score(r[f"rank_{p}"]).removesuffix(".0") for p in pools],
            )
        out.print(t)


def _print_lists(out: Console, b: CityBuild, pair: tuple[str, str]) -> None:
    """The cited layer's lists beside the index (never scored): each list's completeness and what a city's absence
    means, and both cities' values and places among the yearbook cities (docs/national.md section 4)."""
    from innoscope.cities.cited_lists import STATUS, list_layer

    lay = list_layer(b.entities).set_index(["list", "entity"])
    names = b.cross_section.names
    t = Table(
        title=escape(
            f"cited layer, lists (beside the index, not scored): {names[pair[0]]} vs {names[pair[1]]}; "
            "place among the yearbook cities"
        ),
        title_justify="left",
    )
    for col in ("list", "kind", *(f"{names[e]} (place)" for e in pair), "a city not on it"):
        t.add_column(escape(col))
    for lid, g in lay.groupby(level="list", sort=False):
        first = g.iloc[0]
        absent = g[g["status"] != "listed"]
        rule = STATUS[absent["status"].iloc[0]].format(shown=absent["shown"].iloc[0]) if len(absent) else "—"
        cells = [
            f"{g.at[(lid, e), 'shown']} ({_score(g.at[(lid, e), 'place']).removesuffix('.0')})" for e in pair
        ]
        t.add_row(
            escape(str(first["list_zh"])), escape(str(first["completeness"])), *map(escape, cells), rule
        )
    out.print(t)


def _print_official_vs_cited(out: Console, pair: tuple[str, str]) -> None:
    """Cited values beside the yearbook's of the same quantity: how many agree, conflict or are of another year,
    then the rows of both cities and every conflict or blank, with the value the index uses and why."""
    from innoscope.cities.national_index import official_vs_cited

    t = official_vs_cited()
    counts = t["verdict"].value_counts()
    out.print(
        escape(
            f"official vs cited (same quantity, {len(t)} pairs): "
            + ", ".join(f"{n} {v}" for v, n in counts.items())
            + f"; conflicts in the same year: {int(counts.get('conflict', 0))}"
        )
    )
    pair_rows = t["entity"].isin(pair) & (
        (t["verdict"] != "another year") | (t["series"] == "high_tech_enterprises")
    )
    show = t[pair_rows | t["verdict"].isin(["conflict", "official blank"])]
    table = Table(
        title="official (yearbook 2023) vs cited: both cities (other years: firms only), every conflict and blank"
    )
    for col in (
        "city",
        "series",
        "yearbook (cell)",
        "cited (year)",
        "cited/yearbook",
        "verdict",
        "used: why",
    ):
        table.add_column(escape(col))
    for _, r in show.iterrows():
        cited_year = "article ~2024" if r["seed"] else str(r["cited_year"])
        table.add_row(
            escape(str(r["city"])),
            escape(str(r["series"])),
            escape(f"{_num(r['official'])} ({r['official_cell']})"),
            escape(f"{r['qualifier']}{_num(r['cited'])} ({cited_year})"),
            "—" if pd.isna(r["ratio"]) else f"{r['ratio']:.3f}",
            escape(str(r["verdict"])),
            escape(str(r["why"])),
        )
    out.print(table)


def _num(x: float) -> str:
    return "blank" if pd.isna(x) else f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}"


def _print_uncertainty(out: Console, b: CityBuild, pair: tuple[str, str], runs: int, seed: int):
    """P(A outranks B) at every level and the index's rank intervals, under the spec's uncertain choices
    (else :func:`~innoscope.analysis.uncertainty.default_inputs`: weights +/-25%, min-max vs z-score,
    arithmetic vs geometric mean)."""
    from innoscope.analysis.uncertainty import uncertainty_any_design
    from innoscope.report.i18n import t as ui_text

    res, design = uncertainty_any_design(
        b.framework, b.cross_section, b.spec, n=runs, seed=seed, pairs=list(pair)
    )
    names = b.cross_section.names
    na, nb = names[pair[0]], names[pair[1]]
    varied = ui_text(f"design:{design}", "en")
    t = Table(
        title=escape(f"How sure? P({na} outranks {nb}) over {runs} Monte Carlo runs ({varied})"),
        title_justify="left",
    )
    for col in ("node", f"P({na} > {nb})", f"P({nb} > {na})"):
        t.add_column(escape(col))
    table = res.compare(*pair)
    for _, r in table.iterrows():
        node = b.framework[r["node"]]
        t.add_row(escape(f"{node.name_zh} {node.name_en}"), f"{r.iloc[3]:.3f}", f"{r.iloc[4]:.3f}")
    out.print(t)
    stats = res.rank_stats()
    stats = stats.set_index("uCode") if "uCode" in stats.columns else stats
    s = stats.loc[[p for p in pair if p in stats.index]]
    if len(s):
        out.print(
            "; ".join(
                f"{escape(names[e])}: nominal rank {r['nominal']:.0f}, 90% interval "
                f"{r['q05']:.0f}–{r['q95']:.0f}"
                for e, r in s.iterrows()
            )
        )
    return res, varied


def _print_in_short(out: Console, b: CityBuild, cmp: dict, unc: tuple | None) -> None:
    """The comparison in a few sentences (:func:`~innoscope.citydata.in_short`)."""
    p = varied = None
    if unc is not None:
        res, varied = unc
        p = res.prob_outranks(cmp["a"], cmp["b"])
    out.print("[bold]In short.[/] " + escape(" ".join(in_short(b, cmp, p, varied or ""))), soft_wrap=False)


@app.command("compare")
def compare_cmd(
    a: Annotated[str, typer.Argument(help="first city (深圳, 深圳市, Shenzhen ...)")],
    b_: Annotated[str, typer.Argument(metavar="B", help="second city")],
    framework: FrameworkOpt = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    year: YearOpt = None,
    window: WindowOpt = DEFAULT_WINDOW,
    policy: PolicyOpt = "quality",
    runs: Annotated[
        int,
        typer.Option(
            "--uncertainty",
            min=0,
            help="Monte Carlo runs for P(A outranks B) on the index and every pool "
            "(--uncertainty alone: 2000; default 0: none)",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="seed of the uncertainty analysis")] = 1,
) -> None:
    """Two cities side by side: per pool and indicator, value used with year and flags, per-capita and
    per-km² values, ratio, who leads, and every other source with its year and definition note; with
    --uncertainty, how likely the first outranks the second on the index and on every pool."""
    b = city_build(framework=framework, data=data, store=store, year=year, window=window, policy=policy)
    pair = (_resolve_city(b, a), _resolve_city(b, b_))
    out = _out()
    cmp = _print_compare(out, b, a, b_, sources=True)
    unc = _print_uncertainty(out, b, pair, runs, seed) if runs > 0 else None
    _print_in_short(out, b, cmp, unc)


@app.command("import")
def import_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="data file(s): raw cited city CSV, or CSV/xlsx/parquet tables "
            "(wide, long, years as columns, NBS exports, yearbook tables)"
        ),
    ],
    framework: FrameworkOpt = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="text encoding (default: detected)")
    ] = None,
    store: Annotated[Path, typer.Option("--store", help="DuckDB store file")] = Path(DEFAULT_STORE),
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet name or 0-based index")] = None,
    layout: Annotated[
        str,
        typer.Option(
            "--layout", help="auto, long (entity, indicator, year, value) or wide (entities x indicators)"
        ),
    ] = "auto",
    header_rows: Annotated[
        int | None,
        typer.Option(
            "--header-rows",
            min=1,
            help="header rows (merged headers are joined with ' / '; default: detected)",
        ),
    ] = None,
    skip_rows: Annotated[
        int,
        typer.Option("--skip-rows", min=0, help="rows above the header to skip (titles; default: detected)"),
    ] = 0,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="HEADER=ROLE (entity, indicator, year, "
            "value, unit, source_title, source_url, excerpt, note) or, wide, HEADER=INDICATOR_ID; "
            "repeatable",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="year of every value, for a table that does not say it (no year column or years as columns, "
            "no year in its 时间： line, title, sheet name or file name)",
        ),
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option(
            "--indicator", help="indicator of a table with years as columns whose title does not name it"
        ),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="unit to convert every value to (e.g. 亿元)")
    ] = None,
    source_title: Annotated[
        str | None, typer.Option("--source-title", help="source of every value (e.g. the yearbook's title)")
    ] = None,
    source_url: Annotated[str | None, typer.Option("--source-url", help="address of that source")] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="wide layout: a column that is not an indicator; repeatable"),
    ] = None,
    on_bad_cell: Annotated[
        str,
        typer.Option(
            "--on-bad-cell",
            help="a cell with no readable number: reject "
            "(default: the import fails, listing every such cell) or flag "
            "(stored as missing with its raw text and reason)",
        ),
    ] = "reject",
    allow: Annotated[
        list[str] | None,
        typer.Option(
            "--allow", help="insist on values a check rejects: negative, share, year, indicator; repeatable"
        ),
    ] = None,
    dataset: Annotated[str, typer.Option("--dataset", help="dataset name in the store")] = "default",
    note: Annotated[str | None, typer.Option("--note", help="a note kept with the import")] = None,
    show: Annotated[int, typer.Option("--show", help="issues of the import report to print")] = 20,
    lock_timeout: Annotated[
        float | None,
        typer.Option(
            "--lock-timeout",
            min=0,
            help="seconds to wait while another innoscope process holds the store "
            "(default 30, or INNOSCOPE_LOCK_TIMEOUT)",
        ),
    ] = None,
    new_entities: Annotated[
        str,
        typer.Option(
            "--new-entities",
            help="a name neither the store nor the gazetteer knows: reject (default: the import is refused, "
            "every such name listed) or add (it becomes a new entity of the store)",
        ),
    ] = "reject",
) -> None:
    """Import files into the store: every file lands or none does, with an import report.

    Names are read against the store's entities and the gazetteer of every Chinese province, prefecture and
    county (深圳, 深圳市, Shenzhen; 吉林市 vs 吉林省 and 朝阳区 in two cities settled by the table's title and other
    rows, or reported); places the store does not have yet are added with the import; totals and regions
    (全国合计, 东部地区) are set aside and listed; every name that does not resolve is listed in one error.

    Official tables come as published: title lines (a title, NBS 数据库：/指标：/地区：/时间：, 单位：万元),
    merged bilingual headers with units and 全市/市辖区 series, years as columns, footer lines (注：…, 数据来源：…)
    are recognised; what is not data is set aside and listed. Options remain for what a file cannot say
    (--year, --column 地区=entity, --indicator, --sheet, --source-title). A cell with no readable number
    (OCR damage such as £05, two numbers, a date) rejects the import, listing every such cell, unless
    --on-bad-cell flag. Values that make no sense (negative count, 1e999, year 3024, share > 100 %, with
    --framework an indicator it does not know) are rejected unless --allow. Importing the same file with the
    same options again changes nothing; with other options it is a new import."""
    out = _out()
    _check_import_options(files, layout, on_bad_cell, allow or [], new_entities)
    columns = _column_mapping(column or [])
    fw = read_framework_yaml(str(framework_path(framework))) if framework else None
    units = {c: fw[c].unit for c in fw.indicators if fw[c].unit} if fw else None
    known = (set(fw.indicators) | set(fw.denominators)) if fw is not None else None
    entities = _store_entities(store, lock_timeout)
    read = []
    for file in files:
        if is_review_file(file):
            fw_units = fw or read_framework_yaml(str(framework_path(None)))
            long, decided = read_review(
                file, units={c: fw_units[c].unit for c in fw_units.indicators if fw_units[c].unit}
            )
            out.print(
                f"{escape(str(file))}: review file of innoscope extract: {len(long)} value(s) to store "
                f"({decided['accept']} accepted, {decided['correct']} corrected; {decided['reject']} "
                f"rejected, {decided['unreviewed']} without a decision, not stored)"
            )
            read.append((file, long, None, {"reader": "review"}, []))
            continue
        if _is_cited_city_file(file, encoding):
            imp = import_cities(file, units=units, encoding=encoding, entities=entities)
            long = to_tidy(imp.observations)
            out.print(escape(imp.summary()))
            _print_report(out, imp.report, show)
            read.append(
                (
                    file,
                    long,
                    imp.sha256,
                    {"reader": "cited", **({"encoding": encoding} if encoding else {})},
                    [],
                )
            )
            continue
        sh: str | int | None = int(sheet) if sheet is not None and sheet.isdigit() else sheet
        opts = dict(
            encoding=encoding,
            sheet=sh,
            units=units,
            layout=layout,
            header_rows=header_rows,
            skiprows=skip_rows,
            columns=columns,
            year=year,
            unit=unit,
            source_title=source_title,
            source_url=source_url,
            exclude=exclude or (),
            indicator=indicator,
            on_bad_cell=on_bad_cell,
            require_year=True,
        )
        from innoscope.ingest.readers import read_table

        long = read_table(file, entities=None, **opts)
        _print_table_report(out, file, long, show)
        long, added = _resolve_names(out, long, entities, new_entities, str(file))
        for ent in added:
            entities.add(ent)
        read.append((file, long, long.attrs.get("sha256"), None, added))
    with open_store(store, read_only=False, lock_timeout=lock_timeout) as st, st.transaction():
        recs = [
            st.import_long(
                long,
                file=str(file),
                sha256=sha,
                dataset=dataset,
                note=note,
                options=opts,
                check=True,
                allow=allow or (),
                known_indicators=known,
                entities=added,
            )
            for file, long, sha, opts, added in read
        ]
    for (file, *_), rec in zip(read, recs, strict=True):
        verb = "already in" if rec.reused else "imported into"
        name = f"{escape(str(file))}: " if len(files) > 1 else ""
        out.print(
            f"{name}{verb} {escape(str(store))}: import {rec.id}, {rec.n_rows} rows, {rec.n_values} values, "
            f"{rec.n_flagged} flagged, sha256 {rec.sha256[:12]}"
        )


def _print_table_report(out: Console, file: Path, long: pd.DataFrame, show: int) -> None:
    """What the reader made of a table: layout, title metadata, rows set aside, bad cells flagged."""
    meta = json.loads(long.attrs.get("meta") or "{}")
    said = ", ".join(f"{k}: {v}" for k, v in meta.items() if k != "title")
    out.print(
        f"{escape(str(file))}: {len(long)} values read ({escape(str(long.attrs.get('layout')))} layout)"
        + (f"; the title says {escape(said)}" if said else "")
    )
    source = str(long.attrs.get("year_source") or "")
    if source and source != "--year" and not source.startswith("column "):
        years = sorted({int(y) for y in long["year"].dropna().unique()})
        said = ", ".join(map(str, years[:6])) + (" ..." if len(years) > 6 else "")
        out.print(f"year {escape(said)} read from {escape(source)}")
    if long["year"].isna().all():
        out.print(
            "[yellow]note:[/] the table has no year column, title line or year header and no --year was "
            "given: its values are stored undated (a cross-section uses them only as denominators); pass "
            "--year YEAR"
        )
    notes = json.loads(long.attrs.get("notes") or "[]")
    if notes:
        out.print(
            f"set aside {len(notes)} row(s) that are not data (titles, units, headings, notes under the "
            "table):"
        )
        for row, text in notes[:show] if show > 0 else []:
            out.print(f"  row {row}: {escape(text[:200])}")
        if 0 < show < len(notes):
            out.print(f"  ... {len(notes) - show} more (--show N)")
    bad = json.loads(long.attrs.get("bad_cells") or "[]")
    if bad:
        out.print(f"[yellow]{len(bad)} bad cell(s)[/] stored as missing, flagged 'bad':")
        for f, sheet, cell, raw, reason in bad:
            out.print(
                f"  {escape(Path(f).name)}{escape(f', sheet {sheet}' if sheet else '')}, {escape(cell)}: "
                f"{escape(repr(raw))} ({escape(reason)})"
            )


def _store_entities(store: Path, lock_timeout: float | None = None) -> EntityTable:
    """The store's entities, or those a new store starts with (the store is not created before the import)."""
    if not store.exists():
        return EntityTable.default()
    with open_store(store, read_only=True, lock_timeout=lock_timeout) as st:
        return st.entity_table()


def _check_import_options(
    files: list[Path], layout: str, on_bad_cell: str, allow: list[str], new_entities: str
) -> None:
    """Every file exists and every option has a known value, before anything is read."""
    from innoscope.ingest.badcells import BAD_CELL_POLICIES
    from innoscope.ingest.checks import CHECKS

    for file in files:
        if not file.is_file():
            raise DataError(f"{file}: {'is a directory, not a file' if file.is_dir() else 'no such file'}")
    if layout not in ("auto", "long", "wide"):
        raise DataError(f"--layout must be auto, long or wide, got {layout!r}")
    if on_bad_cell not in BAD_CELL_POLICIES:
        raise DataError(f"--on-bad-cell must be {' or '.join(BAD_CELL_POLICIES)}, got {on_bad_cell!r}")
    bad_allow = sorted(set(allow) - set(CHECKS))
    if bad_allow:
        raise DataError(f"--allow {bad_allow[0]!r}: expected one of {', '.join(CHECKS)}")
    if new_entities not in NEW_ENTITIES:
        raise DataError(f"--new-entities must be {' or '.join(NEW_ENTITIES)}, got {new_entities!r}")


def _resolve_names(
    out: Console, long: pd.DataFrame, table: EntityTable, new_entities: str, file: str
) -> tuple[pd.DataFrame, list]:
    """Entity names of a read table resolved (:func:`~innoscope.cities.entities.resolve_entities`, the set-aside
    title and note rows as the title): ids in ``entity``, aggregate rows set aside and listed, and the entities the
    import adds. Every name that does not resolve is listed in one error."""
    order = long.sort_values("row", kind="stable") if "row" in long.columns else long
    title = " ".join(text for _, text in json.loads(long.attrs.get("notes") or "[]"))
    provinces = None
    if "province" in long.columns:
        provinces = [None if pd.isna(p) else str(p) for p in order["province"]]
    res = resolve_entities(
        order["entity"].astype(str).tolist(),
        table,
        title=title or None,
        provinces=provinces,
        new_entities=new_entities,
    )
    if res.problems:
        exc = problems_error(file, res.problems)
        enc = long.attrs.get("encoding")
        if (
            enc
            and not long.attrs.get("sheet")
            and not json.loads(long.attrs.get("options") or "{}").get("encoding")
        ):
            exc = DataError(
                f"{exc}; the file was read as {enc} (detected): if its names look garbled, give the encoding "
                "(--encoding gbk, big5 or utf-8)"
            )
        raise exc
    attrs = dict(long.attrs)
    if res.aggregates:
        drop = long["entity"].isin(list(res.aggregates))
        out.print(
            f"set aside {int(drop.sum())} value(s) of {len(res.aggregates)} total or regional row(s), not "
            f"places: " + ", ".join(f"{escape(n)} ({k})" for n, k in res.aggregates.items())
        )
        long = long[~drop].reset_index(drop=True)
    if provinces is None:
        long = long.assign(entity=long["entity"].map(res.ids))
    else:
        provs = [None if pd.isna(p) else str(p) for p in long["province"]]
        keys = zip(long["entity"].astype(str), provs, strict=True)
        long = long.assign(entity=[res.by_row[k] for k in keys])
    long.attrs = attrs
    fresh = [n for n, h in res.how.items() if h == "new entity"]
    if res.new:
        out.print(
            f"{len(res.new)} new entit{'y' if len(res.new) == 1 else 'ies'} for the store: "
            f"{len(res.new) - len(fresh)} place(s) of the gazetteer"
            + (f", {len(fresh)} not in it (--new-entities add): {escape(', '.join(fresh))}" if fresh else "")
        )
    return long, res.new


def _column_mapping(items: list[str]) -> dict[str, str]:
    """``--column HEADER=ROLE`` options as a mapping (the header may itself contain '=' only before the last)."""
    out = {}
    for item in items:
        head, sep, role = item.rpartition("=")
        if not sep or not head.strip() or not role.strip():
            raise DataError(f"--column {item!r}: expected HEADER=ROLE, e.g. --column 地区=entity")
        out[head.strip()] = role.strip()
    return out


def _is_cited_city_file(file: Path, encoding: str | None) -> bool:
    if file.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return False
    head = file.read_bytes()[:4096]
    for enc in [encoding] if encoding else ["utf-8-sig", "gb18030", "big5"]:
        try:
            first = head.decode(enc, errors="strict" if len(head) < 4096 else "ignore").splitlines()[0]
        except (UnicodeDecodeError, IndexError, LookupError):
            continue
        cols = [c.strip().strip('"') for c in first.split(",")]
        return all(c in cols for c in CITY_COLUMNS)
    return False


def _print_report(out: Console, report: pd.DataFrame, show: int) -> None:
    if report is None or report.empty:
        return
    counts = report["severity"].value_counts().to_dict() if "severity" in report else {}
    out.print(f"import report: {', '.join(f'{v} {k}' for k, v in counts.items())}")
    if show <= 0:
        return
    t = Table(show_header=True)
    for col in ("line", "severity", "kind", "message"):
        t.add_column(col, overflow="fold")
    for _, r in report.head(show).iterrows():
        t.add_row(
            str(r.get("line", "")),
            str(r.get("severity", "")),
            str(r.get("kind", "")),
            escape(str(r.get("message", ""))),
        )
    out.print(t)
    if len(report) > show:
        out.print(f"... {len(report) - show} more (--show N)")


@app.command("list")
def list_cmd(
    store: Annotated[Path, typer.Option("--store", help="DuckDB store file")] = Path(DEFAULT_STORE),
) -> None:
    """Bundled frameworks, specs and datasets, and the imports in the store."""
    out = _out()
    t = Table(title="bundled", title_justify="left")
    for col in ("kind", "name", "content"):
        t.add_column(col)
    root = resources.files("innoscope").joinpath("data")
    for f in sorted(root.joinpath("frameworks").iterdir(), key=lambda f: f.name):
        if f.name.endswith(".yaml"):
            fw = read_framework_yaml(str(f))
            t.add_row(
                "framework",
                f.name.removesuffix(".yaml"),
                f"{len(fw.indicators)} indicators in {len(fw.codes(2))} pools",
            )
    for f in sorted(root.joinpath("specs").iterdir(), key=lambda f: f.name):
        if f.name.endswith(".yaml"):
            sp = PipelineSpec.from_yaml(Path(str(f)))
            t.add_row("spec", f.name.removesuffix(".yaml"), ", ".join(s.stage for s in sp.steps))
    p = bundled_path()
    raw = pd.read_csv(p, dtype=str)
    t.add_row(
        "dataset",
        "cities (city_indicators.csv)",
        f"{len(raw)} cited values, {raw['city_zh'].nunique()} cities, {raw['indicator'].nunique()} series, "
        f"{int(raw['source_url'].str.startswith('seed:').sum())} from the seed article",
    )
    ents = EntityTable.default()
    t.add_row(
        "entities", "entities.yaml", ", ".join(f"{e.name_zh} {e.name_en}" for e in ents.entities.values())
    )
    out.print(t)
    if not store.exists():
        out.print(f"store {escape(str(store))}: not created yet (innoscope import FILE)")
        return
    with open_store(store, read_only=True) as st:
        imports = st.imports()
    t = Table(title=f"imports in {escape(str(store))}", title_justify="left")
    for col in imports.columns:
        t.add_column(escape(str(col)))
    for _, r in imports.iterrows():
        t.add_row(*[escape(_import_cell(c, v)) for c, v in r.items()])
    out.print(t)


def _import_cell(column: str, value: object) -> str:
    """A cell of the imports table as shown: empty for none, the sha256 shortened, times to the second."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if column == "sha256":
        return str(value)[:12]
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return str(value)


@app.command("show")
def show_cmd(
    store: Annotated[Path, typer.Option("--store", help="DuckDB store file")] = Path(DEFAULT_STORE),
    top: Annotated[int, typer.Option("--top", help="rows of each table to print (0: all)")] = 0,
) -> None:
    """What a store holds: its imports (with the options that shaped them), the entities with observations,
    and every indicator with its units, years and counts."""
    if not store.is_file():
        raise DataError(
            f"store {store} does not exist; create it with `innoscope import FILE --store {store}`"
        )

    with open_store(store, read_only=True) as st:
        tables = st.summary()
    out = _out()
    for name, df in tables.items():
        shown = df.head(top) if top else df
        t = Table(title=f"{name} in {escape(str(store))}: {len(df)}", title_justify="left")
        for col in df.columns:
            t.add_column(escape(str(col)), overflow="fold")
        for _, r in shown.iterrows():
            t.add_row(*[escape(_import_cell(c, v)) for c, v in r.items()])
        out.print(t)
        if len(shown) < len(df):
            out.print(f"... {len(df) - len(shown)} more (--top 0 for all)")


@app.command("export")
def export_cmd(
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Excel workbook with every table")] = None,
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="a .csv file (one row per city) or a folder (every table as CSV)"),
    ] = None,
    framework: FrameworkOpt = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    year: YearOpt = None,
    window: WindowOpt = DEFAULT_WINDOW,
    policy: PolicyOpt = "quality",
    observations: Annotated[
        Path | None,
        typer.Option(
            "--observations",
            help="with --store: every stored "
            "observation, any indicator, in long form (entity, entity_code, indicator, unit, year, "
            "value, flags, source_file, source_cell, ...) as CSV",
        ),
    ] = None,
) -> None:
    """Export the default build: ranking and scores, values with years and flags, choices, observations;
    with --store S --observations FILE.csv, everything the store holds, as imported.

    Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is written as text
    (docs/methods/report.md, "Exports").
    """
    if xlsx is None and csv is None and observations is None:
        raise DataError(
            "nothing to export: give --xlsx FILE and/or --csv FILE|FOLDER, or --store S "
            "--observations FILE.csv"
        )
    out = _out()
    if observations is not None:
        _export_observations(out, store, observations)
        if xlsx is None and csv is None:
            return
    b = city_build(framework=framework, data=data, store=store, year=year, window=window, policy=policy)
    tables = export_tables(b)
    if xlsx is not None:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(tables, xlsx)
        out.print(f"wrote {escape(str(xlsx))} ({len(tables)} sheets)")
    if csv is not None:
        if csv.suffix.lower() == ".csv":
            csv.parent.mkdir(parents=True, exist_ok=True)
            write_csv(tables["cities"], csv)
            out.print(f"wrote {escape(str(csv))}")
        else:
            csv.mkdir(parents=True, exist_ok=True)
            for name, df in tables.items():
                write_csv(df, csv / f"{name}.csv")
            out.print(f"wrote {len(tables)} CSV files to {escape(str(csv))}")


def _export_observations(out: Console, store: Path | None, path: Path) -> None:
    """Every observation of ``store`` in long form, as CSV (spreadsheet formulas written as text)."""
    if store is None:
        raise DataError("--observations exports a store: give --store S")
    if not store.is_file():
        raise DataError(
            f"store {store} does not exist; create it with `innoscope import FILE --store {store}`"
        )
    with open_store(store, read_only=True) as st:
        obs = st.export_observations()
    if obs.empty:
        raise DataError(f"store {store} holds no observations")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(obs, path)
    out.print(
        f"wrote {escape(str(path))} ({len(obs)} observations, {obs['indicator'].nunique()} "
        f"indicators, {obs['entity_code'].nunique()} entities)"
    )


def _every_city(rk: pd.DataFrame, b: CityBuild) -> pd.DataFrame:
    """The ranking's name columns, then the cities the screen set aside (三沙 on the national data), unscored, with
    their reason in ``not_ranked``, as the report and the dashboard list them: no city silently missing."""
    from innoscope.report.model import unranked

    aside = {u["code"]: u for u in unranked(b.result) if u["code"] not in rk.index}
    cities = rk[["name", "name_en", "rank", "score", "indicators", "pools", "outdated"]].reindex(
        [*rk.index, *aside]
    )
    names = b.entities.entities
    for e, u in aside.items():
        cities.loc[e, ["name", "name_en"]] = [u["name"], names[e].name_en if e in names else e]
    return cities.assign(not_ranked=[aside[e]["reason"] if e in aside else "" for e in cities.index])


def export_tables(b: CityBuild) -> dict[str, pd.DataFrame]:
    """Tables of a build: cities (rank, scores, values, years, flags), choices, observations, import report."""
    fw, cs = b.framework, b.cross_section
    rk = b.ranking()
    agg = b.result.aggregated
    cities = _every_city(rk, b)
    for p in fw.codes(2):
        cities[f"score_{p}"] = agg[p]
    for c in fw.indicators:
        cities[c] = cs.values[c]
        cities[f"{c}_year"] = cs.years[c].astype("Int64")
        cities[f"{c}_flags"] = cs.flags[c]
    for d in cs.denominators.columns:
        cities[f"denominator_{d}"] = cs.denominators[d]
    cities = cities[[*cities.columns.drop("not_ranked"), "not_ranked"]].rename_axis("entity").reset_index()
    tables = {
        "cities": cities,
        "scores": agg.rename_axis("entity").reset_index(),
        "choices": b.choices.copy(),
        "observations": b.observations.copy(),
        "framework": fw.to_imeta(),
    }
    if b.imported is not None:
        tables["import_report"] = b.imported.report.copy()
    meta = pd.DataFrame(
        {
            "key": ["source", "framework", "spec", "reference_year", "window", "policy"],
            "value": [b.source, fw.source, b.spec.to_yaml(), b.year, b.window, b.policy],
        }
    )
    tables["about"] = meta
    return tables

"""The bundled default: cited city data -> three_pools index, and a side-by-side comparison of two cities.

:func:`default_build` imports the raw cited file with :mod:`innoscope.cities.cited` (or takes
observations from a store), builds the cross-section for a reference year with :mod:`innoscope.store.panel`
and runs the default pipeline spec. :func:`compare_cities` lays two cities side by side per pool and
indicator: the value used with its year and flags, per-capita and per-km² views, ratio, who leads, and
every other source's value with its year and definition note; :func:`seed_claims` checks each figure of
the founding article against the independent sources.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from innoscope.analysis.gap import gap as gap_split
from innoscope.cities.cited import CityImport, import_cities
from innoscope.ingest.names import EntityTable
from innoscope.io.framework_yaml import read_framework_yaml
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError
from innoscope.model.framework import Framework
from innoscope.pipeline import PipelineSpec, build
from innoscope.pipeline.result import Result
from innoscope.store.panel import cross_section_with_choices, prepare

__all__ = [
    "SOURCE_COLUMNS",
    "DEFAULT_WINDOW",
    "CityBuild",
    "compare_cities",
    "default_build",
    "default_framework_path",
    "bundled_yaml",
    "default_spec_path",
    "fmt",
    "in_short",
    "seed_claims",
    "spec_path",
]

SOURCE_COLUMNS = (
    "indicator",
    "city",
    "series",
    "value",
    "year",
    "kind",
    "vs value used",
    "source",
    "definition note",
)
"""Columns of the table of every source of each compared value (the CLI's and the plain report's)."""

DEFAULT_WINDOW = 4
"""Years back from the reference year for the bundled data (see docs/three_pools.md)."""

COUNT_BASES = ("家", "件", "所", "篇", "人", "个", "项", "元")
PER_POP = 100.0
"""Per-capita views are per million residents: population is in 万人, so value / pop * 100."""


def default_framework_path() -> Path:
    return Path(str(resources.files("innoscope").joinpath("data/frameworks/three_pools.yaml")))


def default_spec_path() -> Path:
    return Path(str(resources.files("innoscope").joinpath("data/specs/default.yaml")))


def bundled_yaml(kind: str, name: str | Path) -> Path:
    """A YAML path as given, or the bundled ``data/{kind}s/{name}.yaml`` (``kind``: framework or spec); an
    unknown name lists the bundled ones."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise DataError(f"{kind} file {p} does not exist")
        return p
    folder = resources.files("innoscope").joinpath(f"data/{kind}s")
    bundled = folder.joinpath(f"{name}.yaml")
    if not bundled.is_file():
        names = sorted(f.name.removesuffix(".yaml") for f in folder.iterdir() if f.name.endswith(".yaml"))
        raise DataError(f"no bundled {kind} {str(name)!r}; bundled: {', '.join(names)} (or give a YAML path)")
    return Path(str(bundled))


def spec_path(spec: str | Path | None) -> Path:
    """A pipeline spec file: a bundled spec's name (``default``, ``per_capita``), a YAML path, or None for
    the default."""
    return default_spec_path() if spec is None else bundled_yaml("spec", spec)


@dataclass
class CityBuild:
    """Everything a default run produced (framework, observations, cross-section, choices, result)."""

    framework: Framework
    observations: pd.DataFrame
    cross_section: CrossSection
    choices: pd.DataFrame
    result: Result
    spec: PipelineSpec
    year: int
    window: int | None
    policy: str
    entities: EntityTable
    imported: CityImport | None = None
    source: str = ""

    def coverage(self) -> pd.DataFrame:
        """Per entity: indicators present (of all), pools scored (of all), values older than the year."""
        fw = self.framework
        v = self.cross_section.values
        agg = self.result.aggregated
        pools = fw.codes(2)
        flags = self.cross_section.flags if self.cross_section.flags is not None else pd.DataFrame()
        outdated = flags.apply(lambda col: col.str.contains("outdated")).sum(axis=1) if not flags.empty else 0
        return pd.DataFrame(
            {
                "indicators": v.notna().sum(axis=1),
                "n_indicators": v.shape[1],
                "pools": agg[pools].notna().sum(axis=1),
                "n_pools": len(pools),
                "outdated": outdated,
            }
        )

    def ranking(self) -> pd.DataFrame:
        r = self.result.ranking()
        en = {k: e.name_en for k, e in self.entities.entities.items()}
        r.insert(1, "name_en", [en.get(k, k) for k in r.index])
        return r.join(self.coverage())


def default_build(
    *,
    data: str | Path | None = None,
    observations: pd.DataFrame | None = None,
    framework: str | Path | Framework | None = None,
    spec: str | Path | PipelineSpec | None = None,
    year: int | None = None,
    window: int | None = DEFAULT_WINDOW,
    policy: str = "quality",
    entities: EntityTable | None = None,
    content: bytes | None = None,
) -> CityBuild:
    """Build the index: three_pools on the bundled cited data unless told otherwise.

    ``content``: the cited file's bytes, read from memory (``data`` then only names it).
    """
    fw = (
        framework
        if isinstance(framework, Framework)
        else read_framework_yaml(str(framework or default_framework_path()))
    )
    sp = spec if isinstance(spec, PipelineSpec) else PipelineSpec.from_yaml(spec_path(spec))
    ents = entities or EntityTable.default()
    imported = None
    if observations is None:
        units = {c: fw[c].unit for c in fw.indicators if fw[c].unit}
        imported = import_cities(data, entities=ents, units=units, content=content)
        observations = imported.observations
        source = imported.source
    else:
        source = "store"
    observations = prepare(observations)
    if "city_zh" not in observations.columns:
        observations["city_zh"] = observations["entity"].map(
            lambda e: ents.entities[e].name_zh if e in ents.entities else e
        )
    if "unit" not in observations.columns:
        observations["unit"] = ""
    names = pd.Series({k: (e.name_zh or e.name_en or k) for k, e in ents.entities.items()})
    in_data = list(dict.fromkeys(observations["entity"]))
    cs, choices = cross_section_with_choices(
        observations, fw, year=year, window=window, policy=policy, names=names, entities=in_data
    )
    cs = replace(cs, names_en=pd.Series({k: e.name_en for k, e in ents.entities.items() if e.name_en}))
    thin = {c: int(n) for c, n in cs.values.nunique().items() if n < 2}
    if thin:
        detail = ", ".join(f"{c} ({n} distinct value{'s' if n != 1 else ''})" for c, n in thin.items())
        raise DataError(
            f"too little data for reference year {choices.attrs['year']} and window {window}: {detail}; "
            "min-max needs at least two different values per indicator. Widen --window, pick another "
            "--year, or use a framework without these indicators"
        )
    result = build(fw, cs, sp)
    return CityBuild(
        framework=fw,
        observations=observations,
        cross_section=cs,
        choices=choices,
        result=result,
        spec=sp,
        year=int(choices.attrs["year"]),
        window=window,
        policy=policy,
        entities=ents,
        imported=imported,
        source=source,
    )


def fmt(x: float | None, digits: int = 4) -> str:
    """A number as people write it: ``26600``, ``2236.61``, ``6.46``, ``0.0123``; missing -> ``—``."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "—"
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    if abs(x) >= 100:
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{x:.{digits}g}"


def _is_count(unit: str | None) -> bool:
    if not unit or "/" in unit or unit in ("ratio", "rank", "world rank"):
        return False
    from innoscope.ingest.values import split_unit

    try:
        return split_unit(unit)[1] in COUNT_BASES
    except DataError:
        return False


def _relation(value: float, ref: float, lower: bool, ref_lower: bool, subject: str = "value used") -> str:
    """How ``value`` (a source) stands to ``ref`` (the value used, or the article's claim).

    Within 0.5 %: confirms; a source lower bound at or below ``ref`` (or ``ref`` a lower bound at or below the
    source): consistent; within 5 %: close; otherwise contradicts, with the relative difference.
    """
    if not (np.isfinite(value) and np.isfinite(ref)) or ref == 0:
        return ""
    diff = value / ref - 1
    if abs(diff) <= 0.005:
        return "confirms"
    if lower and value <= ref:
        return "consistent (source gives a lower bound)"
    if ref_lower and ref <= value:
        return f"consistent ({subject} is a lower bound)"
    if abs(diff) <= 0.05:
        return f"close ({diff:+.1%})"
    return f"contradicts ({diff:+.0%})"


def _sources(
    b: CityBuild, entity: str, series: list[str], comparable: set[str], used: dict | None
) -> list[dict]:
    o = b.observations
    rows = o[(o["entity"] == entity) & o["indicator"].isin(series)]
    out = []
    for _, r in rows.iterrows():
        if used is not None and r["uid"] == used["uid"]:
            continue
        rel = ""
        if used is not None and r["indicator"] in comparable and r["unit"] in ("rank", "world rank"):
            rel = "confirms" if r["value"] == used["value"] else f"differs (rank {fmt(r['value'])})"
        elif used is not None and r["indicator"] in comparable:
            rel = _relation(
                float(r["value"]), float(used["value"]), bool(r["lower_bound"]), bool(used["lower_bound"])
            )
            if rel and r["indicator"] != used["indicator"]:
                rel = f"{rel}; other definition"
        out.append(
            {
                "indicator": r["indicator"],
                "value": float(r["value"]),
                "unit": r["unit"],
                "year": r["year_raw"],
                "qualifier": _qual(r),
                "seed": bool(r["seed"]),
                "low_quality": bool(r["low_quality"]),
                "title": r["source_title"],
                "url": r["source_url"],
                "note": r["notes"],
                "relation": rel,
                "line": int(r["line"]),
            }
        )
    return out


def _qual(r: pd.Series) -> str:
    q = (
        (">" if r["lower_bound"] else "")
        + ("<" if r["upper_bound"] else "")
        + ("~" if r["approximate"] else "")
    )
    return q


def compare_cities(b: CityBuild, a: str, c: str) -> dict:
    """Side-by-side comparison of two cities (names resolve through the entity table: 深圳 = Shenzhen = 深圳市).

    Returns ``{"a", "b", "names", "index", "pools": [...], "indicators": [...], "other": [...], "gap"}``; ``gap``
    is :func:`innoscope.analysis.gap`'s split of the index gap into the indicators' contributions; each indicator
    row holds per city the value used, its year, flags, per-million-residents and per-km² values (counts only),
    the ratio a/b, the leader (by direction) and every other source row with its relation to the used value; an
    indicator with a framework ``denominator`` shows the intensity the index uses (the ``Denominated`` value).
    """
    ea = b.entities.resolve(a, where="compare")
    ec = b.entities.resolve(c, where="compare")
    for e, raw in ((ea, a), (ec, c)):
        if e not in b.cross_section.values.index:
            raise DataError(
                f"{raw!r} ({e}) has no data in this dataset; cities with data: "
                f"{', '.join(b.cross_section.names.tolist())}"
            )
    fw, cs, agg = b.framework, b.cross_section, b.result.aggregated
    names = {e: f"{cs.names[e]} {b.entities.entities[e].name_en}".strip() for e in (ea, ec)}
    ranks = b.result.all_ranks()
    used = {}
    if len(b.choices):
        for _, r in b.choices[b.choices["kind"] == "indicator"].iterrows():
            used[(r["entity"], r["code"])] = r.to_dict()

    def leader(code: str, va: float, vc: float) -> str:
        if not (np.isfinite(va) and np.isfinite(vc)) or va == vc:
            return "tie" if va == vc else "—"
        d = fw[code].direction if code in fw.indicators else 1
        return ea if (va - vc) * d > 0 else ec

    pools = []
    for code in fw.codes(2) + [fw.root]:
        sa, sc = float(agg.at[ea, code]), float(agg.at[ec, code])
        pools.append(
            {
                "code": code,
                "name_zh": fw[code].name_zh,
                "name_en": fw[code].name_en,
                "a": sa,
                "b": sc,
                "rank_a": ranks.at[ea, code],
                "rank_b": ranks.at[ec, code],
                "leader": leader(code, sa, sc),
            }
        )
    inds = []
    den = cs.denominators
    denominated = b.result.datasets.get("Denominated")
    for code in fw.indicators:
        node = fw[code]
        base = str(node.params.get("indicator", code))
        comparable = {base, *node.params.get("variants", [])}
        series = [base, *node.params.get("variants", []), *node.params.get("related", [])]
        row = {
            "code": code,
            "pool": node.parent,
            "name_zh": node.name_zh,
            "name_en": node.name_en,
            "unit": node.unit,
            "direction": node.direction,
            "select": node.params.get("select"),
        }
        for key, e in (("a", ea), ("b", ec)):
            u = used.get((e, code))
            v = float(
                denominated.at[e, code]
                if node.denominator and denominated is not None
                else cs.values.at[e, code]
            )
            row[key] = {
                "value": v,
                "year": None if u is None else u["year"],
                "flags": cs.flags.at[e, code],
                "qualifier": "" if u is None else _qual(pd.Series(u)),
                "title": None if u is None else u["source_title"],
                "per_million": v / den.at[e, "resident_population"] * PER_POP
                if _is_count(node.unit) and "resident_population" in den
                else np.nan,
                "per_km2": v / den.at[e, "land_area"]
                if _is_count(node.unit) and "land_area" in den
                else np.nan,
                "sources": _sources(b, e, series, comparable, u),
            }
        va, vc = row["a"]["value"], row["b"]["value"]
        row["ratio"] = va / vc if np.isfinite(va) and np.isfinite(vc) and vc != 0 else np.nan
        row["leader"] = leader(code, va, vc)
        inds.append(row)
    covered = {
        s
        for code in fw.indicators
        for s in [code, *fw[code].params.get("variants", []), *fw[code].params.get("related", [])]
    }
    covered |= set(fw.denominators)
    o = b.observations
    others = o[o["entity"].isin([ea, ec]) & ~o["indicator"].isin(covered)]
    other = [
        {
            "indicator": r["indicator"],
            "entity": r["entity"],
            "value": float(r["value"]),
            "unit": r["unit"],
            "year": r["year_raw"],
            "qualifier": _qual(r),
            "seed": bool(r["seed"]),
            "title": r["source_title"],
            "note": r["notes"],
        }
        for _, r in others.sort_values(["indicator", "entity"]).iterrows()
    ]
    dens = {}
    for code in fw.denominators:
        dens[code] = {e: float(den.at[e, code]) if code in den else np.nan for e in (ea, ec)}
    try:
        g = gap_split(b.result, ea, ec)
    except DataError as exc:
        gap = {"total": np.nan, "leaves": [], "why_not": str(exc)}
    else:
        gap = {
            "total": g.attrs["gap"],
            "why_not": "",
            "leaves": [
                {
                    "code": r.node,
                    "pool": r.parent,
                    "contribution": r.contribution,
                    "share": r.share,
                    "weight_a": r.effective_a,
                    "weight_b": r.effective_b,
                }
                for r in g[g["leaf"]].itertuples()
            ],
        }
    return {
        "a": ea,
        "b": ec,
        "names": names,
        "pools": pools,
        "indicators": inds,
        "other": other,
        "denominators": dens,
        "year": b.year,
        "window": b.window,
        "policy": b.policy,
        "gap": gap,
    }


def in_short(b: CityBuild, cmp: dict, p_outranks: float | None = None, design: str = "") -> list[str]:
    """The comparison ``cmp`` (:func:`compare_cities`) in a few English sentences with the cities' Chinese names
    (:func:`innoscope.report.model.summary_sentences`): ranks and the index gap, how sure (``p_outranks``, from a
    Monte Carlo over ``design``), which pools each city leads, the largest parts of the gap (missing values
    named), and how many values used are older than the reference year, bounds or the founding article's own."""
    from innoscope.report.model import summary_sentences

    a, c = cmp["a"], cmp["b"]
    names = {e: str(b.cross_section.names[e]) for e in (a, c)}
    return summary_sentences(
        b.result, a, c, "en", p_outranks=p_outranks, design=design, year=b.year, names=names, noun="cities"
    )


def seed_claims(b: CityBuild, entities: list[str] | None = None) -> pd.DataFrame:
    """Each founding-article (seed) figure beside every independent source of the same or a related series.

    Columns: entity, indicator, claim (value), claim_year, source_indicator, value, year, qualifier, title,
    relation (see :func:`_relation`), note. Same series, or a ``variants`` series of the framework.
    """
    fw = b.framework
    family: dict[str, set[str]] = {}
    for code in fw.indicators:
        fam = {code, *fw[code].params.get("variants", [])}
        for s in fam:
            family.setdefault(s, set()).update(fam)
    o = b.observations
    seeds = o[o["seed"]]
    if entities is not None:
        seeds = seeds[seeds["entity"].isin(entities)]
    rows = []
    for _, s in seeds.iterrows():
        fam = family.get(s["indicator"], set()) | {s["indicator"]}
        ind = o[(o["entity"] == s["entity"]) & o["indicator"].isin(fam) & ~o["seed"]]
        if ind.empty:
            rows.append(
                {
                    "entity": s["entity"],
                    "indicator": s["indicator"],
                    "claim": float(s["value"]),
                    "claim_year": s["year_raw"],
                    "source_indicator": "",
                    "value": np.nan,
                    "year": "",
                    "qualifier": "",
                    "title": "",
                    "relation": "no independent source",
                    "note": s["notes"],
                }
            )
            continue
        for _, r in ind.iterrows():
            if r["unit"] in ("rank", "world rank"):
                rel = "confirms" if r["value"] == s["value"] else f"differs (rank {fmt(r['value'])})"
            else:
                rel = _relation(
                    float(r["value"]),
                    float(s["value"]),
                    bool(r["lower_bound"]),
                    bool(s["lower_bound"]),
                    subject="claim",
                )
            if r["indicator"] != s["indicator"]:
                rel = f"{rel}; other definition"
            rows.append(
                {
                    "entity": s["entity"],
                    "indicator": s["indicator"],
                    "claim": float(s["value"]),
                    "claim_year": s["year_raw"],
                    "source_indicator": r["indicator"],
                    "value": float(r["value"]),
                    "year": r["year_raw"],
                    "qualifier": _qual(r),
                    "title": r["source_title"],
                    "relation": rel,
                    "note": r["notes"],
                }
            )
    return pd.DataFrame(rows)

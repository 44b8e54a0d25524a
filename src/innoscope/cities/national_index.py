"""The national default index: framework ``national`` on the yearbook dataset, every city at prefecture level and up.

:func:`national_observations` is the bundled national dataset (:mod:`innoscope.cities.national`) as panel
observations, with two additions, each flagged and said where it comes from:

* a city whose resident population is blank in 2-1 (沈阳, 三沙) gets GDP / GDP per capita from 2-6 (flag ``~``,
  approximate: the yearbook's per-capita GDP divides by the average, not the year-end, population), because a
  denominator is not an indicator: a statistics gap in it would otherwise zero every intensity of the city;
* a city whose national high-tech enterprise count is blank in 2-18 but has a cited value for 2023 under the same
  definition (深圳, 上海: ">24000", both lower bounds) gets that value from the cited layer (flag ``>``), the
  source named. The lower bound under-states, never over-states: it cannot reward the gap.

A value below 0 is not a count or an amount: :func:`set_aside` drops it like a blank, and says so. Everything else
missing stays missing and the spec decides (``data/specs/national.yaml``: screened below half
coverage, otherwise scored as 0). :func:`coverage` says per city how many values were reported, filled, imputed.
:func:`official_vs_cited` lays the cited values beside the official ones where both measure the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from innoscope.cities.cited import import_cities
from innoscope.cities.citydata import CityBuild
from innoscope.cities.national import DATA_YEAR, YEARBOOK, bundled_dataset, national_entities
from innoscope.ingest.names import EntityTable
from innoscope.io.framework_yaml import read_framework_yaml
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError
from innoscope.model.framework import Framework
from innoscope.pipeline import PipelineSpec, build
from innoscope.store.panel import prepare

__all__ = [
    "CITED_FILLS",
    "SAME_QUANTITY",
    "coverage",
    "national_build",
    "national_observations",
    "official_vs_cited",
    "set_aside",
]

CITED_FILLS = ("high_tech_enterprises",)
"""Series whose yearbook blanks may be filled by a cited value of the same year and definition."""
SAME_QUANTITY: dict[str, tuple[str, float]] = {
    "high_tech_enterprises": ("high_tech_enterprises", 1.0),
    "invention_patents_granted": ("invention_patents_granted", 1.0),
    "patents_granted": ("patents_granted_all_types", 1.0),
    "tech_contract_turnover": ("tech_contract_turnover", 1e4),
    "gdp": ("gdp", 1.0),
    "population": ("resident_population", 1.0),
}
"""Official series -> (cited series measuring the same quantity, factor from the cited unit to the official one:
家 = 个, 亿元 = 10^4 万元)."""


def _framework(framework: str | Framework | None) -> Framework:
    from innoscope.cities.citydata import bundled_yaml

    if isinstance(framework, Framework):
        return framework
    return read_framework_yaml(bundled_yaml("framework", framework or "national"))


def _spec(spec: str | PipelineSpec | None) -> PipelineSpec:
    from innoscope.cities.citydata import spec_path

    return spec if isinstance(spec, PipelineSpec) else PipelineSpec.from_yaml(spec_path(spec or "national"))


def _derived_population(df: pd.DataFrame) -> pd.DataFrame:
    wide = df[df["indicator"].isin(["population", "gdp", "gdp_per_capita"])].pivot(
        index="entity", columns="indicator", values="value"
    )
    cells = df[df["indicator"].isin(["gdp", "gdp_per_capita"])].pivot(
        index="entity", columns="indicator", values="cell"
    )
    need = wide.index[wide["population"].isna() & wide["gdp"].notna() & wide["gdp_per_capita"].notna()]
    base = df[(df["indicator"] == "population") & df["entity"].isin(need)].set_index("entity").loc[need]
    out = base.reset_index().copy()
    out["value"] = (wide.loc[need, "gdp"] * 1e4 / wide.loc[need, "gdp_per_capita"]).round(2).to_numpy()
    out["raw"] = ""
    out["flags"] = "~"
    out["note"] = [
        f"derived: GDP 2-6 {cells.at[e, 'gdp']} x 10^4 / GDP per capita 2-6 {cells.at[e, 'gdp_per_capita']}"
        f" (2-1 {c} is blank)"
        for e, c in zip(need, base["cell"], strict=True)
    ]
    out["table"] = "2-6"
    out["cell"] = [f"{cells.at[e, 'gdp']}/{cells.at[e, 'gdp_per_capita']}" for e in need]
    return out


def _fill_picks(df: pd.DataFrame, cited: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    """(series, entity) -> the cited row that fills a blank yearbook cell of a :data:`CITED_FILLS` series: same year,
    not the founding article's, not low-quality; a lower bound first (it cannot over-state), then file order."""
    picks = {}
    for series in CITED_FILLS:
        blank = df.loc[(df["indicator"] == series) & df["value"].isna(), "entity"]
        other = SAME_QUANTITY[series][0]
        c = cited[
            (cited["indicator"] == other)
            & (cited["year"] == DATA_YEAR)
            & ~cited["seed"]
            & ~cited["low_quality"]
            & cited["value"].notna()
            & cited["entity"].isin(blank)
        ]
        for ent, grp in c.groupby("entity", sort=False):
            picks[(series, str(ent))] = grp.sort_values(
                ["lower_bound", "line"], ascending=[False, True]
            ).iloc[0]
    return picks


def _cited_fills(df: pd.DataFrame, cited: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (series, ent), pick in _fill_picks(df, cited).items():
        r = df[(df["indicator"] == series) & (df["entity"] == ent)].iloc[0].to_dict()
        r.update(
            entity=ent,
            value=float(pick["value"]) * SAME_QUANTITY[series][1],
            raw=str(pick["value_raw"]),
            flags=">" if pick["lower_bound"] else "",
            source_title=str(pick["source_title"]),
            source_url=str(pick["source_url"]),
            table="cited",
            note=f"cited layer (data/cities, line {int(pick['line'])}): fills the blank {YEARBOOK} "
            f"2-18 cell {r['cell']}; same definition and year",
            cell="",
        )
        rows.append(r)
    return pd.DataFrame(rows)


def set_aside(dataset: pd.DataFrame | None = None) -> pd.DataFrame:
    """Values of the national dataset below 0, as published: every series it holds is a count or an amount
    (people, firms, patents, yuan), so a negative one is not a value of it (葫芦岛's science and technology
    expenditure, 2-8 E62: -164 万元). They are set aside like a blank, so the spec scores them as a gap (0, the least
    an amount can be), and listed by ``innoscope run``; kept, one such value would break the argument that a
    removed value (scored 0) is never above the value it replaces (docs/national.md section 3)."""
    df = bundled_dataset() if dataset is None else dataset
    return df[df["value"] < 0]


def national_observations(
    dataset: pd.DataFrame | None = None, cited: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Panel observations: the national dataset (blanks dropped: the panel finds them missing) plus the derived
    populations and the cited fills described in the module docstring, each with a ``note``."""
    if dataset is None and cited is None:
        return _bundled_observations().copy()
    return _observations(bundled_dataset() if dataset is None else dataset.copy(), cited)


@lru_cache(maxsize=1)
def _bundled_observations() -> pd.DataFrame:
    return _observations(bundled_dataset(), None)


def _observations(df: pd.DataFrame, cited: pd.DataFrame | None) -> pd.DataFrame:
    if "note" not in df.columns:
        df["note"] = ""
    if "source_url" not in df.columns:
        df["source_url"] = ""
    cited = import_cities(None).observations if cited is None else cited
    extra = [_derived_population(df), _cited_fills(df, cited)]
    valid = df["value"].notna() & ~df.index.isin(set_aside(df).index)
    out = pd.concat([df[valid], *[e for e in extra if len(e)]], ignore_index=True)
    out["city_zh"] = (
        out["entity_name"].str.removesuffix("市").where(out["entity_name"].str.len() > 2, out["entity_name"])
    )
    out["note"] = out["note"].fillna("")
    official = out["table"] != "cited"
    out["excerpt"] = np.where(
        official,
        "表"
        + out["table"]
        + " "
        + out["cell"]
        + " ("
        + out["sheet"]
        + "): "
        + out["raw"].fillna("")
        + " "
        + out["unit"],
        out.get("excerpt", ""),
    )
    return out


def _by_series(obs: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Prepared observations (:func:`~innoscope.store.panel.prepare`, flags as the panel names them) and their rows
    per series indexed by entity; a duplicate (two values of one city and series) is an error."""
    o = prepare(obs)
    dup = o[o.duplicated(["entity", "indicator"], keep=False)]
    if len(dup):
        r = dup.iloc[0]
        raise DataError(
            f"national observations: {r['entity']} / {r['indicator']} has two values for {DATA_YEAR}; "
            "expected one"
        )
    marks = np.where(o["lower_bound"], "lower_bound", "")
    o["flags"] = np.where(
        o["approximate"], np.where(marks == "", "approximate", marks + ",approximate"), marks
    )
    return o, {k: g.set_index("entity") for k, g in o.groupby("indicator", sort=False)}


@lru_cache(maxsize=1)
def _bundled_by_series() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    return _by_series(_bundled_observations())


def _cross_section(
    o: pd.DataFrame, by_series: dict[str, pd.DataFrame], fw: Framework, ents: EntityTable
) -> tuple[CrossSection, pd.DataFrame]:
    """The cross-section of ``fw`` for 2023, as :func:`~innoscope.store.panel.cross_section_with_choices` builds
    it, but vectorised: the national observations hold one value per city and series, so nothing is chosen.
    Returns the cross-section and the table of values used (``kind``: indicator or denominator)."""
    index = pd.Index(ents.ids, name="uCode")
    codes = {c: str(fw[c].params.get("indicator", c)) for c in fw.indicators}
    empty = pd.DataFrame({"value": pd.Series(dtype=float), "flags": pd.Series(dtype=object)})

    def column(series: str, field: str) -> pd.Series:
        return by_series.get(series, empty)[field].reindex(index)

    values = pd.DataFrame({c: column(s, "value").astype(float) for c, s in codes.items()}, index=index)
    flags = pd.DataFrame(
        {c: column(s, "flags").fillna("").astype(object) for c, s in codes.items()}, index=index
    )
    years = pd.DataFrame(
        np.where(values.notna(), float(DATA_YEAR), np.nan), index=index, columns=values.columns
    )
    denoms = pd.DataFrame({d: column(d, "value").astype(float) for d in fw.denominators}, index=index)
    used = pd.DataFrame(
        {
            "indicator": [*codes.values(), *fw.denominators],
            "code": [*codes, *fw.denominators],
            "kind": ["indicator"] * len(codes) + ["denominator"] * len(fw.denominators),
        }
    )
    choices = o.merge(used, on="indicator").assign(candidates=1, alternatives="")
    choices.attrs.update(year=DATA_YEAR, window=0, policy="quality")
    names = pd.Series([ents.entities[e].name_zh for e in index], index=index, dtype=object)
    names_en = pd.Series([ents.entities[e].name_en for e in index], index=index, dtype=object)
    cs = CrossSection(
        values=values,
        names=names,
        denominators=denoms,
        flags=flags,
        years=years,
        source=f"{YEARBOOK} ({DATA_YEAR} data)",
        names_en=names_en,
    )
    return cs, choices


def national_build(
    *,
    framework: str | Framework | None = None,
    spec: str | PipelineSpec | None = None,
    dataset: pd.DataFrame | None = None,
) -> CityBuild:
    """Build the national index (default: framework ``national``, spec ``national``, 2023 data only)."""
    fw, sp = _framework(framework), _spec(spec)
    ents = national_entities(dataset)
    o, by_series = _bundled_by_series() if dataset is None else _by_series(national_observations(dataset))
    cs, choices = _cross_section(o, by_series, fw, ents)
    result = build(fw, cs, sp)
    return CityBuild(
        framework=fw,
        observations=o,
        cross_section=cs,
        choices=choices,
        result=result,
        spec=sp,
        year=DATA_YEAR,
        window=0,
        policy="quality",
        entities=ents,
        source=f"{YEARBOOK} ({DATA_YEAR} data)",
    )


def coverage(b: CityBuild) -> pd.DataFrame:
    """Per city: indicators reported in the yearbook, filled from the cited layer, imputed as 0 by the spec,
    still missing (screened-out cities), and whether the city is ranked."""
    fw = b.framework
    values = b.cross_section.values
    choices = b.choices[b.choices["kind"] == "indicator"] if len(b.choices) else pd.DataFrame()
    cited = pd.Series(0, index=values.index)
    if len(choices) and "table" in choices.columns:
        cited = (
            choices[choices["table"] == "cited"].groupby("entity").size().reindex(values.index, fill_value=0)
        )
    reported = values.notna().sum(axis=1) - cited
    ranked = b.result.index.reindex(values.index).notna()
    imputed = pd.Series(0, index=values.index)
    log = b.result.logs["Imputed"]["imputed"] if "Imputed" in b.result.logs else None
    if log is not None and len(log):
        imputed = log.groupby("uCode").size().reindex(values.index, fill_value=0)
    n = len(fw.indicators)
    out = pd.DataFrame(
        {
            "name": b.cross_section.names.reindex(values.index),
            "reported": reported,
            "cited": cited,
            "imputed": imputed,
            "missing": n - reported - cited - imputed,
            "n_indicators": n,
            "ranked": ranked,
        }
    )
    return out


def _half_unit(raw: object) -> float:
    """Half the unit of the last significant digit of a figure as written (``13000`` and ``1.3万`` -> 500, ``1779.01``
    -> 0.005, ``15062`` -> 0.5): how far the true value may be from a rounded one."""
    text = re.sub(r"[^0-9.]", "", str(raw).split("(")[0])
    if not text or not re.search(r"\d", text):
        return 0.0
    if "." in text:
        return 0.5 * 10.0 ** -len(text.split(".", 1)[1])
    digits = text.lstrip("0")
    return 0.5 * 10.0 ** (len(digits) - len(digits.rstrip("0"))) if digits else 0.5


def _verdict(ov: float, v: float, r: pd.Series, o_raw: object, factor: float) -> str:
    """How a cited value (row ``r``, converted: ``v``) stands against the official one ``ov`` of the same quantity
    (see :func:`official_vs_cited`)."""
    if not np.isfinite(ov):
        return "official blank"
    if r["seed"] or pd.isna(r["year"]) or int(r["year"]) != DATA_YEAR:
        return "another year"
    if r["lower_bound"]:
        return "bound holds" if v <= ov else "conflict"
    tolerance = max(_half_unit(o_raw), _half_unit(r["value_raw"]) * factor, 0.005 * abs(ov))
    return "agrees" if abs(v - ov) <= tolerance else "conflict"


USE_WHY = {
    "agrees": "yearbook: the index's source; the cited value agrees (to its rounding)",
    "bound holds": "yearbook: the cited lower bound is consistent with it",
    "conflict": "yearbook: the official statistic of the index's year and definition; the cited value conflicts",
    "another year": "yearbook: the index's year ({year}); the cited value is {cited_year}: a count of another "
    "year differs without contradicting it",
    "filled": "cited: the yearbook cell is blank; a cited value of the same year and definition fills it, "
    "{bound}flagged",
    "blank": "neither: the yearbook cell is blank and this cited value is {why_not}; the blank is {fate}",
}
"""Which value the index uses for each (city, series) of :func:`official_vs_cited`, and why."""


def _use(verdict: str, r: pd.Series, filled: bool, fill_exists: bool) -> tuple[str, str]:
    if verdict == "official blank":
        if filled:
            bound = "a lower bound (it cannot over-state), " if r["lower_bound"] else ""
            return "cited", USE_WHY["filled"].format(bound=bound)
        why_not = "the founding article's" if r["seed"] else f"for {r['year_raw']}, not {DATA_YEAR}"
        fate = "filled by another cited value" if fill_exists else "scored 0 (section 3)"
        return "—", USE_WHY["blank"].format(why_not=why_not, fate=fate)
    cited_year = "the founding article's, undated (~2024)" if r["seed"] else f"for {r['year_raw']}"
    return "yearbook", USE_WHY[verdict].format(year=DATA_YEAR, cited_year=cited_year)


def official_vs_cited(dataset: pd.DataFrame | None = None, cited: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every cited value beside the official 2023 value of the same quantity and city: official, cited (converted
    to the official unit), cited year, ratio cited / official, seed (the founding article), a relation, and

    * ``verdict``: ``agrees`` (same year, equal to the rounding of either figure, or within 0.5%), ``bound holds``
      (a cited lower bound at most the official value), ``conflict`` (same year, beyond rounding: the two sources
      disagree), ``another year`` (not comparable: a difference is not a conflict), ``official blank``;
    * ``used`` (``yearbook``, ``cited`` or ``—``) and ``why``: which value the index uses and why."""
    df = bundled_dataset() if dataset is None else dataset
    cited = import_cities(None).observations if cited is None else cited
    picks = {k: int(v["line"]) for k, v in _fill_picks(df, cited).items()}
    rows = []
    for series, (other, factor) in SAME_QUANTITY.items():
        off = df[df["indicator"] == series].set_index("entity")
        c = cited[(cited["indicator"] == other) & cited["value"].notna() & cited["entity"].isin(off.index)]
        for _, r in c.iterrows():
            o = off.loc[r["entity"]]
            v = float(r["value"]) * factor
            ov = float(o["value"])
            ratio = v / ov if np.isfinite(ov) and ov else np.nan
            if not np.isfinite(ratio):
                rel = "official blank"
            elif abs(ratio - 1) <= 0.005:
                rel = "confirms"
            elif r["lower_bound"] and v <= ov:
                rel = "consistent (cited lower bound)"
            else:
                rel = f"differs ({ratio - 1:+.0%})"
            verdict = _verdict(ov, v, r, o["raw"], factor)
            key = (series, str(r["entity"]))
            used, why = _use(verdict, r, picks.get(key) == int(r["line"]), key in picks)
            rows.append(
                {
                    "entity": r["entity"],
                    "city": o["entity_name"],
                    "series": series,
                    "official": ov,
                    "official_cell": f"{o['table']} {o['cell']}",
                    "cited": v,
                    "qualifier": ">" if r["lower_bound"] else "",
                    "cited_year": r["year_raw"],
                    "seed": bool(r["seed"]),
                    "ratio": ratio,
                    "relation": rel,
                    "verdict": verdict,
                    "used": used,
                    "why": why,
                    "source": r["source_title"],
                    "line": int(r["line"]),
                }
            )
    return pd.DataFrame(rows)


def coordinates(entities: list[str]) -> pd.DataFrame:
    """Seat coordinates (``lng``, ``lat``) of the entities the bundled gazetteer knows by id, for the map."""
    from innoscope.cities.gazetteer import Gazetteer

    g = Gazetteer.default()
    rows = {
        e: (g.by_id[e].lng, g.by_id[e].lat) for e in entities if e in g.by_id and g.by_id[e].lng is not None
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["lng", "lat"])

"""Panel -> cross-section: one value per entity and indicator for a reference year.

Observations come from many years. For a reference year ``Y`` and a window ``w`` (default 3), the
candidates of an (entity, indicator) are its non-missing observations dated ``Y - w <= year <= Y``;
later years are never used, undated rows never for indicators. The chosen value is the first candidate in
the order of the policy:

* ``quality`` (default): non-seed first, then not low-quality, then the latest year, then the row the
  importer chose for that year, then exact before approximate before a bound, then file order;
* ``latest``: the latest year first, then as ``quality``.

A value older than ``Y`` is flagged ``outdated`` and keeps its year, as the Global Innovation Index does
(values from earlier years stand in and the report shows each year). Other flags: ``lower_bound``,
``upper_bound``, ``approximate``, ``preliminary``, ``rounded`` (qualifiers of the source),
``year_approximate`` (approximate, range or part-year), ``seed``, ``low_quality`` and ``conflict`` (another
source gives a different value for the same year).

Tidy tables from :mod:`innoscope.ingest.readers` or the store work too: their ``flags`` string (``>``, ``<``,
``~``, ``preliminary``, ``rounded``) gives the bound, approximate and qualifier flags, ``note`` the notes,
``source_url`` starting ``seed:`` the seed flag.

An indicator node may narrow its rows with ``params["select"]``: ``{contains: text or [texts]}`` keeps rows
whose notes, year text, source title, unit text or definition contain one of the texts; ``{excludes: ...}``
drops them. Denominators (population, GDP, land area) are chosen the same way but from any earlier year
(``denominator_window=None``), and undated rows are accepted last; they change slowly and only scale views.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError
from innoscope.model.framework import Framework

__all__ = ["FLAG_NAMES", "POLICIES", "choose", "cross_section", "cross_section_with_choices", "prepare"]

POLICIES = ("quality", "latest")
FLAG_NAMES = (
    "outdated",
    "lower_bound",
    "upper_bound",
    "approximate",
    "preliminary",
    "rounded",
    "year_approximate",
    "seed",
    "low_quality",
    "conflict",
    "undated",
)
_TEXT_COLS = ("notes", "year_raw", "source_title", "unit_raw", "definition")
_BOOL_COLS = (
    "lower_bound",
    "upper_bound",
    "approximate",
    "preliminary",
    "rounded",
    "seed",
    "low_quality",
    "missing",
)


def prepare(obs: pd.DataFrame) -> pd.DataFrame:
    """The observation table with every column the panel reads (missing ones derived or defaulted)."""
    need = [c for c in ("entity", "indicator", "year", "value") if c not in obs.columns]
    if need:
        raise DataError(f"observations lack column(s) {need}; a panel needs entity, indicator, year, value")
    o = obs.copy()
    if "notes" not in o.columns and "note" in o.columns:
        o["notes"] = o["note"]
    for alt in ("row", "file_row"):
        if "line" not in o.columns and alt in o.columns:
            o["line"] = o[alt]
    if "flags" in o.columns:  # tidy tables of innoscope.ingest.readers: ">", "<", "~", "NA"; the cited data's
        fl = o["flags"].fillna("").astype(str)  # qualifiers after a comma: "~,rounded"
        for col, mark in (
            ("lower_bound", ">"),
            ("upper_bound", "<"),
            ("approximate", "~"),
            ("preliminary", "preliminary"),
            ("rounded", "rounded"),
            ("missing", "NA"),
        ):
            if col not in o.columns:
                o[col] = fl.str.contains(mark, regex=False)
    if "seed" not in o.columns and "source_url" in o.columns:
        o["seed"] = o["source_url"].fillna("").astype(str).str.startswith("seed:")
    if "low_quality" not in o.columns and "notes" in o.columns:
        o["low_quality"] = o["notes"].fillna("").astype(str).str.contains("LOW-QUALITY", regex=False)
    for c in _BOOL_COLS:
        o[c] = o[c].fillna(False).astype(bool) if c in o.columns else False
    for c in _TEXT_COLS:
        o[c] = o[c].fillna("").astype(str) if c in o.columns else ""
    if "chosen" not in o.columns:
        o["chosen"] = True
    o["chosen"] = o["chosen"].fillna(True).astype(bool)
    if "year_flag" not in o.columns:
        o["year_flag"] = np.where(o["year"].isna(), "undated", "exact")
    if "line" not in o.columns:
        o["line"] = np.arange(len(o))
    o["year"] = pd.to_numeric(o["year"], errors="coerce")
    o["value"] = pd.to_numeric(o["value"], errors="coerce")
    o["_row"] = np.arange(len(o))
    if "uid" not in o.columns:
        o["uid"] = o["_row"]
    blank = o["year_raw"] == ""
    o.loc[blank, "year_raw"] = o.loc[blank, "year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
    return o


def _select(rows: pd.DataFrame, select: dict | None) -> pd.DataFrame:
    if not select or rows.empty:
        return rows
    text = rows[list(_TEXT_COLS)].agg(" ".join, axis=1)

    def hits(spec: str | Iterable[str]) -> pd.Series:
        words = [spec] if isinstance(spec, str) else list(spec)
        out = pd.Series(False, index=rows.index)
        for w in words:
            out |= text.str.contains(str(w), regex=False)
        return out

    keep = pd.Series(True, index=rows.index)
    if "contains" in select:
        keep &= hits(select["contains"])
    if "excludes" in select:
        keep &= ~hits(select["excludes"])
    unknown = set(select) - {"contains", "excludes"}
    if unknown:
        raise DataError(f"select: unknown key(s) {sorted(unknown)}; valid: contains, excludes")
    return rows[keep]


def choose(
    obs: pd.DataFrame,
    indicator: str,
    *,
    year: int,
    window: int | None = 3,
    policy: str = "quality",
    select: dict | None = None,
    undated: bool = False,
    code: str | None = None,
) -> pd.DataFrame:
    """The chosen observation per entity for one data series (one row per entity that has a candidate).

    Columns: the observation's columns plus ``code`` (the framework code), ``flags`` (comma-joined),
    ``candidates`` (rows in the window) and ``alternatives`` (other values in the window, ``value (year)``).
    """
    if policy not in POLICIES:
        raise DataError(f"unknown choice policy {policy!r}; valid: {', '.join(POLICIES)}")
    o = obs if "_row" in obs.columns else prepare(obs)
    rows = _select(o[(o["indicator"] == indicator) & o["value"].notna() & ~o["missing"]], select)
    dated = rows["year"].notna() & (rows["year"] <= year)
    if window is not None:
        dated &= rows["year"] >= year - window
    cand = rows[dated | (rows["year"].isna() if undated else False)].copy()
    if cand.empty:
        return cand.assign(code=code or indicator, flags="", candidates=0, alternatives="")
    cand["_undated"] = cand["year"].isna()
    cand["_neg_year"] = -cand["year"].fillna(-1e9)
    cand["_exact"] = np.where(
        cand["lower_bound"] | cand["upper_bound"], 2, np.where(cand["approximate"], 1, 0)
    )
    cand["_notchosen"] = ~cand["chosen"]
    keys = ["_undated", "seed", "low_quality", "_neg_year", "_notchosen", "_exact", "_row"]
    if policy == "latest":
        keys = ["_undated", "_neg_year", "seed", "low_quality", "_notchosen", "_exact", "_row"]
    cand = cand.sort_values(keys, kind="stable")
    best = cand.groupby("entity", sort=False).head(1).set_index("entity")
    out = []
    for ent, b in best.iterrows():
        mine = cand[cand["entity"] == ent]
        same_year = mine[(mine["year"] == b["year"]) & (mine["_row"] != b["_row"])]
        flags = []
        if pd.isna(b["year"]):
            flags.append("undated")
        elif b["year"] < year:
            flags.append("outdated")
        flags += [f for f in ("lower_bound", "upper_bound", "approximate", "preliminary", "rounded") if b[f]]
        if b["year_flag"] in ("approximate", "range", "partial"):
            flags.append("year_approximate")
        flags += [f for f in ("seed", "low_quality") if b[f]]
        if (~np.isclose(same_year["value"].to_numpy(float), float(b["value"]))).any():
            flags.append("conflict")
        alts = mine[mine["_row"] != b["_row"]]
        rec = b.to_dict()
        rec.update(
            entity=ent,
            code=code or indicator,
            flags=",".join(flags),
            candidates=len(mine),
            alternatives="; ".join(
                f"{v:g} ({'undated' if pd.isna(y) else int(y)})"
                for v, y in zip(alts["value"], alts["year"], strict=True)
            ),
        )
        out.append(rec)
    res = pd.DataFrame(out)
    return res.drop(columns=[c for c in res.columns if c.startswith("_")])


def cross_section_with_choices(
    obs: pd.DataFrame,
    framework: Framework,
    *,
    year: int | None = None,
    window: int | None = 3,
    policy: str = "quality",
    denominator_window: int | None = None,
    names: pd.Series | dict | None = None,
    entities: list[str] | None = None,
) -> tuple[CrossSection, pd.DataFrame]:
    """:func:`cross_section` plus the table of chosen observations (indicators and denominators, ``kind``)."""
    o = prepare(obs)
    codes = {c: str(framework[c].params.get("indicator", c)) for c in framework.indicators}
    if year is None:
        years = o.loc[o["indicator"].isin(codes.values()), "year"].dropna()
        if years.empty:
            raise DataError("no dated observation of any framework indicator; cannot pick a reference year")
        year = int(years.max())
    ents = list(entities) if entities is not None else list(dict.fromkeys(o["entity"]))
    values = pd.DataFrame(np.nan, index=pd.Index(ents, name="uCode"), columns=framework.indicators)
    years_df = pd.DataFrame(np.nan, index=values.index, columns=framework.indicators)
    flags = pd.DataFrame("", index=values.index, columns=framework.indicators, dtype=object)
    chosen = []
    for code, series in codes.items():
        ch = choose(
            o,
            series,
            year=year,
            window=window,
            policy=policy,
            select=framework[code].params.get("select"),
            code=code,
        )
        ch = ch[ch["entity"].isin(ents)] if len(ch) else ch
        if len(ch):
            idx = ch["entity"].to_numpy()
            values.loc[idx, code] = ch["value"].to_numpy(float)
            years_df.loc[idx, code] = ch["year"].to_numpy(float)
            flags.loc[idx, code] = ch["flags"].to_numpy(object)
            chosen.append(ch.assign(kind="indicator"))
    denoms = pd.DataFrame(index=values.index)
    for code in framework.denominators:
        if code in codes:
            denoms[code] = values[code]
            continue
        ch = choose(o, code, year=year, window=denominator_window, policy=policy, undated=True)
        ch = ch[ch["entity"].isin(ents)] if len(ch) else ch
        col = pd.Series(np.nan, index=values.index)
        if len(ch):
            col.loc[ch["entity"].to_numpy()] = ch["value"].to_numpy(float)
            chosen.append(ch.assign(kind="denominator"))
        denoms[code] = col
    if names is None:
        if "city_zh" in o.columns:
            names = o.drop_duplicates("entity").set_index("entity")["city_zh"]
        else:
            names = pd.Series(ents, index=ents)
    names = (
        pd.Series(names).reindex(values.index).fillna(pd.Series(values.index, index=values.index)).astype(str)
    )
    cs = CrossSection(
        values=values,
        names=names,
        denominators=denoms,
        flags=flags,
        years=years_df,
        source=f"panel: reference year {year}, window {window}, policy {policy}",
    )
    table = pd.concat(chosen, ignore_index=True) if chosen else pd.DataFrame()
    table.attrs.update(year=year, window=window, policy=policy)
    return cs, table


def cross_section(
    obs: pd.DataFrame,
    framework: Framework,
    *,
    year: int | None = None,
    window: int | None = 3,
    policy: str = "quality",
    denominator_window: int | None = None,
    names: pd.Series | dict | None = None,
    entities: list[str] | None = None,
) -> CrossSection:
    """The cross-section of ``framework``'s indicators for reference ``year`` (default: the latest year of
    any framework indicator). ``values``, ``years`` and ``flags`` are entities x indicators; denominators
    are the framework's denominator series. See the module docstring for the choice rules.
    """
    return cross_section_with_choices(
        obs,
        framework,
        year=year,
        window=window,
        policy=policy,
        denominator_window=denominator_window,
        names=names,
        entities=entities,
    )[0]

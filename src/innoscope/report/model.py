"""What the report and the dashboard show, computed once from a :class:`~innoscope.result.Result`.

Plain tables and dicts, no HTML: the report's templates and the dashboard's JSON API both read
these. Optional parts (uncertainty, provenance, the audit module) are used when present and
skipped with a note when not.
"""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innoscope.analysis.audit import audit as run_audit
from innoscope.analysis.gap import gap as gap_split
from innoscope.analysis.summary import get_str_weak
from innoscope.ingest.names import fold_name, normalise_name, unknown_name
from innoscope.model.errors import DataError, InnoscopeError
from innoscope.pipeline.result import Result, rank_desc
from innoscope.report.i18n import node_label, t

FLAG_NAMES = ("outdated", "lower_bound", "imputed", "conflicting")
_POP = re.compile(r"pop|人口", re.I)
COUNT_UNITS = (
    "家",
    "件",
    "所",
    "篇",
    "人",
    "个",
    "项",
    "元",
    "number",
    "count",
    "thousand",
    "million",
    "billion",
)
"""Units of extensive quantities (counts, money): per-capita and per-km² views make sense for them."""
_AREA = re.compile(r"area|面积|km", re.I)


# -- entities -----------------------------------------------------------------------------------
def entity_name(result: Result, code: str, lang: str = "zh") -> str:
    """The entity's display name in ``lang`` (English names when the data has them), else its code."""
    name = result.data.display_names(lang).get(code, code)
    return str(code) if name is None or (isinstance(name, float) and math.isnan(name)) else str(name)


def find_entity(result: Result, key: str) -> str | None:
    """An entity code from a code or a name: the code as given, then a code or name equal after
    :func:`~innoscope.ingest.names.fold_name` (the one name normaliser: width, invisible characters, Traditional,
    case, 市, tone marks), then a name containing the key."""
    codes = list(result.aggregated.index)
    k = normalise_name(str(key))
    if not k:
        return None
    if k in codes:
        return k
    names = {c: (entity_name(result, c), entity_name(result, c, "en")) for c in codes}
    folded = fold_name(k)
    for c in codes:
        if any(fold_name(n) == folded for n in (str(c), *names[c])):
            return c
    kl = k.lower()
    return next((c for c in codes if any(kl in n.lower() for n in names[c])), None)


def unknown_entity(result: Result, key: str, limit: int = 3) -> str:
    """The message for a name no entity answers to, with the closest names (rapidfuzz ``WRatio`` on folded
    names) and a note on stray combining marks."""
    from rapidfuzz import fuzz, process

    labels: dict[str, str] = {}
    for c in result.aggregated.index:
        zh, en = entity_name(result, c), entity_name(result, c, "en")
        label = f"{' / '.join(dict.fromkeys(n for n in (zh, en) if n != c))} ({c})".strip()
        for n in (str(c), zh, en):
            labels.setdefault(fold_name(n), label)
    hits = process.extract(fold_name(str(key)), list(labels), scorer=fuzz.WRatio, limit=limit * 3)
    near = list(dict.fromkeys(labels[h[0]] for h in hits))[:limit]
    return unknown_name("entity", str(key), near)


def resolve_entity(result: Result, key: str) -> str:
    code = find_entity(result, key)
    if code is None:
        raise DataError(unknown_entity(result, key))
    return code


def compare_pair(result: Result, compare: tuple[str, str]) -> tuple[str, str]:
    """The two entities to compare: ``compare`` if both exist, else the top two of the ranking."""
    a, b = (find_entity(result, k) for k in compare)
    if a is not None and b is not None and a != b:
        return a, b
    top = list(result.ranking().index)
    return top[0], top[1]


# -- levels -------------------------------------------------------------------------------------
def pillar_codes(result: Result) -> list[str]:
    """Aggregates below the index, top level first (pools before sub-pillars)."""
    fw = result.framework
    return [c for lvl in range(fw.n_levels - 1, 1, -1) for c in fw.codes(lvl)]


def radar_level(result: Result) -> int:
    """The highest aggregate level below the index with at least 3 nodes (else level 2)."""
    fw = result.framework
    for lvl in range(fw.n_levels - 1, 1, -1):
        if len(fw.codes(lvl)) >= 3:
            return lvl
    return max(2, fw.n_levels - 1)


def effective_weights(result: Result) -> pd.Series:
    """Each node's share of the index: product of its and its ancestors' weights relative to siblings, with the
    weights the aggregate stage used at each node (:meth:`Result.child_weights`; ``weights: equal`` included)."""
    fw = result.framework
    out: dict[str, float] = {fw.root: 1.0}
    for lvl in range(fw.n_levels, 1, -1):
        for code in fw.codes(lvl):
            kids = fw.children(code)
            wk = np.nan_to_num(result.child_weights(code), nan=0.0)
            tot = wk.sum()
            for k, v in zip(kids, wk, strict=True):
                out[k] = out[code] * (v / tot if tot > 0 else 1.0 / len(kids))
    return pd.Series(out)


# -- uncertainty --------------------------------------------------------------------------------
def _get(obj: Any, *names: str) -> Any:
    for n in names:
        if isinstance(obj, dict) and n in obj:
            return obj[n]
        v = getattr(obj, n, None)
        if v is not None:
            return v() if callable(v) and not isinstance(v, pd.DataFrame) else v
    return None


def rank_intervals(uncertainty: Any, entities: list[str]) -> pd.DataFrame | None:
    """``lo``, ``median``, ``hi`` rank per entity from an uncertainty result, or None if absent."""
    if uncertainty is None:
        return None
    tab = _get(uncertainty, "rank_stats", "rank_intervals", "intervals")
    if tab is None and isinstance(uncertainty, pd.DataFrame):
        tab = uncertainty
    if not isinstance(tab, pd.DataFrame):
        return None
    cols = {c.lower(): c for c in tab.columns}

    def pick(*cands: str) -> str | None:
        return next((cols[c] for c in cands if c in cols), None)

    lo, hi = pick("lo", "lower", "q05", "q5", "rank_lo", "p05"), pick("hi", "upper", "q95", "rank_hi", "p95")
    med = pick("median", "q50", "rank_median", "nominal")
    if lo is None or hi is None:
        return None
    if "uCode" in tab.columns:
        tab = tab.set_index("uCode")
    out = pd.DataFrame(
        {
            "lo": tab[lo].astype(float),
            "hi": tab[hi].astype(float),
            "median": tab[med].astype(float) if med else np.nan,
        }
    )
    return out.reindex(entities)


def outrank_probability(uncertainty: Any, a: str, b: str) -> float | None:
    """P(``a`` ranks better than ``b``) from an uncertainty result, or None if absent."""
    if uncertainty is None:
        return None
    for name in ("prob_outranks", "p_outranks", "outrank_probability"):
        f = getattr(uncertainty, name, None)
        if callable(f):
            try:
                return float(f(a, b))
            except (KeyError, ValueError, TypeError, InnoscopeError):  # not computed for this pair
                return None
    mat = _get(uncertainty, "outrank_matrix", "outranking")
    if isinstance(mat, pd.DataFrame) and a in mat.index and b in mat.columns:
        return float(mat.loc[a, b])
    return None


# -- tables -------------------------------------------------------------------------------------
def ranking_table(result: Result, uncertainty: Any = None, lang: str = "zh") -> pd.DataFrame:
    """The headline ranking: code, name, score, rank and, where computed, the rank interval."""
    r = result.ranking().copy()
    r["name"] = [entity_name(result, c, lang) for c in r.index]
    iv = rank_intervals(uncertainty, list(r.index))
    if iv is not None:
        r = r.join(iv)
    return r


def unranked(result: Result, lang: str = "zh") -> list[dict[str, Any]]:
    """Entities the screen stage set aside, with its reason (``data availability 0.000 < dat_thresh 0.5 ...``): the
    report lists them under the ranking, never drops them."""
    log = result.logs.get("Screened")
    if log is None or "RemovedUnits" not in log:
        return []
    return [
        {
            "code": str(r["RemovedUnits"]),
            "name": entity_name(result, str(r["RemovedUnits"]), lang),
            "reason": r["Reason"],
        }
        for r in log["RemovedUnits"].to_dict("records")
    ]


def unranked_note(result: Result, lang: str = "zh") -> str:
    """The note under the ranking (report and dashboard): how many entities the screen set aside, its rule, and
    each one's reason; '' when none."""
    rows = unranked(result, lang)
    if not rows:
        return ""
    reasons = t("list_sep", lang).join(f"{u['name']}: {u['reason']}" for u in rows)
    return f"{t('unranked_note', lang, n=len(rows), rule=screen_rule(result))} {reasons}"


def screen_rule(result: Result) -> str:
    """The spec's screen step as written (``byNA, dat_thresh 0.5``), or '' without one."""
    steps = [s for s in result.spec.steps if s.stage == "screen"]
    return "; ".join(
        ", ".join([s.method or "byNA", *(f"{k} {v}" for k, v in s.params.items() if k != "method")])
        for s in steps
    )


@dataclass
class ReportTable:
    """A table the caller adds to the report as a section of its own (e.g. the national data's cited layer)."""

    id: str
    title: str
    note: str
    frame: pd.DataFrame


def pillar_table(result: Result) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores and ranks of every pillar, rows in headline-rank order."""
    codes = pillar_codes(result)
    order = list(result.ranking().index)
    s = result.aggregated[codes].reindex(order)
    return s, rank_desc(s)


def denominator_columns(result: Result) -> dict[str, str | None]:
    """The population and area columns among the denominators, if any."""
    cols = list(result.data.denominators.columns)
    names = {c: f"{c} {result.framework.denominators.get(c, '')}" for c in cols}
    pop = next((c for c in cols if _POP.search(names[c])), None)
    area = next((c for c in cols if _AREA.search(names[c])), None)
    return {"population": pop, "area": area}


def profile(
    result: Result, code: str, lang: str, n: int = 3, ranks: pd.DataFrame | None = None
) -> dict[str, Any]:
    """One entity: pillar scores and ranks, strengths, weaknesses, indicator values (raw, per capita, per km²)."""
    fw = result.framework
    lvl = radar_level(result)
    pillars = fw.codes(lvl)
    agg = result.aggregated
    ranks = rank_desc(agg) if ranks is None else ranks
    raw = result.stage("Raw")
    den = denominator_columns(result)
    pop = result.data.denominators[den["population"]].get(code) if den["population"] else None
    area = result.data.denominators[den["area"]].get(code) if den["area"] else None
    sw = get_str_weak(result, code, n=n)
    rows = []
    for ind in fw.indicators:
        v = float(raw.loc[code, ind]) if ind in raw.columns else np.nan
        unit = str(fw[ind].unit or "").lower()
        extensive = fw[ind].denominator is not None or any(
            unit.startswith(u) or unit.endswith(u) for u in COUNT_UNITS
        )
        rows.append(
            {
                "code": ind,
                "name": node_label(fw, ind, lang),
                "pillar": node_label(fw, fw[ind].parent, lang),
                "value": v,
                "unit": fw[ind].unit or "",
                "rank": ranks.loc[code, ind] if ind in ranks.columns else np.nan,
                "per_capita": v / pop if extensive and pop and not np.isnan(v) else np.nan,
                "per_km2": v / area if extensive and area and not np.isnan(v) else np.nan,
            }
        )

    def sw_rows(t: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                "code": r.iCode,
                "name": node_label(fw, r.iCode, lang),
                "rank": r.rank,
                "value": r.value,
                "unit": fw[r.iCode].unit or "",
            }
            for r in t.itertuples()
        ]

    return {
        "code": code,
        "name": entity_name(result, code, lang),
        "index": float(agg.loc[code, fw.root]),
        "rank": ranks.loc[code, fw.root],
        "n": int(agg[fw.root].notna().sum()),
        "radar_level": lvl,
        "pillars": [
            {
                "code": p,
                "name": node_label(fw, p, lang),
                "score": float(agg.loc[code, p]),
                "rank": ranks.loc[code, p],
                "median": float(agg[p].median()),
            }
            for p in pillars
        ],
        "strengths": sw_rows(sw["strengths"]),
        "weaknesses": sw_rows(sw["weaknesses"]),
        "values": rows,
        "has_per_capita": pop is not None,
        "has_per_km2": area is not None,
        "denominators": den,
        "denominator_names": {
            k: result.framework.denominators.get(v, v) if v else None for k, v in den.items()
        },
    }


def comparison(result: Result, a: str, b: str, lang: str, uncertainty: Any = None) -> dict[str, Any]:
    """Two entities side by side: every pillar and the index, who leads and by how much."""
    fw = result.framework
    agg = result.aggregated
    ranks = rank_desc(agg)
    rows = []
    for code in [fw.root, *pillar_codes(result)]:
        sa, sb = float(agg.loc[a, code]), float(agg.loc[b, code])
        diff = sa - sb
        leader = None if np.isnan(diff) or diff == 0 else (a if diff > 0 else b)
        rows.append(
            {
                "code": code,
                "name": node_label(fw, code, lang),
                "level": fw[code].level,
                "a": sa,
                "b": sb,
                "diff": diff,
                "rank_a": ranks.loc[a, code],
                "rank_b": ranks.loc[b, code],
                "leader": leader,
                "leader_name": entity_name(result, leader, lang) if leader else "",
            }
        )
    pillars = [r for r in rows if r["code"] != fw.root]
    return {
        "a": a,
        "b": b,
        "name_a": entity_name(result, a, lang),
        "name_b": entity_name(result, b, lang),
        "rows": rows,
        "n_a": sum(r["leader"] == a for r in pillars),
        "n_b": sum(r["leader"] == b for r in pillars),
        "p_outrank": outrank_probability(uncertainty, a, b),
        **gap_rows(result, a, b, lang),
    }


SUMMARY = {
    "ranks": {
        "en": "{a} {ra} and {b} {rb} of {n} ranked {noun}",
        "zh": "{a}{ra}，{b}{rb}（共 {n} 个有排名）",
    },
    "rank": {"en": "ranks {r}", "zh": "排名第 {r}"},
    "unranked": {"en": "not ranked", "zh": "未排名"},
    "gap": {"en": "; the index gap is {d} points", "zh": "；总指数相差 {d} 分"},
    "sure": {"en": "P({a} outranks {b}) = {p}", "zh": "{a} 排名高于 {b} 的概率为 {p}"},
    "varying": {"en": " when varying {x}", "zh": "（变动：{x}）"},
    "leads": {"en": "{a} leads in {x}", "zh": "{a} 在{x}领先"},
    "none": {"en": "no pillar", "zh": "无分项"},
    "largest": {"en": "Largest parts of the gap: {x}", "zh": "差距的最大来源：{x}"},
    "no_value": {"en": " ({a} has no value)", "zh": "（{a} 无数值）"},
    "coverage": {"en": "{a}: {n} of {k} indicators have a value", "zh": "{a}：{k} 个指标中 {n} 个有数值"},
    "old": {"en": "; {x} older than {y}", "zh": "，{x} 个早于 {y} 年"},
    "outdated": {"en": "; {x} outdated", "zh": "，{x} 个已过时"},
    "bound": {"en": ", {x} a bound", "zh": "，{x} 个为界值"},
    "seed": {"en": ", {x} only from the founding article", "zh": "，{x} 个仅来自创始文章"},
    "sep": {"en": "; ", "zh": "；"},
    "list": {"en": ", ", "zh": "、"},
    "end": {"en": ".", "zh": "。"},
}


def summary_sentences(
    result: Result,
    a: str,
    b: str,
    lang: str,
    *,
    p_outranks: float | None = None,
    design: str = "",
    year: int | None = None,
    names: dict[str, str] | None = None,
    noun: str = "entities",
    gap: dict[str, Any] | None = None,
) -> list[str]:
    """Two entities' comparison in a few sentences, every figure from the build: ranks and the index gap, how
    sure (``p_outranks`` from a Monte Carlo varying ``design``), the pillars each leads, the largest parts of
    the gap (:func:`innoscope.analysis.gap`; an entity without a value named), and per entity how many indicators have a
    value and, where the data has flags, how many are outdated (older than ``year``), bounds or the founding
    article's own. ``names`` overrides the display names; ``noun`` names the entities in English; ``gap``: the
    :func:`gap_rows` of ``a`` and ``b`` when the caller has them (e.g. from :func:`comparison`)."""

    def w(key: str, **f: Any) -> str:
        return SUMMARY[key][lang].format(**f)

    fw, cs, agg = result.framework, result.data, result.aggregated
    name = names or {e: entity_name(result, e, lang) for e in (a, b)}
    ranks = rank_desc(agg[fw.root])

    def rank(e: str) -> str:
        r = ranks.get(e)
        return w("unranked") if r is None or not np.isfinite(r) else w("rank", r=int(r))

    d = float(agg.at[a, fw.root] - agg.at[b, fw.root])
    first = w(
        "ranks", a=name[a], ra=rank(a), b=name[b], rb=rank(b), n=int(agg[fw.root].notna().sum()), noun=noun
    )
    lines = [first + (w("gap", d=f"{d:+.1f}") if np.isfinite(d) else "") + w("end")]
    if p_outranks is not None:
        lines.append(
            w("sure", a=name[a], b=name[b], p=f"{p_outranks:.3f}")
            + (w("varying", x=design) if design else "")
            + w("end")
        )
    top = fw.codes(fw.n_levels - 1)
    lead = {
        e: [
            node_label(fw, c, lang)
            for c in top
            if np.isfinite(agg.at[a, c] - agg.at[b, c])
            and (agg.at[a, c] - agg.at[b, c]) * (1 if e == a else -1) > 0
        ]
        for e in (a, b)
    }
    lines.append(
        w("sep").join(w("leads", a=name[e], x=w("list").join(lead[e]) or w("none")) for e in (a, b))
        + w("end")
    )
    parts = (gap if gap is not None else gap_rows(result, a, b, lang))["gap"][:3]
    if parts:

        def part(r: dict[str, Any]) -> str:
            lacking = [name[e] for e, wt in ((a, r["weight_a"]), (b, r["weight_b"])) if wt == 0]
            return f"{r['name']} {r['contribution']:+.1f}" + (w("no_value", a=lacking[0]) if lacking else "")

        lines.append(w("largest", x=w("list").join(part(r) for r in parts)) + w("end"))
    for e in (a, b):
        have = [i for i in fw.indicators if i in cs.values.columns and np.isfinite(cs.values.at[e, i])]
        text = w("coverage", a=name[e], n=len(have), k=len(fw.indicators))
        if cs.flags is not None:
            flags = [_split_flags(cs.flags.at[e, i]) if i in cs.flags.columns else [] for i in have]
            old = sum("outdated" in f for f in flags)
            bound = sum(("lower_bound" in f) or ("upper_bound" in f) for f in flags)
            seed = sum("seed" in f for f in flags)
            text += (w("old", x=old, y=year) if year is not None else w("outdated", x=old)) if old else ""
            text += (w("bound", x=bound) if bound else "") + (w("seed", x=seed) if seed else "")
        lines.append(text + w("end"))
    return lines


def gap_rows(result: Result, a: str, b: str, lang: str) -> dict[str, Any]:
    """The index gap ``a - b`` and the contribution of each leaf of its decomposition (:func:`innoscope.analysis.gap`),
    largest first, with each entity's weight of the leaf in the index; ``moved`` marks a leaf the two entities
    weigh differently (one lacks a value there or in a sibling pillar)."""
    fw = result.framework
    try:
        g = gap_split(result, a, b)
    except DataError:
        return {"gap_total": None, "gap": []}
    leaves = g[g["leaf"]].assign(size=lambda d: -d["contribution"].abs()).sort_values("size", kind="stable")
    return {
        "gap_total": g.attrs["gap"],
        "gap": [
            {
                "code": r.node,
                "name": node_label(fw, r.node, lang),
                "pillar": node_label(fw, r.parent, lang) if isinstance(r.parent, str) else "",
                "contribution": r.contribution,
                "share": r.share,
                "weight_a": r.effective_a,
                "weight_b": r.effective_b,
                "moved": bool(abs(r.effective_a - r.effective_b) > 1e-12),
            }
            for r in leaves.itertuples()
        ],
    }


# -- audit --------------------------------------------------------------------------------------
@dataclass
class AuditView:
    corr: pd.DataFrame
    """Correlation between the index and every pillar (square, labelled by code)."""
    flags: pd.DataFrame
    """Columns ``flag``, ``code``, ``detail``."""
    method: str


def audit_view(result: Result, lang: str) -> AuditView:
    """Correlations and flags: from :func:`innoscope.analysis.audit`, else (when the audit fails) Pearson via pandas."""
    fw = result.framework
    codes = [fw.root, *pillar_codes(result)]
    flags: list[dict[str, str]] = []
    method = "Pearson (pandas.DataFrame.corr)"
    corr = result.aggregated[codes].corr()
    try:
        audit = run_audit(result)
    except Exception as e:  # noqa: BLE001 - the audit is optional; the report says why it is missing
        audit = None
        method += f"; innoscope.analysis.audit failed: {e}"
    if audit is not None:
        method += "; flags: innoscope.analysis.audit (Result.audit)"
        flags += _audit_flags(audit)
    else:
        agg = result.aggregated
        for parent in fw.aggregates:
            kids = fw.children(parent)
            for k in kids:
                r = agg[k].corr(agg[parent])
                if r < 0:
                    flags.append(
                        {
                            "flag": "negative correlation with parent",
                            "code": k,
                            "detail": f"r({k}, {parent}) = {r:.2f}",
                        }
                    )
            if len(kids) > 1:
                cm = agg[kids].corr().to_numpy()
                for i in range(len(kids)):
                    for j in range(i + 1, len(kids)):
                        if cm[i, j] > 0.9:
                            flags.append(
                                {
                                    "flag": "collinear (r > 0.9)",
                                    "code": f"{kids[i]}, {kids[j]}",
                                    "detail": f"r = {cm[i, j]:.2f} within {parent}",
                                }
                            )
    cs_flags = result.data.flags
    if cs_flags is not None:
        counts = _flag_counts(cs_flags)
        for f, n in counts.items():
            flags.append({"flag": f"data: {f}", "code": "", "detail": f"{n} value(s)"})
    return AuditView(corr=corr, flags=pd.DataFrame(flags, columns=["flag", "code", "detail"]), method=method)


def _audit_flags(audit: Any) -> list[dict[str, str]]:
    """Flags from :class:`innoscope.analysis.audit.Audit`: collinear and negative pairs, denominator links."""
    out: list[dict[str, str]] = []
    for attr, label in (
        ("flags_high", "collinear (r > 0.9)"),
        ("flags_low", "negative correlation (r < -0.4)"),
    ):
        tab = getattr(audit, attr, None)
        if isinstance(tab, pd.DataFrame):
            for r in tab.to_dict("records"):
                out.append(
                    {
                        "flag": label,
                        "code": f"{r.get('Ind1', '')}, {r.get('Ind2', '')}",
                        "detail": f"r = {r.get('Corr', '')} within {r.get('Group', '')}",
                    }
                )
    tab = getattr(audit, "denom_corr", None)
    if isinstance(tab, pd.DataFrame):
        for r in tab.to_dict("records"):
            out.append(
                {
                    "flag": "correlated with a denominator",
                    "code": str(r.get("Indicator", r.get("iCode", ""))),
                    "detail": ", ".join(f"{k} = {v}" for k, v in r.items()),
                }
            )
    return out


def _split_flags(cell: Any) -> list[str]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell is pd.NA:
        return []
    if isinstance(cell, (list, tuple, set)):
        return [str(x) for x in cell if str(x)]
    return [s.strip() for s in re.split(r"[,;|]", str(cell)) if s.strip()]


def _flag_counts(flags: pd.DataFrame) -> dict[str, int]:
    counts: dict[str, int] = {}
    for cell in flags.to_numpy().ravel():
        for f in _split_flags(cell):
            counts[f] = counts.get(f, 0) + 1
    return counts


# -- provenance ---------------------------------------------------------------------------------
def provenance_table(result: Result, lang: str) -> pd.DataFrame:
    """One row per entity x indicator: value, unit, year, source, excerpt, flags.

    Year and flags come from ``CrossSection.years``/``flags``; source and excerpt from
    ``CrossSection.provenance`` (a long table with ``entity``/``uCode``, ``indicator``/``iCode``,
    ``source``, ``excerpt``) when the data layer supplies one, else the data set's source file.
    Missing values are flagged ``missing``.
    """
    fw = result.framework
    cs = result.data
    raw = result.stage("Raw")
    long = raw[fw.indicators].stack(future_stack=True).rename("value").reset_index()
    long.columns = ["entity", "indicator", "value"]
    long["name"] = [entity_name(result, e, lang) for e in long["entity"]]
    long["indicator_name"] = [node_label(fw, i, lang) for i in long["indicator"]]
    long["unit"] = [fw[i].unit or "" for i in long["indicator"]]

    def cell(frame: pd.DataFrame | None, e: str, i: str) -> Any:
        if frame is None or e not in frame.index or i not in frame.columns:
            return None
        return frame.at[e, i]

    years = [cell(cs.years, e, i) for e, i in zip(long["entity"], long["indicator"], strict=True)]
    long["year"] = pd.Series([_year(y) for y in years], index=long.index, dtype=object)
    long["flags"] = [
        _split_flags(cell(cs.flags, e, i)) for e, i in zip(long["entity"], long["indicator"], strict=True)
    ]
    long["source"] = [fw[i].source or cs.source or "" for i in long["indicator"]]
    long["excerpt"] = ""
    prov = getattr(cs, "provenance", None)
    if isinstance(prov, pd.DataFrame) and not prov.empty:
        p = prov.rename(columns={"uCode": "entity", "iCode": "indicator"})
        keep = [c for c in ("source", "excerpt", "year", "flags") if c in p.columns]
        p = p.drop_duplicates(["entity", "indicator"]).set_index(["entity", "indicator"])[keep]
        key = list(zip(long["entity"], long["indicator"], strict=True))
        for c in keep:
            vals = p[c].reindex(pd.MultiIndex.from_tuples(key))
            got = [v for v in vals]
            if c == "flags":
                long[c] = [
                    sorted(set(old) | set(_split_flags(v))) for old, v in zip(long[c], got, strict=True)
                ]
            else:
                long[c] = [
                    old if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v
                    for old, v in zip(long[c], got, strict=True)
                ]
    long["flags"] = [
        fl + (["missing"] if np.isnan(v) and "missing" not in fl else [])
        for fl, v in zip(long["flags"], long["value"], strict=True)
    ]
    return long


def _year(y: Any) -> int | str | None:
    if y is None or y is pd.NA:
        return None
    try:
        f = float(y)
    except (TypeError, ValueError):
        return str(y) or None
    if math.isnan(f):
        return None
    return int(f) if f == int(f) else str(y)


def provenance_from_choices(choices: pd.DataFrame) -> pd.DataFrame:
    """uCode, iCode, source, excerpt of the chosen observation of each cell (the data layer's ``choices``)."""
    c = choices
    if "chosen" in c.columns:
        c = c[c["chosen"].astype(bool)]
    title = c.get("source_title", pd.Series("", index=c.index)).fillna("").astype(str)
    url = c.get("source_url", pd.Series("", index=c.index)).fillna("").astype(str)
    source = [" — ".join(x for x in (t, u) if x) for t, u in zip(title, url, strict=True)]
    return pd.DataFrame(
        {
            "uCode": c["entity"].astype(str).to_numpy(),
            "iCode": c["code"].astype(str).to_numpy(),
            "source": source,
            "excerpt": c.get("excerpt", pd.Series("", index=c.index)).fillna("").astype(str).to_numpy(),
        }
    )


# -- methodology --------------------------------------------------------------------------------
def methodology(result: Result) -> list[dict[str, Any]]:
    """Each step of the spec: stage, method, parameters, overrides and the method's formula (its docstring)."""
    from innoscope.pipeline.run import stage_module

    out = []
    for i, step in enumerate(result.spec.steps, start=1):
        mod = stage_module(step.stage)
        name = step.method or getattr(mod, "DEFAULT_METHOD", None) or _default_method(mod)
        methods = []
        names = [name] + [
            o.get("method")
            for t in (step.by_indicator, step.by_level, step.by_node, step.by_group)
            for o in t.values()
            if o.get("method")
        ]
        for nm in dict.fromkeys(n for n in names if n and n != "none"):
            try:
                m = mod.METHODS.get(nm)
            except Exception:  # noqa: BLE001 - a spec the engine accepted; keep the report going
                continue
            methods.append(
                {"name": m.name, "formula": inspect.getdoc(m.func) or "", "defaults": dict(m.params)}
            )
        overrides = {
            k: v for k in ("by_indicator", "by_level", "by_node", "by_group") if (v := getattr(step, k))
        }
        out.append(
            {
                "n": i,
                "stage": step.stage,
                "method": methods[0]["name"] if methods else (name or "none"),
                "params": dict(step.params),
                "overrides": overrides,
                "methods": methods,
                "module_doc": (inspect.getdoc(mod) or "").split("\n\n")[0],
                "input": step.input,
                "output": step.output or getattr(mod, "OUTPUT", ""),
            }
        )
    return out


_RUN_DEFAULTS = {"denominate": "divide", "normalise": "minmax", "aggregate": "arithmetic"}


def _default_method(mod: Any) -> str | None:
    name = _RUN_DEFAULTS.get(mod.__name__.rsplit(".", 1)[-1])
    if name and name in mod.METHODS:
        return name
    names = mod.METHODS.names()
    return names[0] if len(names) == 1 else None


def fmt_num(x: Any, digits: int = 2) -> str:
    """A number for display: thousands separators, ``digits`` decimals, '–' for missing."""
    if x is None or x is pd.NA:
        return "–"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(f):
        return "–"
    if f == int(f) and abs(f) < 1e15 and digits == 0:
        return f"{int(f):,}"
    if abs(f) >= 1e5:
        return f"{f:,.0f}"
    if abs(f) > 0 and abs(f) < 10**-digits:
        return f"{f:.{digits}g}" if digits > 0 else f"{f:.2g}"
    return f"{f:,.{digits}f}"

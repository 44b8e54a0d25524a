"""Per-entity summaries: scores and ranks, strengths and weaknesses, group ranks, comparisons.

Follows COINr ``get_unit_summary``, ``get_str_weak``, ``get_results(use = "groupranks")`` and
``compare_coins``. Ranks: 1 = highest, ties share the lowest rank (``ties.method = "min"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innoscope.analysis.stats import signif
from innoscope.model.errors import DataError
from innoscope.model.framework import Framework
from innoscope.pipeline.result import Result


def _rank(df: pd.DataFrame | pd.Series):
    return df.rank(ascending=False, method="min", na_option="keep")


def _check_entity(data: pd.DataFrame, entity: str) -> None:
    if entity not in data.index:
        raise DataError(f"unknown entity {entity!r}; the data set has {len(data)} entities")


def unit_summary(
    data: pd.DataFrame, fw: Framework, entity: str, levels: list[int] | None = None, nround: int | None = 2
) -> pd.DataFrame:
    """Score and rank of ``entity`` at every node of ``levels`` (top level first)."""
    _check_entity(data, entity)
    levels = sorted(levels or range(2, fw.n_levels + 1), reverse=True)
    codes = [c for lv in levels for c in fw.codes(lv)]
    scores = data.loc[entity, codes].to_numpy(float)
    ranks = _rank(data[codes]).loc[entity].to_numpy(float)
    out = pd.DataFrame({"Code": codes, "Name": [fw[c].name for c in codes], "Score": scores, "Rank": ranks})
    if nround is not None:
        out["Score"] = out["Score"].round(nround)
    return out


def strengths_weaknesses(
    data: pd.DataFrame,
    fw: Framework,
    entity: str,
    *,
    top_n: int = 5,
    bottom_n: int = 5,
    adjust_direction: bool = True,
    min_discard: bool = True,
    unq_discard: float | None = None,
    report_level: int = 2,
    sig_figs: int | None = 3,
) -> dict[str, pd.DataFrame]:
    """The ``top_n`` best- and ``bottom_n`` worst-ranked indicators of ``entity``.

    Indicators are multiplied by their direction first (``adjust_direction``; COINr does so by
    default for the raw data set), ranked among entities; indicators where the entity is missing
    are ignored, and with ``min_discard`` so are those where it holds the lowest rank of that
    indicator (e.g. a shared zero). Ties keep COINr's order (indicators sorted by parent code).
    Weaknesses are listed in increasing rank, as COINr.
    Columns: Code, Name, Pillar (the level-``report_level`` group), Rank, Value, Unit.
    """
    _check_entity(data, entity)
    inds = [c for c in sorted(fw.indicators, key=lambda c: (fw[c].parent or "").lower()) if c in data.columns]
    X = data[inds]
    if unq_discard is not None:
        inds = [c for c in inds if X[c].nunique(dropna=False) / len(X) > unq_discard]
    Y = X[inds] * (fw.directions()[inds] if adjust_direction else 1.0)
    R = _rank(Y)
    r = R.loc[entity].dropna()
    if min_discard:
        r = r[r != R[r.index].max()]
    r = r.sort_values(kind="stable")
    codes_s, codes_w = list(r.index[:top_n]), list(r.index[len(r) - bottom_n :])

    def table(codes: list[str]) -> pd.DataFrame:
        vals = data.loc[entity, codes].to_numpy(float)
        return pd.DataFrame(
            {
                "Code": codes,
                "Name": [fw[c].name for c in codes],
                "Pillar": [fw.ancestor_at(c, report_level) for c in codes],
                "Rank": r[codes].to_numpy(),
                "Value": signif(vals, sig_figs) if sig_figs else vals,
                "Unit": [fw[c].unit for c in codes],
            }
        )

    return {"Strengths": table(codes_s), "Weaknesses": table(codes_w)}


def results_table(
    data: pd.DataFrame,
    fw: Framework,
    groups: pd.DataFrame | None = None,
    *,
    use: str = "scores",
    use_group: str | None = None,
    nround: int = 2,
) -> pd.DataFrame:
    """Aggregate scores (or ranks, or ranks within ``use_group``) of every entity, sorted by the
    index (then by group for group ranks), as COINr ``get_results(tab_type = "Aggs")``.

    Scores are rounded to ``nround`` decimals; ranks are of the unrounded scores (as COINr 1.1.14's
    output: JPN 6.6189 and RUS 6.6160 on ConEcFin rank 47 and 48, not tied).
    """
    if use not in ("scores", "ranks", "groupranks"):
        raise DataError(f"use must be scores, ranks or groupranks, not {use!r}")
    aggs = [
        c for lv in range(fw.n_levels, 1, -1) for c in sorted(fw.codes(lv), key=lambda c: fw[c].parent or "")
    ]
    tab = data[aggs].round(nround) if use == "scores" else data[aggs].copy()
    if use_group is not None:
        if groups is None or use_group not in groups.columns:
            raise DataError(f"no group column {use_group!r}")
        tab.insert(0, use_group, groups[use_group].reindex(tab.index))
    tab = tab.iloc[np.argsort(-tab[fw.root].to_numpy(), kind="stable")]
    if use == "ranks":
        tab[aggs] = _rank(tab[aggs])
    elif use == "groupranks":
        if use_group is None:
            raise DataError("groupranks needs use_group")
        tab[aggs] = tab.groupby(use_group)[aggs].rank(ascending=False, method="min", na_option="keep")
        tab = tab.sort_values(use_group, kind="stable")
    return tab


def compare(
    scores1: pd.Series, scores2: pd.Series, *, sort_by: str = "Abs.diff", decreasing: bool = True
) -> pd.DataFrame:
    """Ranks of two versions of one node side by side: ``Diff = rank1 - rank2``, ``Abs.diff``
    (COINr ``compare_coins``); entities in both, sorted by ``sort_by`` (stable)."""
    common = scores1.index.intersection(scores2.index, sort=False)
    r1, r2 = _rank(scores1[common]), _rank(scores2[common])
    out = pd.DataFrame({"coin.1": r1, "coin.2": r2, "Diff": r1 - r2, "Abs.diff": (r1 - r2).abs()})
    key = out[sort_by].to_numpy(float)
    order = np.argsort(-key if decreasing else key, kind="stable")
    return out.iloc[order]


def get_str_weak(result: Result, entity: str, n: int = 5, dset: str = "Raw") -> dict[str, pd.DataFrame]:
    """Top and bottom ``n`` indicators of ``entity`` in a built index, by rank among entities.

    COINr's ``get_str_weak`` rules (see :func:`strengths_weaknesses`): directions applied, the entity's
    lowest-possible ranks discarded. Keys ``strengths``/``weaknesses``; columns iCode, name, pillar, rank, value,
    unit.
    """
    out = strengths_weaknesses(
        result.stage(dset), result.framework, entity, top_n=n, bottom_n=n, sig_figs=None
    )
    cols = {
        "Code": "iCode",
        "Name": "name",
        "Pillar": "pillar",
        "Rank": "rank",
        "Value": "value",
        "Unit": "unit",
    }
    return {k.lower(): v.rename(columns=cols).reset_index(drop=True) for k, v in out.items()}

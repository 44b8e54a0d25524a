"""Why A scores higher than B: the gap between two entities' index scores, split into the contributions of
every pillar and indicator, summing exactly to the gap.

At an aggregate ``p`` of the mean type the gap between the two entities' scores is split among the children
``c`` by the method's transform ``g`` (arithmetic ``g(x) = x``, geometric ``g = ln``, harmonic
``g(x) = 1/x``, power mean ``g(x) = x^q``), since ``g(p) = sum_c r_c g(s_c)`` with ``r_c`` each entity's own
relative weights (renormalised over the children it has)::

    t_c = L * (r_ac g(s_ac) - r_bc g(s_bc)),   L = (p_a - p_b) / (g(p_a) - g(p_b))   (1 / g'(p_a) if equal)

so that ``sum_c t_c = p_a - p_b`` exactly. For the arithmetic mean ``L = 1`` and ``t_c`` is the plain
difference of weighted scores; for the geometric mean ``L`` is the logarithmic mean and this is the LMDI
decomposition (Ang 2004, Energy Policy 32(9) 1131-1139; Ang & Liu 2001). Down the tree, a child's share of
the index gap is its parent's share times ``t_c / (p_a - p_b)``; when a parent's two scores are equal its
share is spread by the children's mean relative weights and ``t_c`` added, so the sums stay exact. An
aggregate with a method of another kind (median, Copeland, TOPSIS, VIKOR, Mazziotta-Pareto, benefit of the
doubt) is not split: it appears as a leaf with its share.

When an entity lacks a child, its other children carry its weight: the table shows both entities' relative
weights, so a pillar whose gap comes from comparing different indicators is visible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import DataError
from ..result import Result

Transform = tuple[Callable[[np.ndarray], np.ndarray], Callable[[float], float]]


def _transform(method: str, params: dict) -> Transform | None:
    """(g, g') of a mean-type aggregation, or None when the method is not a transformed weighted mean."""
    if method == "arithmetic" or (method == "generalised" and float(params.get("p", 1.0)) == 1.0):
        return (lambda x: x), (lambda x: 1.0)
    q = {"geometric": 0.0, "harmonic": -1.0}.get(method, float(params.get("p", 1.0)) if method == "generalised"
                                                   else None)
    if q is None:
        return None
    if q == 0.0:
        return np.log, (lambda x: 1.0 / x)
    return (lambda x: np.power(x, q)), (lambda x: q * x ** (q - 1.0))


def _relative(w: np.ndarray, s: np.ndarray) -> np.ndarray:
    present = np.where(np.isnan(s), 0.0, w)
    total = present.sum()
    return present / total if total > 0 else present


def local_terms(method: str, params: dict, w: np.ndarray, sa: np.ndarray, sb: np.ndarray, pa: float,
                pb: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(t, r_a, r_b): each child's part ``t_c`` of ``pa - pb`` and both entities' relative weights; None if
    the method is not decomposable."""
    tr = _transform(method, params)
    if tr is None or np.isnan(pa) or np.isnan(pb):
        return None
    g, dg = tr
    ra, rb = _relative(w, sa), _relative(w, sb)
    with np.errstate(divide="ignore", invalid="ignore"):
        ga = np.where(ra > 0, ra * g(np.where(ra > 0, sa, 1.0)), 0.0)
        gb = np.where(rb > 0, rb * g(np.where(rb > 0, sb, 1.0)), 0.0)
        diff_g = float(g(np.float64(pa)) - g(np.float64(pb)))
    factor = (pa - pb) / diff_g if diff_g != 0 else 1.0 / dg(pa)
    return factor * (ga - gb), ra, rb


def gap(result: Result, a: str, b: str) -> pd.DataFrame:
    """One row per node, top-down: both entities' scores and relative weights, the node's ``contribution``
    to the index gap ``score_a - score_b`` (points of the index) and its ``share`` of it; ``split`` says
    whether the node's own gap is split among its children (False for indicators and for aggregates whose
    method is not a weighted mean). The contributions of the leaves (``leaf``) sum to the index gap.
    """
    fw = result.framework
    agg = result.aggregated
    for e in (a, b):
        if e not in agg.index:
            raise DataError(f"unknown entity {e!r}; entities: {', '.join(map(str, agg.index[:10]))}...")
    methods = result.logs["Aggregated"]["methods"].set_index("iCode")
    sa, sb = agg.loc[a], agg.loc[b]
    root = fw.root
    for e, s in ((a, sa), (b, sb)):
        if np.isnan(s[root]):
            raise DataError(f"{e!r} has no {root} score (too little data for it; see the build's dat_thresh), so "
                            "the gap cannot be split")
    share_of: dict[str, float] = {root: float(sa[root] - sb[root])}
    rows: list[dict] = []
    weights_rel: dict[str, tuple[float, float]] = {root: (1.0, 1.0)}
    stack = [root]
    while stack:
        p = stack.pop(0)
        kind = fw[p].kind
        row = {"node": p, "level": fw[p].level, "parent": fw.parent(p), "name": fw[p].name,
               "score_a": float(sa[p]), "score_b": float(sb[p]), "weight_a": weights_rel[p][0],
               "weight_b": weights_rel[p][1], "contribution": share_of[p], "split": False, "method": ""}
        rows.append(row)
        if kind == "indicator":
            continue
        children = fw.children(p)
        info = methods.loc[p]
        params = {k: v for k, v in info.items() if k not in ("Level", "method", "weights", "dat_thresh")
                  and not (isinstance(v, float) and np.isnan(v))}
        w = result.weights[info["weights"]].reindex(children).to_numpy(float)
        ca, cb = sa[children].to_numpy(float), sb[children].to_numpy(float)
        row["method"] = info["method"]
        terms = local_terms(info["method"], params, w, ca, cb, float(sa[p]), float(sb[p]))
        if terms is None:
            continue
        t, ra, rb = terms
        row["split"] = True
        d = float(sa[p] - sb[p])
        if d != 0:
            parts = share_of[p] * t / d
        else:
            parts = t + share_of[p] * (ra + rb) / max((ra + rb).sum(), 1e-300)
        for c, part, wa, wb in zip(children, parts, ra, rb, strict=True):
            share_of[c] = float(part)
            weights_rel[c] = (float(wa), float(wb))
        stack.extend(children)
    out = pd.DataFrame(rows)
    total = share_of[root]
    out["leaf"] = ~out["split"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = out["contribution"] / total if total != 0 else np.nan
    out.attrs.update(a=a, b=b, gap=total)
    return out

"""Why A scores higher than B: the gap between two entities' index scores, split into the contributions of
every pillar and indicator, summing exactly to the gap.

Each node ``p`` carries a pair of multipliers ``(alpha_a, alpha_b)`` with its contribution
``T_p = alpha_a p_a - alpha_b p_b``; the index has ``(1, 1)``, so ``T = S_a - S_b``.

* Arithmetic mean (``p = sum_c r_c s_c``, ``r_c`` each entity's own relative weights, renormalised over the
  children it has): child ``c`` gets ``(alpha_a r_ac, alpha_b r_bc)``, so ``T_c = alpha_a r_ac s_ac -
  alpha_b r_bc s_bc``. Along an arithmetic tree an indicator's contribution is therefore
  ``ew_a x_a - ew_b x_b`` with ``ew`` each entity's effective weight, and the sums are exact.
* Another weighted mean with transform ``g`` (geometric ``g = ln``, harmonic ``g(x) = 1/x``, power mean
  ``g(x) = x^q``), ``g(p) = sum_c r_c g(s_c)``: the gap ``p_a - p_b`` is split as
  ``t_c = L (r_ac g(s_ac) - r_bc g(s_bc))`` with ``L = (p_a - p_b) / (g(p_a) - g(p_b))`` (``1 / g'(p_a)``
  if equal), which for the geometric mean is the log-mean Divisia index (LMDI; Ang 2004, Energy Policy 32(9)
  1131-1139). Writing ``T_p = abar (p_a - p_b) + (alpha_a - alpha_b) (p_a + p_b) / 2`` with ``abar`` the mean
  multiplier, child ``c`` gets ``T_c = abar t_c + (alpha_a - alpha_b) (p_a + p_b) / 2 q_c`` (``q_c``: the
  children's mean relative weights), and multipliers that reproduce ``T_c`` from its own two scores.
* Any other method (median, Copeland, TOPSIS, VIKOR, Mazziotta-Pareto, benefit of the doubt) is not split: the
  aggregate is a leaf with its contribution.

When an entity lacks a child, its other children carry its weight: the table shows both entities' relative and
effective weights, so a gap that comes from comparing different indicators (or pillars) is visible.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import DataError
from innoscope.pipeline.aggregate import capabilities
from innoscope.pipeline.result import Result

Transform = tuple[Callable[[np.ndarray], np.ndarray], Callable[[float], float]]


def _power(method: str, params: Mapping[str, Any]) -> float | None:
    """The order ``q`` of a method that is a weighted power mean (its registered capability), else None."""
    agg = capabilities(method)
    return None if agg.power is None else float(agg.power(params))


def _transform(q: float) -> Transform:
    """(g, g') of the power mean of order ``q``: ``x^q`` (``ln x`` for q = 0)."""
    if q == 1.0:
        return (lambda x: x), (lambda x: 1.0)
    if q == 0.0:
        return np.log, (lambda x: 1.0 / x)
    return (lambda x: np.power(x, q)), (lambda x: q * x ** (q - 1.0))


def _relative(w: np.ndarray, s: np.ndarray) -> np.ndarray:
    present = np.where(np.isnan(s), 0.0, w)
    total = present.sum()
    return present / total if total > 0 else present


def local_terms(
    method: str, params: dict, w: np.ndarray, sa: np.ndarray, sb: np.ndarray, pa: float, pb: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(t, r_a, r_b): each child's part ``t_c`` of ``pa - pb`` and both entities' relative weights; None if
    the method is not decomposable."""
    q = _power(method, params)
    if q is None or np.isnan(pa) or np.isnan(pb):
        return None
    g, dg = _transform(q)
    ra, rb = _relative(w, sa), _relative(w, sb)
    with np.errstate(divide="ignore", invalid="ignore"):
        ga = np.where(ra != 0, ra * g(np.where(ra != 0, sa, 1.0)), 0.0)
        gb = np.where(rb != 0, rb * g(np.where(rb != 0, sb, 1.0)), 0.0)
        diff_g = float(g(np.float64(pa)) - g(np.float64(pb)))
    factor = (pa - pb) / diff_g if diff_g != 0 else 1.0 / dg(pa)
    return factor * (ga - gb), ra, rb


def _multipliers(t: float, sa: float, sb: float) -> tuple[float, float] | None:
    """``(beta_a, beta_b)`` with ``beta_a sa - beta_b sb = t`` (a missing score counts 0), or None when no pair
    can (both scores 0 or missing): the node is then a leaf."""
    has_a, has_b = np.isfinite(sa) and sa != 0, np.isfinite(sb) and sb != 0
    if has_a and has_b:
        return (t / (sa - sb), t / (sa - sb)) if sa != sb else (t / (2 * sa), -t / (2 * sb))
    if has_a:
        return t / sa, 0.0
    if has_b:
        return 0.0, -t / sb
    return None


def _split(
    method: str,
    params: dict,
    w: np.ndarray,
    ca: np.ndarray,
    cb: np.ndarray,
    pa: float,
    pb: float,
    alpha: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list] | None:
    """The children's contributions, both entities' relative weights and the children's multipliers (None for a
    child that stays a leaf), for a node with multipliers ``alpha``; None if the method is not a weighted mean."""
    if _power(method, params) == 1.0:
        ra, rb = _relative(w, ca), _relative(w, cb)
        parts = alpha[0] * ra * np.nan_to_num(ca) - alpha[1] * rb * np.nan_to_num(cb)
        return parts, ra, rb, [(alpha[0] * x, alpha[1] * y) for x, y in zip(ra, rb, strict=True)]
    terms = local_terms(method, params, w, ca, cb, pa, pb)
    if terms is None:
        return None
    t, ra, rb = terms
    q = (ra + rb) / max((ra + rb).sum(), 1e-300)
    parts = (alpha[0] + alpha[1]) / 2 * t + (alpha[0] - alpha[1]) * (pa + pb) / 2 * q
    return parts, ra, rb, [_multipliers(x, y, z) for x, y, z in zip(parts, ca, cb, strict=True)]


def gap(result: Result, a: str, b: str) -> pd.DataFrame:
    """One row per node, top-down: both entities' scores, relative weights within the parent (``weight_*``) and
    effective weights in the index (``effective_*``: the product of the relative weights down the path), the
    node's ``contribution``
    to the index gap ``score_a - score_b`` (points of the index) and its ``share`` of it; ``split`` says
    whether the node's own gap is split among its children (False for indicators and for aggregates whose
    method is not a weighted mean). The contributions of the leaves (``leaf``) sum to the index gap.
    """
    fw = result.framework
    agg = result.aggregated
    for e in (a, b):
        if e not in agg.index:
            raise DataError(f"unknown entity {e!r}; entities: {', '.join(map(str, agg.index[:10]))}...")
    sa, sb = agg.loc[a], agg.loc[b]
    root = fw.root
    for e, s in ((a, sa), (b, sb)):
        if np.isnan(s[root]):
            raise DataError(
                f"{e!r} has no {root} score (too little data for it; see the build's dat_thresh), so "
                "the gap cannot be split"
            )
    alpha: dict[str, tuple[float, float]] = {root: (1.0, 1.0)}
    share_of: dict[str, float] = {root: float(sa[root] - sb[root])}
    rows: list[dict] = []
    weights_rel: dict[str, tuple[float, float]] = {root: (1.0, 1.0)}
    effective: dict[str, tuple[float, float]] = {root: (1.0, 1.0)}
    stack = [root]
    while stack:
        p = stack.pop(0)
        row = {
            "node": p,
            "level": fw[p].level,
            "parent": fw.parent(p),
            "name": fw[p].name,
            "score_a": float(sa[p]),
            "score_b": float(sb[p]),
            "weight_a": weights_rel[p][0],
            "weight_b": weights_rel[p][1],
            "effective_a": effective[p][0],
            "effective_b": effective[p][1],
            "contribution": share_of[p],
            "split": False,
            "method": "",
        }
        rows.append(row)
        if fw[p].kind == "indicator" or p not in alpha:
            continue
        children = fw.children(p)
        node = result.node_settings(p)
        w = result.child_weights(p)
        ca, cb = sa[children].to_numpy(float), sb[children].to_numpy(float)
        row["method"] = node.method
        split = _split(node.method, dict(node.params), w, ca, cb, float(sa[p]), float(sb[p]), alpha[p])
        if split is None:
            continue
        row["split"] = True
        parts, ra, rb, multipliers = split
        for c, part, wa, wb, m in zip(children, parts, ra, rb, multipliers, strict=True):
            share_of[c] = float(part)
            weights_rel[c] = (float(wa), float(wb))
            effective[c] = (effective[p][0] * float(wa), effective[p][1] * float(wb))
            if m is not None:
                alpha[c] = m
        stack.extend(children)
    out = pd.DataFrame(rows)
    total = share_of[root]
    out["leaf"] = ~out["split"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = out["contribution"] / total if total != 0 else np.nan
    out.attrs.update(a=a, b=b, gap=total)
    return out

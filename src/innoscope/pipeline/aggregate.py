"""Aggregate: combine children into their parent, level by level, up to the index.

The aggregation contract (one home for every formula, read by build, the Monte Carlo, the gap split,
explain and the report):

* Each method is registered once, with :func:`aggregator`, as a kernel ``f(X, w, *, params) -> y`` plus its
  capabilities (:class:`Aggregator`): ``stacked`` (the kernel takes stacked replications), ``weightless``
  (the result does not depend on the weights given) and ``power`` (the method is the weighted power mean of
  that order, which the gap split needs: ``g(x) = x^q``, ``ln x`` for ``q = 0``). Adding a method is one
  decorated function in this file (or any module that imports it, as :mod:`innoscope.pipeline.bod`).
* Kernel shapes: ``X`` is entities x children (n, k), NaN = missing, with weights ``w`` (k,) -> (n,). A
  ``stacked`` kernel also takes ``X`` (B, n, k) with weights ``W`` (R, k), B = 1 (data shared by every
  replication) or R, -> (R, n): replication r is ``f(X[r or 0], W[r])``. Missing values are handled as in
  COINr: a missing child is dropped and the weights renormalised over the children present; an entity whose
  present children all have weight 0 gets NaN.
* One resolver of node settings, :func:`node_settings` (method, kernel parameters, weight set, ``dat_thresh``,
  ``negative_weights`` at every node: ``by_node`` over ``by_level`` over the step), and one of child weights,
  :func:`child_weights` (``weights: equal`` / ``none`` = all ones; negative weights an error unless
  ``negative_weights: allow``); :func:`aggregate_node` applies a node's kernel and ``dat_thresh`` on one data
  set or on stacked replications.

The weighted means share one kernel, the power mean with missing values ``M_q = g^-1(sum_j w_j g(x_j) /
sum_j w_j)`` over the children present: with ``P`` the 0/1 matrix of present values (missing cells set to 0)

    arithmetic  (X @ w) / (P @ w)                    q = 1
    geometric   exp((ln X @ w) / (P @ w))            q = 0
    harmonic    (P @ w) / ((1 / X) @ w)              q = -1
    generalised ((X ** p @ w) / (P @ w)) ** (1 / p)  q = p

For data shared by R replications this is one matrix product ``W @ g(X).T``. (The means also accept the
column form ``w`` (k, R) -> (n, R) on a 2-D ``X``.) Median, Copeland, Mazziotta-Pareto, TOPSIS and VIKOR are
stacked too (the same formula along the last two axes; with a 2-D ``X`` and ``W`` (R, k) they return (R, n));
benefit of the doubt takes one weight vector and ignores it.

Domain errors are never a silent NaN: geometric, harmonic and generalised (p <= 0) means on a
non-positive value raise :class:`DomainError`, which the stage reports naming the node, the
entity, the child and the value. Output: the input columns plus one column per aggregate, level
by level (within a level sorted by code, as COINr's ``Aggregated`` data set). Formulas and
sources: each kernel's docstring and docs/methods.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import StageError
from innoscope.model.framework import Framework
from innoscope.model.registry import Method, Registry
from innoscope.pipeline.base import Context, Log, StageOutput, label_index, log_frame
from innoscope.pipeline.spec import Step

METHODS = Registry("aggregate")
OUTPUT = "Aggregated"
OVERRIDES = ("by_level", "by_node")
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""
DEFAULT_METHOD = "arithmetic"
STAGE_PARAMS = ("weights", "dat_thresh", "negative_weights")
"""Parameters the stage itself consumes (at any level / node), not the kernel."""


@dataclass(frozen=True)
class Aggregator:
    """An aggregation method and what it can do, declared once when it is registered."""

    method: Method
    stacked: bool = True
    """The kernel takes stacked replications: ``X`` (B, n, k) with ``W`` (R, k) -> (R, n)."""
    weightless: bool = False
    """The result does not depend on the weights given (benefit of the doubt: each entity picks its own)."""
    power: Callable[[Mapping[str, Any]], float] | None = None
    """For a weighted power mean: its order ``q`` given the parameters (0 = geometric); used by the gap split."""

    @property
    def name(self) -> str:
        return self.method.name

    def __reduce__(self) -> tuple[Callable[[str], Aggregator], tuple[str]]:
        return capabilities, (self.name,)  # pickled by name: the registered one in the other process


Kernel = Callable[..., np.ndarray]
AGGREGATORS: dict[str, Aggregator] = {}
"""Registered name -> :class:`Aggregator` (every method of :data:`METHODS`)."""


def aggregator(
    name: str,
    *,
    aliases: tuple[str, ...] = (),
    stacked: bool = True,
    weightless: bool = False,
    power: Callable[[Mapping[str, Any]], float] | None = None,
) -> Callable[[Kernel], Kernel]:
    """Decorator: register an aggregation kernel under ``name`` with its capabilities (see :class:`Aggregator`)."""

    def deco(func: Kernel) -> Kernel:
        METHODS.register(name, aliases=aliases)(func)
        method = METHODS.get(name)
        AGGREGATORS[method.name] = Aggregator(method, stacked=stacked, weightless=weightless, power=power)
        return func

    return deco


def capabilities(method: str) -> Aggregator:
    """The :class:`Aggregator` of a method name or alias (SpecError naming the valid ones if unknown)."""
    return AGGREGATORS[METHODS.get(method).name]


class DomainError(ValueError):
    """A value outside a method's domain (e.g. zero under a geometric mean), at ``X[row, col]``.

    ``row`` or ``col`` is -1 when the fault is not one entity's (row) or one child's (col).
    """

    def __init__(self, method: str, row: int, col: int, value: float, need: str):
        self.method, self.row, self.col, self.value, self.need = method, row, col, value, need
        super().__init__(f"{method} needs {need}; found {value!r} at row {row}, column {col}")


def _check_domain(X: np.ndarray, bad: np.ndarray, method: str, need: str) -> None:
    if bad.any():
        at = np.argwhere(bad)[0]
        r, c = int(at[-2]), int(at[-1])
        raise DomainError(method, r, c, float(X[tuple(at)]), need)


def _check_last_axis(V: np.ndarray, bad: np.ndarray, method: str, need: str, *, rows: bool = False) -> None:
    """:class:`DomainError` at the first ``bad`` cell of ``V`` whose last axis is children (or entities when
    ``rows``), any leading axes replications; the other index is -1 (the fault is a whole column's or row's)."""
    k = V.shape[-1]
    at = np.argwhere(bad.reshape(-1, k))
    if at.size:
        r, j = (int(x) for x in at[0])
        raise DomainError(method, j if rows else -1, -1 if rows else j, float(V.reshape(-1, k)[r, j]), need)


def _finish(
    num: np.ndarray, den: np.ndarray, squeeze: bool, f: Callable[[np.ndarray], np.ndarray] | None = None
) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
        if f is not None:
            y = f(y)
    return y[:, 0] if squeeze else y


def _power_domain(X: np.ndarray, P: np.ndarray | None, q: float) -> None:
    """Raise :class:`DomainError` at the first present value outside the mean's domain (``P`` None: all present)."""
    if q == 1:
        return
    with np.errstate(invalid="ignore"):
        bad = ~(X > 0) if q <= 0 else ~(X >= 0)
    if P is not None:
        bad &= P
    if q <= 0:
        what = {0.0: "the geometric mean", -1.0: "the harmonic mean"}.get(q, f"the power mean with p = {q}")
        _check_domain(X, bad, what, "values > 0")
    else:
        _check_domain(X, bad, f"the power mean with p = {q}", "values >= 0")


def _power_parts(
    X: np.ndarray, P: np.ndarray, q: float
) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray] | None, bool]:
    """``g(X)`` with missing cells 0, the inverse to apply to the mean, and whether ``num / den`` is inverted
    (the harmonic mean is ``(P @ w) / ((1 / X) @ w)``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if q == 1:
            return np.where(P, X, 0.0), None, False
        if q == 0:
            return np.log(np.where(P, X, 1.0)), np.exp, False
        if q == -1:
            return np.where(P, 1.0 / np.where(P, X, 1.0), 0.0), None, True
        return np.where(P, np.where(P, X, 1.0) ** q, 0.0), (lambda y: y ** (1.0 / q)), False


def power_mean(X: np.ndarray, w: np.ndarray, q: float) -> np.ndarray:
    """The weighted power mean of order ``q`` (0 = geometric) over the children present, in every shape of the
    contract (module docstring): ``X`` (n, k) with ``w`` (k,) or columns (k, R); ``X`` (B, n, k) with ``W`` (R, k).
    """
    X = np.asarray(X, dtype=float)
    w = np.asarray(w, dtype=float)
    if X.ndim == 3:
        return _power_mean_stacked(X, w, q)
    if X.ndim != 2 or w.shape[0] != X.shape[1] or w.ndim not in (1, 2):
        raise ValueError(f"X must be (n, k) and w (k,) or (k, R); got X {X.shape}, w {w.shape}")
    P = ~np.isnan(X)
    W = w[:, None] if w.ndim == 1 else w
    _power_domain(X, P, q)
    F, inverse, flip = _power_parts(X, P, q)
    num, den = F @ W, P @ W
    return _finish(den, num, w.ndim == 1) if flip else _finish(num, den, w.ndim == 1, inverse)


def _power_mean_stacked(X: np.ndarray, W: np.ndarray, q: float) -> np.ndarray:
    if W.ndim != 2 or W.shape[1] != X.shape[2] or X.shape[0] not in (1, W.shape[0]):
        raise ValueError(f"stacked X must be (1 or R, n, k) with W (R, k); got X {X.shape}, W {W.shape}")
    if X.shape[0] > 1 and not np.isnan(X).any():
        return _power_mean_complete(X, W, q)
    P = ~np.isnan(X)
    _power_domain(X, P, q)
    F, inverse, flip = _power_parts(X, P, q)
    complete = bool(P.all())
    if X.shape[0] == 1:
        num = W @ F[0].T
        den = W.sum(axis=1, keepdims=True) if complete else W @ P[0].T.astype(float)
    else:
        num = np.einsum("rnk,rk->rn", F, W)
        den = W.sum(axis=1, keepdims=True) if complete else np.einsum("rnk,rk->rn", P.astype(float), W)
    if flip:
        y = _finish(den, num, False)
        with np.errstate(invalid="ignore"):
            y = np.where(den != 0, y, np.nan)
    else:
        y = _finish(num, den, False, inverse)
    return np.ascontiguousarray(np.broadcast_to(y, (W.shape[0], X.shape[1])))


def _power_mean_complete(X: np.ndarray, W: np.ndarray, q: float) -> np.ndarray:
    """:func:`_power_mean_stacked` of stacked children without a missing value: the same formulas with no
    masks, in place (the upper levels of a Monte Carlo, R x n x k)."""
    _power_domain(X, None, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        F = X if q == 1 else np.log(X) if q == 0 else np.reciprocal(X) if q == -1 else np.power(X, q)
        num = np.einsum("rnk,rk->rn", F, W)
        den = W.sum(axis=1, keepdims=True)
        if q == -1:  # (sum w) / (sum w / x)
            undefined = (num == 0) | (den == 0)
            y = np.divide(den, num, out=num)
            y[undefined] = np.nan
            return y
        y = np.divide(num, den, out=num)
        if q == 0:
            np.exp(y, out=y)
        elif q != 1:
            np.power(y, 1.0 / q, out=y)
        if not (den != 0).all():
            y[(den == 0)[:, 0]] = np.nan
    return y


@aggregator("arithmetic", aliases=("a_amean", "amean", "mean", "weighted_mean"), power=lambda params: 1.0)
def arithmetic(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean ``sum_j w_j x_j / sum_j w_j`` over the children present.

    Source: OECD/JRC Handbook (2008) s.6 (linear aggregation); COINr ``a_amean``.
    """
    return power_mean(X, w, 1.0)


@aggregator("geometric", aliases=("a_gmean", "gmean", "geometric_mean"), power=lambda params: 0.0)
def geometric(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted geometric mean ``exp(sum_j w_j log x_j / sum_j w_j)``; every value must be > 0.

    Source: OECD/JRC Handbook (2008) s.6 (geometric aggregation); COINr ``a_gmean``.
    """
    return power_mean(X, w, 0.0)


@aggregator("harmonic", aliases=("a_hmean", "hmean", "harmonic_mean"), power=lambda params: -1.0)
def harmonic(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted harmonic mean ``sum_j w_j / sum_j (w_j / x_j)``; every value must be > 0.

    Source: COINr ``a_hmean`` (which rejects only zeros; negative values are rejected here too,
    the harmonic mean being a mean of positive numbers).
    """
    return power_mean(X, w, -1.0)


@aggregator(
    "generalised",
    aliases=("a_genmean", "genmean", "power_mean", "generalized"),
    power=lambda params: float(params.get("p", 1.0)),
)
def generalised(X: np.ndarray, w: np.ndarray, *, p: float = 1.0) -> np.ndarray:
    """Weighted power mean ``(sum_j w_j x_j^p / sum_j w_j)^(1/p)``; ``p = 0`` is its limit, the geometric mean.

    p = 1 arithmetic, p -> 0 geometric, p = -1 harmonic. Values must be > 0 for p <= 0 and >= 0
    otherwise (p = 1 accepts any). Source: COINr ``a_genmean`` (which rejects p = 0); Hardy,
    Littlewood & Polya, *Inequalities* (1934) ch. 2.
    """
    return power_mean(X, w, float(p))


def _batch(X: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (..., n, k) as floats and the weights as (..., 1, k), broadcasting over the entities."""
    X = np.asarray(X, dtype=float)
    w = np.asarray(w, dtype=float)
    if X.ndim == 3 and X.shape[0] == 1 and w.ndim == 2:
        X = X[0]
    if (
        X.ndim not in (2, 3)
        or w.ndim not in (1, 2)
        or w.shape[-1] != X.shape[-1]
        or (X.ndim == 3 and w.shape[0] != X.shape[0])
        or (X.ndim == 3 and w.ndim == 1)
    ):
        raise ValueError(
            "X must be (n, k) with w (k,) or (R, k), or (1 or R, n, k) with w (R, k); "
            f"got X {X.shape}, w {w.shape}"
        )
    return X, w[..., None, :]


def _at(a: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``a[..., i, j[..., i]]``: per row, the element at column ``j``."""
    return np.take_along_axis(a, j[..., None], axis=-1)[..., 0]


@aggregator("median", aliases=("wmedian", "weighted_median", "a_wmedian"))
def median(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted median: the value at which the cumulative weight of the sorted children reaches half.

    If the cumulative weight equals exactly half at a value, the mean of it and the next value is
    taken, so equal weights give the ordinary median. Children with zero weight are ignored.
    Source: Edgeworth (1888); as the weighted median in the COINr aggregation vignette
    (``matrixStats::weightedMedian``).
    """
    X, wb = _batch(X, w)
    keep = ~np.isnan(X) & (wb > 0)
    src = np.where(keep, X, np.inf)
    order = np.argsort(src, axis=-1, kind="stable")
    xs = np.take_along_axis(src, order, axis=-1)
    ws = np.take_along_axis(np.where(keep, wb, 0.0), order, axis=-1)
    total = ws.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cum = np.cumsum(ws, axis=-1) / total[..., None]
    j = np.argmax(cum >= 0.5 - 1e-12, axis=-1)
    nxt = np.minimum(j + 1, X.shape[-1] - 1)
    exact = (np.abs(_at(cum, j) - 0.5) <= 1e-12) & (j + 1 < keep.sum(axis=-1))
    y = np.where(exact, (_at(xs, j) + _at(xs, nxt)) / 2, _at(xs, j))
    return np.where(total > 0, y, np.nan)


@aggregator("copeland", aliases=("a_copeland",))
def copeland(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Copeland score: ``sum_k sign(s_ik - 1/2)``, with ``s_ik`` the weight of the children on which i beats k.

    ``s_ik = sum_j w_j ([x_ij > x_kj] + [x_ij = x_kj] / 2) / sum_j w_j`` over the children both
    entities have, so ``s_ik + s_ki = 1``; equivalently ``sign(s_ik - 1/2) = sign(sum_j w_j
    sign(x_ij - x_kj))`` with missing comparisons counting 0 (a relative tolerance of 1e-12 of the
    weight total decides exact balance). Cost O(n^2 k). Source: Copeland (1951); Munda & Nardo
    (2009), Applied Economics 41(12); COINr ``a_copeland`` (same without missing values; COINr sets
    the lower triangle to ``1 - s`` so with missing values its result depends on the entity order).
    """
    X, wb = _batch(X, w)
    Wk = wb[..., 0, :]
    if X.ndim == 2 and Wk.ndim == 2:
        return _copeland_weight_sets(X, Wk)
    n = X.shape[-2]
    batch = X.shape[:-2]
    tol = 1e-12 * np.abs(Wk).sum(axis=-1)[..., None, None]
    groups = _weight_groups(Wk)
    block = max(1, min(n, _CELLS // max(1, n * int(np.prod(batch)))))
    score = np.zeros(X.shape[:-1])
    for a in range(0, n, block):
        b = min(a + block, n)
        margin = np.zeros((*batch, b - a, n))
        for cols, v in groups:
            count = np.zeros(margin.shape, dtype=np.int16)
            for j in cols:
                xi, xk = X[..., a:b, j][..., :, None], X[..., :, j][..., None, :]
                count += xi > xk
                count -= xi < xk
            margin += v * count
        score[..., a:b] = (margin > tol).sum(axis=-1) - (margin < -tol).sum(axis=-1)
    return score


_CELLS = 1 << 21
"""Cells of the outranking matrices computed at a time (bounds Copeland's memory to ~2 M margins)."""


def _copeland_weight_sets(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Copeland scores of one data set ``X`` (n, k) under R weight sets ``W`` (R, k) -> (R, n): the signs
    ``sign(x_ij - x_lj)`` are computed once, and each pair's margin under every weight set is one matrix
    product ``margin_il = sum_j sign_ilj w_j``."""
    n, k = X.shape
    R = W.shape[0]
    tol = 1e-12 * np.abs(W).sum(axis=-1)
    block = max(1, min(n, _CELLS // max(1, n * max(k, R))))
    score = np.zeros((R, n))
    for a in range(0, n, block):
        b = min(a + block, n)
        xi, xl = X[a:b, None, :], X[None, :, :]
        signs = (xi > xl).astype(float) - (xi < xl)
        margin = (signs.reshape(-1, k) @ W.T).reshape(b - a, n, R)
        score[:, a:b] = ((margin > tol).sum(axis=1) - (margin < -tol).sum(axis=1)).T
    return score


def _weight_groups(Wk: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Columns with the same weight in every replication, with that weight as (..., 1, 1): their wins and
    losses are counted in integers, then weighted once. Zero-weight columns are left out."""
    cols = Wk.reshape(-1, Wk.shape[-1]).T
    keys, inverse = np.unique(cols, axis=0, return_inverse=True)
    out = []
    for g, key in enumerate(keys):
        if np.any(key != 0):
            members = np.flatnonzero(inverse.ravel() == g)
            out.append((members, Wk[..., members[0]][..., None, None]))
    return out


def _row_weights(P: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per entity, the weights of its present children summing to 1 (``w`` broadcasts against ``P``)."""
    Wp = np.where(P, w, 0.0)
    tot = Wp.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, Wp / np.where(tot > 0, tot, 1.0), 0.0)


@aggregator("mazziotta_pareto", aliases=("mpi", "ci_mpi"))
def mazziotta_pareto(
    X: np.ndarray, w: np.ndarray, *, penalty: int | str = -1, standardise: bool = True
) -> np.ndarray:
    """Mazziotta-Pareto Index ``MPI = M_i + penalty * S_i * cv_i`` with ``cv_i = S_i / M_i``.

    If ``standardise``, children are first rescaled to ``z_ij = 100 + 10 (x_ij - M_j) / S_j``
    (M_j, S_j: mean and population standard deviation of child j). ``M_i`` and ``S_i`` are the
    weighted mean and weighted population standard deviation of entity i's values. ``penalty`` -1
    (``"positive"``, default: higher is better, unbalance is penalised) or +1 (``"negative"``).
    Source: Mazziotta & Pareto (2016), Social Indicators Research 127(3) 983-1003, eqs. (1)-(3).
    """
    sign = {"positive": -1, "pos": -1, "negative": 1, "neg": 1}.get(str(penalty).lower(), penalty)
    if sign not in (-1, 1):
        raise ValueError(f"penalty must be -1 ('positive') or +1 ('negative'), got {penalty!r}")
    X, wb = _batch(X, w)
    if (wb < 0).any():
        raise ValueError(
            "the Mazziotta-Pareto index needs weights >= 0 (a weighted standard deviation with a "
            "negative weight is undefined)"
        )
    P = ~np.isnan(X)
    Z = X
    if standardise:
        with np.errstate(invalid="ignore", divide="ignore"):
            mu = np.nanmean(X, axis=-2, keepdims=True)
            sd = np.sqrt(np.nanmean((X - mu) ** 2, axis=-2, keepdims=True))
        sd_j = sd[..., 0, :]
        _check_last_axis(
            sd_j, ~(sd_j > 0), "Mazziotta-Pareto standardisation", "a standard deviation > 0 for every child"
        )
        Z = 100.0 + 10.0 * (X - mu) / sd
    Wr = _row_weights(P, wb)
    Z0 = np.where(P, Z, 0.0)
    M = (Wr * Z0).sum(axis=-1)
    S = np.sqrt((Wr * np.where(P, (Z0 - M[..., None]) ** 2, 0.0)).sum(axis=-1))
    has = (Wr != 0).any(axis=-1)
    _check_last_axis(
        M,
        has & ~(M > 0),
        "the Mazziotta-Pareto index",
        "a positive mean of the (standardised) children",
        rows=True,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(has, M + sign * S * S / M, np.nan)


@aggregator("topsis")
def topsis(X: np.ndarray, w: np.ndarray, *, normalise: str = "vector") -> np.ndarray:
    """TOPSIS closeness ``C_i = D_i^- / (D_i^+ + D_i^-)`` in [0, 1] (1 = best).

    Columns are normalised (``vector``: ``x / sqrt(sum x^2)``; ``minmax``; ``none``), weighted
    (weights summing to 1), and ``D^+``, ``D^-`` are Euclidean distances to the column-wise best and
    worst values (every child is higher-is-better after normalisation). Missing children are left
    out of an entity's distances; a child with no spread (zero norm or max = min) scores 0 for all. Source: Hwang & Yoon, *Multiple Attribute Decision Making*
    (1981) ch. 3; cross-checked against pymcdm ``TOPSIS``.
    """
    X, wb = _batch(X, w)
    P = ~np.isnan(X)
    wb = wb / wb.sum(axis=-1, keepdims=True)
    Xn = X
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalise == "vector":
            norm = np.sqrt(np.nansum(Xn**2, axis=-2, keepdims=True))
            Xn = np.where(norm > 0, Xn / np.where(norm > 0, norm, 1.0), 0.0 * Xn)
        elif normalise == "minmax":
            lo, hi = np.nanmin(Xn, axis=-2, keepdims=True), np.nanmax(Xn, axis=-2, keepdims=True)
            Xn = np.where(hi > lo, (Xn - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0 * Xn)
        elif normalise != "none":
            raise ValueError(f"normalise must be 'vector', 'minmax' or 'none', got {normalise!r}")
    V = Xn * wb
    best, worst = np.nanmax(V, axis=-2, keepdims=True), np.nanmin(V, axis=-2, keepdims=True)
    dp = np.sqrt(np.nansum((V - best) ** 2, axis=-1))
    dm = np.sqrt(np.nansum((V - worst) ** 2, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(dp + dm > 0, dm / (dp + dm), 0.5)
    return np.where(P.any(axis=-1), c, np.nan)


@aggregator("vikor")
def vikor(X: np.ndarray, w: np.ndarray, *, v: float = 0.5) -> np.ndarray:
    """VIKOR, reported as ``1 - Q_i`` so that higher is better (1 = best compromise).

    ``d_ij = (f*_j - x_ij) / (f*_j - f-_j)`` (best f* = column max, worst f- = min),
    ``S_i = sum_j w_j d_ij``, ``R_i = max_j w_j d_ij`` (weights summing to 1 over the children present),
    ``Q_i = v (S_i - S*) / (S- - S*) + (1 - v) (R_i - R*) / (R- - R*)``. A child equal for every
    entity contributes 0; a term whose spread is 0 is 0. Source: Opricovic (1998); Opricovic &
    Tzeng (2004), EJOR 156(2) 445-455; cross-checked against pymcdm ``VIKOR``.
    """
    v = float(v)
    if not 0 <= v <= 1:
        raise ValueError(f"v must be in [0, 1], got {v}")
    X, wb = _batch(X, w)
    P = ~np.isnan(X)
    fstar, fminus = np.nanmax(X, axis=-2, keepdims=True), np.nanmin(X, axis=-2, keepdims=True)
    spread = fstar - fminus
    with np.errstate(invalid="ignore", divide="ignore"):
        D = np.where(spread > 0, (fstar - X) / np.where(spread > 0, spread, 1.0), 0.0)
    WD = np.where(P, _row_weights(P, wb) * D, 0.0)
    S, R = WD.sum(axis=-1), WD.max(axis=-1)
    has = P.any(axis=-1)

    def _scaled(a: np.ndarray) -> np.ndarray:
        lo = np.where(has, a, np.inf).min(axis=-1, keepdims=True)
        hi = np.where(has, a, -np.inf).max(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore"):
            return np.where(hi > lo, (a - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)

    Q = v * _scaled(S) + (1 - v) * _scaled(R)
    return np.where(has, 1.0 - Q, np.nan)


def _domain_message(e: DomainError, entities: pd.Index, children: list[str] | tuple[str, ...]) -> str:
    if e.row < 0:
        return f"{e.method} needs {e.need}, but {children[e.col]} has {e.value!r}"
    what = f"{children[e.col]} = {e.value!r}" if e.col >= 0 else repr(e.value)
    return f"{e.method} needs {e.need}, but entity {entities[e.row]!r} has {what}"


# -- node settings: the one resolver ------------------------------------------------------------------
@dataclass(frozen=True)
class NodeSettings:
    """How one aggregate node is computed: what :func:`node_settings` resolves from an aggregate step."""

    code: str
    level: int
    children: tuple[str, ...]
    aggregator: Aggregator
    params: Mapping[str, Any]
    """The kernel's parameters (without the stage's own: weights, dat_thresh, negative_weights)."""
    weights: str | None = None
    """The weight set named at this node: ``equal`` / ``none`` (all ones), a set's name, or None (the active set)."""
    dat_thresh: float | None = None
    negative_weights: str = "error"

    @property
    def method(self) -> str:
        return self.aggregator.name


def node_settings(step: Step, framework: Framework) -> list[NodeSettings]:
    """Every aggregate node's settings, level by level (within a level sorted by code, COINr's column order).

    ``by_node`` overrides ``by_level``, which overrides the step. Unknown methods or parameters are a
    :class:`SpecError`; a ``dat_thresh`` outside [0, 1] or a ``negative_weights`` other than ``error`` /
    ``allow`` a :class:`StageError` naming the node.
    """
    fw = framework
    out: list[NodeSettings] = []
    checked: dict[tuple[str | None, str], Aggregator] = {}
    for level in range(2, fw.n_levels + 1):
        for code in sorted(fw.codes(level), key=lambda c: (c.casefold(), c)):
            own = level in step.by_level or code in step.by_node
            method, params = step.resolve(level=level, node=code)
            wname = params.pop("weights", None)
            thresh = params.pop("dat_thresh", None)
            negative = params.pop("negative_weights", "error")
            key = (method, repr(sorted(params.items())) if own else "")
            agg = checked.get(key)
            if agg is None:
                agg = checked[key] = AGGREGATORS[METHODS.check_params(method or DEFAULT_METHOD, params).name]
            if negative not in ("error", "allow"):
                raise StageError(
                    "aggregate", f"negative_weights must be 'error' or 'allow', got {negative!r}"
                )
            if thresh is not None:
                try:
                    t = float(thresh)
                except (TypeError, ValueError):
                    t = float("nan")
                if not 0 <= t <= 1:
                    raise StageError(
                        "aggregate", f"node {code!r}: dat_thresh must be in [0, 1], got {thresh!r}"
                    )
                thresh = t
            out.append(
                NodeSettings(
                    code,
                    level,
                    tuple(fw.children(code)),
                    agg,
                    params,
                    None if wname is None else str(wname),
                    thresh,
                    str(negative),
                )
            )
    return out


def child_weights(
    node: NodeSettings, weight_set: Callable[[str | None], Mapping[str, float] | pd.Series]
) -> np.ndarray:
    """The weights of ``node``'s children (in ``node.children`` order) from the weight set it names.

    ``weight_set(name)`` returns a set (code -> weight; None = the active set). ``weights: equal`` or ``none``
    gives all ones. Negative weights are an error unless ``negative_weights: allow``: COINr accepts them
    silently (PCA loadings can be negative), but a negative weight makes an indicator count against the score.
    """
    children = node.children
    if node.weights in ("equal", "none"):
        return np.ones(len(children))
    ws = weight_set(node.weights)
    w = np.array([ws.get(c, np.nan) for c in children], dtype=float)
    if np.isnan(w).any():
        miss = [c for c, v in zip(children, w, strict=True) if np.isnan(v)]
        raise StageError("aggregate", f"weight set {node.weights or 'active'!r} has no weight for {miss}")
    if (w < 0).any() and node.negative_weights == "error":
        neg = [f"{c} = {v}" for c, v in zip(children, w, strict=True) if v < 0]
        raise StageError(
            "aggregate",
            f"node {node.code!r}: negative weights ({', '.join(neg)}); "
            "set negative_weights: allow to accept them as COINr does",
        )
    if node.negative_weights == "allow" and w.sum() != 0:
        return w
    if w.sum() <= 0:
        raise StageError(
            "aggregate",
            f"weights of the children of {node.code!r} ({', '.join(children)}) sum to "
            f"{w.sum()}; at least one must be positive",
        )
    return w


def node_weights(nodes: list[NodeSettings], ctx: Context) -> dict[str, np.ndarray]:
    """Every node's child weights from the context's weight sets (:func:`child_weights`), then the context's
    ``weight_patch`` if any (the Monte Carlo's perturbed or excluded weights of one replication)."""
    out = {node.code: child_weights(node, lambda name: ctx.weight_map(name, "aggregate")) for node in nodes}
    return ctx.weight_patch(out) if ctx.weight_patch is not None else out


def aggregate_node(node: NodeSettings, X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """A node's scores: its kernel, then ``dat_thresh`` (an entity with a smaller share of its children present
    gets NaN, COINr ``dat_thresh``).

    ``X`` (n, k) with ``w`` (k,) -> (n,); or stacked, ``X`` (B, n, k) with ``W`` (R, k) -> (R, n). A kernel
    that is not ``stacked`` runs once per replication, or once in all when the data are shared and the method
    is ``weightless`` or every replication has the same weights. Raises :class:`DomainError` as the kernel.
    """
    agg = node.aggregator
    f: Kernel = agg.method.func
    params = node.params
    if X.ndim == 2 or agg.stacked:
        y = f(X, w, **params)
    else:
        R = w.shape[0]
        if X.shape[0] == 1 and (agg.weightless or bool((w == w[0]).all())):
            y = np.repeat(f(X[0], w[0], **params)[None, :], R, axis=0)
        else:
            y = np.stack([f(X[r if X.shape[0] > 1 else 0], w[r], **params) for r in range(R)])
    if node.dat_thresh is not None:
        avail = (~np.isnan(X)).mean(axis=-1)
        y = np.where(avail < node.dat_thresh, np.nan, y)
    return y


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    order = data.columns.tolist()
    nodes = node_settings(step, fw)
    n_in = len(order)
    full = np.empty((len(data), n_in + len(nodes)), order="F")
    full[:, :n_in] = data.to_numpy(dtype=float)
    pos = {c: j for j, c in enumerate(order)}
    weights = node_weights(nodes, ctx)
    used: list[dict[str, Any]] = []
    new: dict[str, int] = {}
    k = n_in
    for i, node in enumerate(nodes):
        if i and node.level != nodes[i - 1].level:
            pos.update(new)
            order += list(new)
            new = {}
        missing = [c for c in node.children if c not in pos]
        if missing:
            raise StageError("aggregate", f"node {node.code!r}: children {missing} are not in the data set")
        X = np.ascontiguousarray(full[:, [pos[c] for c in node.children]])
        try:
            y = aggregate_node(node, X, weights[node.code])
        except DomainError as e:
            raise StageError(
                "aggregate",
                f"node {node.code!r} (level {node.level}), method {node.method!r}: "
                f"{_domain_message(e, data.index, node.children)}",
            ) from None
        except (ValueError, TypeError) as e:
            raise StageError(
                "aggregate", f"node {node.code!r} (level {node.level}), method {node.method!r}: {e}"
            ) from None
        full[:, k] = y
        new[node.code] = k
        k += 1
        used.append(
            {
                "iCode": node.code,
                "Level": node.level,
                "method": node.method,
                "weights": node.weights or ctx.active_weights,
                "dat_thresh": node.dat_thresh,
                "negative_weights": node.negative_weights,
                **node.params,
            }
        )
    pos.update(new)
    order += list(new)
    if len(pos) < len(order):  # an aggregate already among the input columns: every copy shows the new values
        full = full[:, [pos[c] for c in order]]
    out = pd.DataFrame(full, index=data.index, columns=label_index(tuple(order)), copy=False)
    return StageOutput(out, Log({"methods": lambda: log_frame(used)}))


BATCHED = frozenset(a.name for a in AGGREGATORS.values() if a.stacked and a.power is None)
"""Methods other than the power means whose kernels take stacked replications (kept for callers that read it;
the capability is :attr:`Aggregator.stacked`)."""

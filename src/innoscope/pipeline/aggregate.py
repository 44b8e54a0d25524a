"""Aggregate: combine children into their parent, level by level, up to the index.

Each method is a kernel ``f(X, w, *, params) -> y``: ``X`` is entities x children (NaN =
missing), ``w`` the children's weights (relative: only ratios matter). Missing values are
handled as in COINr: a child that is missing for an entity is dropped and the weights are
renormalised over the children present. Methods, weight sets and the data-availability
threshold may differ per level (``by_level``) and per parent node (``by_node``); ``weights:
equal`` ignores weights at that level or node.

Stacked-weights contract (used by the Monte Carlo). The mean-type kernels ``arithmetic``,
``geometric``, ``harmonic`` and ``generalised`` are pure numpy and accept either ``w`` of
shape ``(k,)``, returning ``(n,)``, or stacked weights ``W`` of shape ``(k, R)`` (one column per
replication), returning ``(n, R)``, in one matrix product: with ``P`` the 0/1 matrix of present
values and missing cells set to 0,

    arithmetic  (X @ W) / (P @ W)
    geometric   exp((log X @ W) / (P @ W))
    harmonic    (P @ W) / ((1 / X) @ W)
    generalised ((X ** p @ W) / (P @ W)) ** (1 / p)

Batched contract (also used by the Monte Carlo). The kernels in :data:`BATCHED` (median, Copeland,
Mazziotta-Pareto, TOPSIS, VIKOR) accept ``X`` of shape ``(n, k)`` with ``w`` ``(k,)``, returning ``(n,)``; a stack of
replications ``X`` ``(R, n, k)`` with ``W`` ``(R, k)``; or one data set under R weight sets, ``X``
``(n, k)`` with ``W`` ``(R, k)``; the last two return ``(R, n)``: the same formula on every replication
at once, along the last two axes. Benefit of the doubt (``bod``) takes ``w`` of shape ``(k,)`` only.

Domain errors are never a silent NaN: geometric, harmonic and generalised (p <= 0) means on a
non-positive value raise :class:`DomainError`, which the stage reports naming the node, the
entity, the child and the value. Output: the input columns plus one column per aggregate, level
by level (within a level sorted by code, as COINr's ``Aggregated`` data set). Formulas and
sources: each kernel's docstring and docs/methods.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import StageError
from innoscope.model.registry import Registry
from innoscope.pipeline.base import Context, Log, StageOutput, label_index, log_frame
from innoscope.pipeline.spec import Step

METHODS = Registry("aggregate")
OUTPUT = "Aggregated"
OVERRIDES = ("by_level", "by_node")
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""
DEFAULT_METHOD = "arithmetic"
STAGE_PARAMS = ("weights", "dat_thresh", "negative_weights")
"""Parameters the stage itself consumes (at any level / node), not the kernel."""
BATCHED = frozenset({"median", "copeland", "mazziotta_pareto", "topsis", "vikor"})
"""Kernels that also take a stack of replications (see the module docstring)."""
WEIGHTLESS = frozenset({"bod"})
"""Methods whose result does not depend on the weights given (benefit of the doubt: each entity picks its own):
the Monte Carlo computes them once for data shared by all replications."""


class DomainError(ValueError):
    """A value outside a method's domain (e.g. zero under a geometric mean), at ``X[row, col]``.

    ``row`` or ``col`` is -1 when the fault is not one entity's (row) or one child's (col).
    """

    def __init__(self, method: str, row: int, col: int, value: float, need: str):
        self.method, self.row, self.col, self.value, self.need = method, row, col, value, need
        super().__init__(f"{method} needs {need}; found {value!r} at row {row}, column {col}")


def _check_domain(X: np.ndarray, bad: np.ndarray, method: str, need: str) -> None:
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DomainError(method, int(r), int(c), float(X[r, c]), need)


def _prepare(X: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    X = np.asarray(X, dtype=float)
    w = np.asarray(w, dtype=float)
    if X.ndim != 2 or w.shape[0] != X.shape[1] or w.ndim not in (1, 2):
        raise ValueError(f"X must be (n, k) and w (k,) or (k, R); got X {X.shape}, w {w.shape}")
    present = ~np.isnan(X)
    W = w[:, None] if w.ndim == 1 else w
    return X, present, W, w.ndim == 1


def _finish(num: np.ndarray, den: np.ndarray, squeeze: bool, f=None) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
        if f is not None:
            y = f(y)
    return y[:, 0] if squeeze else y


def _batch(X: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (..., n, k) as floats and the weights as (..., 1, k), broadcasting over the entities."""
    X = np.asarray(X, dtype=float)
    w = np.asarray(w, dtype=float)
    if X.ndim not in (2, 3) or w.ndim not in (1, 2) or w.shape[-1] != X.shape[-1] or \
            (X.ndim == 3 and w.shape[0] != X.shape[0]) or (X.ndim == 3 and w.ndim == 1):
        raise ValueError("X must be (n, k) with w (k,) or (R, k), or (R, n, k) with w (R, k); "
                         f"got X {X.shape}, w {w.shape}")
    return X, w[..., None, :]


def _at(a: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``a[..., i, j[..., i]]``: per row, the element at column ``j``."""
    return np.take_along_axis(a, j[..., None], axis=-1)[..., 0]


@METHODS.register("arithmetic", aliases=("a_amean", "amean", "mean", "weighted_mean"))
def arithmetic(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean ``sum_j w_j x_j / sum_j w_j`` over the children present.

    Source: OECD/JRC Handbook (2008) s.6 (linear aggregation); COINr ``a_amean``.
    """
    X, P, W, sq = _prepare(X, w)
    return _finish(np.where(P, X, 0.0) @ W, P @ W, sq)


@METHODS.register("geometric", aliases=("a_gmean", "gmean", "geometric_mean"))
def geometric(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted geometric mean ``exp(sum_j w_j log x_j / sum_j w_j)``; every value must be > 0.

    Source: OECD/JRC Handbook (2008) s.6 (geometric aggregation); COINr ``a_gmean``.
    """
    X, P, W, sq = _prepare(X, w)
    _check_domain(X, P & ~(X > 0), "the geometric mean", "values > 0")
    L = np.log(np.where(P, X, 1.0))
    return _finish(L @ W, P @ W, sq, np.exp)


@METHODS.register("harmonic", aliases=("a_hmean", "hmean", "harmonic_mean"))
def harmonic(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted harmonic mean ``sum_j w_j / sum_j (w_j / x_j)``; every value must be > 0.

    Source: COINr ``a_hmean`` (which rejects only zeros; negative values are rejected here too,
    the harmonic mean being a mean of positive numbers).
    """
    X, P, W, sq = _prepare(X, w)
    _check_domain(X, P & ~(X > 0), "the harmonic mean", "values > 0")
    inv = np.where(P, 1.0 / np.where(P, X, 1.0), 0.0)
    return _finish(P @ W, inv @ W, sq)


@METHODS.register("generalised", aliases=("a_genmean", "genmean", "power_mean", "generalized"))
def generalised(X: np.ndarray, w: np.ndarray, *, p: float = 1.0) -> np.ndarray:
    """Weighted power mean ``(sum_j w_j x_j^p / sum_j w_j)^(1/p)``; ``p = 0`` is its limit, the geometric mean.

    p = 1 arithmetic, p -> 0 geometric, p = -1 harmonic. Values must be > 0 for p <= 0 and >= 0
    otherwise (p = 1 accepts any). Source: COINr ``a_genmean`` (which rejects p = 0); Hardy,
    Littlewood & Polya, *Inequalities* (1934) ch. 2.
    """
    p = float(p)
    if p == 0:
        return geometric(X, w)
    if p == 1:
        return arithmetic(X, w)
    X, P, W, sq = _prepare(X, w)
    if p < 0:
        _check_domain(X, P & ~(X > 0), f"the power mean with p = {p}", "values > 0")
    else:
        _check_domain(X, P & ~(X >= 0), f"the power mean with p = {p}", "values >= 0")
    Xp = np.where(P, np.where(P, X, 1.0) ** p, 0.0)
    return _finish(Xp @ W, P @ W, sq, lambda y: y ** (1.0 / p))


@METHODS.register("median", aliases=("wmedian", "weighted_median", "a_wmedian"))
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


@METHODS.register("copeland", aliases=("a_copeland",))
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


@METHODS.register("mazziotta_pareto", aliases=("mpi", "ci_mpi"))
def mazziotta_pareto(X: np.ndarray, w: np.ndarray, *, penalty: int | str = -1,
                     standardise: bool = True) -> np.ndarray:
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
    P = ~np.isnan(X)
    Z = X
    if standardise:
        with np.errstate(invalid="ignore", divide="ignore"):
            mu = np.nanmean(X, axis=-2, keepdims=True)
            sd = np.sqrt(np.nanmean((X - mu) ** 2, axis=-2, keepdims=True))
        flat = np.argwhere(~(sd[..., 0, :] > 0).reshape(-1, X.shape[-1]))
        if flat.size:
            r, j = (int(x) for x in flat[0])
            raise DomainError("Mazziotta-Pareto standardisation", -1, j, float(sd.reshape(-1, X.shape[-1])[r, j]),
                              "a standard deviation > 0 for every child")
        Z = 100.0 + 10.0 * (X - mu) / sd
    Wr = _row_weights(P, wb)
    Z0 = np.where(P, Z, 0.0)
    M = (Wr * Z0).sum(axis=-1)
    S = np.sqrt((Wr * np.where(P, (Z0 - M[..., None]) ** 2, 0.0)).sum(axis=-1))
    has = P.any(axis=-1)
    bad = np.argwhere((has & ~(M > 0)).reshape(-1, M.shape[-1]))
    if bad.size:
        r, i = (int(x) for x in bad[0])
        raise DomainError("the Mazziotta-Pareto index", i, -1, float(M.reshape(-1, M.shape[-1])[r, i]),
                          "a positive mean of the (standardised) children")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(has, M + sign * S * S / M, np.nan)


@METHODS.register("topsis")
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
            norm = np.sqrt(np.nansum(Xn ** 2, axis=-2, keepdims=True))
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


@METHODS.register("vikor")
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


def _domain_message(e: DomainError, entities: pd.Index, children: list[str]) -> str:
    if e.row < 0:
        return f"{e.method} needs {e.need}, but {children[e.col]} has {e.value!r}"
    what = f"{children[e.col]} = {e.value!r}" if e.col >= 0 else repr(e.value)
    return f"{e.method} needs {e.need}, but entity {entities[e.row]!r} has {what}"


def _availability(X: np.ndarray) -> np.ndarray:
    return (~np.isnan(X)).mean(axis=1)


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    order = data.columns.tolist()
    levels = [(level, sorted(fw.codes(level), key=lambda c: (c.casefold(), c)))
              for level in range(2, fw.n_levels + 1)]
    n_in = len(order)
    full = np.empty((len(data), n_in + sum(len(codes) for _, codes in levels)), order="F")
    full[:, :n_in] = data.to_numpy(dtype=float)
    pos = {c: j for j, c in enumerate(order)}
    wcache: dict[str | None, dict[str, float]] = {}
    checked: dict[tuple[str, str], Any] = {}
    used: list[dict[str, Any]] = []
    k = n_in
    for level, codes in levels:
        new = {}
        for code in codes:
            children = fw.children(code)
            own = level in step.by_level or code in step.by_node
            method, params = step.resolve(level=level, node=code)
            method = method or DEFAULT_METHOD
            wname = params.pop("weights", None)
            thresh = params.pop("dat_thresh", None)
            negative = params.pop("negative_weights", "error")
            key = (method, repr(sorted(params.items())) if own else "")
            m = checked.get(key)
            if m is None:
                m = checked[key] = METHODS.check_params(method, params)
            missing = [c for c in children if c not in pos]
            if missing:
                raise StageError("aggregate", f"node {code!r}: children {missing} are not in the data set")
            X = np.ascontiguousarray(full[:, [pos[c] for c in children]])
            w = _child_weights(ctx, wname, code, children, wcache, negative)
            try:
                y = m(X, w, **params)
            except DomainError as e:
                raise StageError("aggregate", f"node {code!r} (level {level}), method {m.name!r}: "
                                 f"{_domain_message(e, data.index, children)}") from None
            except (ValueError, TypeError) as e:
                raise StageError("aggregate", f"node {code!r} (level {level}), method {m.name!r}: {e}") from None
            if thresh is not None:
                t = float(thresh)
                if not 0 <= t <= 1:
                    raise StageError("aggregate", f"node {code!r}: dat_thresh must be in [0, 1], got {thresh!r}")
                y = np.where(_availability(X) < t, np.nan, y)
            full[:, k] = y
            new[code] = k
            k += 1
            used.append({"iCode": code, "Level": level, "method": m.name,
                         "weights": wname or ctx.active_weights, "dat_thresh": thresh, **params})
        pos.update(new)
        order += list(new)
    if len(pos) < len(order):  # an aggregate already among the input columns: every copy shows the new values
        full = full[:, [pos[c] for c in order]]
    out = pd.DataFrame(full, index=data.index, columns=label_index(tuple(order)), copy=False)
    return StageOutput(out, Log({"methods": lambda: log_frame(used)}))


def _child_weights(ctx: Context, wname: str | None, parent: str, children: list[str],
                   cache: dict[str | None, dict[str, float]], negative: str = "error") -> np.ndarray:
    """The children's weights; negative ones are an error unless ``negative_weights: allow``.

    COINr accepts negative weights silently (PCA loadings can be negative); innoscope refuses them
    by default, because a negative weight makes an indicator count against the score, and
    accepts them when asked, for COINr's ``weights_pca_lev1`` variant.
    """
    if negative not in ("error", "allow"):
        raise StageError("aggregate", f"negative_weights must be 'error' or 'allow', got {negative!r}")
    if wname in ("equal", "none"):
        return np.ones(len(children))
    if wname not in cache:
        cache[wname] = ctx.weight_map(wname, "aggregate")
    ws = cache[wname]
    w = np.array([ws.get(c, np.nan) for c in children], dtype=float)
    if np.isnan(w).any():
        miss = [c for c, v in zip(children, w, strict=True) if np.isnan(v)]
        raise StageError("aggregate", f"weight set {wname or ctx.active_weights!r} has no weight for {miss}")
    if (w < 0).any() and negative == "error":
        neg = [f"{c} = {v}" for c, v in zip(children, w, strict=True) if v < 0]
        raise StageError("aggregate", f"node {parent!r}: negative weights ({', '.join(neg)}); "
                         "set negative_weights: allow to accept them as COINr does")
    if negative == "allow" and w.sum() != 0:
        return w
    if w.sum() <= 0:
        raise StageError("aggregate", f"weights of the children of {parent!r} ({', '.join(children)}) sum to "
                         f"{w.sum()}; at least one must be positive")
    return w

"""Weight: compute a weight set over every node of the framework.

A weight step produces no data set: it returns a weight set (node code -> weight) that is
stored under the step's ``output`` name (e.g. ``PCAwtsLev1``; default ``Weights``) and made
the active set, so the next ``aggregate`` uses it. Weights are relative within each group
(the children of one parent); the step starts from a base set (``base``, default the active
set, initially the framework's nominal weights) and replaces the weights of the children of
each group at the chosen ``level`` (the level of the children: 1 = indicators).

Group kernels have the signature ``f(X, w0, *, ...) -> w`` where ``X`` is entities x children
of one group (from the step's input data set) and ``w0`` the children's base weights.
Level-wide kernels (``optimised``) see the whole level at once. Methods may differ per level
(``by_level``, keyed by the children's level) and per group (``by_node``, keyed by the parent).
Benefit of the doubt gives entity-specific weights, so it is an aggregation method
(``aggregate: {method: bod}``, :mod:`innoscope.pipeline.bod`), not a weight set.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import SpecError, StageError
from innoscope.model.registry import Registry
from innoscope.pipeline import bod as _bod  # noqa: F401  (registers the aggregate method "bod")
from innoscope.pipeline.base import Context, Log, StageOutput, label_index
from innoscope.pipeline.spec import Step

METHODS = Registry("weight")
OUTPUT = "Weights"
OVERRIDES = ("by_level", "by_node")
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""
DEFAULT_METHOD = "framework"
STAGE_PARAMS = ("level", "base")
"""``level``: level(s) of the children whose weights are computed; ``base``: the starting weight set."""

_DATA_FREE = {"framework", "equal", "ahp"}

# Saaty's random consistency index RI(n), n = 1..15 (Saaty 1980, The Analytic Hierarchy Process, table 1.3
# for n <= 10; Saaty 2012 for 11..15).
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)


def _complete_rows(X: np.ndarray) -> np.ndarray:
    return X[~np.isnan(X).any(axis=1)]


# -- group kernels ------------------------------------------------------------------------------


@METHODS.register("framework", aliases=("nominal", "original"))
def framework(X: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """Nominal weights: the base set unchanged (initially the framework's / iMeta's ``Weight``)."""
    return np.asarray(w0, dtype=float)


@METHODS.register("equal")
def equal(X: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """Equal weights ``w_j = 1`` for every child of the group (relative within the group)."""
    return np.ones(len(w0))


def pca_loadings(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loadings (columns = components) and standard deviations of PCA on standardised ``X``.

    As R's ``prcomp(X, center = TRUE, scale. = TRUE)``: singular value decomposition of the
    column-standardised matrix (sd with n - 1), rotation = right singular vectors,
    ``sdev = d / sqrt(n - 1)``. The sign of a component is arbitrary (LAPACK-dependent in both R
    and numpy); innoscope orients each component so that its loadings sum to a positive number
    (if the sum is 0, so that its largest absolute loading is positive).
    """
    n = X.shape[0]
    sd = X.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise ValueError("an indicator has zero variance; PCA needs every column to vary")
    Z = (X - X.mean(axis=0)) / sd
    _, d, vt = np.linalg.svd(Z, full_matrices=False)
    V = vt.T
    for k in range(V.shape[1]):
        s = V[:, k].sum()
        if abs(s) < 1e-12:
            s = V[np.argmax(np.abs(V[:, k])), k]
        if s < 0:
            V[:, k] = -V[:, k]
    return V, d / np.sqrt(max(n - 1, 1))


@METHODS.register("pca", aliases=("pca_loadings",))
def pca(X: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """First-principal-component loadings ``w_j = v_1j`` of the standardised children.

    Source: COINr ``get_PCA(weights_to = ...)`` (``prcomp(center = TRUE, scale = TRUE)``,
    ``rotation[, 1]``); rows with a missing value are dropped (COINr: ``na.omit``). Loadings can
    be negative. The component is oriented so that the loadings sum to a positive number
    (COINr keeps LAPACK's arbitrary sign); weights are relative within the group, so a weighted
    arithmetic mean is the same either way.
    """
    Xc = _complete_rows(X)
    if Xc.shape[0] < 2:
        raise ValueError("fewer than 2 entities with complete data")
    V, _ = pca_loadings(Xc)
    return V[:, 0]


def _entropy_col(x: np.ndarray) -> float:
    p = x / x.sum()
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum() / np.log(len(x)))


@METHODS.register("entropy")
def entropy(X: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """Shannon entropy weights ``w_j = (1 - E_j) / sum_k (1 - E_k)``.

    ``p_ij = x_ij / sum_i x_ij``, ``E_j = -sum_i p_ij ln p_ij / ln n`` (``0 ln 0 = 0``), over
    entities with complete data in the group; values must be non-negative (use a normalised
    data set). Source: Shannon (1948); Zeleny (1982) *Multiple Criteria Decision Making*;
    same as ``pymcdm.weights.entropy_weights`` for strictly positive data.
    """
    Xc = _complete_rows(X)
    if (Xc < 0).any():
        j = int(np.where((Xc < 0).any(axis=0))[0][0])
        raise ValueError(
            f"entropy weights need non-negative values (child {j + 1} has negative values); "
            "normalise first (e.g. min-max)"
        )
    if (Xc.sum(axis=0) == 0).any():
        raise ValueError("a child is zero for every entity; its entropy is undefined")
    return np.array([1.0 - _entropy_col(Xc[:, j]) for j in range(Xc.shape[1])])


@METHODS.register("critic")
def critic(X: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """CRITIC weights ``w_j = C_j / sum_k C_k``, ``C_j = s_j sum_k (1 - r_jk)``.

    ``s_j``: standard deviation of the min-max normalised column, ``r``: Pearson correlation
    matrix, over entities with complete data. Source: Diakoulaki, Mavrotas & Papayannakis (1995),
    Computers & Operations Research 22(7):763-770; as ``pymcdm.weights.critic_weights``.
    """
    Xc = _complete_rows(X)
    rng = Xc.max(axis=0) - Xc.min(axis=0)
    if (rng == 0).any():
        raise ValueError("a child has no variation; CRITIC is undefined")
    N = (Xc - Xc.min(axis=0)) / rng
    s = N.std(axis=0, ddof=1)
    r = np.corrcoef(N, rowvar=False)
    return s * (1.0 - r).sum(axis=0)


@METHODS.register("std", aliases=("standard_deviation", "sd"))
def std(X: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """Standard-deviation weights ``w_j = s_j / sum_k s_k`` (sd with n - 1, on the input data set).

    Source: Diakoulaki et al. (1995) s.2; as ``pymcdm.weights.standard_deviation_weights``.
    Use a normalised data set so that the spreads are comparable.
    """
    return _complete_rows(X).std(axis=0, ddof=1)


def ahp_weights(matrix: Any) -> tuple[np.ndarray, float, float, float]:
    """Principal-eigenvector weights of a pairwise comparison matrix, with Saaty's consistency.

    Returns ``(w, lambda_max, CI, CR)``: ``A w = lambda_max w`` (Perron vector, ``sum w = 1``),
    ``CI = (lambda_max - n) / (n - 1)``, ``CR = CI / RI(n)`` with Saaty's random index ``RI``
    (``CR = 0`` for n <= 2). Source: Saaty (1980) *The Analytic Hierarchy Process*, McGraw-Hill;
    Saaty (1990) EJOR 48:9-26.
    """
    A = np.asarray(matrix, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"the pairwise matrix must be square, got shape {A.shape}")
    n = A.shape[0]
    if (A <= 0).any() or not np.isfinite(A).all():
        raise ValueError("pairwise judgements must be positive numbers")
    if not np.allclose(A * A.T, 1.0, rtol=1e-3) or not np.allclose(np.diag(A), 1.0):
        i, j = np.unravel_index(np.argmax(np.abs(A * A.T - 1.0)), A.shape)
        raise ValueError(
            f"the pairwise matrix is not reciprocal: a[{i}][{j}] * a[{j}][{i}] = {A[i, j] * A[j, i]:g}, "
            "expected a_ji = 1 / a_ij and a_ii = 1"
        )
    vals, vecs = np.linalg.eig(A)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    if n <= 2:
        return w, lam, 0.0, 0.0
    if n > len(RANDOM_INDEX):
        raise ValueError(f"no random index for n = {n} > {len(RANDOM_INDEX)} elements")
    ci = (lam - n) / (n - 1)
    return w, lam, ci, ci / RANDOM_INDEX[n - 1]


@METHODS.register("ahp")
def ahp(
    X: np.ndarray,
    w0: np.ndarray,
    *,
    matrix: Any = None,
    order: list[str] | None = None,
    cr_max: float = 0.1,
    inconsistent: str = "error",
) -> np.ndarray:
    """AHP: principal eigenvector of the pairwise matrix ``matrix`` (rows/columns in ``order``,
    default the children's framework order). If Saaty's consistency ratio ``CR > cr_max``
    (default 0.1) the step fails (``inconsistent: error``) or warns (``inconsistent: warn``).
    Source: Saaty (1980); see :func:`ahp_weights`.
    """
    w, _, _, _ = _ahp_checked(matrix, len(w0), cr_max, inconsistent, where="")
    return w


def _ahp_checked(matrix: Any, n: int, cr_max: float, inconsistent: str, where: str):
    if matrix is None:
        raise ValueError("AHP needs 'matrix', the pairwise comparison matrix of the group's children")
    if inconsistent not in ("error", "warn"):
        raise ValueError(f"inconsistent must be 'error' or 'warn', not {inconsistent!r}")
    w, lam, ci, cr = ahp_weights(matrix)
    if len(w) != n:
        raise ValueError(f"the pairwise matrix is {len(w)} x {len(w)} but the group has {n} children")
    if cr > cr_max:
        msg = f"{where}AHP consistency ratio CR = {cr:.4f} > {cr_max} (lambda_max = {lam:.4f}, CI = {ci:.4f})"
        if inconsistent == "error":
            raise ValueError(msg + "; revise the judgements or set inconsistent: warn")
        warnings.warn(msg, stacklevel=3)
    return w, lam, ci, cr


@METHODS.register("bod", aliases=("benefit_of_doubt",))
def bod(X: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """Benefit of the doubt is not a weight set: each entity gets its own weights. Use it as an
    aggregation method, ``aggregate: {method: bod}`` (:mod:`innoscope.pipeline.bod`)."""
    raise ValueError(
        "benefit of the doubt gives entity-specific weights, not one weight set; "
        "use it as an aggregation method: aggregate: {method: bod}"
    )


# -- level-wide kernel: optimised weights -------------------------------------------------------


@dataclass
class LevelProblem:
    """What a level-wide weighting method sees: the data, the context, the level and base weights."""

    data: pd.DataFrame
    ctx: Context
    level: int
    base: pd.Series


@METHODS.register("optimised", aliases=("optimized", "opt", "get_opt_weights"))
def optimised(
    problem: LevelProblem,
    *,
    itarg: Any = "equal",
    optype: str = "balance",
    cortype: str = "pearson",
    toler: float = 1e-10,
    maxiter: int = 2000,
    aggregate: dict | None = None,
    solver: str = "l-bfgs-b",
) -> tuple[pd.Series, dict]:
    """Weights at one level optimised so that each node's correlation with the index meets a target.

    For the weights ``w`` of every node at the level (jointly, as COINr), the index is
    re-aggregated (``aggregate``, default the arithmetic mean) and ``c_j = corr(x_j, index)``.
    ``balance``: minimise ``log(mean_j (t_j - c_j / sum_k c_k)^2)`` with targets
    ``t = itarg / sum(itarg)`` (``itarg``: ``equal``, a list in level order or a mapping
    code -> importance); ``infomax``: maximise ``sum_j c_j``. Started from ``t`` (balance) or
    the base weights (infomax), solved with bounded L-BFGS-B (``solver: nelder-mead`` for COINr's
    algorithm), weights kept positive (COINr leaves them unbounded). With the arithmetic mean the
    levels above are re-aggregated in numpy, without re-running the stage.
    Source: COINr ``get_opt_weights``; Becker, Saisana, Paruolo & Vandecasteele (2017),
    Ecological Indicators 80:12-22, doi:10.1016/j.ecolind.2017.03.056.
    """
    from scipy.optimize import minimize

    fw = problem.ctx.framework
    codes = fw.codes(problem.level)
    if optype not in ("balance", "infomax"):
        raise ValueError(f"optype must be 'balance' or 'infomax', not {optype!r}")
    if optype == "balance":
        if isinstance(itarg, str):
            if itarg != "equal":
                raise ValueError(f"itarg must be 'equal', a list or a mapping, not {itarg!r}")
            t = np.ones(len(codes))
        elif isinstance(itarg, dict):
            missing = [c for c in codes if c not in itarg]
            if missing:
                raise ValueError(f"itarg has no target for {missing}")
            t = np.array([float(itarg[c]) for c in codes])
        else:
            t = np.asarray(itarg, dtype=float)
            if len(t) != len(codes):
                raise ValueError(
                    f"itarg has {len(t)} values but level {problem.level} has {len(codes)} nodes"
                )
        t = t / t.sum()
        x0 = t.copy()
    else:
        t = None
        x0 = problem.base.reindex(codes).to_numpy(float)

    agg_step = Step(stage="aggregate", **_agg_spec(aggregate))
    from innoscope.pipeline import aggregate as agg_mod

    root = fw.root
    data = problem.data[[c for c in problem.data.columns if c in fw and fw[c].level == 1]]

    def aggregate_with(ws: pd.Series) -> pd.DataFrame:
        ctx = Context(
            framework=fw,
            data=problem.ctx.data,
            datasets=problem.ctx.datasets,
            weights={"_opt": ws},
            active_weights="_opt",
        )
        return agg_mod.run(data, ctx, agg_step).data

    fast = (
        agg_mod.METHODS.get(agg_step.method).name == "arithmetic"
        and not agg_step.params
        and not agg_step.by_level
        and not agg_step.by_node
    )
    if fast:
        # Level-L scores do not depend on level-L weights: aggregate once, then, per trial, only the
        # levels above, each as one matrix product with a 0/1 membership matrix G (children x parents).
        below = aggregate_with(problem.base)[codes].to_numpy(float)
        steps = []
        prev = codes
        for lv in range(problem.level + 1, fw.n_levels + 1):
            parents = fw.codes(lv)
            G = np.array([[1.0 if fw[c].parent == p else 0.0 for p in parents] for c in prev])
            steps.append((G, problem.base.reindex(prev).to_numpy(float)))
            prev = parents

    def index_scores(w: np.ndarray) -> np.ndarray:
        if not fast:
            ws = problem.base.copy()
            ws.loc[codes] = w
            return aggregate_with(ws)[root].to_numpy(float)
        V = below
        for k, (G, wb) in enumerate(steps):
            wv = w if k == 0 else wb
            P = ~np.isnan(V)
            with np.errstate(invalid="ignore", divide="ignore"):
                V = (np.where(P, V, 0.0) * wv) @ G / ((P * wv) @ G)
        return V[:, 0]

    level_data = below if fast else aggregate_with(problem.base)[codes].to_numpy(float)
    level_frame = pd.DataFrame(level_data, columns=codes)
    numpy_corr = cortype in ("pearson", "spearman") and not np.isnan(level_data).any()
    if numpy_corr:
        L = level_frame.rank().to_numpy() if cortype == "spearman" else level_data
        Zl = (L - L.mean(axis=0)) / L.std(axis=0, ddof=1)

    def correlations(w: np.ndarray) -> np.ndarray:
        y = index_scores(w)
        if numpy_corr and not np.isnan(y).any():
            if cortype == "spearman":
                y = pd.Series(y).rank().to_numpy()
            z = (y - y.mean()) / y.std(ddof=1)
            return Zl.T @ z / (len(z) - 1)
        return (
            level_frame.astype(float)
            .corrwith(pd.Series(y, index=level_frame.index), method=cortype)
            .to_numpy()
        )

    groups = [[codes.index(c) for c in fw.children(p)] for p in fw.codes(problem.level + 1)]

    def objective(w: np.ndarray) -> float:
        if any(w[g].sum() <= 0 for g in groups):
            return 1e12  # a group with no weight left: outside the feasible set
        c = correlations(w)
        if optype == "infomax":
            return -float(c.sum())
        cn = c / c.sum()
        return float(np.log(np.mean((t - cn) ** 2) + 1e-300))

    if solver == "nelder-mead":
        res = minimize(
            objective,
            x0,
            method="Nelder-Mead",
            bounds=[(0, None)] * len(codes),
            options={"xatol": toler, "fatol": toler, "maxiter": int(maxiter), "adaptive": len(codes) > 5},
        )
    elif solver == "l-bfgs-b":
        res = minimize(
            objective,
            x0,
            method="L-BFGS-B",
            bounds=[(1e-9, None)] * len(codes),
            options={"ftol": toler, "maxiter": int(maxiter)},
        )
    else:
        raise ValueError(f"solver must be 'l-bfgs-b' or 'nelder-mead', not {solver!r}")
    w = res.x / res.x.sum()
    c = correlations(res.x)
    info = pd.DataFrame(
        {
            "iCode": codes,
            "Desired": t if t is not None else np.nan,
            "Obtained": c / c.sum() if optype == "balance" else c,
            "OptWeight": w,
        }
    )
    info.attrs.update(
        success=bool(res.success),
        nit=int(res.nit),
        objective=float(res.fun),
        objective_start=float(objective(x0)),
    )
    return pd.Series(w, index=codes), {"optimisation": info}


optimised.level_wide = True  # type: ignore[attr-defined]


def _agg_spec(aggregate: dict | None) -> dict:
    spec = dict(aggregate or {})
    method = spec.pop("method", "arithmetic")
    fields = {k: spec.pop(k) for k in ("by_level", "by_node") if k in spec}
    return {"method": method, "params": spec, **fields}


# -- the stage ----------------------------------------------------------------------------------


def _levels(level: Any, n_levels: int, data_free: bool) -> list[int]:
    if level is None:
        return list(range(1, n_levels)) if data_free else [1]
    levels = [level] if isinstance(level, int | str) else list(level)
    out = []
    for lv in levels:
        lv = int(lv)
        if not 1 <= lv < n_levels:
            raise SpecError(f"[weight] level {lv} has no parent; weight levels are 1..{n_levels - 1}")
        out.append(lv)
    return out


def check_group_sums(weights: pd.Series, fw, levels: list[int] | None = None) -> None:
    """Raise :class:`StageError` naming the first group whose children's weights sum to <= 0."""
    levels = levels or list(range(2, fw.n_levels + 1))
    vals = weights.to_numpy(dtype=float)
    pos = {c: i for i, c in enumerate(weights.index.tolist())}
    for lv in levels:
        for parent in fw.codes(lv):
            ch = fw.children(parent)
            s = float(np.nansum(np.array([vals[pos[c]] if c in pos else np.nan for c in ch])))
            if not s > 0:
                raise StageError(
                    "weight",
                    f"the weights of group {parent!r} (children {', '.join(ch)}) sum to {s:g}; "
                    "weights are relative within a group, so their sum must be positive",
                )


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    top_method, top_params = step.resolve()
    base_name = top_params.get("base")
    base = ctx.weight_set(base_name, "weight").reindex([n.id for n in fw.nodes]).astype(float)
    nominal = fw.weights()
    base = base.fillna(
        pd.Series(
            np.fromiter(nominal.values(), float, len(nominal)), index=label_index(tuple(nominal)), copy=False
        )
    )
    codes = base.index.tolist()
    pos = {c: i for i, c in enumerate(codes)}
    w0 = base.to_numpy(dtype=float)
    w = w0.copy()
    data_free = (
        (top_method or DEFAULT_METHOD).lower() in _DATA_FREE and not step.by_level and not step.by_node
    )
    levels = _levels(top_params.get("level"), fw.n_levels, data_free)
    rows: list[dict] = []
    logs = Log()
    columns = _Columns(data)
    for level in levels:
        method_l, params_l = step.resolve(level=level)
        m_l = METHODS.get(method_l or DEFAULT_METHOD)
        if getattr(m_l.func, "level_wide", False):
            params = {k: v for k, v in params_l.items() if k not in STAGE_PARAMS}
            METHODS.check_params(m_l.name, params)
            try:
                wl, extra = m_l(LevelProblem(data, ctx, level, base), **params)
            except ValueError as e:
                raise StageError("weight", f"level {level}, method {m_l.name!r}: {e}") from None
            w[[pos[c] for c in wl.index]] = wl.to_numpy()
            for k, v in extra.items():
                logs[f"{k}_L{level}"] = v
            rows += [
                {"group": fw[c].parent, "level": level, "iCode": c, "method": m_l.name, "weight": wl[c]}
                for c in wl.index
            ]
            continue
        for parent in fw.codes(level + 1):
            rows += _weight_group(columns, ctx, step, w, w0, pos, level, parent)
    weights = pd.Series(w, index=base.index, name=base.name)
    check_group_sums(weights, fw, [lv + 1 for lv in levels])
    logs["weights"] = lambda: pd.DataFrame(rows)
    return StageOutput(data=None, log=logs, weights=weights)


class _Columns:
    """The input data set's columns by code, as the column-major blocks ``data[codes].to_numpy()`` gives."""

    def __init__(self, data: pd.DataFrame):
        self.data = data
        self.pos = {c: j for j, c in enumerate(data.columns.tolist())}
        self._T: np.ndarray | None = None

    def __contains__(self, code: str) -> bool:
        return code in self.pos

    def block(self, codes: list[str]) -> np.ndarray:
        if self._T is None:
            self._T = np.ascontiguousarray(self.data.to_numpy(dtype=float).T)
        return self._T[[self.pos[c] for c in codes]].T


def _weight_group(
    columns: _Columns,
    ctx: Context,
    step: Step,
    w: np.ndarray,
    base: np.ndarray,
    pos: dict[str, int],
    level: int,
    parent: str,
) -> list[dict]:
    fw = ctx.framework
    children = fw.children(parent)
    method, params = step.resolve(level=level, node=parent)
    params = {k: v for k, v in params.items() if k not in STAGE_PARAMS}
    m = METHODS.check_params(method or DEFAULT_METHOD, params)
    if getattr(m.func, "level_wide", False):
        raise SpecError(
            f"[weight] method {m.name!r} weights a whole level; set it for the step or in by_level, "
            f"not for group {parent!r}"
        )
    at = [pos[c] for c in children]
    w0 = base[at]
    needs_data = m.name not in _DATA_FREE
    if needs_data:
        missing = [c for c in children if c not in columns]
        if missing:
            raise StageError(
                "weight",
                f"group {parent!r}: columns {missing} are not in the input data set; "
                "weight aggregates from an aggregated data set (input: Aggregated)",
            )
        X = columns.block(children)
        empty = [c for c, e in zip(children, np.isnan(X).all(axis=0), strict=True) if e]
        if empty:
            raise StageError("weight", f"group {parent!r}: {empty} have no data")
    else:
        X = np.empty((0, len(children)))
    extra: dict[str, Any] = {}
    try:
        if m.name == "ahp":
            matrix = params.get("matrix")
            order = params.get("order")
            wv, lam, ci, cr = _ahp_checked(
                matrix,
                len(children),
                float(params.get("cr_max", 0.1)),
                params.get("inconsistent", "error"),
                where=f"group {parent!r}: ",
            )
            if order is not None:
                if sorted(order) != sorted(children):
                    raise ValueError(f"order {order} must list the children {children}")
                wv = pd.Series(wv, index=list(order)).reindex(children).to_numpy()
            extra = {"lambda_max": lam, "CI": ci, "CR": cr}
        else:
            wv = np.asarray(m(X, w0, **params), dtype=float)
    except ValueError as e:
        raise StageError("weight", f"group {parent!r} (level {level}), method {m.name!r}: {e}") from None
    if not np.isfinite(wv).all():
        raise StageError("weight", f"group {parent!r}, method {m.name!r}: weights are not finite ({wv})")
    w[at] = wv
    return [
        {"group": parent, "level": level, "iCode": c, "method": m.name, "weight": float(v), **extra}
        for c, v in zip(children, wv, strict=True)
    ]

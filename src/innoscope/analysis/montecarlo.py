"""The shared Monte Carlo engine of the uncertainty and sensitivity analyses: many replications, no loop.

A replication is a row ``u`` of draws on [0, 1) (one per variable of each uncertain input, see
:mod:`innoscope.analysis.inputs`). The engine never rebuilds the index once per replication:

1. Every distinct combination of the *discrete* choices before aggregation (treatment, imputation,
   normalisation...) is built once through the ordinary engine (:func:`innoscope.build` with the
   aggregation step removed): e.g. 5 ``winmax`` x 2 normalisations = 10 builds, whatever N is.
2. Replications are grouped by their discrete choices. Within a group the weights of every
   replication are stacked into a matrix ``W`` (R x nodes), so the scores of a parent for all R
   replications are one product: arithmetic ``(W_c X_c^T) / (W_c P_c^T)``, geometric
   ``exp((W_c ln X_c^T) / (W_c P_c^T))`` (``P`` = 1 where a child is present), harmonic
   ``(W_c P_c^T) / (W_c (1/X_c)^T)``. Upper levels combine the (R x n) children arrays the same way.
3. Ranks of all replications at once: one ``argsort`` along the entity axis, ties given the lowest
   rank (R's ``ties.method = "min"``, as COINr), NaN kept as NaN.
4. Replications run in chunks (bounded memory); each chunk returns small accumulators (rank counts,
   pairwise wins, optional kept ranks) merged in the caller. BLAS is limited to one thread inside a
   chunk (``threadpoolctl``). Chunks can be spread with any ``concurrent.futures.Executor``.

Every discrete combination and every aggregation alternative is checked on the nominal weights
*before* any sampling, so an alternative that cannot run (a geometric mean of a normalisation that
yields values <= 0) is rejected up front with the input names, never skipped.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from innoscope.analysis.inputs import Discrete, Exclusion, Input, WeightNoise, parse_inputs
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import InnoscopeError, SpecError, StageError
from innoscope.model.framework import Framework
from innoscope.pipeline.base import Context
from innoscope.pipeline.run import ALIASES, build, run_step, stage_module, validate_spec
from innoscope.pipeline.spec import PipelineSpec

FAST = {"arithmetic", "geometric", "harmonic"}
"""Aggregation methods with a stacked (all replications at once) kernel; others fall back per replication."""


def _stage_key(name: str) -> str:
    return ALIASES.get(name.lower(), name.lower())


# -- ranking -----------------------------------------------------------------------------------------
def rank_rows(Y: np.ndarray) -> np.ndarray:
    """Rank each row of ``Y`` (R x n) in descending order: 1 = highest, ties get the lowest rank, NaN -> NaN.

    Same as R ``rank(-y, ties.method = "min", na.last = "keep")`` (COINr ``rank_df``) applied to every row.
    """
    Y = np.asarray(Y, float)
    R, n = Y.shape
    nan = np.isnan(Y)
    anynan = bool(nan.any())
    key = np.where(nan, np.inf, -Y) if anynan else -Y
    order = np.argsort(key, axis=1)
    s = np.take_along_axis(key, order, axis=1)
    ties = s[:, 1:] == s[:, :-1]
    ranks = np.empty((R, n))
    rows = np.arange(R)[:, None]
    if ties.any():
        new = np.ones((R, n), bool)
        new[:, 1:] = ~ties
        ranks[rows, order] = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1) + 1.0
    else:
        ranks[rows, order] = np.arange(1.0, n + 1)
    if anynan:
        ranks[nan] = np.nan
    return ranks


# -- stacked aggregation kernels -------------------------------------------------------------------
def _present_weights(children: list[np.ndarray], W: np.ndarray) -> np.ndarray:
    den = 0.0
    for j, x in enumerate(children):
        den = den + W[:, j, None] * ~np.isnan(x)
    return np.broadcast_to(den, (W.shape[0], children[0].shape[-1]))


def _check_positive(children: list[np.ndarray], method: str, code: str) -> None:
    for x in children:
        if np.nanmin(x) <= 0 if np.isfinite(x).any() else False:
            raise StageError("aggregate", f"node {code!r}, method {method!r}: values must be > 0 "
                             f"(min {np.nanmin(x):.6g}); use a normalisation with a positive range")


def stacked_aggregate(method: str, children: list[np.ndarray], W: np.ndarray, code: str = "",
                      checked: bool = False) -> np.ndarray:
    """Weighted mean of ``k`` children for R replications at once -> (R, n).

    ``children``: k arrays, each (n,) (shared by every replication) or (R, n); ``W``: (R, k) weights.
    Children that are NaN are left out and the remaining weights renormalised (COINr ``a_amean``,
    ``a_gmean``, ``a_hmean`` with ``na.rm``).

    * arithmetic: ``sum_j w_j x_j / sum_j w_j``
    * geometric: ``exp(sum_j w_j ln x_j / sum_j w_j)`` = ``(prod_j x_j^w_j)^(1 / sum_j w_j)``, x > 0
    * harmonic: ``sum_j w_j / sum_j (w_j / x_j)``, x > 0

    ``checked``: the caller knows every child is > 0 (a mean of positive values is positive).
    """
    return _stacked(method, children, W, code, checked)[0]


def _transform(method: str, x: np.ndarray, anynan: bool) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        f = x if method == "arithmetic" else np.log(x) if method == "geometric" else 1.0 / x
    return np.nan_to_num(f) if anynan else f


def _stacked(method: str, children: list[np.ndarray], W: np.ndarray, code: str = "", checked: bool = False,
             anynan: bool | None = None, transformed: list[np.ndarray | None] | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`stacked_aggregate` returning also the mean in the transformed domain (for geometric: the
    weighted mean of logs, which a geometric parent reuses instead of taking the log again).
    ``anynan`` and ``transformed`` (per child, or None) may be supplied by a caller who knows them."""
    if method != "arithmetic" and not checked:
        _check_positive(children, method, code)
    if anynan is None:
        anynan = any(np.isnan(x).any() for x in children)
    pre = transformed or [None] * len(children)
    f = [t if t is not None else _transform(method, x, anynan) for x, t in zip(children, pre, strict=True)]
    R, n = W.shape[0], children[0].shape[-1]
    if all(x.ndim == 1 for x in children):
        num = W @ np.vstack(f)
        den = W @ np.vstack([~np.isnan(x) for x in children]).astype(float) if anynan else \
            W.sum(axis=1, keepdims=True)
    else:
        num = np.zeros((R, n))
        for j, x in enumerate(f):
            num += W[:, j, None] * x
        den = _present_weights(children, W) if anynan else W.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            inner = num / den
            y = inner
        elif method == "geometric":
            inner = num / den
            y = np.exp(inner)
        else:
            inner = num
            y = den / num
    if y.shape != (R, n):
        y = np.ascontiguousarray(np.broadcast_to(y, (R, n)))
    if anynan:
        y = np.where(_present_weights(children, W) > 0, y, np.nan)
    return y, inner


def _batched_aggregate(kernel: Callable, params: dict, children: list[np.ndarray], W: np.ndarray,
                       n: int) -> np.ndarray:
    """A kernel of :data:`~innoscope.pipeline.aggregate.BATCHED` on all replications at once -> (R, n):
    children shared by every replication (indicators) as one (n, k) data set under the weights (R, k),
    else stacked to (R, n, k)."""
    R = W.shape[0]
    if all(x.ndim == 1 for x in children):
        return kernel(np.column_stack(children), W, **params)
    X = np.stack([np.broadcast_to(x, (R, n)) for x in children], axis=-1)
    return kernel(X, W, **params)


def _loop_aggregate(kernel: Callable, params: dict, children: list[np.ndarray], W: np.ndarray,
                    n: int, weightless: bool = False) -> np.ndarray:
    """Fallback for methods with neither a stacked nor a batched kernel (benefit of the doubt): the
    registered kernel once per replication, or once in all when every replication has the same children
    (indicators) and either the same weights or a method that ignores them (``weightless``)."""
    R = W.shape[0]
    if all(x.ndim == 1 for x in children) and (weightless or bool((W == W[0]).all())):
        return np.repeat(kernel(np.column_stack(children), W[0], **params)[None, :], R, axis=0)
    full = [np.broadcast_to(x, (R, n)) for x in children]
    out = np.empty((R, n))
    for r in range(R):
        out[r] = kernel(np.column_stack([x[r] for x in full]), W[r], **params)
    return out


# -- the prepared engine -------------------------------------------------------------------------------
@dataclass
class NodePlan:
    code: str
    level: int
    children: list[str]
    wcols: np.ndarray
    method: str
    params: dict[str, Any]
    thresh: float | None
    wname: str | None


@dataclass
class Engine:
    """Everything a chunk needs, prepared once (picklable, so chunks can run in other processes)."""

    entities: list[str]
    indicators: list[str]
    wnodes: list[str]
    aggregates: list[str]
    inputs: list[Input]
    slices: list[slice]
    pre_inputs: list[int]
    agg_inputs: list[int]
    X: dict[tuple, np.ndarray]
    plans: dict[tuple, list[NodePlan]]
    w0: dict[tuple, np.ndarray]
    nominal_ranks: dict[str, np.ndarray]
    ind_pos: dict[str, int]
    n_vars: int = 0

    @property
    def discrete(self) -> list[int]:
        return [i for i, x in enumerate(self.inputs) if isinstance(x, Discrete)]

    def choices(self, U: np.ndarray) -> np.ndarray:
        """Index of the chosen alternative of each discrete input (R x n_discrete)."""
        cols = [self.inputs[i].index(U[:, self.slices[i].start]) for i in self.discrete]
        return np.column_stack(cols) if cols else np.zeros((len(U), 0), int)

    def group_code(self, K: np.ndarray) -> np.ndarray:
        """One integer per replication identifying its combination of discrete choices."""
        code = np.zeros(len(K), np.int64)
        for j, i in enumerate(self.discrete):
            code = code * len(self.inputs[i].alternatives) + K[:, j]
        return code

    def keys(self, row: np.ndarray) -> tuple[tuple, tuple]:
        """(pre-aggregation key, aggregation key) of one row of :meth:`choices`."""
        d = self.discrete
        pre = tuple(int(row[d.index(i)]) for i in self.pre_inputs)
        agg = tuple(int(row[d.index(i)]) for i in self.agg_inputs)
        return pre, agg

    def weights(self, U: np.ndarray, w0: np.ndarray) -> np.ndarray:
        """Weights of every replication (R x wnodes): nominal, then noise, then exclusions."""
        W = np.tile(w0, (len(U), 1))
        pos = {c: j for j, c in enumerate(self.wnodes)}
        for inp, sl in zip(self.inputs, self.slices, strict=True):
            if isinstance(inp, WeightNoise):
                inp.perturb(W, U[:, sl], np.array([pos[c] for c in inp.nodes]))
        for inp, sl in zip(self.inputs, self.slices, strict=True):
            if isinstance(inp, Exclusion):
                cols = np.array([pos[c] for c in inp.indicators])
                W[:, cols] = np.where(inp.dropped(U[:, sl]), 0.0, W[:, cols])
        return W

    def scores(self, U: np.ndarray, nodes: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Scores (R x n) of every aggregate (or of ``nodes``) for the replications ``U``."""
        R, n = len(U), len(self.entities)
        want = list(nodes) if nodes is not None else self.aggregates
        K = self.choices(U)
        code = self.group_code(K)
        if (code == code[0]).all():
            pre, agg = self.keys(K[0])
            vals = aggregate_all(self.X[pre], self.weights(U, self.w0[pre, agg]), self.plans[agg], self.ind_pos, n)
            return {c: vals[c] for c in want}
        out = {c: np.empty((R, n)) for c in want}
        order = np.argsort(code, kind="stable")
        bounds = np.flatnonzero(np.diff(code[order])) + 1
        for rows in np.split(order, bounds):
            pre, agg = self.keys(K[rows[0]])
            W = self.weights(U[rows], self.w0[pre, agg])
            vals = aggregate_all(self.X[pre], W, self.plans[agg], self.ind_pos, n)
            for c in want:
                out[c][rows] = vals[c]
        return out


def aggregate_all(X: np.ndarray, W: np.ndarray, plan: list[NodePlan], ind_pos: dict[str, int],
                  n: int) -> dict[str, np.ndarray]:
    """Every aggregate's scores (R x n) from indicator data X (n x indicators) and weights W (R x wnodes)."""
    from innoscope.pipeline.aggregate import BATCHED, METHODS, WEIGHTLESS

    vals: dict[str, np.ndarray] = {}
    logs: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore"):
        col_pos = ~(X <= 0).any(axis=0)
    col_nan = np.isnan(X).any(axis=0)
    positive = {c: bool(col_pos[j]) for c, j in ind_pos.items()}
    nanfree = {c: not bool(col_nan[j]) for c, j in ind_pos.items()}
    for p in plan:
        children = [X[:, ind_pos[c]] if c in ind_pos else vals[c] for c in p.children]
        Wc = W[:, p.wcols]
        known = all(positive[c] for c in p.children)
        positive[p.code] = known or p.method != "arithmetic"
        clean = all(nanfree[c] for c in p.children)
        if p.method in FAST and not p.params:
            pre = [logs.get(c) for c in p.children] if p.method == "geometric" and clean else None
            y, inner = _stacked(p.method, children, Wc, p.code, checked=known,
                                anynan=None if not clean else False, transformed=pre)
            if p.method == "geometric" and clean:
                logs[p.code] = inner
        else:
            m = METHODS.get(p.method)
            if m.name in BATCHED:
                y = _batched_aggregate(m.func, p.params, children, Wc, n)
            else:
                y = _loop_aggregate(m.func, p.params, children, Wc, n, weightless=m.name in WEIGHTLESS)
        if p.thresh is not None:
            avail = np.mean([~np.isnan(np.broadcast_to(x, y.shape)) for x in children], axis=0)
            y = np.where(avail < float(p.thresh), np.nan, y)
        nanfree[p.code] = clean and p.thresh is None and bool((Wc.sum(axis=1) > 0).all())
        vals[p.code] = y
    return vals


class PrefixRunner:
    """Runs several pipelines that share leading steps, running each distinct prefix of steps once.

    Step for step the same as :func:`innoscope.pipeline.run.build` (same stage calls on the same
    context); only the common prefixes (e.g. denominate, impute, screen and one treatment shared by two
    normalisations) are not recomputed. Stages never mutate their inputs, so contexts share data sets.
    """

    def __init__(self, framework: Framework, data: CrossSection):
        root = Context(framework=framework, data=data)
        root.weights["Original"] = pd.Series(framework.weights(), dtype=float)
        root.datasets["Raw"] = data.values.copy()
        self.root = (root, "Raw")
        self.cache: dict[str, tuple[Context, str]] = {}

    def run(self, spec: PipelineSpec) -> tuple[Context, str]:
        """The context after every step of ``spec`` and the name of the last data set."""
        validate_spec(spec)
        state, key = self.root, ""
        for step in spec.steps:
            key = f"{key}|{json.dumps(step.model_dump(), sort_keys=True, default=str)}"
            if key in self.cache:
                state = self.cache[key]
                continue
            ctx0, last = state
            ctx = dataclasses.replace(ctx0, datasets=dict(ctx0.datasets), weights=dict(ctx0.weights))
            _, _, last = run_step(ctx, step, last)
            state = self.cache[key] = (ctx, last)
        return state


def _without_aggregate(spec: PipelineSpec) -> tuple[PipelineSpec, Any]:
    steps = list(spec.steps)
    idx = [i for i, s in enumerate(steps) if _stage_key(s.stage) == "aggregate"]
    if len(idx) != 1 or idx[0] != len(steps) - 1:
        raise SpecError("uncertainty analysis needs exactly one 'aggregate' step, as the last step of the spec")
    agg = steps[idx[0]]
    return PipelineSpec(steps=steps[:-1], name=spec.name), agg


def _plan(fw: Framework, agg_step: Any, wnodes: list[str]) -> list[NodePlan]:
    from innoscope.pipeline.aggregate import METHODS, STAGE_PARAMS

    pos = {c: j for j, c in enumerate(wnodes)}
    out = []
    for level in range(2, fw.n_levels + 1):
        for code in fw.codes(level):
            method, params = agg_step.resolve(level=level, node=code)
            m = METHODS.check_params(method or getattr(stage_module("aggregate"), "DEFAULT_METHOD", "arithmetic"),
                                     params, reserved=STAGE_PARAMS)
            wname = params.pop("weights", None)
            thresh = params.pop("dat_thresh", None)
            children = fw.children(code)
            out.append(NodePlan(code, level, children, np.array([pos[c] for c in children]), m.name,
                                params, thresh, wname))
    return out


def _nominal_weights(fw: Framework, res: Any, plan: list[NodePlan], wnodes: list[str]) -> np.ndarray:
    w = np.full(len(wnodes), np.nan)
    sets: dict[str, dict[str, float]] = {}
    for p in plan:
        if p.wname in ("equal", "none"):
            w[p.wcols] = 1.0
            continue
        key = p.wname or res.active_weights
        if key not in res.weights:
            raise SpecError(f"[aggregate] weight set {key!r} does not exist; sets: {', '.join(res.weights)}")
        if key not in sets:
            sets[key] = {k: float(v) for k, v in res.weights[key].items()}
        ws = np.array([sets[key].get(c, np.nan) for c in p.children])
        if np.isnan(ws).any():
            raise SpecError(f"[aggregate] weight set {key!r} has no weight for some children of {p.code!r}")
        w[p.wcols] = ws
    return w


def prepare(fw: Framework, data: CrossSection, spec: PipelineSpec, inputs: Sequence[Any] | Any | None = None,
            *, rng: np.random.Generator | None = None) -> tuple[Engine, Any, PipelineSpec]:
    """Check the spec and every alternative, build each discrete combination once; return the engine.

    Raises :class:`SpecError` before any sampling if an input is unknown or an alternative cannot run.
    """
    rng = rng if rng is not None else np.random.default_rng()
    if not isinstance(spec, PipelineSpec):
        spec = PipelineSpec.from_yaml(spec) if isinstance(spec, str) else PipelineSpec.from_obj(spec)
    inputs = parse_inputs(inputs if inputs is not None else spec.uncertainty)
    base = PipelineSpec(steps=spec.steps, name=spec.name)
    validate_spec(base)
    _without_aggregate(base)
    for inp in inputs:
        if isinstance(inp, WeightNoise):
            inp.bind(fw, rng)
        elif isinstance(inp, Exclusion):
            inp.bind(fw)
    for inp in inputs:
        if not isinstance(inp, Discrete):
            continue
        stage_module(inp.stage)
        for k, label in enumerate(inp.labels):
            try:
                validate_spec(inp.apply(base, k))
            except SpecError as e:
                raise SpecError(f"uncertain input {inp.name!r}, alternative {label!r}: {e}") from None
    try:
        nominal = build(fw, data, base)
    except InnoscopeError as e:
        raise SpecError(f"the nominal pipeline does not run: {e}") from None

    disc = [i for i, x in enumerate(inputs) if isinstance(x, Discrete)]
    agg_inputs = [i for i in disc if _stage_key(inputs[i].stage) == "aggregate"]
    pre_inputs = [i for i in disc if i not in agg_inputs]
    wnodes = [n.id for n in fw.nodes if n.parent is not None]
    entities = list(nominal.aggregated.index)

    def label(i: int, k: int) -> str:
        return f"{inputs[i].name}={inputs[i].labels[k]}"

    X, results = {}, {}
    runner = PrefixRunner(fw, data)
    for combo in itertools.product(*[range(len(inputs[i].alternatives)) for i in pre_inputs]):
        s = base
        for i, k in zip(pre_inputs, combo, strict=True):
            s = inputs[i].apply(s, k)
        pre_spec, _ = _without_aggregate(s)
        try:
            ctx, last = runner.run(pre_spec)
        except InnoscopeError as e:
            what = ", ".join(label(i, k) for i, k in zip(pre_inputs, combo, strict=True)) or "nominal"
            raise SpecError(f"alternative ({what}) cannot run: {e}") from None
        X[combo] = ctx.datasets[last].reindex(index=entities, columns=fw.indicators).to_numpy(float)
        results[combo] = SimpleNamespace(weights=ctx.weights, active_weights=ctx.active_weights)
    del runner

    plans, w0 = {}, {}
    ind_pos = {c: j for j, c in enumerate(fw.indicators)}
    for combo in itertools.product(*[range(len(inputs[i].alternatives)) for i in agg_inputs]):
        s = base
        for i, k in zip(agg_inputs, combo, strict=True):
            s = inputs[i].apply(s, k)
        _, agg_step = _without_aggregate(s)
        plans[combo] = _plan(fw, agg_step, wnodes)
        for pre, res in results.items():
            w0[pre, combo] = _nominal_weights(fw, res, plans[combo], wnodes)
            try:
                aggregate_all(X[pre], w0[pre, combo][None, :], plans[combo], ind_pos, len(entities))
            except (InnoscopeError, ValueError) as e:
                what = ", ".join([label(i, k) for i, k in zip(pre_inputs, pre, strict=True)]
                                 + [label(i, k) for i, k in zip(agg_inputs, combo, strict=True)])
                raise SpecError(f"alternatives ({what}) cannot run together: {e}") from None

    slices, start = [], 0
    for inp in inputs:
        slices.append(slice(start, start + inp.n_vars))
        start += inp.n_vars
    nominal_ranks = {c: rank_rows(nominal.aggregated[c].to_numpy(float)[None, :])[0] for c in fw.aggregates}
    eng = Engine(entities=entities, indicators=list(fw.indicators), wnodes=wnodes, aggregates=list(fw.aggregates),
                 inputs=inputs, slices=slices, pre_inputs=pre_inputs, agg_inputs=agg_inputs, X=X, plans=plans,
                 w0=w0, nominal_ranks=nominal_ranks, ind_pos=ind_pos, n_vars=start)
    return eng, nominal, base


# -- chunked evaluation with accumulators ---------------------------------------------------------------
@dataclass
class Accumulator:
    """What a chunk returns: rank counts per node, pairwise wins, kept per-replication arrays."""

    counts: dict[str, np.ndarray] = field(default_factory=dict)
    """node -> (n, n + 1) int64: counts[e, r - 1] = replications where entity e has rank r; last column NaN."""
    wins: dict[str, np.ndarray] = field(default_factory=dict)
    """node -> (n, n) int64: replications where the row entity ranks strictly better than the column one."""
    score_sum: dict[str, np.ndarray] = field(default_factory=dict)
    kept_ranks: dict[str, np.ndarray] = field(default_factory=dict)
    kept_scores: dict[str, np.ndarray] = field(default_factory=dict)
    shift: np.ndarray | None = None
    """Mean absolute rank shift vs nominal of the target node, per replication (COINr's SA target)."""

    def merge(self, other: Accumulator) -> None:
        for name in ("counts", "wins", "score_sum"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for k, v in theirs.items():
                if k in mine:
                    mine[k] += v
                else:
                    mine[k] = v
        for name in ("kept_ranks", "kept_scores"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for k, v in theirs.items():
                mine.setdefault(k, []).append(v)
        if other.shift is not None:
            self.shift = [other.shift] if self.shift is None else [*self.shift, other.shift]

    def finish(self) -> Accumulator:
        """Concatenate the per-chunk pieces gathered by :meth:`merge`."""
        for name in ("kept_ranks", "kept_scores"):
            d = getattr(self, name)
            for k, v in d.items():
                d[k] = np.concatenate(v) if isinstance(v, list) else v
        if isinstance(self.shift, list):
            self.shift = np.concatenate(self.shift)
        return self


@dataclass
class ChunkJob:
    stat_nodes: list[str]
    pair_nodes: list[str]
    keep_nodes: list[str]
    target: str
    pair_idx: np.ndarray | None = None
    """Entities (positions) among which pairwise wins are counted (default: all)."""


def run_chunk(engine: Engine, U: np.ndarray, job: ChunkJob) -> Accumulator:
    """Evaluate one chunk of replications (BLAS limited to one thread) and reduce it to accumulators."""
    with threadpool_limits(limits=1):
        nodes = list(dict.fromkeys(job.stat_nodes + job.pair_nodes + job.keep_nodes + [job.target]))
        S = engine.scores(U, nodes)
        acc = Accumulator()
        n = len(engine.entities)
        for c in nodes:
            rk = rank_rows(S[c])
            anynan = bool(np.isnan(rk).any())
            if c in job.stat_nodes:
                r0 = np.where(np.isnan(rk), n, rk - 1) if anynan else rk - 1
                idx = r0.astype(np.int64) + np.arange(n) * (n + 1)
                acc.counts[c] = np.bincount(idx.ravel(), minlength=n * (n + 1)).reshape(n, n + 1)
                acc.score_sum[c] = np.nansum(S[c], axis=0) if anynan else S[c].sum(axis=0)
            if c in job.pair_nodes:
                sub = rk if job.pair_idx is None else rk[:, job.pair_idx]
                m = sub.shape[1]
                r16 = (np.where(np.isnan(sub), n + 1, sub) if anynan else sub).astype(np.int16)
                wins = np.zeros((m, m), np.int64)
                for a in range(m):
                    wins[a] = np.count_nonzero(r16[:, a, None] < r16, axis=0)
                acc.wins[c] = wins
            if c in job.keep_nodes:
                acc.kept_ranks[c] = rk.astype(np.float32)
                acc.kept_scores[c] = S[c]
            if c == job.target:
                dev = np.abs(rk - engine.nominal_ranks[c])
                with np.errstate(invalid="ignore"):
                    acc.shift = np.nanmean(dev, axis=1) if anynan else dev.mean(axis=1)
        return acc


def run_chunks(engine: Engine, U: np.ndarray, job: ChunkJob, *, chunk: int,
               executor: Executor | None = None, progress: Callable[[int], None] | None = None) -> Accumulator:
    """All replications ``U`` in chunks of ``chunk`` rows, merged into one accumulator.

    Replications are first sorted by their discrete choices, so that a chunk holds few groups and each
    group's matrix products are large; kept per-replication arrays are put back in the order of ``U``.
    """
    perm = np.argsort(engine.group_code(engine.choices(U)), kind="stable")
    Up = U[perm]
    starts = list(range(0, len(U), chunk))
    total = Accumulator()
    if executor is None:
        for s in starts:
            total.merge(run_chunk(engine, Up[s:s + chunk], job))
            if progress:
                progress(min(chunk, len(U) - s))
    else:
        futures = [executor.submit(run_chunk, engine, Up[s:s + chunk], job) for s in starts]
        for s, f in zip(starts, futures, strict=True):
            total.merge(f.result())
            if progress:
                progress(min(chunk, len(U) - s))
    total.finish()
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    for d in (total.kept_ranks, total.kept_scores):
        for k in d:
            d[k] = d[k][inv]
    if total.shift is not None:
        total.shift = total.shift[inv]
    return total


def auto_chunk(n_entities: int, n_nodes: int, budget_bytes: float = 256e6) -> int:
    """Rows per chunk so that one chunk's arrays stay within about ``budget_bytes``.

    A chunk holds the scores of every aggregate (R x n float64 each) plus a few temporaries of the
    nodes being ranked: about 1.5 arrays per aggregate.
    """
    per_row = n_entities * (max(n_nodes, 1) * 1.5 + 6) * 8
    return int(max(64, min(20000, budget_bytes // per_row)))


def replication_build_inputs(engine: Engine, fw: Framework, base: PipelineSpec, u: np.ndarray
                             ) -> tuple[Framework, PipelineSpec]:
    """The (framework, spec) that rebuild replication ``u`` through the ordinary engine.

    Discrete choices are patched into the spec; the replication's weights (after noise and exclusion)
    become the framework's node weights, and weight steps / named weight sets are dropped from the spec
    (the weights are already resolved).
    """
    u = np.asarray(u, float)[None, :]
    K = engine.choices(u)
    spec = base
    for j, i in enumerate(engine.discrete):
        spec = engine.inputs[i].apply(spec, int(K[0, j]))
    pre, agg = engine.keys(K[0])
    W = engine.weights(u, engine.w0[pre, agg])[0]
    wmap = dict(zip(engine.wnodes, W, strict=True))
    nodes = [nd.model_copy(update={"weight": float(wmap.get(nd.id, nd.weight))}) for nd in fw.nodes]
    fw2 = Framework(nodes=nodes, denominators=fw.denominators, groups=fw.groups, level_names=fw.level_names,
                    source=fw.source)
    steps = []
    for s in spec.steps:
        key = _stage_key(s.stage)
        if key == "weight":
            continue
        if key == "aggregate":
            s = s.model_copy(deep=True)
            s.params.pop("weights", None)
            for table in (s.by_level, s.by_node):
                for v in table.values():
                    v.pop("weights", None)
        steps.append(s)
    return fw2, PipelineSpec(steps=steps, name=spec.name)


def frame(arr: np.ndarray, entities: list[str], name: str = "uCode") -> pd.DataFrame:
    return pd.DataFrame(arr, index=pd.Index(entities, name=name))

"""The shared Monte Carlo engine of the uncertainty and sensitivity analyses, over any valid spec.

A replication is a row ``u`` of draws on [0, 1) (one per variable of each uncertain input, see
:mod:`innoscope.analysis.inputs`): its discrete choices patch the spec, its weight draws perturb (or exclude)
the child weights every aggregate step resolves. The engine recomputes only what depends on the draws:

1. Every combination of the discrete choices is patched into the spec once. Steps before the first one a
   replication changes are computed once per distinct prefix of steps (:class:`PrefixRunner`): e.g. 5
   ``winmax`` x 2 normalisations = 10 pipelines up to the aggregation, whatever N is.
2. Vectorised path, when the last step is the only one whose result depends on the weight draws (one
   ``aggregate`` step last, or any spec with only discrete inputs): replications are grouped by their
   discrete choices; within a group every replication's weights are stacked into ``W`` (R x nodes) and each
   node is one call of its registered kernel on the stacked shapes (:func:`~innoscope.pipeline.aggregate.
   aggregate_node`): for a power mean of data shared by the group, one matrix product ``W g(X)^T``.
3. Per-replication path otherwise (weight draws with data-derived weights between two aggregate steps,
   e.g. aggregate, PCA or optimised weights from the aggregated set, aggregate again; or a spec whose last
   step is not ``aggregate``): each replication runs the steps from its first aggregate step on, through the
   ordinary stages (:func:`~innoscope.pipeline.run.run_step`) with its weights as the context's
   ``weight_patch``, exactly as :func:`~innoscope.pipeline.run.build` with ``weight_patch`` would.
4. Replications with the same choices (e.g. COINr's design: a pool of 100 weight sets x 20 discrete
   combinations = 2,000 distinct replications) are computed once and counted with their multiplicity.
5. Ranks of all replications at once: one ``argsort`` along the entity axis, ties given the lowest rank
   (R's ``ties.method = "min"``, as COINr), NaN kept as NaN. Replications run in chunks (bounded memory);
   each chunk returns small accumulators (rank counts, pairwise wins, optional kept ranks) merged in the
   caller. BLAS is limited to one thread inside a chunk (``threadpoolctl``). Chunks can be spread with any
   ``concurrent.futures.Executor``.

Every combination of discrete choices is checked on the nominal weights *before* any sampling, so an
alternative that cannot run (a geometric mean of a normalisation that yields values <= 0) is rejected up
front with the input names, never skipped.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from innoscope.analysis.inputs import Discrete, Exclusion, Input, WeightNoise, parse_inputs
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import InnoscopeError, SpecError
from innoscope.model.framework import Framework
from innoscope.pipeline.aggregate import NodeSettings, aggregate_node, node_settings, node_weights
from innoscope.pipeline.base import Context
from innoscope.pipeline.run import (
    ALIASES,
    _dataset_name,
    build,
    initial_context,
    run_step,
    stage_module,
    validate_spec,
)
from innoscope.pipeline.spec import PipelineSpec, Step

MAX_COMBINATIONS = 4096
"""Most combinations of discrete choices checked and prepared up front."""


def _stage_key(name: str) -> str:
    return ALIASES.get(name.lower(), name.lower())


def _is_aggregate(step: Step) -> bool:
    return _stage_key(step.stage) == "aggregate"


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


# -- the vectorised aggregation ------------------------------------------------------------------------
@dataclass
class NodePlan:
    """One node of the final aggregate step: its settings and where its inputs are."""

    node: NodeSettings
    wcols: np.ndarray
    """Positions of its children among the weighted nodes."""
    ind_cols: np.ndarray | None
    """Positions of its children among the indicators when they all are indicators, else None."""


def _plan(fw: Framework, step: Step, wpos: dict[str, int], ind_pos: dict[str, int]) -> list[NodePlan]:
    out = []
    for node in node_settings(step, fw):
        ind = (
            np.array([ind_pos[c] for c in node.children])
            if all(c in ind_pos for c in node.children)
            else None
        )
        out.append(NodePlan(node, np.array([wpos[c] for c in node.children]), ind))
    return out


def aggregate_all(
    X: np.ndarray, W: np.ndarray, plan: list[NodePlan], ind_pos: dict[str, int]
) -> dict[str, np.ndarray]:
    """Every aggregate's scores (R x n) from indicator data X (n x indicators) and weights W (R x wnodes),
    each node through its registered kernel on the stacked shapes."""
    R, n = W.shape[0], X.shape[0]
    vals: dict[str, np.ndarray] = {}
    for p in plan:
        if p.ind_cols is not None:
            Xc = X[None, :, p.ind_cols]
        else:
            Xc = np.stack(
                [
                    vals[c] if c in vals else np.broadcast_to(X[:, ind_pos[c]], (R, n))
                    for c in p.node.children
                ],
                axis=-1,
            )
        vals[p.node.code] = aggregate_node(p.node, Xc, W[:, p.wcols])
    return vals


class PrefixRunner:
    """Runs several pipelines that share leading steps, running each distinct prefix of steps once.

    Step for step the same as :func:`innoscope.pipeline.run.build` (same initial context, same stage calls);
    only the common prefixes (e.g. denominate, impute, screen and one treatment shared by two normalisations)
    are not recomputed. Stages never mutate their inputs, so contexts share data sets.
    """

    def __init__(self, framework: Framework, data: CrossSection):
        self.root = (initial_context(framework, data), "Raw")
        self.cache: dict[str, tuple[Context, str]] = {}

    def run(self, steps: Sequence[Step]) -> tuple[Context, str]:
        """The context after ``steps`` and the name of the last data set (do not modify the context)."""
        state, key = self.root, ""
        for step in steps:
            key = f"{key}|{json.dumps(step.model_dump(), sort_keys=True, default=str)}"
            if key in self.cache:
                state = self.cache[key]
                continue
            state = self.cache[key] = _run_steps(state, [step])
        return state


def _fork(ctx: Context, weight_patch: Callable | None = None) -> Context:
    return dataclasses.replace(
        ctx,
        datasets=dict(ctx.datasets),
        weights=dict(ctx.weights),
        _weight_maps=dict(ctx._weight_maps),
        weight_patch=weight_patch,
    )


def _run_steps(
    state: tuple[Context, str], steps: Sequence[Step], weight_patch: Callable | None = None
) -> tuple[Context, str]:
    ctx, last = state
    ctx = _fork(ctx, weight_patch)
    for step in steps:
        _, _, last = run_step(ctx, step, last)
    return ctx, last


def _aggregated(ctx: Context, last: str) -> pd.DataFrame:
    """The data set :attr:`Result.aggregated` would show."""
    return ctx.datasets.get("Aggregated", ctx.datasets[last])


# -- the prepared engine -------------------------------------------------------------------------------
@dataclass
class Combination:
    """One combination of discrete choices: its spec and what the replications that make it share."""

    spec: PipelineSpec
    split: int
    """Steps before ``split`` are shared by every replication of the combination (computed once)."""
    prefix: tuple[Context, str]
    X: np.ndarray | None = None
    """Vectorised path: the indicator data the last (aggregate) step reads, entities x indicators."""
    plan: list[NodePlan] | None = None
    w0: np.ndarray | None = None
    """Vectorised path: nominal weights of every weighted node as the last step resolves them."""


@dataclass
class Engine:
    """Everything a chunk needs, prepared once (picklable, so chunks can run in other processes)."""

    entities: list[str]
    indicators: list[str]
    wnodes: list[str]
    aggregates: list[str]
    inputs: list[Input]
    slices: list[slice]
    combos: dict[tuple[int, ...], Combination]
    nominal_ranks: dict[str, np.ndarray]
    ind_pos: dict[str, int]
    child_cols: dict[str, np.ndarray]
    """Parent code -> positions of its children among :attr:`wnodes`."""
    vectorised: bool
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

    def identity(self, U: np.ndarray) -> np.ndarray | None:
        """Integers per replication (R x m) equal exactly when two replications make the same choices (the same
        alternatives, the same weight set of a pool, the same exclusions); None if every draw is its own."""
        cols: list[np.ndarray] = [self.group_code(self.choices(U))]
        for inp, sl in zip(self.inputs, self.slices, strict=True):
            if isinstance(inp, WeightNoise):
                if not inp.sets:
                    return None
                cols.append(np.minimum((U[:, sl.start] * inp.sets).astype(np.int64), inp.sets - 1))
            elif isinstance(inp, Exclusion):
                d = inp.dropped(U[:, sl])
                cols.append(np.packbits(d, axis=1).astype(np.int64) if d.shape[1] else np.zeros((len(U), 0)))
        return np.column_stack(cols).astype(np.int64)

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

    @property
    def varies_weights(self) -> bool:
        return any(isinstance(x, WeightNoise | Exclusion) for x in self.inputs)

    def weight_patch(self, u: np.ndarray) -> Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]] | None:
        """Replication ``u``'s weights as an aggregate step's ``weight_patch``: the child weights the step
        resolved, perturbed and excluded as :meth:`weights` does (None when no input varies the weights)."""
        if not self.varies_weights:
            return None
        u = np.asarray(u, float)[None, :]

        def patch(ws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            w0 = np.zeros(len(self.wnodes))
            for code, w in ws.items():
                w0[self.child_cols[code]] = w
            W = self.weights(u, w0)[0]
            return {code: W[self.child_cols[code]] for code in ws}

        return patch

    def combination(self, row: np.ndarray) -> Combination:
        return self.combos[tuple(int(k) for k in row)]

    def scores(self, U: np.ndarray, nodes: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Scores (R x n) of every aggregate (or of ``nodes``) for the replications ``U``."""
        R, n = len(U), len(self.entities)
        want = list(nodes) if nodes is not None else self.aggregates
        K = self.choices(U)
        code = self.group_code(K)
        if not self.vectorised:
            out = {c: np.empty((R, n)) for c in want}
            for r in range(R):
                vals = self.replicate(U[r], self.combination(K[r]))
                for c in want:
                    out[c][r] = vals[c]
            return out
        if (code == code[0]).all():
            cmb = self.combination(K[0])
            vals = aggregate_all(cmb.X, self.weights(U, cmb.w0), cmb.plan, self.ind_pos)
            return {c: vals[c] for c in want}
        out = {c: np.empty((R, n)) for c in want}
        order = np.argsort(code, kind="stable")
        bounds = np.flatnonzero(np.diff(code[order])) + 1
        for rows in np.split(order, bounds):
            cmb = self.combination(K[rows[0]])
            vals = aggregate_all(cmb.X, self.weights(U[rows], cmb.w0), cmb.plan, self.ind_pos)
            for c in want:
                out[c][rows] = vals[c]
        return out

    def replicate(self, u: np.ndarray, cmb: Combination) -> dict[str, np.ndarray]:
        """One replication through the ordinary stages (the per-replication path): every aggregate's scores."""
        ctx, last = _run_steps(cmb.prefix, cmb.spec.steps[cmb.split :], self.weight_patch(u))
        agg = _aggregated(ctx, last).reindex(index=self.entities)
        return {
            c: agg[c].to_numpy(float) if c in agg.columns else np.full(len(self.entities), np.nan)
            for c in self.aggregates
        }


def _combinations(inputs: list[Input], base: PipelineSpec) -> list[tuple[tuple[int, ...], PipelineSpec]]:
    disc = [i for i, x in enumerate(inputs) if isinstance(x, Discrete)]
    sizes = [len(inputs[i].alternatives) for i in disc]
    if int(np.prod(sizes)) > MAX_COMBINATIONS:
        raise SpecError(
            f"the discrete uncertain inputs make {int(np.prod(sizes)):,} combinations; at most "
            f"{MAX_COMBINATIONS:,} are supported"
        )
    out = []
    for combo in itertools.product(*[range(s) for s in sizes]):
        s = base
        for i, k in zip(disc, combo, strict=True):
            s = inputs[i].apply(s, k)
        out.append((combo, s))
    return out


def _is_vectorisable(spec: PipelineSpec, varies_weights: bool) -> bool:
    """The last step aggregates, and no earlier step's result depends on the weight draws."""
    steps = spec.steps
    return (
        bool(steps)
        and _is_aggregate(steps[-1])
        and (not varies_weights or sum(map(_is_aggregate, steps)) == 1)
    )


def _split(spec: PipelineSpec, varies_weights: bool, vectorised: bool) -> int:
    """Steps before this index are shared by every replication of one combination of discrete choices."""
    if vectorised:
        return len(spec.steps) - 1
    if varies_weights:
        return next(i for i, s in enumerate(spec.steps) if _is_aggregate(s))
    return len(spec.steps)


def prepare(
    fw: Framework,
    data: CrossSection,
    spec: PipelineSpec,
    inputs: Sequence[Any] | Any | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> tuple[Engine, Any, PipelineSpec]:
    """Check the spec and every alternative, compute what the replications share; return the engine.

    Raises :class:`SpecError` before any sampling if an input is unknown or an alternative cannot run.
    """
    rng = rng if rng is not None else np.random.default_rng()
    if not isinstance(spec, PipelineSpec):
        spec = PipelineSpec.from_yaml(spec) if isinstance(spec, str) else PipelineSpec.from_obj(spec)
    inputs = parse_inputs(inputs if inputs is not None else spec.uncertainty)
    base = PipelineSpec(steps=spec.steps, name=spec.name)
    validate_spec(base)
    if not any(map(_is_aggregate, base.steps)):
        raise SpecError("uncertainty analysis needs an 'aggregate' step in the spec")
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

    varies = any(isinstance(x, WeightNoise | Exclusion) for x in inputs)
    disc = [i for i, x in enumerate(inputs) if isinstance(x, Discrete)]
    wnodes = [nd.id for nd in fw.nodes if nd.parent is not None]
    wpos = {c: j for j, c in enumerate(wnodes)}
    ind_pos = {c: j for j, c in enumerate(fw.indicators)}
    entities = list(nominal.aggregated.index)
    combos = _combinations(inputs, base)
    vectorised = all(_is_vectorisable(s, varies) for _, s in combos)
    runner = PrefixRunner(fw, data)
    prepared: dict[tuple[int, ...], Combination] = {}
    for combo, s in combos:
        what = ", ".join(f"{inputs[i].name}={inputs[i].labels[k]}" for i, k in zip(disc, combo, strict=True))
        try:
            split = _split(s, varies, vectorised)
            cmb = Combination(spec=s, split=split, prefix=runner.run(s.steps[:split]))
            if vectorised:
                ctx, last = cmb.prefix
                step = s.steps[-1]
                inp = ctx.datasets[_dataset_name(ctx, step.input) if step.input else last]
                cmb.X = inp.reindex(index=entities, columns=fw.indicators).to_numpy(float)
                cmb.plan = _plan(fw, step, wpos, ind_pos)
                ws = node_weights([p.node for p in cmb.plan], ctx)
                cmb.w0 = np.zeros(len(wnodes))
                for p in cmb.plan:
                    cmb.w0[p.wcols] = ws[p.node.code]
                aggregate_all(cmb.X, cmb.w0[None, :], cmb.plan, ind_pos)
            else:
                _run_steps(cmb.prefix, s.steps[split:])
        except (InnoscopeError, ValueError, TypeError) as e:
            raise SpecError(f"alternatives ({what or 'nominal'}) cannot run together: {e}") from None
        prepared[combo] = cmb

    slices, start = [], 0
    for inp in inputs:
        slices.append(slice(start, start + inp.n_vars))
        start += inp.n_vars
    nominal_ranks = {c: rank_rows(nominal.aggregated[c].to_numpy(float)[None, :])[0] for c in fw.aggregates}
    child_cols = {c: np.array([wpos[x] for x in fw.children(c)]) for c in fw.aggregates}
    eng = Engine(
        entities=entities,
        indicators=list(fw.indicators),
        wnodes=wnodes,
        aggregates=list(fw.aggregates),
        inputs=inputs,
        slices=slices,
        combos=prepared,
        nominal_ranks=nominal_ranks,
        ind_pos=ind_pos,
        child_cols=child_cols,
        vectorised=vectorised,
        n_vars=start,
    )
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
    rows: int = 0
    """Replications (rows) evaluated."""

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


def _sorted_ranks(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(order, ranks, flat)``: the entities of each row of ``Y`` (R x n) from highest to lowest (NaN last), the
    rank at each position (1 = highest, ties the lowest rank as R's ``ties.method = "min"``, NaN for NaN) and
    the flat positions ``r * n + order`` of the sorted cells."""
    R, n = Y.shape
    nan = np.isnan(Y)
    anynan = bool(nan.any())
    key = np.where(nan, np.inf, -Y) if anynan else -Y
    order = np.argsort(key, axis=1)
    flat = order + (np.arange(R) * n)[:, None]
    s = np.take(key.ravel(), flat)
    ties = s[:, 1:] == s[:, :-1]
    if ties.any():
        new = np.ones((R, n), bool)
        new[:, 1:] = ~ties
        ranks = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1) + 1.0
    else:
        ranks = np.broadcast_to(np.arange(1.0, n + 1), (R, n))
    if anynan:
        ranks = np.where(np.isinf(s) & (s > 0), np.nan, ranks)
    return order, ranks, flat


def _rank_counts(order: np.ndarray, ranks: np.ndarray, n: int, mult: np.ndarray | None) -> np.ndarray:
    """(n, n + 1): how many replications give entity e rank r (column r - 1; last column NaN), each row of
    ``order`` counted ``mult`` times."""
    nan = np.isnan(ranks)
    if mult is None and not nan.any() and ranks.strides[0] == 0:  # no ties, no NaN: position p is rank p + 1
        counts = np.zeros((n, n + 1), np.int64)
        for p in range(n):
            counts[:, p] = np.bincount(order[:, p], minlength=n)
        return counts
    r0 = (np.where(nan, n, ranks - 1) if nan.any() else ranks - 1).astype(np.int64)
    w = None if mult is None else np.repeat(mult, n)
    counts = np.bincount((order * (n + 1) + r0).ravel(), weights=w, minlength=n * (n + 1))
    return counts.reshape(n, n + 1).astype(np.int64)


def run_chunk(engine: Engine, U: np.ndarray, job: ChunkJob, mult: np.ndarray | None = None) -> Accumulator:
    """Evaluate one chunk of replications (BLAS limited to one thread) and reduce it to accumulators.

    ``mult``: how many replications each row of ``U`` stands for (rank counts, score sums and pairwise wins
    count it that many times); kept arrays hold one row per row of ``U``.
    """
    with threadpool_limits(limits=1):
        nodes = list(dict.fromkeys(job.stat_nodes + job.pair_nodes + job.keep_nodes + [job.target]))
        S = engine.scores(U, nodes)
        acc = Accumulator(rows=len(U))
        R, n = len(U), len(engine.entities)
        for c in nodes:
            order, rs, flat = _sorted_ranks(S[c])
            anynan = bool(np.isnan(rs).any())
            if c in job.stat_nodes:
                acc.counts[c] = _rank_counts(order, rs, n, mult)
                Sm = S[c] if mult is None else S[c] * mult[:, None]
                acc.score_sum[c] = np.nansum(Sm, axis=0) if anynan else Sm.sum(axis=0)
            if c not in job.pair_nodes and c not in job.keep_nodes and c != job.target:
                continue
            rk = np.empty((R, n))
            rk.ravel()[flat.ravel()] = np.broadcast_to(rs, (R, n)).ravel()
            if c in job.pair_nodes:
                sub = rk if job.pair_idx is None else rk[:, job.pair_idx]
                m = sub.shape[1]
                r16 = (np.where(np.isnan(sub), n + 1, sub) if anynan else sub).astype(np.int16)
                wins = np.zeros((m, m), np.int64)
                for a in range(m):
                    better = r16[:, a, None] < r16
                    wins[a] = np.count_nonzero(better, axis=0) if mult is None else mult @ better
                acc.wins[c] = wins
            if c in job.keep_nodes:
                acc.kept_ranks[c] = rk.astype(np.float32)
                acc.kept_scores[c] = S[c]
            if c == job.target:
                dev = np.abs(rk - engine.nominal_ranks[c])
                with np.errstate(invalid="ignore"):
                    acc.shift = np.nanmean(dev, axis=1) if anynan else dev.mean(axis=1)
        return acc


def distinct(engine: Engine, U: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """``(rows, inverse, multiplicity)``: one row of ``U`` per distinct set of choices (:meth:`Engine.identity`),
    where each replication's row is, and how many replications each row stands for; ``U`` itself and two Nones
    when every replication is its own."""
    ident = engine.identity(U)
    if ident is None:
        return U, None, None
    sizes = [int(x) + 1 for x in ident.max(axis=0)] if len(ident) else []
    if int(np.prod(sizes, dtype=object)) < 2**62:  # one integer per replication (mixed radix): a 1-D sort
        radix = np.cumprod([1, *sizes[:-1]], dtype=np.int64)
        _, first, inverse, counts = np.unique(
            ident @ radix, return_index=True, return_inverse=True, return_counts=True
        )
    else:
        _, first, inverse, counts = np.unique(
            ident, axis=0, return_index=True, return_inverse=True, return_counts=True
        )
    if len(first) == len(U):
        return U, None, None
    return U[first], inverse.reshape(-1), counts


def run_chunks(
    engine: Engine,
    U: np.ndarray,
    job: ChunkJob,
    *,
    chunk: int,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> Accumulator:
    """All replications ``U`` in chunks of ``chunk`` rows, merged into one accumulator.

    Replications that make the same choices are computed once (:func:`distinct`) and counted with their
    multiplicity. Replications are sorted by their discrete choices, so that a chunk holds few groups and each
    group's matrix products are large; kept per-replication arrays are put back in the order of ``U``.
    """
    U, expand, mult = distinct(engine, U)
    perm = np.argsort(engine.group_code(engine.choices(U)), kind="stable")
    Up = U[perm]
    mp = np.ones(len(U), np.int64) if mult is None else mult[perm]
    chunk = chunk if engine.vectorised else min(chunk, 64)
    parts = [
        (Up[s : s + chunk], None if mult is None else mp[s : s + chunk]) for s in range(0, len(U), chunk)
    ]
    if executor is None:
        results = (run_chunk(engine, u, job, m) for u, m in parts)
    else:
        results = (f.result() for f in [executor.submit(run_chunk, engine, u, job, m) for u, m in parts])
    total = Accumulator()
    for (_, m), acc in zip(parts, results, strict=True):
        total.merge(acc)
        if progress:
            progress(int(m.sum()) if m is not None else acc.rows)
    total.finish()
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    if expand is not None:
        inv = inv[expand]
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


def replication_spec(engine: Engine, base: PipelineSpec, u: np.ndarray) -> PipelineSpec:
    """The spec of replication ``u``: its discrete choices patched into ``base``."""
    K = engine.choices(np.asarray(u, float)[None, :])
    spec = base
    for j, i in enumerate(engine.discrete):
        spec = engine.inputs[i].apply(spec, int(K[0, j]))
    return spec


def replication_build_inputs(
    engine: Engine, fw: Framework, base: PipelineSpec, u: np.ndarray
) -> tuple[Framework, PipelineSpec]:
    """The (framework, spec) that rebuild replication ``u`` through the ordinary engine, for specs on the
    vectorised path with weight draws resolved once (one aggregate step, the last).

    Discrete choices are patched into the spec; the replication's weights (after noise and exclusion)
    become the framework's node weights, and weight steps / named weight sets are dropped from the spec
    (the weights are already resolved). Any spec: ``build(fw, data, replication_spec(...),
    weight_patch=engine.weight_patch(u))``.
    """
    if engine.varies_weights and not engine.vectorised:
        raise SpecError(
            "this spec derives weights between aggregate steps: rebuild a replication with "
            "build(..., weight_patch=...) (UncertaintyResult.rebuild)"
        )
    u = np.asarray(u, float)
    spec = replication_spec(engine, base, u)
    cmb = engine.combination(engine.choices(u[None, :])[0])
    wmap = (
        dict(zip(engine.wnodes, engine.weights(u[None, :], cmb.w0)[0], strict=True))
        if cmb.w0 is not None
        else {}
    )
    nodes = [nd.model_copy(update={"weight": float(wmap.get(nd.id, nd.weight))}) for nd in fw.nodes]
    fw2 = Framework(
        nodes=nodes,
        denominators=fw.denominators,
        groups=fw.groups,
        level_names=fw.level_names,
        source=fw.source,
    )
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

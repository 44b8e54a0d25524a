"""Uncertainty analysis: how sure is the ranking under the builder's uncertain choices (Monte Carlo).

``uncertainty(framework, data, spec, n=1000, seed=1)`` draws N replications of the uncertain inputs
(:mod:`innoscope.analysis.inputs`; from the spec's ``uncertainty:`` section or ``inputs=``), runs them
through the vectorised engine (:mod:`innoscope.analysis.montecarlo`) and reports, for every entity and
every aggregate (all levels): the nominal rank, mean, median and any quantiles of its rank (R's type-7
quantile, numpy's default ``linear``), the full rank distribution, and P(A outranks B) for every pair.

The rank statistics are computed exactly from the accumulated rank counts: for N valid ranks sorted
``x_(1) <= ... <= x_(N)``, the type-7 quantile is ``x_(j) + (h - floor h)(x_(j+1) - x_(j))`` with
``h = (N - 1) p`` and ``j = floor h + 1`` (Hyndman & Fan 1996), identical to sorting all the ranks.
Source of the approach: Saisana, Saltelli & Tarantola (2005), J. R. Stat. Soc. A 168(2) 307-323;
COINr ``get_sensitivity(SA_type = "UA")``; the JRC audits of the Global Innovation Index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innoscope.analysis.inputs import Discrete, Exclusion, WeightNoise
from innoscope.analysis.montecarlo import (
    ChunkJob,
    Engine,
    auto_chunk,
    prepare,
    replication_build_inputs,
    replication_spec,
    run_chunks,
)
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import InnoscopeError, SpecError
from innoscope.model.framework import Framework
from innoscope.pipeline.run import build
from innoscope.pipeline.spec import PipelineSpec


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def quantiles_from_counts(counts: np.ndarray, probs: Sequence[float]) -> np.ndarray:
    """Type-7 quantiles of each row's sample, given as counts of ranks 1..n (last column: NaN, ignored).

    Returns (rows, len(probs)); NaN where a row has no valid rank.
    """
    c = counts[:, :-1]
    N = c.sum(axis=1)
    cum = np.cumsum(c, axis=1)
    out = np.full((len(c), len(probs)), np.nan)
    ok = N > 0
    for j, p in enumerate(probs):
        h = (N - 1) * float(p)
        lo = np.floor(h)
        hi = np.minimum(lo + 1, N - 1)
        x_lo = np.argmax(cum > lo[:, None], axis=1) + 1.0
        x_hi = np.argmax(cum > hi[:, None], axis=1) + 1.0
        out[ok, j] = (x_lo + (h - lo) * (x_hi - x_lo))[ok]
    return out


def _qname(p: float) -> str:
    return "median" if p == 0.5 else f"q{round(p * 100):02d}" if round(p * 100) == p * 100 else f"q{p:g}"


@dataclass
class UncertaintyResult:
    """The outcome of :func:`uncertainty`: rank statistics at every level, pairwise odds, every draw."""

    framework: Framework
    nominal: Any
    """The nominal build (:class:`~innoscope.result.Result`)."""
    engine: Engine
    base: PipelineSpec
    U: np.ndarray
    """The draws (N x variables) on [0, 1): every replication's parameters can be rebuilt from its row."""
    counts: dict[str, np.ndarray]
    wins: dict[str, np.ndarray]
    score_sum: dict[str, np.ndarray]
    kept_ranks: dict[str, np.ndarray]
    kept_scores: dict[str, np.ndarray]
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)
    pair_entities: list[str] | None = None
    """Entities of the pairwise matrices (None: every entity)."""

    @property
    def n(self) -> int:
        return len(self.U)

    @property
    def entities(self) -> list[str]:
        return self.engine.entities

    def _node(self, node: str | None) -> str:
        node = node or self.framework.root
        if node not in self.counts:
            raise SpecError(f"no rank statistics for {node!r}; computed for: {', '.join(self.counts)}")
        return node

    def rank_stats(self, node: str | None = None, quantiles: Sequence[float] | None = None) -> pd.DataFrame:
        """uCode, nominal, mean, median, q05, q95 (or the given quantiles) of the ranks at ``node``."""
        node = self._node(node)
        probs = tuple(quantiles) if quantiles is not None else self.quantiles
        c = self.counts[node]
        valid = c[:, :-1].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (c[:, :-1] * np.arange(1, c.shape[0] + 1)).sum(axis=1) / valid
        q = quantiles_from_counts(c, sorted(set(probs) | {0.5}))
        qcols = {_qname(p): q[:, j] for j, p in enumerate(sorted(set(probs) | {0.5}))}
        df = pd.DataFrame(
            {
                "uCode": self.entities,
                "nominal": self.engine.nominal_ranks[node],
                "mean": mean,
                "median": qcols.pop("median"),
                **qcols,
            }
        )
        return df

    def to_df(self, level: int | None = None) -> pd.DataFrame:
        """Rank statistics of every node at ``level`` (default: every level computed), long format."""
        fw = self.framework
        nodes = [c for c in self.counts if level is None or fw[c].level == level]
        frames = [self.rank_stats(c).assign(node=c, level=fw[c].level) for c in nodes]
        df = pd.concat(frames, ignore_index=True)
        return df[["level", "node"] + [c for c in df.columns if c not in ("level", "node")]]

    def rank_distribution(self, node: str | None = None) -> pd.DataFrame:
        """P(rank = r) for each entity (rows) and rank r (columns 1..n); last column ``NaN`` if any."""
        node = self._node(node)
        c = self.counts[node]
        cols = list(range(1, c.shape[0] + 1)) + ["NaN"]
        df = pd.DataFrame(c / self.n, index=pd.Index(self.entities, name="uCode"), columns=cols)
        return df if c[:, -1].any() else df.drop(columns="NaN")

    def prob_outranks(
        self, a: str | None = None, b: str | None = None, node: str | None = None
    ) -> float | pd.DataFrame:
        """P(a ranks strictly better than b) at ``node``; without a and b, the whole matrix (rows outrank columns)."""
        node = node or self.framework.root
        if node not in self.wins:
            raise SpecError(
                f"pairwise probabilities not computed for {node!r}; computed for: "
                f"{', '.join(self.wins) or 'none'} (pass pair_levels=)"
            )
        who = self.pair_entities or self.entities
        m = pd.DataFrame(self.wins[node] / self.n, index=who, columns=who)
        if a is None and b is None:
            return m
        missing = [x for x in (a, b) if x not in m.index]
        if missing:
            raise SpecError(f"unknown entity {missing}")
        if a == b:
            raise SpecError(f"P(A outranks B) needs two different entities, got {a!r} twice")
        return float(m.loc[a, b])

    def compare(self, a: str, b: str) -> pd.DataFrame:
        """P(a outranks b) and P(b outranks a) at every node where pairwise odds were computed
        (run with ``pairs=[a, b]`` to get every level), top level first."""
        fw = self.framework
        nodes = sorted(self.wins, key=lambda c: (-fw[c].level, list(self.wins).index(c)))
        return pd.DataFrame(
            {
                "level": [fw[c].level for c in nodes],
                "node": nodes,
                "name": [fw[c].name for c in nodes],
                f"P({a} > {b})": [self.prob_outranks(a, b, c) for c in nodes],
                f"P({b} > {a})": [self.prob_outranks(b, a, c) for c in nodes],
            }
        )

    def parameters(self) -> pd.DataFrame:
        """Every replication's sampled choices: one column per input (labels, categorical; weights: the set or
        max |change|)."""
        eng = self.engine
        cols: dict[str, Any] = {}
        for inp, sl in zip(eng.inputs, eng.slices, strict=True):
            u = self.U[:, sl]
            if isinstance(inp, Discrete):
                cols[inp.name] = pd.Categorical.from_codes(
                    inp.index(u[:, 0]), pd.Index(inp.labels, dtype=object)
                )
            elif isinstance(inp, WeightNoise):
                if inp.sets:
                    cols[inp.name] = np.minimum((u[:, 0] * inp.sets).astype(int), inp.sets - 1)
                else:
                    cols[inp.name] = np.abs(2 * u - 1).max(axis=1)
            elif isinstance(inp, Exclusion):
                cols[inp.name] = inp.labels(u)
        return pd.DataFrame(cols, index=pd.RangeIndex(self.n, name="replication"))

    def weights(self, i: int) -> pd.Series:
        """The weights (every node) used by replication ``i``."""
        fw, _ = self.replication(i)
        return pd.Series({n.id: n.weight for n in fw.nodes if n.parent is not None}, name=f"r{i}")

    def replication(self, i: int) -> tuple[Framework, PipelineSpec]:
        """(framework, spec) that rebuild replication ``i`` with :func:`innoscope.build`."""
        return replication_build_inputs(self.engine, self.framework, self.base, self.U[i])

    def rebuild(self, i: int, data: CrossSection | None = None) -> Any:
        """Replication ``i`` rebuilt through :func:`innoscope.build`: its spec (discrete choices patched in) and
        its weights as the aggregate steps' ``weight_patch``. Works for every spec the engine accepts."""
        u = self.U[i]
        return build(
            self.framework,
            data if data is not None else self.nominal.data,
            replication_spec(self.engine, self.base, u),
            weight_patch=self.engine.weight_patch(u),
        )

    def ranks(self, node: str | None = None) -> pd.DataFrame:
        """Every replication's ranks at ``node`` (entities x replications), where kept (``keep=``)."""
        node = node or self.framework.root
        if node not in self.kept_ranks:
            raise SpecError(f"ranks of each replication were not kept for {node!r} (pass keep=True)")
        return pd.DataFrame(
            self.kept_ranks[node].T.astype(float),
            index=pd.Index(self.entities, name="uCode"),
            columns=[f"r_{i + 1}" for i in range(self.n)],
        )

    def chart_data(self, node: str | None = None) -> dict[str, Any]:
        """Data for the report's rank-interval chart: entities sorted by nominal rank with their interval."""
        node = self._node(node)
        df = self.rank_stats(node).sort_values(["nominal", "uCode"])
        names = self.nominal.data.names.reindex(df["uCode"]).fillna("").tolist()
        return {
            "node": node,
            "n": self.n,
            "quantiles": list(self.quantiles),
            "rows": [
                {
                    "uCode": r.uCode,
                    "name": nm,
                    **{k: (None if pd.isna(v) else float(v)) for k, v in r._asdict().items() if k != "uCode"},
                }
                for r, nm in zip(df.itertuples(index=False), names, strict=True)
            ],
        }


def default_inputs(framework: Framework, noise: float = 0.25) -> list[dict[str, Any]]:
    """A generic design when a spec has no ``uncertainty:`` section: weights +/- ``noise`` at every weighted
    level, min-max [1, 100] vs z-score (10, 2), arithmetic vs geometric mean (COINr's vignette choices)."""
    return [
        {
            "name": "Weights",
            "weights": "uniform",
            "noise": {lv: noise for lv in range(1, framework.n_levels)},
        },
        {
            "name": "Normalisation",
            "stage": "normalise",
            "alternatives": [{"method": "minmax", "range": [1, 100]}, {"method": "zscore", "m_sd": [10, 2]}],
        },
        {"name": "Aggregation", "stage": "aggregate", "alternatives": ["arithmetic", "geometric"]},
    ]


def uncertainty(
    framework: Framework,
    data: CrossSection,
    spec: PipelineSpec | dict | str,
    *,
    inputs: Sequence[Any] | dict | None = None,
    n: int | None = None,
    seed: int | np.random.Generator | None = None,
    levels: Sequence[int] | None = None,
    pair_levels: Sequence[int] | None = None,
    pairs: Sequence[str] | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    keep: bool | None = None,
    chunk: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of the ranks.

    ``spec``: the pipeline with an ``uncertainty:`` section (or pass ``inputs=``). ``n``: replications
    (default: the section's ``n``, else 1000). ``levels``: levels with rank statistics (default every
    aggregate level when there are <= 1000 entities, else the index). ``pair_levels``: levels with P(A
    outranks B) (default: the index if there are <= 500 entities, else none); ``pairs``: restrict the
    pairwise probabilities to these entities (e.g. two cities; then every level). ``keep``: keep every
    replication's index ranks (default when N x entities <= 20 million). ``executor``: any ``concurrent.futures.Executor``.
    """
    if not isinstance(spec, PipelineSpec):
        spec = PipelineSpec.from_yaml(spec) if isinstance(spec, str) else PipelineSpec.from_obj(spec)
    section = spec.uncertainty or {}
    n = int(n or section.get("n") or 1000)
    if n < 2:
        raise SpecError(f"n must be >= 2, got {n}")
    rng = as_generator(seed if seed is not None else section.get("seed"))
    engine, nominal, base = prepare(framework, data, spec, inputs, rng=rng)
    fw = framework
    n_ent = len(engine.entities)
    if levels is None:
        levels = range(2, fw.n_levels + 1) if n_ent <= 1000 else [fw.n_levels]
    stat_nodes = [c for lv in levels for c in fw.codes(lv)]
    if pair_levels is None:
        pair_levels = range(2, fw.n_levels + 1) if pairs else [fw.n_levels] if n_ent <= 500 else []
    pair_nodes = [c for lv in pair_levels for c in fw.codes(lv)]
    pair_idx = None
    if pairs is not None:
        pairs = list(dict.fromkeys(pairs))
        unknown = [e for e in pairs if e not in engine.entities]
        if unknown:
            raise SpecError(f"pairs: unknown entities {unknown}")
        pair_idx = np.array([engine.entities.index(e) for e in pairs])
    keep = (n * n_ent <= 20_000_000) if keep is None else keep
    keep_nodes = [fw.root] if keep else []
    U = rng.random((n, engine.n_vars))
    chunk = chunk or auto_chunk(n_ent, len(fw.aggregates))
    acc = run_chunks(
        engine,
        U,
        ChunkJob(stat_nodes, pair_nodes, keep_nodes, fw.root, pair_idx),
        chunk=chunk,
        executor=executor,
        progress=progress,
    )
    return UncertaintyResult(
        framework=fw,
        nominal=nominal,
        engine=engine,
        base=base,
        U=U,
        counts=acc.counts,
        wins=acc.wins,
        score_sum=acc.score_sum,
        kept_ranks=acc.kept_ranks,
        kept_scores=acc.kept_scores,
        quantiles=tuple(quantiles),
        pair_entities=list(pairs) if pairs is not None else None,
    )


WEIGHTS_ONLY_NOISE = 0.25


def uncertainty_any_design(
    framework: Framework,
    data: CrossSection,
    spec: PipelineSpec,
    *,
    n: int,
    seed: int | np.random.Generator | None = None,
    pairs: Sequence[str] | None = None,
) -> tuple[UncertaintyResult, str]:
    """:func:`uncertainty` under the spec's own ``uncertainty:`` design, else :func:`default_inputs`, else --
    when the generic design cannot run on these data (a geometric mean of non-positive values, say) -- the
    weights alone (+/- 25 % at every weighted level).

    Returns the result and which design ran: ``"spec"``, ``"default"`` or ``"weights"``. The report, the CLI
    and the dashboard use it so that they agree on what "how sure" means.
    """
    if spec.uncertainty:
        return uncertainty(framework, data, spec, n=n, seed=seed, pairs=pairs), "spec"
    try:
        return uncertainty(
            framework, data, spec, inputs=default_inputs(framework), n=n, seed=seed, pairs=pairs
        ), "default"
    except InnoscopeError:
        pass
    weights_only = [
        {
            "name": "Weights",
            "weights": "uniform",
            "noise": dict.fromkeys(range(1, framework.n_levels), WEIGHTS_ONLY_NOISE),
        }
    ]
    return uncertainty(framework, data, spec, inputs=weights_only, n=n, seed=seed, pairs=pairs), "weights"

"""Sensitivity analysis: which uncertain choice moves the ranking (Sobol indices, Morris screening).

Design and estimators are SALib's (Herman & Usher 2017, JOSS 2(9) 97):

* Sobol: Saltelli's design (``SALib.sample.sobol``, scrambled Sobol' sequence, ``calc_second_order=False``):
  base matrices A and B (N x d) and, for each input i, AB_i = A with column(s) i taken from B, so
  N (d + 2) model runs (inputs with several variables, such as per-node weight noise, are one SALib
  *group*). With ``f_A``, ``f_B``, ``f_ABi`` the outputs and ``V = Var([f_A, f_B])``:

      first order  S_i  = mean(f_B (f_ABi - f_A)) / V            (Saltelli et al. 2010, eq. (b))
      total order  ST_i = mean((f_A - f_ABi)^2) / (2 V)           (Jansen 1999; Saltelli et al. 2010, eq. (f))

  Confidence intervals: bootstrap over the N rows (``num_resamples``), percentile interval at
  ``conf_level`` (default 0.90: [q05, q95], as COINr reports).
* Morris elementary effects (``SALib.sample.morris`` / ``SALib.analyze.morris``; Morris 1991,
  Campolongo et al. 2007 for mu*): r trajectories of d + 1 runs, ``mu_star`` ranks the inputs.

The model output is COINr's target, the mean absolute rank shift of the index versus nominal,
``y = mean_e |rank_e - nominal_e|``, and optionally each entity's rank or score.
Discrete inputs read their SALib column by quantile (:class:`~innoscope.analysis.inputs.Discrete`).

Sources: Saltelli, Annoni, Azzini, Campolongo, Ratto & Tarantola (2010), Comput. Phys. Commun. 181,
259-270; Jansen (1999), Comput. Phys. Commun. 117, 35-43; Saisana, Saltelli & Tarantola (2005);
COINr ``get_sensitivity(SA_type = "SA")``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from innoscope.analysis.inputs import parse_inputs
from innoscope.analysis.montecarlo import ChunkJob, Engine, auto_chunk, prepare, run_chunks
from innoscope.analysis.uncertainty import as_generator
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import SpecError
from innoscope.model.framework import Framework
from innoscope.pipeline.spec import PipelineSpec

SOBOL_COLUMNS = ["input", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"]


def _seed_int(seed: int | np.random.Generator | None) -> int:
    return int(as_generator(seed).integers(2**31 - 1))


def _quietly(analyze: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A SALib ``analyze`` call with Python warnings silenced, as both the Sobol and the Morris analyses run it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze(*args, **kwargs)


def problem(names: Sequence[str], groups: Sequence[str] | None = None) -> dict[str, Any]:
    """A SALib problem on the unit hypercube; ``groups`` (one label per variable) makes each group one input."""
    p: dict[str, Any] = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None and len(set(groups)) < len(groups):
        p["groups"] = list(groups)
    return p


def input_labels(prob: dict[str, Any]) -> list[str]:
    """Input names in SALib's output order (groups in order of first appearance, else variables)."""
    return list(dict.fromkeys(prob["groups"])) if "groups" in prob else list(prob["names"])


def sobol_design(prob: dict[str, Any], n: int, seed: int | np.random.Generator | None) -> np.ndarray:
    """Saltelli's design, N (d + 2) rows on [0, 1); ``n`` should be a power of 2."""
    if n < 2 or n & (n - 1):
        raise SpecError(
            f"the Sobol design needs N a power of 2 (got {n}); e.g. {1 << max(1, int(n).bit_length())}"
        )
    return sobol_sample.sample(prob, n, calc_second_order=False, seed=_seed_int(seed))


def sobol_indices(
    prob: dict[str, Any],
    Y: np.ndarray,
    *,
    num_resamples: int = 100,
    conf_level: float = 0.90,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """S1 and ST with percentile bootstrap intervals for output(s) ``Y`` of a :func:`sobol_design` run.

    ``Y`` (runs,) gives one table (``input, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi``); ``Y`` (runs, m)
    gives the m tables stacked with an ``output`` column (0..m-1).
    """
    Y = np.asarray(Y, float)
    if Y.ndim == 2:
        return _sobol_many(prob, Y, num_resamples=num_resamples, conf_level=conf_level, seed=_seed_int(seed))
    labels = input_labels(prob)
    if not np.isfinite(Y).all() or np.var(Y) == 0:
        nan = np.full(len(labels), np.nan)
        return pd.DataFrame(
            {"input": labels, "S1": nan, "S1_lo": nan, "S1_hi": nan, "ST": nan, "ST_lo": nan, "ST_hi": nan}
        )
    r = _quietly(
        sobol_analyze.analyze,
        prob,
        Y,
        calc_second_order=False,
        num_resamples=num_resamples,
        conf_level=conf_level,
        keep_resamples=True,
        seed=_seed_int(seed),
    )
    a = (1 - conf_level) / 2
    lo = {k: np.nanquantile(r[f"{k}_conf_all"], a, axis=0) for k in ("S1", "ST")}
    hi = {k: np.nanquantile(r[f"{k}_conf_all"], 1 - a, axis=0) for k in ("S1", "ST")}
    return pd.DataFrame(
        {
            "input": labels,
            "S1": r["S1"],
            "S1_lo": lo["S1"],
            "S1_hi": hi["S1"],
            "ST": r["ST"],
            "ST_lo": lo["ST"],
            "ST_hi": hi["ST"],
        }
    )


def _sobol_many(
    prob: dict[str, Any], Y: np.ndarray, *, num_resamples: int, conf_level: float, seed: int
) -> pd.DataFrame:
    """:func:`sobol_indices` for m outputs at once: SALib's ``sobol.analyze`` computation (standardised
    output, the same estimators, the same bootstrap rows for a given ``seed``), vectorised over outputs.
    Outputs with no variance get NaN."""
    labels = input_labels(prob)
    D, m = len(labels), Y.shape[1]
    step = D + 2
    block = max(1, int(64e6 // (len(Y) // step * num_resamples * 8 * 6)))
    if m > block:
        parts = [
            _sobol_many(
                prob, Y[:, s : s + block], num_resamples=num_resamples, conf_level=conf_level, seed=seed
            ).assign(output=lambda d, s=s: d["output"] + s)
            for s in range(0, m, block)
        ]
        return pd.concat(parts, ignore_index=True)
    N = len(Y) // step
    sd = Y.std(axis=0)
    ok = np.isfinite(Y).all(axis=0) & (sd > np.finfo(float).eps)
    Z = (Y - Y.mean(axis=0)) / np.where(ok, sd, 1.0)
    A, B = Z[0::step], Z[step - 1 :: step]
    r = np.random.default_rng(seed).integers(N, size=(N, num_resamples))
    Ar, Br = A[r], B[r]
    var = np.var(np.r_[A, B], axis=0)
    var_r = np.var(np.concatenate([Ar, Br]), axis=0)
    a = (1 - conf_level) / 2
    out = {k: np.full((D, m), np.nan) for k in ("S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi")}
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(D):
            AB = Z[j + 1 :: step]
            ABr = AB[r]
            s1 = np.mean(B * (AB - A), axis=0) / var
            st = 0.5 * np.mean((A - AB) ** 2, axis=0) / var
            s1r = np.mean(Br * (ABr - Ar), axis=0) / var_r
            str_ = 0.5 * np.mean((Ar - ABr) ** 2, axis=0) / var_r
            out["S1"][j], out["ST"][j] = s1, st
            out["S1_lo"][j], out["S1_hi"][j] = np.quantile(s1r, [a, 1 - a], axis=0)
            out["ST_lo"][j], out["ST_hi"][j] = np.quantile(str_, [a, 1 - a], axis=0)
    for v in out.values():
        v[:, ~ok] = np.nan
    return pd.DataFrame(
        {
            "input": np.tile(labels, m),
            **{k: v.T.ravel() for k, v in out.items()},
            "output": np.repeat(np.arange(m), D),
        }
    )


def sobol(
    model: Callable[[np.ndarray], np.ndarray],
    prob: dict[str, Any],
    n: int,
    *,
    seed: int | np.random.Generator | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.90,
) -> pd.DataFrame:
    """Sobol indices of any vectorised ``model(U) -> y`` (U: runs x variables on [0, 1)) by Saltelli's design."""
    rng = as_generator(seed)
    U = sobol_design(prob, n, rng)
    return sobol_indices(prob, model(U), num_resamples=num_resamples, conf_level=conf_level, seed=rng)


@dataclass
class SensitivityResult:
    """Sobol indices (or Morris measures) of every uncertain input on the rank shift and per entity."""

    method: str
    table: pd.DataFrame
    """On the mean absolute rank shift: Sobol ``input, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi`` or Morris."""
    entity_tables: pd.DataFrame | None
    """Per entity (``uCode`` column) on its rank or score, same columns."""
    U: np.ndarray
    shift: np.ndarray
    ranks: np.ndarray | None
    scores: np.ndarray | None
    engine: Engine
    nominal: Any
    n_base: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_df(self) -> pd.DataFrame:
        return self.table.copy()

    def entities_df(self) -> pd.DataFrame:
        if self.entity_tables is None:
            raise SpecError("per-entity indices were not computed (pass entity_output='rank' or 'score')")
        return self.entity_tables.copy()

    def rank_stats(self) -> pd.DataFrame:
        """Rank statistics from the 2N independent runs (A and B rows), as COINr's SA ``RankStats``."""
        if self.ranks is None or self.method != "sobol":
            raise SpecError("rank statistics need a Sobol run with kept ranks")
        d = len(self.table)
        ab = np.r_[np.arange(0, len(self.U), d + 2), np.arange(d + 1, len(self.U), d + 2)]
        rk = self.ranks[ab]
        q = np.nanquantile(rk, [0.05, 0.5, 0.95], axis=0)
        root = self.engine.aggregates[-1]
        return pd.DataFrame(
            {
                "uCode": self.engine.entities,
                "nominal": self.engine.nominal_ranks[root],
                "mean": np.nanmean(rk, axis=0),
                "median": q[1],
                "q05": q[0],
                "q95": q[2],
            }
        )

    def chart_data(self) -> dict[str, Any]:
        """Data for the report's Sobol chart (one bar pair per input with its interval)."""
        rows = self.table.to_dict(orient="records")
        return {
            "method": self.method,
            "n_base": self.n_base,
            "runs": len(self.U),
            "target": "mean absolute rank shift of the index vs nominal",
            "rows": [
                {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
                for r in rows
            ],
        }


def sensitivity(
    framework: Framework,
    data: CrossSection,
    spec: PipelineSpec | dict | str,
    *,
    inputs: Sequence[Any] | dict | None = None,
    n: int = 512,
    method: str = "sobol",
    seed: int | np.random.Generator | None = None,
    entity_output: str | None = "rank",
    node: str | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.90,
    num_levels: int = 4,
    chunk: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Sensitivity of the ranking to each uncertain input.

    ``method="sobol"``: Saltelli design with base sample ``n`` (a power of 2), N (d + 2) runs;
    ``method="morris"``: ``n`` trajectories, n (d + 1) runs. The output is the mean absolute rank shift
    of ``node`` (default the index) versus nominal; with ``entity_output`` ``"rank"`` or ``"score"`` also
    each entity's indices on its own rank or score.
    """
    if method not in ("sobol", "morris"):
        raise SpecError(f"method must be 'sobol' or 'morris', got {method!r}")
    if entity_output not in (None, "rank", "score"):
        raise SpecError(f"entity_output must be 'rank', 'score' or None, got {entity_output!r}")
    if not isinstance(spec, PipelineSpec):
        spec = PipelineSpec.from_yaml(spec) if isinstance(spec, str) else PipelineSpec.from_obj(spec)
    rng = as_generator(seed if seed is not None else (spec.uncertainty or {}).get("seed"))
    if len(parse_inputs(inputs if inputs is not None else spec.uncertainty)) < 2:
        raise SpecError(
            "a sensitivity analysis needs at least two uncertain inputs (use uncertainty() for one)"
        )
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise SpecError(
            f"the Sobol design needs N a power of 2 (got {n}); e.g. {1 << max(1, int(n).bit_length())}"
        )
    engine, nominal, _ = prepare(framework, data, spec, inputs, rng=rng)
    node = node or framework.root
    if node not in engine.aggregates:
        raise SpecError(f"unknown aggregate {node!r}")
    names, groups = [], []
    for inp in engine.inputs:
        k = inp.n_vars
        names += [inp.name] if k == 1 else [f"{inp.name}[{j}]" for j in range(k)]
        groups += [inp.name] * k
    prob = problem(names, groups)
    if method == "sobol":
        U = sobol_design(prob, n, rng)
    else:
        U = morris_sample.sample(prob, n, num_levels=num_levels, seed=_seed_int(rng))
    U = np.clip(U, 0.0, 1.0)
    chunk = chunk or auto_chunk(len(engine.entities), len(engine.aggregates))
    acc = run_chunks(
        engine, U, ChunkJob([], [], [node], node), chunk=chunk, executor=executor, progress=progress
    )
    shift = acc.shift
    ranks, scores = acc.kept_ranks[node].astype(float), acc.kept_scores[node]
    per_entity = None
    if method == "sobol":
        table = sobol_indices(prob, shift, num_resamples=num_resamples, conf_level=conf_level, seed=rng)
        if entity_output:
            Y = ranks if entity_output == "rank" else scores
            per_entity = sobol_indices(prob, Y, num_resamples=num_resamples, conf_level=conf_level, seed=rng)
            per_entity.insert(0, "uCode", np.array(engine.entities)[per_entity.pop("output").to_numpy()])
    else:
        table = _morris(prob, U, shift, num_levels, num_resamples, conf_level, rng)
        if entity_output:
            Y = ranks if entity_output == "rank" else scores
            frames = [
                _morris(prob, U, Y[:, j], num_levels, num_resamples, conf_level, rng).assign(uCode=e)
                for j, e in enumerate(engine.entities)
            ]
            per_entity = pd.concat(frames, ignore_index=True)
    return SensitivityResult(
        method=method,
        table=table,
        entity_tables=per_entity,
        U=U,
        shift=shift,
        ranks=ranks,
        scores=scores,
        engine=engine,
        nominal=nominal,
        n_base=n,
    )


def _morris(
    prob: dict[str, Any],
    U: np.ndarray,
    y: np.ndarray,
    num_levels: int,
    num_resamples: int,
    conf_level: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    labels = input_labels(prob)
    if not np.isfinite(y).all():
        raise SpecError("Morris screening needs a finite output in every run")
    r = _quietly(
        morris_analyze.analyze,
        prob,
        U,
        y,
        num_levels=num_levels,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=_seed_int(rng),
    )
    return pd.DataFrame(
        {
            "input": labels,
            "mu_star": np.asarray(r["mu_star"], float),
            "mu_star_conf": np.asarray(r["mu_star_conf"], float),
            "mu": np.asarray(r["mu"], float),
            "sigma": np.asarray(r["sigma"], float),
        }
    )

"""Uncertain inputs of a pipeline: what the Monte Carlo varies, and how a uniform draw maps to a choice.

Every input owns one or more variables on [0, 1) (SALib's unit hypercube, or plain uniform draws for
the uncertainty analysis). Three kinds:

* :class:`Discrete`: a stage parameter with a finite set of alternatives (normalisation method,
  aggregation method at a level, imputation method, treatment on/off or ``winmax``...), each a
  patch of one pipeline step, with probabilities. The draw ``u`` picks alternative ``k`` such that
  ``P_{k-1} <= u < P_k`` (``P`` the cumulative probabilities): the quantile mapping COINr's
  ``sample_2_para`` uses for discrete distributions.
* :class:`WeightNoise`: weights perturbed around their nominal value, per level: uniform
  ``w (1 + f (2u - 1))`` (COINr ``get_noisy_weights``, the GII audit's +/-x%), or Dirichlet with
  concentration ``kappa`` around each parent's nominal shares (one Gamma quantile per weight,
  ``g_j = F^{-1}_{Gamma(kappa s_j)}(u_j)``, then ``w_j = g_j / sum g``). With ``sets: M`` a pool
  of M weight sets is drawn once and each replication picks one of them (COINr's design).
* :class:`Exclusion`: indicators left out of the aggregation (weight 0): leave one out (one variable
  picks which), or each dropped independently with probability ``p`` (one variable each; a parent
  never loses all its children: the child with the largest ``u`` among them is kept).

YAML, under the pipeline spec's ``uncertainty:`` key::

    uncertainty:
      inputs:
        - {name: Winmax, stage: treat, param: winmax, values: [1, 2, 3, 4, 5]}
        - name: Normalisation
          stage: normalise
          alternatives: [{method: minmax, range: [1, 100]}, {method: zscore, m_sd: [10, 2]}]
        - {name: Weights, weights: uniform, noise: {2: 0.25, 3: 0.25}, sets: 100}
        - {name: Aggregation, stage: aggregate, alternatives: [arithmetic, geometric], probs: [0.5, 0.5]}
        - {name: Exclusion, exclude: random, p: 0.05}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from innoscope.model.errors import SpecError
from innoscope.model.framework import Framework
from innoscope.pipeline.spec import PipelineSpec, Step

INPUT_KEYS = {
    "discrete": {
        "name",
        "stage",
        "param",
        "values",
        "alternatives",
        "probs",
        "level",
        "node",
        "indicator",
        "labels",
    },
    "weights": {"name", "weights", "noise", "kappa", "levels", "sets", "seed"},
    "exclude": {"name", "exclude", "p", "indicators"},
}


def _label(alt: Mapping[str, Any]) -> str:
    rest = ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in alt.items() if k != "method")
    if "method" not in alt:
        return rest
    return f"{alt['method']}({rest})" if rest else str(alt["method"])


@dataclass
class Discrete:
    """A finite set of alternatives for one step: each alternative is a patch of that step.

    A patch is ``{method: ..., <param>: ...}``. With ``method`` it replaces the step's method and
    parameters; without, it updates the parameters. ``method: none`` removes the step. ``level``,
    ``node`` or ``indicator`` put the patch in the step's ``by_level`` / ``by_node`` /
    ``by_indicator`` table instead (e.g. the aggregation method of level 3 only).
    """

    name: str
    stage: str
    alternatives: list[dict[str, Any]]
    probs: np.ndarray
    labels: list[str]
    level: int | None = None
    node: str | None = None
    indicator: str | None = None

    n_vars: int = field(default=1, init=False)

    @property
    def cumprobs(self) -> np.ndarray:
        c = np.cumsum(self.probs)
        c[-1] = 1.0
        return c

    def index(self, u: np.ndarray) -> np.ndarray:
        """Alternative chosen by each draw ``u`` (shape (R,)): quantile mapping onto the probabilities."""
        return np.minimum(np.searchsorted(self.cumprobs, u, side="right"), len(self.alternatives) - 1)

    def apply(self, spec: PipelineSpec, k: int) -> PipelineSpec:
        """The spec with alternative ``k`` patched into the first step of ``self.stage``."""
        return patch_step(
            spec,
            self.stage,
            self.alternatives[k],
            level=self.level,
            node=self.node,
            indicator=self.indicator,
            who=self.name,
        )


def patch_step(
    spec: PipelineSpec,
    stage: str,
    alt: Mapping[str, Any],
    *,
    level: int | None = None,
    node: str | None = None,
    indicator: str | None = None,
    who: str = "",
) -> PipelineSpec:
    from innoscope.pipeline.run import ALIASES

    key = ALIASES.get(stage.lower(), stage.lower())
    steps = list(spec.steps)  # the other steps are shared with ``spec``; only the patched one is copied
    idx = [i for i, s in enumerate(steps) if ALIASES.get(s.stage.lower(), s.stage.lower()) == key]
    if not idx:
        raise SpecError(
            f"uncertain input {who!r}: the pipeline has no {stage!r} step; "
            f"its steps: {', '.join(s.stage for s in steps)}"
        )
    steps[idx[0]] = steps[idx[0]].model_copy(deep=True)
    s: Step = steps[idx[0]]
    alt = dict(alt)
    where = (
        ("by_level", level)
        if level is not None
        else ("by_node", node)
        if node is not None
        else (("by_indicator", indicator) if indicator is not None else (None, None))
    )
    if where[0] is not None:
        table = getattr(s, where[0])
        if "method" in alt:
            table[where[1]] = alt
        else:
            table[where[1]] = {**table.get(where[1], {}), **alt}
    elif alt.get("method") == "none":
        del steps[idx[0]]
    elif "method" in alt:
        s.method = alt.pop("method")
        s.params = {**{k: v for k, v in s.params.items() if k in _stage_params(key)}, **alt}
    else:
        s.params = {**s.params, **alt}
    return PipelineSpec(steps=steps, name=spec.name)


def _stage_params(stage: str) -> tuple[str, ...]:
    from innoscope.pipeline.run import STAGES

    mod = STAGES.get(stage)
    return tuple(getattr(mod, "STAGE_PARAMS", ())) if mod is not None else ()


@dataclass
class WeightNoise:
    """Weights perturbed around nominal at some levels (uniform +/- f, or Dirichlet with ``kappa``)."""

    name: str
    levels: dict[int, float]
    """Level of the weighted nodes -> noise factor f (uniform) or unused (Dirichlet)."""
    dist: str = "uniform"
    kappa: float = 100.0
    sets: int | None = None
    seed: int | None = None
    nodes: list[str] = field(default_factory=list)
    """The perturbed nodes (filled by :meth:`bind`)."""
    parents: list[str] = field(default_factory=list)
    pool: np.ndarray | None = None
    """With ``sets``: M x len(nodes) uniform draws defining the pool of weight sets."""

    @property
    def n_vars(self) -> int:
        return 1 if self.sets else len(self.nodes)

    def bind(self, fw: Framework, rng: np.random.Generator) -> None:
        bad = [lv for lv in self.levels if not 1 <= lv < fw.n_levels]
        if bad:
            raise SpecError(
                f"uncertain input {self.name!r}: no weights at level(s) {bad}; weighted levels are "
                f"1..{fw.n_levels - 1} (level L weights the nodes of level L within their parent)"
            )
        if self.dist == "uniform":
            big = {lv: f for lv, f in self.levels.items() if not 0 <= f < 1}
            if big:
                raise SpecError(
                    f"uncertain input {self.name!r}: noise factors must be in [0, 1) so weights stay "
                    f"positive; got {big}"
                )
        elif self.dist == "dirichlet":
            if not self.kappa > 0:
                raise SpecError(f"uncertain input {self.name!r}: Dirichlet concentration kappa must be > 0")
        else:
            raise SpecError(
                f"uncertain input {self.name!r}: weights must be 'uniform' or 'dirichlet', got {self.dist!r}"
            )
        self.nodes = [n.id for n in fw.nodes if n.level in self.levels and n.parent is not None]
        self.parents = [fw[c].parent for c in self.nodes]
        self._factors = np.array([self.levels[fw[c].level] for c in self.nodes], float)
        if self.sets:
            seed = self.seed if self.seed is not None else rng.integers(2**31)
            self.pool = np.random.default_rng(seed).random((int(self.sets), len(self.nodes)))

    def draws(self, u: np.ndarray) -> np.ndarray:
        """Per-node uniform draws (R, len(nodes)) from this input's variables (R, n_vars)."""
        if self.sets:
            k = np.minimum((u[:, 0] * self.sets).astype(int), self.sets - 1)
            return self.pool[k]
        return u

    def perturb(self, w: np.ndarray, u: np.ndarray, cols: np.ndarray) -> None:
        """Perturb in place the columns ``cols`` (this input's nodes) of weights ``w`` (R, nodes)."""
        d = self.draws(u)
        w0 = w[:, cols]
        if self.dist == "uniform":
            w[:, cols] = w0 * (1.0 + self._factors * (2.0 * d - 1.0))
            return
        from scipy.special import gammaincinv  # on first use (Dirichlet only)

        parents = np.array(self.parents)
        for p in dict.fromkeys(self.parents):
            j = np.flatnonzero(parents == p)
            tot = w0[:, j].sum(axis=1, keepdims=True)
            share = w0[:, j] / tot
            g = gammaincinv(self.kappa * share, np.clip(d[:, j], 1e-12, 1 - 1e-12))
            w[:, cols[j]] = g / g.sum(axis=1, keepdims=True) * tot


@dataclass
class Exclusion:
    """Indicators excluded from the aggregation: leave-one-out or random with probability ``p``."""

    name: str
    mode: str = "leave_one_out"
    p: float = 0.1
    indicators: list[str] = field(default_factory=list)

    @property
    def n_vars(self) -> int:
        return 1 if self.mode == "leave_one_out" else len(self.indicators)

    def bind(self, fw: Framework) -> None:
        if self.mode not in ("leave_one_out", "random"):
            raise SpecError(
                f"uncertain input {self.name!r}: exclude must be 'leave_one_out' or 'random', "
                f"got {self.mode!r}"
            )
        if self.mode == "random" and not 0 < self.p < 1:
            raise SpecError(f"uncertain input {self.name!r}: p must be in (0, 1), got {self.p}")
        self.indicators = list(self.indicators) or list(fw.indicators)
        unknown = [c for c in self.indicators if c not in fw or fw[c].kind != "indicator"]
        if unknown:
            raise SpecError(f"uncertain input {self.name!r}: unknown indicator(s) {unknown}")
        if self.mode == "leave_one_out":
            lonely = [c for c in self.indicators if len(fw.children(fw[c].parent)) < 2]
            if lonely:
                raise SpecError(
                    f"uncertain input {self.name!r}: leaving out {lonely} would empty their parent"
                )
        self._parents = [fw[c].parent for c in self.indicators]
        self._siblings = {p: [c for c in fw.children(p)] for p in set(self._parents)}

    def dropped(self, u: np.ndarray) -> np.ndarray:
        """Boolean (R, len(indicators)): True where the indicator is left out."""
        R = u.shape[0]
        if self.mode == "leave_one_out":
            k = np.minimum((u[:, 0] * len(self.indicators)).astype(int), len(self.indicators) - 1)
            out = np.zeros((R, len(self.indicators)), bool)
            out[np.arange(R), k] = True
            return out
        drop = u < self.p
        parents = np.array(self._parents)
        for p, sib in self._siblings.items():
            j = np.flatnonzero(parents == p)
            if len(j) < len(sib):
                continue
            allgone = drop[:, j].all(axis=1)
            if allgone.any():
                keep = j[np.argmax(u[:, j], axis=1)]
                rows = np.flatnonzero(allgone)
                drop[rows, keep[rows]] = False
        return drop

    def labels(self, u: np.ndarray) -> list[str]:
        d = self.dropped(u)
        codes = np.array(self.indicators)
        return [",".join(codes[row]) for row in d]


Input = Discrete | WeightNoise | Exclusion


def parse_inputs(obj: Any) -> list[Input]:
    """Inputs from the ``uncertainty:`` mapping (``{inputs: [...]}``) or a bare list of entries."""
    if obj is None:
        raise SpecError("no uncertain inputs: add an 'uncertainty:' section with 'inputs:' to the spec")
    if isinstance(obj, Mapping):
        extra = sorted(set(obj) - {"inputs", "n", "seed"})
        if extra:
            raise SpecError(f"uncertainty: unknown key(s) {extra}; valid keys: inputs, n, seed")
        obj = obj.get("inputs")
    if not isinstance(obj, Sequence) or isinstance(obj, str) or not obj:
        raise SpecError("uncertainty: 'inputs' must be a non-empty list of uncertain inputs")
    out: list[Input] = []
    for i, raw in enumerate(obj, start=1):
        if isinstance(raw, (Discrete, WeightNoise, Exclusion)):
            out.append(raw)
            continue
        if not isinstance(raw, Mapping):
            raise SpecError(f"uncertainty input {i}: expected a mapping, got {raw!r}")
        out.append(_parse_one(dict(raw), i))
    names = [x.name for x in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecError(f"uncertainty: duplicate input name(s) {dup}")
    return out


def _parse_one(raw: dict[str, Any], i: int) -> Input:
    """One input entry; a value of the wrong type (``noise: {3: null}``, ``p: many``) is a SpecError naming it."""
    try:
        return _parse_entry(raw, i)
    except SpecError:
        raise
    except (ValueError, TypeError) as e:
        name = str(raw.get("name") or f"input{i}")
        raise SpecError(
            f"uncertainty input {name!r}: a value has the wrong type or form ({e}); see "
            "docs/uncertainty.md for each kind of input"
        ) from None


def _parse_entry(raw: dict[str, Any], i: int) -> Input:
    kind = "weights" if "weights" in raw else "exclude" if "exclude" in raw else "discrete"
    name = str(raw.get("name") or f"input{i}")
    extra = sorted(set(raw) - INPUT_KEYS[kind])
    if extra:
        raise SpecError(
            f"uncertainty input {name!r} ({kind}): unknown key(s) {extra}; valid keys: "
            f"{', '.join(sorted(INPUT_KEYS[kind]))}"
        )
    if kind == "weights":
        levels = raw.get("noise") if raw.get("noise") is not None else raw.get("levels")
        if isinstance(levels, Sequence) and not isinstance(levels, str):
            levels = {int(lv): 0.0 for lv in levels}
        if not isinstance(levels, Mapping) or not levels:
            raise SpecError(f"uncertainty input {name!r}: 'noise' must map level -> factor, e.g. {{2: 0.25}}")
        return WeightNoise(
            name=name,
            levels={int(k): float(v) for k, v in levels.items()},
            dist=str(raw["weights"]),
            kappa=float(raw.get("kappa", 100.0)),
            sets=int(raw["sets"]) if raw.get("sets") else None,
            seed=raw.get("seed"),
        )
    if kind == "exclude":
        return Exclusion(
            name=name,
            mode=str(raw["exclude"]).replace("-", "_"),
            p=float(raw.get("p", 0.1)),
            indicators=list(raw.get("indicators") or []),
        )
    if "stage" not in raw:
        raise SpecError(
            f"uncertainty input {name!r}: give 'stage' (and 'param' + 'values', or 'alternatives'), "
            f"'weights', or 'exclude'"
        )
    if "param" in raw:
        if "values" not in raw or "alternatives" in raw:
            raise SpecError(f"uncertainty input {name!r}: 'param' goes with 'values' (not 'alternatives')")
        alts = [{str(raw["param"]): v} for v in raw["values"]]
        labels = [str(v) for v in raw["values"]]
    else:
        if "alternatives" not in raw:
            raise SpecError(f"uncertainty input {name!r}: give 'alternatives' (or 'param' with 'values')")
        alts = [{"method": a} if isinstance(a, str) else dict(a) for a in raw["alternatives"]]
        labels = [_label(a) for a in alts]
    if len(alts) < 2:
        raise SpecError(f"uncertainty input {name!r}: needs at least two alternatives, got {len(alts)}")
    if raw.get("labels"):
        labels = [str(x) for x in raw["labels"]]
        if len(labels) != len(alts):
            raise SpecError(f"uncertainty input {name!r}: {len(labels)} labels for {len(alts)} alternatives")
    probs = np.asarray(raw.get("probs") or np.full(len(alts), 1.0 / len(alts)), float)
    if probs.shape != (len(alts),) or (probs < 0).any() or abs(probs.sum() - 1) > 1e-9:
        raise SpecError(
            f"uncertainty input {name!r}: probs must be {len(alts)} non-negative numbers summing "
            f"to 1, got {list(probs)}"
        )
    return Discrete(
        name=name,
        stage=str(raw["stage"]),
        alternatives=alts,
        probs=probs,
        labels=labels,
        level=int(raw["level"]) if raw.get("level") is not None else None,
        node=raw.get("node"),
        indicator=raw.get("indicator"),
    )

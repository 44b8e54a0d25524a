"""What every stage shares: the run context and the stage output.

A stage is a function ``run(data, ctx, step) -> StageOutput``: ``data`` is the entities x
columns table it reads, ``ctx`` gives read-only access to the framework, the input
cross-section (groups, denominators) and earlier outputs, ``step`` is its part of the spec.
Stages never mutate their input.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.dataset import CrossSection
from innoscope.model.errors import SpecError
from innoscope.model.framework import Framework, Node


@functools.lru_cache(maxsize=128)
def _label_index(labels: tuple[Hashable, ...]) -> pd.Index:
    return pd.Index(list(labels))


def label_index(labels: tuple[Hashable, ...]) -> pd.Index:
    """``pd.Index(list(labels))`` (strings inferred as pandas' string dtype), built once per distinct
    tuple of labels; each call returns a new view, so setting its name never reaches another table."""
    return _label_index(labels).view()


def indicator_settings(
    step: Any, framework: Framework, columns: list[str]
) -> Iterator[tuple[int, str, Node, str | None, dict[str, Any], str]]:
    """``(position, code, node, method, params, key)`` for every indicator column of a stage's input.

    Indicators without a ``by_indicator`` override share one resolution of the step, with ``key`` ``""``,
    so a stage checks and batches them once; an override gets its own key (its parameters' repr).
    ``params`` is always a fresh dict the caller may change.
    """
    shared = None
    for j, code in enumerate(columns):
        node = framework.by_id.get(code)
        if node is None or node.kind != "indicator":
            continue
        if code in step.by_indicator:
            method, params = step.resolve(indicator=code)
            yield j, code, node, method, params, repr(sorted(params.items()))
        else:
            if shared is None:
                shared = step.resolve()
            yield j, code, node, shared[0], dict(shared[1]), ""


def log_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows of a stage log as a DataFrame (object columns; cheaper than ``pd.DataFrame(rows)``)."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    cells = np.empty((len(rows), len(keys)), dtype=object)
    for i, r in enumerate(rows):
        for j, k in enumerate(keys):
            cells[i, j] = r.get(k)
    return pd.DataFrame(cells, columns=keys)


class Log(Mapping[str, pd.DataFrame]):
    """A stage's log tables by name, each built on first access and then kept.

    Values are DataFrames or zero-argument functions returning one: building a small DataFrame
    costs more than most stages, and most builds never read most logs. Reads behave as a dict
    of DataFrames; a pickled ``Log`` holds the built tables.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame | Callable[[], pd.DataFrame]] | None = None):
        self._tables = dict(tables or {})

    def __getitem__(self, key: str) -> pd.DataFrame:
        v = self._tables[key]
        if callable(v) and not isinstance(v, pd.DataFrame):
            v = self._tables[key] = v()
        return v

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __setitem__(self, key: str, value: pd.DataFrame | Callable[[], pd.DataFrame]) -> None:
        self._tables[key] = value

    def copy(self) -> dict[str, pd.DataFrame]:
        return dict(self)

    def __reduce__(self):
        return (Log, (dict(self),))

    def __repr__(self) -> str:
        return f"Log({dict(self)!r})"


@dataclass
class StageOutput:
    """A stage's result: the new table (or None if it only computes weights) and its logs."""

    data: pd.DataFrame | None
    log: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    weights: pd.Series | None = None
    """A weight set (code -> weight over every node), for stages that compute weights."""


@dataclass
class Context:
    """Read-only facts a stage may consult."""

    framework: Framework
    data: CrossSection
    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    weights: dict[str, pd.Series] = field(default_factory=dict)
    active_weights: str = "Original"
    _weight_maps: dict[str, tuple[pd.Series, dict[str, float]]] = field(default_factory=dict, repr=False)
    weight_patch: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None
    """Applied by every aggregate step to the child weights it resolved (parent code -> weights): the
    replication's perturbed or excluded weights in the Monte Carlo; None in an ordinary build."""

    def groups(self, entities: pd.Index, column: str, stage: str) -> pd.Series:
        """The group label of each entity in ``column`` (error naming the stage if absent)."""
        g = self.data.groups
        if column not in g.columns:
            valid = ", ".join(g.columns) or "none"
            raise SpecError(f"[{stage}] group column {column!r} does not exist; group columns: {valid}")
        s = g[column]
        return s if s.index.equals(entities) else s.reindex(entities)

    def weight_map(self, name: str | None, stage: str) -> dict[str, float]:
        """:meth:`weight_set` as a dict code -> float weight (built once per weight set)."""
        key = name or self.active_weights
        ws = self.weight_set(name, stage)
        hit = self._weight_maps.get(key)
        if hit is None or hit[0] is not ws:
            w = ws.astype(float)
            hit = self._weight_maps[key] = (
                ws,
                dict(zip(w.index.tolist(), w.to_numpy().tolist(), strict=True)),
            )
        return hit[1]

    def weight_set(self, name: str | None, stage: str) -> pd.Series:
        key = name or self.active_weights
        if key not in self.weights:
            raise SpecError(f"[{stage}] weight set {key!r} does not exist; sets: {', '.join(self.weights)}")
        return self.weights[key]

"""What every stage shares: the run context and the stage output.

A stage is a function ``run(data, ctx, step) -> StageOutput``: ``data`` is the entities x
columns table it reads, ``ctx`` gives read-only access to the framework, the input
cross-section (groups, denominators) and earlier outputs, ``step`` is its part of the spec.
Stages never mutate their input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..dataset import CrossSection
from ..errors import SpecError
from ..framework import Framework


@dataclass
class StageOutput:
    """A stage's result: the new table (or None if it only computes weights) and its logs."""

    data: pd.DataFrame | None
    log: dict[str, pd.DataFrame] = field(default_factory=dict)
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

    def groups(self, entities: pd.Index, column: str, stage: str) -> pd.Series:
        """The group label of each entity in ``column`` (error naming the stage if absent)."""
        g = self.data.groups
        if column not in g.columns:
            valid = ", ".join(g.columns) or "none"
            raise SpecError(f"[{stage}] group column {column!r} does not exist; group columns: {valid}")
        return g[column].reindex(entities)

    def weight_set(self, name: str | None, stage: str) -> pd.Series:
        key = name or self.active_weights
        if key not in self.weights:
            raise SpecError(f"[{stage}] weight set {key!r} does not exist; sets: {', '.join(self.weights)}")
        return self.weights[key]

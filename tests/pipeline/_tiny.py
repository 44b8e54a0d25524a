"""Small hand-made frameworks and cross-sections for normalise/aggregate tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innoscope import CrossSection, Framework


def framework(
    tree: dict[str, dict[str, int | float]],
    *,
    directions: dict[str, int] | None = None,
    weights: dict[str, float] | None = None,
    extra: dict[str, dict] | None = None,
) -> Framework:
    """``tree`` = {pillar: [indicators]} under one root "Index"; or {"Index": {...}} is implied."""
    directions, weights, extra = directions or {}, weights or {}, extra or {}
    rows = [{"Level": 3, "iCode": "Index", "Parent": None, "Type": "Aggregate"}]
    for pillar, inds in tree.items():
        rows.append({"Level": 2, "iCode": pillar, "Parent": "Index", "Type": "Aggregate"})
        rows += [{"Level": 1, "iCode": i, "Parent": pillar, "Type": "Indicator"} for i in inds]
    for r in rows:
        r.update(
            iName=r["iCode"], Direction=directions.get(r["iCode"], 1), Weight=weights.get(r["iCode"], 1.0)
        )
        r.update(extra.get(r["iCode"], {}))
    return Framework.from_imeta(pd.DataFrame(rows))


def cross_section(
    values: dict[str, list[float]], entities: list[str], names: list[str] | None = None
) -> CrossSection:
    df = pd.DataFrame(values, index=pd.Index(entities, name="uCode"), dtype=float)
    nm = pd.Series(names if names is not None else entities, index=df.index)
    return CrossSection(values=df, names=nm)


def nan_mask(rng: np.random.Generator, shape: tuple[int, int], frac: float) -> np.ndarray:
    return rng.random(shape) < frac

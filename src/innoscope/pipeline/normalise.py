"""Normalise: bring indicators onto a common scale, with directions applied first.

Each method is a kernel ``f(x, *, ...) -> x'`` on one indicator column (NaN kept as NaN).
For every method except those that take ``direction`` themselves (distance to target,
goalposts), the column is first multiplied by the indicator's direction (+1/-1), as in COINr
``Normalise()``. Formulas and sources are in each kernel's docstring and in docs/methods.md.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd

from ..errors import StageError
from ..registry import Registry
from .base import Context, StageOutput
from .spec import Step

METHODS = Registry("normalise")
OUTPUT = "Normalised"


@METHODS.register("minmax", aliases=("n_minmax",))
def minmax(x: np.ndarray, *, range: tuple[float, float] = (0.0, 100.0)) -> np.ndarray:  # noqa: A002
    """Min-max: ``l + (x - min x) / (max x - min x) * (u - l)``. Source: OECD/JRC Handbook (2008) s.5; COINr ``n_minmax``."""
    lo, hi = float(range[0]), float(range[1])
    mn, mx = np.nanmin(x), np.nanmax(x)
    if mx == mn:
        raise ValueError(f"max = min = {mn}: min-max is undefined for an indicator with no variation")
    return lo + (x - mn) / (mx - mn) * (hi - lo)


def _takes(method, name: str) -> bool:
    return name in inspect.signature(method.func).parameters


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    out = data.copy()
    used = []
    for code in data.columns:
        if code not in fw or fw[code].kind != "indicator":
            continue
        node = fw[code]
        method, params = step.resolve(indicator=code)
        method = method or "minmax"
        if method == "none":
            continue
        m = METHODS.check_params(method, params)
        x = data[code].to_numpy(float)
        if np.isnan(x).all():
            raise StageError("normalise", f"indicator {code!r} has no data (all values missing)")
        kwargs = dict(params)
        for key, val in (("direction", node.direction), ("target", node.target), ("node", node),
                         ("entities", data.index)):
            if _takes(m, key) and key not in kwargs:
                kwargs[key] = val
        xin = x if _takes(m, "direction") else x * node.direction
        try:
            out[code] = m(xin, **kwargs)
        except (ValueError, ZeroDivisionError) as e:
            raise StageError("normalise", f"indicator {code!r}, method {m.name!r}: {e}") from None
        used.append({"iCode": code, "method": m.name, **{k: v for k, v in params.items()}})
    return StageOutput(out, {"methods": pd.DataFrame(used)})

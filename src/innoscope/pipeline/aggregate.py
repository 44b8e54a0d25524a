"""Aggregate: combine children into their parent, level by level, up to the index.

Each method is a kernel ``f(X, w, *, ...) -> y`` where ``X`` is entities x children and ``w``
the children's weights (relative within the group; kernels normalise them over the values
present). Methods, weights and the data-availability threshold may differ per level
(``by_level``) and per parent node (``by_node``). Output: the input columns plus one column
per aggregate, level by level, as COINr's ``Aggregated`` data set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import StageError
from ..registry import Registry
from .base import Context, StageOutput
from .spec import Step

METHODS = Registry("aggregate")
OUTPUT = "Aggregated"
STAGE_PARAMS = ("weights", "dat_thresh")
"""Parameters the stage itself consumes (at any level / node), not the kernel."""


@METHODS.register("arithmetic", aliases=("a_amean", "amean", "mean"))
def arithmetic(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean ``sum_j w_j x_j / sum_j w_j`` over available ``x_j``. Source: COINr ``a_amean``."""
    present = ~np.isnan(X)
    wp = np.where(present, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(present, X, 0.0) * w).sum(axis=1) / wp.sum(axis=1)


def _availability(X: np.ndarray) -> np.ndarray:
    return (~np.isnan(X)).mean(axis=1)


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    out = data.copy()
    used = []
    for level in range(2, fw.n_levels + 1):
        new = {}
        for code in fw.codes(level):
            children = fw.children(code)
            method, params = step.resolve(level=level, node=code)
            method = method or "arithmetic"
            wname = params.pop("weights", None)
            thresh = params.pop("dat_thresh", None)
            m = METHODS.check_params(method, params)
            missing = [c for c in children if c not in out.columns]
            if missing:
                raise StageError("aggregate", f"node {code!r}: children {missing} are not in the data set")
            X = out[children].to_numpy(float)
            w = _child_weights(ctx, wname, code, children)
            try:
                y = m(X, w, **params)
            except ValueError as e:
                raise StageError("aggregate", f"node {code!r} (level {level}), method {m.name!r}: {e}") from None
            if thresh is not None:
                y = np.where(_availability(X) < float(thresh), np.nan, y)
            new[code] = y
            used.append({"iCode": code, "Level": level, "method": m.name, "weights": wname or ctx.active_weights,
                         "dat_thresh": thresh, **params})
        out = pd.concat([out, pd.DataFrame(new, index=out.index)], axis=1)
    return StageOutput(out, {"methods": pd.DataFrame(used)})


def _child_weights(ctx: Context, wname: str | None, parent: str, children: list[str]) -> np.ndarray:
    if wname in ("equal", "none"):
        return np.ones(len(children))
    ws = ctx.weight_set(wname, "aggregate")
    w = ws.reindex(children).to_numpy(float)
    if np.isnan(w).any():
        miss = [c for c, v in zip(children, w, strict=True) if np.isnan(v)]
        raise StageError("aggregate", f"weight set {wname or ctx.active_weights!r} has no weight for {miss}")
    if w.sum() <= 0:
        raise StageError("aggregate", f"weights of the children of {parent!r} ({', '.join(children)}) sum to "
                         f"{w.sum()}; at least one must be positive")
    return w

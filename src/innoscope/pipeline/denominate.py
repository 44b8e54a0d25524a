"""Denominate: divide indicators by a denominator (per capita, per GDP, per km2).

Formula: ``x'_ij = s * x_ij / d_i`` where ``d`` is the denominator column named in the
framework (``Node.denominator``, COINr's iMeta ``Denominator``) and ``s`` a scale factor
(default 1). Source: COINr ``Denominate()`` (f_denom = division).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import StageError
from ..registry import Registry
from .base import Context, StageOutput
from .spec import Step

METHODS = Registry("denominate")
OUTPUT = "Denominated"


@METHODS.register("divide", aliases=("ratio",))
def divide(x: np.ndarray, d: np.ndarray, *, scale: float = 1.0) -> np.ndarray:
    """``scale * x / d``; a zero denominator gives NaN. Source: COINr ``Denominate`` (``f_denom = "/"``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = scale * x / d
    out[~np.isfinite(out) & np.isfinite(x)] = np.nan
    return out


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    arr = data.to_numpy(dtype=float, copy=True)
    denoms = ctx.data.denominators.reindex(data.index)
    rows = []
    for j, code in enumerate(data.columns):
        if code not in fw or fw[code].kind != "indicator":
            continue
        method, params = step.resolve(indicator=code)
        denom = params.pop("denominator", None) or fw[code].denominator
        if method == "none" or denom is None:
            continue
        m = METHODS.check_params(method or "divide", params)
        if denom not in ctx.data.denominators.columns:
            valid = ", ".join(ctx.data.denominators.columns) or "none"
            raise StageError("denominate", f"indicator {code!r}: denominator column {denom!r} is not in the "
                             f"data; denominator columns: {valid}")
        arr[:, j] = m(arr[:, j], denoms[denom].to_numpy(float), **params)
        rows.append({"iCode": code, "denominator": denom, "method": m.name, **params})
    out = pd.DataFrame(arr, index=data.index, columns=data.columns)
    return StageOutput(out, {"denominated": pd.DataFrame(rows)})

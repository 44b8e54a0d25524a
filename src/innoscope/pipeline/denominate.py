"""Denominate: divide indicators by a denominator (per capita, per GDP, per km2).

Formula: ``x'_ij = s * x_ij / d_i`` where ``d`` is the denominator column named in the
framework (``Node.denominator``, COINr's iMeta ``Denominator``) and ``s`` a scale factor
(default 1). Source: COINr ``Denominate()`` (f_denom = division).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import StageError
from innoscope.model.registry import Registry
from innoscope.pipeline.base import Context, Log, StageOutput, indicator_settings
from innoscope.pipeline.spec import Step

METHODS = Registry("denominate")
OUTPUT = "Denominated"
OVERRIDES = ("by_indicator",)
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""


@METHODS.register("divide", aliases=("ratio",))
def divide(x: np.ndarray, d: np.ndarray, *, scale: float = 1.0) -> np.ndarray:
    """``scale * x / d``; a zero denominator gives NaN. Source: COINr ``Denominate`` (``f_denom = "/"``).

    ``x`` may be one column or an (n, k) block with ``d`` of shape (n, 1).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = scale * x / d
    out[~np.isfinite(out) & np.isfinite(x)] = np.nan
    return out


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    arr = data.to_numpy(dtype=float, copy=True)
    dframe = ctx.data.denominators
    rowpos = None if dframe.index.equals(data.index) else dframe.index.get_indexer(data.index)
    dnames = {c: k for k, c in enumerate(dframe.columns.tolist())}
    dcols: dict[str, np.ndarray] = {}
    dmat: np.ndarray | pd.DataFrame | None = None
    checked: dict[tuple[Any, str], Any] = {}
    batches: dict[tuple[str, str], tuple[Any, dict[str, Any], list[int]]] = {}
    rows = []
    for j, code, node, method, params, own_key in indicator_settings(step, fw, data.columns.tolist()):
        denom = params.pop("denominator", None) or node.denominator
        if method == "none" or denom is None:
            continue
        key = (method, own_key)
        m = checked.get(key)
        if m is None:
            m = checked[key] = METHODS.check_params(method or "divide", params)
        if denom not in dcols:
            if denom not in dnames:
                valid = ", ".join(dframe.columns) or "none"
                raise StageError(
                    "denominate",
                    f"indicator {code!r}: denominator column {denom!r} is not in the "
                    f"data; denominator columns: {valid}",
                )
            if dmat is None:
                try:
                    dmat = dframe.to_numpy(dtype=float)
                except (TypeError, ValueError):
                    dmat = dframe
            d = dmat[:, dnames[denom]] if isinstance(dmat, np.ndarray) else dframe[denom].to_numpy(float)
            dcols[denom] = d if rowpos is None else np.where(rowpos >= 0, d[rowpos], np.nan)
        if m.name == "divide":
            batches.setdefault((denom, key[1]), (m, params, []))[2].append(j)
        else:
            arr[:, j] = m(arr[:, j], dcols[denom], **params)
        rows.append({"iCode": code, "denominator": denom, "method": m.name, **params})
    for (denom, _), (m, params, js) in batches.items():
        arr[:, js] = m(arr[:, js], dcols[denom][:, None], **params)
    out = pd.DataFrame(arr, index=data.index, columns=data.columns, copy=False)
    return StageOutput(out, Log({"denominated": lambda: pd.DataFrame(rows)}))

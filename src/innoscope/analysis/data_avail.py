"""Data availability per entity, overall and within each aggregation group (COINr ``get_data_avail``)."""

from __future__ import annotations

import pandas as pd

from innoscope.model.framework import Framework


def data_avail(data: pd.DataFrame, fw: Framework) -> dict[str, pd.DataFrame]:
    """``Summary``: per entity ``N_missing``, ``N_zero``, ``N_miss_or_zero``, ``Dat_Avail = 1 - N_missing / k``,
    ``Non_Zero = 1 - N_zero / (k - N_missing)`` over the ``k`` indicators; ``ByGroup``: per entity and aggregate
    node, the fraction of its indicators that are available. Source: COINr ``get_data_avail``.
    """
    inds = [c for c in fw.indicators if c in data.columns]
    X = data[inds]
    k = len(inds)
    miss = X.isna().sum(axis=1)
    zero = (X == 0).sum(axis=1)
    summary = pd.DataFrame(
        {
            "N_missing": miss,
            "N_zero": zero,
            "N_miss_or_zero": miss + zero,
            "Dat_Avail": 1 - miss / k,
            "Non_Zero": 1 - zero / (k - miss),
        }
    )
    bygroup = pd.DataFrame(
        {a: X[[c for c in fw.descendants(a) if c in inds]].notna().mean(axis=1) for a in fw.aggregates},
        index=data.index,
    )
    return {"Summary": summary, "ByGroup": bygroup}

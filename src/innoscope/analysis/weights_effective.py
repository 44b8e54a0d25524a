"""Effective weights: each node's share of the index (COINr ``get_eff_wts``)."""

from __future__ import annotations

import pandas as pd

from innoscope.model.framework import Framework


def effective_weights(fw: Framework, weights: pd.Series | dict | None = None) -> pd.DataFrame:
    """``EffWeight_i = (w_i / sum_{siblings} w) * EffWeight_parent``, with the index at 1.

    Weights are first made to sum to 1 within each group, then multiplied down the tree, so the
    effective weights of every level sum to 1. ``weights``: node -> weight (default: the
    framework's). Source: COINr ``get_eff_wts``; OECD/JRC Handbook (2008) s.6.
    """
    w = pd.Series(fw.weights() if weights is None else weights, dtype=float)
    eff: dict[str, float] = {fw.root: 1.0}
    for level in range(fw.n_levels, 1, -1):
        for parent in fw.codes(level):
            ch = fw.children(parent)
            s = w.reindex(ch).sum()
            for c in ch:
                eff[c] = w[c] / s * eff[parent]
    rows = [
        {"iCode": n.id, "Level": n.level, "Weight": w.get(n.id, float("nan")), "EffWeight": eff[n.id]}
        for n in fw.nodes
    ]
    return pd.DataFrame(rows)

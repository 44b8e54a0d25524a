"""Reliability of a group of indicators: Cronbach's alpha (COINr ``get_cronbach``)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def cronbach_alpha(X: pd.DataFrame) -> float:
    """Cronbach's alpha ``k^2 cbar / sum(Sigma)`` (equivalently ``k/(k-1) (1 - sum_j s_j^2 / sum(Sigma))``).

    ``Sigma``: covariance matrix of the ``k`` columns (pairwise-complete observations),
    ``cbar``: mean of its off-diagonal elements. Undefined (NaN) when ``sum(Sigma)`` is 0, e.g. every column
    constant. Source: Cronbach (1951), Psychometrika 16:297-334; COINr ``get_cronbach``.
    """
    k = X.shape[1]
    if k < 2:
        return float("nan")
    S = X.astype(float).cov().to_numpy()
    total = np.nansum(S)
    if total == 0:
        return float("nan")
    cbar = (total - np.nansum(np.diag(S))) / (k * (k - 1))
    return float(k * k * cbar / total)

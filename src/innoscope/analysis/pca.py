"""Principal component analysis per aggregation group or over a whole level (COINr ``get_PCA``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innoscope.model.errors import SpecError
from innoscope.model.framework import Framework
from innoscope.pipeline.weight import pca_loadings


@dataclass
class PCAResult:
    """One PCA: ``loadings`` (codes x PC1..PCk), ``importance`` (rows Standard deviation,
    Proportion of Variance, Cumulative Proportion; as R's ``summary(prcomp)``), rows used."""

    loadings: pd.DataFrame
    importance: pd.DataFrame
    n_used: int

    @property
    def weights(self) -> pd.Series:
        """First-component loadings (COINr's PCA weights)."""
        return self.loadings["PC1"]


def pca_table(X: pd.DataFrame) -> PCAResult:
    """PCA of the standardised columns of ``X`` (rows with a missing value dropped).

    Loadings as ``prcomp(center = TRUE, scale. = TRUE)$rotation`` with each component oriented
    so its loadings sum to a positive number (prcomp's sign is arbitrary and LAPACK-dependent);
    ``Proportion of Variance = sdev_k^2 / sum sdev^2`` rounded to 5 decimals as R's
    ``summary.prcomp``. Source: Jolliffe (2002) *Principal Component Analysis*; R ``prcomp``.
    """
    Xc = X.dropna()
    if len(Xc) < 2:
        raise SpecError("PCA needs at least 2 entities with complete data")
    V, sdev = pca_loadings(Xc.to_numpy(float))
    k = V.shape[1]
    names = [f"PC{i + 1}" for i in range(k)]
    var = sdev**2 / (sdev**2).sum()
    imp = pd.DataFrame(
        [sdev, np.round(var, 5), np.round(np.cumsum(var), 5)],
        columns=names,
        index=["Standard deviation", "Proportion of Variance", "Cumulative Proportion"],
    )
    return PCAResult(pd.DataFrame(V, index=X.columns, columns=names), imp, len(Xc))


def get_pca(
    data: pd.DataFrame,
    fw: Framework,
    level: int = 1,
    *,
    by_groups: bool = True,
    codes: list[str] | None = None,
) -> dict[str, PCAResult]:
    """PCA of the level-``level`` nodes of ``data``: one per parent group (``by_groups``) or one
    over all of them (key ``All``). ``codes`` restricts to the descendants of those nodes."""
    cols = [c for c in fw.codes(level) if c in data.columns]
    if codes is not None:
        keep = {d for c in codes for d in (fw.descendants(c, level) if fw[c].level >= level else [])}
        cols = [c for c in cols if c in keep]
    if not cols:
        raise SpecError(f"no level-{level} columns to analyse")
    if not by_groups:
        return {"All": pca_table(data[cols])}
    out: dict[str, PCAResult] = {}
    for parent in fw.codes(level + 1):
        ch = [c for c in fw.children(parent) if c in cols]
        if ch:
            out[parent] = pca_table(data[ch])
    return out

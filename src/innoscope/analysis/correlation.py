"""Correlations within and across levels, their p-values, and correlation flags.

Follows COINr's ``get_corr``, ``get_pvals``, ``get_corr_flags`` and ``get_denom_corr``:
correlations use pairwise-complete observations (R ``use = "pairwise.complete.obs"``);
Pearson, Spearman (Pearson on average ranks) and Kendall (tau-b) as R's ``cor``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innoscope.model.errors import SpecError
from innoscope.model.framework import Framework

METHODS = ("pearson", "spearman", "kendall")


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise SpecError(f"unknown correlation type {method!r}; valid: {', '.join(METHODS)}")
    return method


def corr_matrix(A: pd.DataFrame, B: pd.DataFrame | None = None, method: str = "pearson") -> pd.DataFrame:
    """Correlation of every column of ``A`` with every column of ``B`` (default ``A``), pairwise complete.

    Pearson ``r = cov(x, y) / (s_x s_y)``; Spearman = Pearson on mid-ranks; Kendall tau-b.
    Source: R ``stats::cor`` (as called by COINr ``get_corr``).
    """
    _check_method(method)
    A = A.astype(float)
    if B is None:
        return A.corr(method=method)
    B = B.astype(float)
    if method == "pearson" and not A.isna().any().any() and not B.isna().any().any():
        a = (A - A.mean()) / A.std(ddof=1)
        b = (B - B.mean()) / B.std(ddof=1)
        r = a.T.to_numpy() @ b.to_numpy() / (len(A) - 1)
        return pd.DataFrame(r, index=A.columns, columns=B.columns)
    both = pd.concat(
        [
            A.set_axis([f"a{i}" for i in range(A.shape[1])], axis=1),
            B.set_axis([f"b{i}" for i in range(B.shape[1])], axis=1),
        ],
        axis=1,
    )
    c = both.corr(method=method).to_numpy()[: A.shape[1], A.shape[1] :]
    return pd.DataFrame(c, index=A.columns, columns=B.columns)


def _pval_pair(x: np.ndarray, y: np.ndarray, method: str) -> float:
    from scipy import stats  # on first use: scipy.stats takes longer to import than a whole uncertainty run

    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 3:
        return np.nan
    if method == "pearson":
        r = np.corrcoef(x, y)[0, 1]
        r = min(max(r, -1.0), 1.0)
        if abs(r) == 1.0:
            return 0.0
        t = r * np.sqrt((n - 2) / (1 - r * r))
        return float(2 * stats.t.sf(abs(t), n - 2))
    if method == "spearman":
        return float(stats.spearmanr(x, y).pvalue)
    return float(stats.kendalltau(x, y).pvalue)


def pvalues(X: pd.DataFrame, method: str = "pearson") -> pd.DataFrame:
    """Two-sided p-values of the correlation of every pair of columns (diagonal 0).

    Pearson: ``t = r sqrt((n - 2) / (1 - r^2))`` with ``n - 2`` degrees of freedom (R
    ``cor.test``, as COINr ``get_pvals``). Spearman and Kendall: ``scipy.stats.spearmanr``
    (t approximation) and ``kendalltau`` (exact without ties for small n, else normal) — R's
    ``cor.test`` uses exact Spearman p-values for n < 1290 without ties, so these can differ.
    """
    _check_method(method)
    M = X.to_numpy(float)
    k = M.shape[1]
    P = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            P[i, j] = P[j, i] = _pval_pair(M[:, i], M[:, j], method)
    return pd.DataFrame(P, index=X.columns, columns=X.columns)


def cross_pvalues(A: pd.DataFrame, B: pd.DataFrame, method: str = "pearson") -> pd.DataFrame:
    """p-values of the correlation of each column of ``A`` with each column of ``B``."""
    P = np.array(
        [
            [
                _pval_pair(A[a].to_numpy(float), B[b].to_numpy(float), method) if a != b else 0.0
                for b in B.columns
            ]
            for a in A.columns
        ]
    )
    return pd.DataFrame(P.reshape(A.shape[1], B.shape[1]), index=A.columns, columns=B.columns)


def _level_data(
    data: pd.DataFrame, fw: Framework, level: int, codes: list[str] | None = None
) -> pd.DataFrame:
    cols = [c for c in fw.codes(level) if c in data.columns]
    if codes is not None:
        wanted = set()
        for c in codes:
            wanted.update(fw.descendants(c, level) if fw[c].level >= level else [])
        cols = [c for c in cols if c in wanted]
    if not cols:
        raise SpecError(
            f"no level-{level} columns in the data set (an aggregated data set is needed for levels > 1)"
        )
    return data[cols]


def _sort_key(s: str) -> str:
    return s.lower()


def get_corr(
    data: pd.DataFrame,
    fw: Framework,
    levels: int | tuple[int, int] = 1,
    *,
    method: str = "pearson",
    pval: float = 0.05,
    withparent: bool | str = False,
    grouplev: int | None = None,
    make_long: bool = True,
    codes: list[str] | None = None,
    use_directions: bool = False,
) -> pd.DataFrame:
    """Correlations between the nodes of two levels of ``data`` (COINr ``get_corr``).

    ``levels``: one level (within) or two; the higher level is ``Var1`` in the long table and the
    columns of the wide one. Correlations with ``p > pval`` become NaN (``pval = 0``: none).
    ``withparent = True``: only each node with its parent at the other level; ``"family"``: each
    node of the *higher* of ``levels`` with every ancestor above it (``Var1`` = the ancestor's
    level name; COINr's convention: ``levels = (1, 2)`` gives pillars vs sub-indexes and index). ``grouplev``:
    within one level, only pairs in the same group at that level. ``use_directions``: indicator
    columns multiplied by their direction first. Long output: ``Var1, Var2, Correlation``;
    wide: a matrix (rows the lower level).
    """
    _check_method(method)
    if use_directions:
        data = data.copy()
        for c in data.columns:
            if c in fw and fw[c].kind == "indicator":
                data[c] = data[c] * fw[c].direction
    lv = (levels, levels) if isinstance(levels, int) else tuple(levels)
    hi, lo = max(lv), min(lv)
    if withparent == "family":
        if hi >= fw.n_levels:
            raise SpecError("withparent = 'family' needs a level below the top")
        parts = []
        for up in range(hi + 1, fw.n_levels + 1):
            t = get_corr(data, fw, (hi, up), method=method, pval=pval, withparent=True, codes=codes)
            t["Var1"] = fw.level_names[up - 1]
            parts.append(t)
        return pd.concat(parts, ignore_index=True)
    if withparent not in (True, False):
        raise SpecError(f"withparent must be True, False or 'family', not {withparent!r}")
    D1 = _level_data(data, fw, hi, codes)
    D2 = _level_data(data, fw, lo, codes)
    C = corr_matrix(D2, D1, method=method)  # rows: lower level, columns: higher level
    if pval > 0:
        P = pvalues(D2, method) if hi == lo else cross_pvalues(D2, D1, method)
        C = C.mask(P > pval)
    if not make_long:
        if hi == lo:
            order = sorted(C.index, key=_sort_key)
            return C.loc[order, order]
        return C.loc[sorted(C.index, key=_sort_key), sorted(C.columns, key=_sort_key)]
    long = C.stack(future_stack=True).rename("Correlation").reset_index()
    long.columns = ["Var2", "Var1", "Correlation"]
    long = long[["Var1", "Var2", "Correlation"]]
    if withparent and hi != lo and C.shape[0] > 1:
        keep = [fw.ancestor_at(v2, hi) == v1 for v1, v2 in zip(long["Var1"], long["Var2"], strict=True)]
        long = long[keep].sort_values(["Var1", "Var2"], key=lambda s: s.str.lower())
    if grouplev is not None and hi == lo:
        if grouplev <= lo or grouplev > fw.n_levels:
            raise SpecError(f"grouplev must be between {lo + 1} and {fw.n_levels}")
        same = [
            fw.ancestor_at(a, grouplev) == fw.ancestor_at(b, grouplev)
            for a, b in zip(long["Var1"], long["Var2"], strict=True)
        ]
        long = long[same].sort_values(["Var1", "Var2"], key=lambda s: s.str.lower())
    return long.reset_index(drop=True)


def corr_flags(
    data: pd.DataFrame,
    fw: Framework,
    cor_thresh: float = 0.9,
    *,
    thresh_type: str = "high",
    method: str = "pearson",
    grouplev: int = 2,
    roundto: int | None = 3,
) -> pd.DataFrame:
    """Pairs of indicators in the same level-``grouplev`` group correlated above (``high``) or
    below (``low``) ``cor_thresh``; each pair once (``Ind1 < Ind2``). COINr ``get_corr_flags``.

    Collinearity check (``high``, e.g. 0.9) and negative-correlation check (``low``, e.g. -0.4).
    """
    if thresh_type not in ("high", "low"):
        raise SpecError(f"thresh_type must be 'high' or 'low', not {thresh_type!r}")
    if not -1 <= cor_thresh <= 1:
        raise SpecError(f"cor_thresh must be in [-1, 1], got {cor_thresh}")
    inds = [c for c in fw.indicators if c in data.columns]
    C = corr_matrix(data[inds], method=method)
    rows = []
    for i, a in enumerate(inds):
        for b in inds[i + 1 :]:
            ga, gb = fw.ancestor_at(a, grouplev), fw.ancestor_at(b, grouplev)
            r = C.loc[a, b]
            if ga != gb or np.isnan(r):
                continue
            if (thresh_type == "high" and r > cor_thresh) or (thresh_type == "low" and r < cor_thresh):
                i1, i2 = sorted((a, b), key=_sort_key)
                rows.append(
                    {"Group": ga, "Ind1": i1, "Ind2": i2, "Corr": round(r, roundto) if roundto else r}
                )
    out = pd.DataFrame(rows, columns=["Group", "Ind1", "Ind2", "Corr"])
    return out.sort_values(
        ["Group", "Ind1", "Ind2"], key=lambda s: s.str.lower() if s.dtype != float else s, ignore_index=True
    )


def denom_corr(
    data: pd.DataFrame,
    denominators: pd.DataFrame,
    fw: Framework,
    cor_thresh: float = 0.6,
    *,
    method: str = "pearson",
    nround: int | None = 2,
) -> pd.DataFrame:
    """Indicator-denominator pairs with ``|r| > cor_thresh`` (COINr ``get_denom_corr``): a hint
    that an indicator may need denominating by that denominator."""
    inds = [c for c in fw.indicators if c in data.columns]
    den = denominators.reindex(data.index)
    C = corr_matrix(data[inds], den, method=method)
    rows = [
        {"Ind": i, "Denom": d, "Corr": round(C.loc[i, d], nround) if nround is not None else C.loc[i, d]}
        for i in sorted(inds, key=_sort_key)
        for d in den.columns
        if not np.isnan(C.loc[i, d]) and abs(C.loc[i, d]) > cor_thresh
    ]
    return pd.DataFrame(rows, columns=["Ind", "Denom", "Corr"])

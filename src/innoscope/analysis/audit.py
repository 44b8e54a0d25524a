"""The statistical audit of a built index, bundled as DataFrames (``audit(result)``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from innoscope.analysis.correlation import corr_flags, denom_corr, get_corr, pvalues
from innoscope.analysis.data_avail import data_avail
from innoscope.analysis.pca import get_pca
from innoscope.analysis.reliability import cronbach_alpha
from innoscope.analysis.sensitivity_loo import remove_elements
from innoscope.analysis.stats import indicator_stats
from innoscope.analysis.weights_effective import effective_weights


@dataclass
class Audit:
    """Every audit table; ``tables()`` lists them by name (e.g. to write one CSV each)."""

    stats: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Indicator statistics per data set (``Raw``, the normalised set...)."""
    data_avail: pd.DataFrame | None = None
    data_avail_groups: pd.DataFrame | None = None
    corr: pd.DataFrame | None = None
    """Indicators x indicators (wide, no p-value masking) of the normalised set."""
    corr_pvalues: pd.DataFrame | None = None
    corr_with_parent: pd.DataFrame | None = None
    """Every node with its parent and ancestors (``withparent = family``) in the aggregated set."""
    corr_levels: dict[int, pd.DataFrame] = field(default_factory=dict)
    """Within each aggregate level (wide)."""
    flags_high: pd.DataFrame | None = None
    flags_low: pd.DataFrame | None = None
    denom_corr: pd.DataFrame | None = None
    cronbach: pd.DataFrame | None = None
    pca_importance: pd.DataFrame | None = None
    pca_loadings: pd.DataFrame | None = None
    effective_weights: pd.DataFrame | None = None
    remove_elements: pd.DataFrame | None = None
    remove_elements_mad: pd.Series | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        for name, v in self.__dict__.items():
            if isinstance(v, pd.DataFrame):
                out[name] = v
            elif isinstance(v, pd.Series):
                out[name] = v.rename("value").to_frame()
            elif isinstance(v, dict):
                out.update({f"{name}_{k}": t for k, t in v.items()})
        return out


def _first(result, names: tuple[str, ...]) -> str | None:
    for n in names:
        if any(k.lower() == n.lower() for k in result.datasets):
            return n
    return None


def audit(
    result,
    *,
    dset: str | None = None,
    cortype: str = "pearson",
    high: float = 0.9,
    low: float = -0.4,
    loo_level: int | None = 2,
) -> Audit:
    """Run the audit on ``result``: statistics (Raw and ``dset``), availability, correlations with
    p-values, collinearity (``> high``) and negative (``< low``) flags within pillars, denominator
    correlations, Cronbach's alpha of every group, PCA per group at level 1, effective weights of
    the active weight set, and leave-one-out rank changes at ``loo_level``.

    ``dset`` defaults to ``Normalised`` (else the last indicator-level data set).
    """
    fw = result.framework
    names = list(result.datasets)
    dset = dset or _first(result, ("Normalised",)) or [n for n in names if n != "Aggregated"][-1]
    X = result.stage(dset)
    a = Audit()
    a.stats = {
        "Raw": indicator_stats(result.stage("Raw")),
        dset: indicator_stats(X[[c for c in fw.indicators if c in X.columns]]),
    }
    av = data_avail(result.stage("Raw"), fw)
    a.data_avail, a.data_avail_groups = av["Summary"], av["ByGroup"]
    a.corr = get_corr(X, fw, 1, method=cortype, pval=0, make_long=False)
    a.corr_pvalues = pvalues(X[[c for c in fw.indicators if c in X.columns]], cortype)
    a.flags_high = corr_flags(X, fw, high, thresh_type="high", method=cortype)
    a.flags_low = corr_flags(X, fw, low, thresh_type="low", method=cortype)
    if not result.data.denominators.empty and len(result.data.denominators.columns):
        a.denom_corr = denom_corr(result.stage("Raw"), result.data.denominators, fw, 0.6, method=cortype)
    agg = _first(result, ("Aggregated",))
    if agg is not None:
        A = result.stage(agg)
        a.corr_with_parent = pd.concat(
            [
                get_corr(A, fw, lv, method=cortype, pval=0, withparent="family")
                for lv in range(1, fw.n_levels)
            ],
            ignore_index=True,
        )
        a.corr_levels = {
            lv: get_corr(A, fw, lv, method=cortype, pval=0, make_long=False) for lv in range(2, fw.n_levels)
        }
        rows = []
        for lv in range(2, fw.n_levels + 1):
            for g in fw.codes(lv):
                ch = [c for c in fw.children(g) if c in A.columns]
                rows.append(
                    {
                        "group": g,
                        "level": lv,
                        "n_children": len(ch),
                        "alpha": cronbach_alpha(A[ch]) if len(ch) > 1 else float("nan"),
                    }
                )
        a.cronbach = pd.DataFrame(rows)
        if loo_level is not None and fw.n_levels > loo_level:
            loo = remove_elements(result, loo_level)
            a.remove_elements, a.remove_elements_mad = loo["Ranks"], loo["MeanAbsDiff"]
    pcs = get_pca(X, fw, 1)
    a.pca_importance = pd.concat(
        {g: r.importance for g, r in pcs.items()}, names=["Group", "Stat"]
    ).reset_index()
    a.pca_loadings = pd.concat(
        {g: r.loadings for g, r in pcs.items()}, names=["Group", "iCode"]
    ).reset_index()
    a.effective_weights = effective_weights(fw, result.weights.get(result.active_weights))
    return a

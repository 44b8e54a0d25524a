"""Statistical audit of an index: statistics, correlations, reliability, PCA, weights, sensitivity, and the
decomposition of the gap between two entities."""

from innoscope.analysis.audit import Audit, audit
from innoscope.analysis.correlation import corr_flags, corr_matrix, denom_corr, get_corr, pvalues
from innoscope.analysis.data_avail import data_avail
from innoscope.analysis.gap import gap
from innoscope.analysis.pca import PCAResult, get_pca, pca_table
from innoscope.analysis.reliability import cronbach_alpha
from innoscope.analysis.sensitivity_loo import reaggregate, remove_elements
from innoscope.analysis.stats import indicator_stats, kurt, signif, skew
from innoscope.analysis.summary import (
    compare,
    get_str_weak,
    results_table,
    strengths_weaknesses,
    unit_summary,
)
from innoscope.analysis.weights_effective import effective_weights

__all__ = [
    "Audit",
    "PCAResult",
    "audit",
    "compare",
    "corr_flags",
    "corr_matrix",
    "cronbach_alpha",
    "data_avail",
    "denom_corr",
    "effective_weights",
    "gap",
    "get_corr",
    "get_pca",
    "get_str_weak",
    "indicator_stats",
    "kurt",
    "pca_table",
    "pvalues",
    "reaggregate",
    "remove_elements",
    "results_table",
    "signif",
    "skew",
    "strengths_weaknesses",
    "unit_summary",
]

"""Statistical audit of an index: statistics, correlations, reliability, PCA, weights, sensitivity, and the
decomposition of the gap between two entities."""

from .audit import Audit, audit
from .correlation import corr_flags, corr_matrix, denom_corr, get_corr, pvalues
from .data_avail import data_avail
from .gap import gap
from .pca import PCAResult, get_pca, pca_table
from .reliability import cronbach_alpha
from .sensitivity_loo import reaggregate, remove_elements
from .stats import indicator_stats, kurt, signif, skew
from .summary import compare, results_table, strengths_weaknesses, unit_summary
from .weights_effective import effective_weights

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

"""The audit bundle: every table present, consistent with the single-purpose functions."""

from __future__ import annotations

import numpy as np

from innoscope.analysis import Audit, audit
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref


def test_result_audit_bundles_the_tables():
    r = reference_result()
    a = audit(r, high=0.75, low=-0.5)
    assert isinstance(a, Audit)
    tables = a.tables()
    for name in (
        "stats_Raw",
        "stats_Normalised",
        "data_avail",
        "corr",
        "corr_pvalues",
        "flags_high",
        "flags_low",
        "denom_corr",
        "cronbach",
        "pca_importance",
        "pca_loadings",
        "effective_weights",
        "remove_elements",
        "corr_with_parent",
    ):
        assert name in tables, name
    assert a.flags_high.equals(coinr_ref("analysis", "corr_flags_high_0.75.csv"))
    cr = a.cronbach.set_index("group")["alpha"]
    expected = coinr_ref("analysis", "cronbach.csv")["alpha"]
    assert np.isclose(cr["Conn"], expected.iloc[4], rtol=1e-9)  # Aggregated, Conn, Level 2
    assert np.isclose(cr["Index"], expected.iloc[7], rtol=1e-9)  # Aggregated, Index, Level 3
    mad = coinr_ref("analysis", "remove_elements_L2_MeanAbsDiff.csv").set_index("name")["value"]
    assert np.isclose(a.remove_elements_mad["Social"], mad["Social"], rtol=1e-9)


def test_audit_of_a_built_result_with_missing_values():
    from innoscope import build
    from tests.analysis.coinr_base import asem

    fw, cs = asem()
    r = build(
        fw, cs, {"steps": [{"normalise": {"method": "minmax"}}, {"aggregate": {"method": "arithmetic"}}]}
    )
    a = audit(r)
    # leave-one-out re-aggregates the build's own aggregate step: nominal ranks are the build's ranks
    np.testing.assert_array_equal(
        a.remove_elements["Nominal"], r.ranks()["Index"].loc[a.remove_elements.index]
    )
    # each indicator with its pillar, sub-index and index; each pillar with two; each sub-index with one
    assert len(a.corr_with_parent) == 49 * 3 + 8 * 2 + 2 * 1
    assert a.stats["Raw"]["N.Avail"].min() < 51

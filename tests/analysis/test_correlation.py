"""Correlations, p-values and flags vs COINr get_corr / get_pvals / get_corr_flags / get_denom_corr."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from innoscope import SpecError
from innoscope.analysis import corr_flags, corr_matrix, denom_corr, get_corr, pvalues
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref

RTOL = 1e-9


@pytest.fixture(scope="module")
def ref():
    return reference_result()


def _wide(name):
    return coinr_ref("analysis", name).set_index("row")


def _same_long(got: pd.DataFrame, expected: pd.DataFrame):
    assert len(got) == len(expected)
    m = got.merge(expected, on=["Var1", "Var2"], how="outer", suffixes=("", "_ref"), indicator=True)
    assert (m["_merge"] == "both").all()
    assert (m["Correlation"].isna() == m["Correlation_ref"].isna()).all()
    np.testing.assert_allclose(m["Correlation"], m["Correlation_ref"], rtol=RTOL, atol=1e-14)


@pytest.mark.parametrize(
    ("name", "dset", "kw"),
    [
        ("corr_ind_Normalised_wide_all.csv", "Normalised", {"levels": 1}),
        ("corr_ind_Raw_wide_all_directed.csv", "Raw", {"levels": 1, "use_directions": True}),
        ("corr_pillar_Aggregated_wide_all.csv", "Aggregated", {"levels": 2}),
        ("corr_ind_vs_pillar_wide_all.csv", "Aggregated", {"levels": (1, 2)}),
        ("corr_subindex_vs_index.csv", "Aggregated", {"levels": (3, 4)}),
    ],
)
def test_wide_matrices_match_coinr(ref, name, dset, kw):
    expected = _wide(name)
    got = get_corr(ref.stage(dset), ref.framework, pval=0, make_long=False, **kw)
    assert list(got.index) == list(expected.index) and list(got.columns) == list(expected.columns)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=RTOL, atol=1e-14)


def test_spearman_matches_coinr_except_tolmin_ties(ref):
    """Spearman ranks ties; TolMin has ties in the 15-digit CSV that are not ties in COINr's memory
    (see test_stats), so only TolMin's row and column differ (by < 0.004)."""
    expected = _wide("corr_ind_Normalised_wide_all_spearman.csv")
    got = get_corr(ref.stage("Normalised"), ref.framework, method="spearman", pval=0, make_long=False)
    keep = [c for c in expected.index if c != "TolMin"]
    np.testing.assert_allclose(got.loc[keep, keep], expected.loc[keep, keep], rtol=RTOL, atol=1e-14)
    assert np.abs(got.loc["TolMin"] - expected.loc["TolMin"]).max() < 0.004


@pytest.mark.parametrize(
    ("name", "dset", "kw"),
    [
        ("corr_ind_Normalised_long.csv", "Normalised", {"levels": 1}),
        ("corr_ind_Normalised_within_pillar.csv", "Normalised", {"levels": 1, "grouplev": 2, "pval": 0}),
        ("corr_pillar_Aggregated_long.csv", "Aggregated", {"levels": 2}),
        ("corr_ind_vs_parent_pillar.csv", "Aggregated", {"levels": (1, 2), "withparent": True, "pval": 0}),
        ("corr_ind_vs_family.csv", "Aggregated", {"levels": (1, 2), "withparent": "family", "pval": 0}),
    ],
)
def test_long_tables_match_coinr(ref, name, dset, kw):
    expected = coinr_ref("analysis", name)
    got = get_corr(ref.stage(dset), ref.framework, **kw)
    _same_long(got, expected)
    if kw.get("withparent") or kw.get("grouplev"):
        assert list(got["Var1"]) == list(expected["Var1"]) and list(got["Var2"]) == list(expected["Var2"])


def test_pvalues_match_coinr(ref):
    expected = _wide("corr_pvals_ind_Normalised.csv")
    got = pvalues(ref.stage("Normalised")[list(expected.columns)])
    np.testing.assert_allclose(got.loc[expected.index, expected.columns], expected, rtol=1e-7, atol=1e-300)


def test_pvalue_against_scipy_pearsonr(ref):
    X = ref.stage("Raw")[["LPI", "Flights"]].dropna()
    assert pvalues(X).iloc[0, 1] == pytest.approx(stats.pearsonr(X["LPI"], X["Flights"]).pvalue, rel=1e-10)


@pytest.mark.parametrize(
    ("name", "thresh", "kind"),
    [("corr_flags_high_0.75.csv", 0.75, "high"), ("corr_flags_low_-0.5.csv", -0.5, "low")],
)
def test_corr_flags_match_coinr(ref, name, thresh, kind):
    expected = coinr_ref("analysis", name)
    got = corr_flags(ref.stage("Normalised"), ref.framework, thresh, thresh_type=kind)
    pd.testing.assert_frame_equal(got, expected)


def test_denominator_correlations_match_coinr(ref):
    expected = coinr_ref("analysis", "denom_corr_Raw_0.7.csv")
    got = denom_corr(ref.stage("Raw"), ref.data.denominators, ref.framework, 0.7)
    pd.testing.assert_frame_equal(got, expected)


def test_pairwise_complete_observations():
    A = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan, 5.0], "y": [2.0, 1.0, 4.0, 3.0, np.nan]})
    r = corr_matrix(A).loc["x", "y"]
    assert r == pytest.approx(np.corrcoef([1, 2, 3], [2, 1, 4])[0, 1], rel=1e-12)


def test_kendall_is_tau_b():
    a = pd.DataFrame({"x": [1.0, 2.0, 2.0, 3.0, 4.0], "y": [1.0, 3.0, 2.0, 2.0, 5.0]})
    assert corr_matrix(a, method="kendall").loc["x", "y"] == pytest.approx(
        stats.kendalltau(a.x, a.y).statistic
    )


def test_bad_arguments(ref):
    with pytest.raises(SpecError, match="valid: pearson, spearman, kendall"):
        get_corr(ref.stage("Normalised"), ref.framework, method="distance")
    with pytest.raises(SpecError, match="thresh_type"):
        corr_flags(ref.stage("Normalised"), ref.framework, 0.5, thresh_type="middle")

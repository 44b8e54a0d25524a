"""Unit summary, strengths and weaknesses, group ranks and comparisons vs COINr."""

from __future__ import annotations

import pandas as pd
import pytest

from innoscope import DataError
from innoscope.analysis import compare, results_table, strengths_weaknesses, unit_summary
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref


@pytest.fixture(scope="module")
def ref():
    return reference_result()


def test_unit_summary_matches_coinr(ref):
    expected = coinr_ref("analysis", "unit_summary_IND.csv")
    got = unit_summary(ref.stage("Aggregated"), ref.framework, "IND", [4, 3, 2])
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("part", ["Strengths", "Weaknesses"])
def test_strengths_weaknesses_match_coinr(ref, part):
    expected = coinr_ref("analysis", f"str_weak_ESP_{part.lower()}.csv")
    got = strengths_weaknesses(ref.stage("Raw"), ref.framework, "ESP")[part]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_group_ranks_match_coinr(ref):
    expected = coinr_ref("analysis", "results_groupranks_GDPpc.csv")
    got = results_table(
        ref.stage("Aggregated"), ref.framework, ref.data.groups, use="groupranks", use_group="GDPpc_group"
    )
    assert list(got.index) == list(expected.index)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_names=False)


def test_results_ranks_match_coinr(ref):
    expected = coinr_ref("base", "results_Aggs_ranks.csv")
    got = results_table(ref.stage("Aggregated"), ref.framework, use="ranks")
    cols = [c for c in got.columns]
    pd.testing.assert_frame_equal(
        got[cols], expected.loc[got.index, cols], check_dtype=False, check_names=False
    )


def test_compare_base_vs_norm_rank_matches_coinr(ref):
    expected = coinr_ref("analysis", "compare_base_vs_norm_rank.csv")
    other = reference_result("norm_rank")
    got = compare(ref.stage("Aggregated")["Index"], other.stage("Aggregated")["Index"])
    assert list(got.index) == list(expected.index)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_names=False)


def test_unknown_entity(ref):
    with pytest.raises(DataError, match="unknown entity 'Atlantis'"):
        unit_summary(ref.stage("Aggregated"), ref.framework, "Atlantis")

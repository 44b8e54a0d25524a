"""Impute: COINr 1.1.14 ``Impute()`` on ASEM, plus hand-computed cases for row-wise and EM."""

import warnings

import numpy as np
import pandas as pd
import pytest

from innoscope import CrossSection, Framework, Node, SpecError, StageError, build
from innoscope.pipeline.impute import ImputationWarning
from tests.conftest import coinr_ref

VARIANTS = {
    "base": ["denominate", {"impute": {"method": "i_mean_grp", "by": "EurAsia_group"}}],
    "impute_mean": ["denominate", {"impute": "i_mean"}],
    "impute_median_grp": ["denominate", {"impute": {"method": "group_median", "use_group": "EurAsia_group"}}],
    "overview_order": [
        "denominate",
        {"screen": {"dat_thresh": 0.9}},
        {"impute": {"method": "group_mean", "by": "EurAsia_group"}},
    ],
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_imputed_matches_coinr(asem, variant):
    fw, cs = asem
    ref = coinr_ref(variant, "dset_Imputed.csv")
    got = build(fw, cs, VARIANTS[variant]).stage("Imputed")
    assert sorted(got.index) == sorted(ref.index)
    np.testing.assert_allclose(
        got.loc[ref.index, ref.columns].to_numpy(), ref.to_numpy(), rtol=1e-9, equal_nan=True
    )


def test_group_mean_by_gdp_group_equals_pandas_groupby(asem):
    # no COINr reference for GDP_group (variant impute_mean_grp_GDP was not generated):
    # an independent computation with pandas groupby on COINr's own Denominated set
    fw, cs = asem
    den = coinr_ref("base", "dset_Denominated.csv")
    grp = cs.groups["GDP_group"].reindex(den.index)
    expected = den.fillna(den.groupby(grp).transform("mean"))
    got = build(fw, cs, ["denominate", {"impute": {"method": "i_mean_grp", "by": "GDP_group"}}]).stage(
        "Imputed"
    )
    np.testing.assert_allclose(got.loc[den.index, den.columns].to_numpy(), expected.to_numpy(), rtol=1e-9)


def test_every_imputed_cell_is_logged(asem):
    fw, cs = asem
    res = build(fw, cs, VARIANTS["base"])
    den, imp = res.stage("Denominated"), res.stage("Imputed")
    log = res.logs["Imputed"]["imputed"]
    filled = den.isna() & imp.notna()
    n_missing_coinr = int(coinr_ref("base", "dset_Denominated.csv").isna().to_numpy().sum())
    assert len(log) == int(filled.to_numpy().sum()) == n_missing_coinr
    assert set(log["method"]) == {"group_mean"}
    for u, i, v in log[["uCode", "iCode", "value"]].itertuples(index=False):
        assert den.loc[u, i] != den.loc[u, i] and imp.loc[u, i] == v
    assert res.logs["Imputed"]["remaining"].empty
    np.testing.assert_array_equal(
        imp.to_numpy()[~den.isna().to_numpy()], den.to_numpy()[~den.isna().to_numpy()]
    )


# -- small frameworks ------------------------------------------------------------------------
def _fw(pillars: dict[str, list[tuple[str, int]]]) -> Framework:
    nodes = [Node(id="Index", level=3, kind="aggregate")]
    for p, inds in pillars.items():
        nodes.append(Node(id=p, level=2, kind="aggregate", parent="Index"))
        nodes += [Node(id=c, level=1, kind="indicator", parent=p, direction=d) for c, d in inds]
    return Framework(nodes=nodes)


def _cs(values: dict[str, list[float]], groups: dict[str, list] | None = None) -> CrossSection:
    idx = [f"E{i}" for i in range(len(next(iter(values.values()))))]
    return CrossSection(values=pd.DataFrame(values, index=idx), groups=pd.DataFrame(groups or {}, index=idx))


ROW = {
    "A": [0.0, 10, 20, np.nan, 5],
    "B": [100.0, 60, np.nan, 40, 20],
    "C": [1.0, np.nan, 3, 4, 5],
    "D": [2.0, 4, 6, np.nan, 10],
}
ROW_FW = {"P1": [("A", 1), ("B", -1)], "P2": [("C", 1), ("D", 1)]}


def test_row_mean_within_pillars_hand():
    # min-max after direction: zA = [0,.5,1,-,.25]; -B = [-100,-60,-,-40,-20] -> zB = [0,.5,-,.75,1];
    # zC = [0,-,.5,.75,1]; zD = [0,.25,.5,-,1]. Missing z = mean of the row's z in the same pillar:
    # B(E2) = -(1 * 80 - 100) = 20; A(E3) = .75 * 20 = 15; C(E1) = .25 * 4 + 1 = 2; D(E3) = .75 * 8 + 2 = 8.
    res = build(_fw(ROW_FW), _cs(ROW), [{"impute": {"method": "row_mean", "group_level": 2}}])
    got = res.stage("Imputed")
    assert got.loc["E2", "B"] == pytest.approx(20)
    assert got.loc["E3", "A"] == pytest.approx(15)
    assert got.loc["E1", "C"] == pytest.approx(2)
    assert got.loc["E3", "D"] == pytest.approx(8)
    assert len(res.logs["Imputed"]["imputed"]) == 4


def test_row_mean_over_all_indicators_hand():
    # one block: C(E1) from mean(zA .5, zB .5, zD .25) = 5/12 -> 1 + 4 * 5/12;
    # B(E2) from mean(zA 1, zC .5, zD .5) = 2/3 -> -(2/3 * 80 - 100)
    got = build(_fw(ROW_FW), _cs(ROW), [{"impute": "row_mean"}]).stage("Imputed")
    assert got.loc["E1", "C"] == pytest.approx(1 + 4 * 5 / 12)
    assert got.loc["E2", "B"] == pytest.approx(100 - 2 / 3 * 80)
    assert got.loc["E3", "A"] == pytest.approx(15)


def test_row_mean_without_normalising():
    got = build(
        _fw(ROW_FW),
        _cs(ROW),
        [{"impute": {"method": "row_mean", "group_level": 2, "normalise_first": False}}],
    ).stage("Imputed")
    assert got.loc["E2", "B"] == 20 and got.loc["E3", "A"] == 40 and got.loc["E1", "C"] == 4


def test_em_bivariate_monotone_equals_complete_case_regression():
    # With x1 complete and x2 missing for some rows, the normal MLE gives E[x2 | x1] = a + b x1 where
    # (a, b) is the least-squares fit on the complete rows (Anderson 1957; Little & Rubin 2002, 7.2).
    rng = np.random.default_rng(7)
    x1 = rng.normal(10, 3, 40)
    x2 = 2 + 0.7 * x1 + rng.normal(0, 1, 40)
    miss = np.zeros(40, bool)
    miss[-10:] = True
    b, a = np.polyfit(x1[~miss], x2[~miss], 1)
    x2m = np.where(miss, np.nan, x2)
    res = build(
        _fw({"P": [("X1", 1), ("X2", 1)]}),
        _cs({"X1": x1, "X2": x2m}),
        [{"impute": {"method": "em", "ridge": 0, "tol": 1e-13, "max_iter": 5000}}],
    )
    got = res.stage("Imputed")["X2"].to_numpy()
    np.testing.assert_allclose(got[miss], a + b * x1[miss], rtol=1e-9)
    np.testing.assert_array_equal(got[~miss], x2[~miss])
    conv = res.logs["Imputed"]["convergence"]
    assert bool(conv["converged"].iloc[0]) and conv["max_change"].iloc[0] < 1e-13


def test_em_draw_is_seeded(asem):
    fw, cs = asem
    spec = lambda seed: [  # noqa: E731
        "denominate",
        {
            "impute": {
                "method": "em",
                "group_level": 2,
                "draw": True,
                "seed": seed,
            }
        },
    ]
    a = build(fw, cs, spec(1)).stage("Imputed")
    b = build(fw, cs, spec(1)).stage("Imputed")
    c = build(fw, cs, spec(2)).stage("Imputed")
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_em_on_asem_fills_everything_and_keeps_observed(asem):
    fw, cs = asem
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImputationWarning)
        res = build(fw, cs, ["denominate", {"impute": {"method": "em", "group_level": 2}}])
    den, imp = res.stage("Denominated"), res.stage("Imputed")
    assert not imp.isna().any().any()
    obs = den.notna().to_numpy()
    np.testing.assert_array_equal(imp.to_numpy()[obs], den.to_numpy()[obs])
    assert res.logs["Imputed"]["convergence"]["converged"].all()


def test_remaining_nans_are_warned_and_logged():
    # group "b" has no observed A: those cells cannot be imputed by group mean
    cs = _cs({"A": [1.0, 3.0, np.nan, np.nan], "B": [1.0, 2, 3, 4]}, {"G": ["a", "a", "b", "b"]})
    fw = _fw({"P": [("A", 1), ("B", 1)]})
    with pytest.warns(ImputationWarning, match=r"2 value\(s\) are still missing.*E2/A"):
        res = build(fw, cs, [{"impute": {"method": "group_mean", "by": "G"}}])
    rem = res.logs["Imputed"]["remaining"]
    assert list(rem["uCode"]) == ["E2", "E3"] and "G group" in rem["reason"].iloc[0]


def test_by_indicator_override_and_none():
    cs = _cs({"A": [1.0, 3.0, np.nan], "B": [1.0, 2, np.nan], "C": [4.0, np.nan, 8.0]})
    fw = _fw({"P": [("A", 1), ("B", 1), ("C", 1)]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImputationWarning)
        res = build(
            fw,
            cs,
            [
                {
                    "impute": {
                        "method": "mean",
                        "by_indicator": {"B": {"method": "none"}, "C": {"method": "median"}},
                    }
                }
            ],
        )
    got = res.stage("Imputed")
    assert res.logs["Imputed"]["remaining"][["uCode", "iCode"]].values.tolist() == [["E2", "B"]]
    assert got.loc["E2", "A"] == 2 and np.isnan(got.loc["E2", "B"]) and got.loc["E1", "C"] == 6


def test_unknown_group_column():
    cs = _cs({"A": [1.0, np.nan, 3.0]}, {"G": ["a", "a", "b"]})
    with pytest.raises(SpecError, match=r"\[impute\] group column 'Region' does not exist; group columns: G"):
        build(_fw({"P": [("A", 1)]}), cs, [{"impute": {"method": "group_mean", "by": "Region"}}])
    with pytest.raises(SpecError, match="needs 'by'"):
        build(_fw({"P": [("A", 1)]}), cs, [{"impute": "group_mean"}])


def test_all_missing_indicator():
    cs = _cs({"A": [1.0, np.nan, 3.0], "B": [np.nan] * 3})
    with pytest.raises(StageError, match=r"\[impute\] indicator 'B' has no data"):
        build(_fw({"P": [("A", 1), ("B", 1)]}), cs, [{"impute": "mean"}])


def test_unknown_parameter_lists_valid():
    cs = _cs({"A": [1.0, np.nan, 3.0]})
    with pytest.raises(SpecError, match="valid parameters: by"):
        build(_fw({"P": [("A", 1)]}), cs, [{"impute": {"method": "group_mean", "group": "G"}}])


def test_none_leaves_data_unchanged(asem):
    fw, cs = asem
    res = build(fw, cs, ["denominate", {"impute": "none"}])
    pd.testing.assert_frame_equal(res.stage("Imputed"), res.stage("Denominated"))
    assert res.logs["Imputed"]["imputed"].empty
    assert len(res.logs["Imputed"]["remaining"]) == int(res.stage("Denominated").isna().to_numpy().sum())

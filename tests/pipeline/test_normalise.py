"""Normalise: every method against COINr's own output, plus hand cases for what COINr gets wrong.

Reference: tests/reference/coinr/reference/norm_methods/ (COINr 1.1.14). Those files take
base/dset_Treated.csv as input (Normalise applies the iMeta directions); dist2targ and goalposts
take Raw with parameters from iMeta. Numbers at rtol 1e-9 (atol 1e-12 for exact zeros).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innoscope import CrossSection, Framework, SpecError, StageError, build
from tests.conftest import REF, coinr_ref
from tests.pipeline._tiny import cross_section, framework

RTOL, ATOL = 1e-9, 1e-12


@pytest.fixture(scope="module")
def treated(asem) -> tuple[Framework, CrossSection]:
    fw, cs = asem
    tr = coinr_ref("base", "dset_Treated.csv")
    return fw, CrossSection(values=tr, names=cs.names.reindex(tr.index), groups=cs.groups.reindex(tr.index))


def normalised(fw, cs, **body) -> pd.DataFrame:
    return build(fw, cs, [{"normalise": body}]).stage("Normalised")


def negative(fw) -> list[str]:
    return [c for c in fw.indicators if fw[c].direction == -1]


def assert_cols(got: pd.DataFrame, ref: pd.DataFrame, cols: list[str]) -> None:
    np.testing.assert_allclose(
        got.loc[ref.index, cols].to_numpy(float),
        ref[cols].to_numpy(float),
        rtol=RTOL,
        atol=ATOL,
        equal_nan=True,
    )


@pytest.mark.parametrize(
    "name, body",
    [
        ("n_minmax_0_100", {"method": "minmax", "range": [0, 100]}),
        ("n_minmax_1_100", {"method": "n_minmax", "range": [1, 100]}),
        ("n_zscore_0_1", {"method": "zscore", "m_sd": [0, 1]}),
        ("n_zscore_10_2", {"method": "zscore", "m_sd": [10, 2]}),
        ("n_dist2max", {"method": "dist2max"}),
    ],
)
def test_matches_coinr_on_every_indicator(treated, name, body):
    fw, cs = treated
    ref = coinr_ref("norm_methods", f"{name}.csv")
    got = normalised(fw, cs, **body)
    assert list(got.columns) == list(ref.columns)
    assert_cols(got, ref, list(ref.columns))


@pytest.mark.parametrize("name, method", [("n_rank", "rank"), ("n_prank", "prank"), ("n_borda", "borda")])
def test_rank_methods_match_coinr(treated, name, method):
    """Exact everywhere except where the 15-digit CSV input shows ties that COINr's doubles did not have.

    TolMin is 5.1 for GRC, CZE and BGR and 3.4 for JPN and NOR in every reference CSV, yet COINr ranks
    GRC apart from CZE/BGR and JPN apart from NOR: its in-memory values differ below the 15th digit.
    """
    fw, cs = treated
    ref = coinr_ref("norm_methods", f"{name}.csv")
    got = normalised(fw, cs, method=method)
    others = [c for c in ref.columns if c != "TolMin"]
    assert_cols(got, ref, others)
    x = cs.values["TolMin"]
    tied = x[x.duplicated(keep=False)].index
    differ = ref.index[~np.isclose(got.loc[ref.index, "TolMin"], ref["TolMin"], rtol=RTOL)]
    assert set(differ) <= set(tied)
    assert set(differ) <= {"GRC", "CZE", "BGR", "JPN", "NOR"}
    assert got.loc["GRC", "TolMin"] == got.loc["CZE", "TolMin"] == got.loc["BGR", "TolMin"]


def test_rank_ties_option(treated):
    fw, cs = treated
    x = -cs.values["TolMin"]
    got = normalised(fw, cs, method="rank", ties="average")["TolMin"]
    np.testing.assert_allclose(got, x.rank(method="average"), rtol=0)


def test_scaled_matches_coinr_for_higher_is_better_and_is_corrected_for_lower(treated):
    """COINr applies (x' - l)/(u - l)*100 to x' = -x; innoscope reads [l, u] in the indicator's units."""
    fw, cs = treated
    ref = coinr_ref("norm_methods", "n_scaled_1_10.csv")
    got = normalised(fw, cs, method="scaled", npara=[1, 10])
    neg = negative(fw)
    assert_cols(got, ref, [c for c in ref.columns if c not in neg])
    for c in neg:
        x = cs.values[c]
        np.testing.assert_allclose(got[c], 100 * (10 - x) / 9, rtol=RTOL)
        np.testing.assert_allclose(got.loc[ref.index, c], ref[c] + 100 * (10 + 1) / 9, rtol=RTOL)


DEGENERATE_REF = ["Bord", "Elec", "TIRcon", "MatCon"]
"""Indicators where the reference entity (AUS, iref = 1) holds the worst value: COINr returns NaN/Inf."""


@pytest.mark.parametrize("name, cap", [("n_dist2ref_i1", False), ("n_dist2ref_i1_cap", True)])
def test_dist2ref_matches_coinr(treated, name, cap):
    fw, cs = treated
    ref = coinr_ref("norm_methods", f"{name}.csv")
    skip = {c: {"method": "none"} for c in DEGENERATE_REF}
    got = normalised(fw, cs, method="dist2ref", iref=1, cap_max=cap, by_indicator=skip)
    assert_cols(got, ref, [c for c in ref.columns if c not in DEGENERATE_REF])
    assert not np.isfinite(ref[DEGENERATE_REF].to_numpy()).all()


@pytest.mark.parametrize("code", DEGENERATE_REF)
def test_dist2ref_reference_at_the_worst_value_is_an_error(treated, code):
    fw, cs = treated
    with pytest.raises(
        StageError, match=rf"\[normalise\] indicator '{code}', method 'dist2ref': .*'AUS'.*lowest"
    ):
        normalised(fw, cs, method="none", by_indicator={code: {"method": "dist2ref", "iref": 1}})


def test_dist2ref_by_entity_code_equals_by_position(treated):
    fw, cs = treated
    pos = list(cs.values.index).index("DEU") + 1
    a = normalised(fw, cs, method="dist2ref", ref="DEU")
    b = normalised(fw, cs, method="dist2ref", iref=pos)
    pd.testing.assert_frame_equal(a, b)
    assert (a.loc["DEU"] == 1).all()
    x = cs.values["LPI"]
    np.testing.assert_allclose(a["LPI"], 1 - (x["DEU"] - x) / (x["DEU"] - x.min()), rtol=RTOL)


def test_dist2ref_chinese_entity_code_and_name():
    """Distance to Shenzhen: 1 - (x_ref - x) / (x_ref - min x), by code or by display name."""
    fw = framework({"P": ["pat", "price"]}, directions={"price": -1})
    cs = cross_section(
        {"pat": [4.0, 2.0, 1.0], "price": [3.0, 6.0, 2.0]},
        ["深圳", "杭州", "北京"],
        names=["Shenzhen", "Hangzhou", "Beijing"],
    )
    got = normalised(fw, cs, method="dist2ref", ref="深圳")
    # pat: x_ref = 4, min = 1 -> (x - 1) / 3
    # price (lower is better): x' = -x = [-3, -6, -2], x'_ref = -3, min x' = -6 -> 1 - (-3 - x') / 3
    np.testing.assert_allclose(got["pat"], [1.0, 1 / 3, 0.0])
    np.testing.assert_allclose(got["price"], [1.0, 0.0, 4 / 3])
    got = normalised(fw, cs, method="dist2ref", ref="Shenzhen", cap_max=True)
    np.testing.assert_allclose(got["price"], [1.0, 0.0, 1.0])
    with pytest.raises(
        StageError, match="indicator 'pat', method 'dist2ref': the reference entity '北京'.*lowest"
    ):
        normalised(fw, cs, method="dist2ref", ref="Beijing")
    with pytest.raises(SpecError, match="'广州' is neither an entity code nor a unique entity name"):
        normalised(fw, cs, method="dist2ref", ref="广州")


def test_fracmax_matches_coinr_for_higher_is_better_and_is_corrected_for_lower(treated):
    """COINr divides -x by max(-x): for lower-is-better indicators that is Inf/NaN or order-reversing."""
    fw, cs = treated
    ref = coinr_ref("norm_methods", "n_fracmax.csv")
    got = normalised(fw, cs, method="fracmax")
    neg = negative(fw)
    assert_cols(got, ref, [c for c in ref.columns if c not in neg])
    assert np.isinf(ref[neg].to_numpy()).any()
    for c in neg:
        x = cs.values[c]
        np.testing.assert_allclose(got[c], 1 - x / x.max(), rtol=RTOL, atol=ATOL)
        assert got[c].between(0, 1).all()
        assert got.loc[x.idxmin(), c] == got[c].max()


@pytest.fixture(scope="module")
def raw(asem):
    return asem[1]


def test_dist2targ_matches_coinr_use_imeta(raw):
    meta = pd.read_csv(REF / "data" / "ASEM_iMeta.csv")
    meta["dist2targ_cap_max"] = True
    fw = Framework.from_imeta(meta)
    ref = coinr_ref("norm_methods", "n_dist2targ_iMeta_Raw.csv")
    got = normalised(fw, raw, method="dist2targ")
    assert list(got.columns) == list(ref.columns)
    assert_cols(got, ref, list(ref.columns))


def test_goalposts_match_coinr_use_imeta(raw):
    fw = Framework.from_imeta(pd.read_csv(REF / "reference" / "norm_methods" / "iMeta_with_goalposts.csv"))
    ref = coinr_ref("norm_methods", "n_goalposts_iMeta_Raw.csv")
    got = normalised(fw, raw, method="goalposts")
    assert list(got.columns) == list(ref.columns)
    assert_cols(got, ref, list(ref.columns))


def test_goalposts_and_targets_in_the_spec_mean_the_same_as_in_the_framework(raw):
    """Direction consistency: raw-unit goalposts/targets give the same scores from any source.

    In COINr only the iMeta path flips parameters for lower-is-better indicators; goalposts given in
    indiv_specs meet the flipped data -x unflipped, so every unit scores (-x - l)/(u - l) < 0 -> 0.
    """
    meta = pd.read_csv(REF / "reference" / "norm_methods" / "iMeta_with_goalposts.csv")
    fw_meta = Framework.from_imeta(meta)
    fw_plain = Framework.from_imeta(pd.read_csv(REF / "data" / "ASEM_iMeta.csv"))
    ind = meta.set_index("iCode")
    by_ind = {
        c: {"lower": float(ind.loc[c, "goalpost_lower"]), "upper": float(ind.loc[c, "goalpost_upper"])}
        for c in fw_plain.indicators
    }
    a = normalised(fw_meta, raw, method="goalposts")
    b = normalised(fw_plain, raw, method="goalposts", by_indicator=by_ind)
    pd.testing.assert_frame_equal(a, b)
    for c in negative(fw_plain):
        x, lo, hi = raw.values[c], by_ind[c]["lower"], by_ind[c]["upper"]
        np.testing.assert_allclose(b[c], ((hi - x) / (hi - lo)).clip(0, 1), rtol=RTOL, atol=ATOL)
        assert b[c].max() == 1 and b[c].min() == 0
    targets = {c: {"target": fw_plain[c].target, "cap_max": True} for c in fw_plain.indicators}
    fw_nt = Framework.from_imeta(pd.read_csv(REF / "data" / "ASEM_iMeta.csv").assign(Target=np.nan))
    c = normalised(fw_nt, raw, method="dist2targ", by_indicator=targets)
    ref = coinr_ref("norm_methods", "n_dist2targ_iMeta_Raw.csv")
    assert_cols(c, ref, list(ref.columns))


def test_goalposts_and_target_hand_case():
    """x = 0..20; goalposts [2, 18]; target 16. Higher-is-better a, lower-is-better b."""
    x = np.arange(21.0)
    fw = framework({"P": ["a", "b"]}, directions={"b": -1})
    cs = cross_section({"a": x, "b": x}, [f"u{i}" for i in range(21)])
    g = normalised(fw, cs, method="goalposts", lower=2, upper=18)
    np.testing.assert_allclose(g["a"], np.clip((x - 2) / 16, 0, 1))
    np.testing.assert_allclose(g["b"], np.clip((18 - x) / 16, 0, 1))
    assert g.loc["u2", "b"] == 1 and g.loc["u18", "b"] == 0
    t = normalised(fw, cs, method="dist2targ", target=16, by_indicator={"b": {"target": 4}})
    np.testing.assert_allclose(t["a"], x / 16)
    np.testing.assert_allclose(t["b"], (20 - x) / 16)
    t = normalised(fw, cs, method="dist2targ", target=16, cap_max=True, by_indicator={"b": {"target": 4}})
    np.testing.assert_allclose(t["a"], np.minimum(x / 16, 1))
    np.testing.assert_allclose(t["b"], np.minimum((20 - x) / 16, 1))


def test_output_range_for_goalposts_and_target():
    """COINr issue #65: a [1, 100] output so that a geometric mean can follow."""
    x = np.arange(21.0)
    fw = framework({"P": ["a", "b"]}, directions={"b": -1})
    cs = cross_section({"a": x, "b": x}, [f"u{i}" for i in range(21)])
    g = normalised(fw, cs, method="goalposts", lower=2, upper=18, range=[1, 100])
    np.testing.assert_allclose(g["b"], 1 + 99 * np.clip((18 - x) / 16, 0, 1))
    t = normalised(
        fw, cs, method="dist2targ", target=16, cap_max=True, range=[1, 100], by_indicator={"b": {"target": 4}}
    )
    np.testing.assert_allclose(t["a"], 1 + 99 * np.minimum(x / 16, 1))
    assert t.min().min() == 1
    r = build(
        fw,
        cs,
        [
            {"normalise": {"method": "goalposts", "lower": 2, "upper": 18, "range": [1, 100]}},
            {"aggregate": "geometric"},
        ],
    ).stage("Aggregated")
    assert np.isfinite(r["Index"]).all()
    s = normalised(fw, cs, method="goalposts", lower=2, upper=18, scale=100)
    np.testing.assert_allclose(s["a"], 100 * np.clip((x - 2) / 16, 0, 1))
    with pytest.raises(StageError, match="either 'scale' or 'range'"):
        normalised(fw, cs, method="goalposts", lower=2, upper=18, scale=100, range=[1, 100])


def test_goalposts_errors_name_the_indicator():
    fw = framework({"P": ["a"]})
    cs = cross_section({"a": [1.0, 2.0]}, ["u1", "u2"])
    with pytest.raises(StageError, match=r"\[normalise\] indicator 'a', method 'goalposts': .*lower.*upper"):
        normalised(fw, cs, method="goalposts")
    with pytest.raises(
        StageError, match=r"indicator 'a'.*goalpost lower \(5.0\) must be below upper \(1.0\)"
    ):
        normalised(fw, cs, method="goalposts", lower=5, upper=1)
    with pytest.raises(StageError, match=r"indicator 'a', method 'dist2targ': no target"):
        normalised(fw, cs, method="dist2targ")


def test_parameters_from_the_framework_node_and_their_precedence():
    """iMeta-style columns on a node (COINr's use_iMeta names) apply to that indicator; by_indicator wins."""
    fw = framework(
        {"P": ["a", "b", "c"]},
        extra={"a": {"minmax_lower": 1, "minmax_upper": 10}, "b": {"zscore_mean": 100, "zscore_sd": 10}},
    )
    x = np.array([2.0, 4.0, 6.0, 8.0])
    cs = cross_section({"a": x, "b": x, "c": x}, ["w", "x", "y", "z"])
    got = normalised(fw, cs, method="minmax", range=[0, 100])
    np.testing.assert_allclose(got["a"], 1 + 9 * (x - 2) / 6)
    np.testing.assert_allclose(got["c"], 100 * (x - 2) / 6)
    got = normalised(fw, cs, method="zscore", by_indicator={"a": {"method": "minmax", "range": [0, 1]}})
    np.testing.assert_allclose(got["a"], (x - 2) / 6)
    np.testing.assert_allclose(got["b"], 100 + 10 * (x - 5) / np.std(x, ddof=1))
    np.testing.assert_allclose(got["c"], (x - 5) / np.std(x, ddof=1))


def test_aggregate_direction_reverses_its_indicators():
    """COINr issue #66: a pillar with direction -1 flips every indicator beneath it (COINr ignores it)."""
    fw = framework({"Good": ["g"], "Bad": ["b1", "b2"]}, directions={"Bad": -1, "b2": -1})
    cs = cross_section(
        {"g": [0.0, 1.0, 2.0], "b1": [0.0, 1.0, 4.0], "b2": [0.0, 1.0, 4.0]}, ["u1", "u2", "u3"]
    )
    got = normalised(fw, cs, method="minmax")
    np.testing.assert_allclose(got["g"], [0, 50, 100])
    np.testing.assert_allclose(got["b1"], [100, 75, 0])
    np.testing.assert_allclose(got["b2"], [0, 25, 100])
    log = build(fw, cs, ["normalise"]).logs["Normalised"]["methods"].set_index("iCode")
    assert log.loc["b1", "direction"] == -1 and log.loc["b2", "direction"] == 1


def test_none_applies_the_direction_as_coinr(treated):
    fw, cs = treated
    got = normalised(fw, cs, method="none")
    for c in ("Tariff", "LPI"):
        np.testing.assert_array_equal(got[c], cs.values[c] * fw[c].direction)


def test_zero_variance_under_zscore_names_indicator_and_stage():
    fw = framework({"P": ["flat", "ok"]})
    cs = cross_section({"flat": [3.0, 3.0, np.nan, 3.0], "ok": [1.0, 2.0, 3.0, 4.0]}, ["a", "b", "c", "d"])
    with pytest.raises(StageError, match=r"^\[normalise\] indicator 'flat', method 'zscore': zero variance"):
        normalised(fw, cs, method="zscore")
    with pytest.raises(StageError, match=r"^\[normalise\] indicator 'flat', method 'minmax': max = min"):
        normalised(fw, cs, method="minmax")


def test_all_missing_indicator_names_it():
    fw = framework({"P": ["empty", "ok"]})
    cs = cross_section({"empty": [np.nan, np.nan], "ok": [1.0, 2.0]}, ["a", "b"])
    with pytest.raises(StageError, match=r"\[normalise\] indicator 'empty' has no data"):
        normalised(fw, cs, method="minmax")


def test_unknown_parameter_lists_valid_ones():
    fw = framework({"P": ["a"]})
    cs = cross_section({"a": [1.0, 2.0]}, ["u1", "u2"])
    with pytest.raises(SpecError, match=r"method 'zscore' has no parameter 'l_u'; valid parameters: m_sd"):
        normalised(fw, cs, method="zscore", l_u=[0, 1])
    with pytest.raises(
        SpecError, match=r"no parameter 'direction'.*valid parameters: cap_max, range, target"
    ):
        normalised(fw, cs, method="dist2targ", direction=-1)


def test_nan_kept(asem):
    fw, _ = asem
    nm = coinr_ref("overview_order", "dset_Treated.csv")
    ref = coinr_ref("overview_order", "dset_Normalised.csv")
    got = normalised(fw, CrossSection(values=nm), method="minmax")
    assert ref.isna().to_numpy().any()
    assert_cols(got, ref, list(ref.columns))

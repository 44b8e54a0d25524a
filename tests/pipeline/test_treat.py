"""Treat: COINr 1.1.14 ``Treat()`` on ASEM, plus hand-computed cases for methods COINr lacks."""

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st

from innoscope import CrossSection, Framework, Node, SpecError, StageError, build
from innoscope.pipeline import treat
from tests.conftest import coinr_ref

IMPUTE_GRP = {"impute": {"method": "i_mean_grp", "by": "EurAsia_group"}}
SCREEN_90 = {"screen": {"method": "byNA", "dat_thresh": 0.9}}
VARIANTS = {
    "base": ["denominate", IMPUTE_GRP, SCREEN_90, {"treat": {"winmax": 5}}],
    "impute_mean": ["denominate", {"impute": "i_mean"}, SCREEN_90, "treat"],
    "impute_median_grp": [
        "denominate",
        {"impute": {"method": "i_median_grp", "by": "EurAsia_group"}},
        SCREEN_90,
        "treat",
    ],
    "treat_winmax1": ["denominate", IMPUTE_GRP, SCREEN_90, {"treat": {"winmax": 1}}],
    "overview_order": ["denominate", SCREEN_90, IMPUTE_GRP, {"treat": {"input": "Screened"}}],
}


def _points_ref(variant):
    ref = coinr_ref(variant, "treat_Treated_Points.csv")
    return ref.astype(object).where(ref.notna(), "")


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request, asem):
    fw, cs = asem
    return request.param, build(fw, cs, VARIANTS[request.param])


def test_treated_matches_coinr(variant):
    name, res = variant
    ref = coinr_ref(name, "dset_Treated.csv")
    got = res.stage("Treated")
    assert sorted(got.index) == sorted(ref.index)
    np.testing.assert_allclose(
        got.loc[ref.index, ref.columns].to_numpy(), ref.to_numpy(), rtol=1e-9, equal_nan=True
    )


def test_treated_points_exact(variant):
    name, res = variant
    ref = _points_ref(name)
    got = res.logs["Treated"]["Treated_Points"]
    assert sorted(got.index) == sorted(ref.index)
    assert (got.loc[ref.index, ref.columns].to_numpy() == ref.to_numpy()).all()


def test_dets_table_matches_coinr(variant):
    name, res = variant
    ref = coinr_ref(name, "treat_Dets_Table.csv")
    got = res.logs["Treated"]["Dets_Table"]
    assert list(got.columns) == list(ref.columns)
    assert list(got["iCode"]) == list(ref["iCode"])
    num = [c for c in ref.columns if c != "iCode" and not c.endswith(".Pass")]
    np.testing.assert_allclose(got[num].to_numpy(float), ref[num].to_numpy(float), rtol=1e-9, equal_nan=True)
    for c in [c for c in ref.columns if c.endswith(".Pass")]:
        exp = [None if pd.isna(v) else bool(v) for v in ref[c]]
        obs = [None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else bool(v) for v in got[c]]
        assert obs == exp, c


def test_winmax1_log_fallback_on_the_same_indicators(asem):
    fw, cs = asem
    ref = coinr_ref("treat_winmax1", "treat_Dets_Table.csv")
    expected = set(ref.loc[ref["check_SkewKurt2.Pass"].notna(), "iCode"])
    pts = build(fw, cs, VARIANTS["treat_winmax1"]).logs["Treated"]["Treated_Points"]
    logged = {c for c in pts.columns if pts[c].str.endswith("+log_CT").all()}
    assert logged == expected and len(expected) == 11


def test_issue_yaml_spellings_equal_coinr_names(asem):
    fw, cs = asem
    a = build(fw, cs, VARIANTS["treat_winmax1"]).stage("Treated")
    b = build(
        fw,
        cs,
        [
            "denominate",
            IMPUTE_GRP,
            SCREEN_90,
            {
                "treat": {
                    "method": "winsorise",
                    "max_points": 1,
                    "skew": 2.0,
                    "kurtosis": 3.5,
                    "fallback": "log_ct",
                }
            },
        ],
    ).stage("Treated")
    pd.testing.assert_frame_equal(a, b)


def test_by_indicator_none_skips_one(asem):
    fw, cs = asem
    res = build(
        fw,
        cs,
        ["denominate", IMPUTE_GRP, SCREEN_90, {"treat": {"by_indicator": {"Flights": {"method": "none"}}}}],
    )
    ref = coinr_ref("base", "dset_Treated.csv")
    scr = coinr_ref("base", "dset_Screened.csv")
    got = res.stage("Treated").loc[ref.index]
    np.testing.assert_allclose(
        got["Flights"].to_numpy(), scr.loc[got.index, "Flights"].to_numpy(), rtol=1e-12
    )
    others = [c for c in ref.columns if c != "Flights"]
    np.testing.assert_allclose(got[others].to_numpy(), ref[others].to_numpy(), rtol=1e-9)
    assert "Flights" not in set(res.logs["Treated"]["Dets_Table"]["iCode"])
    assert (res.logs["Treated"]["Treated_Points"]["Flights"] == "").all()


# -- estimators and winsorisation, hand / scipy checks ---------------------------------------
def test_skew_kurt_are_excel_estimators():
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=40)
    x[[4, 9]] = np.nan
    ok = x[~np.isnan(x)]
    assert treat.skew(x) == pytest.approx(st.skew(ok, bias=False), rel=1e-12)
    assert treat.kurt(x) == pytest.approx(st.kurtosis(ok, bias=False), rel=1e-12)


def test_winsorise_coinr_docs_example():
    # COINr ?winsorise example: x = 1:10, 30, 100. skew 3.06 > 2 and kurt 9.74 > 3.5 -> fails;
    # the maximum 100 takes the next value 30; then skew 1.71 < 2 -> passes after one point.
    x = np.array([*range(1, 11), 30, 100.0])
    assert st.skew(x, bias=False) > 2 and st.kurtosis(x, bias=False) > 3.5
    y, pts, nwin = treat.winsorise_points(x)
    assert nwin == 1
    assert y.tolist() == [*range(1, 11), 30, 30]
    assert pts.tolist() == [""] * 11 + ["winhi"]
    y, pts, nwin = treat.winsorise_points(-x)
    assert (nwin, y[-1], pts[-1]) == (1, -30, "winlo")


def test_winsorise_ties_move_together_and_are_counted():
    # two equal maxima are winsorised in one step and count as two points (COINr nwin)
    x = np.array([*range(1, 21), 100.0, 100.0])
    y, pts, nwin = treat.winsorise_points(x)
    assert nwin == 2
    assert y[-2:].tolist() == [20, 20]
    assert pts.tolist() == [""] * 20 + ["winhi", "winhi"]


def test_winsorise_stops_at_winmax_then_logs_original():
    x = np.array([*range(1, 30), 1e3, 1e4, 1e5, 1e6, 1e7, 1e8])
    t = treat.winsorise(x, winmax=2)
    assert t.dets["winsorise.nwin"] == 2
    assert t.dets["check_SkewKurt1.Pass"] is False
    mn, mx = 1.0, 1e8
    np.testing.assert_allclose(t.x, np.log(x - mn + 0.01 * (mx - mn)), rtol=1e-14)
    assert t.labels().tolist() == ["+log_CT"] * 33 + ["winhi+log_CT"] * 2


def test_force_win():
    x = np.array([1.0, 2, 3, 4, 5, 6])
    y, pts, nwin = treat.winsorise_points(x, winmax=1, force_win=True)
    assert nwin == 1 and y.tolist() == [1, 2, 3, 4, 5, 5]


# -- transforms COINr lacks or handles differently: hand-computed -----------------------------
def test_log_ct_and_orig_formulas():
    x = np.array([1.0, 2.0, 5.0, np.nan, 101.0])
    np.testing.assert_allclose(
        treat.log_ct(x).x, np.log(np.array([0, 1, 4, np.nan, 100]) + 1.0), equal_nan=True
    )
    np.testing.assert_allclose(treat.log_ct_orig(x).x, np.log([1, 2, 5, np.nan, 101]), equal_nan=True)


def test_log_ct_plus_negative_skew():
    x = np.array([0.0, 90, 95, 99, 100])
    np.testing.assert_allclose(treat.log_ct_plus(x).x, -np.log(100 + 1.0 - x))
    assert treat.log_ct_plus(x).labels()[0] == "log_CT_neg"


def test_gii_log_hand():
    # max 11, min 1: ln(10 (x - 1)/10 + 1) = ln(x)
    x = np.array([1.0, 2.0, 6.0, 11.0])
    np.testing.assert_allclose(treat.log_gii(x).x, np.log(x), rtol=1e-14)


def test_boxcox_hand():
    x = np.array([0.0, 3.0, 8.0])
    np.testing.assert_allclose(treat.boxcox(x, lmbda=0.5).x, [0.0, 2.0, 4.0])  # (sqrt(x+1)-1)/0.5
    np.testing.assert_allclose(treat.boxcox(x + 1, lmbda=0, makepos=False).x, np.log([1, 4, 9]))


def test_percentile_5_95_hand():
    # 0..20: type-7 quantiles q05 = 1, q95 = 19
    x = np.arange(21.0)
    t = treat.percentile(x, lower=0.05, upper=0.95)
    assert t.x[0] == 1 and t.x[-1] == 19 and t.x[1:-1].tolist() == list(range(1, 20))
    assert t.labels()[0] == "winlo" and t.labels()[-1] == "winhi" and set(t.labels()[1:-1]) == {""}
    assert t.dets["percentile.nwin"] == 2


# -- the stage on small data and bad input -------------------------------------------------
def _small(values: dict[str, list[float]]):
    nodes = [Node(id="Index", level=2, kind="aggregate")]
    nodes += [Node(id=c, level=1, kind="indicator", parent="Index") for c in values]
    fw = Framework(nodes=nodes)
    cs = CrossSection(
        values=pd.DataFrame(values, index=[f"E{i}" for i in range(len(next(iter(values.values()))))])
    )
    return fw, cs


def test_log_on_non_positive_names_indicator():
    fw, cs = _small({"A": [1.0, 2, 3, 4, 5], "B": [-1.0, 2, 3, 4, 5]})
    with pytest.raises(StageError, match=r"\[treat\] indicator 'B', method 'log'.*<= 0"):
        build(fw, cs, [{"treat": {"method": "log"}}])
    with pytest.raises(StageError, match=r"indicator 'B', method 'boxcox'"):
        build(fw, cs, [{"treat": {"method": "boxcox", "lambda": 0.5, "makepos": False}}])
    fw, cs = _small({"A": [1.0, 2, 3, 4, 5], "B": [-5.0, -4, -3, -2, -1]})
    with pytest.raises(StageError, match=r"indicator 'B', method 'log_GII'.*positive maximum"):
        build(fw, cs, [{"treat": {"method": "log_GII"}}])


def test_all_missing_indicator():
    fw, cs = _small({"A": [1.0, 2, 3, 4, 5], "B": [np.nan] * 5})
    with pytest.raises(StageError, match=r"\[treat\] indicator 'B' has no data"):
        build(fw, cs, ["treat"])


def test_unknown_method_and_parameter():
    fw, cs = _small({"A": [1.0, 2, 3, 4, 5]})
    with pytest.raises(SpecError, match="valid methods:.*boxcox.*winsorise"):
        build(fw, cs, [{"treat": {"method": "trim"}}])
    with pytest.raises(SpecError, match="valid parameters:.*winmax"):
        build(fw, cs, [{"treat": {"winmaks": 3}}])


def test_percentile_stage_and_points():
    fw, cs = _small({"A": list(np.arange(21.0))})
    res = build(fw, cs, [{"treat": {"method": "percentile", "lower": 0.05, "upper": 0.95}}])
    assert res.stage("Treated")["A"].tolist() == [1.0, *range(1, 20), 19.0]
    assert res.logs["Treated"]["Treated_Points"]["A"].tolist() == ["winlo"] + [""] * 19 + ["winhi"]


def test_conditional_transform_via_winmax0():
    # winmax 0 + fallback: the transform runs only when the check fails (COINr's f1 = transform)
    skewed = np.array([*range(1, 30), 1e3, 1e6])
    t = treat.winsorise(skewed, winmax=0, fallback="boxcox", fallback_params={"lmbda": 0})
    np.testing.assert_allclose(t.x, np.log(skewed - 1 + 1))
    assert t.dets["winsorise.nwin"] == 0 and set(t.labels()) == {"+boxcox"}
    flat = np.arange(10.0)
    t = treat.winsorise(flat, winmax=0, fallback="boxcox")
    assert np.array_equal(t.x, flat) and set(t.labels()) == {""}


def test_bad_fallback_and_unsupported_override():
    fw, cs = _small({"A": [1.0, 2, 3, 4, 50]})
    with pytest.raises(SpecError, match="unknown treat method 'log10'; valid methods"):
        build(fw, cs, [{"treat": {"fallback": "log10"}}])
    with pytest.raises(SpecError, match="method 'boxcox' has no parameter 'power'"):
        build(fw, cs, [{"treat": {"fallback": "boxcox", "fallback_params": {"power": 2}}}])
    with pytest.raises(SpecError, match=r"step 1 \(treat\): by_level is not supported"):
        build(fw, cs, [{"treat": {"by_level": {1: {"method": "none"}}}}])

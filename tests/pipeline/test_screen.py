"""Screen: COINr 1.1.14 ``Screen()`` on ASEM, plus hand-computed cases (zeros, force, per pillar)."""

import numpy as np
import pandas as pd
import pytest

from innoscope import CrossSection, Framework, Node, SpecError, build
from tests.conftest import coinr_ref

IMPUTE_GRP = {"impute": {"method": "i_mean_grp", "by": "EurAsia_group"}}
VARIANTS = {
    "base": ["denominate", IMPUTE_GRP, {"screen": {"method": "byNA", "dat_thresh": 0.9}}],
    "impute_mean": [
        "denominate",
        {"impute": "i_mean"},
        {"screen": {"unit_screen": "byNA", "dat_thresh": 0.9}},
    ],
    "overview_order": ["denominate", {"screen": {"min_coverage": 0.9}}],
}
COINR_COLS = [
    "uCode",
    "N_missing",
    "N_zero",
    "N_miss_or_zero",
    "Dat_Avail",
    "Non_Zero",
    "LowData",
    "LowNonZero",
    "LowDatOrZeroFlag",
    "Included",
]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_screen_matches_coinr(asem, variant):
    fw, cs = asem
    res = build(fw, cs, VARIANTS[variant])
    ref = coinr_ref(variant, "dset_Screened.csv")
    got = res.stage("Screened")
    assert sorted(got.index) == sorted(ref.index)
    np.testing.assert_allclose(
        got.loc[ref.index, ref.columns].to_numpy(), ref.to_numpy(), rtol=1e-9, equal_nan=True
    )

    summ = res.logs["Screened"]["DataSummary"]
    assert list(summ.columns) == COINR_COLS
    rsum = coinr_ref(variant, "screen_DataSummary.csv")
    summ = summ.set_index("uCode").loc[rsum.index]
    num = ["N_missing", "N_zero", "N_miss_or_zero", "Dat_Avail", "Non_Zero"]
    np.testing.assert_allclose(summ[num].to_numpy(float), rsum[num].to_numpy(float), rtol=1e-9)
    for c in ["LowData", "LowNonZero", "LowDatOrZeroFlag", "Included"]:
        assert summ[c].tolist() == rsum[c].astype(bool).tolist(), c

    removed = res.logs["Screened"]["RemovedUnits"]
    assert (
        removed["RemovedUnits"].tolist()
        == coinr_ref(variant, "screen_RemovedUnits.csv")["RemovedUnits"].tolist()
    )


def test_overview_order_reasons_and_downstream(asem):
    fw, cs = asem
    res = build(fw, cs, ["denominate", {"screen": {"dat_thresh": 0.9}}, "treat"])
    removed = res.logs["Screened"]["RemovedUnits"].set_index("RemovedUnits")["Reason"]
    assert list(removed.index) == ["BGD", "BRN", "KHM", "LAO", "MMR"]
    # BRN: 10 of 49 indicators missing in COINr's summary -> availability 39/49
    assert removed["BRN"] == "data availability 0.796 < dat_thresh 0.9 (10 of 49 values missing)"
    assert len(res.stage("Treated")) == 46 and "BRN" not in res.stage("Treated").index


# -- small cases -------------------------------------------------------------------------------
def _fw() -> Framework:
    nodes = [
        Node(id="Index", level=3, kind="aggregate"),
        Node(id="P1", level=2, kind="aggregate", parent="Index"),
        Node(id="P2", level=2, kind="aggregate", parent="Index"),
    ]
    nodes += [Node(id=c, level=1, kind="indicator", parent="P1") for c in ("A", "B")]
    nodes += [Node(id=c, level=1, kind="indicator", parent="P2") for c in ("C", "D")]
    return Framework(nodes=nodes)


# E0 complete; E1 one NaN in P2 (75 %); E2 all zeros; E3 both P2 values missing (50 %, P2 0 %)
DATA = pd.DataFrame(
    {"A": [1.0, 2, 0, 4], "B": [1.0, 2, 0, 3], "C": [5.0, np.nan, 0, np.nan], "D": [1.0, 1, 0, np.nan]},
    index=["E0", "E1", "E2", "E3"],
)


def _run(**params):
    return build(_fw(), CrossSection(values=DATA), [{"screen": params}])


def test_by_na_hand():
    res = _run(dat_thresh=0.6)
    assert list(res.stage("Screened").index) == ["E0", "E1", "E2"]
    s = res.logs["Screened"]["DataSummary"].set_index("uCode")
    assert s["Dat_Avail"].tolist() == [1, 0.75, 1, 0.5]
    assert s["N_zero"].tolist() == [0, 0, 4, 0]
    assert s.loc["E3", "Non_Zero"] == 1 and s.loc["E2", "Non_Zero"] == 0


def test_by_zeros_and_both_hand():
    assert list(_run(method="byzeros").stage("Screened").index) == ["E0", "E1", "E3"]
    res = _run(method="byNAandzeros", dat_thresh=0.6, nonzero_thresh=0.5)
    assert list(res.stage("Screened").index) == ["E0", "E1"]
    reasons = res.logs["Screened"]["RemovedUnits"].set_index("RemovedUnits")["Reason"]
    assert reasons["E2"] == "share of non-zero values 0.000 < nonzero_thresh 0.5 (4 zeros)"
    assert reasons["E3"].startswith("data availability 0.500 < dat_thresh 0.6")


def test_force_in_and_out():
    res = _run(method="byNAandzeros", dat_thresh=0.6, force_in=["E3"], force_out=["E0"])
    assert list(res.stage("Screened").index) == ["E1", "E3"]
    removed = res.logs["Screened"]["RemovedUnits"]
    assert removed.values.tolist()[0] == ["E0", "forced out (force_out)"]
    assert bool(res.logs["Screened"]["DataSummary"].set_index("uCode").loc["E3", "Included"])


def test_within_pillar_coverage():
    # E1 has 1 of 2 values in P2 (0.5), E3 has 0 of 2 in P2: with group_thresh 0.5 only E3 goes,
    # though its overall availability (0.5) passes dat_thresh 0.5.
    res = _run(dat_thresh=0.5, group_level=2, group_thresh=0.5)
    assert list(res.stage("Screened").index) == ["E0", "E1", "E2"]
    reason = res.logs["Screened"]["RemovedUnits"].set_index("RemovedUnits").loc["E3", "Reason"]
    assert reason == "data availability 0.000 in 'P2' (level 2) < group_thresh 0.5"
    ga = res.logs["Screened"]["GroupAvail"].set_index("uCode")
    assert ga.loc["E1"].tolist() == [1.0, 0.5]
    s = res.logs["Screened"]["DataSummary"]
    assert s["LowGroupData"].tolist() == [False, False, False, True]


def test_bad_specs():
    with pytest.raises(SpecError, match=r"force_in: entity code\(s\) \['XX'\] are not in the data set"):
        _run(force_in=["XX"])
    with pytest.raises(SpecError, match="both force_in and force_out"):
        _run(force_in=["E1"], force_out=["E1"])
    with pytest.raises(SpecError, match="needs both group_level and group_thresh"):
        _run(group_level=2)
    with pytest.raises(SpecError, match="dat_thresh must be between 0 and 1"):
        _run(dat_thresh=90)
    with pytest.raises(SpecError, match="valid methods:.*byNA"):
        _run(method="byNaN")


def test_screen_has_no_per_indicator_overrides():
    with pytest.raises(SpecError, match=r"step 1 \(screen\): by_indicator is not supported"):
        build(_fw(), CrossSection(values=DATA), [{"screen": {"by_indicator": {"A": {"dat_thresh": 0.1}}}}])

"""The gap decomposition (innoscope.analysis.gap): hand-computed splits of two entities' index gap."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innoscope import PipelineSpec, build
from innoscope.analysis.gap import gap
from tests.pipeline._tiny import cross_section, framework

# Index <- P1 (i1, i2; weights 1, 1) and P2 (i3); P1 weighs 2, P2 1. Values are taken as normalised scores.
FW = framework({"P1": ["i1", "i2"], "P2": ["i3"]}, weights={"P1": 2.0})


def contributions(result, a="A", b="B"):
    g = gap(result, a, b)
    return g, dict(zip(g["node"], g["contribution"], strict=True))


def test_arithmetic_gap_is_weights_times_score_differences():
    cs = cross_section({"i1": [80, 40], "i2": [60, 60], "i3": [50, 20]}, ["A", "B"])
    g, c = contributions(build(FW, cs, PipelineSpec.from_obj(["aggregate"])))
    # Index: A = (2*70 + 50)/3 = 63.333..., B = (2*50 + 20)/3 = 40; gap 23.333...
    assert g.attrs["gap"] == pytest.approx(70 / 3)
    assert c["i1"] == pytest.approx(2 / 3 * 1 / 2 * (80 - 40))  # 13.333...
    assert c["i2"] == pytest.approx(0.0)
    assert c["i3"] == pytest.approx(1 / 3 * (50 - 20))  # 10
    assert c["P1"] == pytest.approx(2 / 3 * (70 - 50)) and c["P2"] == pytest.approx(10.0)
    assert g.loc[g["leaf"], "contribution"].sum() == pytest.approx(g.attrs["gap"], abs=1e-12)


def test_a_missing_indicator_moves_its_weight_to_the_others():
    cs = cross_section({"i1": [80, np.nan], "i2": [60, 60], "i3": [50, 50]}, ["A", "B"])
    g, c = contributions(build(FW, cs, PipelineSpec.from_obj(["aggregate"])))
    # P1: A = 70 (weights 1/2, 1/2), B = 60 (i2 alone, weight 1); index gap 2/3 * 10
    assert c["P1"] == pytest.approx(20 / 3)
    assert c["i1"] == pytest.approx(2 / 3 * (0.5 * 80 - 0))  # A's i1 against nothing: +26.667
    assert c["i2"] == pytest.approx(2 / 3 * (0.5 * 60 - 1.0 * 60))  # B's i2 carries double weight: -20
    rows = g.set_index("node")
    assert (rows.loc["i2", "weight_a"], rows.loc["i2", "weight_b"]) == (0.5, 1.0)


def test_geometric_gap_is_the_log_mean_division():
    """LMDI (Ang 2004): t_c = L(p_a, p_b) * w_c * ln(s_ac / s_bc), L the logarithmic mean."""
    spec = PipelineSpec.from_obj(
        [{"aggregate": {"method": "arithmetic", "by_level": {3: {"method": "geometric"}}}}]
    )
    fw = framework({"P1": ["i1", "i2"], "P2": ["i3"]})  # equal weights
    cs = cross_section({"i1": [80, 40], "i2": [60, 60], "i3": [50, 20]}, ["A", "B"])
    g, c = contributions(build(fw, cs, spec))
    pa, pb = math.sqrt(70 * 50), math.sqrt(50 * 20)
    L = (pa - pb) / (math.log(pa) - math.log(pb))
    assert c["P1"] == pytest.approx(L * 0.5 * math.log(70 / 50))
    assert c["P2"] == pytest.approx(L * 0.5 * math.log(50 / 20))
    assert c["P1"] + c["P2"] == pytest.approx(pa - pb)
    # below P1 (arithmetic), P1's part is split in proportion to the weighted score differences
    assert c["i1"] == pytest.approx(c["P1"]) and c["i2"] == pytest.approx(0.0)


def test_equal_parent_scores_still_sum_exactly():
    """P1 is 70 for both (80/60 vs 60/80): its children's parts cancel, each in index points (P1 weighs 2/3)."""
    cs = cross_section({"i1": [80, 60], "i2": [60, 80], "i3": [50, 20]}, ["A", "B"])
    g, c = contributions(build(FW, cs, PipelineSpec.from_obj(["aggregate"])))
    assert c["P1"] == pytest.approx(0.0)
    assert c["i1"] == pytest.approx(2 / 3 * 0.5 * (80 - 60)) and c["i2"] == pytest.approx(
        2 / 3 * 0.5 * (60 - 80)
    )
    assert g.loc[g["leaf"], "contribution"].sum() == pytest.approx(10.0)  # i3: 1/3 * (50 - 20)


def test_a_missing_pillar_moves_its_weight_and_contributions_stay_weight_times_score():
    """Found by the property test below: B has no Q pillar (so P carries B's whole index) while P1's scores are
    equal; each indicator's part is still its effective weight times its score, per entity."""
    fw = framework({"P": ["a", "b"], "Q": ["d"]}, weights={"Q": 3.0})
    cs = cross_section({"a": [60, 60], "b": [40, 40], "d": [90, np.nan]}, ["A", "B"])
    g, c = contributions(build(fw, cs, PipelineSpec.from_obj(["aggregate"])))
    # A: index = (1 * 50 + 3 * 90) / 4 = 80; B: index = P = 50; gap 30
    assert g.attrs["gap"] == pytest.approx(30.0)
    assert c["a"] == pytest.approx(0.25 * 0.5 * 60 - 1.0 * 0.5 * 60)  # -22.5
    assert c["b"] == pytest.approx(0.25 * 0.5 * 40 - 1.0 * 0.5 * 40)  # -15
    assert c["d"] == pytest.approx(0.75 * 90)  # +67.5 (B has no value)


def test_a_method_that_is_not_a_mean_is_a_leaf():
    spec = PipelineSpec.from_obj(
        [{"aggregate": {"method": "arithmetic", "by_level": {3: {"method": "copeland"}}}}]
    )
    cs = cross_section({"i1": [80, 40, 10], "i2": [60, 60, 5], "i3": [50, 20, 1]}, ["A", "B", "C"])
    r = build(FW, cs, spec)
    g = gap(r, "A", "B")
    assert g["leaf"].tolist() == [True] and g["method"].tolist() == ["copeland"]
    assert g["contribution"].iloc[0] == pytest.approx(r.index["A"] - r.index["B"])


def test_bundled_cities_gap_sums_to_the_index_gap():
    import innoscope

    r = innoscope.default_build().result
    g = gap(r, "shenzhen", "hangzhou")
    assert g.attrs["gap"] == pytest.approx(r.index["shenzhen"] - r.index["hangzhou"])
    leaves = g[g["leaf"]]
    assert leaves["contribution"].sum() == pytest.approx(g.attrs["gap"], abs=1e-9)
    assert set(leaves["node"]) == set(r.framework.indicators)
    with pytest.raises(Exception, match="unknown entity"):
        gap(r, "shenzhen", "atlantis")


def test_an_entity_without_an_index_score_has_no_gap_to_split():
    spec = PipelineSpec.from_obj(
        [{"aggregate": {"method": "arithmetic", "by_level": {3: {"dat_thresh": 1.0}}}}]
    )
    cs = cross_section({"i1": [80, 40], "i2": [60, 60], "i3": [50, np.nan]}, ["A", "B"])
    r = build(FW, cs, spec)
    assert np.isnan(r.index["B"])
    with pytest.raises(Exception, match="'B' has no Index score"):
        gap(r, "A", "B")


# -- properties, for any data (hypothesis, derandomized) --------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROP_FW = framework({"P": ["a", "b", "c"], "Q": ["d", "e"]}, weights={"a": 2.0, "c": 0.5, "Q": 3.0})
MEANS = st.sampled_from(["arithmetic", "geometric", "harmonic", {"method": "generalised", "p": 2}])
cell = st.one_of(st.floats(1, 100, allow_nan=False), st.just(float("nan")))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True)
@given(x=st.lists(cell, min_size=10, max_size=10), pillar=MEANS, index=MEANS)
def test_contributions_always_add_up_to_the_gap(x, pillar, index):
    """Whatever the data (missing values included) and whichever weighted means at the two levels, the leaves'
    contributions sum to the index gap; with arithmetic means throughout, each equals ew_a x_a - ew_b x_b."""
    vals = {c: [x[k], x[k + 5]] for k, c in enumerate(PROP_FW.indicators)}
    cs = cross_section(vals, ["A", "B"])
    as_step = lambda m: m if isinstance(m, dict) else {"method": m}  # noqa: E731
    spec = PipelineSpec.from_obj([{"aggregate": {"by_level": {2: as_step(pillar), 3: as_step(index)}}}])
    r = build(PROP_FW, cs, spec)
    if not np.isfinite(r.index).all():
        with pytest.raises(Exception, match="no Index score"):
            gap(r, "A", "B")
        return
    g = gap(r, "A", "B")
    assert g.loc[g["leaf"], "contribution"].sum() == pytest.approx(g.attrs["gap"], rel=1e-9, abs=1e-9)
    if pillar == "arithmetic" and index == "arithmetic":
        rows = g.set_index("node")
        for ind in PROP_FW.indicators:
            p = PROP_FW.parent(ind)
            ew = {e: rows.at[ind, f"weight_{e}"] * rows.at[p, f"weight_{e}"] for e in ("a", "b")}
            xa, xb = (np.nan_to_num(v) for v in vals[ind])
            assert rows.at[ind, "contribution"] == pytest.approx(ew["a"] * xa - ew["b"] * xb, abs=1e-9)


def test_equal_weights_at_a_level():
    """``weights: equal`` at the index (issue #2: no weights at one level): P1 and P2 count half each."""
    spec = PipelineSpec.from_obj(
        [{"aggregate": {"method": "arithmetic", "by_level": {3: {"weights": "equal"}}}}]
    )
    cs = cross_section({"i1": [80, 40], "i2": [60, 60], "i3": [50, 20]}, ["A", "B"])
    g, c = contributions(build(FW, cs, spec))
    assert g.attrs["gap"] == pytest.approx(0.5 * (70 - 50) + 0.5 * (50 - 20))  # 25
    assert c["i1"] == pytest.approx(0.5 * 0.5 * (80 - 40)) and c["i3"] == pytest.approx(0.5 * (50 - 20))

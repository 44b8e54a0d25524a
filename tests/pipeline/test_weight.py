"""Weight stage: COINr PCA weights, independent checks (pymcdm, Saaty's published example, a
hand-solved LP), errors, and the runner storing and activating the weight set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pymcdm.weights import critic_weights, entropy_weights, standard_deviation_weights

from innoscope import SpecError, StageError, build
from innoscope.pipeline import weight
from innoscope.pipeline.base import Context
from innoscope.pipeline.spec import Step
from innoscope.pipeline.weight import ahp_weights
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref

RTOL = 1e-9


@pytest.fixture(scope="module")
def ref():
    return reference_result("base")


def _ctx(r) -> Context:
    return Context(framework=r.framework, data=r.data, datasets=dict(r.datasets), weights=dict(r.weights))


def _run(r, method=None, data="Normalised", ctx=None, **fields):
    return weight.run(r.stage(data), ctx or _ctx(r), Step(stage="weight", method=method, **fields))


# -- PCA vs COINr get_PCA(Level = 1, weights_to = "PCAwtsLev1") -------------------------------------


def test_pca_weights_match_coinr_up_to_group_sign(ref):
    fw = ref.framework
    w = _run(ref, "pca", params={"level": 1}).weights
    coinr = coinr_ref("weights_pca_lev1", "weights_PCAwtsLev1.csv").set_index("iCode")["Weight"]
    flipped = []
    for g in fw.codes(2):
        ch = fw.children(g)
        assert w[ch].sum() > 0  # innoscope's orientation: loadings sum to a positive number
        sign = np.sign(w[ch] @ coinr[ch])
        np.testing.assert_allclose(sign * w[ch], coinr[ch], rtol=RTOL, atol=1e-13)
        if sign < 0:
            flipped.append(g)
    # COINr keeps LAPACK's arbitrary sign: its Political and Social loadings are all negative
    assert flipped == ["Political", "Social"]
    upper = fw.codes(2) + fw.codes(3)
    np.testing.assert_array_equal(w[upper], coinr[upper])


def test_pca_weights_reproduce_coinr_aggregated_set(ref):
    """COINr re-aggregates the Normalised set with the PCA weights (negative ones included):
    a weighted arithmetic mean sum(w x) / sum(w) per group, computed here directly."""
    fw = ref.framework
    w = _run(ref, "pca", params={"level": 1}).weights
    expected = coinr_ref("weights_pca_lev1", "dset_Aggregated.csv")
    X = ref.stage("Normalised").copy()
    for level in range(2, fw.n_levels + 1):
        for g in fw.codes(level):
            ch = fw.children(g)
            X[g] = X[ch].to_numpy() @ w[ch].to_numpy() / w[ch].sum()
    np.testing.assert_allclose(X.loc[expected.index, expected.columns], expected, rtol=RTOL)


def test_pca_by_node_only_one_group(ref):
    fw = ref.framework
    out = _run(ref, "framework", params={"level": 1}, by_node={"Environ": {"method": "pca"}}).weights
    assert (out[fw.children("Physical")] == 1).all()
    coinr = coinr_ref("weights_pca_lev1", "weights_PCAwtsLev1.csv").set_index("iCode")["Weight"]
    np.testing.assert_allclose(out[fw.children("Environ")], coinr[fw.children("Environ")], rtol=RTOL)


# -- data-driven methods vs pymcdm ------------------------------------------------------------------


@pytest.fixture(scope="module")
def positive():
    """A strictly positive normalised set (COINr min-max onto [1, 100])."""
    return reference_result("agg_amean_1_100")


@pytest.mark.parametrize(
    ("method", "independent"),
    [("entropy", entropy_weights), ("critic", critic_weights), ("std", standard_deviation_weights)],
)
def test_data_driven_weights_match_pymcdm(positive, method, independent):
    fw = positive.framework
    w = _run(positive, method).weights
    X = positive.stage("Normalised")
    for g in fw.codes(2):
        ch = fw.children(g)
        expected = independent(X[ch].to_numpy())
        np.testing.assert_allclose(w[ch] / w[ch].sum(), expected, rtol=RTOL)


def test_entropy_hand_example():
    """p = (1/2, 1/2) -> E = 1, weight 0; p = (1, 0) -> E = 0 (0 ln 0 = 0), weight 1."""
    X = np.array([[1.0, 3.0], [1.0, 0.0]])
    np.testing.assert_allclose(weight.entropy(X, np.ones(2)), [0.0, 1.0], atol=1e-15)


def test_entropy_rejects_negative_values(ref):
    r = reference_result("base")
    r.datasets["Normalised"] = -ref.stage("Normalised") - 1.0
    with pytest.raises(StageError, match=r"\[weight\] group 'Physical'.*non-negative"):
        _run(r, "entropy")


# -- AHP ----------------------------------------------------------------------------------------------

SAATY_1990_HOUSE = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]


def test_ahp_saaty_1990_published_example():
    """Saaty, T.L. (1990) How to make a decision: the analytic hierarchy process. European Journal
    of Operational Research 48(1):9-26, house-buying example, criteria matrix (size, bus, neighbourhood,
    age, yard, modern facilities, condition, financing). Published: priorities .173 .054 .188 .018
    .031 .036 .167 .333, lambda_max = 9.669, C.I. = 0.238, C.R. = 0.169."""
    w, lam, ci, cr = ahp_weights(SAATY_1990_HOUSE)
    np.testing.assert_allclose(w, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], atol=5e-4)
    assert round(lam, 3) == 9.669
    assert round(ci, 3) == 0.238
    assert round(cr, 3) == 0.169


def test_ahp_consistent_matrix_by_node(ref):
    """A consistent matrix (a_ij = v_i / v_j) has CR = 0 and weights v / sum v: (3, 1, 1) / 5."""
    out = _run(
        ref,
        "framework",
        params={"level": 2},
        by_node={"Sust": {"method": "ahp", "matrix": [[1, 3, 3], [1 / 3, 1, 1], [1 / 3, 1, 1]]}},
    )
    np.testing.assert_allclose(out.weights[["Environ", "Social", "SusEcFin"]], [0.6, 0.2, 0.2], rtol=1e-12)
    log = out.log["weights"].set_index("iCode")
    assert abs(log.loc["Environ", "CR"]) < 1e-12


def test_ahp_inconsistent_is_an_error_or_a_warning(ref):
    fw = ref.framework
    children = fw.children("Conn")
    assert len(children) == 5
    A = np.ones((5, 5))
    A[0, 1], A[1, 0] = 9, 1 / 9
    A[1, 2], A[2, 1] = 9, 1 / 9
    A[0, 2], A[2, 0] = 1 / 9, 9  # circular preferences: CR >> 0.1
    spec = {"level": 2}
    with pytest.raises(StageError, match=r"group 'Conn'.*consistency ratio CR = \d\.\d+ > 0\.1"):
        _run(ref, "framework", params=spec, by_node={"Conn": {"method": "ahp", "matrix": A.tolist()}})
    with pytest.warns(UserWarning, match="group 'Conn'.*CR ="):
        out = _run(
            ref,
            "framework",
            params=spec,
            by_node={"Conn": {"method": "ahp", "matrix": A.tolist(), "inconsistent": "warn"}},
        )
    assert out.weights[children].sum() == pytest.approx(1.0)


def test_ahp_rejects_non_reciprocal_and_wrong_size(ref):
    with pytest.raises(StageError, match="not reciprocal"):
        _run(
            ref,
            "framework",
            params={"level": 2},
            by_node={"Sust": {"method": "ahp", "matrix": [[1, 2, 2], [2, 1, 1], [0.5, 1, 1]]}},
        )
    with pytest.raises(StageError, match="2 x 2 but the group has 3 children"):
        _run(
            ref,
            "framework",
            params={"level": 2},
            by_node={"Sust": {"method": "ahp", "matrix": [[1, 2], [0.5, 1]]}},
        )


# -- errors -------------------------------------------------------------------------------------------


def test_group_weights_summing_to_zero_is_an_error_naming_the_group(ref):
    fw = ref.framework
    ctx = _ctx(ref)
    w = ctx.weights["Original"].copy()
    w[fw.children("Political")] = 0.0
    ctx.weights["Original"] = w
    with pytest.raises(StageError, match=r"\[weight\] the weights of group 'Political' .*sum to 0"):
        _run(ref, "framework", ctx=ctx)


def test_unknown_method_and_parameter_list_valid_names(ref):
    with pytest.raises(SpecError, match="valid methods: .*ahp.*critic.*entropy"):
        _run(ref, "magic")
    with pytest.raises(SpecError, match="valid parameters: .*matrix"):
        _run(ref, "ahp", params={"level": 2, "matrx": [[1]]})


def test_missing_columns_point_to_the_aggregated_set(ref):
    with pytest.raises(StageError, match="group 'Conn'.*input: Aggregated"):
        _run(ref, "pca", params={"level": 2})


# -- optimised weights (COINr get_opt_weights) -------------------------------------------------------


def _index_corr(ref, w):
    X = ref.stage("Normalised").copy()
    fw = ref.framework
    for level in range(2, fw.n_levels + 1):
        for g in fw.codes(level):
            ch = fw.children(g)
            X[g] = X[ch].to_numpy() @ w[ch].to_numpy() / w[ch].sum()
    return np.array([np.corrcoef(X[c], X["Index"])[0, 1] for c in fw.codes(3)])


def test_optimised_balance_equalises_correlations_with_the_index(ref):
    out = _run(ref, "optimised", params={"level": 3, "itarg": "equal"})
    w0 = ref.weights["Original"]
    c0, c1 = _index_corr(ref, w0), _index_corr(ref, out.weights)
    share0, share1 = c0 / c0.sum(), c1 / c1.sum()
    assert abs(share0[0] - 0.5) > 0.02  # nominal weights: Conn dominates the index
    assert abs(share1[0] - 0.5) < 1e-3
    info = out.log["optimisation_L3"]
    np.testing.assert_allclose(info["Obtained"], share1, rtol=1e-9)
    assert out.weights[["Conn", "Sust"]].sum() == pytest.approx(1.0)


def test_optimised_infomax_raises_total_correlation(ref):
    out = _run(ref, "optimised", params={"level": 3, "optype": "infomax"})
    assert _index_corr(ref, out.weights).sum() > _index_corr(ref, ref.weights["Original"]).sum() + 1e-4


# -- runner integration ---------------------------------------------------------------------------------


def test_build_stores_and_activates_the_weight_set(asem):
    fw, cs = asem
    spec = {
        "steps": [
            {"normalise": {"method": "minmax"}},
            {"weight": {"method": "equal", "output": "EqualWts"}},
            {"aggregate": {"method": "arithmetic"}},
        ]
    }
    res = build(fw, cs, spec)
    assert res.active_weights == "EqualWts"
    assert set(res.weights["EqualWts"].index) == {n.id for n in fw.nodes}
    agg = res.stage("Aggregated")
    ch = fw.children("Conn")
    np.testing.assert_allclose(agg["Conn"], agg[ch].mean(axis=1), rtol=1e-12)
    assert isinstance(res.weights["EqualWts"], pd.Series)


def test_yaml_spec_with_per_group_methods(asem):
    fw, cs = asem
    spec = """
steps:
  - normalise: {method: minmax}
  - weight:
      method: equal
      level: [1, 2]
      output: Mixed
      by_node:
        Sust: {method: ahp, matrix: [[1, 3, 3], [0.3333333333333333, 1, 1], [0.3333333333333333, 1, 1]]}
        Environ: {method: framework}
  - aggregate: {method: arithmetic}
"""
    res = build(fw, cs, spec)
    w = res.weights["Mixed"]
    np.testing.assert_allclose(w[["Environ", "Social", "SusEcFin"]], [0.6, 0.2, 0.2], rtol=1e-9)
    assert (w[fw.children("Conn")] == 1).all()
    agg = res.stage("Aggregated")
    expected = agg[["Environ", "Social", "SusEcFin"]].to_numpy() @ np.array([0.6, 0.2, 0.2])
    np.testing.assert_allclose(agg["Sust"], expected, rtol=1e-12)


def test_spec_validation_rejects_bad_weight_parameter(asem):
    fw, cs = asem
    with pytest.raises(SpecError, match="step 2 \\(weight\\).*'cr_maxx'"):
        build(
            fw,
            cs,
            {
                "steps": [
                    {"normalise": {"method": "minmax"}},
                    {"weight": {"method": "ahp", "level": 2, "cr_maxx": 0.2}},
                ]
            },
        )


def test_optimised_fast_path_equals_restaging(ref):
    """The numpy re-aggregation used for the arithmetic mean gives the same optimum as re-running
    the aggregate stage for every trial (forced here by a no-op data-availability threshold)."""
    fast = _run(ref, "optimised", params={"level": 3, "solver": "nelder-mead"})
    slow = _run(
        ref,
        "optimised",
        params={
            "level": 3,
            "solver": "nelder-mead",
            "aggregate": {"method": "arithmetic", "dat_thresh": 0.0},
        },
    )
    np.testing.assert_allclose(fast.weights[["Conn", "Sust"]], slow.weights[["Conn", "Sust"]], rtol=1e-6)
    np.testing.assert_allclose(fast.log["optimisation_L3"]["Obtained"], [0.5, 0.5], atol=1e-6)


def test_bod_as_weight_method_points_to_aggregate(ref):
    with pytest.raises(StageError, match="aggregate: {method: bod}"):
        _run(ref, "bod")


def test_pca_at_level_2_is_the_top_eigenvector_of_the_correlation_matrix(ref):
    """Independent check: PC1 loadings = the eigenvector of the largest eigenvalue of the
    correlation matrix (numpy eigh), here for the pillars of each sub-index (input: Aggregated)."""
    fw = ref.framework
    w = _run(ref, "pca", data="Aggregated", params={"level": 2}).weights
    A = ref.stage("Aggregated")
    for g in fw.codes(3):
        ch = fw.children(g)
        vals, vecs = np.linalg.eigh(np.corrcoef(A[ch].to_numpy(), rowvar=False))
        v = vecs[:, np.argmax(vals)]
        v = v if v.sum() > 0 else -v
        np.testing.assert_allclose(w[ch], v, rtol=1e-9)
    assert (w[fw.indicators] == 1).all()

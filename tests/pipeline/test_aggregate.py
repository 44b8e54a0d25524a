"""Aggregate: COINr's Aggregated sets rebuilt from its own Normalised sets; independent checks for the rest.

COINr references (1.1.14): <variant>/dset_Normalised.csv in, <variant>/dset_Aggregated.csv out,
rtol 1e-9, with the iMeta weights. TOPSIS and VIKOR against pymcdm; Mazziotta-Pareto, Copeland
and the weighted median against hand computations written here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pymcdm import methods as mcdm
from pymcdm import normalizations

from innoscope import CrossSection, SpecError, StageError, build
from innoscope.pipeline.aggregate import (
    DomainError,
    arithmetic,
    copeland,
    generalised,
    geometric,
    harmonic,
    mazziotta_pareto,
    median,
    topsis,
    vikor,
)
from tests.conftest import coinr_ref
from tests.pipeline._tiny import cross_section, framework

RTOL = 1e-9


def aggregated(fw, variant: str, **body) -> pd.DataFrame:
    cs = CrossSection(values=coinr_ref(variant, "dset_Normalised.csv"))
    return build(fw, cs, [{"aggregate": body}]).stage("Aggregated")


@pytest.mark.parametrize(
    "variant, method",
    [
        ("agg_gmean", "geometric"),
        ("agg_amean_1_100", "arithmetic"),
        ("norm_zscore", "arithmetic"),
        ("norm_rank", "a_amean"),
        ("base", "arithmetic"),
        ("overview_order", "arithmetic"),
    ],
)
def test_matches_coinr_aggregated(asem, variant, method):
    """overview_order carries 25 missing values into Aggregate: weights renormalise over the children present."""
    fw, _ = asem
    ref = coinr_ref(variant, "dset_Aggregated.csv")
    got = aggregated(fw, variant, method=method)
    assert list(got.columns) == list(ref.columns)
    np.testing.assert_allclose(
        got.loc[ref.index].to_numpy(float), ref.to_numpy(float), rtol=RTOL, equal_nan=True
    )


def _wmean(X: pd.DataFrame, w: pd.Series) -> pd.Series:
    return (X * w).sum(axis=1) / w.sum()


def _wgmean(X: pd.DataFrame, w: pd.Series) -> pd.Series:
    return np.exp((np.log(X) * w).sum(axis=1) / w.sum())


def test_method_by_level(asem):
    """Arithmetic for pillars, geometric above: pillars = COINr's amean run, above = a hand geometric mean."""
    fw, _ = asem
    amean = coinr_ref("agg_amean_1_100", "dset_Aggregated.csv")
    got = aggregated(fw, "agg_amean_1_100", method="geometric", by_level={2: {"method": "arithmetic"}})
    pillars = fw.codes(2)
    np.testing.assert_allclose(got.loc[amean.index, pillars], amean[pillars], rtol=RTOL)
    w = pd.Series(fw.weights())
    for code in fw.codes(3):
        ch = fw.children(code)
        np.testing.assert_allclose(got[code], _wgmean(got[ch], w[ch]), rtol=RTOL)
    np.testing.assert_allclose(got["Index"], _wgmean(got[["Conn", "Sust"]], w[["Conn", "Sust"]]), rtol=RTOL)


def test_method_by_node(asem):
    """Arithmetic for one pillar (Physical), geometric for the others, as COINr's two runs give them."""
    fw, _ = asem
    amean = coinr_ref("agg_amean_1_100", "dset_Aggregated.csv")
    gmean = coinr_ref("agg_gmean", "dset_Aggregated.csv")
    got = aggregated(fw, "agg_gmean", method="geometric", by_node={"Physical": {"method": "arithmetic"}})
    np.testing.assert_allclose(got.loc[amean.index, "Physical"], amean["Physical"], rtol=RTOL)
    others = [p for p in fw.codes(2) if p != "Physical"]
    np.testing.assert_allclose(got.loc[gmean.index, others], gmean[others], rtol=RTOL)
    np.testing.assert_allclose(got.loc[gmean.index, "Sust"], gmean["Sust"], rtol=RTOL)
    assert not np.allclose(got.loc[gmean.index, "Conn"], gmean["Conn"], rtol=RTOL)


def test_equal_weights_at_one_level(asem):
    """``weights: equal`` at level 3: sub-indexes are plain means of their pillars."""
    fw, _ = asem
    amean = coinr_ref("base", "dset_Aggregated.csv")
    got = aggregated(fw, "base", method="arithmetic", by_level={3: {"weights": "equal"}})
    pillars = fw.codes(2)
    np.testing.assert_allclose(got.loc[amean.index, pillars], amean[pillars], rtol=RTOL)
    for code in fw.codes(3):
        np.testing.assert_allclose(got[code], got[fw.children(code)].mean(axis=1), rtol=RTOL)


def test_data_availability_threshold_per_group(asem):
    """dat_thresh 0.9 on the pillar P2P only: entities with < 90% of P2P's indicators get NaN there."""
    fw, _ = asem
    ref = coinr_ref("overview_order", "dset_Aggregated.csv")
    got = aggregated(fw, "overview_order", method="arithmetic", by_node={"P2P": {"dat_thresh": 0.9}})
    avail = ref[fw.children("P2P")].notna().mean(axis=1)
    low = avail.index[avail < 0.9]
    assert len(low) > 0
    assert got.loc[low, "P2P"].isna().all()
    keep = avail.index[avail >= 0.9]
    np.testing.assert_allclose(got.loc[keep, "P2P"], ref.loc[keep, "P2P"], rtol=RTOL)
    other = [p for p in fw.codes(2) if p != "P2P"]
    np.testing.assert_allclose(got.loc[ref.index, other], ref[other], rtol=RTOL, equal_nan=True)


# -- stacked weights (the Monte Carlo contract) --------------------------------------------------


@pytest.fixture
def stack():
    rng = np.random.default_rng(7)
    X = rng.uniform(1, 100, size=(30, 5))
    X[rng.random(X.shape) < 0.15] = np.nan
    W = rng.uniform(0, 2, size=(5, 8))
    return X, W


@pytest.mark.parametrize(
    "kernel, kw",
    [
        (arithmetic, {}),
        (geometric, {}),
        (harmonic, {}),
        (generalised, {"p": 2.5}),
        (generalised, {"p": -0.5}),
    ],
)
def test_stacked_weights_equal_one_run_per_column(stack, kernel, kw):
    X, W = stack
    Y = kernel(X, W, **kw)
    assert Y.shape == (X.shape[0], W.shape[1])
    for r in range(W.shape[1]):
        np.testing.assert_allclose(Y[:, r], kernel(X, W[:, r], **kw), rtol=1e-12)


def test_mean_kernels_by_hand():
    X = np.array([[1.0, 4.0, 16.0], [2.0, np.nan, 8.0]])
    w = np.array([1.0, 2.0, 1.0])
    np.testing.assert_allclose(arithmetic(X, w), [(1 + 8 + 16) / 4, (2 + 8) / 2])
    np.testing.assert_allclose(geometric(X, w), [(1 * 16 * 16) ** 0.25, 4.0])
    np.testing.assert_allclose(harmonic(X, w), [4 / (1 + 0.5 + 1 / 16), 2 / (0.5 + 1 / 8)])
    np.testing.assert_allclose(generalised(X, w, p=2), [np.sqrt((1 + 32 + 256) / 4), np.sqrt((4 + 64) / 2)])


def test_generalised_mean_special_cases(stack):
    X, W = stack
    w = W[:, 0]
    np.testing.assert_allclose(generalised(X, w, p=1), arithmetic(X, w), rtol=1e-12)
    np.testing.assert_allclose(generalised(X, w, p=-1), harmonic(X, w), rtol=1e-12)
    np.testing.assert_allclose(generalised(X, w, p=0), geometric(X, w), rtol=1e-12)
    np.testing.assert_allclose(generalised(X, w, p=1e-9), geometric(X, w), rtol=1e-6)
    np.testing.assert_allclose(generalised(X, w, p=-1e-9), geometric(X, w), rtol=1e-6)
    assert (harmonic(X, w) <= geometric(X, w) * (1 + 1e-12)).all()
    assert (geometric(X, w) <= arithmetic(X, w) * (1 + 1e-12)).all()


# -- independent implementations ---------------------------------------------------------------


@pytest.fixture(scope="module")
def pillar():
    """The Physical pillar's five indicators from COINr's Normalised set (min-max 1-100), with weights."""
    nm = coinr_ref("agg_gmean", "dset_Normalised.csv")
    cols = ["LPI", "Flights", "Ship", "Bord", "Elec"]
    return nm[cols].to_numpy(float), np.array([1.0, 2.0, 1.0, 0.5, 1.5])


@pytest.mark.parametrize(
    "ours, theirs",
    [("vector", normalizations.vector_normalization), ("minmax", normalizations.minmax_normalization)],
)
def test_topsis_equals_pymcdm(pillar, ours, theirs):
    X, w = pillar
    expected = mcdm.TOPSIS(normalization_function=theirs)(X, w / w.sum(), np.ones(X.shape[1]))
    np.testing.assert_allclose(topsis(X, w, normalise=ours), expected, rtol=1e-12)


@pytest.mark.parametrize("v", [0.5, 0.2, 1.0])
def test_vikor_equals_pymcdm(pillar, v):
    """pymcdm returns Q (lower is better); innoscope reports 1 - Q."""
    X, w = pillar
    Q = mcdm.VIKOR(v=v)(X, w / w.sum(), np.ones(X.shape[1]))
    np.testing.assert_allclose(vikor(X, w, v=v), 1 - Q, rtol=1e-12, atol=1e-15)


def test_mazziotta_pareto_by_hand():
    """Mazziotta & Pareto (2016), Soc. Indic. Res. 127(3): z = 100 + 10 (x - M_x) / S_x, MPI = M_z -/+ S_z cv.

    Columns [1,1,3,3], [5,3,5,3], [0,2,2,0] have mean 2, 4, 1 and population sd 1, so
    z = [90,90,110,110], [110,90,110,90], [90,110,110,90]. Entity 1 has z = (90, 110, 90):
    M = 290/3, S^2 = 800/9, MPI- = M - S^2/M = 290/3 - 80/87. Entity 3 has z = (110, 110, 110): 110.
    With weights (2, 1, 1): entity 1 M = 95, S^2 = 75; entity 4 (110, 90, 90): M = 100, S^2 = 100.
    """
    X = np.array([[1.0, 5.0, 0.0], [1.0, 3.0, 2.0], [3.0, 5.0, 2.0], [3.0, 3.0, 0.0]])
    eq = np.ones(3)
    np.testing.assert_allclose(mazziotta_pareto(X, eq), [290 / 3 - 80 / 87] * 2 + [110, 290 / 3 - 80 / 87])
    np.testing.assert_allclose(
        mazziotta_pareto(X, eq, penalty="negative"), [290 / 3 + 80 / 87] * 2 + [110, 290 / 3 + 80 / 87]
    )
    w = np.array([2.0, 1.0, 1.0])
    np.testing.assert_allclose(mazziotta_pareto(X, w), [95 - 75 / 95, 95 - 75 / 95, 110, 100 - 1])
    np.testing.assert_allclose(mazziotta_pareto(X, w, penalty=1), [95 + 75 / 95, 95 + 75 / 95, 110, 101])
    Z = np.array([[90.0, 110, 90], [100, 100, 100]])
    np.testing.assert_allclose(mazziotta_pareto(Z, eq, standardise=False), [290 / 3 - 80 / 87, 100])


def test_mpi_domain_errors_name_the_child_or_the_entity():
    """A constant child (population sd 0) is its column's fault: row -1; an entity whose weighted mean is not
    positive is its row's fault: column -1. Batched (R, n, k), the indices are within the replication."""
    flat = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])  # child 1 is 5 everywhere: sd 0
    varied = np.array([[1.0, 5.0], [2.0, 6.0], [3.0, 4.0]])
    zero_mean = np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 1.0]])  # equal weights: means 1.5, 0, 0
    positive = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    cases = [
        (flat, np.ones(2), True, (-1, 1, 0.0)),
        (np.stack([varied, flat]), np.ones((2, 2)), True, (-1, 1, 0.0)),
        (zero_mean, np.ones(2), False, (1, -1, 0.0)),
        (np.stack([positive, zero_mean]), np.ones((2, 2)), False, (1, -1, 0.0)),
    ]
    for X, w, standardise, where in cases:
        with pytest.raises(DomainError) as err:
            mazziotta_pareto(X, w, standardise=standardise)
        assert (err.value.row, err.value.col, err.value.value) == where
    with pytest.raises(DomainError, match=r"^the Mazziotta-Pareto index needs a positive mean"):
        mazziotta_pareto(zero_mean, np.ones(2), standardise=False)


def test_copeland_by_hand():
    """Outranking: s_ik = share of weight where i beats k (ties count half); score = sum of sign(s - 1/2).

    A = (3, 1, 2), B = (2, 2, 2), C = (1, 3, 1). Equal weights: s_AB = 1.5/3 (tie), s_AC = s_BC = 2/3,
    so A = 0 + 1, B = 0 + 1, C = -2. Weights (1, 2, 1): s_AB = 1.5/4 < 1/2, s_AC = s_BC = 2/4 (ties):
    A = -1, B = +1, C = 0.
    """
    X = np.array([[3.0, 1.0, 2.0], [2.0, 2.0, 2.0], [1.0, 3.0, 1.0]])
    np.testing.assert_array_equal(copeland(X, np.ones(3)), [1, 1, -2])
    np.testing.assert_array_equal(copeland(X, np.array([1.0, 2.0, 1.0])), [-1, 1, 0])
    Xn = X.copy()
    Xn[0, 1] = np.nan  # A vs B on (c1, c3): (1 + 0.5) / 2 > 1/2; A vs C on (c1, c3): 2/2
    np.testing.assert_array_equal(copeland(Xn, np.ones(3)), [2, 0, -2])
    np.testing.assert_array_equal(copeland(Xn[[2, 0, 1]], np.ones(3)), [-2, 2, 0])


def test_copeland_in_blocks_equals_the_full_outranking_matrix():
    """More entities than one block (512): the whole n x n x k comparison written out with broadcasting."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 5, size=(600, 4)).astype(float)
    X[rng.random(X.shape) < 0.1] = np.nan
    w = np.array([1.0, 2.0, 0.5, 1.5])
    a, b = X[:, None, :], X[None, :, :]
    both = ~np.isnan(a) & ~np.isnan(b)
    with np.errstate(invalid="ignore"):
        win = (w * (((a > b) + 0.5 * (a == b)) * both)).sum(axis=2)
    tot = (w * both).sum(axis=2)
    s = np.where(tot > 0, win / np.where(tot > 0, tot, 1), 0.5)
    np.fill_diagonal(s, 0.5)
    np.testing.assert_array_equal(copeland(X, w), np.sign(s - 0.5).sum(axis=1))


def test_weighted_median_by_hand():
    X = np.array([[1.0, 2.0, 3.0, 4.0]] * 3 + [[4.0, np.nan, 1.0, 3.0]])
    np.testing.assert_allclose(median(X[:1], np.ones(4)), [2.5])
    np.testing.assert_allclose(median(X[:1], np.array([1.0, 1, 1, 5])), [4.0])
    np.testing.assert_allclose(median(X[:1], np.array([3.0, 1, 1, 1])), [1.5])
    np.testing.assert_allclose(median(X[:1], np.array([3.0, 1, 1, 0])), [1.0])
    np.testing.assert_allclose(median(X[3:], np.ones(4)), [3.0])


def test_every_method_runs_on_asem_by_name(asem):
    fw, _ = asem
    for method, kw in [
        ("mpi", {}),
        ("topsis", {}),
        ("vikor", {"v": 0.3}),
        ("copeland", {}),
        ("median", {}),
        ("generalised", {"p": 0.5}),
        ("harmonic", {}),
    ]:
        got = aggregated(fw, "agg_gmean", method=method, **kw)
        assert np.isfinite(got["Index"]).all(), method


# -- bad input -----------------------------------------------------------------------------------


def test_geometric_mean_on_non_positive_value_names_node_entity_and_value(asem):
    fw, _ = asem
    with pytest.raises(
        StageError,
        match=r"^\[aggregate\] node '(\w+)' \(level 2\), method 'geometric': the geometric "
        r"mean needs values > 0, but entity '\w+' has \w+ = 0.0",
    ):
        aggregated(fw, "base", method="geometric")
    fw2 = framework({"P": ["a", "b"], "Q": ["c"]})
    cs = cross_section(
        {"a": [1.0, 2.0, 3.0], "b": [2.0, -1.5, 1.0], "c": [1.0, 1.0, 1.0]}, ["深圳", "杭州", "北京"]
    )
    with pytest.raises(
        StageError,
        match=r"node 'P' \(level 2\), method 'harmonic': the harmonic mean needs "
        r"values > 0, but entity '杭州' has b = -1.5",
    ):
        build(fw2, cs, [{"aggregate": "harmonic"}])
    with pytest.raises(
        StageError, match=r"node 'P'.*power mean with p = -2.0 needs values > 0.*'杭州' has b = -1.5"
    ):
        build(fw2, cs, [{"aggregate": {"method": "generalised", "p": -2}}])
    ok = build(fw2, cs, [{"aggregate": {"method": "geometric", "by_node": {"P": {"method": "arithmetic"}}}}])
    np.testing.assert_allclose(ok.stage("Aggregated")["P"], [1.5, 0.25, 2.0])


def test_weights_summing_to_zero_in_a_group():
    fw = framework({"P": ["a", "b"], "Q": ["c"]}, weights={"a": 0.0, "b": 0.0})
    cs = cross_section({"a": [1.0, 2.0], "b": [2.0, 3.0], "c": [1.0, 4.0]}, ["x", "y"])
    with pytest.raises(
        StageError, match=r"^\[aggregate\] weights of the children of 'P' \(a, b\) sum to 0.0"
    ):
        build(fw, cs, [{"aggregate": "arithmetic"}])
    got = build(fw, cs, [{"aggregate": {"method": "arithmetic", "by_node": {"P": {"weights": "equal"}}}}])
    np.testing.assert_allclose(got.stage("Aggregated")["P"], [1.5, 2.5])


def test_mpi_flat_child_and_bad_parameters_are_named():
    fw = framework({"P": ["a", "b"]})
    cs = cross_section({"a": [1.0, 2.0, 3.0], "b": [5.0, 5.0, 5.0]}, ["x", "y", "z"])
    with pytest.raises(
        StageError,
        match=r"node 'P'.*'mazziotta_pareto'.*needs a standard deviation > 0 for every child, but b has 0.0",
    ):
        build(fw, cs, [{"aggregate": "mpi"}])
    with pytest.raises(
        SpecError, match=r"aggregate method 'vikor' has no parameter 'p'; valid parameters: v"
    ):
        build(fw, cs, [{"aggregate": {"method": "vikor", "p": 2}}])
    with pytest.raises(StageError, match=r"node 'P'.*'vikor': v must be in \[0, 1\]"):
        build(fw, cs, [{"aggregate": {"method": "vikor", "v": 2}}])
    with pytest.raises(StageError, match=r"dat_thresh must be in \[0, 1\]"):
        build(fw, cs, [{"aggregate": {"method": "arithmetic", "dat_thresh": 90}}])


@pytest.mark.parametrize(
    "method,params",
    [
        ("median", {}),
        ("copeland", {}),
        ("topsis", {}),
        ("topsis", {"normalise": "minmax"}),
        ("vikor", {"v": 0.3}),
        ("mazziotta_pareto", {}),
        ("mazziotta_pareto", {"penalty": 1}),
    ],
)
def test_batched_kernel_is_the_kernel_per_replication(method, params):
    """A stack (R, n, k) with weights (R, k) gives, replication by replication, the 2-D kernel's result."""
    from innoscope.pipeline.aggregate import BATCHED, METHODS

    assert method in BATCHED
    rng = np.random.default_rng(4)
    R, n, k = 7, 23, 5
    X = np.round(rng.uniform(0, 10, (R, n, k)), 0)  # rounding makes ties, which Copeland and the median meet
    X[rng.random((R, n, k)) < 0.1] = np.nan
    W = rng.uniform(0, 2, (R, k))
    W[:, 2] = 1.0  # one column of equal weight everywhere, one of zero weight in some replications
    W[::2, 4] = 0.0
    f = METHODS.get(method).func
    got = f(X, W, **params)
    want = np.stack([f(X[r], W[r], **params) for r in range(R)])
    np.testing.assert_array_equal(got, want)
    assert got.shape == (R, n) and np.isfinite(got).sum() > 0.8 * R * n
    shared = f(X[0], W, **params)  # one data set under R weight sets
    np.testing.assert_array_equal(shared, np.stack([f(X[0], W[r], **params) for r in range(R)]))


def test_mpi_entity_whose_present_children_all_weigh_zero_is_missing():
    """Found by the differential Monte Carlo test (an exclusion zeroed the one child an entity had): as with the
    means, such an entity gets NaN; it raised a DomainError (mean 0 of no weighted child)."""
    X = np.array([[90.0, 10.0], [np.nan, 30.0], [50.0, 50.0], [20.0, 70.0]])
    got = mazziotta_pareto(X, np.array([1.0, 0.0]), standardise=False)
    # child a alone (weight 1): M_i = x_ia, S_i = 0, so MPI = M_i; entity 2 has only b, which weighs 0
    np.testing.assert_allclose(got, [90.0, np.nan, 50.0, 20.0])

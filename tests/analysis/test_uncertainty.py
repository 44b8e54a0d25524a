"""Uncertainty analysis: agreement with COINr, exactness of the vectorised path, specs rejected up front."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innoscope as ino
import innoscope.analysis.montecarlo as montecarlo
import innoscope.analysis.uncertainty as ua_mod
from innoscope import PipelineSpec, SpecError
from innoscope.analysis.montecarlo import rank_rows
from innoscope.analysis.uncertainty import quantiles_from_counts, uncertainty
from tests.conftest import coinr_ref

SPEC = Path(__file__).resolve().parents[2] / "examples" / "asem" / "sensitivity.yaml"


@pytest.fixture(scope="module")
def coinr_spec():
    return PipelineSpec.from_yaml(SPEC)


@pytest.fixture(scope="module")
def ua(asem, coinr_spec):
    fw, cs = asem
    return uncertainty(fw, cs, coinr_spec, n=10_000, seed=1)


def test_nominal_ranks_identical_to_coinr(ua):
    ref = coinr_ref("sensitivity", "UA_N500_Nominal.csv")
    got = ua.rank_stats().set_index("uCode")["nominal"]
    assert got.reindex(ref.index).tolist() == ref["Rank"].astype(float).tolist()


@pytest.mark.slow
def test_rank_intervals_agree_with_coinr_within_monte_carlo_error(ua):
    """Median, q05 and q95 ranks vs COINr's ``UA_N500_RankStats`` (N = 500, seed 42 in R).

    Tolerance, derived statistically: the sampling spread of each entity's type-7 median / q05 / q95
    is estimated by bootstrapping COINr's own 100 replications (``UA_N100_Ranks_all_replications``,
    B = 4000 resamples of the 100 columns): sd_100 per entity and statistic. A quantile's standard
    error scales as 1/sqrt(N), so the difference of COINr's N = 500 estimate and ours (N = 10,000) has
    sd = sd_100 sqrt(100/500 + 100/10000). We allow 4 sd (two-sided p = 6e-5 per comparison, so about
    1% family-wise over the 153 comparisons), and never less than 1 rank (quantiles of integer ranks
    move in whole steps). Both runs also draw their own pool of 100 noisy weight sets, a variation the
    bootstrap does not include, so the test is, if anything, strict.
    """
    reps = coinr_ref("sensitivity", "UA_N100_Ranks_all_replications.csv").filter(like="r_")
    X = reps.to_numpy(float)
    idx = np.random.default_rng(0).integers(0, X.shape[1], (4000, X.shape[1]))
    boot = np.quantile(X[:, idx], [0.05, 0.5, 0.95], axis=-1)
    sd = boot.std(axis=-1) * np.sqrt(100 / 500 + 100 / ua.n)
    tol = np.maximum(1.0, 4 * sd)
    ref = coinr_ref("sensitivity", "UA_N500_RankStats.csv").loc[reps.index]
    got = ua.rank_stats().set_index("uCode").loc[reps.index]
    diff = np.abs(np.vstack([got["q05"] - ref["Q5"], got["median"] - ref["Median"], got["q95"] - ref["Q95"]]))
    bad = [
        (s, reps.index[e], diff[i, e], tol[i, e])
        for i, s in enumerate(("q05", "median", "q95"))
        for e in range(len(reps.index))
        if diff[i, e] > tol[i, e]
    ]
    assert not bad, bad
    assert np.abs(got["mean"] - ref["Mean"]).max() < 1.5


def test_rank_stats_equal_numpy_quantiles_of_the_kept_ranks(asem, coinr_spec):
    fw, cs = asem
    res = uncertainty(fw, cs, coinr_spec, n=301, seed=5, keep=True, chunk=64)
    ranks = res.ranks().to_numpy()
    want = np.quantile(ranks, [0.05, 0.5, 0.95, 0.2], axis=1).T
    got = res.rank_stats(quantiles=(0.05, 0.5, 0.95, 0.2)).set_index("uCode")
    np.testing.assert_allclose(got[["q05", "median", "q95", "q20"]].to_numpy(), want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(got["mean"], ranks.mean(axis=1), rtol=1e-12)
    pairs = res.prob_outranks()
    a, b = "CHN", "JPN"
    i, j = res.entities.index(a), res.entities.index(b)
    assert pairs.loc[a, b] == pytest.approx((ranks[i] < ranks[j]).mean())
    dist = res.rank_distribution()
    np.testing.assert_allclose(dist.sum(axis=1), 1.0)
    assert dist.loc["CHE", 1] == pytest.approx((ranks[res.entities.index("CHE")] == 1).mean())


def test_quantiles_from_counts_type7_by_hand():
    # sample {1, 1, 2, 4}: type 7, h = 3p; p=0.5 -> x(2)+0.5(x(3)-x(2)) = 1.5; p=0.05 -> 1; p=0.95 -> 2+0.85*2 = 3.7
    counts = np.array([[2, 1, 0, 1, 0]])
    np.testing.assert_allclose(quantiles_from_counts(counts, [0.05, 0.5, 0.95]), [[1.0, 1.5, 3.7]])


def test_rank_rows_matches_pandas_min_ties():
    Y = np.array([[3.0, 1.0, 3.0, np.nan, 2.0], [0.0, 0.0, 0.0, 1.0, np.nan]])
    want = pd.DataFrame(Y.T).rank(ascending=False, method="min", na_option="keep").to_numpy().T
    np.testing.assert_array_equal(rank_rows(Y), want)


def _rebuild_and_compare(res, fw, cs, n_check=50):
    kept = res.ranks()
    levels = [c for c in res.counts]
    mismatches = []
    for i in range(n_check):
        f2, s2 = res.replication(i)
        r = ino.build(f2, cs, s2)
        got = r.ranks()[fw.root].reindex(kept.index).to_numpy()
        if not np.array_equal(got, kept.iloc[:, i].to_numpy(), equal_nan=True):
            mismatches.append(i)
        np.testing.assert_allclose(
            r.index.reindex(kept.index).to_numpy(), res.kept_scores[fw.root][i], rtol=1e-11, atol=1e-11
        )
    assert not mismatches, f"replications {mismatches} differ from the ordinary engine"
    return levels


def test_fast_path_equals_ordinary_engine_coinr_spec(asem, coinr_spec):
    """50 sampled replications rebuilt one by one with innoscope.build give the same ranks and scores."""
    fw, cs = asem
    res = uncertainty(fw, cs, coinr_spec, n=50, seed=11, keep=True)
    assert res.parameters()["Aggregation"].nunique() == 2
    _rebuild_and_compare(res, fw, cs)


RICH = """
steps:
  - denominate
  - impute: {method: group_mean, by: EurAsia_group}
  - screen: {method: byNA, dat_thresh: 0.9}
  - treat: {method: winsorise, winmax: 5}
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic}
uncertainty:
  inputs:
    - {name: Imputation, stage: impute, alternatives: [{method: group_mean, by: EurAsia_group}, {method: mean},
       {method: group_median, by: EurAsia_group}], probs: [0.5, 0.25, 0.25]}
    - {name: Treatment, stage: treat, alternatives: [{method: winsorise, winmax: 3}, {method: none}]}
    - {name: Normalisation, stage: normalise, alternatives: [{method: minmax, range: [1, 100]},
       {method: rank}]}
    - {name: TopLevel, stage: aggregate, level: 4, alternatives: [arithmetic, geometric, harmonic]}
    - {name: Weights, weights: dirichlet, kappa: 20, noise: [1, 2]}
    - {name: Noise3, weights: uniform, noise: {3: 0.3}}
    - {name: Exclusion, exclude: random, p: 0.2}
"""


def test_fast_path_equals_ordinary_engine_every_kind_of_input(asem):
    """Imputation, treatment on/off, normalisation, a per-level aggregation, Dirichlet and uniform
    weights and random exclusion, 50 replications: same ranks and scores as innoscope.build."""
    fw, cs = asem
    res = uncertainty(fw, cs, PipelineSpec.from_yaml(RICH), n=50, seed=3, keep=True)
    params = res.parameters()
    assert params["TopLevel"].nunique() == 3 and params["Exclusion"].str.len().gt(0).any()
    w = res.weights(0)
    assert not np.allclose(w[fw.codes(2)].to_numpy(), pd.Series(fw.weights())[fw.codes(2)].to_numpy())
    _rebuild_and_compare(res, fw, cs)


def test_leave_one_out_and_all_levels(asem):
    fw, cs = asem
    spec = PipelineSpec.from_yaml(RICH)
    res = uncertainty(
        fw,
        cs,
        spec,
        inputs=[
            {"name": "LOO", "exclude": "leave_one_out"},
            {"name": "Agg", "stage": "aggregate", "alternatives": ["arithmetic", "geometric"]},
        ],
        n=40,
        seed=2,
        keep=True,
    )
    assert set(res.counts) == set(fw.aggregates)
    assert (res.parameters()["LOO"].str.count(",") == 0).all()
    assert set(res.to_df()["level"]) == {2, 3, 4}
    _rebuild_and_compare(res, fw, cs, n_check=10)


def test_seed_reproducible_and_executor_gives_same_result(asem, coinr_spec):
    from concurrent.futures import ThreadPoolExecutor

    fw, cs = asem
    a = uncertainty(fw, cs, coinr_spec, n=500, seed=9, chunk=100)
    with ThreadPoolExecutor(2) as ex:
        b = uncertainty(fw, cs, coinr_spec, n=500, seed=np.random.default_rng(9), chunk=77, executor=ex)
    pd.testing.assert_frame_equal(a.to_df(), b.to_df())
    np.testing.assert_array_equal(a.wins[fw.root], b.wins[fw.root])


BAD = [
    ({"name": "W", "stage": "treat", "param": "winmaxx", "values": [1, 2]}, "winmaxx"),
    ({"name": "N", "stage": "normalise", "alternatives": ["minmax", "zscorex"]}, "zscorex"),
    ({"name": "S", "stage": "weighting", "alternatives": ["equal", "pca"]}, "weighting"),
    ({"name": "P", "stage": "normalise", "alternatives": ["minmax", "rank"], "probs": [0.7, 0.7]}, "probs"),
    ({"name": "L", "weights": "uniform", "noise": {7: 0.2}}, "level"),
    ({"name": "F", "weights": "uniform", "noise": {2: 1.5}}, "[0, 1)"),
    ({"name": "E", "exclude": "random", "p": 0.1, "indicators": ["NotAnIndicator"]}, "NotAnIndicator"),
    ({"name": "K", "stage": "treat", "param": "winmax", "values": [3], "typo": 1}, "typo"),
]


@pytest.mark.parametrize(("entry", "needle"), BAD)
def test_bad_inputs_rejected_before_sampling(asem, coinr_spec, monkeypatch, entry, needle):
    fw, cs = asem

    def no_sampling(*a, **k):
        raise AssertionError("sampling started")

    monkeypatch.setattr(ua_mod, "run_chunks", no_sampling)
    monkeypatch.setattr(montecarlo, "run_chunks", no_sampling)
    with pytest.raises(SpecError, match=None) as e:
        uncertainty(
            fw,
            cs,
            coinr_spec,
            inputs=[entry, {"name": "A", "stage": "aggregate", "alternatives": ["arithmetic", "geometric"]}],
            n=10,
        )
    assert needle in str(e.value)


def test_geometric_mean_on_zscore_rejected_naming_both_alternatives(asem, coinr_spec, monkeypatch):
    """z-scores (mean 0, sd 1) are negative for half the entities: geometric mean cannot run with them.
    Each alternative runs on its own; only the combination fails, and it is found before sampling."""
    fw, cs = asem
    monkeypatch.setattr(
        ua_mod, "run_chunks", lambda *a, **k: (_ for _ in ()).throw(AssertionError("sampled"))
    )
    inputs = [
        {
            "name": "Norm",
            "stage": "normalise",
            "alternatives": [{"method": "minmax", "range": [1, 100]}, {"method": "zscore", "m_sd": [0, 1]}],
        },
        {"name": "Agg", "stage": "aggregate", "alternatives": ["arithmetic", "geometric"]},
    ]
    with pytest.raises(SpecError) as e:
        uncertainty(fw, cs, coinr_spec, inputs=inputs, n=10)
    msg = str(e.value)
    assert "Norm=zscore" in msg and "Agg=geometric" in msg and "> 0" in msg


def test_no_uncertainty_section_is_an_error(asem):
    fw, cs = asem
    with pytest.raises(SpecError, match="uncertainty"):
        uncertainty(fw, cs, PipelineSpec.from_yaml(SPEC).model_copy(update={"uncertainty": None}), n=10)


def test_cli_uncertainty_and_sensitivity_write_their_tables(tmp_path, asem):
    from innoscope.cli import main
    from tests.conftest import REF

    fw_codes = asem[0].codes

    data, meta = str(REF / "data" / "ASEM_iData.csv"), str(REF / "data" / "ASEM_iMeta.csv")
    common = ["--data", data, "--meta", meta, "--spec", str(SPEC), "--seed", "3"]
    assert main(["uncertainty", *common, "-n", "200", "--out", str(tmp_path / "ua")]) == 0
    stats = pd.read_csv(tmp_path / "ua" / "rank_stats.csv")
    assert list(stats.columns) == ["uCode", "nominal", "mean", "median", "q05", "q95"] and len(stats) == 51
    ref = coinr_ref("sensitivity", "UA_N500_Nominal.csv")
    assert (
        stats.set_index("uCode")["nominal"].reindex(ref.index).tolist() == ref["Rank"].astype(float).tolist()
    )
    assert main(["sensitivity", *common, "-n", "64", "--out", str(tmp_path / "sa")]) == 0
    sobol = pd.read_csv(tmp_path / "sa" / "sobol.csv")
    assert list(sobol.columns) == ["input", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"]
    assert sobol["input"].tolist() == ["Winmax", "Normalisation", "Weights", "Aggregation"]
    assert (tmp_path / "ua" / "uncertainty.json").exists() and (tmp_path / "sa" / "sensitivity.json").exists()
    assert main(["sensitivity", *common, "-n", "100", "--out", str(tmp_path / "bad")]) == 1
    # --level adds levels; rank_stats.csv still holds the index, rank_stats_levels.csv the pillars too
    assert main(["uncertainty", *common, "-n", "100", "--level", "2", "--out", str(tmp_path / "lv")]) == 0
    assert len(pd.read_csv(tmp_path / "lv" / "rank_stats.csv")) == 51
    lv = pd.read_csv(tmp_path / "lv" / "rank_stats_levels.csv")
    assert set(lv["level"]) == {2, 4} and set(lv.loc[lv["level"] == 2, "node"]) == set(fw_codes(2))
    assert main(["uncertainty", *common, "-n", "100", "--level", "9", "--out", str(tmp_path / "bad")]) == 1


def test_pairs_subset_at_every_level_equals_full_matrix(asem, coinr_spec):
    fw, cs = asem
    full = uncertainty(fw, cs, coinr_spec, n=300, seed=8, pair_levels=[2, 3, 4])
    two = uncertainty(fw, cs, coinr_spec, n=300, seed=8, pairs=["CHN", "JPN"])
    for node in fw.aggregates:
        assert two.prob_outranks("CHN", "JPN", node) == full.prob_outranks("CHN", "JPN", node)
        assert two.prob_outranks("JPN", "CHN", node) == full.prob_outranks("JPN", "CHN", node)


def test_compare_table_and_default_inputs(asem, coinr_spec):
    from innoscope.analysis.uncertainty import default_inputs

    fw, cs = asem
    res = uncertainty(fw, cs, coinr_spec, inputs=default_inputs(fw), n=200, seed=4, pairs=["CHN", "JPN"])
    t = res.compare("CHN", "JPN")
    assert t["node"].iloc[0] == fw.root and len(t) == len(fw.aggregates)
    assert ((t["P(CHN > JPN)"] + t["P(JPN > CHN)"]) <= 1 + 1e-12).all()


WEIGHTED = """
steps:
  - denominate
  - impute: {method: group_mean, by: EurAsia_group}
  - treat: {method: winsorise, winmax: 5}
  - normalise: {method: minmax, range: [1, 100]}
  - weight: {method: entropy}
  - aggregate: {method: arithmetic}
uncertainty:
  inputs:
    - {name: Weighting, stage: weight, alternatives: [entropy, equal, critic]}
    - {name: Noise, weights: uniform, noise: {1: 0.2, 2: 0.2}}
    - {name: Agg, stage: aggregate, alternatives: [arithmetic, geometric]}
"""


def test_weight_stage_as_an_uncertain_input_matches_the_engine(asem):
    """Weights computed by a weight step (entropy / equal / CRITIC) per normalised data set, then perturbed."""
    fw, cs = asem
    res = uncertainty(fw, cs, PipelineSpec.from_yaml(WEIGHTED), n=30, seed=12, keep=True)
    assert res.parameters()["Weighting"].nunique() == 3
    _rebuild_and_compare(res, fw, cs, n_check=30)


def test_process_pool_executor_gives_the_same_result(asem, coinr_spec):
    from concurrent.futures import ProcessPoolExecutor

    fw, cs = asem
    a = uncertainty(fw, cs, coinr_spec, n=400, seed=21, chunk=150)
    with ProcessPoolExecutor(2) as ex:
        b = uncertainty(fw, cs, coinr_spec, n=400, seed=21, chunk=150, executor=ex)
    pd.testing.assert_frame_equal(a.to_df(), b.to_df())
    np.testing.assert_array_equal(a.ranks().to_numpy(), b.ranks().to_numpy())


def test_bundled_cities_missing_data_and_dat_thresh_exact():
    """The bundled city index has missing values and data-availability thresholds (entities left
    unranked): the vectorised path still equals the ordinary engine, NaN ranks included."""
    from innoscope.analysis.uncertainty import default_inputs
    from innoscope.cities.citydata import default_build

    b = default_build()
    fw, cs = b.framework, b.cross_section
    res = uncertainty(fw, cs, b.spec, inputs=default_inputs(fw), n=30, seed=2, keep=True)
    assert res.ranks().isna().any().any()
    _rebuild_and_compare(res, fw, cs, n_check=30)


BATCHED_SPEC = """
steps:
  - denominate
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic}
uncertainty:
  inputs:
    - {name: Aggregation, stage: aggregate, alternatives: [median, copeland, topsis, {method: vikor, v: 0.3},
       arithmetic, mazziotta_pareto]}
    - {name: Weights, weights: uniform, noise: {1: 0.5, 2: 0.5, 3: 0.3}}
    - {name: Exclusion, exclude: random, p: 0.2}
"""


def test_batched_kernels_equal_the_ordinary_engine(asem):
    """Median, Copeland, Mazziotta-Pareto, TOPSIS and VIKOR run on all replications at once (BATCHED):
    60 replications, with noisy weights and random exclusions, rebuilt one by one with innoscope.build."""
    fw, cs = asem
    res = uncertainty(fw, cs, PipelineSpec.from_yaml(BATCHED_SPEC), n=60, seed=5, keep=True)
    assert res.parameters()["Aggregation"].nunique() == 6
    _rebuild_and_compare(res, fw, cs, n_check=60)


BOD_SPEC = """
steps:
  - denominate
  - normalise: {method: minmax, range: [0, 1]}
  - aggregate: {method: arithmetic, by_level: {2: {method: bod}}}
uncertainty:
  inputs:
    - {name: Weights, weights: uniform, noise: {1: 0.5, 2: 0.5, 3: 0.3}}
"""


@pytest.mark.slow
def test_benefit_of_the_doubt_is_solved_once_for_shared_data(asem):
    """BoD ignores the weights given, so its pillar scores are the same in every replication; the upper
    levels still vary with the weights. 12 replications rebuilt one by one with innoscope.build."""
    from innoscope.pipeline import bod

    fw, cs = asem
    calls = []
    real = bod.bod_weights
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bod, "bod_weights", lambda *a, **k: calls.append(1) or real(*a, **k))
        res = uncertainty(fw, cs, PipelineSpec.from_yaml(BOD_SPEC), n=12, seed=2, keep=True)
    n_pillars = len(fw.codes(2))
    # the nominal build, the engine's nominal pass, then one pass for all 12 replications (a loop: 12 x 8 more)
    assert len(calls) == 3 * n_pillars
    _rebuild_and_compare(res, fw, cs, n_check=12)
    assert res.ranks().nunique(axis=1).max() > 1  # the index ranks do move across replications


def test_an_entity_against_itself_is_a_clear_error(asem, coinr_spec):
    fw, cs = asem
    res = uncertainty(fw, cs, coinr_spec, n=20, seed=1, pairs=["CHN", "CHN", "JPN"])  # duplicates are dropped
    assert res.pair_entities == ["CHN", "JPN"]
    assert 0 <= res.prob_outranks("CHN", "JPN") <= 1
    with pytest.raises(SpecError, match="two different entities"):
        res.compare("CHN", "CHN")


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "W", "weights": "uniform", "noise": {2: None}},
        {"name": "W", "weights": "uniform", "noise": {"two": 0.25}},
        {"name": "X", "exclude": "random", "p": "many"},
        {"name": "N", "stage": "normalise", "alternatives": ["minmax", "zscore"], "level": "top"},
    ],
)
def test_an_input_of_the_wrong_form_is_a_spec_error(asem, entry):
    """Found by fuzzing mutated specs: these raised a bare TypeError or ValueError."""
    fw, cs = asem
    spec = PipelineSpec.from_obj({"steps": ["normalise", "aggregate"], "uncertainty": {"inputs": [entry]}})
    with pytest.raises(SpecError, match=rf"uncertainty input '{entry['name']}'"):
        uncertainty(fw, cs, spec, n=10, seed=1)

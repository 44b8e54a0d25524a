"""The aggregation contract, differentially: every registered aggregation method with every aggregate-stage
parameter gives, in each Monte Carlo replication, what ``build`` gives with that replication's choices, and a
gap split that adds up to the score difference.

The trusted slow path is the ordinary engine: ``innoscope.build`` run once per replication on the replication's
spec (its discrete choices patched in) with its weights (noise and exclusions) as the aggregate steps'
``weight_patch``, and, where the weights can be written into the framework, on the (framework, spec) pair of
``UncertaintyResult.replication``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import innoscope.pipeline.aggregate as agg_mod
from innoscope import PipelineSpec, SpecError, StageError, build
from innoscope.analysis.gap import gap
from innoscope.analysis.uncertainty import uncertainty
from innoscope.pipeline.aggregate import AGGREGATORS
from tests.pipeline._tiny import cross_section, framework

ROOT = Path(__file__).resolve().parents[2]

# Index <- P1 (i1, i2, i3), P2 (i4, i5), P3 (i6, i7, i8); i3 runs against i1, so PCA gives it a negative weight.
FW = framework(
    {"P1": ["i1", "i2", "i3"], "P2": ["i4", "i5"], "P3": ["i6", "i7", "i8"]},
    weights={"i2": 2.0, "i7": 0.5, "P2": 2.0},
)
ENTITIES = [f"e{j:02d}" for j in range(14)]


def _data():
    rng = np.random.default_rng(20261206)
    v = {c: rng.uniform(5, 95, len(ENTITIES)) for c in ("i1", "i2", "i4", "i5", "i6", "i7", "i8")}
    v["i2"] = 0.8 * v["i1"] + rng.uniform(0, 20, len(ENTITIES))
    v["i3"] = 0.4 * (100 - v["i1"]) + rng.uniform(20, 60, len(ENTITIES))
    v["i5"][[2, 9]] = np.nan
    v["i8"][4] = np.nan
    return cross_section({c: list(x) for c, x in v.items()}, ENTITIES)


CS = _data()

# Every registered method with values for every one of its kernel parameters.
METHOD_CASES = [
    ("arithmetic", {}),
    ("geometric", {}),
    ("harmonic", {}),
    ("generalised", {"p": 2.5}),
    ("generalised", {"p": -0.5}),
    ("generalised", {"p": 0}),
    ("median", {}),
    ("copeland", {}),
    ("mazziotta_pareto", {}),
    ("mazziotta_pareto", {"penalty": 1, "standardise": False}),
    ("topsis", {}),
    ("topsis", {"normalise": "minmax"}),
    ("topsis", {"normalise": "none"}),
    ("vikor", {"v": 0.3}),
    ("bod", {}),
    ("bod", {"share_bounds": [0.05, 0.8], "scale": 100}),
]
# Every parameter the stage itself reads (agg_mod.STAGE_PARAMS), at the level the method aggregates.
STAGE_CASES = {
    "none": {},
    "weights": {"weights": "equal"},
    "dat_thresh": {"dat_thresh": 0.7},
    "negative_weights": {"negative_weights": "allow"},
}
REJECTS_NEGATIVE = {"mazziotta_pareto"}
"""Methods undefined with a negative weight: an error naming it in build and before any sampling."""


def test_the_cases_cover_every_registered_method_and_parameter():
    """Adding a method or a parameter without a differential case fails here."""
    assert {m for m, _ in METHOD_CASES} == set(AGGREGATORS)
    for name, agg in AGGREGATORS.items():
        given = {k for m, p in METHOD_CASES if m == name for k in p}
        assert given == set(agg.method.params), name
    assert set(STAGE_CASES) == set(agg_mod.STAGE_PARAMS) | {"none"}


def _spec(method: str, params: dict, stage: str) -> PipelineSpec:
    level2 = {"method": method, **params, **STAGE_CASES[stage]}
    steps: list = [{"normalise": {"method": "minmax", "range": [1, 100]}}]
    if stage == "negative_weights":  # PCA loadings: i3 weighs against the score
        steps.append({"weight": {"method": "framework", "level": 1, "by_node": {"P1": {"method": "pca"}}}})
    steps.append({"aggregate": {"method": "arithmetic", "by_level": {2: level2}}})
    return PipelineSpec.from_obj(
        {
            "steps": steps,
            "uncertainty": {
                "inputs": [
                    {
                        "name": "Norm",
                        "stage": "normalise",
                        "alternatives": [
                            {"method": "minmax", "range": [1, 100]},
                            {"method": "minmax", "range": [10, 60]},
                        ],
                    },
                    {
                        "name": "Top",
                        "stage": "aggregate",
                        "level": 3,
                        "alternatives": ["arithmetic", "median"],
                    },
                    {"name": "Weights", "weights": "uniform", "noise": {1: 0.5, 2: 0.4}},
                    {"name": "Drop", "exclude": "random", "p": 0.15},
                ]
            },
        }
    )


def _assert_equal_to_build(res, n: int, also_framework: bool) -> None:
    for i in range(n):
        built = res.rebuild(i)
        want = built.aggregated.reindex(res.entities)[FW.root].to_numpy(float)
        np.testing.assert_allclose(res.kept_scores[FW.root][i], want, rtol=1e-10, atol=1e-12, equal_nan=True)
        np.testing.assert_array_equal(
            res.ranks().iloc[:, i].to_numpy(), built.ranks()[FW.root].reindex(res.entities).to_numpy()
        )
        if also_framework:
            f2, s2 = res.replication(i)
            again = build(f2, CS, s2).aggregated.reindex(res.entities)[FW.root].to_numpy(float)
            np.testing.assert_allclose(again, want, rtol=1e-10, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("stage", list(STAGE_CASES))
@pytest.mark.parametrize(("method", "params"), METHOD_CASES, ids=lambda x: str(x))
def test_every_replication_equals_build_and_every_gap_split_adds_up(method, params, stage):
    spec = _spec(method, params, stage)
    if stage == "negative_weights" and method in REJECTS_NEGATIVE:
        with pytest.raises(StageError, match="weights >= 0"):
            build(FW, CS, PipelineSpec(steps=spec.steps))
        with pytest.raises(SpecError, match="weights >= 0"):
            uncertainty(FW, CS, spec, n=6, seed=7)
        return
    nominal = build(FW, CS, PipelineSpec(steps=spec.steps))
    if stage == "negative_weights":
        assert nominal.weights["Weights"]["i3"] < 0  # the case really has a negative weight
    res = uncertainty(FW, CS, spec, n=6, seed=7, keep=True)
    assert res.parameters()["Drop"].str.len().gt(0).any()
    _assert_equal_to_build(res, 6, also_framework=stage != "negative_weights")
    for a, b in (("e00", "e01"), ("e03", "e11"), ("e09", "e04")):
        g = gap(nominal, a, b)
        assert g.loc[g["leaf"], "contribution"].sum() == pytest.approx(g.attrs["gap"], abs=1e-9)
        s = nominal.index
        assert g.attrs["gap"] == pytest.approx(s[a] - s[b], abs=1e-12)


def test_power_mean_and_arithmetic_with_parameters_take_the_vectorised_path(monkeypatch):
    """Regression: the power mean (and an arithmetic step with any stage parameter) ran once per replication.
    Now each node is one kernel call for all replications of a group: the number of calls does not grow with N."""
    calls = []
    real = agg_mod.power_mean
    monkeypatch.setattr(agg_mod, "power_mean", lambda X, w, q: calls.append(np.ndim(X)) or real(X, w, q))
    agg = {
        "method": "arithmetic",
        "by_level": {
            2: {"method": "generalised", "p": 2.0, "dat_thresh": 0.5},
            3: {"weights": "equal", "dat_thresh": 0.2},
        },
    }
    spec = PipelineSpec.from_obj(
        {
            "steps": [{"normalise": {"method": "minmax", "range": [1, 100]}}, {"aggregate": agg}],
            "uncertainty": {"inputs": [{"name": "W", "weights": "uniform", "noise": {1: 0.3, 2: 0.3}}]},
        }
    )
    build(FW, CS, PipelineSpec(steps=spec.steps))
    calls.clear()
    res = uncertainty(FW, CS, spec, n=200, seed=1, keep=True)
    nodes = len(FW.aggregates)
    # the nominal build (one data set), the nominal check, then one call per node for all 200 replications
    assert len(calls) == 3 * nodes
    assert calls.count(3) == 2 * nodes
    _assert_equal_to_build(res, 5, also_framework=True)


TWO_STEPS = """
steps:
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic}
  - weight: {method: pca, level: 2, input: Aggregated, output: PCAwtsLev2}
  - aggregate: {method: arithmetic, input: Normalised, negative_weights: allow}
uncertainty:
  inputs:
    - {name: Norm, stage: normalise, alternatives: [{method: minmax, range: [1, 100]}, {method: zscore, m_sd: [50, 10]}]}
    - {name: Weights, weights: uniform, noise: {1: 0.3, 2: 0.3}}
"""


def test_data_derived_weights_between_two_aggregate_steps_replications_equal_build():
    """Aggregate, PCA weights of the pillars from the aggregated set, aggregate again (COINr's re-weighting
    workflow): the weight draws change the PCA weights' input, so each replication runs from the first
    aggregate step on (the per-replication path); the normalisation is computed once per alternative."""
    res = uncertainty(FW, CS, PipelineSpec.from_yaml(TWO_STEPS), n=12, seed=3, keep=True)
    assert not res.engine.vectorised
    assert res.parameters()["Norm"].nunique() == 2
    _assert_equal_to_build(res, 12, also_framework=False)
    assert np.unique(res.kept_scores[FW.root][:, 0]).size > 1  # the weights do move the scores


def test_data_derived_weights_with_discrete_inputs_only_stay_vectorised():
    spec = PipelineSpec.from_yaml(TWO_STEPS)
    spec.uncertainty["inputs"] = [
        spec.uncertainty["inputs"][0],
        {"name": "Agg", "stage": "aggregate", "alternatives": ["arithmetic", "median"]},
    ]
    res = uncertainty(FW, CS, spec, n=20, seed=4, keep=True)
    assert res.engine.vectorised
    assert res.parameters()["Agg"].nunique() == 2
    _assert_equal_to_build(res, 20, also_framework=False)


def test_optimised_weights_between_aggregate_steps():
    spec = PipelineSpec.from_obj(
        {
            "steps": [
                {"normalise": {"method": "minmax", "range": [1, 100]}},
                "aggregate",
                {"weight": {"method": "optimised", "level": 2, "input": "Aggregated"}},
                {"aggregate": {"method": "arithmetic", "input": "Normalised"}},
            ],
            "uncertainty": {"inputs": [{"name": "Weights", "weights": "uniform", "noise": {1: 0.3}}]},
        }
    )
    res = uncertainty(FW, CS, spec, n=4, seed=5, keep=True)
    _assert_equal_to_build(res, 4, also_framework=False)


def test_cli_uncertainty_on_negative_pca_weights(tmp_path):
    """Regression: a spec with ``negative_weights: allow`` built, but ``innoscope uncertainty`` on it printed a
    raw TypeError traceback (the Monte Carlo passed negative_weights to the kernel)."""
    from innoscope.cli import main

    spec = (ROOT / "examples" / "asem" / "weights_pca_lev1.yaml").read_text(encoding="utf-8")
    spec += (
        "uncertainty:\n  inputs:\n    - {name: Weights, weights: uniform, noise: {2: 0.25}}\n"
        "    - {name: Agg, stage: aggregate, level: 4, alternatives: [arithmetic, median]}\n"
    )
    (tmp_path / "spec.yaml").write_text(spec, encoding="utf-8")
    data = ROOT / "tests" / "reference" / "coinr" / "data"
    assert (
        main(
            [
                "uncertainty",
                "--data",
                str(data / "ASEM_iData.csv"),
                "--meta",
                str(data / "ASEM_iMeta.csv"),
                "--spec",
                str(tmp_path / "spec.yaml"),
                "-n",
                "40",
                "--seed",
                "2",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    assert (tmp_path / "out" / "rank_stats.csv").exists()

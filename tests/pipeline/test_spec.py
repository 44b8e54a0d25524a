"""Pipeline spec: YAML round trip, per-indicator/level/node resolution, and errors listing valid names."""

import pytest

from innoscope import PipelineSpec, SpecError, build
from innoscope.pipeline import validate_spec

YAML = """
name: demo
steps:
  - denominate
  - normalise: {method: minmax, range: [0, 100], by_indicator: {CO2: {range: [1, 10]}}}
  - aggregate: {method: arithmetic, by_level: {4: {weights: equal}}, by_node: {Sust: {dat_thresh: 0.5}}}
"""


def test_yaml_roundtrip_and_hash_stable():
    spec = PipelineSpec.from_yaml(YAML)
    again = PipelineSpec.from_yaml(spec.to_yaml())
    assert again == spec
    assert again.hash() == spec.hash()
    assert [s.stage for s in spec.steps] == ["denominate", "normalise", "aggregate"]


def test_resolution_most_specific_wins():
    spec = PipelineSpec.from_yaml(YAML)
    norm, agg = spec.steps[1], spec.steps[2]
    assert norm.resolve(indicator="LPI") == ("minmax", {"range": [0, 100]})
    assert norm.resolve(indicator="CO2") == ("minmax", {"range": [1, 10]})
    assert agg.resolve(level=4, node="Index") == ("arithmetic", {"weights": "equal"})
    assert agg.resolve(level=3, node="Sust") == ("arithmetic", {"dat_thresh": 0.5})


def test_unknown_stage_lists_valid():
    with pytest.raises(SpecError, match=r"unknown stage 'normalize_all'; valid stages: .*normalise"):
        validate_spec(PipelineSpec.from_obj(["normalize_all"]))


def test_unknown_method_lists_valid():
    with pytest.raises(
        SpecError, match=r"step 1 \(normalise\): unknown normalise method 'minmix'; valid methods: .*minmax"
    ):
        validate_spec(PipelineSpec.from_obj([{"normalise": {"method": "minmix"}}]))


def test_unknown_parameter_lists_valid():
    with pytest.raises(SpecError, match=r"no parameter 'rnage'; valid parameters: .*range"):
        validate_spec(PipelineSpec.from_obj([{"normalise": {"method": "minmax", "rnage": [0, 1]}}]))


def test_unknown_parameter_in_override():
    spec = PipelineSpec.from_obj([{"normalise": {"method": "minmax", "by_indicator": {"LPI": {"scale": 2}}}}])
    with pytest.raises(SpecError, match=r"no parameter 'scale'"):
        validate_spec(spec)


def test_bad_top_level_and_step_shapes():
    with pytest.raises(SpecError, match=r"unknown top-level key\(s\) \['stpes'\]"):
        PipelineSpec.from_obj({"steps": [], "stpes": []})
    with pytest.raises(SpecError, match=r"step 2: expected a stage name or a one-key mapping"):
        PipelineSpec.from_obj(["denominate", {"a": 1, "b": 2}])


def test_input_naming_missing_dataset(asem):
    fw, cs = asem
    with pytest.raises(SpecError, match=r"input data set 'Treated' does not exist yet; available: Raw"):
        build(fw, cs, [{"normalise": {"input": "Treated"}}])


def test_missing_denominator_column_is_named(asem):
    fw, cs = asem
    cs2 = type(cs)(
        values=cs.values,
        names=cs.names,
        groups=cs.groups,
        denominators=cs.denominators.drop(columns=["Energy"]),
    )
    with pytest.raises(
        Exception, match=r"\[denominate\] indicator 'Elec': denominator column 'Energy' is not in the data"
    ):
        build(fw, cs2, ["denominate"])


@pytest.mark.parametrize(
    "stage, table",
    [
        ("normalise", "by_group"),
        ("weight", "by_group"),
        ("aggregate", "by_indicator"),
        ("normalise", "by_level"),
        ("screen", "by_indicator"),
    ],
)
def test_override_table_a_stage_does_not_read_is_rejected(stage, table):
    key = "Asia" if table == "by_group" else (2 if table == "by_level" else "LPI")
    spec = PipelineSpec.from_obj([{stage: {table: {key: {"method": "equal"}}}}])
    with pytest.raises(SpecError, match=rf"step 1 \({stage}\): {table} is not supported by this stage"):
        validate_spec(spec)

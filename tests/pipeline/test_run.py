"""Running steps: a parameter of the wrong type or form is a StageError naming the stage, never a bare
TypeError or ValueError (found by fuzzing mutated specs)."""

from __future__ import annotations

import pytest

from innoscope import StageError, build
from tests.pipeline._tiny import cross_section, framework

FW = framework({"P": ["a", "b"], "Q": ["c"]})
CS = cross_section(
    {"a": [1.0, 2.0, 3.0, 40.0], "b": [3.0, 1.0, 2.0, 5.0], "c": [5.0, 6.0, 7.0, 8.0]}, ["A", "B", "C", "D"]
)


@pytest.mark.parametrize(
    "step,stage",
    [
        ({"screen": {"method": "byNA", "dat_thresh": {"a": 1}}}, "screen"),
        ({"treat": {"method": "winsorise", "skew_thresh": {"a": 1}}}, "treat"),
        ({"normalise": {"method": "minmax", "range": "wide"}}, "normalise"),
    ],
)
def test_a_parameter_of_the_wrong_form_is_a_stage_error(step, stage):
    with pytest.raises(StageError, match=rf"^\[{stage}\]"):
        build(FW, CS, [step, "aggregate"])


def test_an_aggregate_threshold_of_the_wrong_form_is_a_stage_error():
    with pytest.raises(StageError, match=r"^\[aggregate\].*dat_thresh"):
        build(FW, CS, ["normalise", {"aggregate": {"dat_thresh": "x"}}])

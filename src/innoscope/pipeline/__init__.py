"""The index-building pipeline: spec, stages (one module each) and the runner."""

from innoscope.pipeline.run import STAGES, build, register_stage, step, validate_spec
from innoscope.pipeline.spec import PipelineSpec, Step

__all__ = ["STAGES", "PipelineSpec", "Step", "build", "register_stage", "step", "validate_spec"]

"""innoscope: transparent composite indices of city innovation capacity, and how sure they are."""

from .analysis.sensitivity import sensitivity
from .analysis.uncertainty import uncertainty
from .dataset import CrossSection
from .errors import DataError, FrameworkError, ImportFailed, InnoscopeError, SpecError, StageError
from .framework import Framework, Node
from .io_coinr import read_coinr
from .pipeline import PipelineSpec, Step, build
from .result import Result

__all__ = [
    "CrossSection",
    "DataError",
    "Framework",
    "FrameworkError",
    "ImportFailed",
    "InnoscopeError",
    "Node",
    "PipelineSpec",
    "Result",
    "SpecError",
    "StageError",
    "Step",
    "build",
    "read_coinr",
    "sensitivity",
    "uncertainty",
]
__version__ = "0.1.0"

"""innoscope: transparent composite indices of city innovation capacity, and how sure they are.

The engine (framework, cross-section, pipeline spec, ``build``, ``Result``) is imported eagerly;
the heavier faces (data layer on DuckDB/OpenCC, report on Plotly, Monte Carlo on SALib) load on
first use, so ``import innoscope`` stays fast.
"""

from importlib import import_module
from typing import Any

from innoscope.io.coinr import read_coinr
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import (
    DataError,
    FrameworkError,
    ImportFailed,
    InnoscopeError,
    SpecError,
    StageError,
)
from innoscope.model.framework import Framework, Node
from innoscope.pipeline import PipelineSpec, Step, build
from innoscope.pipeline.result import Result

_LAZY = {
    "CityBuild": "innoscope.cities.citydata",
    "EntityTable": "innoscope.ingest.names",
    "Store": "innoscope.store",
    "build_report": "innoscope.report",
    "clean_web_text": "innoscope.ingest.text",
    "compare_cities": "innoscope.cities.citydata",
    "cross_section": "innoscope.store.panel",
    "default_build": "innoscope.cities.citydata",
    "import_cities": "innoscope.cities.cited",
    "parse_value": "innoscope.ingest.values",
    "sensitivity": "innoscope.analysis.sensitivity",
    "uncertainty": "innoscope.analysis.uncertainty",
}

__all__ = [
    "CityBuild",
    "CrossSection",
    "DataError",
    "EntityTable",
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
    "Store",
    "build",
    "build_report",
    "clean_web_text",
    "compare_cities",
    "cross_section",
    "default_build",
    "import_cities",
    "parse_value",
    "read_coinr",
    "sensitivity",
    "uncertainty",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'innoscope' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

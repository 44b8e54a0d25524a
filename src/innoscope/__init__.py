"""innoscope: transparent composite indices of city innovation capacity, and how sure they are.

Every public name loads on first use (``innoscope.build`` imports the engine, ``innoscope.Store`` DuckDB,
``innoscope.build_report`` Plotly), so ``import innoscope`` and the command line's ``--help`` stay fast; the city
application lives in :mod:`innoscope.cities`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from innoscope.analysis.sensitivity import sensitivity
    from innoscope.analysis.uncertainty import uncertainty
    from innoscope.cities.cited import import_cities
    from innoscope.cities.citydata import CityBuild, compare_cities, default_build
    from innoscope.ingest.names import EntityTable
    from innoscope.ingest.text import clean_web_text
    from innoscope.ingest.values import parse_value
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
    from innoscope.pipeline.result import Result
    from innoscope.pipeline.run import build
    from innoscope.pipeline.spec import PipelineSpec, Step
    from innoscope.report import build_report
    from innoscope.store import Store
    from innoscope.store.panel import cross_section

_LAZY = {
    "CrossSection": "innoscope.model.dataset",
    "DataError": "innoscope.model.errors",
    "Framework": "innoscope.model.framework",
    "FrameworkError": "innoscope.model.errors",
    "ImportFailed": "innoscope.model.errors",
    "InnoscopeError": "innoscope.model.errors",
    "Node": "innoscope.model.framework",
    "PipelineSpec": "innoscope.pipeline.spec",
    "Result": "innoscope.pipeline.result",
    "SpecError": "innoscope.model.errors",
    "StageError": "innoscope.model.errors",
    "Step": "innoscope.pipeline.spec",
    "build": "innoscope.pipeline.run",
    "read_coinr": "innoscope.io.coinr",
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

"""The city application on top of the engine: the gazetteer of Chinese places, bundled cited values, the default
framework and specs, the comparison of two cities. ``import innoscope.cities`` loads nothing heavy until a name is used."""

from importlib import import_module
from typing import Any

_LAZY = {
    "CityBuild": "innoscope.cities.citydata",
    "Gazetteer": "innoscope.cities.gazetteer",
    "Match": "innoscope.cities.gazetteer",
    "Place": "innoscope.cities.gazetteer",
    "compare_cities": "innoscope.cities.citydata",
    "default_build": "innoscope.cities.citydata",
    "import_cities": "innoscope.cities.cited",
    "bundled_path": "innoscope.cities.cited",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'innoscope.cities' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

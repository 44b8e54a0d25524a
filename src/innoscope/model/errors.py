"""One exception hierarchy for innoscope.

Every error a user can cause is an :class:`InnoscopeError`; the CLI prints its message
(without a traceback) and exits non-zero. Messages name the file, row, column, node, stage
or value at fault and say what was expected.
"""

from __future__ import annotations

import reprlib

_REPR = reprlib.Repr()
for _k, _v in dict(
    maxlevel=3,
    maxdict=4,
    maxlist=4,
    maxtuple=4,
    maxset=4,
    maxfrozenset=4,
    maxdeque=4,
    maxarray=4,
    maxstring=60,
    maxother=60,
    maxlong=40,
).items():
    setattr(_REPR, _k, _v)  # Repr(**kwargs) needs Python 3.12


def brief(value: object, limit: int = 100) -> str:
    """``repr(value)`` cut to at most ``limit`` characters (``reprlib``: a few items per level, three levels), so
    that an error message never echoes an unbounded input."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class InnoscopeError(Exception):
    """Base class for every error a user can cause."""


class FrameworkError(InnoscopeError):
    """The indicator tree is invalid (duplicate ids, dangling parent, cycle, bad weight...)."""


class DataError(InnoscopeError, ValueError):
    """Input data is invalid: unparsable value, unknown entity, wrong shape..."""


class SpecError(InnoscopeError, ValueError):
    """The pipeline specification is invalid: unknown stage, method or parameter."""


class StageError(InnoscopeError, ValueError):
    """A pipeline stage cannot run on the data it was given (e.g. zero variance under z-score)."""

    def __init__(self, stage: str, message: str):
        self.stage = stage
        super().__init__(f"[{stage}] {message}")


class ImportFailed(InnoscopeError):
    """An import was rejected; the store is unchanged."""


class StoreLocked(InnoscopeError):
    """Another process held the store's lock for longer than the wait allowed; nothing was written."""

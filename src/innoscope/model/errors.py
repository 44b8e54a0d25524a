"""One exception hierarchy for innoscope.

Every error a user can cause is an :class:`InnoscopeError`; the CLI prints its message
(without a traceback) and exits non-zero. Messages name the file, row, column, node, stage
or value at fault and say what was expected.
"""

from __future__ import annotations


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

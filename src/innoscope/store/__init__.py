"""The project store (one DuckDB file: imports, observations, entities) and panel -> cross-section."""

from innoscope.store.store import (
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_PATH,
    LOCK_WAIT_MESSAGE,
    ImportRecord,
    Store,
    default_lock_timeout,
)

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_PATH",
    "LOCK_WAIT_MESSAGE",
    "ImportRecord",
    "Store",
    "default_lock_timeout",
]

"""The project store (one DuckDB file: imports, observations, entities) and panel -> cross-section."""

from innoscope.store.store import DEFAULT_PATH, ImportRecord, Store

__all__ = ["DEFAULT_PATH", "ImportRecord", "Store"]

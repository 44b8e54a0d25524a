"""The project store: one DuckDB file (default ``./innoscope.duckdb``; ``":memory:"`` for scripts).

Tables::

    imports(id, dataset, file_name, file_path, sha256, imported_at, n_rows, n_values, n_missing, n_flagged,
            encoding, sheet, layout, note)
    observations(import_id, entity, indicator, year, value, raw, flags, unit, source_title, source_url, excerpt,
                 note, entity_name, file_row, file_column)             -- a view, stored as three tables:
        observations_data(detail, indicator_id, value, raw, file_row)             one row per observation
        observations_detail(detail, import_id, entity, entity_name, year, flags, unit, source_title,
                            source_url, excerpt, note, file_column)   one row per distinct combination of these
        observations_indicator(indicator_id, indicator)                one row per distinct indicator of an import
    import_identity(import_id, options, identity, report)     what shaped each import's reading, and its report
    entities(id, name_zh, name_en, pinyin)          aliases(alias, entity_id)

Per-row columns that repeat (the entity and its name as written, the year, the unit and flags, the source,
the file column) are stored once per distinct combination in ``observations_detail``, and each import's
indicator names once in ``observations_indicator``; the ``observations`` view joins them back, so an import
writes 5 columns per row (4 of them numbers) instead of 15 text and number columns; every value stays exactly
as given. Schema 3; schema-1 and schema-2 stores are upgraded when opened.

**Atomic imports.** :meth:`Store.import_long` validates the whole table first (required columns, known
entities, no key with two different values from the same source), then writes the import record and every
row inside one transaction (``BEGIN`` ... ``COMMIT``; ``ROLLBACK`` on any error). Either the whole file lands or
nothing does: on failure :class:`~innoscope.errors.ImportFailed` is raised and :meth:`content_hash` is
unchanged. Files are checked against their meaning first (:meth:`Store.import_file`, ``innoscope import``:
:func:`~innoscope.ingest.checks.check_values`: no infinite number, negative count, share above 100 %, year
outside 1949..next year, unless allowed).

**Import identity.** An import is the file's content (sha256) *and* the options that shaped its reading (sheet,
encoding, header rows, layout, column mapping, year, units, bad-cell policy...: ``import_identity.options``,
hashed with the content into ``import_identity.identity``, beside the import report: rows set aside, title
metadata, bad cells). Importing the same content with the same options into the same dataset returns
the earlier import ("already in"); with other options it is a new import, and the earlier one stays: both are
listed, and :meth:`Store.observations` prefers the latest import for a key (policy ``latest_import``).

**Several sources, one key.** Rows for the same (entity, indicator, year) from different sources or imports are
all kept. Inside one file, the same key *and* source (source_title, source_url) with two different values is an
import error naming both rows. :meth:`Store.observations` picks one value per key by a stated policy and says
why in a ``reason`` column; :meth:`Store.conflicts` lists the keys whose rows disagree.

**Several processes.** DuckDB lets one process write a file, or any number read it. ``Store(path,
read_only=True)`` (every command that only reads: ``list``, ``compare``, ``export``, ``run``/``build --store``)
opens the file read-only and runs no DDL, so readers share it; a missing file is an error, never created. A
writer (``import``) or a reader that finds the file held by another process waits, polling, up to
``lock_timeout`` seconds (default 30 s, ``INNOSCOPE_LOCK_TIMEOUT``), says once that it waits (``on_wait``), and
then raises :class:`~innoscope.errors.StoreLocked` with nothing written. ``innoscope import`` parses the file
before it asks for the store, so the parsed table waits with it and is never thrown away. A schema-1 or -2 store
opened read-only is upgraded once by a short write, then read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from innoscope.ingest.names import Entity, EntityTable
from innoscope.model.errors import DataError, ImportFailed, InnoscopeError, StoreLocked

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_PATH",
    "LOCK_WAIT_MESSAGE",
    "ImportRecord",
    "Store",
    "default_lock_timeout",
]

DEFAULT_PATH = "innoscope.duckdb"
DEFAULT_LOCK_TIMEOUT = 30.0
"""Seconds a command waits for another process to release the store (``INNOSCOPE_LOCK_TIMEOUT`` overrides)."""
LOCK_WAIT_MESSAGE = "waiting for the store lock held by another innoscope process…"
_LOCK_RE = re.compile(r"Could not set lock on file|Conflicting lock is held")
_PID_RE = re.compile(r"\(PID (\d+)\)")
SCHEMA_VERSION = "3"
_OBS_COLUMNS = (
    "entity",
    "indicator",
    "year",
    "value",
    "raw",
    "flags",
    "unit",
    "source_title",
    "source_url",
    "excerpt",
    "note",
    "entity_name",
    "row",
    "column",
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY, dataset VARCHAR NOT NULL, file_name VARCHAR, file_path VARCHAR,
    sha256 VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, n_rows BIGINT, n_values BIGINT, n_missing BIGINT,
    n_flagged BIGINT, encoding VARCHAR, sheet VARCHAR, layout VARCHAR, note VARCHAR);
CREATE TABLE IF NOT EXISTS import_identity (
    import_id INTEGER NOT NULL, options VARCHAR, identity VARCHAR NOT NULL, report VARCHAR);
CREATE TABLE IF NOT EXISTS entities (id VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, pinyin VARCHAR);
CREATE TABLE IF NOT EXISTS aliases (alias VARCHAR NOT NULL, entity_id VARCHAR NOT NULL);
"""
_OBSERVATIONS = """
CREATE TABLE observations_data (
    detail BIGINT NOT NULL, indicator_id BIGINT NOT NULL, value DOUBLE, raw VARCHAR, file_row BIGINT);
CREATE TABLE observations_detail (
    detail BIGINT NOT NULL, import_id INTEGER NOT NULL, entity VARCHAR NOT NULL, entity_name VARCHAR,
    year INTEGER, flags VARCHAR, unit VARCHAR, source_title VARCHAR, source_url VARCHAR, excerpt VARCHAR,
    note VARCHAR, file_column VARCHAR);
CREATE TABLE observations_indicator (indicator_id BIGINT NOT NULL, indicator VARCHAR NOT NULL);
CREATE VIEW observations AS
    SELECT d.import_id, d.entity, i.indicator, d.year, r.value, r.raw, d.flags, d.unit, d.source_title,
           d.source_url, d.excerpt, d.note, d.entity_name, r.file_row, d.file_column
    FROM observations_data r JOIN observations_detail d ON d.detail = r.detail
    JOIN observations_indicator i ON i.indicator_id = r.indicator_id;
"""
_DETAIL_COLUMNS = (
    "entity",
    "entity_name",
    "year",
    "flags",
    "unit",
    "source_title",
    "source_url",
    "excerpt",
    "note",
    "column",
)
# Schema 1 kept observations as one table; schema 2 kept the indicator name in every row of observations_data.
# Opening an older store moves its rows to the current tables (same rows, values and text), in one transaction.
_MIGRATE_1_TO_2 = """
ALTER TABLE observations RENAME TO observations_v1;
CREATE TABLE observations_data (
    detail BIGINT NOT NULL, indicator VARCHAR NOT NULL, value DOUBLE, raw VARCHAR, file_row BIGINT);
CREATE TABLE observations_detail (
    detail BIGINT NOT NULL, import_id INTEGER NOT NULL, entity VARCHAR NOT NULL, entity_name VARCHAR,
    year INTEGER, flags VARCHAR, unit VARCHAR, source_title VARCHAR, source_url VARCHAR, excerpt VARCHAR,
    note VARCHAR, file_column VARCHAR);
INSERT INTO observations_detail SELECT rowid + 1, import_id, entity, entity_name, year, flags, unit,
    source_title, source_url, excerpt, note, file_column FROM observations_v1;
INSERT INTO observations_data SELECT rowid + 1, indicator, value, raw, file_row FROM observations_v1;
DROP TABLE observations_v1;
"""
_MIGRATE_2_TO_3 = """
DROP VIEW IF EXISTS observations;
ALTER TABLE observations_data RENAME TO observations_data_v2;
CREATE TABLE observations_data (
    detail BIGINT NOT NULL, indicator_id BIGINT NOT NULL, value DOUBLE, raw VARCHAR, file_row BIGINT);
CREATE TABLE observations_indicator (indicator_id BIGINT NOT NULL, indicator VARCHAR NOT NULL);
INSERT INTO observations_indicator
    SELECT row_number() OVER (ORDER BY indicator), indicator FROM (SELECT DISTINCT indicator FROM observations_data_v2);
INSERT INTO observations_data SELECT r.detail, i.indicator_id, r.value, r.raw, r.file_row
    FROM observations_data_v2 r JOIN observations_indicator i ON i.indicator = r.indicator;
DROP TABLE observations_data_v2;
CREATE VIEW observations AS
    SELECT d.import_id, d.entity, i.indicator, d.year, r.value, r.raw, d.flags, d.unit, d.source_title,
           d.source_url, d.excerpt, d.note, d.entity_name, r.file_row, d.file_column
    FROM observations_data r JOIN observations_detail d ON d.detail = r.detail
    JOIN observations_indicator i ON i.indicator_id = r.indicator_id;
UPDATE meta SET value = '3' WHERE key = 'schema_version';
"""
_HASHED = {
    "imports": "id, dataset, file_name, file_path, sha256, imported_at, n_rows, n_values, n_missing, n_flagged, "
    "encoding, sheet, layout, note",
    "import_identity": "import_id, options, identity, report",
    "observations": "import_id, entity, indicator, year, value, raw, flags, unit, source_title, source_url, "
    "excerpt, note, entity_name, file_row, file_column",
    "entities": "id, name_zh, name_en, pinyin",
    "aliases": "alias, entity_id",
}


@dataclass(frozen=True)
class ImportRecord:
    id: int
    dataset: str
    file_name: str
    sha256: str
    n_rows: int
    n_values: int
    n_missing: int
    n_flagged: int
    reused: bool = False


class Store:
    """A DuckDB store of imports, observations and entities (see the module docstring)."""

    def __init__(
        self,
        path: str | Path = DEFAULT_PATH,
        *,
        entities: EntityTable | None = None,
        read_only: bool = False,
        lock_timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ):
        self.path = str(path)
        self.read_only = read_only
        self._entity_table: EntityTable | None = None
        self._outer = False
        timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
        if read_only:
            self._open_read_only(timeout, on_wait)
            if not self._has_entities():
                self._entity_table = entities if entities is not None else EntityTable.default()
            return
        self.con = _connect(self.path, read_only=False, timeout=timeout, on_wait=on_wait)
        self.con.execute(_SCHEMA)
        self._settings()
        self._upgrade(self._schema_version())
        if not self._has_entities():
            self._write_entities(entities if entities is not None else EntityTable.default())

    def _open_read_only(self, timeout: float, on_wait: Callable[[str], None] | None) -> None:
        """Connect read-only (no DDL); an older schema is upgraded first by a short write."""
        if not Path(self.path).is_file():
            raise DataError(
                f"store {self.path} does not exist; create it with "
                f"`innoscope import FILE --store {self.path}`"
            )
        self.con = _connect(self.path, read_only=True, timeout=timeout, on_wait=on_wait)
        version = self._schema_version()
        if version in ("1", "2"):
            self.con.close()
            Store(self.path, lock_timeout=timeout, on_wait=on_wait).close()
            self.con = _connect(self.path, read_only=True, timeout=timeout, on_wait=on_wait)
            version = self._schema_version()
        if version != SCHEMA_VERSION:
            self.con.close()
            raise DataError(f"store {self.path} has schema version {version}, expected {SCHEMA_VERSION}")
        self._settings()

    def _upgrade(self, version: str | None) -> None:
        """Create the observation tables of a new store, or move an older schema's rows (one transaction)."""
        if version is None:
            self.con.execute(_OBSERVATIONS)
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        elif version in ("1", "2"):
            self.con.begin()
            try:
                if version == "1":
                    self.con.execute(_MIGRATE_1_TO_2)
                self.con.execute(_MIGRATE_2_TO_3)
                self.con.commit()
            except duckdb.Error as exc:
                self.con.rollback()
                raise DataError(
                    f"store {self.path}: cannot upgrade schema {version} to {SCHEMA_VERSION}: {exc}"
                ) from None
        elif version != SCHEMA_VERSION:
            raise DataError(f"store {self.path} has schema version {version}, expected {SCHEMA_VERSION}")

    def _has_entities(self) -> bool:
        row = self.con.execute("SELECT count(*) FROM entities").fetchone()
        return bool(row and row[0])

    def _settings(self) -> None:
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET enable_progress_bar = false")

    def _schema_version(self) -> str | None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            raise DataError(f"store {self.path} is not an innoscope store (no meta table)") from None
        return None if row is None else str(row[0])

    # ------------------------------------------------------------------ basics
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Several imports as one: every one lands or none does (ROLLBACK on any error, then re-raised)."""
        if self._outer:
            yield self
            return
        self.con.begin()
        self._outer = True
        try:
            yield self
        except BaseException:
            self.con.rollback()
            raise
        else:
            self.con.commit()
        finally:
            self._outer = False

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).fetch_arrow_table().to_pandas()

    def row_count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM observations_data").fetchone()[0])

    def content_hash(self) -> str:
        """sha256 over every table's row count and order-independent sum of row hashes."""
        h = hashlib.sha256()
        for table, cols in _HASHED.items():
            n, s = self.con.execute(
                f"SELECT count(*), coalesce(sum(hash({cols})::HUGEINT), 0) FROM {table}"
            ).fetchone()
            h.update(f"{table}:{n}:{s};".encode())
        return h.hexdigest()

    # ------------------------------------------------------------------ entities
    def _write_entities(self, table: EntityTable) -> None:
        rows = [(e.id, e.name_zh, e.name_en, e.pinyin) for e in table.entities.values()]
        aliases = [(a, e.id) for e in table.entities.values() for a in e.aliases]
        for name, cols, records in (
            ("entities", ["id", "name_zh", "name_en", "pinyin"], rows),
            ("aliases", ["alias", "entity_id"], aliases),
        ):
            if records:
                self.con.register(
                    "_new_rows",
                    pa.table([pa.array(c, pa.string()) for c in zip(*records, strict=True)], names=cols),
                )
                try:
                    self.con.execute(f"INSERT INTO {name} SELECT * FROM _new_rows")
                finally:
                    self.con.unregister("_new_rows")

    def entity_table(self) -> EntityTable:
        """The store's entities and aliases as an :class:`EntityTable`."""
        if self._entity_table is None:
            ents = {
                r[0]: Entity(r[0], r[1] or "", r[2] or "", r[3] or "")
                for r in self.con.execute(
                    "SELECT id, name_zh, name_en, pinyin FROM entities ORDER BY id"
                ).fetchall()
            }
            for alias, eid in self.con.execute(
                "SELECT alias, entity_id FROM aliases ORDER BY rowid"
            ).fetchall():
                ents[eid].aliases.append(alias)
            self._entity_table = EntityTable(ents.values())
        return self._entity_table

    def _writable(self, what: str) -> None:
        if self.read_only:
            raise DataError(f"store {self.path} is open read-only: cannot {what}")

    def add_entity(self, entity: Entity) -> None:
        self.add_entities([entity])

    def add_entities(self, entities: Sequence[Entity]) -> None:
        """Add entities in one transaction: all or none (an id already in the store is an error)."""
        self._writable("add an entity")
        EntityTable([*self.entity_table().entities.values(), *entities])  # validates the ids
        self.con.begin()
        try:
            self._write_entities(EntityTable(entities))
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        finally:
            self._entity_table = None

    def add_alias(self, entity_id: str, alias: str) -> None:
        self._writable("add an alias")
        self.entity_table().add_alias(entity_id, alias)
        self.con.execute("INSERT INTO aliases VALUES (?, ?)", [alias, entity_id])

    # ------------------------------------------------------------------ imports
    def imports(self, dataset: str | None = None) -> pd.DataFrame:
        where = "WHERE dataset = ?" if dataset else ""
        return self._df(f"SELECT * FROM imports {where} ORDER BY id", [dataset] if dataset else None)

    def datasets(self) -> pd.DataFrame:
        return self._df("""SELECT i.dataset, count(DISTINCT i.id) AS imports, count(o.import_id) AS rows,
                           max(i.imported_at) AS last_import
                           FROM imports i LEFT JOIN observations o ON o.import_id = i.id
                           GROUP BY i.dataset ORDER BY i.dataset""")

    def import_file(
        self, path: str | Path, *, dataset: str = "default", note: str | None = None, **read_options: Any
    ) -> ImportRecord:
        """Read ``path`` with :func:`~innoscope.ingest.readers.read_table` (names resolved with the store's
        entity table; the year required: a table that states it nowhere needs ``year=``) and import it
        (:meth:`import_long`). Any error leaves the store unchanged."""
        self._writable("import")
        from innoscope.ingest.readers import read_table

        read_options.setdefault("entities", self.entity_table())
        read_options.setdefault("require_year", True)
        allow = read_options.pop("allow", ())
        try:
            table = read_table(path, as_arrow=True, **read_options)
        except InnoscopeError as exc:
            raise ImportFailed(f"{path}: import rejected, store unchanged: {exc}") from exc
        return self.import_long(table, file=str(path), dataset=dataset, note=note, check=True, allow=allow)

    def import_long(
        self,
        table: pd.DataFrame | pa.Table,
        *,
        file: str,
        dataset: str = "default",
        sha256: str | None = None,
        note: str | None = None,
        options: dict[str, object] | None = None,
        check: bool = False,
        allow: Collection[str] = (),
        known_indicators: Collection[str] | None = None,
        entities: Sequence[Entity] = (),
    ) -> ImportRecord:
        """Import a tidy long table (columns as :data:`~innoscope.ingest.readers.TIDY_COLUMNS`; ``entity``,
        ``indicator``, ``year``, ``value`` required) in one transaction. Raises ImportFailed, store unchanged.

        ``options``: what shaped the reading (default: the table's ``options`` metadata, as the readers set
        it); with the content hash it is the import's identity (module docstring). ``check=True``: values
        checked against their meaning first (:func:`~innoscope.ingest.checks.check_values`, with ``allow``
        and ``known_indicators``), as :meth:`import_file` and ``innoscope import`` do. ``entities``: the new
        entities its rows name (places of the gazetteer, entities a user let the import add), stored with it."""
        self._writable("import")
        from innoscope.ingest.checks import check_values

        try:
            arrow, meta = _as_arrow(table)
            sha = sha256 or meta.get("sha256") or _table_sha(arrow)
            opts = options if options is not None else json.loads(meta.get("options") or "{}")
            opts_text = json.dumps(opts, ensure_ascii=False, sort_keys=True, default=str)
            identity = hashlib.sha256(f"{sha}\n{opts_text}".encode()).hexdigest()
            previous = self._previous(dataset, identity, sha, bool(opts))
            if previous is not None:
                return self._record(previous, reused=True)
            if check:
                check_values(
                    arrow,
                    file=file,
                    sheet=meta.get("sheet") or None,
                    letters=json.loads(meta.get("letters") or "{}"),
                    allow=allow,
                    known_indicators=known_indicators,
                )
            report = {
                k: json.loads(meta[k]) for k in ("notes", "meta", "letters", "bad_cells") if meta.get(k)
            } | {k: meta[k] for k in ("year_source",) if meta.get(k)}
            known = EntityTable([*self.entity_table().entities.values(), *entities]) if entities else None
            arrow = self._canonical_entities(arrow, file, known)
            codes: dict[str, tuple[np.ndarray, int]] = {}
            _check_duplicates(arrow, file, codes)
            stats = _stats(arrow)
            detail, first = _detail_ids(arrow, codes)
            try:
                self._begin()
                try:
                    new_id = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM imports").fetchone()[0]
                    base = self.con.execute(
                        "SELECT coalesce(max(detail), 0) + 1 FROM observations_detail"
                    ).fetchone()[0]
                    ibase = self.con.execute(
                        "SELECT coalesce(max(indicator_id), 0) + 1 FROM observations_indicator"
                    ).fetchone()[0]
                    self.con.execute(
                        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            new_id,
                            dataset,
                            Path(file).name,
                            file,
                            sha,
                            datetime.now(UTC).replace(tzinfo=None),
                            *stats,
                            meta.get("encoding") or None,
                            meta.get("sheet") or None,
                            meta.get("layout") or None,
                            note,
                        ],
                    )
                    self.con.execute(
                        "INSERT INTO import_identity VALUES (?, ?, ?, ?)",
                        [
                            new_id,
                            opts_text,
                            identity,
                            json.dumps(report, ensure_ascii=False) if report else None,
                        ],
                    )
                    details = arrow.select(list(_DETAIL_COLUMNS)).take(pa.array(first))
                    details = details.add_column(
                        0, "detail", pa.array(np.arange(len(first), dtype=np.int64) + base)
                    )
                    ind_codes, ind_names = _indicator_codes(arrow.column("indicator"))
                    no_ind = arrow.column("indicator").null_count > 0  # NOT NULL rejects the import
                    indicators = pa.table(
                        {
                            "indicator_id": pa.array(np.arange(len(ind_names), dtype=np.int64) + ibase),
                            "indicator": ind_names,
                        }
                    )
                    rows = pa.table(
                        {
                            "detail": pa.array(detail + base),
                            "indicator_id": pa.array(
                                ind_codes + ibase, mask=(ind_codes < 0) if no_ind else None
                            ),
                            **{c: arrow.column(c) for c in ("value", "raw", "row")},
                        }
                    )
                    self.con.register("_incoming_detail", details)
                    self.con.register("_incoming_indicator", indicators)
                    self.con.register("_incoming", rows)
                    self.con.execute(f"""INSERT INTO observations_detail SELECT detail, {new_id}, entity,
                        entity_name, year, flags, unit, source_title, source_url, excerpt, note, "column"
                        FROM _incoming_detail""")
                    self.con.execute("INSERT INTO observations_indicator SELECT * FROM _incoming_indicator")
                    self.con.execute("""INSERT INTO observations_data SELECT detail, indicator_id, value, raw, "row"
                        FROM _incoming""")
                    if entities:
                        self._write_entities(EntityTable(entities))
                        self._entity_table = None
                    self._end(commit=True)
                except BaseException:
                    self._end(commit=False)
                    raise
            finally:
                for name in ("_incoming", "_incoming_detail", "_incoming_indicator"):
                    try:
                        self.con.unregister(name)
                    except duckdb.Error:
                        pass
        except ImportFailed:
            raise
        except (InnoscopeError, duckdb.Error, pa.ArrowException) as exc:
            raise ImportFailed(f"{file}: import rejected, store unchanged: {exc}") from exc
        return self._record(new_id)

    def _previous(self, dataset: str, identity: str, sha: str, has_options: bool) -> int | None:
        """The import with this identity in ``dataset`` (an import made before identities: same sha256 and no
        options given), else None."""
        row = self.con.execute(
            "SELECT i.id FROM imports i LEFT JOIN import_identity d ON d.import_id = i.id WHERE i.dataset = ? "
            "AND (d.identity = ? OR (d.identity IS NULL AND i.sha256 = ? AND ?)) ORDER BY i.id LIMIT 1",
            [dataset, identity, sha, not has_options],
        ).fetchone()
        return None if row is None else int(row[0])

    def _begin(self) -> None:
        if not self._outer:
            self.con.begin()

    def _end(self, *, commit: bool) -> None:
        """Commit or roll back an import's own transaction (inside :meth:`transaction`, the outer one decides)."""
        if not self._outer:
            (self.con.commit if commit else self.con.rollback)()

    def _record(self, import_id: int, reused: bool = False) -> ImportRecord:
        r = self.con.execute(
            """SELECT id, dataset, file_name, sha256, n_rows, n_values, n_missing, n_flagged
                                FROM imports WHERE id = ?""",
            [import_id],
        ).fetchone()
        return ImportRecord(*r, reused=reused)

    def _canonical_entities(self, arrow: pa.Table, file: str, table: EntityTable | None = None) -> pa.Table:
        """Entities must be known ids; names (深圳, Shenzhen...) are resolved through the store's table, each
        distinct name once."""
        import pyarrow.compute as pc

        ent = arrow.column("entity")
        if ent.null_count:
            raise DataError(f"{file}: a row has no entity")
        if pa.types.is_dictionary(ent.type):
            ent = ent.unify_dictionaries()
            distinct = pc.unique(ent.chunk(0).dictionary if ent.num_chunks else pa.array([], pa.string()))
        else:
            distinct = pc.unique(ent)
        table = table or self.entity_table()
        mapping = {}
        for name in distinct.to_pylist():
            if name in table.entities:
                continue
            try:
                mapping[name] = table.resolve(name)
            except DataError as exc:
                rows = _rows_of(arrow, "entity", name)
                raise DataError(f"{file}{rows}: {exc}") from None
        if not mapping:
            return arrow
        plain = ent.cast(pa.string()) if pa.types.is_dictionary(ent.type) else ent
        keys = pa.array(list(mapping), pa.string())
        idx = pc.index_in(plain, value_set=keys)
        mapped = pc.if_else(
            pc.is_valid(idx), pc.take(pa.array(list(mapping.values()), pa.string()), idx), plain
        )
        return arrow.set_column(arrow.schema.get_field_index("entity"), "entity", mapped)

    # ------------------------------------------------------------------ reading back
    def observations(
        self,
        policy: Literal["latest_import", "source_priority"] = "latest_import",
        priority: Sequence[str] = (),
        *,
        dataset: str | None = None,
        all_rows: bool = False,
    ) -> pd.DataFrame:
        """One row per (entity, indicator, year) with the chosen value and a ``reason`` column.

        Candidates with a value beat missing ones. ``latest_import``: the most recent import wins (then the
        first row of its file). ``source_priority``: the first pattern of ``priority`` found (case-insensitive
        substring) in source_title or source_url wins; rows matching no pattern come after all that match,
        then latest import. ``all_rows=True`` returns every candidate with its ``rank`` (1 = chosen).
        """
        if policy not in ("latest_import", "source_priority"):
            raise DataError(f"unknown policy {policy!r}; expected 'latest_import' or 'source_priority'")
        if policy == "source_priority" and not priority:
            raise DataError("policy 'source_priority' needs priority=[patterns, best first]")
        pats = list(priority) if policy == "source_priority" else []
        case = " ".join(
            f"WHEN lower(coalesce(o.source_title, '') || ' ' || coalesce(o.source_url, '')) "
            f"LIKE '%' || lower(${k + 1}) || '%' THEN {k}"
            for k in range(len(pats))
        )
        prank = f"CASE {case} ELSE {len(pats)} END" if pats else "0"
        params: list[Any] = list(pats)
        where = ""
        if dataset is not None:
            params.append(dataset)
            where = f"WHERE i.dataset = ${len(params)}"
        sql = f"""
            WITH o AS (
                SELECT o.*, i.file_name, i.dataset, {prank} AS prio
                FROM observations o JOIN imports i ON i.id = o.import_id {where}),
            g AS (
                SELECT entity, indicator, year, count(*) AS n_candidates, count(DISTINCT value) AS n_values
                FROM o GROUP BY entity, indicator, year),
            r AS (
                SELECT *, row_number() OVER (PARTITION BY entity, indicator, year
                    ORDER BY (value IS NULL), prio, import_id DESC, file_row) AS rank
                FROM o {"" if all_rows else "QUALIFY rank = 1"})
            SELECT r.entity, r.indicator, r.year, value, flags, unit, raw, source_title, source_url, excerpt, note,
                   import_id, file_name, file_row, file_column, dataset, prio, rank, n_candidates, n_values
            FROM r JOIN g ON g.entity = r.entity AND g.indicator = r.indicator AND g.year IS NOT DISTINCT FROM r.year
            ORDER BY r.entity, r.indicator, r.year, rank"""
        df = self._df(sql, params)
        df["reason"] = _reasons(df, policy, pats)
        return df.drop(columns=["prio"] + ([] if all_rows else ["rank"]))

    def _identity(self) -> str:
        """The import_identity table, or an empty relation of its shape in a store opened read-only that was
        written before the table existed."""
        if self.con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'import_identity'").fetchall():
            return "import_identity"
        return (
            "(SELECT NULL::INTEGER AS import_id, NULL::VARCHAR AS options, NULL::VARCHAR AS identity, "
            "NULL::VARCHAR AS report WHERE false)"
        )

    def export_observations(self, dataset: str | None = None) -> pd.DataFrame:
        """Every stored observation in long form, any indicator: entity (canonical Chinese name), entity_code
        (the store's entity id), indicator, unit, year, value, raw, flags, note, source_file, source_cell
        (``Sheet1!C12`` for a workbook, ``row 12, column 'GDP'`` otherwise), source_title, source_url, import_id,
        dataset."""
        where = "WHERE i.dataset = ?" if dataset else ""
        df = self._df(
            f"""
            SELECT coalesce(e.name_zh, o.entity) AS entity, o.entity AS entity_code, o.indicator, o.unit, o.year,
                   o.value, o.raw, o.flags, o.note, i.file_name AS source_file, i.sheet, o.file_row, o.file_column,
                   d.report, o.source_title, o.source_url, o.import_id, i.dataset
            FROM observations o JOIN imports i ON i.id = o.import_id
            LEFT JOIN entities e ON e.id = o.entity LEFT JOIN {self._identity()} d ON d.import_id = o.import_id
            {where} ORDER BY o.import_id, o.file_row, o.file_column, o.indicator""",
            [dataset] if dataset else None,
        )
        letters = {r: json.loads(r).get("letters", {}) for r in df["report"].dropna().unique()}
        df["source_cell"] = [
            _source_cell(sheet, letters.get(rep, {}) if isinstance(rep, str) else {}, row, col)
            for sheet, rep, row, col in zip(
                df["sheet"], df["report"], df["file_row"], df["file_column"], strict=True
            )
        ]
        df["year"] = df["year"].astype("Int64")
        cols = [
            "entity",
            "entity_code",
            "indicator",
            "unit",
            "year",
            "value",
            "flags",
            "source_file",
            "source_cell",
            "raw",
            "note",
            "source_title",
            "source_url",
            "import_id",
            "dataset",
        ]
        return df[cols]

    def summary(self) -> dict[str, pd.DataFrame]:
        """What is in the store: imports (with their options), entities with observations, and indicators with
        units, years and counts (values, missing, flagged)."""
        imports = self._df(f"""SELECT i.id, i.dataset, i.file_name, i.sheet, i.layout, i.n_rows, i.n_values,
                                      i.n_missing, i.n_flagged, substr(i.sha256, 1, 12) AS sha256, d.options,
                                      i.imported_at
                               FROM imports i LEFT JOIN {self._identity()} d ON d.import_id = i.id ORDER BY i.id""")
        entities = self._df("""SELECT o.entity AS entity_code, coalesce(e.name_zh, o.entity) AS entity,
                                      e.name_en, count(*) AS observations, count(DISTINCT o.indicator) AS indicators
                               FROM observations o LEFT JOIN entities e ON e.id = o.entity
                               GROUP BY ALL ORDER BY o.entity""")
        indicators = self._df("""SELECT indicator, string_agg(DISTINCT coalesce(unit, ''), ', ') AS units,
                                        min(year)::VARCHAR AS first_year, max(year)::VARCHAR AS last_year,
                                        count(DISTINCT year) AS years, count(DISTINCT entity) AS entities,
                                        count(value) AS "values", count(*) - count(value) AS missing,
                                        count(*) FILTER (WHERE coalesce(flags, '') NOT IN ('', 'NA')) AS flagged
                                 FROM observations GROUP BY indicator ORDER BY indicator""")
        return {"imports": imports, "entities": entities, "indicators": indicators}

    def conflicts(self, dataset: str | None = None) -> pd.DataFrame:
        """Keys whose rows hold more than one distinct value, with the values and their sources."""
        where = "WHERE i.dataset = ?" if dataset else ""
        return self._df(
            f"""
            WITH o AS (SELECT o.*, i.file_name FROM observations o JOIN imports i ON i.id = o.import_id {where}),
            k AS (SELECT entity, indicator, year FROM o GROUP BY entity, indicator, year
                  HAVING min(value) IS DISTINCT FROM max(value))
            SELECT o.entity, o.indicator, o.year, count(*) AS n_rows, count(DISTINCT o.value) AS n_values,
                   min(o.value) AS min_value, max(o.value) AS max_value,
                   string_agg(DISTINCT coalesce(o.raw, '') || ' [' || coalesce(o.source_title, o.file_name) || ']',
                              ' | ') AS candidates
            FROM o JOIN k ON k.entity = o.entity AND k.indicator = o.indicator AND k.year IS NOT DISTINCT FROM o.year
            GROUP BY o.entity, o.indicator, o.year
            ORDER BY o.entity, o.indicator, o.year""",
            [dataset] if dataset else None,
        )


def default_lock_timeout() -> float:
    """``INNOSCOPE_LOCK_TIMEOUT`` (seconds, >= 0) if set, else :data:`DEFAULT_LOCK_TIMEOUT`."""
    text = os.environ.get("INNOSCOPE_LOCK_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise DataError(f"INNOSCOPE_LOCK_TIMEOUT={text[:40]!r}: expected a number of seconds >= 0")
    return value


def _connect(
    path: str, *, read_only: bool, timeout: float, on_wait: Callable[[str], None] | None
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting up to ``timeout`` seconds while another process holds a conflicting lock
    (a writer excludes everyone; readers exclude writers). ``on_wait`` gets one message when the wait starts;
    a lock still held at the end raises :class:`StoreLocked`."""
    start = time.monotonic()
    delay = 0.05
    told = False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc)
            if not _LOCK_RE.search(text):
                raise DataError(f"cannot open store {path}: {text.splitlines()[0][:300]}") from None
            waited = time.monotonic() - start
            if waited >= timeout:
                pid = _PID_RE.search(text)
                holder = f"process {pid.group(1)}" if pid else "another process"
                raise StoreLocked(
                    f"store {path} is locked by {holder} (another innoscope command); gave up "
                    f"after {timeout:g} s: try again when it has finished, or wait longer "
                    f"(--lock-timeout SECONDS or INNOSCOPE_LOCK_TIMEOUT)"
                ) from None
            if not told and on_wait is not None:
                on_wait(f"{LOCK_WAIT_MESSAGE} ({path}; waiting up to {timeout:g} s)")
            told = True
            time.sleep(min(delay, max(timeout - waited, 0.0)))
            delay = min(delay * 1.5, 0.5)


def _source_cell(sheet: object, letters: dict[str, str], row: object, column: object) -> str:
    """``Sheet1!C12`` when the column's letter is known, else ``row 12, column 'GDP'``."""
    r = str(int(row)) if isinstance(row, int | float | np.integer) and row == row else ""
    if isinstance(column, str) and column in letters and r:
        return (
            f"{sheet}!{letters[column]}{r}" if isinstance(sheet, str) and sheet else f"{letters[column]}{r}"
        )
    return f"row {r}, column {column!r}" if r else ""


def _reasons(df: pd.DataFrame, policy: str, pats: list[str]) -> pd.Series:
    n = df["n_candidates"].astype("int64")
    rank = df["rank"].astype("int64")
    head = np.where(rank == 1, "chosen", "candidate " + rank.astype(str)) + " of " + n.astype(str) + ": "
    imp = "import #" + df["import_id"].astype(str) + " (" + df["file_name"].astype(str) + ")"
    if policy == "source_priority":
        prio = df["prio"].astype("int64")
        labels = np.asarray(
            [f"source matches priority {k + 1} {p!r}" for k, p in enumerate(pats)] + [""], dtype=object
        )
        why = np.where(prio < len(pats), labels[prio.clip(upper=len(pats))], "no priority source; " + imp)
    else:
        why = np.where(rank == 1, "latest " + imp, imp)
    why = np.where(df["value"].isna(), "missing value", why)
    out = np.where(n == 1, "only value", head + why)
    return pd.Series(out, index=df.index, dtype=object)


def _codes(col: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, int]:
    """Integer codes of a column, equal exactly for equal values, and one more than the largest code.

    Null gets its own code. Dictionary columns with a duplicate-free dictionary reuse their indices and integer
    columns their values (offset by the minimum); anything else is dictionary-encoded.
    """
    import pyarrow.compute as pc

    from innoscope.ingest.values import _dictionary_encode

    if isinstance(col, pa.ChunkedArray):
        col = col.unify_dictionaries() if pa.types.is_dictionary(col.type) else col
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    n = len(col)
    if col.null_count == n:
        return np.zeros(n, dtype=np.int32), 1
    if pa.types.is_dictionary(col.type):
        d = col.dictionary
        if d.null_count == 0 and len(pc.unique(d)) == len(d):
            indices = col.indices
            if col.null_count == 0:
                return indices.to_numpy(zero_copy_only=False), len(d)
            if indices.type.bit_width < 32:
                indices = indices.cast(pa.int32())
            return indices.fill_null(len(d)).to_numpy(zero_copy_only=False), len(d) + 1
        col = col.cast(col.type.value_type)
    if pa.types.is_integer(col.type):
        lo, hi = (int(x.as_py()) for x in pc.min_max(col).values())
        if hi - lo < 2**40:
            if col.null_count == 0:
                return np.subtract(col.to_numpy(zero_copy_only=False), lo, dtype=np.int64), hi - lo + 1
            return np.subtract(
                col.fill_null(hi + 1).to_numpy(zero_copy_only=False), lo, dtype=np.int64
            ), hi - lo + 2
    codes, dictionary = _dictionary_encode(col)
    return codes.astype(np.int64, copy=False) + 1, len(dictionary) + 1


def _combined_key(
    arrow: pa.Table,
    columns: Sequence[str],
    limit: int,
    cache: dict[str, tuple[np.ndarray, int]] | None = None,
) -> tuple[np.ndarray, int]:
    """One integer per row, equal exactly when the rows agree on ``columns`` (mixed radix over their codes),
    and one more than the largest; renumbered densely whenever the radix would pass ``limit``. int32 when the
    whole radix fits (half the memory of int64, one scratch array for all columns). ``cache``: the columns'
    codes computed so far (read and filled in, so that two keys over the same table share them)."""
    n = arrow.num_rows
    known = {} if cache is None else cache
    for c in columns:
        if c not in known:
            known[c] = _codes(arrow.column(c))
    parts = [known[c] for c in columns if known[c][1] > 1]
    if not parts:
        return np.zeros(n, dtype=np.int64), 1
    total = int(np.prod([card for _, card in parts], dtype=object))
    if total <= min(limit, 2**31 - 1):
        key = parts[0][0].astype(np.int32, copy=True)
        scratch = np.empty(n, dtype=np.int32)
        radix = parts[0][1]
        for codes, card in parts[1:]:
            np.multiply(codes, np.int32(radix), out=scratch, dtype=np.int32, casting="unsafe")
            key += scratch
            radix *= card
        return key, radix
    key = parts[0][0].astype(np.int64)
    radix = parts[0][1]
    for codes, card in parts[1:]:
        if radix * card > limit:
            key, radix = _dense(key, radix)
        key += np.multiply(codes, radix, dtype=np.int64)
        radix *= card
    return key, radix


def _indicator_codes(col: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Per row, an int64 code into the returned distinct names (-1 for null): the indices of a dictionary column
    whose dictionary holds distinct non-null names, else a dictionary encoding of the text."""
    import pyarrow.compute as pc

    from innoscope.ingest.values import _dictionary_encode

    if isinstance(col, pa.ChunkedArray):
        col = col.unify_dictionaries() if pa.types.is_dictionary(col.type) else col
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    if pa.types.is_dictionary(col.type):
        d = col.dictionary
        if d.null_count == 0 and len(pc.unique(d)) == len(d):
            idx = col.indices.fill_null(-1) if col.null_count else col.indices
            return idx.to_numpy(zero_copy_only=False).astype(np.int64), d.cast(pa.string())
        col = col.cast(col.type.value_type)
    return _dictionary_encode(col.cast(pa.string()))


def _dense(key: np.ndarray, radix: int) -> tuple[np.ndarray, int]:
    """Renumber integer keys 0..k-1 (k = number of distinct keys), keeping their order."""
    n = len(key)
    if radix <= 2 * n + 1024:
        present = np.bincount(key, minlength=radix) > 0
        ids = np.cumsum(present) - 1
        return ids[key], int(present.sum())
    uniq, inv = np.unique(key, return_inverse=True)
    return inv.astype(np.int64), len(uniq)


def _detail_ids(
    arrow: pa.Table, codes: dict[str, tuple[np.ndarray, int]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the number (0..k-1) of its combination of the :data:`_DETAIL_COLUMNS` values, and per
    combination its first row."""
    n = arrow.num_rows
    key, radix = _combined_key(arrow, _DETAIL_COLUMNS, 2 * n + 1024, codes)
    key, k = _dense(key, radix)
    first = np.empty(k, dtype=np.int64)
    first[key[::-1]] = np.arange(n - 1, -1, -1)
    return key, first


def _check_duplicates(
    arrow: pa.Table, file: str, codes: dict[str, tuple[np.ndarray, int]] | None = None
) -> None:
    """Rows with equal (entity, indicator, year, source_title, source_url) must hold equal values (NaN = NaN).

    The key columns become one integer per row (mixed radix over their codes). When the key space is small
    (at most 2 n) a bincount finds the repeated keys, else a sort; only the rows of repeated keys are then
    sorted and each run compared (NaN-aware min/max, missing mixed with non-missing) with numpy reductions.
    """
    n = arrow.num_rows
    key, radix = _combined_key(
        arrow, ("entity", "indicator", "year", "source_title", "source_url"), 2**62, codes
    )
    if radix <= 2 * n + 1024:
        counts = np.bincount(key, minlength=radix)
        if counts.max(initial=0) <= 1:
            return
        cand = np.flatnonzero(counts[key] > 1)
    else:
        order = np.argsort(key, kind="stable")
        ks = key[order]
        rep = np.r_[False, ks[1:] == ks[:-1]]
        rep[:-1] |= rep[1:]
        if not rep.any():
            return
        cand = np.sort(order[rep])
    value = arrow.column("value").to_numpy()
    order = cand[np.argsort(key[cand], kind="stable")]
    ks = key[order]
    vs = value[order]
    m = len(order)
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    sizes = np.diff(np.r_[starts, m])
    nan = np.isnan(vs)
    with np.errstate(invalid="ignore"):
        lo = np.fmin.reduceat(vs, starts)
        hi = np.fmax.reduceat(vs, starts)
    n_nan = np.add.reduceat(nan, starts)
    bad = ((lo != hi) & ~(np.isnan(lo) & np.isnan(hi))) | ((n_nan > 0) & (n_nan < sizes))
    if not bad.any():
        return
    firsts = np.minimum.reduceat(order, starts)  # order is stable, so each run starts with its first row
    g = int(np.flatnonzero(bad)[np.argmin(firsts[bad])])
    members = np.sort(order[starts[g] : starts[g] + sizes[g]])
    first = int(members[0])
    other = next(
        int(m)
        for m in members[1:]
        if not (value[m] == value[first] or (np.isnan(value[m]) and np.isnan(value[first])))
    )
    rows = arrow.column("row").to_numpy(zero_copy_only=False)
    raw = arrow.column("raw")

    def show(i: int) -> str:
        r = rows[i]
        return f"row {r if r == r else i + 1}: {raw[i].as_py()!r}"

    e, ind, y = (arrow.column(c)[first].as_py() for c in ("entity", "indicator", "year"))
    raise DataError(
        f"{file}: duplicate key ({e}, {ind}, {'no year' if y is None else y}) from the same source "
        f"with different values: {show(first)} vs {show(other)}"
    )


def _stats(arrow: pa.Table) -> list[int]:
    """n_rows, n_values (non-null), n_missing (null), n_flagged (flags other than '' and 'NA')."""
    import pyarrow.compute as pc

    n = arrow.num_rows
    missing = arrow.column("value").null_count
    flags = arrow.column("flags")
    if pa.types.is_dictionary(flags.type):
        flags = flags.unify_dictionaries()
        counts = pc.value_counts(flags)  # per distinct label: cheap for dictionary columns
        plain = sum(
            c
            for v, c in zip(counts.field(0).to_pylist(), counts.field(1).to_pylist(), strict=True)
            if v in (None, "", "NA")
        )
    else:
        plain = int(pc.sum(pc.is_in(pc.fill_null(flags, ""), pa.array(["", "NA"]))).as_py() or 0)
    return [n, n - missing, missing, n - plain]


def _as_arrow(table: pd.DataFrame | pa.Table) -> tuple[pa.Table, dict[str, str]]:
    import pyarrow.compute as pc

    if isinstance(table, pd.DataFrame):
        meta = {k: str(v) for k, v in table.attrs.items()}
        arrow = pa.Table.from_pandas(table, preserve_index=False)
    elif isinstance(table, pa.Table):
        md = table.schema.metadata or {}
        meta = {
            k.decode().removeprefix("innoscope."): v.decode()
            for k, v in md.items()
            if k.startswith(b"innoscope.")
        }
        arrow = table
    else:
        raise DataError(f"expected a pandas DataFrame or pyarrow Table, got {type(table).__name__}")
    missing = [c for c in ("entity", "indicator", "year", "value") if c not in arrow.column_names]
    if missing:
        raise DataError(f"table lacks required columns {missing}; it has {arrow.column_names}")
    n = arrow.num_rows
    if n == 0:
        raise DataError("table has no rows")
    types = {"year": pa.int32(), "value": pa.float64(), "row": pa.int64()}
    cols = {}
    for c in _OBS_COLUMNS:
        if c in arrow.column_names:
            col = arrow.column(c)
            want = types.get(c, pa.string())
            if pa.types.is_dictionary(col.type) and want == pa.string():
                cols[c] = col
            elif col.type != want:
                try:
                    cols[c] = col.cast(want)
                except pa.ArrowException as exc:
                    raise DataError(f"column {c!r} cannot be read as {want}: {exc}") from None
            else:
                cols[c] = col
        else:
            cols[c] = pa.nulls(n, types.get(c, pa.string()))
    value = cols["value"]
    if pc.any(pc.is_nan(value)).as_py():
        cols["value"] = pc.if_else(pc.is_nan(value), pa.scalar(None, pa.float64()), value)
    return pa.table(cols), meta


def _table_sha(arrow: pa.Table) -> str:
    import pyarrow.ipc as ipc

    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, arrow.schema) as w:
        w.write_table(arrow)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _rows_of(arrow: pa.Table, column: str, value: str) -> str:
    import pyarrow.compute as pc

    col = arrow.column(column)
    col = col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
    mask = pc.equal(col, value)
    rows = arrow.column("row").filter(mask).slice(0, 3).to_pylist()
    rows = [r for r in rows if r is not None]
    return f", row {rows[0]}" if rows else ""

"""A :class:`~innoscope.ingest.cells.RawTable` -> the tidy long table (columns :data:`TIDY_COLUMNS`).

Layouts, recognised from the headers and the title lines (:mod:`~innoscope.ingest.shape`):

* **long**: entity, indicator, year, value columns (``城市,指标,年份,数值``);
* **wide**: an entity column and one column per indicator; the header says the indicator, its unit and
  series (:func:`~innoscope.ingest.headers.parse_header`; ``全市`` and ``市辖区`` stay two series). A second
  name column (the yearbook's English ``City``) is a label, not an indicator; a row with a name and no values
  right above indented names (a province over its cities) is a heading, set aside and listed;
* **years as columns** (``2024年,2023年`` or ``2024,2023``): each column's header is the year; the indicator
  comes from an indicator column (a stacked block: its empty cells continue the name above) or from the
  title's ``指标：`` line, and the place from an entity column or the title's ``地区：`` line (the transposed
  NBS layout: a row per indicator, the place only in the title).

The year of a table without a year column or years as columns: ``year=`` (``--year``), else the year the file
states (:func:`said_year`: an NBS ``时间：`` line, the title, the sheet name or the file name, in that order; the
import report names where), else, for an import (``require_year``), an error saying so and suggesting
``--year``: a yearbook's edition is not the year of its data (the China City Statistical Yearbook 2024 reports
2023 data), so it is never guessed.

Units: a unit in the header, an indicator name (``地区生产总值(亿元)``) or a unit row (``单位：万元``) is the
unit of bare numbers; numbers written with a unit are converted to it, and everything to ``units[indicator]``
or ``unit`` when given. Cells are parsed by :func:`~innoscope.ingest.values.parse_array`, and the cells it
rejects read by :func:`~innoscope.ingest.badcells.read_cell`: footnote marks and bracketed notes recognised,
bad cells rejected all at once (``on_bad_cell="reject"``) or stored as missing with their raw text and reason
(``"flag"``). Then values are checked against their meaning (:mod:`~innoscope.ingest.checks`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from innoscope.ingest.badcells import BAD_CELL_POLICIES, BadCell, BadCellsError, read_cell
from innoscope.ingest.cells import Cells, RawTable, flat
from innoscope.ingest.checks import check_values
from innoscope.ingest.headers import Header, header_year, parse_header
from innoscope.ingest.names import EntityTable, fold_name
from innoscope.ingest.publications import known_publication
from innoscope.ingest.text import clean_cell
from innoscope.ingest.values import (
    ArrayDecodeError,
    ArrayParseError,
    _view,
    convert_unit,
    parse_array,
)
from innoscope.model.errors import DataError

__all__ = ["DEFAULT_HEADERS", "ROLES", "TIDY_COLUMNS", "to_long"]

TIDY_COLUMNS = (
    "entity",
    "entity_name",
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
    "file",
    "row",
    "column",
)
ROLES = (
    "entity",
    "province",
    "indicator",
    "year",
    "value",
    "unit",
    "source_title",
    "source_url",
    "excerpt",
    "note",
)
# Header names recognised without a mapping (compared after fold_name).
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "entity": ("entity", "城市", "城市名称", "地区", "地市", "city", "city_zh", "region", "ucode"),
    "province": ("province", "省份", "省", "省区", "省区市", "所属省份", "省级单位", "省(自治区、直辖市)"),
    "indicator": ("indicator", "指标", "指标名称", "icode"),
    "year": ("year", "年份", "年度", "年", "time"),
    "value": ("value", "数值", "值", "数据"),
    "unit": ("unit", "单位", "计量单位"),
    "source_title": ("source_title", "source", "来源", "数据来源", "出处"),
    "source_url": ("source_url", "url", "链接", "网址"),
    "excerpt": ("excerpt", "摘录", "原文"),
    "note": ("note", "notes", "备注", "说明"),
}
_YEAR_RE = re.compile(r"^\s*(\d{4})(?:\.0+)?\s*年?\s*$")
_YEAR_WORD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!鉴|鑑)")
_YEAR_ALONE = re.compile(r"^\s*((?:19|20)\d{2})\s*$")
_INDENT = re.compile(r"^[\s\u3000]+\S")


def _roles(names: Sequence[str], columns: Mapping[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """Role -> file column, and the remaining explicit renames (indicator headers in wide layouts)."""
    role_of: dict[str, str] = {}
    renames: dict[str, str] = {}
    for src, dst in dict(columns or {}).items():
        if src not in names:
            raise DataError(f"column mapping names {src!r}, which is not a column; columns are {list(names)}")
        if dst in ROLES:
            role_of[dst] = src
        else:
            renames[src] = dst
    folded = {fold_name(c): c for c in names}
    for role, aliases in DEFAULT_HEADERS.items():
        if role in role_of:
            continue
        for a in aliases:
            c = folded.get(fold_name(a))
            if c is not None and c not in role_of.values() and c not in renames:
                role_of[role] = c
                break
    if "province" in role_of and "entity" not in role_of:
        role_of["entity"] = role_of.pop("province")
    return role_of, renames


@lru_cache(maxsize=4)
def _zeros(n: int) -> pa.Array:
    return pa.array(np.zeros(n, dtype=np.int32))


def _const(n: int, text: str | None) -> pa.Array:
    if text is None:
        return pa.nulls(n, pa.string())
    return pa.DictionaryArray.from_arrays(_zeros(n), pa.array([text], pa.string()), safe=False)


def _blank_error(raw: RawTable, col: str, what: str) -> None:
    cells = raw.columns[col]
    blank = [k for k, u in enumerate(cells.distinct) if u is None or not clean_cell(u)]
    if not blank and not cells.n_missing:
        return
    bad = (cells.codes < 0) | np.isin(cells.codes, blank)
    if bad.any():
        raise DataError(f"{raw.where(col, int(np.flatnonzero(bad)[0]))}: empty {what}")


def _entities(raw: RawTable, col: str, table: EntityTable | None) -> tuple[pa.Array, pa.Array]:
    _blank_error(raw, col, "entity name")
    cells = raw.columns[col]
    names = [clean_cell(u) for u in cells.distinct]
    if table is None:
        ids = names
    else:
        ids = []
        for k, u in enumerate(names):
            try:
                ids.append(table.resolve(u))
            except DataError as exc:
                raise DataError(f"{raw.where(col, cells.first_row(k))}: {exc}") from None
    return cells.take_labels(ids), cells.take_labels(names)


def _four_digit_years(cells: Cells) -> pa.Array | None:
    """The column as int32 when every cell is exactly four ASCII digits from 1000 to 9999 (read by a cast,
    without decoding: these bytes are the digits in every encoding read undecoded), else None."""
    src = cells.source
    if not len(src) or src.null_count:
        return None
    try:
        years = pc.cast(_view(src, pa.string()), pa.int32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    lengths = pc.min_max(pc.binary_length(src))
    lo_hi = pc.min_max(years)
    if lengths["min"].as_py() != 4 or lengths["max"].as_py() != 4 or lo_hi["min"].as_py() < 1000:
        return None
    return flat(years)


def _years(raw: RawTable, col: str) -> pa.Array:
    cells = raw.columns[col]
    fast = _four_digit_years(cells)
    if fast is not None:
        return fast
    parsed = np.zeros(len(cells.distinct) + 1, dtype=np.int32)
    valid = np.zeros(len(cells.distinct) + 1, dtype=bool)
    for k, u in enumerate(cells.distinct):
        text = clean_cell(u or "")
        m = _YEAR_RE.match(text)
        if m:
            parsed[k], valid[k] = int(m.group(1)), True
        elif text:
            raise DataError(
                f"{raw.where(col, cells.first_row(k))}: year {u!r} is not a four-digit year "
                "(e.g. 2024 or 2024年)"
            )
    codes = cells.codes
    if valid[:-1].all() and not cells.n_missing:
        return pa.array(parsed[codes], type=pa.int32())
    return pa.array(parsed[codes], mask=~valid[codes], type=pa.int32())


def _is_coinr_meta(name: str) -> bool:
    f = fold_name(name)
    return f in ("ucode", "uname", "time", "year") or f.startswith("group") or f.endswith("group")


def _name_columns(names: Sequence[str], role_of: dict[str, str]) -> set[str]:
    """Columns named like an entity column besides the one used (the yearbook's English ``City``): labels."""
    aliases = {fold_name(a) for a in DEFAULT_HEADERS["entity"]}
    return {c for c in names if fold_name(c) in aliases and c != role_of.get("entity")}


def _blank(cells: Cells) -> np.ndarray:
    """Per row: the cell is missing or blank."""
    blank = np.asarray([u is None or not u.strip() for u in cells.distinct] + [True], dtype=bool)
    codes = cells.codes
    return blank[np.where(codes < 0, len(blank) - 1, codes)]


def _drop_headings(raw: RawTable, ent_col: str, value_cols: list[str]) -> RawTable:
    """Rows with a name and no values right above an indented name (a province over its cities) are headings:
    set aside into ``raw.notes``."""
    if not value_cols or len(raw) < 2:
        return raw
    empty = np.logical_and.reduce([_blank(raw.columns[c]) for c in value_cols])
    if not empty.any():
        return raw
    ent = raw.columns[ent_col]
    indented = np.asarray([bool(u and _INDENT.match(u)) for u in ent.distinct] + [False], dtype=bool)
    ind = indented[np.where(ent.codes < 0, len(indented) - 1, ent.codes)]
    heading = empty & ~ind & ~_blank(ent)
    heading[:-1] &= ind[1:]
    heading[-1] = False
    if not heading.any():
        return raw
    notes = [
        (
            int(raw.rows[i]),
            f"{clean_cell(ent.distinct[ent.codes[i]])}: a heading over the rows below (no values)",
        )
        for i in np.flatnonzero(heading)
    ]
    out = raw.take(np.flatnonzero(~heading))
    out.notes = raw.notes + notes
    return out


def _fill_down(raw: RawTable, col: str) -> RawTable:
    """A stacked block's indicator column: an empty cell continues the name above (a merged cell)."""
    cells = raw.columns[col]
    blank = _blank(cells)
    if not blank.any() or blank[0]:
        return raw
    idx = np.where(~blank, np.arange(len(blank)), 0)
    np.maximum.accumulate(idx, out=idx)
    filled = dict(raw.columns)
    filled[col] = Cells(cells.source.take(pa.array(idx)), encoding=cells.encoding)
    return RawTable(
        filled,
        raw.file,
        raw.rows,
        encoding=raw.encoding,
        sheet=raw.sheet,
        sha256=raw.sha256,
        column_letters=raw.column_letters,
        notes=raw.notes,
        meta=raw.meta,
        options=raw.options,
    )


def _conversion(raw: RawTable, col: str, declared: str | None, target: str | None) -> float:
    if not (declared and target and declared != target):
        return 1.0
    try:
        return convert_unit(1.0, declared, target)
    except DataError as exc:
        raise DataError(f"{raw.where(col)}: {exc}") from None


class Parsed(NamedTuple):
    """A value column parsed: value, flags, unit of the value, the cells as decoded, notes (or None)."""

    value: np.ndarray
    flags: pa.Array
    unit: pa.Array
    text: pa.Array
    note: pa.Array | None = None


def _parse_values(
    raw: RawTable,
    col: str,
    group_codes: np.ndarray,
    groups: list[tuple[str | None, str | None]],
    bad: list[BadCell],
) -> Parsed:
    """Parse a value column; row i uses ``groups[group_codes[i]] = (declared, target)``.

    ``declared`` is the unit of a bare number (header ``GDP(亿元)``, a unit row or the row's unit column); numbers
    written with a unit are converted to it. ``target`` (``units=``/``unit=``) is the unit of the result: values
    are converted from ``declared`` when both are given. Returns value, flags, unit, text (the cells as decoded)
    and note arrays (note None when no cell carries one); cells that hold no number are appended to ``bad``.
    """
    try:
        return _parse_fast(raw, col, group_codes, groups)
    except ArrayDecodeError as exc:
        raise DataError(
            f"{raw.where(col, exc.index)}: bytes {exc.data!r} are not valid {exc.encoding}; pass the "
            "right encoding= explicitly"
        ) from None
    except ArrayParseError:
        return _parse_slow(raw, col, group_codes, groups, bad)


def _parse_fast(
    raw: RawTable, col: str, group_codes: np.ndarray, groups: list[tuple[str | None, str | None]]
) -> Parsed:
    cells = raw.columns[col]
    arr = cells.source
    n = len(arr)
    value = np.full(n, np.nan) if len(groups) > 1 else np.empty(0)
    parts: list[tuple[pa.Array, pa.Array, pa.Array]] = []
    order = []
    for g, (declared, target) in enumerate(groups):
        rows = np.flatnonzero(group_codes == g) if len(groups) > 1 else None
        sub = arr if rows is None else arr.take(pa.array(rows))
        try:
            p = parse_array(sub, unit=declared or target, encoding=cells.encoding)
        except ArrayParseError as exc:
            if rows is not None:
                exc.index = int(rows[exc.index])
            raise
        v, vu = p.value, p.value_unit
        factor = _conversion(raw, col, declared, target)
        if factor != 1.0 or (declared and target and declared != target):
            v = v * factor
            vu = pa.repeat(pa.scalar(target, pa.string()), len(v))
        if rows is None:
            return Parsed(v, p.flags, vu, p.text)
        value[rows] = v
        parts.append(tuple(flat(a.cast(pa.string())) for a in (p.flags, vu, p.text) if a is not None))
        order.append(rows)
    inv = pa.array(np.argsort(np.concatenate(order), kind="stable"))
    flags, vunit, text = (pa.concat_arrays([q[j] for q in parts]).take(inv) for j in range(3))
    return Parsed(value, flags, vunit, text)


def _parse_slow(
    raw: RawTable,
    col: str,
    group_codes: np.ndarray,
    groups: list[tuple[str | None, str | None]],
    bad: list[BadCell],
) -> Parsed:
    """Every distinct (unit group, text) read once by :func:`read_cell`."""
    cells = raw.columns[col]
    texts = cells.distinct
    k = len(texts)
    codes = np.where(cells.codes < 0, k, cells.codes).astype(np.int64)
    key = np.asarray(group_codes, dtype=np.int64) * (k + 1) + codes
    uniq, inv = np.unique(key, return_inverse=True)
    vals = np.full(len(uniq), np.nan)
    flags: list[str] = []
    units: list[str | None] = []
    notes: list[str | None] = []
    for j, u in enumerate(uniq):
        g, c = divmod(int(u), k + 1)
        declared, target = groups[g]
        text = texts[c] if c < k else None
        if text is None or not text.strip():
            flags.append("NA")
            units.append(target or declared)
            notes.append(None)
            continue
        r = read_cell(text, declared or target)
        if r.bad is not None:
            for i in np.flatnonzero(inv == j):
                bad.append(
                    BadCell(raw.file, raw.sheet, raw.cell(col, int(i)), text, r.bad, raw.where(col, int(i)))
                )
            flags.append("bad")
            units.append(target or declared)
            notes.append(f"bad cell: {r.bad}")
            continue
        factor = _conversion(raw, col, declared, target)
        vals[j] = r.value * factor if r.value is not None else np.nan
        flags.append(r.flags)
        units.append(target if declared and target and declared != target else r.unit)
        notes.append(r.note)
    take = pa.array(inv)
    text_arr = pa.array([*texts, None], pa.string()).take(pa.array(codes))
    note_arr = pa.array(notes, pa.string()).take(take) if any(x is not None for x in notes) else None
    return Parsed(
        vals[inv],
        pa.array(flags, pa.string()).take(take),
        pa.array(units, pa.string()).take(take),
        text_arr,
        note_arr,
    )


def _year_columns(value_cols: list[str]) -> dict[str, int]:
    """Value columns whose header is a year, when every value column is one."""
    years = {c: header_year(c) for c in value_cols}
    return {c: y for c, y in years.items() if y is not None} if value_cols and all(years.values()) else {}


def _meta_indicator(raw: RawTable) -> Header | None:
    text = raw.meta.get("指标")
    return parse_header(text) if text else None


def to_long(
    raw: RawTable,
    *,
    layout: Literal["auto", "long", "wide"] = "auto",
    columns: Mapping[str, str] | None = None,
    entities: EntityTable | None | Literal["default"] = "default",
    year: int | None = None,
    unit: str | None = None,
    units: Mapping[str, str] | None = None,
    source_title: str | None = None,
    source_url: str | None = None,
    exclude: Sequence[str] = (),
    indicator: str | None = None,
    on_bad_cell: str = "reject",
    check: bool = False,
    allow: Collection[str] = (),
    known_indicators: Collection[str] | None = None,
    require_year: bool = False,
    as_arrow: bool = False,
) -> pd.DataFrame | pa.Table:
    """The tidy long table of ``raw`` (columns :data:`TIDY_COLUMNS`; ``as_arrow=True``: a pyarrow Table).

    ``columns`` maps file headers to roles (entity, indicator, year, value, unit, source_title, source_url,
    excerpt, note) or, in wide layouts, indicator headers to indicator ids. Headers such as 城市/指标/年份/数值
    are recognised without a mapping (:data:`DEFAULT_HEADERS`). ``entities`` resolves names to canonical ids
    (``"default"``: the bundled table; ``None``: keep names). Values are converted to ``units[indicator]`` or
    else ``unit``. ``year``: the year of a table without a year column. ``exclude``: wide-layout columns to
    ignore (COINr's uCode, uName, Time and ``*_group``/``Group_*`` columns are never indicators).
    ``indicator``: the indicator of a table with years as columns that does not name it. ``on_bad_cell``:
    ``reject`` (default: one error listing every bad cell, store unchanged) or ``flag`` (bad cells stored as
    missing, flagged ``bad``, with raw text and reason). ``check=True``: values checked against their meaning
    (:func:`~innoscope.ingest.checks.check_values`, with ``allow`` and ``known_indicators``), as every import
    into the store does. ``require_year=True`` (``innoscope import``, :meth:`Store.import_file`): a table whose
    year is nowhere (no year column, no ``year``, not stated in the file: module docstring) is an error; else
    its values have no year.
    """
    if on_bad_cell not in BAD_CELL_POLICIES:
        raise DataError(f"on_bad_cell must be one of {', '.join(BAD_CELL_POLICIES)}, got {on_bad_cell!r}")
    role_of, renames = _roles(raw.names, columns)
    if layout == "auto":
        layout = "long" if {"entity", "indicator", "value"} <= role_of.keys() else "wide"
    skip = set(role_of.values()) | set(exclude) | _name_columns(raw.names, role_of)
    value_cols = [c for c in raw.names if c not in skip and not _is_coinr_meta(c)] if layout == "wide" else []
    year_cols = _year_columns(value_cols)
    raw = _prepare(raw, role_of, value_cols, year_cols, year, layout)
    if require_year and value_cols and not year_cols and "year" not in role_of and year is None:
        if said_year(raw) is None:
            raise DataError(_no_year(raw))
    ctx = _Context(raw, role_of, renames, unit, units, raw.meta.get("单位"), [])
    ids = _entity_arrays(raw, role_of, EntityTable.default() if entities == "default" else entities)
    years, year_source = _year_array(raw, role_of, layout, year)
    meta = ctx.row_texts(source_title, source_url)
    if layout == "long":
        parts = _long_parts(ctx, ids, years, meta)
    elif year_cols:
        parts = _years_as_columns(ctx, year_cols, ids, meta, indicator)
    else:
        if not value_cols:
            raise DataError(f"{raw.file}: wide layout but no indicator columns besides {sorted(skip)}")
        parts = _wide_parts(ctx, value_cols, ids, years, meta)
    if ctx.bad and on_bad_cell == "reject":
        raise BadCellsError(ctx.bad)
    out = pa.concat_tables([_plain(t) for t in parts]) if len(parts) > 1 else parts[0]
    if check:
        check_values(
            out,
            file=raw.file,
            sheet=raw.sheet,
            letters=raw.column_letters,
            allow=allow,
            known_indicators=known_indicators,
        )
    options = _options(
        raw,
        layout=layout,
        columns=columns,
        year=year,
        unit=unit,
        units=units,
        source_title=source_title,
        source_url=source_url,
        exclude=exclude,
        indicator=indicator,
        on_bad_cell=on_bad_cell,
    )
    layout_said = "years as columns" if year_cols else layout
    source = "the columns' headers" if year_cols else year_source
    return _with_meta(out, raw, layout_said, options, ctx.bad, as_arrow, source)


@dataclass
class _Context:
    """What the parts of one table share: the raw table, roles, units and the bad cells found so far."""

    raw: RawTable
    role_of: dict[str, str]
    renames: dict[str, str]
    unit: str | None
    units: Mapping[str, str] | None
    table_unit: str | None
    bad: list[BadCell]

    def target(self, indicator: str | None) -> str | None:
        return (self.units or {}).get(indicator or "") or self.unit

    def row_texts(self, source_title: str | None, source_url: str | None) -> dict[str, pa.Array]:
        """Per row: source title and URL (column, else the option), excerpt, note, and the province when a
        province column gives one (context for the names, not stored)."""
        roles = [
            ("source_title", source_title),
            ("source_url", source_url),
            ("excerpt", None),
            ("note", None),
        ]
        if "province" in self.role_of:
            roles.append(("province", None))
        return {r: self.text(r, d) for r, d in roles}

    def text(self, role: str, default: str | None) -> pa.Array:
        if role in self.role_of:
            cells = self.raw.columns[self.role_of[role]]
            return cells.take_labels(
                [clean_cell(u) or None if u is not None else None for u in cells.distinct]
            )
        return _const(len(self.raw), default)


def _prepare(
    raw: RawTable,
    role_of: dict[str, str],
    value_cols: list[str],
    year_cols: dict[str, int],
    year: int | None,
    layout: str,
) -> RawTable:
    """Checks that need no parsing; stacked blocks filled down, headings set aside."""
    if "entity" not in role_of and not raw.meta.get("地区"):
        raise DataError(
            f"{raw.file}: no entity column; expected one of {list(DEFAULT_HEADERS['entity'][:4])} or a "
            f"mapping columns={{'<header>': 'entity'}}; columns are {raw.names}"
        )
    if year_cols and year is not None:
        raise DataError(
            f"{raw.file}: the years are the columns ({', '.join(list(year_cols)[:4])} ...); drop "
            f"year={year} (--year)"
        )
    if year_cols and "indicator" in role_of:
        raw = _fill_down(raw, role_of["indicator"])
    if layout == "wide" and "entity" in role_of:
        raw = _drop_headings(raw, role_of["entity"], value_cols)
    return raw


def _entity_arrays(
    raw: RawTable, role_of: dict[str, str], table: EntityTable | None
) -> tuple[pa.Array, pa.Array]:
    """(ids, names as written) per row: from the entity column, or the title's ``地区：`` line."""
    if "entity" in role_of:
        return _entities(raw, role_of["entity"], table)
    n = len(raw)
    place = clean_cell(raw.meta.get("地区") or "")
    try:
        eid = place if table is None else table.resolve(place)
    except DataError as exc:
        raise DataError(f"{raw.file}: title line 地区：{place}: {exc}") from None
    return _const(n, eid), _const(n, place)


def _year_array(
    raw: RawTable, role_of: dict[str, str], layout: str, year: int | None
) -> tuple[pa.Array, str]:
    """(per row: the year column, else ``year``, else the year the file states (:func:`said_year`); where the
    year comes from, "" when nowhere: all null)."""
    if "year" in role_of:
        if year is not None:
            raise DataError(
                f"{raw.file}: year={year} (--year) was given, but the table has a year column "
                f"{role_of['year']!r}, which gives each row its year; drop --year (or map that column to "
                "another role with --column)"
            )
        return _years(raw, role_of["year"]), f"column {role_of['year']!r}"
    if layout == "long" and year is None:
        raise DataError(
            f"{raw.file}: no year column; expected one of {list(DEFAULT_HEADERS['year'][:4])}, a "
            f"mapping or year=; columns are {raw.names}"
        )
    n = len(raw)
    said = (year, "--year") if year is not None else said_year(raw)
    y, source = said if said is not None else (None, "")
    years = np.full(n, y if y is not None else 0, dtype=np.int32)
    return pa.array(years, mask=np.full(n, y is None), type=pa.int32()), source


def said_year(raw: RawTable) -> tuple[int, str] | None:
    """(year, where the file says it) for a table without a year column: an NBS ``时间：2023年`` line, else one
    year written ``2023年`` in the title, the sheet name (or a sheet named ``2023``) or the file name, else the
    data year of the published file it is byte for byte (:mod:`~innoscope.ingest.publications`); None when
    none of them names exactly one year (a place naming two says nothing)."""
    places = (
        ("the title line 时间：", raw.meta.get("时间"), (_YEAR_RE,)),
        ("the title", raw.meta.get("title"), (_YEAR_WORD,)),
        ("the sheet name", raw.sheet, (_YEAR_WORD, _YEAR_ALONE)),
        ("the file name", Path(raw.file).stem, (_YEAR_WORD,)),
    )
    for where, text, patterns in places:
        found = {int(y) for rx in patterns for y in rx.findall(text or "")}
        if len(found) == 1:
            return found.pop(), f"{where} {text!r}"
    pub = known_publication(raw.sha256) if raw.sha256 else None
    if pub is not None:
        return (
            pub.data_year,
            f"the published file it is ({pub.publication}, table {pub.table}: {pub.data_year} data)",
        )
    return None


def _no_year(raw: RawTable) -> str:
    title = raw.meta.get("title")
    sheet = f", the sheet name ({raw.sheet!r})" if raw.sheet else ""
    return (
        f"{raw.file}: the file does not say the year of its data: no year column, no years as columns, and no "
        f"year in a 时间： line, the title ({title!r}){sheet} or the file name; pass --year YEAR (year= in "
        "Python). A yearbook's edition is not its data year: the China City Statistical Yearbook 2024 reports "
        "2023 data, so its tables take --year 2023"
    )


def _long_parts(
    ctx: _Context, ids: tuple[pa.Array, pa.Array], years: pa.Array, meta: dict[str, pa.Array]
) -> list[pa.Table]:
    raw, role_of = ctx.raw, ctx.role_of
    missing = [r for r in ("indicator", "value") if r not in role_of]
    if missing:
        raise DataError(
            f"{raw.file}: long layout needs columns for {missing}; columns are {raw.names} "
            f"(map them with columns={{'<header>': '<role>'}})"
        )
    ind_col, val_col = role_of["indicator"], role_of["value"]
    _blank_error(raw, ind_col, "indicator name")
    ind_cells = raw.columns[ind_col]
    ind_names = [
        ctx.renames.get(x, x) if x is not None else None
        for x in (clean_cell(u) if u is not None else None for u in ind_cells.distinct)
    ]
    group_codes, groups = _unit_groups(
        raw, role_of.get("unit"), ind_cells.codes, ind_names, ctx.unit, ctx.units
    )
    parsed = _parse_values(raw, val_col, group_codes, groups, ctx.bad)
    return [_assemble(raw, val_col, ids, ind_cells.take_labels(ind_names), years, parsed, meta)]


def _wide_parts(
    ctx: _Context,
    value_cols: list[str],
    ids: tuple[pa.Array, pa.Array],
    years: pa.Array,
    meta: dict[str, pa.Array],
) -> list[pa.Table]:
    raw = ctx.raw
    n = len(raw)
    series = raw.meta.get("series")
    parts = []
    for c in value_cols:
        h = parse_header(c)
        name = h.indicator if h.series or not series else f"{h.indicator} / {series}"
        ind = ctx.renames.get(c, ctx.renames.get(h.indicator, name))
        parsed = _parse_values(
            raw, c, np.zeros(n, dtype=np.int64), [(h.unit or ctx.table_unit, ctx.target(ind))], ctx.bad
        )
        parts.append(_assemble(raw, c, ids, _const(n, ind), years, parsed, meta))
    return parts


def _with_meta(
    out: pa.Table,
    raw: RawTable,
    layout: str,
    options: dict[str, object],
    bad: list[BadCell],
    as_arrow: bool,
    year_source: str = "",
) -> pd.DataFrame | pa.Table:
    """The table with what the import report and the store keep: file, hash, layout, set-aside rows, title
    metadata, options, column letters, bad cells, where the year comes from."""
    info = {
        "year_source": year_source,
        "file": raw.file,
        "sha256": raw.sha256,
        "encoding": raw.encoding or "",
        "sheet": raw.sheet or "",
        "layout": layout,
        "notes": json.dumps(raw.notes, ensure_ascii=False),
        "meta": json.dumps(raw.meta, ensure_ascii=False),
        "options": json.dumps(options, ensure_ascii=False, sort_keys=True, default=str),
        "letters": json.dumps(raw.column_letters, ensure_ascii=False),
        "bad_cells": json.dumps(
            [[b.file, b.sheet, b.cell, b.raw, b.reason] for b in bad], ensure_ascii=False
        ),
    }
    if as_arrow:
        return out.replace_schema_metadata({f"innoscope.{k}": str(v) for k, v in info.items()})
    df = out.to_pandas()
    df.attrs.update(info)
    return df


def _options(raw: RawTable, **given: object) -> dict[str, object]:
    """The options that shaped the table (the reader's and those of :func:`to_long` that were given): with the
    file's content, the identity of an import."""
    out = dict(raw.options)
    for k, v in given.items():
        if (
            v is None
            or v == ()
            or v == {}
            or v == []
            or (k, v) in (("layout", "auto"), ("on_bad_cell", "reject"))
        ):
            continue
        out[k] = dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, list | tuple) else v
    return out


def _years_as_columns(
    ctx: _Context,
    year_cols: dict[str, int],
    ids: tuple[pa.Array, pa.Array],
    meta: dict[str, pa.Array],
    indicator: str | None,
) -> list[pa.Table]:
    """One part per year column; the indicator from its column (per row) or the title (``指标：``)."""
    raw = ctx.raw
    n = len(raw)
    if "indicator" in ctx.role_of:
        ind_arr, group_codes, groups = _indicator_rows(ctx)
    else:
        head = _meta_indicator(raw)
        name = indicator or (head.indicator if head is not None else None)
        if name is None:
            raise DataError(
                f"{raw.file}: the years are the columns ({', '.join(list(year_cols)[:4])} ...) but "
                "nothing names the indicator: no indicator column and no 指标： title line; pass "
                "indicator= (--indicator NAME)"
            )
        name = ctx.renames.get(name, name)
        ind_arr = _const(n, name)
        group_codes = np.zeros(n, dtype=np.int64)
        groups = [((head.unit if head else None) or ctx.table_unit, ctx.target(name))]
    parts = []
    for c, y in year_cols.items():
        years = pa.array(np.full(n, y, dtype=np.int32), type=pa.int32())
        parsed = _parse_values(raw, c, group_codes, groups, ctx.bad)
        parts.append(_assemble(raw, c, ids, ind_arr, years, parsed, meta))
    return parts


def _indicator_rows(ctx: _Context) -> tuple[pa.Array, np.ndarray, list[tuple[str | None, str | None]]]:
    """An indicator column whose names carry units (``地区生产总值(亿元)``): names, and per row a unit group."""
    raw = ctx.raw
    ind_col = ctx.role_of["indicator"]
    _blank_error(raw, ind_col, "indicator name")
    ind_cells = raw.columns[ind_col]
    heads = [parse_header(clean_cell(u)) if u is not None else None for u in ind_cells.distinct]
    ind_names = [ctx.renames.get(h.indicator, h.indicator) if h else None for h in heads]
    declared = [(h.unit if h else None) or ctx.table_unit for h in heads]
    pairs = [(d, ctx.target(x)) for d, x in zip(declared, ind_names, strict=True)] + [(None, ctx.unit)]
    uniq = list(dict.fromkeys(pairs))
    lookup = np.asarray([uniq.index(p) for p in pairs], dtype=np.int64)
    codes = ind_cells.codes
    return ind_cells.take_labels(ind_names), lookup[np.where(codes < 0, len(pairs) - 1, codes)], uniq


def _unit_groups(
    raw: RawTable,
    unit_col: str | None,
    ind_codes: np.ndarray,
    ind_names: Sequence[str | None],
    unit: str | None,
    units: Mapping[str, str] | None,
) -> tuple[np.ndarray, list[tuple[str | None, str | None]]]:
    """Per row of a long table, codes into a short list of (declared unit, target unit) pairs."""
    n = len(raw)
    if unit_col is None and not units:
        return np.zeros(n, dtype=np.int64), [(None, unit)]
    target = np.array([(units or {}).get(x or "") or unit for x in ind_names] + [unit], dtype=object)[
        ind_codes
    ]
    if unit_col is not None:
        uc = raw.columns[unit_col]
        declared = np.asarray(
            [clean_cell(u) or None if u is not None else None for u in uc.distinct] + [None], dtype=object
        )[uc.codes]
    else:
        declared = np.full(n, None, dtype=object)
    pairs = pd.MultiIndex.from_arrays([declared, target])
    codes, uniq = pairs.factorize()
    return codes.astype(np.int64), [(None if pd.isna(d) else d, None if pd.isna(t) else t) for d, t in uniq]


def _plain(t: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings, so that the parts of a wide table concatenate."""
    return pa.table(
        {
            c: (t.column(c).cast(pa.string()) if pa.types.is_dictionary(t.column(c).type) else t.column(c))
            for c in t.column_names
        }
    )


def _assemble(
    raw: RawTable,
    col: str,
    ids: tuple[pa.Array, pa.Array],
    indicator: pa.Array,
    years: pa.Array,
    parsed: Parsed,
    meta: dict[str, pa.Array],
) -> pa.Table:
    n = len(raw)
    meta = dict(meta)
    if parsed.note is not None:
        note = meta["note"]
        base = note.cast(pa.string()) if pa.types.is_dictionary(note.type) else note
        both = pc.binary_join_element_wise(base, parsed.note, "; ")
        meta["note"] = pc.coalesce(both, parsed.note, base)
    return pa.table(
        {
            "entity": ids[0],
            "entity_name": ids[1],
            "indicator": indicator,
            "year": years,
            "value": pa.array(parsed.value, type=pa.float64(), mask=np.isnan(parsed.value)),
            "raw": parsed.text,
            "flags": parsed.flags,
            "unit": parsed.unit,
            **meta,
            "file": _const(n, raw.file),
            "row": pa.array(raw.rows, type=pa.int64()),
            "column": _const(n, col),
        }
    )

"""Where a statistical table sits in its file: title lines above, the header, the body, footer lines below.

Official tables come wrapped in text. :func:`find_shape` reads, from the rows of a file as text:

* **title lines** above the header: a title (one cell, e.g. ``2-18高新技术企业数和技术合同成交额`` and its English
  line), NBS export metadata (``数据库：城市年度数据``, ``指标：地区生产总值(亿元)``, ``地区：北京市``,
  ``时间：最近10年``), unit rows (``单位：万人``, ``(10 000 persons)``) and notes (``注：…``). They are set aside
  (listed in the import report) and their content kept in ``meta`` (:data:`META_KEYS`);
* the **header**: the first row with two or more cells that is none of the above, and below it every row whose
  first cell is empty (the lower rows of a merged header; header cells are text or years);
* **footer lines**: from the first row that starts with a note word (:data:`NOTE_MARKERS`: ``注``, ``数据来源``,
  ``Source``...) and holds nothing else, to the end, whatever their number of cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from innoscope.ingest.headers import english_unit, header_year, is_unit
from innoscope.ingest.values import MISSING_MARKERS

__all__ = ["META_KEYS", "NOTE_MARKERS", "Shape", "find_footer", "find_shape", "meta_line"]

NOTE_MARKERS = (
    "注",
    "註",
    "说明",
    "說明",
    "备注",
    "備註",
    "资料来源",
    "資料來源",
    "数据来源",
    "數據來源",
    "来源",
    "來源",
    "note",
    "source",
    "*",
    "※",
)
"""How a note row of a statistical table begins (its first cell; every other cell is empty)."""

META_KEYS: dict[str, str] = {
    "数据库": "数据库",
    "指标": "指标",
    "地区": "地区",
    "时间": "时间",
    "單位": "单位",
    "单位": "单位",
    "计量单位": "单位",
    "database": "数据库",
    "indicator": "指标",
    "region": "地区",
    "time": "时间",
    "unit": "单位",
}
"""Keys of ``key：value`` title lines, mapped to the name kept in ``meta``."""
_META_RE = re.compile(r"^\s*(?P<key>[^:：]{1,12}?)\s*[:：]\s*(?P<value>.*?)\s*$")
_SERIES_RE = re.compile(r"[(（]\s*(全市|市辖区)\s*[)）]")
_PLAIN_NUMBER = re.compile(r"^\s*[-+]?[\d,]+(\.\d+)?\s*%?\s*$")
_MAX_HEADER_ROWS = 5


@dataclass
class Shape:
    """Row positions (0-based, into the rows given) and what the title lines say."""

    header_start: int
    header_rows: int
    body_end: int
    notes: list[tuple[int, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def _filled(row: list[str]) -> list[str]:
    return [c.strip() for c in row if c is not None and str(c).strip()]


def meta_line(text: str) -> tuple[str, str] | None:
    """``指标：地区生产总值(亿元)`` -> ``("指标", "地区生产总值(亿元)")``; None unless the key is in :data:`META_KEYS`."""
    m = _META_RE.match(text)
    if m is None:
        return None
    key = META_KEYS.get(m["key"].replace(" ", "").lower())
    return (key, m["value"]) if key else None


def _unit_row(cells: list[str]) -> str | None:
    """The unit a row states (``单位：万元`` [``(10 000 yuan)``], or only ``(10 000 persons)``), else None."""
    first = cells[0]
    kv = meta_line(first)
    if kv and kv[0] == "单位":
        return kv[1].replace(" ", "")
    if all(english_unit(c) or (c[:1] in "(（" and is_unit(c.strip("()（） "))) for c in cells):
        u = english_unit(cells[0])
        return u or cells[0].strip("()（） ")
    return None


def _is_note(text: str) -> bool:
    return text.strip().lower().startswith(NOTE_MARKERS)


def _header_like(cells: list[str]) -> bool:
    """A lower header row: text cells (units such as ``(10 000 persons)`` included), or years; not a row of
    numbers, not a row with a missing marker (``…``, ``-``), not a lone year-like number (a data row whose
    first cell is empty stays data)."""
    filled = [c for c in cells if c.strip()]
    if any(c.strip().lower() in MISSING_MARKERS for c in filled):
        return False
    if len(filled) == 1 and header_year(filled[0]) is not None:
        return False
    return any(not _PLAIN_NUMBER.match(c) or header_year(c) is not None for c in cells) and not any(
        _PLAIN_NUMBER.match(c) and header_year(c) is None for c in cells
    )


def find_shape(
    rows: list[list[str]], *, detect: bool = True, header_rows: int | None = None, merged_depth: int = 1
) -> Shape:
    """The table's shape in ``rows`` (see the module docstring). ``detect=False``: the header is the first
    non-empty row (the caller skipped the title rows). ``merged_depth``: header rows that merged cells starting
    in the header's first row reach (Excel)."""
    start, notes, meta = _title_lines(rows, detect)
    if start is None:  # no row of two cells: the first non-empty row is the header (a one-column table)
        if not notes:
            return Shape(len(rows), 0, len(rows), notes, meta)
        start, notes, meta = notes[0][0], [], {}
    depth = header_rows if header_rows is not None else max(_header_depth(rows, start), merged_depth)
    end = find_footer(rows, start + depth)
    notes += [(i, " ".join(_filled(rows[i]))) for i in range(end, len(rows)) if _filled(rows[i])]
    return Shape(start, depth, end, notes, meta)


def _title_lines(
    rows: list[list[str]], detect: bool
) -> tuple[int | None, list[tuple[int, str]], dict[str, str]]:
    """(header row or None, title lines as (row, text), what they say) from the top of ``rows``."""
    notes: list[tuple[int, str]] = []
    meta: dict[str, str] = {}
    for i, row in enumerate(rows):
        cells = _filled(row)
        if not cells:
            continue
        if not detect or (len(cells) >= 2 and not _is_note(cells[0]) and _unit_row(cells) is None):
            return i, notes, meta
        _read_title_line(cells, meta)
        notes.append((i, " ".join(cells)))
    return None, notes, meta


def _read_title_line(cells: list[str], meta: dict[str, str]) -> None:
    """What one title line says, into ``meta`` (the first mention of a key wins)."""
    unit = _unit_row(cells)
    kv = meta_line(cells[0]) if len(cells) == 1 else None
    if unit is not None:
        meta.setdefault("单位", unit)
    elif kv is not None:
        meta.setdefault(kv[0], kv[1])
    elif not _is_note(cells[0]):
        meta.setdefault("title", cells[0])
        s = _SERIES_RE.search(cells[0])
        if s:
            meta.setdefault("series", s.group(1))


def _header_depth(rows: list[list[str]], start: int) -> int:
    """1 + the rows under the header's first row whose first cell is empty and whose cells are header-like."""
    depth = 1
    for row in rows[start + 1 : start + _MAX_HEADER_ROWS]:
        cells = _filled(row)
        first = str(row[0]).strip() if row and row[0] is not None else ""
        if not cells or first or not _header_like(cells):
            break
        depth += 1
    return depth


def find_footer(rows: list[list[str]], body_start: int, width: int | None = None) -> int:
    """Index of the first footer row (len(rows) when none): the highest row from which, to the end, every
    non-empty row holds one cell, the first of them starting with a note word. With ``width`` (CSV: the
    header's number of fields), a row that starts with a note word and has another number of fields is a
    footer line too (a note split at its commas: ``Source: NBS, 2024``)."""
    end = len(rows)
    i = len(rows) - 1
    while i >= body_start:
        cells = _filled(rows[i])
        split_note = width is not None and len(rows[i]) != width and bool(cells) and _is_note(cells[0])
        if cells and len(cells) > 1 and not split_note:
            break
        if cells and _is_note(cells[0]):
            end = i
        i -= 1
    return end

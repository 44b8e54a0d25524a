"""Cells that are not plain numbers: what can be read from them, and why the rest cannot.

:func:`read_cell` is the slow path behind :func:`~innoscope.ingest.values.parse_array` (it runs once per
distinct text of a column the fast path rejected). It recognises, instead of rejecting:

* a footnote mark after the number: ``1234[12]``, ``1234①``, ``1234a``, ``1234*`` -> 1234, note ``footnote [12]``
  (a circled number is never read as a digit);
* a note in brackets after the number: ``1234（年末常住人口）`` -> 1234, note ``年末常住人口``; a bracketed unit
  (``1234(万元)``) is read as the unit;
* qualifiers (``约``, ``左右``, ``以上``, ``超过`` ...), read by :func:`~innoscope.ingest.values.parse_value` as
  approximate / lower bound.

and reports as a bad cell, with its reason, never as a number:

* two numbers in one cell (``12.5/3``);
* a date (``2024-01-03``; Excel turns text such as ``1-3`` into a date serial and the text is lost);
* an Excel error value (``#REF!``, ``#DIV/0!``, ``#N/A`` ...: a formula that failed in the workbook; LibreOffice
  also shows ``Err:502`` and the like);
* OCR damage: a number with stray characters (``£05``, ``_ 2317``): never read as 5, 105 or 2317;
* any other text.

What happens to a bad cell is the importer's policy (``on_bad_cell``: ``reject`` lists every bad cell in one
error; ``flag`` stores it as missing with its raw text and reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from innoscope.ingest.headers import is_unit
from innoscope.ingest.values import ValueParseError, normalise_text, parse_value
from innoscope.model.errors import DataError

__all__ = ["BAD_CELL_POLICIES", "BadCell", "BadCellsError", "CellReading", "read_cell"]

BAD_CELL_POLICIES = ("reject", "flag")

_NUM = r"[-+]?\d[\d,]*(?:\.\d+)?"
_MARK_TAIL = re.compile(
    r"^(?P<value>.*?\d[%万亿元]*)\s*(?P<mark>\[\d{1,3}\]|[\u2460-\u24ff\u2776-\u2793]|\*+|[a-zA-Z])$"
)
_NOTE_TAIL = re.compile(r"^(?P<value>.*?\S)\s*[(（](?P<note>[^()（）]+)[)）]\s*$")
_TWO = re.compile(rf"^\s*{_NUM}\s*[/／]\s*{_NUM}\s*$")
_DATE = re.compile(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")
_EXCEL_ERROR = re.compile(
    r"^#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!"
    r"|UNKNOWN!|EXTERNAL!|PYTHON!)$|^Err:\d{3}$",
    re.I,
)
_STRAY = re.compile(r"[^\d.,\s%+\-万亿元]")


@dataclass(frozen=True)
class CellReading:
    """One cell read: value (None when missing or bad), flags, unit of the value, a note, the bad-cell reason."""

    value: float | None
    flags: str
    unit: str | None
    note: str | None = None
    bad: str | None = None


@dataclass(frozen=True)
class BadCell:
    """A cell that holds no readable number: where (file, sheet, cell address), its raw text, why."""

    file: str
    sheet: str | None
    cell: str
    raw: str
    reason: str
    where: str = ""
    """File, sheet, row and column in words, as errors name them."""

    def __str__(self) -> str:
        return f"{self.where}: {self.raw!r} ({self.reason})"


class BadCellsError(ValueParseError):
    """Cells that hold no readable number, every one of them listed."""

    def __init__(self, cells: list[BadCell], *, shown: int = 20):
        self.cells = cells
        self.raw = cells[0].raw
        self.where = cells[0].where
        more = f"; ... {len(cells) - shown} more" if len(cells) > shown else ""
        DataError.__init__(
            self,
            f"{len(cells)} bad cell(s): {'; '.join(map(str, cells[:shown]))}{more}; expected a "
            "number such as '1,040', '2.66万', '2236.6亿元', '93.3%', '>2200' or a missing "
            "marker (—, n/a, 暂无); correct them in the file, or pass --on-bad-cell flag "
            "(on_bad_cell='flag') to import them as missing values flagged 'bad'",
        )


def _plain(text: str, unit: str | None) -> CellReading | None:
    try:
        p = parse_value(text, unit=unit)
    except ValueParseError:
        return None
    return CellReading(p.value, p.flags, p.value_unit, None)


def read_cell(text: str, unit: str | None) -> CellReading:
    """Read one cell as described in the module docstring (``unit``: the unit a bare number is in)."""
    got = _plain(text, unit)
    if got is not None:
        return got
    s = text.strip()
    if _EXCEL_ERROR.match(s):
        return _bad(f"an Excel error value ({s}): a formula that failed in the workbook, not a number")
    if _DATE.match(s):
        return _bad(
            "a date, not a number: Excel turns text such as 1-3 into a date serial and the text is lost"
        )
    if _TWO.match(normalise_text(s)):
        return _bad("two numbers in one cell; the header does not say what the second is")
    return _with_mark(s, unit) or _with_note(s, unit) or _bad(_why_not(s))


def _bad(reason: str) -> CellReading:
    return CellReading(None, "bad", None, None, reason)


def _with_mark(s: str, unit: str | None) -> CellReading | None:
    """A number followed by a footnote mark (``1234[12]``, ``1234①``, ``1234a``), else None."""
    m = _MARK_TAIL.match(s)
    if m is None or re.search(r"[\u2460-\u24ff\u2776-\u2793]", m["value"]):
        return None
    got = _plain(m["value"], unit)
    return None if got is None else CellReading(got.value, got.flags, got.unit, f"footnote {m['mark']}")


def _with_note(s: str, unit: str | None) -> CellReading | None:
    """A number followed by a bracketed unit or note (``1234（年末常住人口）``), else None."""
    m = _NOTE_TAIL.match(s)
    if m is None:
        return None
    inner = m["note"].strip()
    if is_unit(inner):
        return _plain(m["value"] + inner, unit)
    got = read_cell(m["value"], unit)
    if got.bad is not None:
        return None
    return CellReading(got.value, got.flags, got.unit, inner if got.note is None else f"{got.note}; {inner}")


def _why_not(s: str) -> str:
    if not re.search(r"\d", s):
        return "text where a number was expected"
    stray = sorted(set(_STRAY.findall(normalise_text(s))))
    if stray:
        return f"stray characters {' '.join(stray)} beside the digits (OCR damage?); not read as a number"
    return "digits in a form that is not a number (OCR damage?)"

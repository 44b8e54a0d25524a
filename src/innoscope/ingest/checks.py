"""Values checked against their meaning before they reach the store.

A value can parse and still make no sense. :func:`check_values` rejects, in one error naming file, row, column
and value for the first few of each kind:

==============  ============================================================  =================
check           rejected                                                      insist with
==============  ============================================================  =================
``infinite``    an infinite or overflowing number (``1e999``)                 (never)
``negative``    a negative count (unit 个, 家, 件, 人, 万人, ... )              ``negative``
``share``       a share above 100 % (unit %; growth rates excepted)           ``share``
``year``        a year before 1949 or after next year                          ``year``
``indicator``   an indicator the framework in use does not know               ``indicator``
==============  ============================================================  =================

``allow`` (``--allow NAME``, repeatable) lets a user insist on a kind where that can be right (a negative
stock change counted in 个, a share above 100 % by the source's own definition, an old year, a series kept
beside the framework).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Collection

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from innoscope.model.errors import DataError

__all__ = ["CHECKS", "FIRST_YEAR", "check_values"]

CHECKS = ("negative", "share", "year", "indicator")
"""Checks a user may override with ``allow``."""
FIRST_YEAR = 1949
_COUNT_UNIT = re.compile(
    r"^(?:十|百|千|万|十万|百万|千万|亿)?(?:个|家|件|篇|人|人次|所|项|户|张|册|辆|床|名|次|座|台|部|套)$"
)
_GROWTH = re.compile(r"增长|增速|增幅|同比|比上年|变化|变动|growth|change", re.I)
_SHOWN = 5


def _distinct_flags(col: pa.ChunkedArray | pa.Array, test: Callable[[str], bool]) -> np.ndarray:
    """Per row, ``test(text)`` evaluated once per distinct text (False for null). A dictionary column is read
    through its own dictionary and indices (no text materialised per row)."""
    if isinstance(col, pa.ChunkedArray):
        col = col.unify_dictionaries() if pa.types.is_dictionary(col.type) else col
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    enc = col if pa.types.is_dictionary(col.type) else pc.dictionary_encode(col)
    verdict = np.asarray(
        [bool(t is not None and test(t)) for t in enc.dictionary.to_pylist()] + [False], dtype=bool
    )
    if not verdict.any():
        return np.zeros(len(col), dtype=bool)
    indices = enc.indices.fill_null(len(verdict) - 1) if enc.indices.null_count else enc.indices
    flags: np.ndarray = verdict[indices.to_numpy(zero_copy_only=False)]
    return flags


def _where(t: pa.Table, i: int, file: str, sheet: str | None, letters: dict[str, str]) -> str:
    col = t.column("column")[i].as_py()
    row = t.column("row")[i].as_py()
    letter = f" ({letters[col]})" if col in letters else ""
    sheet_txt = f", sheet {sheet!r}" if sheet else ""
    return f"{file}{sheet_txt}, row {row}, column {col!r}{letter}"


def _did_you_mean(name: str, known: Collection[str]) -> str:
    from rapidfuzz import process

    best = process.extract(name, list(known), limit=3)
    return " or ".join(repr(b[0]) for b in best) if best else "(no indicator known)"


def _problems(t: pa.Table, allow: Collection[str]) -> list[tuple[str, np.ndarray, str]]:
    """(check, rows breaking it, what to do) for every check not allowed. The unit and indicator texts are
    looked at only when some value is negative or above 100 (most files: none)."""
    value = _numbers(t, "value")
    out = [("infinite", np.isinf(value), "an infinite or overflowing number; check the cell")]
    negative = value < 0
    if "negative" not in allow and negative.any():
        count = _distinct_flags(t.column("unit"), lambda u: bool(_COUNT_UNIT.match(u.replace(" ", ""))))
        out.append(("negative", count & negative, "a negative count; pass --allow negative if it is right"))
    above = value > 100
    if "share" not in allow and above.any():
        share = above & _distinct_flags(t.column("unit"), lambda u: u.strip() in ("%", "％"))
        if share.any():
            share &= ~_distinct_flags(t.column("indicator"), lambda s: bool(_GROWTH.search(s)))
        out.append(
            (
                "share",
                share,
                "a share above 100 %; pass --allow share if the source defines it so",
            )
        )
    if "year" not in allow:
        year = _numbers(t, "year")
        last = _dt.date.today().year + 1
        out.append(
            (
                "year",
                (year < FIRST_YEAR) | (year > last),
                f"a year outside {FIRST_YEAR}..{last}; pass --allow year if it is right",
            )
        )
    return out


def _numbers(t: pa.Table, name: str) -> np.ndarray:
    """A numeric column as float (null as NaN, which no check flags)."""
    if not t.num_rows:
        return np.empty(0)
    return np.asarray(t.column(name).to_numpy(zero_copy_only=False), dtype=float)


def _unknown_indicators(t: pa.Table, where: Callable[[int], str], known: Collection[str]) -> str | None:
    names = pc.unique(t.column("indicator").cast(pa.string())).to_pylist() if t.num_rows else []
    strange = sorted(n for n in names if n is not None and n not in known)
    if not strange:
        return None
    first = strange[0]
    i = int(np.flatnonzero(_distinct_flags(t.column("indicator"), lambda s: s == first))[0])
    more = f"; {len(strange) - 1} more unknown: {', '.join(strange[1:6])}" if len(strange) > 1 else ""
    return (
        f"{where(i)}: indicator {first!r} is not in the framework in use (did you mean "
        f"{_did_you_mean(first, known)}?){more}; map it with --column HEADER=ID, or pass --allow indicator to "
        "keep it"
    )


def check_values(
    t: pa.Table,
    *,
    file: str,
    sheet: str | None = None,
    letters: dict[str, str] | None = None,
    allow: Collection[str] = (),
    known_indicators: Collection[str] | None = None,
) -> None:
    """Raise one :class:`DataError` listing what breaks the checks in the module docstring."""
    unknown = sorted(set(allow) - set(CHECKS))
    if unknown:
        raise DataError(f"unknown check {unknown[0]!r} to allow; expected one of {', '.join(CHECKS)}")

    def where(i: int) -> str:
        return _where(t, i, file, sheet, letters or {})

    messages = []
    for kind, mask, expected in _problems(t, allow):
        rows = np.flatnonzero(mask)
        if not len(rows):
            continue
        col = "year" if kind == "year" else "raw"
        shown = "; ".join(f"{where(int(i))}: {t.column(col)[int(i)].as_py()!r}" for i in rows[:_SHOWN])
        more = f" (and {len(rows) - _SHOWN} more)" if len(rows) > _SHOWN else ""
        messages.append(f"{shown}{more}: {expected}")
    if known_indicators is not None and "indicator" not in allow:
        msg = _unknown_indicators(t, where, known_indicators)
        if msg:
            messages.append(msg)
    if messages:
        raise DataError(" | ".join(messages))

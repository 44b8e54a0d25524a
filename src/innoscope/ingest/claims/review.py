"""The review file of ``innoscope extract`` and its import.

:func:`write_review` writes candidates to CSV (UTF-8 with a byte-order mark, so spreadsheet programs show the
Chinese) or ``.xlsx``, with the columns of :data:`~.extract.CANDIDATE_COLUMNS` and three for the reviewer:

* ``decision``: ``accept`` (store the row as it stands, after any edit of its cells), ``correct`` (store it with
  ``corrected_value``), ``reject``, or empty (not reviewed: not stored, counted);
* ``corrected_value``: the value to store, written as text reads (``2.66万``, ``2236.6亿元``, ``93.3%``) or as a
  plain number in the row's unit;
* ``review_note``: anything the reviewer wants kept with the value.

:func:`read_review` turns the accepted rows into the store's tidy long table (``entity`` as written, resolved by
the store; ``excerpt`` = the sentence; ``source_title`` and ``source_url`` = the document; ``flags`` from the
qualifier: ``>`` lower bound, ``<`` upper bound, ``~`` approximate; ``note``: kind, phrase, year source, the
figure's offsets and the decision). Any bad row (unknown decision, no indicator, no place, a value that does not
parse) is a :class:`~innoscope.errors.DataError` naming file, row, column and raw text, so the import lands
whole or not at all.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from innoscope.ingest.claims.extract import CANDIDATE_COLUMNS, Candidate
from innoscope.ingest.values import ValueParseError, convert_unit, parse_value
from innoscope.model.errors import DataError

__all__ = [
    "DECISIONS",
    "REVIEW_COLUMNS",
    "is_review_file",
    "read_review",
    "to_unit",
    "write_review",
    "write_rows",
]

REVIEW_COLUMNS = (*CANDIDATE_COLUMNS, "decision", "corrected_value", "review_note")
DECISIONS = ("accept", "correct", "reject", "")
_REQUIRED = ("document", "entity", "indicator", "value", "unit", "year", "sentence", "decision")


def _row(c: Candidate) -> list[Any]:
    d = c.to_dict()
    return [("" if d[k] is None else d[k]) for k in CANDIDATE_COLUMNS] + ["", "", ""]


def write_rows(rows: Iterable[list[Any]], fh: Any) -> None:
    """The review file's CSV (header, then ``rows``) to an open text file; a cell a spreadsheet would run as a
    formula (``=``, ``+``, ``-``, ``@`` first) is written as text (a leading ``'``), numbers stay numbers."""
    w = csv.writer(fh)
    w.writerow(REVIEW_COLUMNS)
    for row in rows:
        w.writerow([_safe(v) for v in row])


def _safe(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def _unsafe(v: str) -> str:
    return v[1:] if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@") else v


def write_review(candidates: Iterable[Candidate], path: str | Path) -> int:
    """Write the review file (CSV, or xlsx by suffix) atomically; returns the number of candidates."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True) if str(p.parent) not in ("", ".") else None
    fd, tmp = tempfile.mkstemp(
        prefix=".extract-", suffix=p.suffix, dir=str(p.parent) if str(p.parent) else "."
    )
    os.close(fd)
    n = 0
    try:
        if p.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("candidates")
            ws.append(list(REVIEW_COLUMNS))
            for c in candidates:
                ws.append([_safe(v) for v in _row(c)])
                n += 1
            wb.save(tmp)
        else:
            counter = itertools.count(1)
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                write_rows((_row(c) for c in candidates if next(counter)), fh)
            n = next(counter) - 1
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return n


def _frame(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = pd.read_excel(path, dtype=str, engine="calamine")
    else:
        data = path.read_bytes()
        if not data.strip():
            raise DataError(
                f"{path}: the file is empty; expected a review file with columns {', '.join(_REQUIRED)}"
            )
        from innoscope.ingest.encoding import detect_encoding

        enc = detect_encoding(data, where=str(path))
        df = pd.read_csv(io.StringIO(data.decode(enc)), dtype=str, keep_default_na=False)
    return df.fillna("")


def is_review_file(path: str | Path) -> bool:
    """Whether ``path`` is a review file of ``innoscope extract`` (its header has decision and sentence)."""
    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            from python_calamine import CalamineWorkbook

            rows = CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python(nrows=1)
            header = [str(x) for x in (rows[0] if rows else [])]
        elif p.suffix.lower() in (".csv", ".txt", ".tsv"):
            with open(p, "rb") as fh:
                first = fh.readline().decode("utf-8-sig", errors="replace")
            header = next(csv.reader([first]), [])
        else:
            return False
    except (OSError, ValueError, IndexError, StopIteration):
        return False
    return {"decision", "sentence", "document"} <= {h.strip() for h in header}


def _flags(qualifier: str) -> str:
    return (
        (">" if "lower bound" in qualifier else "")
        + ("<" if "upper bound" in qualifier else "")
        + ("~" if "approximate" in qualifier else "")
    )


def to_unit(value: float, unit: str, target: str | None) -> tuple[float, str]:
    """``value`` in ``unit`` expressed in ``target`` (a series' unit in the framework: 元 -> 亿元); a target that
    only annotates the unit (``%`` -> ``% of GDP``, ``rank`` -> ``world rank``) keeps the number; a unit that
    cannot be converted stays as it is."""
    if not target or target == unit:
        return value, unit
    if target.startswith(unit) or (unit == "rank" and target.endswith("rank")):
        return value, target
    try:
        return float(convert_unit(value, unit, target)), target
    except DataError:
        return value, unit


def _value(r: dict[str, str], where: str, decision: str) -> tuple[float, str]:
    """(value, raw text) of an accepted row: ``corrected_value`` for ``correct`` (parsed like any cell),
    else ``value``."""
    if decision == "correct":
        raw = r.get("corrected_value", "").strip()
        if not raw:
            raise DataError(
                f"{where}, column corrected_value: empty; decision 'correct' needs the value to store"
            )
        try:
            pv = parse_value(raw, where=f"{where}, column corrected_value")
        except ValueParseError as exc:
            raise DataError(str(exc)) from None
        if pv.value is None:
            raise DataError(
                f"{where}, column corrected_value: {raw!r} is a missing marker; reject the row instead"
            )
        value = float(pv.value)
    else:
        raw = r["value"].strip()
        try:
            value = float(raw)
        except ValueError:
            raise DataError(
                f"{where}, column value: {raw!r} is not a number; edit it or use decision 'correct' "
                "with corrected_value"
            ) from None
    if not math.isfinite(value):
        raise DataError(f"{where}, column value: {raw!r} is not a finite number")
    return value, raw


def _year(r: dict[str, str], where: str) -> int | None:
    text = r["year"].strip()
    try:
        return int(float(text)) if text else None
    except ValueError:
        raise DataError(f"{where}, column year: {text!r} is not a year (e.g. 2024) or empty") from None


def _note(r: dict[str, str], decision: str) -> str:
    parts = (
        f"extract: {r.get('kind', '')}",
        f"phrase {r['phrase']!r}" if r.get("phrase") else "",
        f"year from {r['year_source']}" if r.get("year_source") else "",
        f"qualifier {r['qualifier']}" if r.get("qualifier") else "",
        f"chars {r.get('start', '')}-{r.get('end', '')}",
        f"decision {decision}",
        r.get("review_note", "").strip(),
    )
    return "; ".join(x for x in parts if x)


def _decision(r: dict[str, str], where: str) -> str:
    decision = r["decision"].strip().lower()
    if decision not in DECISIONS:
        raise DataError(
            f"{where}, column decision: {r['decision']!r} is not a decision; expected accept, correct, "
            "reject or empty"
        )
    if decision in ("accept", "correct"):
        for col in ("entity", "indicator"):
            if not r[col].strip():
                raise DataError(
                    f"{where}, column {col}: empty; an accepted row needs a "
                    f"{'place' if col == 'entity' else 'series id (e.g. high_tech_enterprises)'}"
                )
    return decision


def _tidy_row(r: dict[str, str], i: int, p: Path, decision: str, units: dict[str, str]) -> dict[str, Any]:
    where = f"{p}, row {i}"
    value, raw = _value(r, where, decision)
    indicator = r["indicator"].strip()
    value, unit = to_unit(value, r["unit"].strip(), units.get(indicator))
    doc = r["document"].strip()
    return {
        "entity": r["entity"].strip(),
        "entity_name": r["entity"].strip(),
        "indicator": indicator,
        "year": _year(r, where),
        "value": value,
        "raw": r.get("figure", "") or raw,
        "flags": _flags(r.get("qualifier", "")),
        "unit": unit,
        "source_title": Path(doc).name if doc else "",
        "source_url": doc,
        "excerpt": r["sentence"],
        "note": _note(r, decision),
        "file": str(p),
        "row": i,
        "column": "value",
    }


def read_review(
    path: str | Path, *, units: dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The accepted rows of a review file as a tidy long table, and counts per decision. ``units``: series ->
    unit to store it in (a framework's units), see :func:`to_unit`."""
    p = Path(path)
    df = _frame(p)
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise DataError(
            f"{p}: missing column(s) {', '.join(missing)}; a review file of `innoscope extract` has "
            f"{', '.join(REVIEW_COLUMNS)}"
        )
    counts = {"accept": 0, "correct": 0, "reject": 0, "unreviewed": 0}
    rows = []
    records: list[dict[str, str]] = [
        {str(k): _unsafe(str(v)) for k, v in rec.items()} for rec in df.to_dict("records")
    ]
    for i, r in enumerate(records, start=2):
        decision = _decision(r, f"{p}, row {i}")
        counts[decision or "unreviewed"] += 1
        if decision in ("accept", "correct"):
            rows.append(_tidy_row(r, i, p, decision, units or {}))
    if not rows:
        raise DataError(
            f"{p}: no row is accepted (decisions: {counts['reject']} reject, {counts['unreviewed']} "
            "empty); set decision to accept or correct on the rows to store"
        )
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    out["row"] = out["row"].astype("int64")
    return out, counts

"""Uploaded tables, validated by the same readers as the CLI.

Two formats:

* a COINr-style ``iData`` table (``uCode``, ``uName``, group and denominator columns, one column per
  indicator) as CSV (UTF-8, GB18030/GBK, Big5) or xlsx: parsed in memory (never written to disk)
  and checked against the data set's framework by :meth:`CrossSection.from_idata`, the reader
  ``innoscope build`` uses;
* the cited city format (``city_zh, city_en, indicator, year, value, unit, source_url, ...``, the
  format of ``innoscope import``/``run --data``): imported by the data layer's ``import_cities`` and
  built by ``default_build``, exactly as ``innoscope run --data FILE``. That reader takes a path, so
  the bytes go to a file with a generated name in the upload folder inside the project
  (``.innoscope/uploads`` by default), deleted as soon as it is read.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pandas as pd

from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError, ImportFailed, InnoscopeError
from innoscope.model.framework import Framework

SUFFIXES = (".csv", ".xlsx")


def decode_csv(raw: bytes, where: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Equally plausible decodings (short Chinese text among ASCII) are resolved in favour of
    # GB18030, the encoding of mainland yearbook tables.
    prefer = ["gb18030", "big5", "utf_16", "cp1252"]
    matches = list(from_bytes(raw, cp_isolation=prefer))
    best = min(matches, key=lambda m: (round(m.chaos, 3), -round(m.coherence, 3), prefer.index(m.encoding)
                                       if m.encoding in prefer else 99), default=None)
    if best is None:
        raise DataError(f"{where}: cannot detect the text encoding (expected UTF-8, GBK, GB18030 or Big5)")
    return str(best)


def read_table(raw: bytes, filename: str) -> pd.DataFrame:
    """A DataFrame from CSV or xlsx bytes; :class:`DataError` naming the file if unreadable."""
    name = filename.lower()
    if not raw.strip():
        raise DataError(f"{filename}: the file is empty")
    if name.endswith(".csv"):
        text = decode_csv(raw, filename)
        try:
            df = pd.read_csv(io.StringIO(text))
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as e:
            raise DataError(f"{filename}: cannot read as CSV: {e}") from None
    elif name.endswith(".xlsx"):
        try:
            df = pd.read_excel(io.BytesIO(raw), engine="calamine")
        except Exception as e:  # noqa: BLE001 - calamine raises its own error types for corrupt files
            raise DataError(f"{filename}: cannot read as an xlsx workbook: {e}") from None
    else:
        raise DataError(f"{filename}: unsupported file type; upload one of {', '.join(SUFFIXES)}")
    if df.empty or len(df.columns) < 2:
        raise DataError(f"{filename}: no data rows (need a header row, then one row per entity)")
    return df


def crosssection_from_upload(raw: bytes, filename: str, framework: Framework) -> CrossSection:
    """Validate an uploaded iData table against ``framework`` (same checks as ``innoscope build``)."""
    df = read_table(raw, filename)
    try:
        cs = CrossSection.from_idata(df, framework, source=filename)
    except InnoscopeError:
        raise
    except (ValueError, TypeError) as e:  # e.g. a non-numeric denominator column, which from_idata does not name
        raise DataError(f"{filename}: {e} (denominator and indicator columns must hold numbers)") from None
    if len(cs.entities) < 2:
        raise DataError(f"{filename}: at least 2 entities are needed to build an index; found {len(cs.entities)}")
    return cs


def is_city_file(raw: bytes, filename: str) -> bool:
    """True for a CSV whose header has every column of the cited city format."""
    if not filename.lower().endswith(".csv"):
        return False
    try:
        from innoscope.cities.cited import COLUMNS
    except ImportError:
        return False
    head = raw[:4096].split(b"\n", 1)[0]
    try:
        text = decode_csv(head, filename)
    except (DataError, UnicodeDecodeError):
        return False
    cols = {c.strip().strip('"').lstrip("\ufeff") for c in text.strip().split(",")}
    return set(COLUMNS) <= cols


def crosssection_from_city_upload(raw: bytes, filename: str, framework: Framework, spec, workdir: Path
                                  ) -> CrossSection:
    """Import a cited city file as ``innoscope run --data FILE`` does; the cross-section carries provenance."""
    from innoscope.cities.citydata import default_build
    from innoscope.report.model import provenance_from_choices

    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"upload-{uuid.uuid4().hex}.csv"
    path.write_bytes(raw)
    try:
        b = default_build(data=path, framework=framework, spec=spec)
    except ImportFailed as e:
        raise ImportFailed(str(e).replace(str(path), filename)) from None
    except InnoscopeError as e:
        raise DataError(str(e).replace(str(path), filename)) from None
    finally:
        path.unlink(missing_ok=True)
    cs = b.cross_section
    cs.source = filename
    cs.provenance = provenance_from_choices(b.choices)
    if len(cs.entities) < 2:
        raise DataError(f"{filename}: at least 2 entities are needed to build an index; found {len(cs.entities)}")
    return cs

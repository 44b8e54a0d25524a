"""Uploaded tables: parsed in memory (never written to disk), validated like the CLI's readers.

An upload is a COINr-style ``iData`` table (``uCode``, ``uName``, group and denominator columns,
one column per indicator) as CSV (any encoding charset-normalizer recognises: UTF-8, GBK,
GB18030, Big5) or xlsx; it is checked against the data set's framework by
:meth:`CrossSection.from_idata`, the reader ``innoscope build`` uses.
"""

from __future__ import annotations

import io

import pandas as pd

from ..dataset import CrossSection
from ..errors import DataError
from ..framework import Framework

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
    cs = CrossSection.from_idata(df, framework, source=filename)
    if len(cs.entities) < 2:
        raise DataError(f"{filename}: at least 2 entities are needed to build an index; found {len(cs.entities)}")
    return cs

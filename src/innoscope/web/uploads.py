"""Uploaded tables, validated by the same readers as the CLI, read from memory (never written to disk).

Two formats:

* a COINr-style ``iData`` table (``uCode``, ``uName``, group and denominator columns, one column per
  indicator) as CSV (UTF-8, GB18030/GBK, Big5) or xlsx, checked against the data set's framework by
  :meth:`CrossSection.from_idata`, the reader ``innoscope build`` uses;
* the cited city format (``city_zh, city_en, indicator, year, value, unit, source_url, ...``, the
  format of ``innoscope import``/``run --data``): imported by the data layer's ``import_cities`` from the
  bytes and built by ``default_build``, exactly as ``innoscope run --data FILE``.

Before a reader sees the bytes, :mod:`.limits` refuses what would unpack or spread too far (zip bombs,
too many rows, columns or cells). The body is a raw file (``application/octet-stream``) or one file
field of ``multipart/form-data``.
"""

from __future__ import annotations

import pandas as pd
from python_multipart.multipart import MultipartParser, parse_options_header

from innoscope.cities.cited import COLUMNS
from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError, ImportFailed, InnoscopeError
from innoscope.model.framework import Framework
from innoscope.web.limits import UploadLimits, check_csv, check_xlsx

SUFFIXES = (".csv", ".xlsx")


def read_table(raw: bytes, filename: str, limits: UploadLimits | None = None) -> pd.DataFrame:
    """A DataFrame from CSV or xlsx bytes within ``limits``, read by the importer's reader registry and
    encoding policy (:func:`innoscope.ingest.readers.read_frame`); :class:`DataError` naming the file if
    unreadable."""
    from innoscope.ingest.readers import read_frame

    limits = limits or UploadLimits()
    name = filename.lower()
    if not raw.strip():
        raise DataError(f"{filename}: the file is empty")
    if name.endswith(".csv"):
        check_csv(raw, filename, limits)
    elif name.endswith(".xlsx"):
        check_xlsx(raw, filename, limits)
    else:
        raise DataError(f"{filename}: unsupported file type; upload one of {', '.join(SUFFIXES)}")
    df = read_frame(raw, filename)
    if df.empty or len(df.columns) < 2:
        raise DataError(f"{filename}: no data rows (need a header row, then one row per entity)")
    return df


def crosssection_from_upload(
    raw: bytes, filename: str, framework: Framework, limits: UploadLimits | None = None
) -> CrossSection:
    """Validate an uploaded iData table against ``framework`` (same checks as ``innoscope build``)."""
    df = read_table(raw, filename, limits)
    try:
        cs = CrossSection.from_idata(df, framework, source=filename)
    except InnoscopeError:
        raise
    except (
        ValueError,
        TypeError,
    ) as e:  # e.g. a non-numeric denominator column, which from_idata does not name
        raise DataError(f"{filename}: {e} (denominator and indicator columns must hold numbers)") from None
    if len(cs.entities) < 2:
        raise DataError(
            f"{filename}: at least 2 entities are needed to build an index; found {len(cs.entities)}"
        )
    return cs


def is_city_file(raw: bytes, filename: str) -> bool:
    """True for a CSV whose header has every column of the cited city format."""
    if not filename.lower().endswith(".csv"):
        return False
    from innoscope.ingest.encoding import detect_encoding

    head = raw[:4096].split(b"\n", 1)[0]
    try:
        text = head.decode(detect_encoding(head, where=filename))
    except (DataError, UnicodeDecodeError):
        return False
    cols = {c.strip().strip('"').lstrip("\ufeff") for c in text.strip().split(",")}
    return set(COLUMNS) <= cols


def crosssection_from_city_upload(
    raw: bytes, filename: str, framework: Framework, spec, limits: UploadLimits | None = None
) -> CrossSection:
    """Import a cited city file as ``innoscope run --data FILE`` does; the cross-section carries provenance."""
    from innoscope.cities.citydata import default_build
    from innoscope.report.model import provenance_from_choices

    check_csv(raw, filename, limits or UploadLimits())
    try:
        b = default_build(data=filename, content=raw, framework=framework, spec=spec)
    except ImportFailed:
        raise
    except InnoscopeError as e:
        raise DataError(str(e)) from None
    cs = b.cross_section
    cs.source = filename
    cs.provenance = provenance_from_choices(b.choices)
    if len(cs.entities) < 2:
        raise DataError(
            f"{filename}: at least 2 entities are needed to build an index; found {len(cs.entities)}"
        )
    return cs


class _Parts:
    """python-multipart callbacks that keep every part's headers and bytes in memory."""

    def __init__(self) -> None:
        self.parts: list[tuple[dict[bytes, bytes], bytes]] = []
        self.headers: dict[bytes, bytes] = {}
        self.field, self.value, self.data = b"", b"", bytearray()

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.begin,
            "on_header_field": self.on_field,
            "on_header_value": self.on_value,
            "on_header_end": self.header_end,
            "on_part_data": self.on_data,
            "on_part_end": self.end,
        }

    def begin(self) -> None:
        self.headers, self.field, self.value, self.data = {}, b"", b"", bytearray()

    def on_field(self, d: bytes, a: int, b: int) -> None:
        self.field += d[a:b]

    def on_value(self, d: bytes, a: int, b: int) -> None:
        self.value += d[a:b]

    def header_end(self) -> None:
        self.headers[self.field.lower()] = self.value
        self.field, self.value = b"", b""

    def on_data(self, d: bytes, a: int, b: int) -> None:
        self.data += d[a:b]

    def end(self) -> None:
        self.parts.append((self.headers, bytes(self.data)))


def file_from_multipart(body: bytes, content_type: str) -> tuple[bytes, str | None]:
    """The first file field of a ``multipart/form-data`` body and its file name, parsed in memory."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise DataError("multipart upload without a boundary in its Content-Type")
    collected = _Parts()
    parser = MultipartParser(boundary, collected.callbacks())
    try:
        parser.write(body)
        parser.finalize()
    except Exception as e:  # noqa: BLE001 - python-multipart raises its own error types on malformed bodies
        raise DataError(f"cannot read the multipart upload: {e}") from None
    for headers, content in collected.parts:
        _, disp = parse_options_header(headers.get(b"content-disposition", b""))
        if b"filename" in disp:
            return content, disp[b"filename"].decode("utf-8", "replace") or None
    raise DataError("the multipart upload has no file field (send the file as form field 'file')")

"""CSV files -> :class:`~innoscope.ingest.cells.RawTable`, fast and exact.

The encoding is detected (:mod:`~innoscope.ingest.encoding`) unless ``encoding=`` is given. For the
ASCII-compatible encodings (UTF-8, GB18030/GBK, Big5) the bytes are split into fields by pyarrow's CSV parser
without decoding (their multibyte sequences never contain ``,``, ``"``, CR or LF); other encodings (UTF-16/32,
cp1252...) are first transcoded to UTF-8. Text columns are then dictionary-encoded on their bytes and each
*distinct* cell decoded strictly, once; value columns are parsed from their bytes
(:func:`~innoscope.ingest.values.parse_array`). The split runs on pyarrow's thread pool; the content hash on a
second thread. Row numbers are line numbers; when a blank line or a field spanning lines would make them
ambiguous, or pyarrow rejects a row, the body is re-read with Python's ``csv`` module, which tracks lines
exactly.

A first line holding tabs and no comma makes the file tab-separated. Title lines above the header (NBS export metadata, a title, a unit row) and footer lines under the table
(``注：…``, ``数据来源：国家统计局``) are found by :func:`~innoscope.ingest.shape.find_shape` on the first and last
lines, whatever their number of fields, and set aside before the body is split; a header of several rows (the
lower rows start with an empty cell) is joined as in Excel.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa

from innoscope.ingest.cells import Cells, RawTable
from innoscope.ingest.encoding import check_decodes, detect_encoding, normalise_encoding
from innoscope.ingest.headers import fill_csv_header, join_header
from innoscope.ingest.shape import find_footer, find_shape
from innoscope.model.errors import DataError

__all__ = ["read_csv", "read_csv_bytes", "sha256"]

_HEAD_LINES = 64
_TAIL_LINES = 64


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Encodings whose multibyte sequences never contain the bytes of ``,`` ``"`` CR LF (so pyarrow can split the
# undecoded bytes into fields) and in which the bytes ``0-9 . -`` at a character boundary are those characters.
_SPLIT_UNDECODED = frozenset({"utf-8", "ascii", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"})


def _file_bytes(p: Path) -> bytes:
    """The file's bytes, read into memory.

    Not memory-mapped: a mapped file that another program truncates during the import kills the process
    (SIGBUS) instead of raising an error, which is worth more than the ~0.01 s per 30 MB a mapping saves.
    """
    return p.read_bytes()


_NON_SPACE = re.compile(rb"\S")


def read_csv(
    p: Path, *, encoding: str | None = None, header_rows: int | None = None, skiprows: int = 0, **_: object
) -> RawTable:
    """The content hash (sha256 of the file's bytes) runs on a second thread while the bytes are split (both
    release the GIL); the file is read by :func:`read_csv_bytes`."""
    data = _file_bytes(p)
    digest: list[str] = []
    hasher = threading.Thread(target=lambda: digest.append(sha256(data)), daemon=True)
    hasher.start()
    try:
        raw = read_csv_bytes(data, str(p), encoding=encoding, header_rows=header_rows, skiprows=skiprows)
        hasher.join()
        raw.sha256 = digest[0]
        return raw
    finally:
        hasher.join()


def _line_spans(data: bytes, start: int, limit: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the first ``limit`` lines from ``start`` (end past the newline)."""
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < len(data) and len(spans) < limit:
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl + 1
        spans.append((pos, end))
        pos = end
    return spans


def _tail_spans(data: bytes, stop: int, limit: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the last ``limit`` lines after ``stop``, in file order."""
    spans: list[tuple[int, int]] = []
    end = len(data)
    while end > stop and len(spans) < limit:
        nl = data.rfind(b"\n", stop, end - 1)
        begin = stop if nl < 0 else nl + 1
        spans.append((begin, end))
        end = begin
    return spans[::-1]


def _fields(line: bytes, enc: str, sep: str = ",") -> list[str] | None:
    try:
        text = line.decode(enc)
    except UnicodeDecodeError:
        return None
    try:
        rec = next(csv.reader([text.rstrip("\r\n")], delimiter=sep), [])
    except csv.Error:
        return None
    return rec


def _delimiter(data: bytes, start: int) -> str:
    """``\t`` when the first line holding a tab or a comma holds tabs and no comma (a tab-separated file),
    else ``,``."""
    for a, b in _line_spans(data, start, _HEAD_LINES):
        line = data[a:b]
        if b"\t" in line or b"," in line:
            return "\t" if b"," not in line else ","
    return ","


def _head_shape(
    data: bytes, start: int, enc: str, sep: str
) -> tuple[int, int, list[tuple[int, str]], dict[str, str]] | None:
    """(title lines, header lines, set-aside title lines as (line, text), metadata) of the first lines, or None
    when no header is found among them."""
    spans = _line_spans(data, start, _HEAD_LINES)
    rows = []
    for a, b in spans:
        rec = _fields(data[a:b], enc, sep)
        if rec is None:
            break
        rows.append(rec)
    if not rows:
        return None
    shape = find_shape(rows + [[]])
    if shape.header_start >= len(rows) or shape.header_start + shape.header_rows > len(rows):
        return None
    notes = [(i + 1, t) for i, t in shape.notes if i < shape.header_start]
    return shape.header_start, shape.header_rows, notes, shape.meta


def _footer_start(
    data: bytes, body_start: int, enc: str, first_line: int, width: int, sep: str
) -> tuple[int, list[tuple[int, str]]]:
    """Offset where footer lines begin (len(data) when none) and the footer lines as (line, text)."""
    spans = _tail_spans(data, body_start, _TAIL_LINES)
    rows = []
    for a, b in spans:
        rec = _fields(data[a:b], enc, sep)
        rows.append(rec if rec is not None else ["?", "?"])
    k = find_footer(rows, 0, width)
    if k >= len(rows):
        return len(data), []
    n_before = data.count(b"\n", body_start, spans[k][0])
    notes = [
        (first_line + n_before + j, " ".join(c.strip() for c in rows[i] if c.strip()))
        for j, i in enumerate(range(k, len(rows)))
        if any(c.strip() for c in rows[i])
    ]
    return spans[k][0], notes


def _splittable(data: bytes, file: str, encoding: str | None) -> tuple[bytes, int, str, str]:
    """(bytes in an encoding pyarrow can split undecoded, offset past a BOM, that encoding, the file's
    encoding): the encoding given or detected; UTF-16/32 and other encodings transcoded to UTF-8."""
    if encoding is not None:
        enc = normalise_encoding(encoding)
        if not len(data) or _NON_SPACE.search(data) is None:
            raise DataError(f"{file}: file is empty")
    else:
        enc = detect_encoding(data, where=file, verify=False)
    source_encoding = enc
    start = 0
    if enc == "utf-8-sig" or (enc == "utf-8" and data[:3] == b"\xef\xbb\xbf"):
        start, enc = 3, "utf-8"
    if enc not in _SPLIT_UNDECODED:
        try:
            data = str(data, enc).encode("utf-8")
        except UnicodeDecodeError:
            check_decodes(data, enc, where=file)  # raises, naming the line
        start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        enc = "utf-8"
    return data, start, enc, source_encoding


def read_csv_bytes(
    data: bytes,
    file: str,
    *,
    encoding: str | None = None,
    header_rows: int | None = None,
    skiprows: int = 0,
    **_: object,
) -> RawTable:
    """:func:`read_csv` on the file's bytes (pyarrow copies the fields it splits); the caller sets ``sha256``.

    With neither ``header_rows`` nor ``skiprows`` given, title lines, header depth and footer lines are
    detected (module docstring)."""
    data, start, enc, source_encoding = _splittable(data, file, encoding)
    notes: list[tuple[int, str]] = []
    meta: dict[str, str] = {}
    detected = header_rows is None and skiprows == 0
    sep = _delimiter(data, start)
    shape = _head_shape(data, start, enc, sep) if detected else None
    if shape is not None:
        skiprows, header_rows, notes, meta = shape[0], shape[1], shape[2], shape[3]
    header_rows = header_rows or 1
    n_head = skiprows + header_rows
    head_end = start
    for _line in range(n_head):
        nl = data.find(b"\n", head_end)
        head_end = len(data) if nl < 0 else nl + 1
    head_bytes = data[start:head_end]
    check_decodes(head_bytes, enc, where=file)
    try:
        header = list(csv.reader(io.StringIO(head_bytes.decode(enc), newline=""), delimiter=sep))[skiprows:]
    except csv.Error as exc:
        raise DataError(f"{file}: malformed header ({exc})") from None
    if not header or not any(c.strip() for c in header[0]):
        raise DataError(f"{file}: file is empty (no header row)")
    names = join_header(fill_csv_header(header), file)
    body_end, footer = (
        _footer_start(data, head_end, enc, n_head + 1, len(names), sep) if detected else (len(data), [])
    )
    notes += footer
    options = {"encoding": source_encoding, "header_rows": header_rows, "skip_rows": skiprows}
    if _NON_SPACE.search(data, head_end, body_end) is None:
        raise DataError(f"{file}: has a header ({', '.join(names)}) but no data rows")
    cols = _arrow_csv(pa.py_buffer(memoryview(data)[head_end:body_end]), names, sep)
    # pyarrow skips blank lines and a quoted field may span lines: row numbers are line numbers only when there
    # are as many rows as lines, else Python's csv module re-reads the body and tracks lines exactly.
    if cols is not None:
        n_lines = _count_newlines(data, head_end, body_end)
        if len(cols[0]) != n_lines + (data[body_end - 1 : body_end] != b"\n"):
            cols = None
    if cols is not None:
        rows = np.arange(len(cols[0]), dtype=np.int64) + n_head + 1
        cells = {n: Cells(c, encoding=enc) for n, c in zip(names, cols, strict=True)}
        return RawTable(cells, file, rows, encoding=source_encoding, notes=notes, meta=meta, options=options)
    raw = _read_csv_python(
        data[head_end:body_end], enc, names, file, "", first_line=n_head + 1, delimiter=sep
    )
    raw.encoding = source_encoding
    raw.notes, raw.meta, raw.options = notes, meta, options
    return raw


_COUNT_BLOCK = 1 << 20


def _count_newlines(data: bytes, start: int, end: int) -> int:
    """Number of LF bytes in ``data[start:end]``, counted in blocks of 1 MiB so that the comparison's scratch
    array stays in cache and is reused (one array the size of the file would be fresh memory every import)."""
    view = np.frombuffer(data, np.uint8)
    return sum(
        int(np.count_nonzero(view[a : min(a + _COUNT_BLOCK, end)] == 10))
        for a in range(start, end, _COUNT_BLOCK)
    )


def _arrow_csv(body: pa.Buffer, names: list[str], delimiter: str = ",") -> list[pa.ChunkedArray] | None:
    """Split the body into fields without decoding: one binary array per column; None when pyarrow rejects the
    body (a row with another number of fields), which Python's csv module then reads, naming the line."""
    import pyarrow.csv as pcsv

    keys = [f"c{j}" for j in range(len(names))]
    try:
        table = pcsv.read_csv(
            pa.BufferReader(body),
            read_options=pcsv.ReadOptions(column_names=keys, use_threads=True),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(keys, pa.binary()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return [table.column(j) for j in range(table.num_columns)]


def _read_csv_python(
    body: bytes, enc: str, names: list[str], file: str, sha: str, first_line: int, delimiter: str = ","
) -> RawTable:
    check_decodes(body, enc, where=file)
    reader = csv.reader(io.StringIO(body.decode(enc), newline=""), delimiter=delimiter)
    records, rows = [], []
    line = first_line - 1
    it = iter(reader)
    while True:
        try:
            rec = next(it)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError(
                f"{file}, row {first_line + reader.line_num - 1}: malformed CSV ({exc}); a field holding "
                "a line break or a stray carriage return must be quoted"
            ) from None
        start = line + 1
        line = first_line - 1 + reader.line_num
        if not rec or not any(c.strip() for c in rec):
            continue
        if len(rec) != len(names):
            raise DataError(
                f"{file}, row {start}: malformed CSV, expected {len(names)} fields per row as in the "
                f"header ({', '.join(names)}), found {len(rec)}: {','.join(rec)[:120]!r}"
            )
        records.append(rec)
        rows.append(start)
    if not records:
        raise DataError(f"{file}: has a header ({', '.join(names)}) but no data rows")
    cols = {n: Cells([r[j] for r in records]) for j, n in enumerate(names)}
    return RawTable(cols, file, np.asarray(rows, dtype=np.int64), encoding=enc, sha256=sha)

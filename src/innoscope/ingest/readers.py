"""Readers: CSV / Excel / Parquet files -> one tidy long table.

Two steps, both public:

* :func:`read_raw` reads a file into a :class:`RawTable`: every column dictionary-encoded (:class:`Cells`: one
  code per row into the column's distinct texts, so everything downstream works once per distinct text), the
  column names (header rows joined), and for every data row its row number in the file (CSV line / Excel row).
* :func:`to_long` turns a raw table, wide (entities x indicators) or long (entity, indicator, year, value
  [, unit, source_title, source_url, excerpt, note]), into the tidy table with columns :data:`TIDY_COLUMNS`:
  values parsed by :mod:`~innoscope.ingest.values`, names resolved by :mod:`~innoscope.ingest.names`, text
  cells through the light web-text clean-up (:func:`~innoscope.ingest.text.clean_cell`).

:func:`read_table` does both. Every error is a :class:`~innoscope.errors.DataError` naming the file and, where
there is one, the row, column and raw text, and saying what was expected.

CSV: the encoding is detected (:mod:`~innoscope.ingest.encoding`) unless ``encoding=`` is given; a first header
line with tabs and no comma makes the file tab-separated. For the
ASCII-compatible encodings (UTF-8, GB18030/GBK, Big5) the bytes are split into fields by pyarrow's CSV parser
without decoding (their multibyte sequences never contain ``,``, ``"``, CR or LF); other encodings (UTF-16/32,
cp1252...) are first transcoded to UTF-8. Text columns are then dictionary-encoded on their bytes and each
*distinct* cell decoded strictly, once; value columns are parsed from their bytes
(:func:`~innoscope.ingest.values.parse_array`: the plain shape ``digits[magnitude][unit]`` for all rows at once,
decoding each distinct suffix once, everything else decoded and parsed once per distinct text; large columns
in blocks on several threads). The split runs on pyarrow's thread pool. So every byte of
the file is decoded, at the cost of its distinct texts, and bytes that do not decode are an error naming the row
and column. Cells keep their text as decoded; name and text columns go through
:func:`~innoscope.ingest.text.clean_cell` in :func:`to_long`. Row numbers are line numbers; when a blank line or a
field spanning lines would make them ambiguous (fewer rows than lines), or pyarrow rejects a row, the body is
re-read with Python's ``csv`` module, which tracks lines exactly.

Excel (.xlsx/.xlsm/.xls/.ods): read with python-calamine; ``sheet=`` picks a sheet by name or 0-based index.
Header rows spanning merged cells: a merged range is filled with its top-left value, then each column's name is
the distinct non-empty header cells top to bottom joined by ``" / "``. With ``header_rows=None`` the header
depth is the lowest row reached by a merged range that starts in the first header row (at least 1; 2 when such a
range spans columns only).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from innoscope.ingest.encoding import check_decodes, detect_encoding, normalise_encoding
from innoscope.ingest.names import EntityTable, fold_name
from innoscope.ingest.text import clean_cell
from innoscope.ingest.values import (
    ArrayDecodeError,
    ArrayParseError,
    ValueParseError,
    _dictionary_encode,
    _view,
    convert_unit,
    parse_array,
)
from innoscope.model.errors import DataError

__all__ = ["TIDY_COLUMNS", "Cells", "RawTable", "ValueParseError", "read_raw", "read_table", "to_long"]

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
ROLES = ("entity", "indicator", "year", "value", "unit", "source_title", "source_url", "excerpt", "note")
# Header names recognised without a mapping (compared after fold_name).
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "entity": ("entity", "城市", "城市名称", "地区", "地市", "city", "city_zh", "region", "ucode"),
    "indicator": ("indicator", "指标", "指标名称", "icode"),
    "year": ("year", "年份", "年度", "年", "time"),
    "value": ("value", "数值", "值", "数据"),
    "unit": ("unit", "单位", "计量单位"),
    "source_title": ("source_title", "source", "来源", "数据来源", "出处"),
    "source_url": ("source_url", "url", "链接", "网址"),
    "excerpt": ("excerpt", "摘录", "原文"),
    "note": ("note", "notes", "备注", "说明"),
}
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_HEADER_UNIT_RE = re.compile(r"^(?P<name>.*?)\s*[(（](?P<unit>[^()（）]+)[)）]\s*$")
_YEAR_RE = re.compile(r"^\s*(\d{4})(?:\.0+)?\s*年?\s*$")


class Cells:
    """One text column, dictionary-encoded on demand (``codes`` into ``distinct``) so that names, years and text
    clean-up run once per distinct text.

    Built from strings, or from the cells' undecoded bytes (a pyarrow binary array) in ``encoding``: then each
    distinct cell is decoded strictly, once (:attr:`array`, the decoded column, is materialised only when asked
    for), and value columns are parsed straight from the bytes (:attr:`source`, :func:`parse_array`).
    ``locate(i)`` names data row i in errors (file, row, column).
    """

    def __init__(
        self,
        array: pa.Array | pa.ChunkedArray | Sequence[str | None],
        *,
        encoding: str | None = None,
        locate: Callable[[int], str] | None = None,
    ):
        arr = (
            array
            if isinstance(array, pa.Array | pa.ChunkedArray)
            else pa.array(list(array), type=pa.string())
        )
        if pa.types.is_dictionary(arr.type):
            arr = arr.cast(arr.type.value_type)
        self.locate = locate or (lambda i: f"row {i + 1}")
        self.bytes: pa.Array | pa.ChunkedArray | None = None
        self.encoding = "utf-8"
        if pa.types.is_binary(arr.type):
            self.bytes, self.encoding = arr, encoding or "utf-8"
            return
        if arr.type != pa.string():
            arr = arr.cast(pa.string())
        self.array = arr

    def __len__(self) -> int:
        return len(self.bytes if self.bytes is not None else self.array)

    @property
    def source(self) -> pa.Array | pa.ChunkedArray:
        """The column as given: undecoded bytes (in :attr:`encoding`) or strings."""
        return self.bytes if self.bytes is not None else self.array

    @cached_property
    def array(self) -> pa.Array:  # only reached for byte columns: string columns set it in __init__
        return self.texts.take(pa.array(self.codes, mask=self.codes < 0))

    @cached_property
    def _encoded(self) -> tuple[np.ndarray, pa.Array]:
        if self.bytes is None:
            return _dictionary_encode(self.array, None)
        codes, dictionary = _dictionary_encode(self.bytes, None)
        cells = dictionary.to_pylist()
        try:  # one decoder call for all distinct cells (a text cell holds no NUL), else one per cell
            texts = b"\0".join(cells).decode(self.encoding).split("\0")
            if len(texts) != len(cells):
                raise ValueError
        except (UnicodeDecodeError, ValueError):
            texts = []
            for k, b in enumerate(cells):
                try:
                    texts.append(b.decode(self.encoding))
                except UnicodeDecodeError:
                    i = int(np.flatnonzero(codes == k)[0])
                    raise DataError(
                        f"{self.locate(i)}: bytes {b!r} are not valid {self.encoding}; pass the right "
                        "encoding= explicitly"
                    ) from None
        return codes, pa.array(texts, pa.string())

    @cached_property
    def counts(self) -> np.ndarray:
        """Per distinct text, its number of rows; the last entry counts missing cells."""
        k = len(self.texts)
        codes = self.codes
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, k, codes)
        return np.bincount(codes, minlength=k + 1)

    @property
    def n_missing(self) -> int:
        """Number of missing cells (every distinct text occurs at least once: the dictionary holds only what
        the column holds)."""
        return self.source.null_count

    @property
    def codes(self) -> np.ndarray:
        return self._encoded[0]

    @property
    def texts(self) -> pa.Array:
        return self._encoded[1]

    @cached_property
    def distinct(self) -> list[str]:
        return self.texts.to_pylist()

    def first_row(self, k: int) -> int:
        return int(np.flatnonzero(self.codes == k)[0])

    def take_labels(self, labels: Sequence[str | None]) -> pa.Array:
        """Per row, ``labels[code]`` (labels aligned with :attr:`distinct`; missing cells give null).

        Few distinct labels give a dictionary array (labels merged), many a plain string array.
        """
        idx = self.codes
        has_null = self.n_missing > 0
        if has_null:
            idx = np.where(idx < 0, len(labels), idx)
        if len(labels) * 4 > len(idx):
            return pa.array(list(labels) + [None], pa.string()).take(pa.array(idx))
        pos: dict[str, int] = {}
        remap = np.asarray(
            [-1 if x is None else pos.setdefault(x, len(pos)) for x in labels] + [-1], dtype=np.int32
        )
        if not has_null and len(pos) == len(
            labels
        ):  # labels distinct and none missing: the codes as they are
            return pa.DictionaryArray.from_arrays(pa.array(idx), pa.array(list(pos), pa.string()), safe=False)
        ind = remap[idx]
        mask = ind < 0 if has_null or any(x is None for x in labels) else None
        return pa.DictionaryArray.from_arrays(
            pa.array(ind, mask=mask), pa.array(list(pos), pa.string()), safe=False
        )


@dataclass
class RawTable:
    """A file's cells as text, column by column. ``rows[i]`` is the file row (1-based) of data row i."""

    columns: dict[str, Cells]
    file: str
    rows: np.ndarray
    encoding: str | None = None
    sheet: str | None = None
    sha256: str = ""
    column_letters: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[int, str]] = field(default_factory=list)
    """Rows set aside by :func:`read_raw` as (file row, text): an Excel title above the header (one cell) and
    note rows under the table (``注：数据来源于统计公报``)."""

    def __post_init__(self) -> None:
        for name, cells in self.columns.items():
            cells.locate = partial(self.where, name)

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame of strings (materialised on each call)."""
        return pd.DataFrame({n: c.array.to_pandas() for n, c in self.columns.items()})

    def where(self, column: str, i: int | None = None) -> str:
        col = f"column {column!r}" + (
            f" ({self.column_letters[column]})" if column in self.column_letters else ""
        )
        row = "" if i is None else f", row {int(self.rows[i])}"
        sheet = f", sheet {self.sheet!r}" if self.sheet else ""
        return f"{self.file}{sheet}{row}, {col}"


# ----------------------------------------------------------------------------------------------- raw readers


def read_raw(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    header_rows: int | None = None,
    skiprows: int = 0,
) -> RawTable:
    """Read a CSV, Excel or Parquet file into a :class:`RawTable` (see the module docstring)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        raise DataError(f"{p}: is a directory, expected a .csv, .xlsx or .parquet file")
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        raw = _read_excel(p, sheet=sheet, header_rows=header_rows, skiprows=skiprows)
    elif suffix in (".parquet", ".pq"):
        raw = _read_parquet(p)
    else:
        raw = _read_csv(p, encoding=encoding, header_rows=header_rows or 1, skiprows=skiprows)
    return _set_aside_notes(raw)


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
"""How a trailing note row of a statistical table begins (its first cell; every other cell is empty)."""
_MAX_NOTES = 50


def _cell_at(cells: Cells, i: int) -> str | None:
    v = cells.source[i].as_py()
    if isinstance(v, bytes):
        try:
            return v.decode(cells.encoding)
        except UnicodeDecodeError:
            return None
    return v


def _set_aside_notes(raw: RawTable) -> RawTable:
    """Trailing rows whose first cell starts with a :data:`NOTE_MARKERS` word and whose other cells are empty
    are notes under the table (yearbooks put sources and footnotes there), not data: they are removed from the
    rows and kept in :attr:`RawTable.notes`, which the import report lists."""
    first, others = raw.columns[raw.names[0]], [raw.columns[c] for c in raw.names[1:]]
    n = len(raw)
    m = n
    while m > 1 and n - m < _MAX_NOTES:
        text = _cell_at(first, m - 1)
        head = (text or "").strip().lower()
        if not head.startswith(NOTE_MARKERS) or any((_cell_at(c, m - 1) or "").strip() for c in others):
            break
        m -= 1
    if m == n:
        return raw
    notes = raw.notes + [(int(raw.rows[i]), (_cell_at(first, i) or "").strip()) for i in range(m, n)]
    cols = {name: Cells(c.source.slice(0, m), encoding=c.encoding) for name, c in raw.columns.items()}
    return RawTable(
        cols,
        raw.file,
        raw.rows[:m],
        encoding=raw.encoding,
        sheet=raw.sheet,
        sha256=raw.sha256,
        column_letters=raw.column_letters,
        notes=notes,
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _join_header(header: list[list[str]], file: str) -> list[str]:
    ncol = max((len(r) for r in header), default=0)
    names = []
    for j in range(ncol):
        parts: list[str] = []
        for r in header:
            cell = clean_cell(str(r[j])) if j < len(r) and r[j] is not None else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        names.append(" / ".join(parts))
    for j, n in enumerate(names):
        if not n:
            names[j] = f"column_{j + 1}"
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(
            f"{file}: duplicate column names {dup}; rename them, or give the number of header rows "
            "(header_rows= / --header-rows) and of title rows above them (skiprows= / --skip-rows)"
        )
    return names


def _fill_csv_header(header: list[list[str]]) -> list[list[str]]:
    """In multi-row CSV headers an empty upper cell continues the cell to its left (an exported merged cell)."""
    out = []
    for k, r in enumerate(header):
        row = list(r)
        if k < len(header) - 1:
            for j in range(1, len(row)):
                if not row[j].strip():
                    row[j] = row[j - 1]
        out.append(row)
    return out


# Encodings whose multibyte sequences never contain the bytes of ``,`` ``"`` CR LF (so pyarrow can split the
# undecoded bytes into fields) and in which the bytes ``0-9 . -`` at a character boundary are those characters.
_SPLIT_UNDECODED = frozenset({"utf-8", "ascii", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"})
_NON_SPACE = re.compile(rb"\S")


def _file_bytes(p: Path) -> bytes:
    """The file's bytes, read into memory.

    Not memory-mapped: a mapped file that another program truncates during the import kills the process
    (SIGBUS) instead of raising an error, which is worth more than the ~0.01 s per 30 MB a mapping saves.
    """
    return p.read_bytes()


def _read_csv(p: Path, *, encoding: str | None, header_rows: int, skiprows: int) -> RawTable:
    """The content hash (sha256 of the file's bytes) runs on a second thread while the bytes are split (both
    release the GIL); the file is read by :func:`_read_csv_data`."""
    data = _file_bytes(p)
    digest: list[str] = []
    hasher = threading.Thread(target=lambda: digest.append(_sha256(data)), daemon=True)
    hasher.start()
    try:
        raw = _read_csv_data(data, str(p), encoding=encoding, header_rows=header_rows, skiprows=skiprows)
        hasher.join()
        raw.sha256 = digest[0]
        return raw
    finally:
        hasher.join()


def _read_csv_data(
    data: bytes, file: str, *, encoding: str | None, header_rows: int, skiprows: int
) -> RawTable:
    """``_read_csv`` on the file's bytes (a read-only mapping or bytes; pyarrow copies the fields it splits);
    the caller sets ``sha256``."""
    sha = ""
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
    n_head = skiprows + header_rows
    head_end = start
    for _ in range(n_head):
        nl = data.find(b"\n", head_end)
        head_end = len(data) if nl < 0 else nl + 1
    head_bytes = data[start:head_end]
    check_decodes(head_bytes, enc, where=file)
    sep = _delimiter(head_bytes.decode(enc), skiprows)
    try:
        header = list(csv.reader(io.StringIO(head_bytes.decode(enc), newline=""), delimiter=sep))[skiprows:]
    except csv.Error as exc:
        raise DataError(f"{file}: malformed header ({exc})") from None
    if not header or not any(c.strip() for c in header[0]):
        raise DataError(f"{file}: file is empty (no header row)")
    names = _join_header(_fill_csv_header(header), file)
    if _NON_SPACE.search(data, head_end) is None:
        raise DataError(f"{file}: has a header ({', '.join(names)}) but no data rows")
    cols = _arrow_csv(pa.py_buffer(data).slice(head_end), names, sep)
    # pyarrow skips blank lines and a quoted field may span lines: row numbers are line numbers only when there
    # are as many rows as lines, else Python's csv module re-reads the body and tracks lines exactly.
    if cols is not None:
        n_lines = int(np.count_nonzero(np.frombuffer(data, np.uint8, offset=head_end) == 10))
        if len(cols[0]) != n_lines + (data[-1:] != b"\n"):
            cols = None
    if cols is not None:
        rows = np.arange(len(cols[0]), dtype=np.int64) + n_head + 1
        cells = {n: Cells(c, encoding=enc) for n, c in zip(names, cols, strict=True)}
        return RawTable(cells, file, rows, encoding=source_encoding, sha256=sha)
    raw = _read_csv_python(data[head_end:], enc, names, file, sha, first_line=n_head + 1, delimiter=sep)
    raw.encoding = source_encoding
    return raw


def _delimiter(head: str, skiprows: int) -> str:
    """``\\t`` when the first header line holds tabs and no comma (a tab-separated file), else ``,``."""
    lines = head.splitlines()
    first = lines[skiprows] if skiprows < len(lines) else ""
    return "\t" if "\t" in first and "," not in first else ","


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


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, bool):
        return str(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _excel_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _read_excel(p: Path, *, sheet: str | int | None, header_rows: int | None, skiprows: int) -> RawTable:
    from python_calamine import CalamineError, CalamineWorkbook

    file = str(p)
    data = p.read_bytes()
    if not data or data.isspace():
        raise DataError(f"{file}: file is empty")
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = wb.sheet_names
        if sheet is None:
            sh = wb.get_sheet_by_index(0)
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(sheets):
                raise DataError(f"{file}: no sheet number {sheet}; sheets are {sheets}")
            sh = wb.get_sheet_by_index(sheet)
        else:
            if sheet not in sheets:
                raise DataError(f"{file}: no sheet {sheet!r}; sheets are {sheets}")
            sh = wb.get_sheet_by_name(sheet)
        cells = sh.to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise DataError(f"{file}: not a readable Excel workbook (truncated or corrupt: {exc})") from None
    sheet_name = sh.name
    merged = _merged_ranges(data, sheet_name, sh)
    cells = cells[skiprows:]
    merged = [((r0 - skiprows, c0), (r1 - skiprows, c1)) for (r0, c0), (r1, c1) in merged if r0 >= skiprows]
    where = f"{file}, sheet {sheet_name!r}"
    filled = [sum(1 for v in r if _cell_text(v).strip()) for r in cells]
    first = next((i for i, k in enumerate(filled) if k), None)
    if first is None:
        raise DataError(f"{where}: sheet is empty")
    titles = []
    while (
        header_rows is None
        and skiprows == 0
        and filled[first] == 1
        and first + 1 < len(cells)
        and filled[first + 1] >= 2
    ):  # a title above the header (one cell, often merged across the table)
        titles.append((first + 1, next(t for t in map(_cell_text, cells[first]) if t.strip()).strip()))
        first = next((i for i in range(first + 1, len(cells)) if filled[i]), first + 1)
    if header_rows is None:
        header_rows = 1
        for (r0, c0), (r1, c1) in merged:
            if r0 == first:
                header_rows = max(header_rows, r1 - first + 1, 2 if c1 > c0 else 1)
    grid = [[_cell_text(v) for v in r] for r in cells]
    for (r0, c0), (r1, c1) in merged:
        top_left = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1 + 1, len(grid))):
            for c in range(c0, min(c1 + 1, len(grid[r]))):
                grid[r][c] = top_left
    names = _join_header(grid[first : first + header_rows], where)
    body = grid[first + header_rows :]
    keep = [i for i, r in enumerate(body) if any(c.strip() for c in r)]
    if not keep:
        raise DataError(f"{where}: has a header ({', '.join(names)}) but no data rows")
    width = len(names)
    records = [(body[i] + [""] * width)[:width] for i in keep]
    cols = {n: Cells([r[j] for r in records]) for j, n in enumerate(names)}
    rows = np.asarray(keep, dtype=np.int64) + first + header_rows + skiprows + 1
    letters = {n: _excel_letter(j) for j, n in enumerate(names)}
    return RawTable(
        cols, file, rows, sheet=sheet_name, sha256=_sha256(data), column_letters=letters, notes=titles
    )


def _merged_ranges(data: bytes, sheet_name: str, sheet) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged ranges of a sheet as 0-based ((row0, col0), (row1, col1)): openpyxl for .xlsx/.xlsm, calamine's
    own list for the formats openpyxl cannot open (.xls, .xlsb, .ods)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception:  # noqa: BLE001 - not an OOXML workbook: ask calamine
        return [tuple(map(tuple, r)) for r in (sheet.merged_cell_ranges or [])]
    ws = wb[sheet_name]
    return [((m.min_row - 1, m.min_col - 1), (m.max_row - 1, m.max_col - 1)) for m in ws.merged_cells.ranges]


def _read_parquet(p: Path) -> RawTable:
    import pyarrow.parquet as pq

    file = str(p)
    data = p.read_bytes()
    if not data or data.isspace():
        raise DataError(f"{file}: file is empty")
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{file}: not a readable Parquet file ({exc})") from None
    if table.num_rows == 0:
        raise DataError(f"{file}: has columns ({', '.join(table.column_names)}) but no data rows")
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        cols[name] = Cells(pc.cast(col, pa.string()))
    return RawTable(cols, file, np.arange(table.num_rows, dtype=np.int64) + 1, sha256=_sha256(data))


# ----------------------------------------------------------------------------------------------- to tidy


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
    return _flat(years)


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


def _header_unit(name: str) -> tuple[str, str | None]:
    m = _HEADER_UNIT_RE.match(name)
    if m and not m["unit"].strip().isdigit():
        return m["name"].strip(), m["unit"].strip()
    return name, None


def _flat(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _parse_values(
    raw: RawTable, col: str, group_codes: np.ndarray, groups: list[tuple[str | None, str | None]]
):
    """Parse a value column; row i uses ``groups[group_codes[i]] = (declared, target)``.

    ``declared`` is the unit of a bare number (header ``GDP(亿元)`` or the row's unit column); numbers written
    with a unit are converted to it. ``target`` (``units=``/``unit=``) is the unit of the result: values are
    converted from ``declared`` when both are given. Returns value, flags, unit and text (the cells as decoded)
    arrays.
    """
    cells = raw.columns[col]
    arr = cells.source
    n = len(arr)
    try:
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
            if declared and target and declared != target:
                try:
                    v = v * convert_unit(1.0, declared, target)
                except DataError as exc:
                    raise DataError(f"{raw.where(col)}: {exc}") from None
                vu = pa.repeat(pa.scalar(target, pa.string()), len(v))
            if rows is None:
                return v, p.flags, vu, p.text
            value[rows] = v
            parts.append(tuple(_flat(a.cast(pa.string())) for a in (p.flags, vu, p.text)))
            order.append(rows)
        inv = pa.array(np.argsort(np.concatenate(order), kind="stable"))
        flags, vunit, text = (pa.concat_arrays([q[j] for q in parts]).take(inv) for j in range(3))
        return value, flags, vunit, text
    except ArrayDecodeError as exc:
        raise DataError(
            f"{raw.where(col, exc.index)}: bytes {exc.data!r} are not valid {exc.encoding}; pass the "
            "right encoding= explicitly"
        ) from None
    except ArrayParseError as exc:
        raise ValueParseError(exc.text, raw.where(col, exc.index), exc.reason) from None


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
    as_arrow: bool = False,
) -> pd.DataFrame | pa.Table:
    """The tidy long table of ``raw`` (columns :data:`TIDY_COLUMNS`; ``as_arrow=True``: a pyarrow Table).

    ``columns`` maps file headers to roles (entity, indicator, year, value, unit, source_title, source_url,
    excerpt, note) or, in wide layouts, indicator headers to indicator ids. Headers such as 城市/指标/年份/数值
    are recognised without a mapping (:data:`DEFAULT_HEADERS`). ``entities`` resolves names to canonical ids
    (``"default"``: the bundled table; ``None``: keep names). Values are converted to ``units[indicator]`` or
    else ``unit``; the row's unit column (long) or a header like ``GDP(亿元)`` (wide) declares the unit of bare
    numbers; a bare number without a declared unit is taken to be in the target unit. ``year``: the year of a
    table without a year column. ``exclude``: wide-layout columns to ignore (COINr's uCode, uName, Time and
    ``*_group``/``Group_*`` columns are never indicators).
    """
    table = EntityTable.default() if entities == "default" else entities
    names = raw.names
    n = len(raw)
    role_of, renames = _roles(names, columns)
    if layout == "auto":
        layout = "long" if {"entity", "indicator", "value"} <= role_of.keys() else "wide"
    if "entity" not in role_of:
        raise DataError(
            f"{raw.file}: no entity column; expected one of {list(DEFAULT_HEADERS['entity'][:4])} or a "
            f"mapping columns={{'<header>': 'entity'}}; columns are {names}"
        )
    ent_id, ent_name = _entities(raw, role_of["entity"], table)
    if "year" in role_of:
        years = _years(raw, role_of["year"])
    elif layout == "long" and year is None:
        raise DataError(
            f"{raw.file}: no year column; expected one of {list(DEFAULT_HEADERS['year'][:4])}, a "
            f"mapping or year=; columns are {names}"
        )
    else:
        years = pa.array(
            np.full(n, year if year is not None else 0, dtype=np.int32),
            mask=np.full(n, year is None),
            type=pa.int32(),
        )

    def text(role: str, default: str | None) -> pa.Array:
        if role in role_of:
            cells = raw.columns[role_of[role]]
            return cells.take_labels(
                [clean_cell(u) or None if u is not None else None for u in cells.distinct]
            )
        return _const(n, default)

    meta = {
        r: text(r, d)
        for r, d in (
            ("source_title", source_title),
            ("source_url", source_url),
            ("excerpt", None),
            ("note", None),
        )
    }
    parts = []
    if layout == "long":
        missing = [r for r in ("indicator", "value") if r not in role_of]
        if missing:
            raise DataError(
                f"{raw.file}: long layout needs columns for {missing}; columns are {names} "
                f"(map them with columns={{'<header>': '<role>'}})"
            )
        ind_col, val_col = role_of["indicator"], role_of["value"]
        _blank_error(raw, ind_col, "indicator name")
        ind_cells = raw.columns[ind_col]
        ind_names = [clean_cell(u) if u is not None else None for u in ind_cells.distinct]
        ind_names = [renames.get(x, x) for x in ind_names]
        indicator = ind_cells.take_labels(ind_names)
        group_codes, groups = _unit_groups(raw, role_of.get("unit"), ind_cells.codes, ind_names, unit, units)
        value, flags, vunit, text = _parse_values(raw, val_col, group_codes, groups)
        parts.append(
            _assemble(raw, val_col, ent_id, ent_name, indicator, years, value, flags, vunit, text, meta)
        )
    else:
        skip = set(role_of.values()) | set(exclude)
        value_cols = [c for c in names if c not in skip and not _is_coinr_meta(c)]
        if not value_cols:
            raise DataError(f"{raw.file}: wide layout but no indicator columns besides {sorted(skip)}")
        for c in value_cols:
            name, head_unit = _header_unit(c)
            ind = renames.get(c, renames.get(name, name))
            target = (units or {}).get(ind) or unit
            value, flags, vunit, text = _parse_values(
                raw, c, np.zeros(n, dtype=np.int64), [(head_unit, target)]
            )
            parts.append(
                _assemble(raw, c, ent_id, ent_name, _const(n, ind), years, value, flags, vunit, text, meta)
            )
    out = pa.concat_tables([_plain(t) for t in parts]) if len(parts) > 1 else parts[0]
    meta_info = {
        "file": raw.file,
        "sha256": raw.sha256,
        "encoding": raw.encoding or "",
        "sheet": raw.sheet or "",
        "layout": layout,
        "notes": json.dumps(raw.notes, ensure_ascii=False),
    }
    if as_arrow:
        return out.replace_schema_metadata({f"innoscope.{k}": str(v) for k, v in meta_info.items()})
    df = out.to_pandas()
    df.attrs.update(meta_info)
    return df


def _unit_groups(
    raw: RawTable,
    unit_col: str | None,
    ind_codes: np.ndarray,
    ind_names: list,
    unit: str | None,
    units: Mapping[str, str] | None,
) -> tuple[np.ndarray, list]:
    """Per row of a long table, codes into a short list of (declared unit, target unit) pairs."""
    n = len(raw)
    if unit_col is None and not units:
        return np.zeros(n, dtype=np.int64), [(None, unit)]
    target = np.asarray([(units or {}).get(x) or unit for x in ind_names] + [unit], dtype=object)[ind_codes]
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
    raw: RawTable, col: str, ent_id, ent_name, indicator, years, value, flags, vunit, text, meta
) -> pa.Table:
    n = len(raw)
    return pa.table(
        {
            "entity": ent_id,
            "entity_name": ent_name,
            "indicator": indicator,
            "year": years,
            "value": pa.array(value, type=pa.float64(), mask=np.isnan(value)),
            "raw": text,
            "flags": flags,
            "unit": vunit,
            **meta,
            "file": _const(n, raw.file),
            "row": pa.array(raw.rows, type=pa.int64()),
            "column": _const(n, col),
        }
    )


def read_table(
    path: str | Path,
    *,
    layout: Literal["auto", "long", "wide"] = "auto",
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    header_rows: int | None = None,
    skiprows: int = 0,
    entities: EntityTable | None | Literal["default"] = "default",
    year: int | None = None,
    unit: str | None = None,
    units: Mapping[str, str] | None = None,
    source_title: str | None = None,
    source_url: str | None = None,
    exclude: Sequence[str] = (),
    as_arrow: bool = False,
) -> pd.DataFrame | pa.Table:
    """:func:`read_raw` then :func:`to_long`: a file as one tidy long table (see both)."""
    raw = read_raw(path, sheet=sheet, encoding=encoding, header_rows=header_rows, skiprows=skiprows)
    try:
        return to_long(
            raw,
            layout=layout,
            columns=columns,
            entities=entities,
            year=year,
            unit=unit,
            units=units,
            source_title=source_title,
            source_url=source_url,
            exclude=exclude,
            as_arrow=as_arrow,
        )
    except DataError as exc:
        if encoding is None and raw.sheet is None and raw.encoding and "unknown entity" in str(exc):
            raise DataError(
                f"{exc}; the file was read as {raw.encoding} (detected): if its names look garbled, "
                "give the encoding (--encoding gbk, big5 or utf-8)"
            ) from None
        raise

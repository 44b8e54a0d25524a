"""A file's cells as text, column by column: :class:`Cells` (one dictionary-encoded column) and
:class:`RawTable` (the columns, their file rows, and what the reader learned about the table's shape)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np
import pandas as pd
import pyarrow as pa

from innoscope.ingest.values import _dictionary_encode
from innoscope.model.errors import DataError

__all__ = ["Cells", "RawTable", "flat"]


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
        return int(self.source.null_count)

    @property
    def codes(self) -> np.ndarray:
        return self._encoded[0]

    @property
    def texts(self) -> pa.Array:
        return self._encoded[1]

    @cached_property
    def distinct(self) -> list[str]:
        return list(self.texts.to_pylist())

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
    meta: dict[str, str] = field(default_factory=dict)
    """What title lines above the header say (NBS exports: ``指标``, ``地区``, ``时间``, ``数据库``; yearbooks:
    ``title``, ``单位``), read by :mod:`~innoscope.ingest.shape`."""
    options: dict[str, object] = field(default_factory=dict)
    """The reading options that shaped this table (sheet, encoding, header rows, skipped rows): part of the
    import's identity."""

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

    def cell(self, column: str, i: int) -> str:
        """The address of data row i in ``column``: ``C12`` in a workbook, ``row 12, column 'GDP'`` elsewhere."""
        letter = self.column_letters.get(column)
        return f"{letter}{int(self.rows[i])}" if letter else f"row {int(self.rows[i])}, column {column!r}"

    def take(self, keep: np.ndarray) -> RawTable:
        """The table restricted to data rows ``keep`` (positions, in order)."""
        idx = pa.array(keep)
        cols = {n: Cells(c.source.take(idx), encoding=c.encoding) for n, c in self.columns.items()}
        return RawTable(
            cols,
            self.file,
            self.rows[keep],
            encoding=self.encoding,
            sheet=self.sheet,
            sha256=self.sha256,
            column_letters=self.column_letters,
            notes=self.notes,
            meta=self.meta,
            options=self.options,
        )


def flat(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array."""
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a

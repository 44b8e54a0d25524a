"""What one upload may cost the dashboard: bytes sent, bytes unpacked, rows, columns, cells and seconds.

An xlsx workbook is a zip archive: 4 MB sent can unpack to a gigabyte of sheet XML (a zip bomb), and two
cells at ``A1`` and ``XFD1048576`` make a reader allocate the whole 17-billion-cell rectangle between them.
So before any workbook reader sees the bytes, :func:`check_xlsx` reads the archive's directory (declared
sizes and compression ratios), then streams every member through :mod:`zipfile` in 1 MiB chunks, which stops
at the declared size and checks the CRC, so a member cannot unpack to more than it declares; on the way it
reads the highest row and column that the sheets address. A CSV's rows and columns are counted from its
bytes (:func:`check_csv`). Parsing runs on a small thread pool (:class:`ParsePool`) so an upload never holds
the event loop, with a time limit and a bounded queue.
"""

from __future__ import annotations

import asyncio
import io
import re
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from innoscope.model.errors import DataError, InnoscopeError

T = TypeVar("T")

MiB = 1 << 20
_CELL_REF = re.compile(rb'\br="([A-Z]{0,10})(\d{1,12})"')


class TooLarge(InnoscopeError):
    """An upload over one of the :class:`UploadLimits` (HTTP 413)."""


class Busy(InnoscopeError):
    """Too many uploads being read at once (HTTP 503)."""


@dataclass(frozen=True)
class UploadLimits:
    """Limits on one upload: what is sent, what it unpacks to, its shape and the time to read it."""

    max_bytes: int = 5 * MiB
    max_unpacked: int = 50 * MiB
    max_ratio: float = 200.0
    max_members: int = 1000
    max_rows: int = 100_000
    max_columns: int = 5_000
    max_cells: int = 2_000_000
    max_seconds: float = 20.0


def column_number(letters: bytes) -> int:
    """Spreadsheet column letters as a 1-based number: A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    n = 0
    for ch in letters:
        n = 26 * n + ch - 64
    return n


def _check_shape(where: str, rows: int, columns: int, limits: UploadLimits) -> None:
    if rows > limits.max_rows:
        raise TooLarge(f"{where}: {rows:,} rows; limit {limits.max_rows:,}")
    if columns > limits.max_columns:
        raise TooLarge(f"{where}: {columns:,} columns; limit {limits.max_columns:,}")
    if rows * columns > limits.max_cells:
        raise TooLarge(
            f"{where}: {rows:,} rows x {columns:,} columns = {rows * columns:,} cells; "
            f"limit {limits.max_cells:,}"
        )


def check_csv(raw: bytes, filename: str, limits: UploadLimits) -> None:
    """Refuse a CSV with more rows, columns (counted on the header line) or cells than ``limits`` allow."""
    rows = raw.count(b"\n") + (not raw.endswith(b"\n"))
    columns = raw[: raw.find(b"\n") if b"\n" in raw else len(raw)].count(b",") + 1
    _check_shape(filename, rows, columns, limits)


def check_xlsx(raw: bytes, filename: str, limits: UploadLimits) -> None:
    """Refuse a workbook that unpacks to more than ``limits`` allow, before any workbook reader opens it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError) as e:
        raise DataError(f"{filename}: cannot read as an xlsx workbook: {e}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise TooLarge(f"{filename}: {len(infos):,} files in the archive; limit {limits.max_members:,}")
        total = sum(i.file_size for i in infos)
        if total > limits.max_unpacked:
            raise TooLarge(
                f"{filename}: unpacks to {total:,} bytes; limit {limits.max_unpacked:,} "
                "(refused unopened: a workbook this size may be a zip bomb)"
            )
        for i in infos:
            if i.file_size > MiB and i.file_size > limits.max_ratio * max(i.compress_size, 1):
                ratio = i.file_size / max(i.compress_size, 1)
                raise TooLarge(
                    f"{filename}: {i.filename} is compressed {ratio:,.0f} to 1; limit "
                    f"{limits.max_ratio:g} to 1 (refused unopened: may be a zip bomb)"
                )
        rows, letters = 0, set()
        for i in infos:
            sheet = i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
            try:
                rows = max(rows, _stream_member(zf, i, sheet, letters))
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                NotImplementedError,
                RuntimeError,
                OSError,
                EOFError,
            ) as e:
                raise DataError(f"{filename}: cannot read as an xlsx workbook: {i.filename}: {e}") from None
    columns = max((column_number(c) for c in letters), default=0)
    _check_shape(filename, rows, columns, limits)


def _stream_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: bool, letters: set[bytes]) -> int:
    """Unpack one member in chunks (zipfile enforces its declared size and CRC); a sheet's highest row."""
    rows, tail = 0, b""
    with zf.open(info) as f:
        while chunk := f.read(MiB):
            if not sheet:
                continue
            buf = tail + chunk
            refs = _CELL_REF.findall(buf)
            if refs:
                letters.update(c for c, _ in refs if c)
                rows = max(rows, max(int(r) for _, r in refs))
            tail = buf[-32:]
    return rows


class ParsePool:
    """A few worker threads for reading uploads, with a time limit per upload and a bounded queue.

    The time limit answers the client; a worker that overruns it finishes (a thread cannot be stopped),
    which the size limits bound, and holds its queue slot until it does.
    """

    def __init__(self, workers: int = 2, queued: int = 4):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="innoscope-upload")
        self._slots = threading.BoundedSemaphore(workers + queued)
        self.capacity = workers + queued

    async def run(self, fn: Callable[[], T], seconds: float, what: str) -> T:
        """``fn()`` on a worker thread: :class:`Busy` if the queue is full, :class:`TooLarge` after
        ``seconds``."""
        if not self._slots.acquire(blocking=False):
            raise Busy(f"{self.capacity} uploads are being read; try again in a few seconds")
        fut = self._pool.submit(fn)
        fut.add_done_callback(lambda _: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), seconds)
        except TimeoutError:
            raise TooLarge(f"{what}: reading took longer than {seconds:g} s; limit {seconds:g} s") from None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

"""Text encodings of Chinese data files.

Decision order for :func:`detect_encoding` (an explicit ``encoding=`` always wins):

1. empty or whitespace-only content -> :class:`DataError` ("file is empty");
2. a byte-order mark: ``utf-8-sig``, ``utf-16``, ``utf-32``;
3. binary content (a NUL byte, or more than 1 % control bytes other than tab/CR/LF/FF in the first 64 KiB) ->
   :class:`DataError`;
4. the whole content is strict UTF-8 -> ``utf-8``;
5. otherwise charset-normalizer on the first 256 KiB (cut at a line end), choosing among :data:`PREFERRED`
   (GB18030, Big5, UTF-16, cp1252; least chaos, then most coherence, then that order), else among all; its
   GB2312/GBK/GB18030 answers are widened to ``gb18030`` (a superset) and Big5/CP950 to ``big5hkscs``; the
   whole content must then decode strictly, else DataError. The dashboard's upload and the COINr reader use
   this same policy (through :mod:`~innoscope.ingest.readers`).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from innoscope.model.errors import DataError

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

__all__ = ["ASCII_COMPATIBLE", "check_decodes", "detect_encoding", "normalise_encoding", "whole_characters"]

_NON_SPACE = re.compile(rb"\S")
_WIDEN = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "utf_8": "utf-8",
    "utf-8": "utf-8",
    "ascii": "utf-8",
}
# Encodings whose multibyte sequences never contain bytes < 0x30, so CSV structure (, " \r \n) is byte-exact.
ASCII_COMPATIBLE = frozenset(
    {
        "utf-8",
        "utf-8-sig",
        "gb18030",
        "gbk",
        "gb2312",
        "big5",
        "big5hkscs",
        "cp950",
        "cp936",
        "ascii",
        "latin-1",
        "cp1252",
    }
)


def normalise_encoding(name: str) -> str:
    """Python codec name for ``name`` (``GBK`` -> ``gbk``, ``utf8`` -> ``utf-8``); unknown names are a DataError."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise DataError(f"unknown encoding {name!r}") from None
    n = info.name
    return {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(n, n)


def _is_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    ctrl = sum(sample.count(bytes([c])) for c in (*range(0, 9), 11, *range(14, 32), 127))
    return ctrl > 0.01 * max(len(sample), 1)


def _is_utf8(data: bytes) -> bool:
    """Strict UTF-8 validity of the whole content, without building a Python string (a failed ``bytes.decode``
    copies the whole input into the exception): the first 64 KiB with Python's decoder, then all of it with
    pyarrow's validator."""
    import pyarrow as pa

    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:65536], final=False)
    except UnicodeDecodeError:
        return False
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


PREFERRED = ("gb18030", "big5", "utf_16", "cp1252")
"""Encodings charset-normalizer chooses among first, in this order when equally plausible (short Chinese
text among ASCII fits several code pages; mainland statistics are GB18030/GBK, Taiwan's and Hong Kong's Big5)."""


def _best_match(matches: Iterable[CharsetMatch]) -> CharsetMatch | None:
    return min(
        matches,
        key=lambda m: (
            round(m.chaos, 3),
            -round(m.coherence, 3),
            PREFERRED.index(m.encoding) if m.encoding in PREFERRED else 99,
        ),
        default=None,
    )


_NEVER_INSIDE = tuple(bytes([b]) for b in range(0x30))
"""Bytes that are never part of a multibyte character in UTF-8, GBK, GB18030 or Big5 (their trail bytes start at
0x30, GB18030's four-byte digits, or 0x40): a sample cut just after one ends on a whole character."""


def whole_characters(sample: bytes) -> bytes:
    """The start of ``sample`` (a prefix of a longer file) that ends on a whole character in any of the encodings
    detected here: cut after the last newline, else after the last byte below 0x30 (space, punctuation, control),
    else before an incomplete UTF-8 sequence at the end (a long line of Chinese text with no ASCII in it)."""
    cut = sample.rfind(b"\n")
    if cut < 0:
        cut = max(sample.rfind(b) for b in _NEVER_INSIDE)
    if cut >= 0:
        return sample[: cut + 1]
    lead = max((i for i in range(max(0, len(sample) - 4), len(sample)) if sample[i] >= 0xC0), default=None)
    if lead is None:
        return sample
    size = 2 if sample[lead] < 0xE0 else 3 if sample[lead] < 0xF0 else 4
    return sample[:lead] if len(sample) - lead < size else sample


def detect_encoding(data: bytes | memoryview, *, where: str = "", verify: bool = True) -> str:
    """The encoding of ``data`` by the rules in the module docstring.

    ``verify=False`` skips the final whole-content decoding check, for callers that decode every cell strictly.
    """
    loc = f"{where}: " if where else ""
    if not len(data) or _NON_SPACE.search(data) is None:
        raise DataError(f"{loc}file is empty")
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data[: len(bom)] == bom:
            return enc
    if _is_binary(data[:65536]):
        raise DataError(
            f"{loc}binary content (NUL or control bytes), not a text/CSV file; is it an Excel, Parquet or "
            "archive file with the wrong extension?"
        )
    if _is_utf8(data):
        return "utf-8"
    from charset_normalizer import from_bytes

    sample = data[:262144]
    if len(data) > len(sample):
        sample = whole_characters(bytes(sample))
    best = _best_match(from_bytes(bytes(sample), cp_isolation=list(PREFERRED)))
    if best is None:
        best = from_bytes(sample).best()
    if best is None:
        raise DataError(
            f"{loc}cannot detect the text encoding (tried UTF-8, GB18030/GBK, Big5 and others); "
            "pass encoding= explicitly"
        )
    enc = _WIDEN.get(best.encoding, best.encoding)
    if verify:
        check_decodes(data, enc, where=where, detected=True)
    return enc


def check_decodes(
    data: bytes | memoryview, encoding: str, *, where: str = "", detected: bool = False
) -> None:
    """Raise DataError naming the line and bytes where ``data`` does not decode as ``encoding``."""
    try:
        str(data, encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        how = "detected" if detected else "given"
        loc = f"{where}, " if where else ""
        raise DataError(
            f"{loc}line {line}: bytes {data[exc.start : exc.end + 3]!r} are not valid {encoding} "
            f"({how} encoding); pass the right encoding= explicitly"
        ) from None

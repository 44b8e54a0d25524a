"""Documents as text: reading (plain text, HTML, Markdown, PDF text, standard input), streaming, clean-up.

* Bytes: an empty file, binary content (a NUL byte or control bytes, a PDF or a zip container) or bytes that do
  not decode are a :class:`~innoscope.errors.DataError` naming the file (and the byte offset). The encoding is
  ``encoding=`` if given, else detected on the first 256 KiB (:func:`~innoscope.ingest.encoding.detect_encoding`:
  UTF-8, GB18030, Big5-HKSCS ...); the rest is decoded incrementally, strictly.
* HTML (``.html``/``.htm`` or content starting with ``<!doctype``/``<html``): text of the elements, scripts and
  styles dropped; block elements end a line; table cells are joined with `` | ``, one row per line, so a table
  reads as ``北京 | 6527 | 11463``.
* Markdown (``.md``): emphasis, headings marks, links (text kept) and code marks removed; tables stay as
  ``| a | b |`` rows.
* Streaming: the text is cut into chunks of about ``chunk_chars`` characters at a line end (or a 。 when a line is
  longer), so a 100 MB file is read with bounded memory; a figure's sentence never spans two chunks.
* Clean-up (:func:`clean`): pinyin annotations (``產(chǎn)業``) and zero-width characters removed
  (:func:`~innoscope.ingest.text.strip_pinyin_annotations`), UTF-8 read as latin-1 decoded back
  (:func:`~innoscope.ingest.text.repair_latin1_mojibake`), lines of PDF text wrapped inside a word joined
  (:func:`join_wrapped_lines`). Offsets (``start``, ``end``) are into this cleaned
  text, counted from the start of the document.
* Matching text (:func:`fold`): the cleaned text with the same length, Traditional -> Simplified (OpenCC t2s),
  full-width forms (U+FF01-FF5E, ideographic space) -> ASCII, so rules see one script and every offset stays
  valid.
"""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from innoscope.ingest.encoding import detect_encoding, normalise_encoding, whole_characters
from innoscope.ingest.text import repair_latin1_mojibake, strip_pinyin_annotations
from innoscope.model.errors import DataError

__all__ = ["HEADING_RE", "clean", "fold", "fold_reference", "iter_text", "join_wrapped_lines", "mark_cells"]

CHUNK_CHARS = 1 << 20
_SAMPLE = 1 << 18
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_FOLD_EXTRA = str.maketrans({"萬": "万", "億": "亿", "−": "-", "－": "-", "～": "~", "〜": "~", "﹪": "%"})


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


_WIDTH = {
    **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)},
    0x3000: 0x20,
    0xFFE5: ord("¥"),
    0x2212: ord("-"),
    0xFF0D: ord("-"),
    0xFF5E: ord("~"),
    0x301C: ord("~"),
    0xFE6A: ord("%"),
    0x00B2: ord("2"),
}


@lru_cache(maxsize=8192)
def _t2s_char(c: str) -> str:
    s: str = _t2s().convert(c)
    return s if len(s) == 1 else c


def _char_map(table: dict[int, int] | dict[int, str]) -> Callable[[str], str]:
    """``str.translate(table)`` as one character-class substitution: translate looks every character up in a
    dict (25 ms per 400,000 characters of Chinese text); the class scan skips the characters it leaves alone."""
    to = {chr(k): v if isinstance(v, str) else chr(v) for k, v in table.items()}
    rx = re.compile("[" + "".join(re.escape(c) for c in to) + "]")

    def sub(text: str) -> str:
        return rx.sub(lambda m: to[m.group()], text)

    return sub


_width = _char_map(_WIDTH)
_fold_extra = _char_map(_FOLD_EXTRA)


def fold(text: str) -> str:
    """Same-length matching text: Simplified (OpenCC t2s), half-width digits, letters and signs (see the module
    docstring)."""
    s = _width(text)
    if s.isascii():
        return s
    conv: str = _t2s().convert(s)
    if len(conv) != len(s):  # a phrase conversion changed the length: convert character by character
        conv = "".join(_t2s_char(c) for c in s)
    return _fold_extra(conv)


_GAP_RE = re.compile(r"\t| {2,}|\u3000+")
_MAX_CELL = 40
_SENTENCE_ENDS = (".", "。", "!", "?", ";", ",", "，", "；", "：", ":")


def _row_cells(line: str) -> list[str]:
    """The cells of a line whose columns are aligned with tabs or runs of spaces ([] when it is no such row)."""
    if "\t" not in line and "  " not in line and "\u3000" not in line:
        return []
    cells = _GAP_RE.split(line.strip())
    if len(cells) < 2 or any(len(c) > _MAX_CELL or c.endswith(_SENTENCE_ENDS) for c in cells):
        return []  # prose with two spaces after its full stops is no row
    return cells


def mark_cells(norm: str) -> str:
    """The matching text with the columns of aligned table rows marked as ``|`` cells (same length: the first
    character of each tab or run of spaces becomes ``|``). A line is such a row when tabs or runs of two or more
    spaces cut it into cells of at most 40 characters that end with no punctuation, and it has three cells or
    more, or two next to another such line (地区    GDP(亿元) above 福州    14237.4): text copied from a spreadsheet
    or a PDF table, read as the tables flattened with ``|``."""
    if "\t" not in norm and "  " not in norm and "\u3000" not in norm:
        return norm
    lines = norm.split("\n")
    rows = [_row_cells(ln) for ln in lines]
    out = []
    for i, (ln, cells) in enumerate(zip(lines, rows, strict=True)):
        near = (i and rows[i - 1]) or (i + 1 < len(rows) and rows[i + 1])
        if len(cells) >= 3 or (cells and near):
            lead = len(ln) - len(ln.lstrip())
            ln = (
                ln[:lead]
                + _GAP_RE.sub(lambda m: "|" + m.group(0)[1:], ln[lead:].rstrip())
                + ln[len(ln.rstrip()) :]
            )
        out.append(ln)
    return "\n".join(out)


def fold_reference(text: str) -> str:
    """:func:`fold` with ``str.translate`` (the plain definition it is tested against)."""
    s = text.translate(_WIDTH)
    if s.isascii():
        return s
    conv: str = _t2s().convert(s)
    if len(conv) != len(s):
        conv = "".join(_t2s_char(c) for c in s)
    return conv.translate(_FOLD_EXTRA)


def clean(text: str, *, first: bool = False) -> str:
    """Pinyin annotations and zero-width characters removed (NFC first), UTF-8 read as latin-1 decoded back
    (:func:`~innoscope.ingest.text.repair_latin1_mojibake`: 贵阳å¸‚ -> 贵阳市), lines wrapped inside a word joined
    (:func:`join_wrapped_lines`; ``first``: the text starts the document, whose first line is its title)."""
    s = repair_latin1_mojibake(_ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFC", text)))
    return join_wrapped_lines(strip_pinyin_annotations(s)[0], first=first)


_WRAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])\n(?=[\u4e00-\u9fff])")
HEADING_RE = re.compile(
    r"\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十\d]+[章节部篇条]|[（(][一二三四五六七八九十\d]+[）)])"
)
"""A section heading at a line start (一、, 第二章, （三）): never joined to the next line, and its year dates the
lines below it."""
_WRAPPED_MIN = 8


def _is_table_line(text: str, line_start: int, next_start: int) -> bool:
    """Whether the line before or after a break is a table row (cells joined with | or tabs)."""
    nl = text.find("\n", next_start)
    return any(c in text[line_start : nl if nl >= 0 else len(text)] for c in "|\t")


def join_wrapped_lines(text: str, *, first: bool = False) -> str:
    """Lines of a paragraph wrapped inside a word, as PDF text (pdftotext) writes them (国家高新技术企\n业达到1.36万家),
    joined: a line break between two Chinese characters is dropped when the line before it holds at least
    :data:`_WRAPPED_MIN` characters and is neither a heading (一、…, 第二章, （三）) nor the document's title (the
    first line, with ``first``), nor a table row (cells joined with | or tabs). A line ending with punctuation, a
    digit or a Latin letter is kept."""
    if "\n" not in text:
        return text
    out, at = [], 0
    for m in _WRAP_RE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if (first and line_start == 0) or m.start() - line_start < _WRAPPED_MIN:
            continue
        if HEADING_RE.match(text, line_start) or _is_table_line(text, line_start, m.end()):
            continue
        out.append(text[at : m.start()])
        at = m.end()
    if not out:
        return text
    out.append(text[at:])
    return "".join(out)


class _HTMLText(HTMLParser):
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "section",
            "article",
            "title",
            "header",
            "footer",
            "ul",
            "ol",
            "blockquote",
            "pre",
            "hr",
            "dd",
            "dt",
        }
    )
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in ("td", "th"):
            if self._cell:
                self.parts.append(" | ")
            self._cell = True
        elif tag in self._BLOCK:
            self.parts.append("\n")
            if tag == "tr":
                self._cell = False

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))

    def take(self) -> str:
        s = "".join(self.parts)
        self.parts = []
        return re.sub(r" *\n[ \n]*", "\n", s)


_MD_RULES = [
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__|`)"), ""),
    (re.compile(r"^\s*[-*+]\s+", re.M), ""),
    (re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M), ""),
]


def _markdown(text: str) -> str:
    for rx, rep in _MD_RULES:
        text = rx.sub(rep, text)
    return text


def _kind(name: str, sample: bytes) -> str:
    suffix = Path(name).suffix.lower()
    head = sample[:512].lstrip().lower()
    if suffix in (".html", ".htm", ".xhtml") or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def _check_bytes(name: str, sample: bytes) -> None:
    if sample.startswith(b"%PDF"):
        raise DataError(
            f"{name}: a PDF file; extract its text first (e.g. `pdftotext -layout {name} out.txt`) "
            "and give the text file"
        )
    if sample.startswith(b"PK\x03\x04"):
        raise DataError(
            f"{name}: a zip container (docx, xlsx, ...), not text; save it as plain text or HTML first"
        )


def _open(path: str | Path) -> tuple[BinaryIO, str]:
    if str(path) == "-":
        return sys.stdin.buffer, "<stdin>"
    p = Path(path)
    if p.is_dir():
        raise DataError(f"{p}: is a directory, not a file")
    if not p.is_file():
        raise DataError(f"{p}: no such file")
    return open(p, "rb"), str(p)


def iter_text(
    path: str | Path,
    *,
    encoding: str | None = None,
    chunk_chars: int = CHUNK_CHARS,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The document's text as chunks (see the module docstring), raw (not cleaned). ``progress(k)`` is told, each
    time the caller asks for the next chunk (it is done with the one before), the ``k`` bytes read since it was
    last told: a progress bar of the work done, in bytes of the file, that ends at the file's size."""
    fh, name = _open(path)
    try:
        sample = fh.read(_SAMPLE)
        _check_bytes(name, sample)
        cut = whole_characters(sample) if len(sample) == _SAMPLE else sample
        enc = normalise_encoding(encoding) if encoding else detect_encoding(cut, where=name, verify=False)
        decoder = codecs.getincrementaldecoder(enc)()
        kind = _kind(name, sample)
        parser = _HTMLText() if kind == "html" else None
        pending = ""
        offset = told = 0
        block = sample
        while True:
            final = not block
            try:
                piece = decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                how = "given" if encoding else "detected from the first bytes"
                raise DataError(
                    f"{name}: bytes {block[exc.start : exc.end + 3]!r} at byte offset "
                    f"{offset + exc.start} are not valid {enc} ({how}); pass --encoding with the file's "
                    "encoding (utf-8, gb18030, big5, utf-16)"
                ) from None
            offset += len(block)
            if parser is not None:
                parser.feed(piece)
                if final:
                    parser.close()
                piece = parser.take()
            pending += piece
            while len(pending) >= chunk_chars or (final and pending):
                head, pending = _cut(pending, chunk_chars, final)
                yield _markdown(head) if kind == "markdown" else head
                if progress is not None and offset > told:
                    progress(offset - told)
                    told = offset
            if final:
                break
            block = fh.read(_SAMPLE)
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def _cut(text: str, size: int, final: bool) -> tuple[str, str]:
    if len(text) <= size and final:
        return text, ""
    at = text.rfind("\n", 0, size)
    if at < size // 2:
        at = max(text.rfind("。", 0, size), text.rfind(". ", 0, size))
    if at < size // 4:
        at = size - 1
    return text[: at + 1], text[at + 1 :]

"""One large document read by several processes: the same candidates, in the same order, as one process gives.

A document is read in chunks of about 1 M characters (:func:`~innoscope.ingest.claims.document.iter_text`), cut
at line ends; the parent cleans and folds each chunk whole (as one process does) and hands it out in pieces of about
:data:`PIECE_CHARS` characters (:func:`_pieces`), so that a document of a few chunks keeps every process busy to
its end. A piece is cut only after a line ending with 。 and before a line of prose: no pattern of the finders
(figures, ranks, places, phrases, years) holds 。 or starts at a line end, so the mentions of a piece are those of
its chunk. The rules see one sentence at a time, and all a sentence takes from the text before it is held in the
document's context (:class:`~innoscope.ingest.claims.extract._Ctx`): what the title gives (fixed once the first
chunk is read; the title phrase's offsets are moved into the piece's, :func:`_shifted`) and four things that change
as the text is read:

* the year of the current line (reset at each line start, so at each piece start);
* the year of the last section heading (一、2024年经济运行情况): the parent finds the last heading of each piece
  and passes its year on;
* the header of a table (its ``|`` row): a line of prose, with which every piece after the first starts, ends it;
* the last list of places of a sentence (深圳和杭州), which is used for at most three sentences: each worker first
  reads, without keeping its candidates, the last lines of the piece before its own (at least eight sentences),
  so it holds the same list, or one too old to be used, as the process that read every chunk in turn.

The workers are forked (they share the parent's extractor, its lexicon and place index, without copying them);
where fork is not available the document is read by one process. At most ``2 * jobs`` pieces are in flight, so
memory stays bounded on a 100 MB file; their candidates come back as plain tuples (which pickle and load faster
than the named tuple).
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import date
from typing import Any

from innoscope.ingest.claims.dates import YearMention, find_years
from innoscope.ingest.claims.document import HEADING_RE, clean, fold, mark_cells
from innoscope.ingest.claims.extract import _PRIOR_AGE, Candidate, Extractor, _Ctx, _sentences
from innoscope.ingest.claims.indicators import PhraseMention
from innoscope.model.errors import InnoscopeError

LEAD_SENTENCES = 8
"""Sentences of the chunk before that a worker reads first (more than the three a list of places is used for)."""

PIECE_CHARS = 1 << 17
"""Characters of the pieces a chunk is handed out in (a 1 M-character chunk in eight): a document of a few chunks
keeps every process busy to its end (three chunks for two processes left one idle for the third), and the last
piece, read by one process while the other has none left, is short (smaller pieces cost more leads read twice)."""

_WORKER: Extractor | None = None
_HEADING_STARTS = frozenset("一二三四五六七八九十第(（")


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def extract_chunks_parallel(
    ex: Extractor,
    chunks: Iterable[str],
    *,
    jobs: int,
    document: str = "",
    doc_date: date | None = None,
    subject: str | None = None,
    chunk_done: Callable[[], None] | None = None,
) -> Iterator[Candidate]:
    """Candidates of a document given as raw text chunks, the chunks read by ``jobs`` forked processes (see the
    module docstring); exactly what :meth:`Extractor.extract_chunks` yields. ``chunk_done()`` is called each time
    a chunk's candidates have all been yielded (a progress bar of the work done, not of the chunks read ahead)."""
    done = chunk_done or (lambda: None)
    it = iter(chunks)
    first = next(it, None)
    if first is None:
        return
    text = clean(first, first=True)
    norm = mark_cells(fold(text))
    ctx = ex._context(norm, document, doc_date, subject)
    second = next(it, None)
    spans = _pieces(norm, ctx.title_end)
    if second is None and len(spans) == 1:  # one piece: nothing to share
        yield from ex._chunk(text, norm, 0, ctx)
        done()
        return
    global _WORKER
    _WORKER = ex
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        pending: deque[tuple[Future[list[tuple[Any, ...]]], bool]] = deque()
        rest = it if second is None else itertools.chain([second], it)
        for fut, last in _submitted(pool, ctx, text, norm, spans, rest):
            pending.append((fut, last))
            while len(pending) > 2 * jobs:
                yield from _drain(pending.popleft(), done)
        while pending:
            yield from _drain(pending.popleft(), done)
    finally:
        pool.shutdown(cancel_futures=True)
        _WORKER = None


def _drain(item: tuple[Future[list[tuple[Any, ...]]], bool], done: Callable[[], None]) -> Iterator[Candidate]:
    """A piece's candidates (sent back as plain tuples, which pickle and load faster than the named tuple), then
    ``done()`` when the piece ends its chunk."""
    fut, last = item
    yield from map(Candidate._make, _result(fut))
    if last:
        done()


def _submitted(
    pool: ProcessPoolExecutor,
    ctx: _Ctx,
    text: str,
    norm: str,
    spans: list[tuple[int, int]],
    rest: Iterable[str],
) -> Iterator[tuple[Future[list[tuple[Any, ...]]], bool]]:
    """Each piece of each chunk handed to the pool, in order, with whether it is its chunk's last: the first
    chunk's with the document's context, every later one with the fixed part of it, the section year in force
    before it and the end of the piece before as its lead (module docstring)."""
    fixed = replace(ctx)
    section: YearMention | None = None
    base, prev = 0, ("", "", 0)
    for chunk in itertools.chain([(text, norm, spans)], _chunks(rest)):
        text, norm, spans = chunk
        for a, b in spans:
            if base == 0 and a == 0:
                state = ctx
            else:
                state = replace(
                    fixed,
                    section_year=section,
                    prior=[],
                    prior_age=_PRIOR_AGE + 1,
                    title_phrase=_shifted(fixed.title_phrase, a),
                )
            at = _lead(prev[0])
            lead = (prev[0][at:], prev[1][at:], prev[2] + at)
            yield _submit(pool, _read, text[a:b], norm[a:b], base + a, lead, state), b == len(text)
            section = _last_heading_year(norm[a:b], fixed.date, section)
            prev = (text[a:b], norm[a:b], base + a)
        base += len(text)


def _chunks(raw_chunks: Iterable[str]) -> Iterator[tuple[str, str, list[tuple[int, int]]]]:
    """Each later chunk cleaned, its matching text (folded over the whole chunk, as one process folds it) and its
    pieces."""
    for raw in raw_chunks:
        text = clean(raw)
        norm = mark_cells(fold(text))
        yield text, norm, _pieces(norm, 0)


def _shifted(p: PhraseMention | None, off: int) -> PhraseMention | None:
    """The title's phrase in the offsets of a piece starting ``off`` characters into its chunk: the rules compare
    its offsets with the chunk's, so they compare the same."""
    return p if p is None or off == 0 else replace(p, start=p.start - off, end=p.end - off)


_CUT = "。\n"


def _pieces(norm: str, lo: int) -> list[tuple[int, int]]:
    """Spans of about :data:`PIECE_CHARS` characters covering a chunk's matching text, each cut after a line ending
    with 。 and before a line of prose (not blank, no table cell ``|``), not before ``lo`` (the title's end).
    Nothing the rules read crosses such a cut: no pattern of the finders holds 。 or starts with a line end, the
    line start resets the line's year, and a prose line resets a table's header."""
    out, a, n = [], 0, len(norm)
    while n - a > PIECE_CHARS + PIECE_CHARS // 2:
        b = _cut_after(norm, max(a + PIECE_CHARS, lo))
        if b < 0 or n - b < PIECE_CHARS // 2:
            break
        out.append((a, b))
        a = b
    out.append((a, n))
    return out


def _cut_after(norm: str, pos: int) -> int:
    """The first cut (see :func:`_pieces`) at or after ``pos``, -1 when there is none."""
    at = norm.find(_CUT, pos)
    while at >= 0:
        b = at + 2
        nl = norm.find("\n", b)
        line = norm[b : nl if nl >= 0 else len(norm)]
        if line.strip() and "|" not in line:
            return b
        at = norm.find(_CUT, b)
    return -1


_DIED = "a process reading the text stopped (killed or out of memory); run again with --jobs 1"


def _result(fut: Future[Any]) -> Any:
    """A worker's candidates; a worker that died (killed, out of memory) is a one-line error, not a traceback."""
    try:
        return fut.result()
    except BrokenProcessPool:
        raise InnoscopeError(_DIED) from None


def _submit(pool: ProcessPoolExecutor, fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """``pool.submit``; a pool broken by a worker that died before is the same one-line error as in :func:`_result`."""
    try:
        return pool.submit(fn, *args)
    except BrokenProcessPool:
        raise InnoscopeError(_DIED) from None


def _read(text: str, norm: str, base: int, lead: tuple[str, str, int], ctx: _Ctx) -> list[tuple[Any, ...]]:
    """One piece's candidates (as plain tuples) in a worker, after reading ``lead`` (text, matching text and offset
    of the end of the piece before) for its context."""
    ex = _WORKER
    assert ex is not None, "a worker of extract_chunks_parallel"
    if lead[0]:
        for _ in ex._chunk(lead[0], lead[1], lead[2], ctx):
            pass
    return [tuple(c) for c in ex._chunk(text, norm, base, ctx)]


def _lead(text: str) -> int:
    """Where the last lines of a piece holding at least :data:`LEAD_SENTENCES` sentences start (0: the whole piece
    if shorter)."""
    at = len(text)
    while True:
        at = text.rfind("\n", 0, max(at - 1, 0)) + 1  # the start of the line before
        if at == 0 or sum(1 for _ in _sentences(text[at:])) > LEAD_SENTENCES:
            return at


def _last_heading_year(norm: str, doc_date: date | None, before: YearMention | None) -> YearMention | None:
    """The section year in force at the end of a piece (its matching text): that of its last heading line
    (一、2024年……: the last year of the line's first sentence that is no base, None when it states none), else
    ``before``."""
    lines = norm.split("\n")
    for line in reversed(lines):
        if line.lstrip()[:1] not in _HEADING_STARTS or HEADING_RE.match(line) is None:
            continue  # the first character of every heading (fold leaves these as they are or makes them so)
        s0, s1 = next(iter(_sentences(line)), (0, len(line)))
        own = [y for y in find_years(line[s0:s1], doc_date) if not y.base]
        return own[-1] if own and own[-1].year is not None else None
    return before


def extract_files_parallel(
    ex: Extractor, paths: list[str], *, jobs: int, **kw: Any
) -> Iterator[tuple[str, list[Candidate]]]:
    """``(path, candidates)`` of each file, in the order given, the files read by ``jobs`` forked processes (each
    file by one of them, as :func:`~innoscope.ingest.claims.extract.extract_file` reads it): hundreds of documents
    at once. ``kw`` are extract_file's options (doc_date, subject, encoding)."""
    global _WORKER
    _WORKER = ex
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        pending: deque[tuple[str, Future[list[Candidate]]]] = deque()
        for p in paths:
            pending.append((p, _submit(pool, _read_file, p, kw)))
            while len(pending) > 2 * jobs:
                name, fut = pending.popleft()
                yield name, _result(fut)
        while pending:
            name, fut = pending.popleft()
            yield name, _result(fut)
    finally:
        pool.shutdown(cancel_futures=True)
        _WORKER = None


def _read_file(path: str, kw: dict[str, Any]) -> list[Candidate]:
    from innoscope.ingest.claims.extract import extract_file

    assert _WORKER is not None, "a worker of extract_files_parallel"
    return list(extract_file(path, extractor=_WORKER, **kw))

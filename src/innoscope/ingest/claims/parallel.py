"""One large document read by several processes: the same candidates, in the same order, as one process gives.

A document is read in chunks of about 1 M characters (:func:`~innoscope.ingest.claims.document.iter_text`), cut
at line ends. The rules see one sentence at a time, and all a sentence takes from the text before it is held in the
document's context (:class:`~innoscope.ingest.claims.extract._Ctx`): what the title gives (fixed once the first
chunk is read) and three things that change as the text is read:

* the year of the current line (reset at each line start, so at each chunk start);
* the year of the last section heading (一、2024年经济运行情况): the parent finds the last heading of each chunk
  and passes its year on;
* the last list of places of a sentence (深圳和杭州), which is used for at most three sentences: each worker first
  reads, without keeping its candidates, the last lines of the chunk before its own (at least eight sentences),
  so it holds the same list, or one too old to be used, as the process that read every chunk in turn.

The workers are forked (they share the parent's extractor, its lexicon and place index, without copying them);
where fork is not available the document is read by one process. At most ``2 * jobs`` chunks are in flight, so
memory stays bounded on a 100 MB file.
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
from innoscope.model.errors import InnoscopeError

LEAD_SENTENCES = 8
"""Sentences of the chunk before that a worker reads first (more than the three a list of places is used for)."""

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
    fixed = replace(ctx)
    second = next(it, None)
    if second is None:  # one chunk: nothing to share
        yield from ex._chunk(text, norm, 0, ctx)
        done()
        return
    global _WORKER
    _WORKER = ex
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        pending: deque[Future[list[Candidate]]] = deque()
        pending.append(_submit(pool, _read, text, 0, "", 0, ctx))
        section, offset, prev = _last_heading_year(text, fixed.date, None), len(text), text
        for raw in itertools.chain([second], it):
            text = clean(raw)
            lead = _lead(prev)
            state = replace(fixed, section_year=section, prior=[], prior_age=_PRIOR_AGE + 1)
            pending.append(_submit(pool, _read, text, offset, lead, offset - len(lead), state))
            section = _last_heading_year(text, fixed.date, section)
            offset, prev = offset + len(text), text
            while len(pending) > 2 * jobs:
                yield from _result(pending.popleft())
                done()
        while pending:
            yield from _result(pending.popleft())
            done()
    finally:
        pool.shutdown(cancel_futures=True)
        _WORKER = None


_DIED = "a process reading the text stopped (killed or out of memory); run again with --jobs 1"


def _result(fut: Future[list[Candidate]]) -> list[Candidate]:
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


def _read(text: str, base: int, lead: str, lead_base: int, ctx: _Ctx) -> list[Candidate]:
    """One chunk's candidates in a worker, after reading ``lead`` (the end of the chunk before) for its context."""
    ex = _WORKER
    assert ex is not None, "a worker of extract_chunks_parallel"
    if lead:
        for _ in ex._chunk(lead, mark_cells(fold(lead)), lead_base, ctx):
            pass
    return list(ex._chunk(text, mark_cells(fold(text)), base, ctx))


def _lead(text: str) -> str:
    """The last lines of a chunk holding at least :data:`LEAD_SENTENCES` sentences (the whole chunk if shorter)."""
    at = len(text)
    while True:
        at = text.rfind("\n", 0, max(at - 1, 0)) + 1  # the start of the line before
        if at == 0 or sum(1 for _ in _sentences(text[at:])) > LEAD_SENTENCES:
            return text[at:]


def _last_heading_year(text: str, doc_date: date | None, before: YearMention | None) -> YearMention | None:
    """The section year in force at the end of a chunk: that of its last heading line (一、2024年……: the last year of
    the line's first sentence that is no base, None when it states none), else ``before``."""
    lines = text.split("\n")
    for line in reversed(lines):
        if line.lstrip()[:1] not in _HEADING_STARTS:
            continue  # the first character of every heading (fold leaves these as they are or makes them so)
        norm = fold(line)
        if HEADING_RE.match(norm) is None:
            continue
        s0, s1 = next(iter(_sentences(norm)), (0, len(norm)))
        own = [y for y in find_years(norm[s0:s1], doc_date) if not y.base]
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

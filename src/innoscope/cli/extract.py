"""``innoscope extract``: figures about places in text -> a review file (rules in docs/extract.md)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from innoscope.cities.text_places import place_index
from innoscope.cli import app
from innoscope.cli.progress import bytes_bar
from innoscope.ingest.claims import Extractor, Lexicon, extract_file
from innoscope.ingest.claims.parallel import extract_files_parallel, fork_available
from innoscope.ingest.claims.review import write_review
from innoscope.ingest.names import EntityTable
from innoscope.model.errors import DataError

DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))
"""Processes for a large document by default: the machine's cores, at most 4 (a small one is read by one)."""


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DataError(f"--date {text!r}: expected a date YYYY-MM-DD, e.g. 2025-02-16") from None


def _places(table: EntityTable, subject: str | None) -> str | None:
    if subject is None:
        return None
    eid = table.get(subject)
    if eid is None:
        raise DataError(
            f"--place {subject!r}: unknown place; closest known: {', '.join(table.closest(subject))}"
        )
    return table.entities[eid].name_zh or eid


@app.command("extract")
def extract_cmd(
    files: Annotated[
        list[str], typer.Argument(help="text, HTML, Markdown or PDF-text files; - for standard input")
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="review file to write (.csv or .xlsx)")] = Path(
        "candidates.csv"
    ),
    date_: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="publication date YYYY-MM-DD (resolves 去年/今年; default: the first date in the text)",
        ),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            "--place",
            help="the city a document is about (全市/我市/该市 and "
            "sentences naming no place); default: the city "
            "it names most",
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="text encoding (default: detected)")
    ] = None,
    lexicon: Annotated[
        Path | None,
        typer.Option(
            "--lexicon", help="extra indicator lexicon (YAML, the format of data/claims/indicators.yaml)"
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="processes reading a large document (chunks of about 1 M characters); same candidates",
        ),
    ] = DEFAULT_JOBS,
) -> None:
    """Find every figure about a place (Chinese or English) and write candidate values for review: set
    decision to accept, correct (with corrected_value) or reject, then `innoscope import` the file."""
    console = Console(stderr=True, highlight=False)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise DataError(f"-o {out}: the review file must end in .csv or .xlsx")
    table = EntityTable.default()
    lex = Lexicon.default().merged(Lexicon.from_yaml(lexicon)) if lexicon else None
    ex = Extractor(place_index(), lex)
    d = _date(date_)
    subject = _places(table, place)
    per_file: dict[str, int] = {}

    opts = {"doc_date": d, "subject": subject, "encoding": encoding}

    def stream(tick):
        if jobs > 1 and len(files) > 1 and "-" not in files and fork_available():
            for f, cands in extract_files_parallel(ex, files, jobs=jobs, **opts):
                per_file[f] = len(cands)
                tick(Path(f).stat().st_size)
                yield from cands
            return
        for f in files:
            name = "<stdin>" if f == "-" else f
            per_file[name] = 0
            for c in extract_file(f, extractor=ex, progress=tick, jobs=jobs, **opts):
                per_file[name] += 1
                yield c

    with bytes_bar("extract", _total_bytes(files)) as tick:
        n = write_review(_nonempty(stream(tick), files), out)
    for name, k in per_file.items():
        if k == 0:
            console.print(f"[yellow]note:[/] {escape(name)}: no figure about a place found")
    console.print(
        f"wrote {n} candidate(s) from {len(per_file)} document(s) to {escape(str(out))}; "
        "review the decision column (accept / correct / reject), then: "
        f"innoscope import {escape(str(out))}"
    )


def _total_bytes(files: list[str]) -> int | None:
    """The bytes of all files to read, for the progress bar; None when one is standard input (size unknown). A
    file that cannot be read counts 0 here: reading it raises the error."""
    if "-" in files:
        return None
    return sum(Path(f).stat().st_size if Path(f).is_file() else 0 for f in files)


def _nonempty(candidates, files):
    """The candidates; an error (nothing written) when there is none in any document."""
    it = iter(candidates)
    try:
        first = next(it)
    except StopIteration:
        raise DataError(f"{', '.join(files)}: no figure about a place found; nothing written") from None
    yield first
    yield from it

"""Review of figures extracted from text (``innoscope extract`` in the browser): a page, the candidates of a
pasted text, and the review file of the decisions taken on them (to import with ``innoscope import``).

Stateless: the page keeps the candidates; nothing is stored by the server. Each candidate carries the span of
its figure inside its sentence (``mark_start``/``mark_end``) so the page can highlight it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from innoscope.cities.text_places import place_index
from innoscope.ingest.claims import Candidate, Extractor, extract_text
from innoscope.ingest.claims.document import clean
from innoscope.ingest.claims.extract import CANDIDATE_COLUMNS
from innoscope.ingest.claims.review import write_rows
from innoscope.web.routes.pages import STATIC

router = APIRouter()
MAX_TEXT = 200_000
"""Characters of pasted text one request may carry (a long document goes through the command line)."""


class ExtractRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT)
    document: str = Field("pasted text", max_length=200)
    date: dt.date | None = None
    place: str | None = Field(None, max_length=50)


class Reviewed(BaseModel):
    candidate: dict[str, Any]
    decision: Literal["accept", "correct", "reject", ""] = ""
    corrected_value: str = Field("", max_length=50)
    review_note: str = Field("", max_length=500)


class ReviewFile(BaseModel):
    rows: list[Reviewed] = Field(max_length=20_000)


def _marked(c: Candidate, cleaned: str) -> dict[str, Any]:
    """The candidate with the span of its figure inside its sentence."""
    lo = max(0, c.end - len(c.sentence) - 2)
    at = cleaned.find(c.sentence, lo)
    if 0 <= at <= c.start:
        s, e = c.start - at, c.end - at
    else:
        s = max(0, c.sentence.find(c.figure))
        e = s + len(c.figure)
    return {**c.to_dict(), "mark_start": s, "mark_end": e}


@router.get("/review", include_in_schema=False)
def page() -> FileResponse:
    return FileResponse(STATIC / "review.html", media_type="text/html; charset=utf-8")


@router.post("/api/review/extract", summary="Figures about places in a text, as candidates to review")
def extract(req: ExtractRequest) -> list[dict[str, Any]]:
    cleaned = clean(req.text)
    cands = extract_text(
        req.text, document=req.document, doc_date=req.date, subject=req.place, extractor=_extractor()
    )
    return [_marked(c, cleaned) for c in cands]


@router.post(
    "/api/review/file",
    summary="The review file (CSV) of the decisions taken on the candidates",
    response_class=Response,
)
def review_file(req: ReviewFile) -> Response:
    rows = [
        [r.candidate.get(k, "") if r.candidate.get(k) is not None else "" for k in CANDIDATE_COLUMNS]
        + [r.decision, r.corrected_value, r.review_note]
        for r in req.rows
    ]
    buf = io.StringIO()
    write_rows(rows, buf)
    return Response(
        buf.getvalue().encode("utf-8-sig"),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="candidates.csv"'},
    )


@functools.cache
def _extractor() -> Extractor:
    """One extractor (its compiled lexicons, the gazetteer's places) for every request."""
    return Extractor(place_index())

"""Downloads of a what-if: the HTML report, the ranking as CSV, every table as an xlsx workbook.

CSV and xlsx are written by :mod:`innoscope.io.spreadsheet`: text a spreadsheet would run as a formula
(an entity name such as ``=HYPERLINK(...)``) is written as text; numbers stay numbers.
"""

from __future__ import annotations

import io
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from innoscope.io.spreadsheet import csv_bytes, write_xlsx
from innoscope.pipeline.result import Result
from innoscope.report.html import build_report
from innoscope.web.models import WhatIf
from innoscope.web.payloads import options, ranking_table
from innoscope.web.routes import Store
from innoscope.web.state import rebuild

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ranking_csv(result: Result) -> bytes:
    """The ranking as UTF-8 CSV with a byte-order mark (Excel then reads Chinese names correctly)."""
    return csv_bytes(ranking_table(result), encoding="utf-8-sig")


def workbook(result: Result) -> bytes:
    """Ranking, every stage's data and the active weights, one sheet each."""
    tables = {"Ranking": ranking_table(result)}
    for name, ds in result.datasets.items():
        tables[name] = ds.rename_axis("uCode").reset_index()
    w = result.weights.get(result.active_weights)
    if w is not None:
        tables["Weights"] = w.rename("Weight").rename_axis("iCode").reset_index()
    buf = io.BytesIO()
    write_xlsx(tables, buf)
    return buf.getvalue()


def map_inputs(result: Result) -> dict[str, Any]:
    """Seat coordinates and the outline map of China when the gazetteer knows the entities (else no map)."""
    from innoscope.cities.basemap import china
    from innoscope.cities.national_index import coordinates

    c = coordinates(list(result.aggregated.index))
    return {} if c.empty else {"coordinates": c, "basemap": china()}


@router.post(
    "/api/download/{kind}",
    summary="The what-if as an HTML report, a CSV or an xlsx workbook",
    response_class=Response,
)
def download(kind: Literal["report", "csv", "xlsx"], req: WhatIf, store: Store) -> Response:
    ds = store.get(req.dataset)
    result = rebuild(ds, **options(req))
    if kind == "report":
        body, mt, fn = (
            build_report(result, lang=req.lang, compare=ds.compare, **map_inputs(result)).encode(),
            "text/html",
            "report.html",
        )
    elif kind == "csv":
        body, mt, fn = ranking_csv(result), "text/csv", "ranking.csv"
    else:
        body, mt, fn = workbook(result), XLSX, "innoscope.xlsx"
    return Response(body, media_type=mt, headers={"Content-Disposition": f'attachment; filename="{fn}"'})

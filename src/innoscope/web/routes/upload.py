"""Upload an iData table or a cited city file as a new data set, within the upload limits.

The body is read up to ``max_bytes`` (413 beyond), then parsed and built on the upload thread pool
(:class:`~innoscope.web.limits.ParsePool`) so the event loop keeps serving other users; what an upload may
unpack to, its rows, columns, cells and seconds are limited (413), bad content is a 422 naming file, row
and column.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from innoscope.web.guard import media_type
from innoscope.web.limits import ParsePool, TooLarge, UploadLimits
from innoscope.web.routes import Store
from innoscope.web.state import Dataset, Datasets
from innoscope.web.uploads import (
    SUFFIXES,
    crosssection_from_city_upload,
    crosssection_from_upload,
    file_from_multipart,
    is_city_file,
)

router = APIRouter()


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with :class:`TooLarge` as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"upload too large: {int(declared):,} bytes; limit {limit:,}")
    buf = bytearray()
    async for chunk in request.stream():
        buf += chunk
        if len(buf) > limit:
            raise TooLarge(f"upload too large: over {limit:,} bytes; limit {limit:,}")
    return bytes(buf)


def import_upload(store: Datasets, base: Dataset, raw: bytes, filename: str, limits: UploadLimits) -> Dataset:
    """Parse, validate and build an upload (runs on a worker thread)."""
    if is_city_file(raw, filename):
        cs = crosssection_from_city_upload(raw, filename, base.framework, base.spec, limits)
    else:
        cs = crosssection_from_upload(raw, filename, base.framework, limits)
    return store.add_upload(base, cs, label=f"{filename} ({len(cs.entities)})")


@router.post(
    "/api/upload",
    summary="Import an iData table (CSV or xlsx) or a cited city CSV as a new data "
    "set: the raw body (application/octet-stream) or a multipart file field",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            },
        }
    },
)
async def upload(
    request: Request,
    store: Store,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    dataset: Annotated[str | None, Query(max_length=100)] = None,
) -> Any:
    limits: UploadLimits = request.app.state.upload_limits
    pool: ParsePool = request.app.state.parse_pool
    base = store.get(dataset)
    if not filename.lower().endswith(SUFFIXES):
        return JSONResponse(
            {"detail": f"{filename}: unsupported file type; upload one of {', '.join(SUFFIXES)}"},
            status_code=415,
        )
    raw = await read_body(request, limits.max_bytes)
    if media_type(request.headers) == "multipart/form-data":
        raw, _ = file_from_multipart(raw, request.headers["content-type"])
    ds = await pool.run(
        lambda: import_upload(store, base, raw, filename, limits), limits.max_seconds, filename
    )
    return {"dataset": ds.id, "label": ds.label, "n_entities": len(ds.data.entities)}

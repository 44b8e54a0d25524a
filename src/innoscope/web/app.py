"""The dashboard's JSON API (FastAPI) and its page.

``create_app(datasets)`` returns the ASGI app; ``innoscope serve`` runs it with uvicorn on
127.0.0.1. Every what-if calls :func:`innoscope.build` (via :func:`.state.rebuild`); the page
(``static/``) only displays what the API returns. Plotly's JS is served from the installed
package; nothing is fetched from the network. The routes live in :mod:`.routes` (one module per
concern); :mod:`.guard` checks Host, same origin, content type and JSON size and depth first.
User errors come back as JSON ``{"detail": ...}`` of bounded length: 400 unknown Host, 403
cross-site, 404 unknown data set or entity, 413 over a limit, 415 wrong content or file type, 422
everything else invalid, 503 too many uploads at once. The OpenAPI schema is at ``/openapi.json``
(the interactive docs are off: they load from a CDN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from innoscope.model.errors import InnoscopeError
from innoscope.web.guard import DEFAULT_HOSTS, MAX_DEPTH, MAX_JSON, RequestGuard, refusal
from innoscope.web.limits import Busy, ParsePool, TooLarge, UploadLimits
from innoscope.web.messages import first_few, shorten
from innoscope.web.routes import analysis, compute, download, pages, review, upload
from innoscope.web.state import Dataset, Datasets, NotFound

STATIC = Path(__file__).parent / "static"
MAX_ERRORS = 5
STATUS = ((NotFound, 404), (TooLarge, 413), (Busy, 503), (InnoscopeError, 422))


def validation_detail(errors: list[dict]) -> dict:
    """The first few validation errors, each cut short, and how many there were (never the input itself)."""
    shown = [
        {
            "loc": [shorten(x, 60) for x in err.get("loc", ())],
            "msg": shorten(err.get("msg", ""), 200),
            "type": shorten(err.get("type", ""), 60),
        }
        for err in errors[:MAX_ERRORS]
    ]
    out: dict = {"detail": shown, "count": len(errors)}
    if len(errors) > MAX_ERRORS:
        out["more"] = f"{len(errors) - MAX_ERRORS:,} more errors at " + first_few(
            (".".join(map(str, e.get("loc", ()))) for e in errors[MAX_ERRORS:]), n=3
        )
    return out


def create_app(
    datasets: Datasets | list[Dataset] | Dataset,
    *,
    max_upload: int | None = None,
    limits: UploadLimits | None = None,
    hosts: Iterable[str] = DEFAULT_HOSTS,
    max_json: int = MAX_JSON,
    max_depth: int = MAX_DEPTH,
    upload_workers: int = 2,
) -> FastAPI:
    """The dashboard app over ``datasets`` (the first is the default).

    ``max_upload``: bytes an upload may send (overrides ``limits.max_bytes``); ``limits``: the
    :class:`UploadLimits`;
    ``hosts``: the ``Host`` names served (see :func:`.guard.allowed_hosts`); ``max_json`` and
    ``max_depth``: size and nesting of a JSON body; ``upload_workers``: threads reading uploads.
    """
    if isinstance(datasets, Dataset):
        datasets = [datasets]
    store = datasets if isinstance(datasets, Datasets) else Datasets(list(datasets))
    pool = ParsePool(workers=upload_workers)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        pool.shutdown()

    app = FastAPI(
        title="innoscope dashboard API",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        description="What-if weights and methods on an innoscope index; every "
        "response is computed by innoscope.build.",
    )
    app.state.datasets = store
    limits = limits or UploadLimits()
    app.state.upload_limits = limits if max_upload is None else replace(limits, max_bytes=max_upload)
    app.state.parse_pool = pool
    app.add_middleware(RequestGuard, hosts=hosts, max_json=max_json, max_depth=max_depth)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_detail(list(e.errors())), status_code=422)

    @app.exception_handler(InnoscopeError)
    async def _user_error(_: Request, e: InnoscopeError) -> JSONResponse:
        status = next(code for kind, code in STATUS if isinstance(e, kind))
        if status == 413:
            return refusal(status, shorten(e))
        return JSONResponse({"detail": shorten(e)}, status_code=status)

    for module in (pages, compute, analysis, download, upload, review):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app

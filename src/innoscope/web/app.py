"""The dashboard's JSON API (FastAPI) and its page.

``create_app(datasets)`` returns the ASGI app; ``innoscope serve`` runs it with uvicorn on
127.0.0.1. Every what-if calls :func:`innoscope.build` (via :func:`.state.rebuild`); the page
(``static/``) only displays what the API returns. Plotly's JS is served from the installed
package; nothing is fetched from the network. User errors come back as 4xx with a ``detail``
message: 404 unknown data set or entity, 413 oversize upload, 422 everything else invalid.
The OpenAPI schema is at ``/openapi.json`` (the interactive docs are off: they load from a CDN).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from innoscope.analysis.sensitivity import sensitivity
from innoscope.analysis.uncertainty import default_inputs, uncertainty_any_design
from innoscope.model.errors import InnoscopeError
from innoscope.pipeline.result import Result, rank_desc
from innoscope.pipeline.run import stage_module
from innoscope.report import model
from innoscope.report.html import build_report, plotly_js
from innoscope.report.i18n import node_label, t
from innoscope.web.state import Dataset, Datasets, NotFound, rebuild, whatif
from innoscope.web.uploads import (
    SUFFIXES,
    crosssection_from_city_upload,
    crosssection_from_upload,
    is_city_file,
)

STATIC = Path(__file__).parent / "static"
MAX_UPLOAD = 5 * 1024 * 1024

Weight = Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]


class WhatIf(BaseModel):
    """The choices a what-if makes: weights of any nodes, methods, the entities included."""

    model_config = ConfigDict(extra="forbid")

    dataset: str | None = Field(None, max_length=100, description="data set id (default: the first)")
    weights: dict[str, Weight] = Field(default_factory=dict, description="node code -> weight (>= 0)")
    normalise: str | None = Field(None, max_length=50, description="normalise method (registry name)")
    aggregate: str | None = Field(None, max_length=50, description="aggregate method (registry name)")
    entities: list[Annotated[str, Field(max_length=200)]] | None = Field(
        None, max_length=5000, description="entity codes to include (default: all)")
    lang: Literal["zh", "en"] = "zh"


class CompareRequest(WhatIf):
    a: str = Field(..., max_length=200)
    b: str = Field(..., max_length=200)


class ProfileRequest(WhatIf):
    entity: str = Field(..., max_length=200)


class UncertaintyRequest(WhatIf):
    n: int = Field(1000, ge=100, le=20000, description="Monte Carlo replications")
    seed: int = Field(1, ge=0, le=2**31 - 1, description="random seed (same seed, same answer)")
    a: str | None = Field(None, max_length=200, description="first entity of P(A outranks B) (default: the "
                                                           "data set's comparison)")
    b: str | None = Field(None, max_length=200)


class SensitivityRequest(WhatIf):
    n: Literal[64, 128, 256, 512, 1024, 2048] = Field(256, description="Sobol base sample (runs: n x (inputs + 2))")
    seed: int = Field(1, ge=0, le=2**31 - 1, description="random seed (same seed, same answer)")
    a: str | None = Field(None, max_length=200, description="entities whose own rank is analysed too (default: "
                                                           "the data set's comparison)")
    b: str | None = Field(None, max_length=200)




def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _clean(obj: Any) -> Any:
    """JSON-ready: NaN -> null, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return _num(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, pd.DataFrame):
        return _clean(obj.to_dict("records"))
    return obj


def ranking_payload(result: Result, lang: str) -> dict[str, Any]:
    """Ranking rows in :meth:`Result.ranking` order (rank, then name) with every pillar's score and rank."""
    fw = result.framework
    pillars = model.pillar_codes(result)
    agg = result.aggregated
    S = agg[[fw.root, *pillars]].to_numpy(float)
    R = rank_desc(pd.DataFrame(S)).to_numpy(float)
    codes = list(agg.index)
    names = [model.entity_name(result, e, lang) for e in codes]
    order = sorted(range(len(codes)), key=lambda i: (np.isnan(R[i, 0]), R[i, 0] if R[i, 0] == R[i, 0] else 0,
                                                     names[i]))
    S = np.where(np.isnan(S), None, S).tolist()
    R = np.where(np.isnan(R), None, R).tolist()
    rows = [{"code": codes[i], "name": names[i], "score": S[i][0], "rank": R[i][0],
             "pillars": {p: [S[i][j], R[i][j]] for j, p in enumerate(pillars, start=1)}} for i in order]
    return {"root": fw.root, "rows": rows,
            "pillars": [{"code": p, "name": model.node_label(fw, p, lang), "level": fw[p].level} for p in pillars]}


def uncertainty_payload(result: Result, res: Any, a: str, b: str, lang: str) -> dict[str, Any]:
    """Rank intervals of the index (nominal order) and P(a outranks b) for the index and the level below it."""
    fw = result.framework
    q_lo, q_hi = f"q{round(100 * min(res.quantiles)):02d}", f"q{round(100 * max(res.quantiles)):02d}"
    stats = res.rank_stats().sort_values(["nominal", "uCode"])
    rows = [{"code": r["uCode"], "name": model.entity_name(result, r["uCode"], lang), "nominal": r["nominal"],
             "median": r["median"], "lo": r[q_lo], "hi": r[q_hi]} for _, r in stats.iterrows()]
    cmp = res.compare(a, b)
    p_ab, p_ba = cmp.columns[-2], cmp.columns[-1]
    probs = [{"node": r["node"], "name": node_label(fw, r["node"], lang), "p_ab": r[p_ab], "p_ba": r[p_ba]}
             for _, r in cmp.iterrows() if r["level"] >= fw.n_levels - 1]
    return {"n": res.n, "interval": [min(res.quantiles), max(res.quantiles)], "rows": rows, "a": a, "b": b,
            "name_a": model.entity_name(result, a, lang), "name_b": model.entity_name(result, b, lang),
            "outranks": probs}


def _whatif_pair(ds: Dataset, req: UncertaintyRequest | SensitivityRequest
                 ) -> tuple[dict[str, Any], Result, tuple[str, str]]:
    """The what-if's options, its build, and the two entities asked about (default: the data set's comparison)."""
    kw = {"weights": req.weights, "normalise": req.normalise, "aggregate": req.aggregate, "entities": req.entities}
    result = rebuild(ds, **kw)
    wanted = (req.a, req.b) if req.a and req.b else model.compare_pair(result, ds.compare)
    a, b = (model.find_entity(result, k) for k in wanted)
    for key, code in zip(wanted, (a, b), strict=True):
        if code is None:
            raise NotFound(f"unknown entity {key!r}")
    return kw, result, (a, b)


def _download_csv(result: Result) -> bytes:
    fw = result.framework
    agg = result.aggregated
    out = pd.DataFrame({"uCode": agg.index, "uName": [model.entity_name(result, e) for e in agg.index]})
    for c in [fw.root, *model.pillar_codes(result)]:
        out[c] = agg[c].to_numpy()
        out[f"{c}_rank"] = rank_desc(agg[c]).to_numpy()
    out = out.sort_values(f"{fw.root}_rank", kind="stable")
    return out.to_csv(index=False).encode("utf-8-sig")


def _download_xlsx(result: Result) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        pd.read_csv(io.BytesIO(_download_csv(result)), encoding="utf-8-sig").to_excel(xw, sheet_name="Ranking", index=False)
        for name, ds in result.datasets.items():
            ds.rename_axis("uCode").reset_index().to_excel(xw, sheet_name=name[:31], index=False)
        w = result.weights.get(result.active_weights)
        if w is not None:
            w.rename("Weight").rename_axis("iCode").reset_index().to_excel(xw, sheet_name="Weights", index=False)
    return buf.getvalue()


def create_app(datasets: Datasets | list[Dataset] | Dataset, *, max_upload: int = MAX_UPLOAD,
               upload_dir: Path | None = None) -> FastAPI:
    """The dashboard app over ``datasets`` (the first is the default).

    ``upload_dir``: where a cited city file is put for the data layer's path-based reader, inside the
    project (default ``./.innoscope/uploads``); iData uploads are never written anywhere.
    """
    upload_dir = Path(upload_dir) if upload_dir is not None else Path.cwd() / ".innoscope" / "uploads"
    if isinstance(datasets, Dataset):
        datasets = [datasets]
    store = datasets if isinstance(datasets, Datasets) else Datasets(list(datasets))
    app = FastAPI(title="innoscope dashboard API", version="1", docs_url=None, redoc_url=None,
                  description="What-if weights and methods on an innoscope index; every response is "
                              "computed by innoscope.build.")
    app.state.datasets = store

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        detail = [{"loc": [str(x) for x in err.get("loc", ())], "msg": str(err.get("msg", "")),
                   "type": str(err.get("type", ""))} for err in e.errors()]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, e: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(e)}, status_code=404)

    @app.exception_handler(InnoscopeError)
    async def _user_error(_: Request, e: InnoscopeError) -> JSONResponse:
        return JSONResponse({"detail": str(e)}, status_code=422)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        return Response(plotly_js(), media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/datasets", summary="The data sets available (bundled, loaded and uploaded)")
    def list_datasets() -> list[dict[str, Any]]:
        return [{"id": d.id, "label": d.label, "uploaded": d.uploaded, "n_entities": len(d.data.entities),
                 "n_indicators": len(d.framework.indicators)} for d in store.all()]

    @app.get("/api/meta", summary="Framework tree, entities, methods and the default comparison of a data set")
    def meta(dataset: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
        ds = store.get(dataset)
        fw = ds.framework
        base = ds.base
        a, b = model.compare_pair(base, ds.compare)
        steps = {s.stage: s.method for s in ds.spec.steps}
        return _clean({
            "dataset": ds.id, "label": ds.label, "root": fw.root, "n_levels": fw.n_levels,
            "level_names": fw.level_names,
            "nodes": [{"code": n.id, "level": n.level, "kind": n.kind, "parent": n.parent, "name_en": n.name_en,
                       "name_zh": n.name_zh, "weight": n.weight, "unit": n.unit, "direction": n.direction}
                      for n in fw.nodes],
            "entities": [{"code": e, "name": model.entity_name(base, e), "name_en": model.entity_name(base, e, "en")}
                         for e in ds.data.entities],
            "methods": {st: stage_module(st).METHODS.names() for st in ("normalise", "aggregate")},
            "current": {"normalise": steps.get("normalise") or "minmax",
                        "aggregate": steps.get("aggregate") or "arithmetic"},
            "compare": [a, b], "spec": ds.spec.to_obj(),
        })

    @app.post("/api/compute", summary="Rebuild the index for a what-if; ranking and pillar scores")
    def compute(req: WhatIf) -> dict[str, Any]:
        ds = store.get(req.dataset)
        t0 = time.perf_counter()
        result = rebuild(ds, weights=req.weights, normalise=req.normalise, aggregate=req.aggregate,
                         entities=req.entities)
        out = ranking_payload(result, req.lang)
        out["elapsed_ms"] = round(1000 * (time.perf_counter() - t0), 2)
        out["dataset"] = ds.id
        return out

    @app.post("/api/compare", summary="Two entities side by side under a what-if")
    def compare(req: CompareRequest) -> dict[str, Any]:
        ds = store.get(req.dataset)
        result = rebuild(ds, weights=req.weights, normalise=req.normalise, aggregate=req.aggregate,
                         entities=req.entities)
        a, b = (model.find_entity(result, k) for k in (req.a, req.b))
        for key, code in ((req.a, a), (req.b, b)):
            if code is None:
                raise NotFound(f"unknown entity {key!r}")
        cmp = model.comparison(result, a, b, req.lang)
        return _clean(cmp | {"in_short": model.summary_sentences(result, a, b, req.lang, gap=cmp)})

    @app.post("/api/profile", summary="One entity's pillars, strengths, weaknesses and values, each value with "
                                      "its year, flags, source and excerpt")
    def profile(req: ProfileRequest) -> dict[str, Any]:
        ds = store.get(req.dataset)
        result = rebuild(ds, weights=req.weights, normalise=req.normalise, aggregate=req.aggregate,
                         entities=req.entities)
        code = model.find_entity(result, req.entity)
        if code is None:
            raise NotFound(f"unknown entity {req.entity!r}")
        prov = model.provenance_table(result, req.lang)
        sources = {r.indicator: {"year": r.year, "flags": r.flags, "source": r.source, "excerpt": r.excerpt}
                   for r in prov[prov["entity"] == code].itertuples()}
        out = model.profile(result, code, req.lang)
        for row in out["values"]:
            row.update(sources.get(row["code"], {}))
        return _clean(out)

    @app.post("/api/uncertainty", summary="How sure is the what-if: rank intervals and P(A outranks B) by "
                                          "Monte Carlo over weights, normalisation and aggregation")
    def uncertainty_(req: UncertaintyRequest) -> dict[str, Any]:
        ds = store.get(req.dataset)
        t0 = time.perf_counter()
        kw, result, (a, b) = _whatif_pair(ds, req)
        res, design = uncertainty_any_design(*whatif(ds, **kw), n=req.n, seed=req.seed, pairs=[a, b])
        return _clean(uncertainty_payload(result, res, a, b, req.lang)
                      | {"design": t(f"design:{design}", req.lang), "elapsed_ms": round(1000 * (time.perf_counter() - t0), 2)})

    @app.post("/api/sensitivity", summary="Which choice matters most: Sobol indices of weights, normalisation and "
                                          "aggregation on the rank shift, overall and for two entities")
    def sensitivity_(req: SensitivityRequest) -> dict[str, Any]:
        ds = store.get(req.dataset)
        t0 = time.perf_counter()
        kw, result, pair = _whatif_pair(ds, req)
        fw, data, spec = whatif(ds, **kw)
        inputs = None if spec.uncertainty else default_inputs(fw)
        res = sensitivity(fw, data, spec, inputs=inputs, n=req.n, seed=req.seed, entity_output="rank")
        per = res.entities_df()
        return _clean({
            "n": req.n, "runs": len(res.U), "design": t("design:spec" if spec.uncertainty else "design:default", req.lang),
            "target": "mean absolute rank shift of the index vs the what-if's own ranking",
            "rows": res.table, "entities": [
                {"code": e, "name": model.entity_name(result, e, req.lang),
                 "rows": per[per["uCode"] == e].drop(columns="uCode")} for e in pair],
            "elapsed_ms": round(1000 * (time.perf_counter() - t0), 2)})

    @app.post("/api/download/{kind}", summary="The what-if as an HTML report, a CSV or an xlsx workbook",
              response_class=Response)
    def download(kind: Literal["report", "csv", "xlsx"], req: WhatIf) -> Response:
        ds = store.get(req.dataset)
        result = rebuild(ds, weights=req.weights, normalise=req.normalise, aggregate=req.aggregate,
                         entities=req.entities)
        if kind == "report":
            body, mt, fn = build_report(result, lang=req.lang, compare=ds.compare).encode(), "text/html", "report.html"
        elif kind == "csv":
            body, mt, fn = _download_csv(result), "text/csv", "ranking.csv"
        else:
            body, fn = _download_xlsx(result), "innoscope.xlsx"
            mt = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(body, media_type=mt, headers={"Content-Disposition": f'attachment; filename="{fn}"'})

    @app.post("/api/upload", summary="Import an iData table (CSV or xlsx) or a cited city CSV (raw request body) as a new data set",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def upload(request: Request, filename: Annotated[str, Query(min_length=1, max_length=200)],
                     dataset: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
        base = store.get(dataset)
        if not filename.lower().endswith(SUFFIXES):
            return JSONResponse({"detail": f"{filename}: unsupported file type; upload one of "
                                           f"{', '.join(SUFFIXES)}"}, status_code=415)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_upload:
            return JSONResponse({"detail": f"upload too large: {int(declared)} bytes; limit {max_upload}"},
                                status_code=413)
        buf = bytearray()
        async for chunk in request.stream():
            buf += chunk
            if len(buf) > max_upload:
                return JSONResponse({"detail": f"upload too large: over {max_upload} bytes"}, status_code=413)
        raw = bytes(buf)
        if is_city_file(raw, filename):
            cs = crosssection_from_city_upload(raw, filename, base.framework, base.spec, upload_dir)
        else:
            cs = crosssection_from_upload(raw, filename, base.framework)
        ds = store.add_upload(base, cs, label=f"{filename} ({len(cs.entities)})")
        return {"dataset": ds.id, "label": ds.label, "n_entities": len(cs.entities)}

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app

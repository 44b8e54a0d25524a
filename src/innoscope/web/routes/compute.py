"""What-ifs: the ranking, two entities side by side, one entity's profile (each ``innoscope.build``)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from innoscope.report import model
from innoscope.web.models import CompareRequest, ProfileRequest, WhatIf
from innoscope.web.payloads import clean, options, ranking_payload
from innoscope.web.routes import Store
from innoscope.web.state import NotFound, rebuild

router = APIRouter()


@router.post("/api/compute", summary="Rebuild the index for a what-if; ranking and pillar scores")
def compute(req: WhatIf, store: Store) -> dict[str, Any]:
    ds = store.get(req.dataset)
    t0 = time.perf_counter()
    result = rebuild(ds, **options(req))
    out = ranking_payload(result, req.lang)
    out["elapsed_ms"] = round(1000 * (time.perf_counter() - t0), 2)
    out["dataset"] = ds.id
    return out


@router.post("/api/compare", summary="Two entities side by side under a what-if")
def compare(req: CompareRequest, store: Store) -> dict[str, Any]:
    ds = store.get(req.dataset)
    result = rebuild(ds, **options(req))
    a, b = (model.find_entity(result, k) for k in (req.a, req.b))
    for key, code in ((req.a, a), (req.b, b)):
        if code is None:
            raise NotFound(model.unknown_entity(result, key))
    cmp = model.comparison(result, a, b, req.lang)
    return clean(cmp | {"in_short": model.summary_sentences(result, a, b, req.lang, gap=cmp)})


@router.post(
    "/api/profile",
    summary="One entity's pillars, strengths, weaknesses and values, each value "
    "with its year, flags, source and excerpt",
)
def profile(req: ProfileRequest, store: Store) -> dict[str, Any]:
    ds = store.get(req.dataset)
    result = rebuild(ds, **options(req))
    code = model.find_entity(result, req.entity)
    if code is None:
        raise NotFound(model.unknown_entity(result, req.entity))
    prov = model.provenance_table(result, req.lang)
    sources = {
        r.indicator: {"year": r.year, "flags": r.flags, "source": r.source, "excerpt": r.excerpt}
        for r in prov[prov["entity"] == code].itertuples()
    }
    out = model.profile(result, code, req.lang)
    for row in out["values"]:
        row.update(sources.get(row["code"], {}))
    return clean(out)

"""The page, its vendored Plotly, and what data sets there are (read-only GETs)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response

from innoscope.pipeline.run import stage_module
from innoscope.report import model
from innoscope.report.html import plotly_js
from innoscope.web.payloads import clean
from innoscope.web.routes import Store

STATIC = Path(__file__).resolve().parents[1] / "static"

router = APIRouter()


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly() -> Response:
    return Response(
        plotly_js(), media_type="application/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/api/datasets", summary="The data sets available (bundled, loaded and uploaded)")
def list_datasets(store: Store) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "label": d.label,
            "uploaded": d.uploaded,
            "n_entities": len(d.data.entities),
            "n_indicators": len(d.framework.indicators),
        }
        for d in store.all()
    ]


@router.get("/api/meta", summary="Framework tree, entities, methods and the default comparison of a data set")
def meta(store: Store, dataset: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    ds = store.get(dataset)
    fw = ds.framework
    base = ds.base
    a, b = model.compare_pair(base, ds.compare)
    steps = {s.stage: s.method for s in ds.spec.steps}
    return clean(
        {
            "dataset": ds.id,
            "label": ds.label,
            "root": fw.root,
            "n_levels": fw.n_levels,
            "level_names": fw.level_names,
            "nodes": [
                {
                    "code": n.id,
                    "level": n.level,
                    "kind": n.kind,
                    "parent": n.parent,
                    "name_en": n.name_en,
                    "name_zh": n.name_zh,
                    "weight": n.weight,
                    "unit": n.unit,
                    "direction": n.direction,
                }
                for n in fw.nodes
            ],
            "entities": [
                {"code": e, "name": model.entity_name(base, e), "name_en": model.entity_name(base, e, "en")}
                for e in ds.data.entities
            ],
            "methods": {st: stage_module(st).METHODS.names() for st in ("normalise", "aggregate")},
            "current": {
                "normalise": steps.get("normalise") or "minmax",
                "aggregate": steps.get("aggregate") or "arithmetic",
            },
            "compare": [a, b],
            "spec": ds.spec.to_obj(),
            "coords": _coords(list(ds.data.entities)),
        }
    )


def _coords(entities: list[str]) -> dict[str, list[float]]:
    """Seat coordinates ``[lng, lat]`` of the entities the bundled gazetteer knows by id (for the map)."""
    from innoscope.cities.national_index import coordinates

    c = coordinates(entities)
    return {e: [float(r.lng), float(r.lat)] for e, r in c.iterrows()}


@router.get("/api/basemap", summary="Outlines of China's provinces for the map, as Plotly layout shapes")
def basemap(lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh") -> Response:
    return Response(
        _basemap_json(lang), media_type="application/json", headers={"Cache-Control": "public, max-age=86400"}
    )


@lru_cache(maxsize=2)
def _basemap_json(lang: str) -> str:
    """The bundled outline map drawn the report's way (shapes below the data, province names), serialised once."""
    from innoscope.cities.basemap import china
    from innoscope.report.figures import basemap_labels, basemap_shapes

    bm = china()
    labels = basemap_labels(bm, lang)
    return json.dumps(
        {
            "shapes": basemap_shapes(bm),
            "labels": {"x": list(labels.x), "y": list(labels.y), "text": list(labels.text)},
            "bounds": list(bm.bounds()),
            "source": bm.source,
        },
        ensure_ascii=False,
    )

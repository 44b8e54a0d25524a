"""The map figure on the national data: cities stay trace 0 over province outlines drawn as layout shapes."""

from __future__ import annotations

import pytest

from innoscope.cities.basemap import china
from innoscope.cities.national_index import coordinates, national_build
from innoscope.report import figures


@pytest.fixture(scope="module")
def national_map():
    b = national_build()
    coords = coordinates(list(b.cross_section.values.index))
    return b, figures.city_map(b.result, coords, "zh", basemap=china())


def test_cities_are_trace_zero_with_id_and_name(national_map):
    b, fig = national_map
    cities = fig.data[0]
    assert len(cities.x) == 296
    found = {c[0]: c[1] for c in cities.customdata}
    assert found["hangzhou"] == "杭州" and found["shenzhen"] == "深圳"
    i = [c[0] for c in cities.customdata].index("hangzhou")
    rank = int(b.result.index.rank(ascending=False, method="min")["hangzhou"])
    assert f"排名 {rank}/296" in cities.hovertext[i]


def test_outlines_are_shapes_below_the_data_and_names_are_chinese(national_map):
    _, fig = national_map
    shapes = fig.layout.shapes
    assert len(shapes) == 3 and {s.layer for s in shapes} == {"below"}
    assert all(s.path.startswith("M") and s.xref == "x" and s.yref == "y" for s in shapes)
    assert shapes[0].path.count("Z") >= 34  # every region filled, at least one ring each
    names = set(fig.data[1].text)
    assert {"浙江", "广东", "新疆", "台湾"} <= names and fig.data[1].hoverinfo == "skip"
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    assert (
        x0 < 74 and x1 > 134.7 and y0 < 16 and y1 > 53.5
    )  # Pamirs to the Wusuli, Paracels to the Heilongjiang


def test_the_pool_menu_recolours_the_cities_only(national_map):
    _, fig = national_map
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons][0] == "创新能力" and "人才池" in [b.label for b in buttons]
    assert all(list(b.args[1]) == [0] for b in buttons)

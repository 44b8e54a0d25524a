"""Outline-map geometry on hand-made shapes."""

from __future__ import annotations

import numpy as np
import pytest

from innoscope.model.basemap import Basemap, Region, inside, ring_area

OUTER = np.array([[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]], dtype=float)
HOLE = np.array([[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]], dtype=float)
SMALL = np.array([[10, 10], [10, 11], [11, 11], [11, 10], [10, 10]], dtype=float)


def test_point_in_polygon_with_a_hole():
    assert inside(0.5, 0.5, (OUTER, HOLE))
    assert not inside(2, 2, (OUTER, HOLE))
    assert not inside(5, 2, (OUTER, HOLE))


def test_areas_and_labels_by_size():
    big = Region("A", "甲", "A", (0.5, 0.5), ((OUTER, HOLE),))
    small = Region("B", "乙", "B", (10.5, 10.5), ((SMALL,),))
    assert ring_area(OUTER) == 16 and big.area() == 16 - 4 and small.area() == 1
    m = Basemap(arcs=(OUTER, HOLE, SMALL), kinds=("outline", "inner", "outline"), regions=(big, small))
    assert m.region_at(0.5, 3.5) == "A" and m.region_at(10.2, 10.8) == "B" and m.region_at(2, 2) is None
    assert [n for n, _, _ in Basemap(m.arcs, m.kinds, m.regions, label_min_area=2).labels("zh")] == ["甲"]
    assert [n for n, _, _ in m.labels("en")] == ["A", "B"]
    assert m.bounds() == pytest.approx((0, 0, 11, 11))
    assert len(m.lines("outline")) == 2 and len(m.lines("inner")) == 1

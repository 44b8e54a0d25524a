"""scripts/build_basemap.py on hand-made input: TopoJSON decoding, Douglas-Peucker, codes and arc kinds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_basemap.py"


@pytest.fixture(scope="module")
def bb():
    spec = importlib.util.spec_from_file_location("build_basemap", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_topojson_arcs_are_delta_decoded_then_scaled(bb):
    topo = {"transform": {"scale": [0.5, 0.25], "translate": [100, 20]}, "arcs": [[[2, 4], [1, 0], [0, -4]]]}
    (arc,) = bb.decode_arcs(topo)
    # positions 2,4 -> 3,4 -> 3,0; then x*0.5+100, y*0.25+20
    assert arc.tolist() == [[101, 21], [101.5, 21], [101.5, 20]]


def test_douglas_peucker_drops_wiggles_below_the_tolerance_and_keeps_a_spike(bb):
    line = np.array([[0, 0], [1, 0.01], [2, -0.01], [3, 0], [4, 1], [5, 0], [6, 0.01], [7, 0]], dtype=float)
    assert bb.douglas_peucker(line, 0.05).tolist() == [[0, 0], [3, 0], [4, 1], [5, 0], [7, 0]]
    assert bb.douglas_peucker(line, 2).tolist() == [[0, 0], [7, 0]]


def test_rounding_drops_repeated_points(bb):
    assert bb.rounded(np.array([[1.001, 2.0], [1.004, 2.001], [1.02, 2.0]])) == [[1.0, 2.0], [1.02, 2.0]]


def test_province_codes_from_iso_3166_2_with_the_two_blanks_fixed(bb):
    assert bb.region_code({"code_hasc": "CN.ZJ", "iso_3166_2": "CN-33", "name": "Zhejiang"}) == "330000"
    assert bb.region_code({"code_hasc": "CN.FJ", "iso_3166_2": "CN-", "name": "Fujian"}) == "350000"
    assert bb.region_code({"code_hasc": "CN", "iso_3166_2": "CN-", "name": "Paracel Islands"}) == "460000"
    with pytest.raises(ValueError, match="Qinghai"):
        bb.region_code({"code_hasc": "CN.QH", "iso_3166_2": "CN-", "name": "Qinghai"})


def test_arc_kind_by_the_regions_that_use_it(bb):
    assert bb._kind(["330000"]) == "outline"
    assert bb._kind(["330000", "340000"]) == "border"
    assert bb._kind(["810000", "810000"]) == "inner"

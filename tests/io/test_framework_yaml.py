"""framework_yaml: the YAML reader of the framework model; every error names the node and its line."""

from __future__ import annotations

import textwrap
from importlib import resources

import pytest

from innoscope.io.framework_yaml import read_framework_text, read_framework_yaml
from innoscope.model.errors import FrameworkError
from innoscope.model.framework import Framework

GOOD = """\
id: mini
levels: [Indicator, Pillar, Index]
denominators:
  population: {name_en: Population, unit: 万人}
index:
  id: idx
  name_en: Index
  children:
    - id: p1
      name_zh: 企业
      weight: 2
      children:
        - {id: a, unit: 家, direction: 1, denominator: population}
        - {id: b, unit: ratio, direction: -1, weight: 0.5}
    - id: p2
      children:
        - {id: c, unit: 亿元, denominator: a}
nodes:
  - {id: d, parent: p2, unit: world rank, direction: -1, select: {contains: NI}}
units: [world rank]
"""


def read(text: str) -> Framework:
    return read_framework_text(textwrap.dedent(text), source="fw.yaml")


def test_good_file_builds_the_tree():
    fw = read(GOOD)
    assert fw.indicators == ["a", "b", "c", "d"]
    assert fw.codes(2) == ["p1", "p2"]
    assert fw.root == "idx" and fw.n_levels == 3
    assert fw.children("p2") == ["c", "d"]
    assert fw["b"].direction == -1 and fw["b"].weight == 0.5 and fw["p1"].weight == 2
    assert fw["p1"].name_zh == "企业"
    assert fw["a"].denominator == "population"
    # an indicator used as denominator becomes a denominator column of the framework
    assert set(fw.denominators) == {"population", "a"}
    assert fw["d"].params["select"] == {"contains": "NI"}
    assert fw.level_names == ["Indicator", "Pillar", "Index"]
    # lines: "- {id: a ...}" is line 13 of GOOD, the flat node d is line 19
    assert fw["a"].line == 13 and fw["d"].line == 19 and fw["idx"].line == 6


def test_from_yaml_file(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text(GOOD, encoding="utf-8")
    fw = read_framework_yaml(str(p))
    assert fw.indicators == ["a", "b", "c", "d"] and fw.source == str(p)


def _err(text: str) -> str:
    with pytest.raises(FrameworkError) as ei:
        read(text)
    return str(ei.value)


def test_duplicate_id_names_both_lines():
    msg = _err(GOOD.replace("- {id: c,", "- {id: a,"))
    assert "duplicate id 'a'" in msg and "lines 13 and 17" in msg


def test_dangling_parent_names_node_and_line():
    msg = _err(GOOD.replace("parent: p2", "parent: p3"))
    assert "node 'd' (line 19)" in msg and "'p3'" in msg and "dangling" in msg and "p2" in msg


def test_cycle_names_the_nodes():
    text = """\
    index: {id: r, children: [{id: x, unit: 家}]}
    nodes:
      - {id: m, parent: n}
      - {id: n, parent: m}
      - {id: leaf, parent: m, unit: 家}
    """
    msg = _err(text)
    assert "cycle" in msg and "m -> n -> m" in msg and "m (line 3)" in msg and "n (line 4)" in msg


@pytest.mark.parametrize("weight", ["0", "-1"])
def test_non_positive_weight(weight):
    msg = _err(GOOD.replace("weight: 0.5", f"weight: {weight}"))
    assert "node 'b' (line 14)" in msg and "not positive" in msg


def test_unknown_denominator():
    msg = _err(GOOD.replace("denominator: population}", "denominator: populaton}"))
    assert "node 'a' (line 13)" in msg and "unknown denominator 'populaton'" in msg and "population" in msg


def test_unknown_unit():
    msg = _err(GOOD.replace("unit: 亿元", "unit: furlongs"))
    assert "node 'c' (line 17)" in msg and "unknown unit 'furlongs'" in msg


def test_declared_unit_is_needed():
    msg = _err(GOOD.replace("units: [world rank]", "units: []").replace("world rank", "world rnk"))
    assert "node 'd' (line 19)" in msg and "unknown unit 'world rnk'" in msg


def test_unknown_key_and_bad_direction():
    msg = _err(GOOD.replace("direction: -1, weight", "drection: -1, weight"))
    assert "node 'b' (line 14)" in msg and "unknown key 'drection'" in msg
    msg = _err(GOOD.replace("direction: -1, weight", "direction: 2, weight"))
    assert "node 'b' (line 14)" in msg and "expected 1" in msg


def test_unbalanced_depth_and_missing_unit():
    text = GOOD.replace(
        "- {id: c, unit: 亿元, denominator: a}", "- {id: c, unit: 亿元, children: [{id: e, unit: 家}]}"
    )
    msg = _err(text)
    assert "node 'p2'" in msg and "different levels" in msg
    msg = _err(GOOD.replace("{id: b, unit: ratio,", "{id: b,"))
    assert "node 'b' (line 14)" in msg and "no 'unit'" in msg


def test_two_roots_and_repeated_key():
    msg = _err(GOOD.replace("parent: p2, ", ""))
    assert "exactly one root" in msg and "d (line 19)" in msg
    msg = _err(GOOD.replace("      weight: 2\n", "      weight: 2\n      weight: 3\n"))
    assert "line 12" in msg and "'weight' repeated" in msg


def test_aggregate_fields_rejected():
    msg = _err(GOOD.replace("      name_zh: 企业", "      unit: 家"))
    assert "node 'p1'" in msg and "'unit' is for indicators" in msg


def test_yaml_syntax_error_has_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("index:\n  id: r\n  children: [\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"bad.yaml: line \d+: not valid YAML"):
        read_framework_yaml(p)
    with pytest.raises(FrameworkError, match="does not exist"):
        read_framework_yaml(tmp_path / "nope.yaml")


def test_bundled_three_pools():
    path = resources.files("innoscope").joinpath("data/frameworks/three_pools.yaml")
    fw = read_framework_yaml(str(path))
    assert fw.codes(2) == ["enterprise", "technology", "capital", "talent"]
    assert fw.directions()[["nature_index_city_rank", "house_price_income_ratio"]].tolist() == [-1, -1]
    assert set(fw.denominators) == {"resident_population", "gdp", "land_area"}
    for code in fw.indicators:
        assert fw[code].description and fw[code].source and fw[code].unit

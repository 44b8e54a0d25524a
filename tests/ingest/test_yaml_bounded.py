"""YAML alias bombs, deep nesting and recursive aliases are refused before anything is built (issue 9, defect 7).

The bomb is the one of the issue: nine aliases per level over seven levels, about 430 bytes, standing for
9^7 = 4,782,969 list items (before the fix a spec like this took 27 s, 2 GB and printed a 312 MB error).
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from innoscope.ingest.yaml_bounded import BoundedSafeLoader, YAMLBudgetError, load_yaml, yaml_problem


def bomb(levels: int = 7, fan: int = 9, key: str = "steps") -> str:
    """``a0: &a0 [x, ... x]``, ``a1: &a1 [*a0, ... *a0]``, ..., then ``key: [*a<levels>]``."""
    lines = ["a0: &a0 [" + ", ".join(["x"] * fan) + "]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * fan) + "]" for k in range(1, levels + 1)]
    return "\n".join(lines) + f"\n{key}: [*a{levels}]\n"


def test_the_430_byte_bomb_is_refused():
    text = bomb()
    assert 400 <= len(text.encode()) <= 440
    with pytest.raises(
        YAMLBudgetError,
        match=r"aliases expand to more than 100,0\d\d nodes \(100,000 beyond the "
        r"\d+ written\); refused",
    ):
        load_yaml(text)


def test_small_limits_refuse_a_small_bomb():
    class Tiny(BoundedSafeLoader):
        max_alias_nodes = 2_000

    # levels=3: a3 alone stands for 1 + 9 x (1 + 9 x (1 + 9 x 10)) = 7,381 nodes, far more than 2,000 added
    # written: root 1, keys 5, a0 1 + 9, a1..a3 and steps 1 each (their items are aliases) = 20
    with pytest.raises(YAMLBudgetError, match=r"more than 2,020 nodes \(2,000 beyond the 20 written\)"):
        load_yaml(bomb(levels=3, fan=9), loader=Tiny)
    # levels=2: root 1 + keys 4 + a0 10 + a1 91 + a2 820 + steps 1 + 820 = 1,747 nodes, 18 written: 1,729 added
    assert len(load_yaml(bomb(levels=2, fan=9), loader=Tiny)["a2"]) == 9


def test_alias_count_is_limited():
    class FewAliases(BoundedSafeLoader):
        max_aliases = 5

    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 6) + "]\n"
    with pytest.raises(YAMLBudgetError, match="more than 5 alias uses"):
        load_yaml(text, loader=FewAliases)
    assert load_yaml("a: &a 1\nb: [*a, *a, *a, *a, *a]\n", loader=FewAliases) == {
        "a": 1,
        "b": [1, 1, 1, 1, 1],
    }


def test_nesting_depth_is_limited_also_through_aliases():
    with pytest.raises(YAMLBudgetError, match="nested more than 100 levels deep"):
        load_yaml("x: " + "[" * 150 + "]" * 150)  # PyYAML composes recursively: deep enough, a RecursionError
    chain = (
        "a0: &a0 "
        + "[" * 30
        + "1"
        + "]" * 30
        + "\n"
        + "".join(f"a{k}: &a{k} " + "[" * 30 + f"*a{k - 1}" + "]" * 30 + "\n" for k in range(1, 5))
    )
    with pytest.raises(YAMLBudgetError, match="deep once aliases are expanded"):
        load_yaml(chain)  # each level alone is 30 deep; expanded, 150


def test_a_recursive_alias_is_refused():
    with pytest.raises(YAMLBudgetError, match="recursive"):
        load_yaml("a: &a [1, *a]\n")


def test_ordinary_anchors_and_merges_still_work():
    text = "base: &b {method: minmax, range: [0, 100]}\nsteps:\n  - normalise: *b\n  - x: {<<: *b, method: rank}\n"
    assert load_yaml(text) == {
        "base": {"method": "minmax", "range": [0, 100]},
        "steps": [
            {"normalise": {"method": "minmax", "range": [0, 100]}},
            {"x": {"method": "rank", "range": [0, 100]}},
        ],
    }


@pytest.mark.parametrize("folder", ["frameworks", "specs"])
def test_bundled_files_read_as_with_the_plain_safe_loader(folder):
    root = resources.files("innoscope").joinpath("data", folder)
    files = [f for f in root.iterdir() if f.name.endswith(".yaml")]
    assert files
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert load_yaml(text) == yaml.safe_load(text), f.name


def test_yaml_problem_is_one_short_line():
    with pytest.raises(yaml.YAMLError) as info:
        load_yaml("steps: [{[1]: {}}]\n" + "x" * 10_000)
    msg = yaml_problem(info.value)
    assert "\n" not in msg and len(msg) < 220 and msg.startswith("line 2: not valid YAML")

"""Name folding and the entity table."""

import pytest

from innoscope.ingest.names import Entity, EntityTable, fold_name
from innoscope.model.errors import DataError


def test_fold_name_variants():
    assert fold_name("深圳市") == fold_name("深圳") == "深圳"
    assert fold_name("廣州市") == "广州"  # Traditional -> Simplified
    assert fold_name("SHENZHEN") == fold_name("Shenzhen City") == fold_name("shen zhen") == "shenzhen"
    assert fold_name("Ｓｈｅｎｚｈｅｎ") == "shenzhen"  # full width
    assert fold_name("Xī'ān") == fold_name("xian") == "xian"  # tone marks, apostrophe
    assert fold_name("  重慶 ") == "重庆"


@pytest.mark.parametrize(
    "name",
    ["深圳", "深圳市", "Shenzhen", "SHENZHEN", "shen zhen", "shēn zhèn", "Shenzhen City", "ｓｈｅｎｚｈｅｎ"],
)
def test_default_table_resolves_shenzhen(name):
    assert EntityTable.default().resolve(name) == "shenzhen"


def test_default_table_has_the_twelve_cities():
    t = EntityTable.default()
    assert sorted(t.ids) == sorted(
        [
            "shenzhen",
            "hangzhou",
            "beijing",
            "shanghai",
            "guangzhou",
            "nanjing",
            "suzhou",
            "wuhan",
            "chengdu",
            "hefei",
            "xian",
            "chongqing",
        ]
    )
    assert t.resolve("Xi'an") == t.resolve("西安市") == "xian"
    assert t.resolve("重慶") == "chongqing"  # Traditional
    assert t.resolve("蘇州") == "suzhou"
    assert t.resolve("杭州") == "hangzhou"


def test_unknown_name_lists_closest():
    with pytest.raises(DataError) as exc:
        EntityTable.default().resolve("Shenzen", where="cities.csv, row 4, column city")
    msg = str(exc.value)
    assert "cities.csv, row 4, column city" in msg and "'Shenzen'" in msg
    assert "closest known names: 深圳 / Shenzhen (shenzhen)" in msg


def test_alias_table():
    t = EntityTable([Entity("pengcheng_city", name_zh="鹏城", name_en="Pengcheng")])
    with pytest.raises(DataError):
        t.resolve("鵬城 Lab")
    t.add_alias("pengcheng_city", "鹏城实验室所在地")
    assert t.resolve("鵬城實驗室所在地") == "pengcheng_city"  # alias matched through Traditional folding
    with pytest.raises(DataError, match="unknown entity id"):
        t.add_alias("nowhere", "x")


def test_alias_bound_to_two_entities_is_an_error():
    t = EntityTable.default()
    with pytest.raises(DataError, match="ambiguous"):
        t.add_alias("hangzhou", "Shenzhen")


def test_from_yaml(tmp_path):
    p = tmp_path / "e.yaml"
    p.write_text(
        "entities:\n  - {id: a, name_zh: 甲, aliases: [Alpha]}\n  - {id: b, name_en: Bee}\n", encoding="utf-8"
    )
    t = EntityTable.from_yaml(p)
    assert t.resolve("alpha") == "a" and t.resolve("BEE") == "b" and t.resolve("甲市") == "a"
    p.write_text("cities: []\n", encoding="utf-8")
    with pytest.raises(DataError, match="entities"):
        EntityTable.from_yaml(p)

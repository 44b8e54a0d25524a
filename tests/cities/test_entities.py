"""Names of an import read against the store's entities and the gazetteer (innoscope.cities.entities)."""

from __future__ import annotations

import pytest

from innoscope.cities.entities import name_conflicts, new_entity, problems_error, resolve_entities
from innoscope.cities.gazetteer import Gazetteer
from innoscope.ingest.names import Entity, EntityTable
from innoscope.model.errors import DataError


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return Gazetteer.default()


def test_places_become_entities_under_their_ids(g):
    res = resolve_entities(
        ["深圳", "石家庄市", "吉林市", "Shenzhen", "全国合计", "东部地区"], EntityTable.default()
    )
    assert res.ids == {
        "深圳": "shenzhen",
        "石家庄市": "shijiazhuang",
        "吉林市": "jilin",
        "Shenzhen": "shenzhen",
    }
    assert [e.id for e in res.new] == ["shijiazhuang", "jilin"]  # shenzhen is in every store already
    assert res.new[1].name_zh == "吉林" and "吉林市" in res.new[1].aliases
    assert res.aggregates == {"全国合计": "national total", "东部地区": "region"}
    assert res.problems == []


def test_every_unknown_and_ambiguous_name_is_listed_once(g):
    res = resolve_entities(["杭洲", "深圳", "Atlantis", "朝阳区", "杭洲"], EntityTable.default())
    assert len(res.problems) == 3
    assert res.problems[0].startswith("unknown place '杭洲'; did you mean 杭州市 (hangzhou) 330100 浙江省")
    assert "unknown place 'Atlantis'" in res.problems[1]
    assert (
        "朝阳区 (chaoyangqu_beijing) 110105 北京市; 朝阳区 (chaoyangqu_changchun) 220104 吉林省 长春市"
        in res.problems[2]
    )
    msg = str(problems_error("f.csv", res.problems))
    assert msg.startswith("f.csv: 3 entity name(s) not resolved, nothing imported: ") and "\n" not in msg


def test_context_of_the_file_settles_ambiguity(g):
    res = resolve_entities(["海淀区", "朝阳区"], EntityTable.default())
    assert res.ids["朝阳区"] == "chaoyangqu_beijing" and res.problems == []
    res = resolve_entities(["朝阳区"], EntityTable.default(), title="长春市2023年国民经济和社会发展统计公报")
    assert res.ids["朝阳区"] == "chaoyangqu_changchun"


def test_new_entities_added_when_asked():
    res = resolve_entities(["硅谷", "Silicon Valley", "深圳"], EntityTable.default(), new_entities="add")
    assert res.ids == {"硅谷": "guigu", "Silicon Valley": "silicon_valley", "深圳": "shenzhen"}
    assert [(e.id, e.name_zh, e.name_en) for e in res.new] == [
        ("guigu", "硅谷", ""),
        ("silicon_valley", "", "Silicon Valley"),
    ]
    assert new_entity("Paris", taken=["paris"]).id == "paris_2"
    with pytest.raises(DataError, match="--new-entities must be reject or add"):
        resolve_entities(["x"], EntityTable.default(), new_entities="maybe")


def test_store_entities_and_aliases_come_first():
    table = EntityTable.default()
    table.add(Entity("bangalore", name_zh="班加罗尔", name_en="Bangalore", aliases=["Bengaluru"]))
    table.add_alias("shenzhen", "鹏城")
    res = resolve_entities(["Bengaluru", "鹏城", "班加罗尔"], table)
    assert (
        res.ids == {"Bengaluru": "bangalore", "鹏城": "shenzhen", "班加罗尔": "bangalore"} and res.new == []
    )


def test_shared_names_in_an_entity_table_resolve_by_id_only(g):
    from innoscope.cities.entities import place_entity

    table = EntityTable([place_entity(g["jilin"]), place_entity(g["jilin_province"])])
    with pytest.raises(
        DataError,
        match=r"entity name '吉林' is ambiguous: it names 吉林 / Jilin \(jilin\), "
        r"吉林 / Jilin \(jilin_province\)",
    ):
        table.resolve("吉林")
    assert table.resolve("jilin") == "jilin" and table.resolve("吉林省") == "jilin_province"
    assert table.owners("Jilin") == ["jilin", "jilin_province"]
    with pytest.raises(DataError, match="ambiguous"):  # an explicit alias stays strict
        table.add_alias("jilin", "吉林省")


def test_name_conflicts_of_user_entities():
    table = EntityTable.default()
    clash = name_conflicts(
        [Entity("x", name_zh="深圳"), Entity("y", name_en="Atlantis"), Entity("z", name_en="atlantis")], table
    )
    assert clash == ["'深圳' of 'x' already names shenzhen", "'atlantis' of 'z' already names y"]

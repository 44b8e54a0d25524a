"""`innoscope entities` and `innoscope import --new-entities`, run the way a user runs them."""

from __future__ import annotations

import duckdb
import pytest

from innoscope.cli import main
from innoscope.store import Store


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")  # lines and tables unwrapped, whatever terminal the tests run in
    return tmp_path


def _entities(store):
    con = duckdb.connect(str(store), read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute("SELECT id, name_zh, name_en FROM entities").fetchall()}
    finally:
        con.close()


def _observed(store):
    con = duckdb.connect(str(store), read_only=True)
    try:
        return sorted(con.execute("SELECT entity, entity_name, value FROM observations").fetchall())
    finally:
        con.close()


def test_entities_add_import_list_round_trip(here, capsys):
    assert (
        main(
            [
                "entities",
                "add",
                "silicon_valley",
                "--zh",
                "硅谷",
                "--en",
                "Silicon Valley",
                "--alias",
                "SV",
                "--store",
                "s.duckdb",
            ]
        )
        == 0
    )
    (here / "more.csv").write_text(
        "id,name_zh,name_en,aliases\nbangalore,班加罗尔,Bangalore,Bengaluru|BLR\n"
        "zhangjiang,张江科学城,Zhangjiang Science City,\n",
        encoding="utf-8",
    )
    assert main(["entities", "import", "more.csv", "--store", "s.duckdb"]) == 0
    capsys.readouterr()
    assert main(["entities", "list", "--store", "s.duckdb"]) == 0
    listed = capsys.readouterr().out
    for text in (
        "silicon_valley",
        "硅谷",
        "bangalore",
        "Bengaluru | BLR",
        "zhangjiang",
        "张江科学城",
        "shenzhen",
        "440300",
    ):
        assert text in listed, text
    ents = _entities(here / "s.duckdb")
    assert ents["bangalore"] == ("班加罗尔", "Bangalore") and len(ents) == 12 + 3
    # the names now resolve in an import
    (here / "d.csv").write_text(
        "entity,indicator,year,value\nBengaluru,gdp,2023,1\nSV,gdp,2023,2\n张江科学城,gdp,2023,3\n",
        encoding="utf-8",
    )
    assert main(["import", "d.csv", "--store", "s.duckdb"]) == 0
    assert _observed(here / "s.duckdb") == [
        ("bangalore", "Bengaluru", 1.0),
        ("silicon_valley", "SV", 2.0),
        ("zhangjiang", "张江科学城", 3.0),
    ]


def test_entities_add_refuses_taken_ids_and_names_and_leaves_the_store(here, capsys):
    assert main(["entities", "add", "a", "--zh", "甲", "--store", "s.duckdb"]) == 0
    with Store(str(here / "s.duckdb")) as st:
        before = st.content_hash()
    (here / "bad.csv").write_text("id,name_zh\nb,乙\na,丙\nc,深圳\nsuzhou_anhui,宿州\n", encoding="utf-8")
    assert main(["entities", "import", "bad.csv", "--store", "s.duckdb"]) == 1
    err = capsys.readouterr().err
    assert "3 problem(s), nothing added" in err
    assert "id 'a' is already an entity of the store" in err and "'深圳' of 'c' already names shenzhen" in err
    assert "id 'suzhou_anhui' is the gazetteer's 宿州市 (suzhou_anhui) 341300 安徽省" in err
    with Store(str(here / "s.duckdb")) as st:
        assert st.content_hash() == before
    assert main(["entities", "frobnicate"]) == 1
    assert "expected one of list, add, import, find" in capsys.readouterr().err


def test_entities_find(here, capsys):
    assert main(["entities", "find", "吉林"]) == 0
    out = capsys.readouterr().out
    assert "'吉林' fits 2 places: 吉林省 (jilin_province) 220000; 吉林市 (jilin) 220200 吉林省" in out
    assert main(["entities", "find", "朝阳区", "--province", "吉林"]) == 0
    assert "朝阳区 (chaoyangqu_changchun) 220104 吉林省 长春市" in capsys.readouterr().out
    assert main(["entities", "find", "全国合计"]) == 0
    assert "an aggregate (national total)" in capsys.readouterr().out


def test_import_rejects_every_unknown_name_in_one_error(here, capsys):
    (here / "t.csv").write_text(
        "entity,indicator,year,value\n石家庄,gdp,2023,7534\n杭洲,gdp,2023,1\n"
        "Atlantis,gdp,2023,2\n朝阳区,gdp,2023,3\n",
        encoding="utf-8",
    )
    assert main(["import", "t.csv", "--store", "s.duckdb"]) == 1
    err = capsys.readouterr().err
    assert "t.csv: 3 entity name(s) not resolved, nothing imported" in err
    assert "unknown place '杭洲'; did you mean 杭州市 (hangzhou) 330100 浙江省" in err
    assert "unknown place 'Atlantis'" in err and "'朝阳区' fits 2 places" in err and "Traceback" not in err
    assert not (here / "s.duckdb").exists()  # a new store is not created by a rejected import
    # in an existing store: unchanged
    (here / "ok.csv").write_text("entity,indicator,year,value\n深圳,gdp,2023,1\n", encoding="utf-8")
    assert main(["import", "ok.csv", "--store", "s.duckdb"]) == 0
    with Store(str(here / "s.duckdb")) as st:
        before = st.content_hash()
    assert main(["import", "t.csv", "--store", "s.duckdb"]) == 1
    with Store(str(here / "s.duckdb")) as st:
        assert st.content_hash() == before


def test_import_new_entities_add(here, capsys):
    (here / "t.csv").write_text(
        "entity,indicator,year,value\n石家庄,gdp,2023,7534\n硅谷,gdp,2023,1\nAtlantis,gdp,2023,2\n",
        encoding="utf-8",
    )
    assert main(["import", "t.csv", "--store", "s.duckdb", "--new-entities", "add"]) == 0
    out = capsys.readouterr().out
    assert (
        "3 new entities for the store: 1 place(s) of the gazetteer, 2 not in it (--new-entities add): 硅谷, "
        "Atlantis" in out
    )
    assert _observed(here / "s.duckdb") == [
        ("atlantis", "Atlantis", 2.0),
        ("guigu", "硅谷", 1.0),
        ("shijiazhuang", "石家庄", 7534.0),
    ]
    ents = _entities(here / "s.duckdb")
    assert ents["shijiazhuang"] == ("石家庄", "Shijiazhuang") and ents["guigu"] == ("硅谷", "")
    assert main(["import", "t.csv", "--store", "s.duckdb", "--new-entities", "maybe"]) == 1
    assert "--new-entities must be reject or add" in capsys.readouterr().err


def test_import_places_of_the_gazetteer_and_sets_aside_aggregates(here, capsys):
    """Yearbook-style names: full names, a city that shares its short name with its province, a national total
    and a region; a file in Traditional characters."""
    (here / "y.csv").write_text(
        "城市,gdp\n全国合计,1260582\n东部地区,652084\n石家庄市,7534\n吉林市,1510\n"
        "巴彦淖尔市,1110\n恩施州,1402\n",
        encoding="utf-8",
    )
    assert main(["import", "y.csv", "--store", "s.duckdb", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert (
        "set aside 2 value(s) of 2 total or regional row(s), not places: 全国合计 (national total), "
        "东部地区 (region)" in out
    )
    assert _observed(here / "s.duckdb") == [
        ("bayannur", "巴彦淖尔市", 1110.0),
        ("enshi", "恩施州", 1402.0),
        ("jilin", "吉林市", 1510.0),
        ("shijiazhuang", "石家庄市", 7534.0),
    ]
    (here / "tc.csv").write_text("城市,gdp\n廣州市,30355\n石家莊,7534\n", encoding="utf-8")
    assert main(["import", "tc.csv", "--store", "s.duckdb", "--year", "2022"]) == 0
    assert {e for e, _, _ in _observed(here / "s.duckdb")} >= {"guangzhou", "shijiazhuang"}


def test_a_place_added_later_does_not_take_a_name_the_store_already_uses(here, capsys):
    """苏州 (Suzhou, Jiangsu) is a bundled entity; 宿州 (Anhui) is also written Suzhou in English. Once an import
    adds 宿州, "Suzhou" must still mean what it meant in this store (苏州), and 宿州 is found by its Chinese
    names; before the fix the second import failed with "Suzhou ... is ambiguous"."""
    (here / "a.csv").write_text("城市,年份,高新技术企业\n宿州,2023,900\n", encoding="utf-8")
    assert main(["import", "a.csv", "--store", "s.duckdb"]) == 0
    ents = _entities(here / "s.duckdb")
    assert ents["suzhou_anhui"][0] == "宿州" and ents["suzhou_anhui"][1] == ""
    assert ents["suzhou"][1] == "Suzhou"
    (here / "b.csv").write_text(
        "city,year,high_tech\nSuzhou,2023,15000\nBeijing,2023,28000\n", encoding="utf-8"
    )
    assert main(["import", "b.csv", "--store", "s.duckdb"]) == 0, capsys.readouterr().err
    got = {(e, v) for e, _, v in _observed(here / "s.duckdb")}
    assert {("suzhou", 15000.0), ("suzhou_anhui", 900.0), ("beijing", 28000.0)} == got
    (here / "c.csv").write_text("城市,年份,高新技术企业\n宿州市,2022,850\n", encoding="utf-8")
    assert main(["import", "c.csv", "--store", "s.duckdb"]) == 0, capsys.readouterr().err
    assert ("suzhou_anhui", 850.0) in {(e, v) for e, _, v in _observed(here / "s.duckdb")}


def test_a_province_column_settles_a_name_shared_by_two_places(here, capsys):
    """朝阳区 is a district of Beijing (GB/T 2260 code 110105) and of Changchun, Jilin (220104): the row's 省份
    decides, and the province column is context, not an indicator."""
    (here / "d.csv").write_text(
        "省份,城市,年份,GDP\n北京,朝阳区,2023,100\n吉林,朝阳区,2023,50\n", encoding="utf-8"
    )
    assert main(["import", "d.csv", "--store", "s.duckdb"]) == 0, capsys.readouterr().err
    con = duckdb.connect(str(here / "s.duckdb"), read_only=True)
    try:
        obs = set(con.execute("SELECT entity, indicator, value FROM observations").fetchall())
    finally:
        con.close()
    assert obs == {("chaoyangqu_beijing", "GDP", 100.0), ("chaoyangqu_changchun", "GDP", 50.0)}


def test_a_province_column_alone_names_the_entities(here, capsys):
    """A provincial panel whose only name column is 省份: 吉林 among provinces is the province, 全国 a total."""
    (here / "e.csv").write_text(
        "省份,年份,GDP\n北京,2023,100\n吉林,2023,50\n全国,2023,900\n", encoding="utf-8"
    )
    assert main(["import", "e.csv", "--store", "s.duckdb"]) == 0, capsys.readouterr().err
    assert "全国" in capsys.readouterr().out
    assert {(e, v) for e, _, v in _observed(here / "s.duckdb")} == {
        ("beijing", 100.0),
        ("jilin_province", 50.0),
    }


def test_year_option_beside_a_year_column_is_an_error_not_ignored(here, capsys):
    """Before, --year 2024 on a file with a 年份 column was silently ignored (the rows kept 2023)."""
    (here / "f.csv").write_text("城市,年份,GDP\n北京,2023,100\n", encoding="utf-8")
    assert main(["import", "f.csv", "--store", "s.duckdb", "--year", "2024"]) == 1
    err = capsys.readouterr().err
    assert "f.csv" in err and "--year" in err and "'年份'" in err
    assert not (here / "s.duckdb").exists()


def test_a_yearbook_table_as_published_imports_with_no_options(here, capsys):
    """Table 2-17 of the China City Statistical Yearbook 2024, byte for byte as published: its year (2023, the
    yearbook's README) comes from the file being that publication; 杭州's patents granted, read off the sheet by
    hand: 107675 patents granted, 31981 of them invention patents."""
    from pathlib import Path

    table = (
        Path(__file__).resolve().parents[2]
        / "src/innoscope/data/yearbook2024/tables/2-17_科技创新情况(全市).xlsx"
    )
    assert main(["import", str(table), "--store", "s.duckdb"]) == 0, capsys.readouterr().err
    assert "year 2023 read from the published file it is" in capsys.readouterr().out
    con = duckdb.connect(str(here / "s.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT year FROM observations").fetchall()
        hz = con.execute("SELECT value FROM observations WHERE entity = 'hangzhou' ORDER BY value").fetchall()
    finally:
        con.close()
    assert rows == [(2023,)]
    assert [v for (v,) in hz] == [31981.0, 107675.0]


def test_import_big5_file_of_taiwan_and_hong_kong_places(here):
    """A Big5 table as a Taiwanese or Hong Kong source gives it: 臺北, 高雄 and 灣仔區 are places of the gazetteer,
    not unknown names (values read by hand from the file written here)."""
    text = "城市,高新技術企業數(家),年份\n臺北,120,2023\n高雄市,45,2023\n灣仔區,7,2023\n"
    (here / "tw.csv").write_bytes(text.encode("big5"))
    assert main(["import", "tw.csv", "--store", "s.duckdb"]) == 0
    assert _observed(here / "s.duckdb") == [
        ("kaohsiung", "高雄市", 45.0),
        ("taipei", "臺北", 120.0),
        ("wanzaiqu", "灣仔區", 7.0),
    ]

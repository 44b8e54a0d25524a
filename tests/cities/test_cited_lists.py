"""List semantics of the cited layer. Expected values: hand-worked cases on five made-up cities (written out in each
test), and the bundled lists' places counted by hand from their excerpts (quoted in the tests)."""

from __future__ import annotations

import numpy as np
import pytest

from innoscope.cities.cited import import_cities
from innoscope.cities.cited_lists import CitedList, cited_lists, list_layer, list_semantics, members_vs_cited
from innoscope.cities.national import national_entities
from innoscope.ingest.names import Entity, EntityTable
from innoscope.model.errors import DataError

FIVE = EntityTable(
    Entity(id=c, name_zh=z) for c, z in [("a", "甲"), ("b", "乙"), ("c", "丙"), ("d", "丁"), ("e", "戊")]
)


def _list(completeness: str, value: str, members: dict[str, float], n: int | None = None) -> CitedList:
    return CitedList(
        id="t", indicator="x", name_en="t", name_zh="t", value=value, year=2023,
        completeness=completeness, members=members, n=n,
    )  # fmt: skip


def _col(frame, col):
    return frame[col].to_dict()


def test_complete_count_list_absent_city_has_zero_and_places_after_every_member():
    # members 甲 5, 乙 2 (丙 丁 戊 absent -> 0): places 1, 2, then 3 shared by the three zeros
    s = list_semantics(_list("complete", "count", {"甲": 5, "乙": 2}), FIVE)
    assert _col(s, "value") == {"a": 5.0, "b": 2.0, "c": 0.0, "d": 0.0, "e": 0.0}
    assert _col(s, "place") == {"a": 1.0, "b": 2.0, "c": 3.0, "d": 3.0, "e": 3.0}
    assert set(s.loc[["c", "d", "e"], "status"]) == {"zero"}


def test_top_n_rank_list_absent_city_is_censored_worse_than_n_not_missing():
    # a top-20 world list naming two of these cities at 4th and 17th: the other three are "> 20", tied 3rd here
    s = list_semantics(_list("top_n", "rank", {"乙": 17, "丁": 4}, n=20), FIVE)
    assert _col(s, "place") == {"a": 3.0, "b": 2.0, "c": 3.0, "d": 1.0, "e": 3.0}
    assert s.loc["a", "status"] == "censored" and s.loc["a", "shown"] == "> 20"
    assert np.isnan(s.loc["a", "value"])  # the rank itself is unknown, only its bound
    assert s["place"].notna().all()


def test_top_n_count_list_censored_at_the_nth_value():
    # places 1..3 known: 甲 40, 丙 12, 戊 9; 乙 and 丁 have at most 9, place 4 (tied)
    s = list_semantics(_list("top_n", "count", {"甲": 40, "丙": 12, "戊": 9}, n=3), FIVE)
    assert _col(s, "place") == {"a": 1.0, "b": 4.0, "c": 2.0, "d": 4.0, "e": 3.0}
    assert s.loc["b", "shown"] == "≤ 9"


def test_partial_list_absent_city_is_not_collected_and_has_no_place():
    s = list_semantics(_list("partial", "count", {"甲": 3, "丁": 3}), FIVE)
    assert _col(s, "place") == pytest.approx(
        {"a": 1.0, "b": np.nan, "c": np.nan, "d": 1.0, "e": np.nan}, nan_ok=True
    )
    assert set(s.loc[["b", "c", "e"], "status"]) == {"not_collected"}


def test_complete_rank_list_absent_city_is_not_on_it_and_places_after_members():
    s = list_semantics(_list("complete", "rank", {"丙": 1, "甲": 2}), FIVE)
    assert _col(s, "place") == {"a": 2.0, "b": 3.0, "c": 1.0, "d": 3.0, "e": 3.0}
    assert s.loc["b", "status"] == "not_listed"


@pytest.fixture(scope="module")
def layer():
    return list_layer(national_entities()).set_index(["list", "name"])


def test_bundled_nature_index_top_20(layer):
    # "The Chinese cities in the top 20 are: Beijing, Shanghai, Nanjing (no. 5), Guangzhou (no. 8), Wuhan (no. 9),
    # Hangzhou (no. 13), Hefei (no. 15), Tianjin (no. 18), Hong Kong (no. 19) and Xi'an (no. 20)": 9 yearbook cities
    ni = layer.loc["nature_index_2024"]
    assert (ni["status"] == "listed").sum() == 9
    assert ni.loc["杭州", "value"] == 13 and ni.loc["杭州", "place"] == 6
    assert (
        ni.loc["天津", "value"] == 18 and ni.loc["天津", "place"] == 8
    )  # in the excerpt, not in the CSV rows
    assert ni.loc["深圳", "status"] == "censored" and ni.loc["深圳", "shown"] == "> 20"
    assert ni.loc["深圳", "place"] == 10 and (ni["place"] == 10).sum() == 297 - 9


def test_bundled_little_giants_top_10_and_unicorns_partial(layer):
    lg = layer.loc["little_giants_2025q1"]
    # 北京、深圳 1027 tied first, 上海 858, 苏州 595, 杭州 476, 宁波 397 ... 重庆 315 (10th)
    assert lg.loc["北京", "place"] == lg.loc["深圳", "place"] == 1 and lg.loc["上海", "place"] == 3
    assert lg.loc["杭州", "place"] == 5 and lg.loc["重庆", "place"] == 10
    assert lg.loc["南京", "status"] == "censored" and lg.loc["南京", "shown"] == "≤ 315"
    assert lg.loc["南京", "place"] == 11
    uni = layer.loc["unicorns_zgc_2024"]
    # 北京114 上海63 深圳32 广州21 杭州19 苏州12 重庆8 成都/长沙/武汉/天津 7 合肥/南京 6
    assert uni.loc["深圳", "place"] == 3 and uni.loc["天津", "place"] == 8 and uni.loc["南京", "place"] == 12
    assert uni.loc["宁波", "status"] == "not_collected" and np.isnan(uni.loc["宁波", "place"])
    assert (uni["status"] == "listed").sum() == 13


def test_members_agree_with_the_cited_rows_and_a_disagreement_is_found():
    ents, cited = national_entities(), import_cities(None).observations
    lists = cited_lists()
    assert members_vs_cited(lists, cited, ents).empty
    ni = lists[0]
    wrong = CitedList(**{**ni.__dict__, "members": {**ni.members, "杭州": 12.0}})
    diff = members_vs_cited([wrong], cited, ents)
    assert diff[["entity", "cited", "member", "line"]].values.tolist() == [["hangzhou", 13.0, 12.0, 81]]


GOOD = """lists:
  - id: x
    indicator: i
    name_en: e
    name_zh: z
    value: rank
    year: 2023
    completeness: top_n
    n: 20
    members: {北京: 1}
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "completeness: top_n",
            "completeness: mostly",
            "completeness = 'mostly': expected complete, top_n, partial",
        ),
        ("{北京: 1}", "{北京: 25}", "members = {'北京': 25.0}: expected ranks within the top 20"),
        ("value: rank", "value: score", "value = 'score': expected rank or count"),
        ("    n: 20\n", "", "n = None: expected a whole number >= 1 for a top_n list"),
        ("{北京: 1}", "{北京: many}", "members.北京 = 'many': expected a number"),
    ],
)
def test_declaration_errors_name_file_list_field_and_value(tmp_path, old, new, message):
    p = tmp_path / "lists.yaml"
    p.write_text(GOOD.replace(old, new), encoding="utf-8")
    assert cited_lists(_write(tmp_path / "ok.yaml", GOOD))[0].n == 20  # the unedited file is valid
    with pytest.raises(DataError) as e:
        cited_lists(p)
    assert str(e.value) == f"{p}: list 'x', {message}"


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_city_in_a_list_is_an_error_naming_the_list():
    with pytest.raises(DataError, match="cited list t"):
        list_semantics(_list("partial", "count", {"不存在市": 1}), national_entities())

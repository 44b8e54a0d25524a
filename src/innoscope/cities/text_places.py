"""The places ``innoscope extract`` recognises in running text: the entity table, then the national gazetteer.

Written forms, first registered wins: the entity table's (the bundled 12 cities and their aliases), then for each
province and prefecture-level division its full name (深圳市, 广东省), Traditional name, short forms of two or more
characters (深圳, 广东) and English name, then for each county-level division of the mainland its full and
Traditional names only (朝阳区; a county's short form such as 朝阳 is too often an ordinary word). The districts of
Taiwan, Hong Kong and Macao are left out of running text: many are ordinary words (新社区 "new community", 大社区,
新市区 "new urban area", 东区, 北区, 大堂 "lobby"). Short forms that are mostly
something else in news text (:data:`NOT_PLACES`: 阿里 for Alibaba, 大同 in 大同小异) are left out, and so are
county names that are ordinary words (:data:`GENERIC_COUNTIES`: 城区, 郊区, 矿区). A place is
named by its usual short form (深圳, 内蒙古) or, for a county, its full name; ``innoscope import`` resolves these
names through the store and the gazetteer and reports any name that fits two places. When the document's main
city is chosen, a province's mentions count half (陕西省西安市: the subject is 西安); the four municipalities
count fully.
"""

from __future__ import annotations

from functools import lru_cache

from innoscope.cities.gazetteer import Gazetteer
from innoscope.ingest.claims.places import PlaceIndex, entity_forms
from innoscope.ingest.names import EntityTable

__all__ = ["ENGLISH_NAMES", "NOT_PLACES", "place_index"]

NOT_PLACES = frozenset({"阿里", "大同"})
GENERIC_COUNTIES = frozenset({"城区", "郊区", "矿区", "东区", "西区", "南区", "北区"})
"""County-level names that are ordinary words in running text (城区 "urban area", 郊区 "suburbs"): several cities
have a district so named, and text about any city uses the words."""


ENGLISH_NAMES: dict[str, tuple[str, ...]] = {
    "鄂尔多斯": ("Ordos",),
    "澳门": ("Macau",),
    "西安": ("Xian",),
    "浦东新区": ("Pudong", "Pudong New Area"),
    "海淀区": ("Haidian", "Haidian District"),
    "昆山市": ("Kunshan",),
    "江阴市": ("Jiangyin",),
    "常熟市": ("Changshu",),
    "张家港市": ("Zhangjiagang",),
    "义乌市": ("Yiwu",),
    "慈溪市": ("Cixi",),
    "顺德区": ("Shunde",),
    "萧山区": ("Xiaoshan",),
    "余杭区": ("Yuhang",),
    "滨江区": ("Binjiang District",),
    "龙岗区": ("Longgang District",),
    "宝安区": ("Bao'an District", "Baoan District"),
    "天河区": ("Tianhe District",),
    "武侯区": ("Wuhou District",),
}
"""English names the gazetteer does not write (its name_en is the pinyin: Erdos, Macao), and of county-level
divisions, which it names in Chinese only: the exonyms and district names English news uses, each naming one
division (Huangpu District is left out: 黄埔区 of Guangzhou and 黄浦区 of Shanghai)."""


def gazetteer_forms(gaz: Gazetteer) -> list[tuple[str, set[str]]]:
    """``(canonical name, written forms)`` of every division, provinces and prefectures before counties."""
    pairs = []
    for level in ("province", "prefecture", "county"):
        for p in gaz.level(level):
            if level == "county" and (not p.mainland or p.name in GENERIC_COUNTIES):
                continue
            if level == "county":
                forms = {p.name, p.name_tc, *ENGLISH_NAMES.get(p.short_name, ())}
            else:
                forms = {
                    p.name,
                    p.name_tc,
                    p.name_en,
                    *ENGLISH_NAMES.get(p.short_name, ()),
                    *(s for s in p.short if len(s) >= 2 and s not in NOT_PLACES),
                }
            pairs.append((p.short_name, {f for f in forms if f}))
    return pairs


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """The entity table's places, then the gazetteer's (see the module docstring); built once per process."""
    gaz = Gazetteer.default()
    table = EntityTable.default()
    known = {e.name_zh for e in table.entities.values()}
    provinces = {
        p.short_name: 0.5 for p in gaz.level("province") if p.short_name not in known and p.kind != "直辖市"
    }
    return PlaceIndex(
        [*entity_forms(table), *gazetteer_forms(gaz)],
        weights=provinces,
        provinces={p.short_name for p in gaz.level("province") if p.kind != "直辖市"},
    )

"""Peer groups of Chinese cities and ranks within them: national rank and percentile, rank among peers.

Groups (official administrative status, 2023): the 4 municipalities (直辖市) and 15 sub-provincial cities
(副省级市) of the yearbook's table 1-1, the 27 capitals of provinces and autonomous regions (省会城市), and any
province (the yearbook's own heading rows). Percentile: ``100 (n - rank) / (n - 1)`` over the ``n`` ranked cities
(first = 100, last = 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innoscope.cities.citydata import CityBuild

__all__ = [
    "MUNICIPALITIES",
    "PROVINCIAL_CAPITALS",
    "SUB_PROVINCIAL",
    "national_standing",
    "peer_groups",
    "peer_ranks",
]

MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
SUB_PROVINCIAL = (
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "南京",
    "杭州",
    "宁波",
    "厦门",
    "济南",
    "青岛",
    "武汉",
    "广州",
    "深圳",
    "成都",
    "西安",
)
"""The 15 sub-provincial cities (副省级市); table 1-1 of the yearbook counts them per province."""
PROVINCIAL_CAPITALS = (
    "石家庄",
    "太原",
    "呼和浩特",
    "沈阳",
    "长春",
    "哈尔滨",
    "南京",
    "杭州",
    "合肥",
    "福州",
    "南昌",
    "济南",
    "郑州",
    "武汉",
    "长沙",
    "广州",
    "南宁",
    "海口",
    "成都",
    "贵阳",
    "昆明",
    "拉萨",
    "西安",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
)
"""Capitals of the 22 provinces and 5 autonomous regions (Hong Kong, Macao and Taiwan are not in the yearbook)."""


def _province(b: CityBuild) -> pd.Series:
    o = b.observations
    return o.drop_duplicates("entity").set_index("entity")["province"]


def peer_groups(b: CityBuild, provinces: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Group label -> entity ids: municipalities and sub-provincial cities, provincial capitals, and each
    province named (``广东省`` or ``广东``)."""
    ids = b.entities.resolve_many
    groups = {
        "直辖市与副省级市 municipalities and sub-provincial cities": ids([*MUNICIPALITIES, *SUB_PROVINCIAL]),
        "省会城市 provincial capitals": ids(PROVINCIAL_CAPITALS),
    }
    prov = _province(b)
    for p in provinces:
        full = next((x for x in prov.unique() if x == p or x.startswith(p)), None)
        if full is not None:
            groups[full] = prov.index[prov == full].tolist()
    return groups


def _ranks(scores: pd.Series) -> pd.Series:
    return scores.rank(ascending=False, method="min")


def national_standing(b: CityBuild, entity: str) -> pd.DataFrame:
    """Per node (index and pools): the city's score, national rank, number of ranked cities and percentile."""
    fw, agg = b.framework, b.result.aggregated
    rows = []
    for code in [fw.root, *fw.codes(2)]:
        s = agg[code].dropna()
        n = len(s)
        rank = float(_ranks(s).get(entity, np.nan))
        rows.append(
            {
                "node": code,
                "name_zh": fw[code].name_zh,
                "name_en": fw[code].name_en,
                "score": float(agg.at[entity, code]) if entity in agg.index else np.nan,
                "rank": rank,
                "n": n,
                "percentile": 100 * (n - rank) / (n - 1) if n > 1 and np.isfinite(rank) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def peer_ranks(b: CityBuild, members: list[str]) -> pd.DataFrame:
    """The members ranked among themselves on the index and each pool, with their national index rank."""
    fw, agg = b.framework, b.result.aggregated
    members = [m for m in members if m in agg.index]
    nat = _ranks(agg[fw.root].dropna())
    sub = agg.loc[members, [fw.root, *fw.codes(2)]]
    out = pd.DataFrame(
        {
            "name": b.cross_section.names.reindex(members),
            "score": sub[fw.root],
            "rank": _ranks(sub[fw.root]),
            "national_rank": nat.reindex(members),
        }
    )
    for p in fw.codes(2):
        out[f"rank_{p}"] = _ranks(sub[p])
    return out.sort_values(["rank", "name"], na_position="last")

"""Rules added for issue 13's quality work, each on sentences written for it; expected values read by hand."""

from datetime import date

import pytest

from innoscope.cities.text_places import place_index
from innoscope.ingest.claims import Extractor
from innoscope.ingest.claims.dates import find_years, title_year


@pytest.fixture(scope="module")
def ex():
    return Extractor(place_index())


def got(ex, text, **kw):
    return [(c.entity, c.indicator, c.value, c.unit, c.year, c.kind) for c in ex.extract_chunks([text], **kw)]


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("深圳晚报 2024-04-26：深圳市2023年知识产权白皮书发布（转载）", 2023),
        ("《中国统计年鉴2024》2023年31省份平均工资（转载）", 2023),
        ("《深圳市机器人产业发展白皮书(2024年)》（香港商报 2025-04-25）", 2024),
        ("中国科学报 2024-01-24：《2023上海科技进步报告》出炉", 2023),
        ("国家创新型城市创新能力评价报告2022", 2022),
        ("Hangzhou tops Zhejiang in R&D investment in 2021 (en.hangzhou.com.cn, 2022-09-21)", 2021),
        ("Nature Index 2024 Science Cities supplement (Nov 2024)", 2024),
        # a government work report reviews the year before the one it is presented in
        ("2026年成都市政府工作报告（网易转载）", 2025),
        ("合肥市2025年政府工作报告解读（2025-01-15）", 2024),
        ("2025 Report on the Work of Nanjing Municipal People's Government", 2024),
        # dates, months and amounts are not the title's year
        ("深圳去年创多项全国第一（中新网 2025-02-25）", None),
        ("南方日报 2024-11：去年深圳企业研发投入首超2000亿元", None),
        ("Founding article (Feb 2025 commentary, Shenzhen vs Hangzhou)", None),
        ("跨越2万亿 杭州实现GDP20059亿元", None),
        ("2024年1月深圳新闻", None),
    ],
)
def test_title_year(title, year):
    assert title_year(title) == year


def test_title_year_dates_figures_without_one(ex):
    assert got(ex, "2026年成都市政府工作报告\n实现地区生产总值2.48万亿元、增长5.8%") == [
        ("成都", "gdp", 2.48e12, "元", 2025, "level"),
        ("成都", "gdp_growth", 5.8, "%", 2025, "growth"),
    ]


def test_explicit_comparison_base_is_marked():
    ys = find_years("较2022年增长4.47%，2023年末", None)
    assert [(y.year, y.base) for y in ys] == [(2022, True), (2023, False)]
    assert find_years("比去年增加2家", date(2025, 3, 1)) == []


def test_comparison_base_dates_a_level_inside_it_never_the_change(ex):
    text = "2024年末，杭州常住人口为1262.4万人，与2023年末常住人口1252.2万人相比，增加10.2万人。"
    assert got(ex, text) == [
        ("杭州", "resident_population", 12624000.0, "人", 2024, "level"),
        ("杭州", "resident_population", 12522000.0, "人", 2023, "level"),
        ("杭州", "resident_population_change", 102000.0, "人", 2024, "change"),
    ]
    assert got(ex, "北京平均工资为21.83万元，较2022年增长4.47%")[1] == (
        "北京",
        "avg_wage_nonprivate_growth",
        4.47,
        "%",
        None,
        "growth",
    )


def test_rank_list_without_figures(ex):
    assert got(ex, "创新能力排名前三的城市依次为深圳、南京、杭州。") == [
        ("深圳", "innovative_city_capacity_rank", 1.0, "rank", None, "rank"),
        ("南京", "innovative_city_capacity_rank", 2.0, "rank", None, "rank"),
        ("杭州", "innovative_city_capacity_rank", 3.0, "rank", None, "rank"),
    ]

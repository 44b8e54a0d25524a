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
    return [
        (c.entity, c.indicator, c.value, c.unit, c.year, c.kind)
        for c in ex.extract_chunks([text], **kw)
        if c.indicator
    ]


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


def test_media_name_is_not_a_place(ex):
    # 天津日报 is a newspaper: the document is about 深圳
    assert got(ex, "天津日报：深圳 专精特新第一城\n国家级专精特新小巨人企业1333家。") == [
        ("深圳", "little_giants_valid", 1333.0, "家", None, "level")
    ]


def test_abbreviations_of_several_cities(ex):
    rows = got(ex, "2023年百城房价收入比\n京沪两城居第三、第四，房价收入比分别为29.8、29.4。")
    assert ("北京", "house_price_income_ratio", 29.8, "ratio", 2023, "level") in rows
    assert ("上海", "house_price_income_ratio", 29.4, "ratio", 2023, "level") in rows
    assert ("北京", "house_price_income_ratio_rank", 3.0, "rank", 2023, "rank") in rows
    assert ("上海", "house_price_income_ratio_rank", 4.0, "rank", 2023, "rank") in rows
    assert len(rows) == 4


def test_respective_list_from_an_earlier_line(ex):
    text = "Shenzhen vs Hangzhou: a comparison\n独角兽企业分别为34家和19家。"
    assert got(ex, text) == [
        ("深圳", "unicorns", 34.0, "家", None, "level"),
        ("杭州", "unicorns", 19.0, "家", None, "level"),
    ]
    # three sentences later the list is forgotten: the figures go to the document's main city
    far = "深圳和杭州。甲。乙。丙。丁。独角兽企业分别为34家和19家。"
    assert {r[0] for r in got(ex, far)} == {"深圳"}


def test_respective_list_of_series(ex):
    rows = got(ex, "广州高新技术企业、科技型中小企业分别增至1.3万家和2.1万家。")
    assert rows == [("广州", "high_tech_enterprises", 13000.0, "家", None, "level")]  # 2.1万家: no id
    rows = got(ex, "深圳3D打印设备、服务机器人、电子元件产量分别增长56.0%、38.0%、26.6%。")
    assert rows == [("深圳", "service_robot_output_growth", 38.0, "%", None, "growth")]


def test_unnamed_series_do_not_borrow_a_neighbour(ex):
    assert got(ex, "2024年重庆GDP达到3.2万亿元，人均GDP突破10万元。") == [
        ("重庆", "gdp", 3.2e12, "元", 2024, "level")
    ]
    assert got(ex, "武汉拥有7所双一流高校、2所985高校。") == [
        ("武汉", "double_first_class_universities", 7.0, "所", None, "level")
    ]
    cands = list(ex.extract_chunks(["苏州潜在独角兽企业75家。"]))
    assert [(c.indicator, c.phrase, c.status, c.value) for c in cands] == [
        ("", "潜在独角兽企业", "proposed", 75.0)
    ]


def test_ranks_shared_listed_and_respective(ex):
    rows = got(ex, "苏州高新技术企业超过1.57万家，独角兽企业17家，均位居全国第四。")
    assert ("苏州", "high_tech_enterprises_rank", 4.0, "rank", None, "rank") in rows
    assert ("苏州", "unicorns_rank", 4.0, "rank", None, "rank") in rows
    rows = got(ex, "合肥全社会研发投入强度4%、万人发明专利拥有量82.7件，分别居省会城市第2位、第5位。")
    assert ("合肥", "rd_intensity_rank", 2.0, "rank", None, "rank") in rows
    assert ("合肥", "invention_patents_per_10k_pop_rank", 5.0, "rank", None, "rank") in rows
    rows = got(ex, "北京和上海分别以79家、66家独角兽企业排名全球第三、四位。")
    assert ("北京", "unicorns_rank", 3.0, "rank", None, "rank") in rows
    assert ("上海", "unicorns_rank", 4.0, "rank", None, "rank") in rows
    rows = got(ex, "广州和杭州(同为22家独角兽企业，并列第八位)")
    assert ("广州", "unicorns_rank", 8.0, "rank", None, "rank") in rows
    assert ("杭州", "unicorns_rank", 8.0, "rank", None, "rank") in rows


def test_rank_of_a_total_a_density_an_increase(ex):
    rows = got(ex, "2024年深圳全社会研发投入2236.6亿元，93.3%来自企业，总量居全国城市第一。")
    assert ("深圳", "rd_expenditure_rank", 1.0, "rank", 2024, "rank") in rows
    rows = got(ex, "深圳平均每平方公里拥有12家国家级高新技术企业，密度位居全国第一。")
    assert ("深圳", "high_tech_enterprises_per_km2_rank", 1.0, "rank", None, "rank") in rows
    rows = got(ex, "广州入选全球独角兽企业22家，增量全国第一。")
    assert rows == [("广州", "unicorns", 22.0, "家", None, "level")]


def test_figures_of_the_whole_before_its_part(ex):
    rows = got(ex, "北京报告\n区域研发投入强度为4.22%，其中北京为6.58%，保持各省区市首位。")
    assert rows == [
        ("北京", "rd_intensity", 6.58, "%", None, "share"),
        ("北京", "rd_intensity_rank", 1.0, "rank", None, "rank"),
    ]


def test_decrease_is_negative(ex):
    assert got(ex, "年末北京常住人口2183.2万人，比上年末减少2.6万人。")[1] == (
        "北京",
        "resident_population_change",
        -26000.0,
        "人",
        None,
        "change",
    )
    assert got(ex, "深圳地区生产总值下降1.5%。") == [("深圳", "gdp_growth", -1.5, "%", None, "growth")]


def test_change_of_a_cumulative_total(ex):
    rows = got(ex, "深圳新增国家级专精特新小巨人企业296家，总数达1025家。")
    assert rows == [
        ("深圳", "little_giants_cumulative_change", 296.0, "家", None, "change"),
        ("深圳", "little_giants_cumulative", 1025.0, "家", None, "level"),
    ]


def test_table_row_without_header_takes_the_title_series(ex):
    rows = got(ex, "PCT国际专利申请受理量\n北京 | Beijing | 11463 | 11438")
    assert rows == [
        ("北京", "pct_applications", 11463.0, "件", None, "level"),
        ("北京", "pct_applications", 11438.0, "件", None, "level"),
    ]


def test_english_ranks_and_adjectives(ex):
    assert got(ex, "Shenzhen ranked second nationwide with more than 2,200 AI companies.") == [
        ("深圳", "ai_enterprises", 2200.0, "家", None, "level"),
        ("深圳", "ai_enterprises_rank", 2.0, "rank", None, "rank"),
    ]
    assert got(ex, "Shenzhen is home to 24,000 national high-tech enterprises.") == [
        ("深圳", "high_tech_enterprises", 24000.0, "家", None, "level")
    ]


def test_magnitude_without_number_and_ranges_with_magnitudes(ex):
    # 突破千亿元 = more than 1e11 yuan
    assert got(ex, "武汉全社会研发投入突破千亿元。") == [
        ("武汉", "rd_expenditure", 1e11, "元", None, "level")
    ]
    (c,) = [c for c in ex.extract_chunks(["深圳新增高新技术企业1.5万至2万家。"]) if c.indicator]
    assert (c.indicator, c.value, c.qualifier) == ("high_tech_enterprises_change", 15000.0, "range to 20000")


def test_table_columns_headed_by_years(ex):
    text = "国家高新技术企业数量\n城市 | 2023年 | 2024年\n深圳 | 23000 | 26600"
    assert got(ex, text) == [
        ("深圳", "high_tech_enterprises", 23000.0, "家", 2023, "level"),
        ("深圳", "high_tech_enterprises", 26600.0, "家", 2024, "level"),
    ]


def test_ranks_are_not_counts_and_the_country_is_no_city(ex):
    # 四位 of 第三、四位 is a rank, not four of something; 中国316家 is the country's count
    text = "2023胡润全球独角兽榜，中国316家\n北京和上海分别以79家、66家独角兽企业排名全球第三、四位。"
    rows = got(ex, text)
    assert all(r[2] != 316.0 for r in rows)
    assert [r for r in rows if r[3] == "位"] == []
    assert len(list(ex.extract_chunks([text]))) == 4


def test_ranks_in_the_order_written(ex):
    # a numbered line of a page titled as a ranking
    assert got(ex, "重庆面积排名（汇编页）\n4. 广州:7434.4平方千米") == [
        ("广州", "land_area", 7434.4, "km²", None, "level"),
        ("广州", "land_area_rank", 4.0, "rank", None, "rank"),
    ]
    # the same line under a title that names no ranking is no rank
    assert [r[1] for r in got(ex, "广州行政区域面积\n4. 广州:7434.4平方千米")] == ["land_area"]
    # 前三 after a list of three places
    assert got(ex, "北京、上海、深圳的独角兽企业数量稳居前三。") == [
        ("北京", "unicorns_rank", 1.0, "rank", None, "rank"),
        ("上海", "unicorns_rank", 2.0, "rank", None, "rank"),
        ("深圳", "unicorns_rank", 3.0, "rank", None, "rank"),
    ]
    assert got(ex, "北京、上海的独角兽企业数量稳居前三。") == []  # two places, three ranks: not a list


def test_shares_in_words_and_ranks_in_words(ex):
    rows = got(ex, "深圳研发投入近三分之一来自中小企业。")
    assert [(r[0], r[3], r[5]) for r in rows] == [("深圳", "%", "share")]
    assert rows[0][2] == pytest.approx(100 / 3)
    assert got(ex, "深圳PCT国际专利申请量为全国之最。") == [
        ("深圳", "pct_applications_rank", 1.0, "rank", None, "rank")
    ]


def test_rank_outside_the_scope_of_a_global_ranking_and_edition_years(ex):
    # 自然指数 is a global ranking: 全国第5 is a rank among Chinese cities, which no id names
    assert got(ex, "武汉跃居2025自然指数—科研城市排名全球第8、全国第5。") == [
        ("武汉", "nature_index_city_rank", 8.0, "rank", 2025, "rank")
    ]


def test_a_zero_denominator_is_no_fraction(ex):
    # regression: 0分之1 raised ZeroDivisionError
    rows = [(c.value, c.unit) for c in ex.extract_chunks(["深圳0分之1的企业，10分之3来自杭州。"])]
    assert rows == [(30.0, "%")]

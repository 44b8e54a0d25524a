"""Rules written to generalise beyond the dev split (issue 13, precision first): each on sentences written for
it, expected values read by hand from the sentence."""

from datetime import date

import pytest

from innoscope.cities.text_places import place_index
from innoscope.ingest.claims import Extractor, Lexicon
from innoscope.ingest.claims.dates import find_years


@pytest.fixture(scope="module")
def ex():
    return Extractor(place_index())


def got(ex, text, **kw):
    return [
        (c.entity, c.indicator, float(f"{c.value:.10g}"), c.unit, c.year, c.kind)
        for c in ex.extract_chunks([text], **kw)
        if c.indicator
    ]


def test_scope_at_the_head_of_a_clause_owns_the_figures_after_it(ex):
    # 全国 is the subject: its 46万家 is no city's; 深圳's share after it is 深圳's
    assert got(ex, "全国高新技术企业数量超过46万家，深圳占比约5.8%。") == [
        ("深圳", "high_tech_enterprises_share", 5.8, "%", None, "share")
    ]
    # the national growth in the next clause is not the document's city's either
    text = "深圳科技创新报告\n2023年全国R&D经费支出33357.1亿元，比上年增长8.1%。"
    assert got(ex, text) == []
    # a scope after a verb is no subject (深圳拥有全国重点实验室……)
    assert got(ex, "深圳拥有全国重点实验室6家，高新技术企业2.5万家。") == [
        ("深圳", "high_tech_enterprises", 25000.0, "家", None, "level")
    ]


def test_place_after_zhan_is_the_whole_not_the_owner(ex):
    assert got(ex, "深圳拥有国家级高新技术企业2.5万家，占广东省的一半以上。") == [
        ("深圳", "high_tech_enterprises", 25000.0, "家", None, "level"),
        ("深圳", "high_tech_enterprises_share", 50.0, "%", None, "share"),
    ]
    assert got(ex, "2024年，广州市黄埔区高新技术企业超过2700家，占全市近五分之一。") == [
        ("黄埔区", "high_tech_enterprises", 2700.0, "家", 2024, "level"),
        ("黄埔区", "high_tech_enterprises_share", 20.0, "%", 2024, "share"),
    ]


def test_share_compared_with_a_place_is_not_that_places(ex):
    # 不及合肥的一半: a comparison with 合肥, not 合肥's share
    assert got(ex, "苏州至今仅有8所本科高校，不及合肥的一半。") == [
        ("苏州", "universities_undergrad", 8.0, "所", None, "level")
    ]


def test_share_of_gdp_names_rd_intensity_only_after_rd_spending(ex):
    assert got(ex, "青岛市2024年R&D经费投入占GDP比重达到3.1%。") == [
        ("青岛", "rd_intensity", 3.1, "%", 2024, "share")
    ]
    text = "北京全年研究与试验发展(R&D)经费支出2947.1亿元，比上年增长6.8%，相当于地区生产总值的6.0%。"
    assert got(ex, text) == [
        ("北京", "rd_expenditure", 2.9471e11, "元", None, "level"),
        ("北京", "rd_expenditure_growth", 6.8, "%", None, "growth"),
        ("北京", "rd_intensity", 6.0, "%", None, "share"),
    ]
    # 民营经济 / 数字经济 shares of GDP name no id, and are not GDP's share either
    assert got(ex, "2024年佛山市民营经济增加值占GDP的比重超过60%。") == []
    assert got(ex, "杭州数字经济核心产业增加值6305亿元、增长7.1%，占GDP比重达28.8%。") == []
    cands = list(ex.extract_chunks(["佛山民营经济占全市GDP的60%。"]))
    assert [(c.entity, c.indicator, c.value, c.status) for c in cands] == [("佛山", "", 60.0, "proposed")]


def test_relative_phrase_of_a_user_lexicon():
    lex = Lexicon.from_records(
        [
            {"id": "exports", "unit": "元", "zh": ["出口额"]},
            {"id": "export_share", "unit": "%", "after": ["exports"], "zh_after": ["占比"]},
        ],
        "test",
    )
    found = [(p.phrase, p.indicator.id) for p in lex.find("出口额100亿元，占比12%。进口占比8%")]
    assert found == [("出口额", "exports"), ("占比", "export_share"), ("占比", "")]


def test_rank_after_an_unnamed_share_is_not_the_wholes(ex):
    text = "深圳2023年全社会研发投入1880.49亿元，占全市GDP比重达5.81%，全国第二。"
    assert got(ex, text) == [
        ("深圳", "rd_expenditure", 1.8804900e11, "元", 2023, "level"),
        ("深圳", "rd_intensity", 5.81, "%", 2023, "share"),
        ("深圳", "rd_intensity_rank", 2.0, "rank", 2023, "rank"),
    ]
    cands = list(ex.extract_chunks(["深圳民营经济增加值占全市GDP比重达60%，全国第一。"]))
    assert [(c.indicator, c.value, c.kind) for c in cands] == [("", 60.0, "share"), ("", 1.0, "rank")]


def test_ratio_base_year_dates_neither_the_ratio_nor_the_growth(ex):
    assert [y.base for y in find_years("是2019年的1.7倍，2024年的", None)] == [True, False]
    assert got(ex, "深圳2024年研发投入2236.6亿元，是2019年的1.7倍。") == [
        ("深圳", "rd_expenditure", 2.2366e11, "元", 2024, "level"),
        ("深圳", "rd_expenditure_ratio", 1.7, "倍", 2024, "ratio"),
    ]


def test_average_annual_growth_is_no_years_growth(ex):
    rows = got(ex, "成都GDP从2019年的1.70万亿元增长到2024年的2.35万亿元，年均增长6.2%。")
    assert rows == [
        ("成都", "gdp", 1.7e12, "元", 2019, "level"),
        ("成都", "gdp", 2.35e12, "元", 2024, "level"),
    ]
    cands = [c for c in ex.extract_chunks(["成都GDP年均增长6.2%。"]) if c.kind == "growth"]
    assert [(c.indicator, c.status) for c in cands] == [("", "proposed")]


def test_rank_of_a_growth_rate_names_no_id(ex):
    text = "2024年苏州实现地区生产总值2.67万亿元，同比增长6.0%，增速位居全国GDP前十城市第一。"
    assert got(ex, text) == [
        ("苏州", "gdp", 2.67e12, "元", 2024, "level"),
        ("苏州", "gdp_growth", 6.0, "%", 2024, "growth"),
    ]


def test_zone_of_a_city_is_not_the_city(ex):
    assert got(ex, "重庆两江新区2024年实现地区生产总值4800亿元，增长6.5%。") == []
    assert got(ex, "2024年，武汉东湖高新区高新技术企业超过6000家。") == []
    assert got(ex, "苏州工业园区2024年GDP为3686亿元。") == []
    # a city followed by an ordinary verb is still the city
    assert got(ex, "深圳加快建设科学城，高新技术企业2.5万家。") == [
        ("深圳", "high_tech_enterprises", 25000.0, "家", None, "level")
    ]


def test_value_added_is_no_increase(ex):
    cands = list(ex.extract_chunks(["杭州数字经济核心产业增加值6305亿元。"]))
    assert [(c.value, c.kind) for c in cands] == [(6.305e11, "level")]


def test_members_listed_after_fenbiewei_are_no_ranking(ex):
    text = "分地市看，R&D经费投入超过千亿元的地市有2个，分别为深圳和广州。"
    assert [c for c in ex.extract_chunks([text]) if c.kind == "rank"] == []


def test_range_of_ranks_over_a_list(ex):
    title = "专精特新“小巨人”企业数量Top30城市\n"
    rows = got(ex, title + "第三至第七名依次为苏州、杭州、宁波、武汉、广州。")
    assert rows == [
        ("苏州", "little_giants_valid_rank", 3.0, "rank", None, "rank"),
        ("杭州", "little_giants_valid_rank", 4.0, "rank", None, "rank"),
        ("宁波", "little_giants_valid_rank", 5.0, "rank", None, "rank"),
        ("武汉", "little_giants_valid_rank", 6.0, "rank", None, "rank"),
        ("广州", "little_giants_valid_rank", 7.0, "rank", None, "rank"),
    ]
    rows = got(ex, title + "天津(288家)、青岛(264家)、南京(258家)分列第十一至十三位。")
    assert [r for r in rows if r[5] == "rank"] == [
        ("天津", "little_giants_valid_rank", 11.0, "rank", None, "rank"),
        ("青岛", "little_giants_valid_rank", 12.0, "rank", None, "rank"),
        ("南京", "little_giants_valid_rank", 13.0, "rank", None, "rank"),
    ]
    # a range whose list has another length ranks nobody (and its ends are no ranks of their own)
    rows = got(ex, title + "天津(288家)、青岛(264家)分列第十一至十三位。")
    assert [r for r in rows if r[5] == "rank"] == []


def test_a_title_ending_in_a_comparison_word_makes_no_base_year(ex):
    # 对比 ends the title line: the 2024年 of the next line is the figures' year, not a comparison's base
    assert [y.base for y in find_years("三城创新指标对比\n2024年，福州", None)] == [False]
    assert [y.base for y in find_years("较 2022年增长", None)] == [True]
    text = "闽东南三城创新指标对比\n2024年，福州的高新技术企业数量为4106家。"
    assert got(ex, text) == [("福州", "high_tech_enterprises", 4106.0, "家", 2024, "level")]


def test_own_series_in_the_clause_borrows_no_phrase(ex):
    rows = got(ex, "年末全市常住人口977.2万人，比上年末增加7.5万人，其中城镇人口770.6万人。", subject="宁波")
    assert rows == [
        ("宁波", "resident_population", 9772000.0, "人", None, "level"),
        ("宁波", "resident_population_change", 75000.0, "人", None, "change"),
    ]
    cands = list(ex.extract_chunks(["长沙有效发明专利拥有量5.8万件，其中高价值发明专利2.7万件。"]))
    assert [(c.indicator, c.value, c.status) for c in cands] == [
        ("invention_patents_held", 58000.0, "lexicon"),
        ("", 27000.0, "proposed"),
    ]
    # a clause with only a verb still takes the sentence's phrase
    assert got(ex, "长沙有效发明专利拥有量5.8万件，同比增长16.5%。")[1] == (
        "长沙",
        "invention_patents_held_growth",
        16.5,
        "%",
        None,
        "growth",
    )


def test_share_whose_clause_names_the_whole_takes_no_other_clauses_share_series(ex):
    # the intensity of the clause before is not the share's series; 杭州 alone before 占 takes the series after it
    text = "浙江省研发投入强度3.2%，其中杭州占全省研发经费的三分之一以上。"
    assert got(ex, text) == [
        ("浙江", "rd_intensity", 3.2, "%", None, "share"),
        ("杭州", "rd_expenditure_share", 33.33333333, "%", None, "share"),
    ]


def test_compared_places_own_nothing(ex):
    rows = got(ex, "南京2024年高新技术企业数量达9800家，仅次于北京、上海、深圳、广州，居全国第五。")
    assert rows == [
        ("南京", "high_tech_enterprises", 9800.0, "家", 2024, "level"),
        ("南京", "high_tech_enterprises_rank", 5.0, "rank", 2024, "rank"),
    ]
    rows = got(ex, "从发明专利拥有量看，苏州是无锡的2.3倍，是常州的3.1倍。")
    assert rows == [
        ("苏州", "invention_patents_held_ratio", 2.3, "倍", None, "ratio"),
        ("苏州", "invention_patents_held_ratio", 3.1, "倍", None, "ratio"),
    ]
    # a list joined by 与 is no comparison
    assert got(ex, "深圳与杭州的独角兽企业分别为34家和19家。") == [
        ("深圳", "unicorns", 34.0, "家", None, "level"),
        ("杭州", "unicorns", 19.0, "家", None, "level"),
    ]


def test_differences_and_totals_of_several_places_are_no_citys(ex):
    assert got(ex, "苏州的高新技术企业比无锡多约1万家。") == []
    assert got(ex, "成都的技术合同成交额约为重庆的1.8倍，两市合计超过2200亿元。") == [
        ("成都", "tech_contract_turnover_ratio", 1.8, "倍", None, "ratio")
    ]
    assert got(ex, "2024年，京津两地技术合同成交额合计超过1.1万亿元，其中天津为1960亿元。") == [
        ("天津", "tech_contract_turnover", 1.96e11, "元", 2024, "level")
    ]
    assert got(ex, "Changzhou, Wuxi and Suzhou together host over 400 national little giants.") == []


def test_year_carried_from_an_earlier_sentence_of_the_line(ex):
    text = "合肥去年全社会研发投入强度达到3.95%。全市技术合同成交额增长18%。\n全市常住人口985万人。"
    from datetime import date

    assert got(ex, text, doc_date=date(2025, 2, 1)) == [
        ("合肥", "rd_intensity", 3.95, "%", 2024, "share"),
        ("合肥", "tech_contract_turnover_growth", 18.0, "%", 2024, "growth"),
        ("合肥", "resident_population", 9850000.0, "人", None, "level"),  # a new line carries no year
    ]
    cands = list(ex.extract_chunks(["问：2024年厦门技术合同成交额是多少？答：约225.3亿元。"]))
    assert [(c.year, c.year_source) for c in cands] == [(2024, "earlier sentence: explicit")]


def test_years_written_as_dates_and_in_english_phrases():
    assert [y.year for y in find_years("截至2024/12/31,湖州市", None)] == [2024]
    assert [y.year for y in find_years("as of late 2024, by 2023", None)] == [2024, 2023]


@pytest.mark.parametrize(
    ("text", "indicator", "value"),
    [
        ("绵阳全年全社会研发经费投入强度为7.2%。", "rd_intensity", 7.2),
        ("香港研发总开支约为282亿元。", "rd_expenditure", 2.82e10),
        ("杭州技术市场成交额1200亿元。", "tech_contract_turnover", 1.2e11),
        ("南京有“双一流”建设高校13所。", "double_first_class_universities", 13.0),
        ("By the end of 2024, Suzhou had 1,200 valid invention patents.", "invention_patents_held", 1200.0),
    ],
)
def test_lexicon_synonyms_as_sources_write_them(ex, text, indicator, value):
    assert [(c.indicator, c.value) for c in ex.extract_chunks([text]) if c.indicator] == [(indicator, value)]


@pytest.mark.parametrize(
    "text",
    [
        "2024年北京城镇私营单位就业人员年平均工资为10.5万元。",  # private-sector wage: not avg_wage_nonprivate
        "深圳建成区面积达到956平方公里。",  # built-up area: not land_area
        "长沙在校大学生80余万人。",  # students: not universities_total
    ],
)
def test_near_phrases_of_series_no_id_names_are_proposed(ex, text):
    cands = list(ex.extract_chunks([text]))
    assert cands and all(c.status == "proposed" and not c.indicator for c in cands)


def test_range_with_a_unit_on_each_end_is_one_figure():
    from innoscope.ingest.claims.numbers import find_figures

    got_ = [(f.value, f.unit, f.high) for f in find_figures("在3500家至3800家之间，在1.2万—1.5万家之间")]
    assert got_ == [(3500.0, "家", 3800.0), (12000.0, "家", 15000.0)]
    assert [(f.value, f.high) for f in find_figures("北京114家—上海63家")] == [(114.0, None), (63.0, None)]


def test_changes_written_with_tigao_or_in_english(ex):
    rows = got(ex, "长沙每万人高价值发明专利拥有量达到19.6件，较上年提高3.1件。")
    assert rows == [
        ("长沙", "high_value_invention_patents_per_10k_pop", 19.6, "件/万人", None, "level"),
        ("长沙", "high_value_invention_patents_per_10k_pop_change", 3.1, "件/万人", None, "change"),
    ]
    assert got(ex, "Hangzhou added 1,800 high-tech enterprises in 2024.") == [
        ("杭州", "high_tech_enterprises_change", 1800.0, "家", 2024, "change")
    ]


def test_respective_lists_with_yici_and_english_respectively(ex):
    assert got(ex, "福州、厦门、泉州三市研发投入强度依次为2.3%、3.3%和1.8%。") == [
        ("福州", "rd_intensity", 2.3, "%", None, "share"),
        ("厦门", "rd_intensity", 3.3, "%", None, "share"),
        ("泉州", "rd_intensity", 1.8, "%", None, "share"),
    ]
    text = (
        "Shijiazhuang and Baoding had 3,100 and 2,200 high-tech enterprises respectively at the end of 2024."
    )
    assert got(ex, text) == [
        ("石家庄", "high_tech_enterprises", 3100.0, "家", 2024, "level"),
        ("保定", "high_tech_enterprises", 2200.0, "家", 2024, "level"),
    ]


def test_rank_scopes_and_words_that_are_no_ranks(ex):
    # 江西省 after 居 is the rank's scope; the rank is 赣州's
    rows = got(ex, "赣州国家高新技术企业1618家，数量居江西省第二位。")
    assert rows[-1] == ("赣州", "high_tech_enterprises_rank", 2.0, "rank", None, "rank")
    # 全国第5 of a global ranking names no id, also when written in English
    rows = got(ex, "Nanjing ranked No. 2 in China in the Nature Index research cities table.")
    assert rows == []
    assert got(ex, "南京国家高新技术企业突破1万家，跻身全国第一梯队。") == [
        ("南京", "high_tech_enterprises", 10000.0, "家", None, "level")
    ]


def test_quanqu_is_a_district_not_the_city(ex):
    assert got(ex, "全区研发投入强度达到11.2%，居全省各县（市、区）首位。", subject="杭州") == []
    assert got(ex, "全区研发投入强度达到11.2%。", subject="滨江区") == [
        ("滨江区", "rd_intensity", 11.2, "%", None, "share")
    ]


def test_share_of_the_phrase_after_it(ex):
    rows = got(ex, "滨江区集聚了全市约20%的国家高新技术企业。")
    assert rows == [("滨江区", "high_tech_enterprises_share", 20.0, "%", None, "share")]


def test_one_months_figure_and_foreign_money_are_proposed(ex):
    cands = list(ex.extract_chunks(["台州市12月份工业机器人产量1860台，全年产量1.9万台。"]))
    assert [(c.indicator, c.value) for c in cands] == [("", 1860.0), ("industrial_robot_output", 19000.0)]
    cands = list(ex.extract_chunks(["香港研发总开支约为282亿港元。"]))
    assert [(c.indicator, c.value, c.unit, c.status) for c in cands] == [("", 2.82e10, "港元", "proposed")]


def test_tables_rank_column_and_title_unit(ex):
    text = "表1 2024年部分城市“小巨人”企业数量\n排名 | 城市 | 数量（家）\n1 | 北京 | 1081\n2 | 深圳 | 1040"
    assert got(ex, text) == [
        ("北京", "little_giants_valid", 1081.0, "家", 2024, "level"),
        ("北京", "little_giants_valid_rank", 1.0, "rank", 2024, "rank"),
        ("深圳", "little_giants_valid", 1040.0, "家", 2024, "level"),
        ("深圳", "little_giants_valid_rank", 2.0, "rank", 2024, "rank"),
    ]
    text = "部分城市技术合同成交额（亿元）\n城市 | 2023年 | 2024年\n西安 | 4120.6 | 4753.9"
    assert got(ex, text) == [
        ("西安", "tech_contract_turnover", 4.120600e11, "元", 2023, "level"),
        ("西安", "tech_contract_turnover", 4.753900e11, "元", 2024, "level"),
    ]


def test_gdp_written_against_its_figure(ex):
    assert got(ex, "宁波市2024年实现GDP18147.7亿元，增长5.4%。") == [
        ("宁波", "gdp", 1.81477e12, "元", 2024, "level"),
        ("宁波", "gdp_growth", 5.4, "%", 2024, "growth"),
    ]


def test_certified_in_the_year_is_a_change(ex):
    assert got(ex, "无锡全年认定国家高新技术企业1200家，年末有效期内高新技术企业达到6800家。") == [
        ("无锡", "high_tech_enterprises_change", 1200.0, "家", None, "change"),
        ("无锡", "high_tech_enterprises", 6800.0, "家", None, "level"),
    ]


def test_two_places_total_and_top_n_list(ex):
    assert got(ex, "据统计，成都、重庆两地高新技术企业总数超过2.1万家。") == []
    # 分列前三位: ranks 1-3 in the order written; 三位 is no count of 位
    assert got(ex, "深圳、杭州、广州的研发投入强度分列前三位。") == [
        ("深圳", "rd_intensity_rank", 1.0, "rank", None, "rank"),
        ("杭州", "rd_intensity_rank", 2.0, "rank", None, "rank"),
        ("广州", "rd_intensity_rank", 3.0, "rank", None, "rank"),
    ]


def test_edition_year_inside_a_report_title():
    assert [y.year for y in find_years("《国家创新型城市创新能力评价报告2024》显示", None)] == [2024]
    assert [y.year for y in find_years("In the Nature Index 2024 Research Cities ranking", None)] == [2024]


def test_subset_of_a_series_is_proposed(ex):
    cands = list(ex.extract_chunks(["据统计，宁波营收亿元以上的高新技术企业超过900家。"]))
    assert [(c.indicator, c.value, c.status) for c in cands] == [("", 900.0, "proposed")]


def test_zones_without_a_city_name_and_inside_abbreviations(ex):
    assert got(ex, "深港科技创新合作区内已集聚高新技术企业140余家。") == []
    text = "南京市科技局\n江北新区高新技术企业超过1000家，占南京全市的比重接近十分之一。"
    assert got(ex, text) == []


def test_other_currencies_are_not_yuan(ex):
    cands = list(ex.extract_chunks(["澳门去年本地生产总值为4033亿澳门元。"]))
    assert [(c.indicator, c.unit, c.status) for c in cands] == [("", "澳门元", "proposed")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ningbo's GDP rose 5.4 percent year-on-year to 1.81 trillion yuan in 2024.",
            [("宁波", "gdp_growth", 5.4, "%", 2024, "growth"), ("宁波", "gdp", 1.81e12, "元", 2024, "level")],
        ),
        (
            "Hefei's economy grew 6.1 per cent in 2024.",
            [("合肥", "gdp_growth", 6.1, "%", 2024, "growth")],
        ),
        (
            "Dongguan's R&D spending totaled RMB 48.2 billion in 2024, accounting for 4.1 percent of its GDP.",
            [
                ("东莞", "rd_expenditure", 4.82e10, "元", 2024, "level"),
                ("东莞", "rd_intensity", 4.1, "%", 2024, "share"),
            ],
        ),
        (
            "In 2024 Wuxi's GDP expanded 5.2% and Changzhou's climbed 6.1%.",
            [
                ("无锡", "gdp_growth", 5.2, "%", 2024, "growth"),
                ("常州", "gdp_growth", 6.1, "%", 2024, "growth"),
            ],
        ),
    ],
)
def test_english_percent_words_and_growth_verbs(ex, text, expected):
    # "percent" / "per cent" are the unit % (they were bare numbers, so the growth was lost); expanded, climbed
    # are growth verbs like rose and grew
    assert got(ex, text) == expected


def test_percentage_points_are_a_change_not_a_percent():
    from innoscope.ingest.claims.numbers import find_figures

    (f,) = find_figures("up 0.3 percentage points")
    assert (f.value, f.unit) == (0.3, "pp")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "南山区国家高新技术企业达到4800家，连续多年居深圳各区首位。",
            [
                ("南山区", "high_tech_enterprises", 4800.0, "家", None, "level"),
                ("南山区", "high_tech_enterprises_rank", 1.0, "rank", None, "rank"),
            ],
        ),
        (
            # (a place in the 百强县 list is a composite ranking, no series' rank: see the labelling guide)
            "昆山市地区生产总值超过5000亿元，位居全国县级市之首。",
            [
                ("昆山市", "gdp", 5e11, "元", None, "level"),
                ("昆山市", "gdp_rank", 1.0, "rank", None, "rank"),
            ],
        ),
        (
            "2024年，常州研发投入强度3.5%，居长三角城市第六。",
            [
                ("常州", "rd_intensity", 3.5, "%", 2024, "share"),  # a percent of a percent series
                ("常州", "rd_intensity_rank", 6.0, "rank", 2024, "rank"),
            ],
        ),
    ],
)
def test_rank_with_any_short_scope_between_verb_and_ordinal(ex, text, expected):
    assert got(ex, text) == expected


def test_first_place_word_without_a_rank_verb_is_no_rank(ex):
    # 首位 after 放在 (put first) is not a rank: no verb of ranking is written
    assert got(ex, "苏州把科技创新放在首位，高新技术企业1.6万家。") == [
        ("苏州", "high_tech_enterprises", 16000.0, "家", None, "level")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "朝阳区2024年独角兽企业31家，约占北京市的三成。",
            [
                ("朝阳区", "unicorns", 31.0, "家", 2024, "level"),
                ("朝阳区", "unicorns_share", 30.0, "%", 2024, "share"),
            ],
        ),
        (
            "南海区的高新技术企业占佛山全市的两成。",
            [("南海区", "high_tech_enterprises_share", 20.0, "%", None, "share")],
        ),
        (
            "佛山的国家高新技术企业中，顺德区占比超过四成。",
            [("顺德区", "high_tech_enterprises_share", 40.0, "%", None, "share")],
        ),
    ],
)
def test_shares_in_tenths(ex, text, expected):
    assert got(ex, text) == expected


def test_cheng_in_words_is_no_share(ex):
    # 成为, 成都, 完成, 建成: 成 after a numeral only in 九成 etc. after 占/约/近/超过
    assert got(ex, "成都完成三成改造任务后成为试点，高新技术企业1.3万家。") == [
        ("成都", "high_tech_enterprises", 13000.0, "家", None, "level")
    ]


def test_the_whole_after_zhan_owns_no_rank_after_it(ex):
    # 北京市 after 约占 is the whole of the share; the rank after it is still 朝阳区's
    assert got(ex, "朝阳区独角兽企业31家，约占北京市的三成，位列全国区县第二。") == [
        ("朝阳区", "unicorns", 31.0, "家", None, "level"),
        ("朝阳区", "unicorns_share", 30.0, "%", None, "share"),
        ("朝阳区", "unicorns_rank", 2.0, "rank", None, "rank"),
    ]


def test_respectively_heading_its_clause_refers_to_the_clauses_before(ex):
    # 分别 with no series of its own: the growths are those of the two clauses before, in order
    assert got(ex, "2024年，合肥高新技术企业8000家，独角兽企业12家，分别增长15%和20%。") == [
        ("合肥", "high_tech_enterprises", 8000.0, "家", 2024, "level"),
        ("合肥", "unicorns", 12.0, "家", 2024, "level"),
        ("合肥", "high_tech_enterprises_growth", 15.0, "%", 2024, "growth"),
        ("合肥", "unicorns_growth", 20.0, "%", 2024, "growth"),
    ]
    # a clause of a series no id names keeps its growth unnamed (proposed), not the other clause's
    assert got(ex, "2024年，长沙高新技术企业7000家，科技型中小企业1.2万家，分别增长11%和19%。") == [
        ("长沙", "high_tech_enterprises", 7000.0, "家", 2024, "level"),
        ("长沙", "high_tech_enterprises_growth", 11.0, "%", 2024, "growth"),
    ]


def test_english_sentence_ending_with_its_year(ex):
    assert got(ex, "Xiamen's R&D spending was RMB 31.2 billion, or 3.4 percent of GDP, in 2024.") == [
        ("厦门", "rd_expenditure", 3.12e10, "元", 2024, "level"),
        ("厦门", "rd_intensity", 3.4, "%", 2024, "share"),
    ]
    # a year after "from" is the earlier value's, not the figure's: 12,000 is Hangzhou's 2022 count
    assert got(ex, "Hangzhou had 15,000 high-tech firms, up from 12,000 in 2022.") == [
        ("杭州", "high_tech_enterprises", 15000.0, "家", None, "level"),
        ("杭州", "high_tech_enterprises", 12000.0, "家", 2022, "level"),
    ]


def test_a_percent_written_as_rd_spending_is_the_intensity(ex):
    # the lexicon's `percent`: R&D input was 3.1% is the intensity, and the growth right after it is the
    # intensity's; after 占 a percent stays a share of the spending
    assert got(ex, "Ningbo's R&D investment stood at 3.1%, up 0.2% year on year.") == [
        ("宁波", "rd_intensity", 3.1, "%", None, "share"),
        ("宁波", "rd_intensity_growth", 0.2, "%", None, "growth"),
    ]
    assert got(ex, "2024年，宁波研发投入占全省的16%。") == [
        ("宁波", "rd_expenditure_share", 16.0, "%", 2024, "share")
    ]


def test_clause_opening_with_a_total_after_several_places_is_no_ones(ex):
    assert got(ex, "江北区、渝中区的高新技术企业分别为900家和500家，合计占重庆全市的三成左右。") == [
        ("江北区", "high_tech_enterprises", 900.0, "家", None, "level"),
        ("渝中区", "high_tech_enterprises", 500.0, "家", None, "level"),
    ]


def test_share_concentrated_in_a_place_is_that_places(ex):
    # 集中在 names the owner after the share: a district's, or no one's when a zone is written there
    assert got(ex, "深圳的独角兽企业中，近四成集中在南山区。") == [
        ("南山区", "unicorns_share", 40.0, "%", None, "share")
    ]
    assert got(ex, "无锡的高新技术企业中，约三成集中在无锡高新技术产业开发区。") == []


def test_pdf_lines_wrapped_inside_a_word_are_joined(ex):
    text = (
        "宁波市2024年国民经济和社会发展统计公报\n年末全市有效期内国家高新技\n术企业5880家，比上年增\n长9.1%。"
    )
    assert got(ex, text) == [
        ("宁波", "high_tech_enterprises", 5880.0, "家", 2024, "level"),
        ("宁波", "high_tech_enterprises_growth", 9.1, "%", 2024, "growth"),
    ]


@pytest.mark.parametrize(
    ("text", "first", "expected"),
    [
        ("全市国家高新技术企\n业达到1.36万家", False, "全市国家高新技术企业达到1.36万家"),
        # the title line, a short line, a heading and table rows keep their breaks
        ("成都市统计公报\n全市国家高新技术企业", True, "成都市统计公报\n全市国家高新技术企业"),
        ("科技创新\n全市国家高新技术企业", False, "科技创新\n全市国家高新技术企业"),
        (
            "二、科学技术和教育工作\n全市国家高新技术企业",
            False,
            "二、科学技术和教育工作\n全市国家高新技术企业",
        ),
        (
            "城市 | 独角兽企业 | 高新技术企业\n北京 | 114家",
            False,
            "城市 | 独角兽企业 | 高新技术企业\n北京 | 114家",
        ),
        # a line ending with punctuation or a digit is a line of its own
        (
            "全市国家高新技术企业1.36万家。\n全市技术合同成交额",
            False,
            "全市国家高新技术企业1.36万家。\n全市技术合同成交额",
        ),
    ],
)
def test_join_wrapped_lines(text, first, expected):
    from innoscope.ingest.claims.document import join_wrapped_lines

    assert join_wrapped_lines(text, first=first) == expected


def test_last_year_in_a_dated_title_gives_the_year(ex):
    from datetime import date

    text = "星島日報 2025-02-10：無錫去年高企淨增逾千家\n無錫全市高新技術企業總數達1.0萬家"
    # the title's 净增逾千家 is a figure too (a net increase of more than 1,000 in 2024)
    assert got(ex, text, doc_date=date(2025, 2, 10)) == [
        ("无锡", "high_tech_enterprises_change", 1000.0, "家", 2024, "change"),
        ("无锡", "high_tech_enterprises", 10000.0, "家", 2024, "level"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "力争到2028年，全市高新技术企业达到1万家，研发投入强度达到3.5%。",
        "按照规划，长沙2027年高新技术企业数量将超过1万家。",
        "Hefei aims to have 10,000 high-tech enterprises by 2027.",
    ],
)
def test_targets_are_no_values(ex, text):
    assert got(ex, "合肥科技创新行动方案\n" + text) == []


def test_a_preliminary_value_is_a_value(ex):
    # 预计 in a communiqué is the year's preliminary value, not a target
    assert got(ex, "2024年全市R&D经费支出预计达到300亿元。", subject="温州") == [
        ("温州", "rd_expenditure", 3e10, "元", 2024, "level")
    ]


def test_part_of_a_year_is_not_the_years_series(ex):
    assert got(ex, "2024年上半年，佛山地区生产总值6200亿元；全年佛山地区生产总值1.34万亿元，增长1.5%。") == [
        ("佛山", "gdp", 1.34e12, "元", 2024, "level"),
        ("佛山", "gdp_growth", 1.5, "%", 2024, "growth"),
    ]
    assert got(ex, "前三季度，东莞研发投入150亿元，同比增长8%。") == []


def test_order_after_yixu_is_a_ranking(ex):
    assert got(ex, "2024年研发投入强度前三的城市依序為深圳、西安、北京")[:3] == [
        ("深圳", "rd_intensity_rank", 1.0, "rank", 2024, "rank"),
        ("西安", "rd_intensity_rank", 2.0, "rank", 2024, "rank"),
        ("北京", "rd_intensity_rank", 3.0, "rank", 2024, "rank"),
    ]


def test_share_of_local_gdp_after_rd_spending_is_the_intensity(ex):
    assert got(ex, "澳門去年研發經費約為30億澳門元，佔本地生產總值的0.7%") == [
        ("澳门", "rd_intensity", 0.7, "%", None, "share")
    ]


def test_table_header_under_a_title_names_the_columns_and_their_units(ex):
    # the header is the second line: bare numbers take its columns' series, and 亿元 in a header cell scales
    text = "2024年部分城市创新指标\n城市 | 研发投入强度（%） | 高新技术企业（家） | 研发投入(亿元)\n嘉兴 | 3.4 | 3010 | 250.7"
    assert got(ex, text) == [
        ("嘉兴", "rd_intensity", 3.4, "%", 2024, "level"),
        ("嘉兴", "high_tech_enterprises", 3010.0, "家", 2024, "level"),
        ("嘉兴", "rd_expenditure", 2.507e10, "元", 2024, "level"),
    ]


def test_serial_and_growth_columns(ex):
    # 序号 counts rows (no figure); 增速 holds growth rates of the series the title (or the column to the left) names
    text = "附表 2024年各市技术合同成交额（亿元）\n序号 | 地区 | 成交额 | 增速(%)\n1 | 烟台 | 320.5 | 12.4"
    assert got(ex, text) == [
        ("烟台", "tech_contract_turnover", 3.205e10, "元", 2024, "level"),
        ("烟台", "tech_contract_turnover_growth", 12.4, "%", 2024, "growth"),
    ]
    text = "2024年\n城市 | 高新技术企业（家） | 增速（%）\n台州 | 2980 | 9.5"
    assert got(ex, text) == [
        ("台州", "high_tech_enterprises", 2980.0, "家", 2024, "level"),
        ("台州", "high_tech_enterprises_growth", 9.5, "%", 2024, "growth"),
    ]


def test_utf8_read_as_latin1_is_decoded_back(ex):
    # 市 is e5 b8 82 in UTF-8, read as cp1252 it is å¸‚; 年 is å¹´; the full-width comma ï¼Œ
    text = (
        "昆明"
        + "市2024年".encode().decode("cp1252")
        + "地区生产总值8000亿元"
        + "，".encode().decode("cp1252")
        + "增长5%"
    )
    assert "å¸‚" in text and "å¹´" in text
    assert got(ex, text) == [
        ("昆明", "gdp", 8e11, "元", 2024, "level"),
        ("昆明", "gdp_growth", 5.0, "%", 2024, "growth"),
    ]


def test_repair_latin1_mojibake_leaves_real_latin1_alone():
    from innoscope.ingest.text import repair_latin1_mojibake

    assert repair_latin1_mojibake("café Zürich") == "café Zürich"
    assert repair_latin1_mojibake("å¸‚") == "市"


def test_a_section_heading_gives_its_year_to_the_lines_below(ex):
    text = "统计公报\n一、2024年经济运行情况\n南昌市实现地区生产总值7800亿元，增长5%\n二、工业\n南昌市高新技术企业3000家"
    assert got(ex, text) == [
        ("南昌", "gdp", 7.8e11, "元", 2024, "level"),
        ("南昌", "gdp_growth", 5.0, "%", 2024, "growth"),
        ("南昌", "high_tech_enterprises", 3000.0, "家", None, "level"),
    ]


def test_prices_per_square_metre_and_renminbi(ex):
    assert got(ex, "2024年，嘉兴新建商品住宅平均销售价格为每平方米1.8万元。") == [
        ("嘉兴", "avg_home_price", 18000.0, "元/m²", 2024, "level")
    ]
    assert got(ex, "台州新建住宅均價每平方公尺約2.1萬人民幣") == [
        ("台州", "avg_home_price", 21000.0, "元/m²", None, "level")
    ]


def test_hyphenated_amount_is_an_adjective_not_a_figure(ex):
    assert got(
        ex, "Foshan's GDP rose 1.8 per cent, keeping it among the nation's 27 trillion-yuan cities."
    ) == [("佛山", "gdp_growth", 1.8, "%", None, "growth")]


def test_month_end_without_a_year_takes_the_documents(ex):
    from datetime import date

    text = "截至9月底，丽水市高新技术企业达到1200家"
    assert got(ex, text, doc_date=date(2024, 10, 20)) == [
        ("丽水", "high_tech_enterprises", 1200.0, "家", 2024, "level")
    ]
    # a January release's 截至12月底 is the year before
    assert got(ex, "截至12月底，丽水市高新技术企业达到1200家", doc_date=date(2025, 1, 15)) == [
        ("丽水", "high_tech_enterprises", 1200.0, "家", 2024, "level")
    ]


def test_growth_over_several_years_and_yearly_rates_are_not_a_years(ex):
    assert got(ex, "鞍山市国家高新技术企业突破800家，较五年前增长1.5倍。") == [
        ("鞍山", "high_tech_enterprises", 800.0, "家", None, "level")
    ]
    assert got(ex, "威海每年新增高新技术企业100-150家，总量已达1100家。") == [
        ("威海", "high_tech_enterprises", 1100.0, "家", None, "level")
    ]


def test_nth_city_to_reach_is_no_rank(ex):
    assert got(ex, "常州地区生产总值达1.01万亿元，是全省第5个万亿城市。") == [
        ("常州", "gdp", 1.01e12, "元", None, "level")
    ]


def test_a_share_clause_before_limits_nothing(ex):
    # 占 of the earlier clause does not send the owner of 4.1% back before it (it is 珠海's, written right before)
    text = "广东全省R&D经费投入5000亿元，其中深圳、广州两市合计占比超过六成，珠海以4.1%的投入强度居全省第三。"
    assert ("珠海", "rd_intensity", 4.1, "%", None, "share") in got(ex, text)
    assert ("珠海", "rd_intensity_rank", 3.0, "rank", None, "rank") in got(ex, text)


def test_zhao_amounts_and_second_place_words(ex):
    assert got(ex, "廣州去年GDP達3.1兆人民幣，深圳3.7兆居次") == [
        ("广州", "gdp", 3.1e12, "元", None, "level"),
        ("深圳", "gdp", 3.7e12, "元", None, "level"),
        ("深圳", "gdp_rank", 2.0, "rank", None, "rank"),
    ]
    assert got(ex, "新竹光伏装机100兆瓦") == []


def test_english_bare_number_after_a_verb_of_level(ex):
    assert got(ex, "Nanjing's high-tech enterprises exceeded 9,500 last year.") == [
        ("南京", "high_tech_enterprises", 9500.0, "家", None, "level")
    ]
    assert got(ex, "Wuxi's PCT applications rose 10 percent to 2,100.") == [
        ("无锡", "pct_applications_growth", 10.0, "%", None, "growth"),
        ("无锡", "pct_applications", 2100.0, "件", None, "level"),
    ]


def test_gbk_read_as_latin1_is_decoded_back():
    from innoscope.ingest.text import repair_latin1_mojibake

    garbled = "深圳市科技创新局".encode("gbk").decode("latin-1")
    assert repair_latin1_mojibake(garbled + "…… 全市") == "深圳市科技创新局…… 全市"
    assert repair_latin1_mojibake("Société Générale") == "Société Générale"


def test_a_local_dailys_city_is_the_subject_when_nothing_else_is_named(ex):
    assert got(ex, "绍兴日报 2025-03-02\n全市研发投入强度达3.3%") == [
        ("绍兴", "rd_intensity", 3.3, "%", None, "share")
    ]
    # a place named in the text wins over the outlet's (天津日报 reporting on 深圳)
    assert got(ex, "天津日报：深圳专精特新\n全市高新技术企业2.5万家。") == [
        ("深圳", "high_tech_enterprises", 25000.0, "家", None, "level")
    ]


def test_a_provinces_communique_owns_its_quan_sheng_figures(ex):
    text = "湖南省2024年国民经济和社会发展统计公报\n全省实现地区生产总值53231亿元，其中长沙市实现地区生产总值15268.8亿元。"
    assert got(ex, text) == [
        ("湖南", "gdp", 5.3231e12, "元", 2024, "level"),
        ("长沙", "gdp", 1.52688e12, "元", 2024, "level"),
    ]
    # in a city's document 全省 stays a scope, and 全市 of a province's page is the city it names
    assert got(ex, "杭州市统计公报\n全省高新技术企业4万家，全市1.5万家") == [
        ("杭州", "high_tech_enterprises", 15000.0, "家", None, "level")
    ]
    assert got(ex, "江苏省人民政府网 2025-01-26\n盐城全市地区生产总值达7800亿元。") == [
        ("盐城", "gdp", 7.8e11, "元", None, "level")
    ]


def test_headerless_row_gives_the_title_series_to_numbers_of_its_order(ex):
    text = "2024年各市研发投入（亿元）\n温州 | 300.5 | 3.1\n台州 | 200.3 | 2.9"
    assert got(ex, text) == [
        ("温州", "rd_expenditure", 3.005e10, "元", 2024, "level"),
        ("台州", "rd_expenditure", 2.003e10, "元", 2024, "level"),
    ]
    # numbers of one order are years of the series
    text = "PCT国际专利申请量（件）\n西安 | Xi'an | 560 | 610 | 655"
    assert [g[2] for g in got(ex, text)] == [560.0, 610.0, 655.0]


def test_share_of_the_citys_own_total_is_not_the_citys(ex):
    assert got(ex, "台州民营经济贡献了全市约70%的GDP、80%的税收。") == []
    assert got(ex, "余杭区以全市5%的土地面积，集聚了全市约15%的国家高新技术企业。") == [
        ("余杭区", "land_area_share", 5.0, "%", None, "share"),
        ("余杭区", "high_tech_enterprises_share", 15.0, "%", None, "share"),
    ]


def test_subsets_written_with_their_own_noun(ex):
    assert got(ex, "截至2024年6月，西安共有普通高校63所，其中本科院校44所，专科19所") == [
        ("西安", "universities_total", 63.0, "所", 2024, "level"),
        ("西安", "universities_undergrad", 44.0, "所", 2024, "level"),
    ]
    assert got(ex, "澳門常住人口68.7萬，其中外地僱員約18萬人") == [
        ("澳门", "resident_population", 687000.0, "人", None, "level")
    ]


def test_a_class_threshold_is_no_value(ex):
    # 2000万 and 千亿元 describe a class of cities or provinces; the place's own figure stays
    assert got(ex, "2024年，昆明常住人口868.0万人，是西南地区常住人口超过800万的城市之一。") == [
        ("昆明", "resident_population", 8680000.0, "人", 2024, "level")
    ]
    assert got(ex, "R&D经费投入超过千亿元的省（市）有12个，其中湖北（1408.2亿元）居中部首位。")[:1] == [
        ("湖北", "rd_expenditure", 140820000000.0, "元", None, "level")
    ]
    assert got(ex, "营收超过100亿元的企业，常州有21家。") == []
    # a percent before 的国家…企业 is a share, not a threshold
    assert got(ex, "南山区集聚了全市约三成的国家高新技术企业。") == [
        ("南山区", "high_tech_enterprises_share", 30.0, "%", None, "share")
    ]


def test_a_forecast_with_jiang_is_proposed_in_its_clause_only(ex):
    text = "漳州高新技术企业总量今年将突破1500家；全市技术合同成交额2024年为21.3亿元"
    assert got(ex, text) == [("漳州", "tech_contract_turnover", 2130000000.0, "元", 2024, "level")]
    text = "预计到2027年，漳州高新技术企业总量达到2000家。"
    assert got(ex, text) == []


def test_an_english_month_after_a_figure_is_part_of_a_year(ex):
    assert (
        got(ex, "Nanning's industrial output grew 6.5 percent, and its GDP grew 4.8 percent in April.") == []
    )
    assert got(ex, "Nanning's GDP grew 4.8 percent year on year in the first three quarters.") == []
    # a month before the figure may be when the news was told; a comma ends the clause
    assert got(ex, "In April, Nanning's GDP grew 4.8 percent.") == [
        ("南宁", "gdp_growth", 4.8, "%", None, "growth")
    ]
    assert got(ex, "Nanning's GDP grew 4.8 percent, the bureau said in April.") == [
        ("南宁", "gdp_growth", 4.8, "%", None, "growth")
    ]


def test_the_province_of_an_english_apposition_owns_nothing(ex):
    text = "Guiyang, capital of southwest China's Guizhou Province, saw its GDP reach 566.2 billion yuan in 2024."
    assert got(ex, text) == [("贵阳", "gdp", 566200000000.0, "元", 2024, "level")]
    text = (
        "Guiyang News 2025-01-20\nGuiyang, the capital of Guizhou, had 2,100 high-tech enterprises in 2024."
    )
    assert got(ex, text) == [("贵阳", "high_tech_enterprises", 2100.0, "家", 2024, "level")]


def test_us_dollars_written_with_dots_are_dollars(ex):
    text = "Ningbo's GDP reached 1.81 trillion yuan (about 254 billion U.S. dollars) in 2024."
    assert got(ex, text) == [("宁波", "gdp", 1.81e12, "元", 2024, "level")]


def test_jun_after_a_list_of_places_gives_the_figure_to_each(ex):
    assert got(ex, "徐州、盐城GDP增速均为5.6%。") == [
        ("徐州", "gdp_growth", 5.6, "%", None, "growth"),
        ("盐城", "gdp_growth", 5.6, "%", None, "growth"),
    ]
    assert got(ex, "Xuzhou and Yancheng both had more than 3,000 high-tech enterprises.") == [
        ("徐州", "high_tech_enterprises", 3000.0, "家", None, "level"),
        ("盐城", "high_tech_enterprises", 3000.0, "家", None, "level"),
    ]
    # 人均 is no 均: the per-capita figure stays with the nearest place
    assert [c.entity for c in ex.extract_chunks(["徐州、盐城人均GDP超过13万元。"])] == ["盐城"]


def test_ranks_after_a_list_of_places_with_their_figures_in_parentheses(ex):
    text = "2024年全国独角兽企业：广州(24家)、杭州(22家)分列全国第四、第五"
    assert [g for g in got(ex, text) if g[5] == "rank"] == [
        ("广州", "unicorns_rank", 4.0, "rank", 2024, "rank"),
        ("杭州", "unicorns_rank", 5.0, "rank", 2024, "rank"),
    ]
    # 第二、三 at the end of a sentence is 2 and 3; no 分列 needed when the figures sit in parentheses
    text = "2024年各省GDP：浙江(9.01万亿元)、四川(6.47万亿元)位列第四、五。"
    assert [g for g in got(ex, text) if g[5] == "rank"] == [
        ("浙江", "gdp_rank", 4.0, "rank", 2024, "rank"),
        ("四川", "gdp_rank", 5.0, "rank", 2024, "rank"),
    ]


def test_ordinals_right_after_places_continue_a_ranking(ex):
    text = "2024年城市GDP排名中，天津位列第十一，宁波第十二，青岛第十三"
    assert got(ex, text) == [
        ("天津", "gdp_rank", 11.0, "rank", 2024, "rank"),
        ("宁波", "gdp_rank", 12.0, "rank", 2024, "rank"),
        ("青岛", "gdp_rank", 13.0, "rank", 2024, "rank"),
    ]
    # without a rank before it, 第十二 after a place is no rank
    assert got(ex, "宁波第十二届人才科技周开幕。") == []


def test_english_ordinals_of_standing(ex):
    text = (
        "In the Nature Index 2025 research cities table, Beijing stayed first, followed by Shanghai (2nd); "
        "Wuhan climbed to 7th."
    )
    assert got(ex, text) == [
        ("北京", "nature_index_city_rank", 1.0, "rank", 2025, "rank"),
        ("上海", "nature_index_city_rank", 2.0, "rank", 2025, "rank"),
        ("武汉", "nature_index_city_rank", 7.0, "rank", 2025, "rank"),
    ]
    # the series named after the ranks when none is named before them
    text = "Beijing came first and Shanghai came second in the Nature Index 2024 research cities ranking."
    assert [g[:3] for g in got(ex, text)] == [
        ("北京", "nature_index_city_rank", 1.0),
        ("上海", "nature_index_city_rank", 2.0),
    ]
    text = "Tianjin's economy, the 11th-largest among Chinese cities, grew 5.1 percent in 2024."
    assert ("天津", "gdp_rank", 11.0, "rank", 2024, "rank") in got(ex, text)
    # first half, first time: no rank
    assert got(ex, "Tianjin's GDP grew 5.1 percent in 2024, the first time since 2019.") == [
        ("天津", "gdp_growth", 5.1, "%", 2024, "growth")
    ]


def test_a_rank_after_a_figure_no_phrase_names_is_proposed(ex):
    text = "大庆市科技局\n2024年全市高新技术企业达到503家；全市技术转移机构促成交易额12.3亿元，居全省第二"
    cands = [c for c in ex.extract_chunks([text]) if c.kind == "rank"]
    assert [(c.entity, c.indicator, c.value, c.status) for c in cands] == [("大庆", "", 2.0, "proposed")]
    assert "交易额" in cands[0].phrase
    # 技术合同登记额 names the turnover
    assert got(ex, "株洲全市技术合同登记额2024年首次突破200亿元。") == [
        ("株洲", "tech_contract_turnover", 2e10, "元", 2024, "level")
    ]


def test_the_province_of_an_english_apposition_with_in_or_of(ex):
    text = "Wenzhou, a private-business hub in Zhejiang, has more than 4,000 high-tech enterprises."
    assert got(ex, text) == [("温州", "high_tech_enterprises", 4000.0, "家", None, "level")]


def test_a_target_ends_at_a_semicolon(ex):
    text = "力争到2027年，全市高新技术企业突破2000家；2024年保定全市高企总数为1520家。"
    assert got(ex, text) == [("保定", "high_tech_enterprises", 1520.0, "家", 2024, "level")]


def test_a_place_inside_a_rank_scope_owns_nothing_after_it(ex):
    text = "2024年慈溪市实现地区生产总值2500.1亿元，总量居宁波市各区县（市）第二，同比增长5.9%。"
    assert got(ex, text) == [
        ("慈溪市", "gdp", 250010000000.0, "元", 2024, "level"),
        ("慈溪市", "gdp_growth", 5.9, "%", 2024, "growth"),
        ("慈溪市", "gdp_rank", 2.0, "rank", 2024, "rank"),
    ]


def test_a_list_number_at_a_line_start_is_no_figure(ex):
    text = "2024年各市高新技术企业\n8、温州市 7300家\n9，台州市 4800家"
    assert got(ex, text) == [
        ("温州", "high_tech_enterprises", 7300.0, "家", 2024, "level"),
        ("台州", "high_tech_enterprises", 4800.0, "家", 2024, "level"),
    ]


def test_tables_aligned_with_tabs_or_spaces_are_read_as_tables(ex):
    want = [
        ("漳州", "gdp", 6.3e11, "元", 2024, "level"),
        ("漳州", "gdp_growth", 5.4, "%", 2024, "growth"),
        ("莆田", "gdp", 3.3e11, "元", 2024, "level"),
        ("莆田", "gdp_growth", 4.2, "%", 2024, "growth"),
    ]
    tabs = "2024年福建各市GDP\n地区\tGDP(亿元)\t增速(%)\n漳州\t6300.0\t5.4\n莆田\t3300.0\t4.2"
    assert got(ex, tabs) == want
    spaces = "2024年福建各市GDP\n地区      GDP(亿元)     增速(%)\n漳州      6300.0        5.4\n莆田      3300.0        4.2"
    assert got(ex, spaces) == want


def test_mark_cells_keeps_the_length_and_leaves_prose_alone():
    from innoscope.ingest.claims.document import mark_cells

    row = "地区    GDP(亿元)    增速(%)\n漳州    6300.0    5.4"
    marked = mark_cells(row)
    assert len(marked) == len(row)
    assert marked == "地区|   GDP(亿元)|   增速(%)\n漳州|   6300.0|   5.4"
    prose = "Zhangzhou had 2,400 high-tech firms.  Putian had 900.  Both grew."
    assert mark_cells(prose) == prose
    title = "2024年  漳州统计公报\n全市高新技术企业1200家。"  # two cells next to no other row: no row
    assert mark_cells(title) == title
    assert mark_cells("地区    GDP(亿元)\n漳州    6300.0") == "地区|   GDP(亿元)\n漳州|   6300.0"


def test_english_bare_numbers_after_change_verbs_and_a_year_earlier(ex):
    text = "City report\nKunming's resident population rose by 45,000 to 8.68 million at the end of 2024."
    assert got(ex, text) == [
        ("昆明", "resident_population_change", 45000.0, "人", 2024, "change"),
        ("昆明", "resident_population", 8680000.0, "人", 2024, "level"),
    ]
    text = "City report\nThe number of unicorns in Suzhou rose to 9 in 2024 from 7 a year earlier."
    assert got(ex, text) == [
        ("苏州", "unicorns", 9.0, "家", 2024, "level"),
        ("苏州", "unicorns", 7.0, "家", 2023, "level"),
    ]
    # from a number with no year marker after it is no value
    assert got(ex, "City report\nSuzhou's unicorns grew from 7 to 9.") == [
        ("苏州", "unicorns", 9.0, "家", None, "level")
    ]


def test_nian_zeng_is_a_growth(ex):
    assert got(ex, "新聞\n2024年惠州GDP達6,200億元人民幣，年增4.2%") == [
        ("惠州", "gdp", 6.2e11, "元", 2024, "level"),
        ("惠州", "gdp_growth", 4.2, "%", 2024, "growth"),
    ]


def test_a_share_of_firms_rd_is_the_enterprise_share(ex):
    text = "2023年中山研發經費支出約150億元，其中企業研發經費佔八成以上。"
    assert got(ex, text) == [
        ("中山", "rd_expenditure", 1.5e10, "元", 2023, "level"),
        ("中山", "rd_enterprise_share", 80.0, "%", 2023, "share"),
    ]


def test_a_rank_opening_its_line_is_the_place_after_it(ex):
    text = "2024年创新型城市排名\n第14名 青岛\n第15名：无锡"
    assert [(c.entity, c.value) for c in ex.extract_chunks([text]) if c.kind == "rank"] == [
        ("青岛", 14.0),
        ("无锡", 15.0),
    ]


def test_a_firm_series_after_a_group_of_firms_is_theirs(ex):
    text = "新闻\n2024年赣州全市稀土企业实现研发投入12.4亿元；全市研发投入达到90亿元"
    assert got(ex, text) == [("赣州", "rd_expenditure", 9e9, "元", 2024, "level")]


def test_the_whole_of_a_share_names_no_later_amount(ex):
    text = (
        "News\nIn Wuhan, R&D expenditure reached RMB 72.5 billion in 2023, equivalent to 3.6 percent of GDP; "
        "Changsha spent RMB 40.1 billion."
    )
    assert got(ex, text)[-1] == ("长沙", "rd_expenditure", 40.1e9, "元", 2023, "level")


def test_a_range_of_ranks_over_places_with_their_figures(ex):
    text = "2024年湖南各市GDP排名\n第5至7位依次为：衡阳（4500.1亿元）、郴州（3300.2亿元）、永州（2700.3亿元）"
    assert [g for g in got(ex, text) if g[5] == "rank"] == [
        ("衡阳", "gdp_rank", 5.0, "rank", 2024, "rank"),
        ("郴州", "gdp_rank", 6.0, "rank", 2024, "rank"),
        ("永州", "gdp_rank", 7.0, "rank", 2024, "rank"),
    ]
    # without stated ranks, the order of a list whose items carry their values is no rank
    text = "本科高校最多的城市分别是:郑州(30所)、长沙(28所)、合肥(27所)"
    assert [g for g in got(ex, text) if g[5] == "rank"] == []


def test_years_in_chinese_numerals_and_end_dash(ex):
    assert got(ex, "二〇二四年，荆门高新技术企业达到620家。") == [
        ("荆门", "high_tech_enterprises", 620.0, "家", 2024, "level")
    ]
    assert got(ex, "News\nJingmen had 620 high-tech firms at end-2024.") == [
        ("荆门", "high_tech_enterprises", 620.0, "家", 2024, "level")
    ]


def test_growth_since_a_five_year_plan_is_no_years_growth(ex):
    assert got(ex, "较“十三五”末，荆门高新技术企业增长1.8倍。") == []
    assert got(ex, "“十四五”以来，荆门新增高新技术企业300家。") == []


def test_the_district_a_title_writes_after_its_city_is_the_subject(ex):
    assert got(ex, "成都市武侯区2024年统计公报\n全区高新技术企业达到1100家。") == [
        ("武侯区", "high_tech_enterprises", 1100.0, "家", 2024, "level")
    ]


def test_quan_qu_of_an_autonomous_region_is_the_region(ex):
    assert got(ex, "宁夏回族自治区2024年统计公报\n全区高新技术企业达到800家。") == [
        ("宁夏", "high_tech_enterprises", 800.0, "家", 2024, "level")
    ]


def test_county_names_that_are_ordinary_words_are_no_places(ex):
    # 城区 is a district of several cities and an ordinary word ("urban area")
    assert [c.entity for c in ex.extract_chunks(["2024年，合肥城区常住人口达到600万人。"])] == ["合肥"]


def test_ordinals_listed_without_di_after_fen_lie(ex):
    text = "2024年各市GDP：襄阳、宜昌分列全省二、三位"
    assert got(ex, text) == [
        ("襄阳", "gdp_rank", 2.0, "rank", 2024, "rank"),
        ("宜昌", "gdp_rank", 3.0, "rank", 2024, "rank"),
    ]


def test_gbk_read_as_latin1_with_digits_and_full_width_punctuation_inside(ex):
    # GBK bytes of 台州市2024年地区生产总值6500亿元，增长5.5% read as latin-1: digits and ASCII survive, the
    # runs between them hold full-width punctuation (，) as well as ideographs
    text = "台州市2024年地区生产总值6500亿元，增长5.5%".encode("gbk").decode("latin-1")
    assert "£¬" in text
    assert got(ex, text) == [
        ("台州", "gdp", 6.5e11, "元", 2024, "level"),
        ("台州", "gdp_growth", 5.5, "%", 2024, "growth"),
    ]


def test_a_compared_places_own_value_written_after_it(ex):
    assert got(ex, "新闻\n嘉兴高新技术企业3100家，低于宁波的5000家。") == [
        ("嘉兴", "high_tech_enterprises", 3100.0, "家", None, "level"),
        ("宁波", "high_tech_enterprises", 5000.0, "家", None, "level"),
    ]
    # a fraction after the place is a comparison, no value of it; so is a ratio
    assert got(ex, "新闻\n嘉兴本科高校有6所，不及宁波的一半。") == [
        ("嘉兴", "universities_undergrad", 6.0, "所", None, "level")
    ]


def test_a_place_starting_an_organisations_name_owns_none_of_its_figures(ex):
    # a university, a bank, a firm named after a place: their figures are theirs, not the city's
    assert got(ex, "北京大学2023年研发经费达到120亿元。") == []
    assert got(ex, "宁德时代2024年研发投入186.07亿元，连续八年排名全球第一。") == []
    assert got(ex, "南京银行2024年营业收入503亿元，南京市GDP达到1.85万亿元。") == [
        ("南京", "gdp", 1.85e12, "元", 2024, "level")
    ]
    assert got(ex, "西安交通大学科研经费超过40亿元，西安全市研发投入强度达5.23%。") == [
        ("西安", "rd_intensity", 5.23, "%", None, "share")
    ]
    # a city's own listed companies and key laboratories are the city's
    assert got(ex, "苏州重点实验室数量达到20家，高新技术企业1.57万家。")[-1] == (
        "苏州",
        "high_tech_enterprises",
        15700.0,
        "家",
        None,
        "level",
    )


def test_an_english_place_inside_an_organisations_name_owns_none_of_its_figures(ex):
    assert got(ex, "Shanghai Jiao Tong University ranked 3rd in the Nature Index.") == []
    assert got(ex, "Bank of Shanghai reported R&D spending of 5 billion yuan in 2024.") == []
    assert got(
        ex,
        "Peking University published 5,000 papers in 2023, while Beijing's R&D spending reached 250 billion yuan.",
    ) == [("北京", "rd_expenditure", 2.5e11, "元", 2023, "level")]
    assert got(ex, "Shanghai ranked 3rd in the Nature Index.") == [
        ("上海", "nature_index_city_rank", 3.0, "rank", None, "rank")
    ]


def test_a_place_saying_where_a_firm_is_owns_none_of_the_firms_figures(ex):
    # 阿里 is 阿里地区 of Tibet; 阿里巴巴 is a firm; 位于杭州的 only says where it is
    assert got(ex, "位于杭州的阿里巴巴研发投入超过500亿元。杭州高新技术企业1.5万家。") == [
        ("杭州", "high_tech_enterprises", 15000.0, "家", None, "level")
    ]
    assert got(ex, "总部设在合肥的一家企业研发投入达到45亿元") == []
    # a place after 位于 that is the subject itself still owns its figures
    assert got(ex, "位于长江口的上海，GDP达到4.7万亿元") == [("上海", "gdp", 4.7e12, "元", None, "level")]


def test_a_growth_after_an_addition_is_the_additions_not_the_totals(ex):
    # 新增……268家，增长14.1%: the number added grew, a series no id names
    assert got(ex, "邯郸全年新增高新技术企业268家，增长14.1%。") == [
        ("邯郸", "high_tech_enterprises_change", 268.0, "家", None, "change")
    ]
    # the growth after the total is the total's
    assert got(ex, "绍兴新认定高新技术企业836家，比上年增长12.0%；高新技术企业总数达4127家，增长9.5%。") == [
        ("绍兴", "high_tech_enterprises_change", 836.0, "家", None, "change"),
        ("绍兴", "high_tech_enterprises", 4127.0, "家", None, "level"),
        ("绍兴", "high_tech_enterprises_growth", 9.5, "%", None, "growth"),
    ]
    # a difference from last year describes the level: its percent is the level's growth
    assert got(ex, "鹤岗市年末常住人口82.3万人，比上年末减少1.8万人，下降2.1%。")[-1] == (
        "鹤岗",
        "resident_population_growth",
        -2.1,
        "%",
        None,
        "growth",
    )


def test_respectively_after_several_series_in_one_clause(ex):
    # 分别 pairs with the figures before it, each named by its own phrase, in one clause
    assert got(ex, "芜湖高新技术企业达到2100家、专精特新小巨人企业65家，分别增长12.5%和8.3%。") == [
        ("芜湖", "high_tech_enterprises", 2100.0, "家", None, "level"),
        ("芜湖", "little_giants_valid", 65.0, "家", None, "level"),
        ("芜湖", "high_tech_enterprises_growth", 12.5, "%", None, "growth"),
        ("芜湖", "little_giants_valid_growth", 8.3, "%", None, "growth"),
    ]
    # places with figures are no series: the growths stay the places' own
    assert got(ex, "太原、长治地区生产总值分别为5780.2亿元和2820.7亿元，分别增长4.3%和3.1%。")[2:] == [
        ("太原", "gdp_growth", 4.3, "%", None, "growth"),
        ("长治", "gdp_growth", 3.1, "%", None, "growth"),
    ]


def test_a_gap_to_a_mark_is_no_level(ex):
    # 离万亿只差462.6亿: how far 徐州 is from 1 trillion, not its GDP
    assert got(ex, "徐州去年GDP9537.4亿元，离万亿只差462.6亿；常住人口902.8万。") == [
        ("徐州", "gdp", 953740000000.0, "元", None, "level"),
        ("徐州", "resident_population", 9028000.0, "人", None, "level"),
    ]
    assert got(ex, "苏州与深圳高新技术企业数量相差约3000家。") == []
    # 差不多 (about) is no gap
    assert got(ex, "差不多1000家高新技术企业落户杭州。") == [
        ("杭州", "high_tech_enterprises", 1000.0, "家", None, "level")
    ]


def test_a_year_written_before_a_report_card_or_gdp_is_the_figures_year(ex):
    assert got(ex, "#湖州2024成绩单# 地区生产总值4150亿元左右，增长6.0%") == [
        ("湖州", "gdp", 4.15e11, "元", 2024, "level"),
        ("湖州", "gdp_growth", 6.0, "%", 2024, "growth"),
    ]
    assert got(ex, "2024GDP前十城市中，杭州增长5.6%。") == [("杭州", "gdp_growth", 5.6, "%", 2024, "growth")]


def test_a_month_written_in_the_sentence_dates_its_relative_words(ex):
    # no document date: "said in February 2025" is when "last year" was said, so last year is 2024
    text = (
        "Qingdao added 1,200 high-tech firms last year, bringing the total to more than 8,000, "
        "the city's science bureau said in February 2025."
    )
    assert got(ex, text) == [
        ("青岛", "high_tech_enterprises_change", 1200.0, "家", 2024, "change"),
        ("青岛", "high_tech_enterprises", 8000.0, "家", 2024, "level"),
    ]
    assert got(ex, "据2025年2月发布的数据，青岛去年新增高新技术企业1200家。") == [
        ("青岛", "high_tech_enterprises_change", 1200.0, "家", 2024, "change")
    ]
    # without it, last year stays unresolved
    assert got(ex, "青岛去年新增高新技术企业1200家。") == [
        ("青岛", "high_tech_enterprises_change", 1200.0, "家", None, "change")
    ]


def test_provincial_little_giants_are_not_the_national_list(ex):
    # 科技小巨人 and a province's 小巨人 are other programmes than the ministry's 专精特新"小巨人"
    assert got(ex, "龙岩年末拥有国家高新技术企业520家，省级以上科技小巨人企业812家。") == [
        ("龙岩", "high_tech_enterprises", 520.0, "家", None, "level")
    ]
    assert got(ex, "龙岩省级“小巨人”企业40家，国家级小巨人企业12家。") == [
        ("龙岩", "little_giants_valid", 12.0, "家", None, "level")
    ]


def test_the_national_rate_is_the_nations(ex):
    assert got(ex, "Xiamen's economy grew 5.5 per cent in 2024, above the national rate of 5 per cent.") == [
        ("厦门", "gdp_growth", 5.5, "%", 2024, "growth")
    ]
    assert got(ex, "Xiamen's GDP grew 5.5 percent, beating the national growth of 5 percent.") == [
        ("厦门", "gdp_growth", 5.5, "%", None, "growth")
    ]


def test_taiwanese_growth_words_and_a_currency_before_its_amount(ex):
    # 成長 is 增长; 約新台幣14兆元 is in Taiwan dollars, not yuan
    assert got(ex, "廣州去年GDP為3.1兆人民幣（約新台幣14兆元），成長2.1%，排名第五。") == [
        ("广州", "gdp", 3.1e12, "元", None, "level"),
        ("广州", "gdp_growth", 2.1, "%", None, "growth"),
        ("广州", "gdp_rank", 5.0, "rank", None, "rank"),
    ]
    # 下跌 is a fall; 环比 compares with the month before, not the year
    assert got(ex, "南京2024年新房均价为31250元/平方米，环比下跌0.8%，同比下跌5.6%。") == [
        ("南京", "avg_home_price", 31250.0, "元/m²", 2024, "level"),
        ("南京", "avg_home_price_growth", -5.6, "%", 2024, "growth"),
    ]


def test_dang_nian_is_the_year_just_written(ex):
    text = "截至2024年底，深圳国家高新技术企业总量达2.5万家，当年新增3126家。"
    assert got(ex, text, doc_date=date(2025, 3, 1)) == [
        ("深圳", "high_tech_enterprises", 25000.0, "家", 2024, "level"),
        ("深圳", "high_tech_enterprises_change", 3126.0, "家", 2024, "change"),
    ]
    # alone, 当年 is the document's year
    assert got(ex, "深圳当年新增高新技术企业3126家。", doc_date=date(2025, 3, 1)) == [
        ("深圳", "high_tech_enterprises_change", 3126.0, "家", 2025, "change")
    ]


def test_top_n_with_a_scope_word_and_the_edition_year_after_nature_index(ex):
    text = "在自然指数—科研城市2024榜单中，北京、上海继续位列全球前两位，南京升至第五。"
    assert sorted(got(ex, text)) == [
        ("上海", "nature_index_city_rank", 2.0, "rank", 2024, "rank"),
        ("北京", "nature_index_city_rank", 1.0, "rank", 2024, "rank"),
        ("南京", "nature_index_city_rank", 5.0, "rank", 2024, "rank"),
    ]
    assert got(ex, "在自然指数2024科研城市榜单中，合肥位列全球第15位。") == [
        ("合肥", "nature_index_city_rank", 15.0, "rank", 2024, "rank")
    ]


def test_the_rank_of_a_cumulative_count_is_the_cumulative_series(ex):
    text = "国家级专精特新“小巨人”企业累计达到521家，苏州数量位居全国城市第六。"
    assert got(ex, "苏州" + text[:-1] + "。")[-1] == (
        "苏州",
        "little_giants_cumulative_rank",
        6.0,
        "rank",
        None,
        "rank",
    )
    # without 累计 the rank is the list's
    assert got(ex, "深圳国家级专精特新小巨人企业1333家，居全国首位。")[-1] == (
        "深圳",
        "little_giants_valid_rank",
        1.0,
        "rank",
        None,
        "rank",
    )


def test_english_area_robotics_and_core_ai_phrases(ex):
    assert got(ex, "Chongqing covers 82,400 square kilometers.") == [
        ("重庆", "land_area", 82400.0, "km²", None, "level")
    ]
    assert got(ex, "Shenzhen is now home to 74,032 robotics companies.") == [
        ("深圳", "robot_enterprises", 74032.0, "家", None, "level")
    ]
    assert got(ex, "In 2024 the scale of Beijing's core AI industry exceeded 350 billion yuan.") == [
        ("北京", "ai_core_industry_size", 3.5e11, "元", 2024, "level")
    ]


def test_monthly_wages_and_cultivated_unicorns_are_other_series(ex):
    assert got(ex, "2023年广州市城镇非私营单位在岗职工年平均工资为160580元，月平均工资13382元。") == [
        ("广州", "avg_wage_nonprivate", 160580.0, "元/年", 2023, "level")
    ]
    assert got(ex, "南京独角兽企业16家，培育独角兽企业数量达到167家。") == [
        ("南京", "unicorns", 16.0, "家", None, "level")
    ]


def test_an_amount_followed_by_de_and_its_series_after_yi(ex):
    assert got(ex, "成都以23511.3亿元的经济总量领跑，占全省的36.7%。") == [
        ("成都", "gdp", 2351130000000.0, "元", None, "level"),
        ("成都", "gdp_share", 36.7, "%", None, "share"),
    ]
    # without 以 an amount before a compound noun names no series
    assert got(ex, "苏州拥有一个规模达2000亿元的研发投入计划。") == []


def test_a_place_surpassed_with_de_and_a_figure_owns_the_figure(ex):
    assert got(ex, "深圳有效期内国家级“小巨人”企业达1333家，超越北京的1210家。") == [
        ("深圳", "little_giants_valid", 1333.0, "家", None, "level"),
        ("北京", "little_giants_valid", 1210.0, "家", None, "level"),
    ]


def test_china_at_the_head_of_an_english_clause_is_a_scope(ex):
    text = (
        "China's economy grew 5.0% in 2024 to 134.9 trillion yuan - with Guangdong remaining the largest "
        "provincial economy at 14.16 trillion yuan."
    )
    assert got(ex, text) == [("广东", "gdp", 1.416e13, "元", 2024, "level")]
    # south China's Guangdong province is an apposition: Shenzhen owns the GDP
    text = "Shenzhen, in south China's Guangdong province, reported GDP of 3.68 trillion yuan in 2024."
    assert got(ex, text) == [("深圳", "gdp", 3.68e12, "元", 2024, "level")]


def test_english_place_ordinals_r_and_d_share_and_earlier_values(ex):
    text = "Chengdu's economy grew 5.7% to 2.35 trillion yuan last year, keeping it in seventh place behind Suzhou."
    assert ("成都", "gdp_rank", 7.0, "rank", None, "rank") in got(ex, text)
    text = "Hefei, Anhui's provincial capital, spent 3.91 percent of its GDP on R&D in 2023."
    assert got(ex, text) == [("合肥", "rd_intensity", 3.91, "%", 2023, "share")]
    text = "Dongguan spent 4.1 per cent of its GDP on research and development in 2023, up from 3.6 per cent in 2020."
    assert got(ex, text) == [
        ("东莞", "rd_intensity", 4.1, "%", 2023, "share"),
        ("东莞", "rd_intensity", 3.6, "%", 2020, "share"),
    ]
    assert got(
        ex, "Shenzhen is now home to 74,032 robotics companies, up from 59,498 at the end of 2023."
    ) == [
        ("深圳", "robot_enterprises", 74032.0, "家", None, "level"),
        ("深圳", "robot_enterprises", 59498.0, "家", 2023, "level"),
    ]


def test_a_table_column_headed_zengzhang_percent_holds_growth_rates(ex):
    text = "地区    高新技术企业(家)    增长(%)\n南京    9430    12.1\n无锡    6210    10.5"
    assert got(ex, text) == [
        ("南京", "high_tech_enterprises", 9430.0, "家", None, "level"),
        ("南京", "high_tech_enterprises_growth", 12.1, "%", None, "growth"),
        ("无锡", "high_tech_enterprises", 6210.0, "家", None, "level"),
        ("无锡", "high_tech_enterprises_growth", 10.5, "%", None, "growth"),
    ]


def test_a_work_report_titled_with_its_year_dates_its_relative_words(ex):
    text = "苏州市2025年政府工作报告\n今年的目标是研发投入强度达到4.2%；去年全市研发投入强度为4.1%左右。"
    assert got(ex, text) == [("苏州", "rd_intensity", 4.1, "%", 2024, "share")]


def test_growth_over_several_years_written_as_n_nian(ex):
    # 五年增长2.6倍: five years' growth, not one year's; 2024年增长 stays the year's
    assert got(ex, "合肥市高新技术企业数量达8628家，五年增长2.6倍，总数跃居全国城市第十位。") == [
        ("合肥", "high_tech_enterprises", 8628.0, "家", None, "level"),
        ("合肥", "high_tech_enterprises_rank", 10.0, "rank", None, "rank"),
    ]
    assert got(ex, "合肥高新技术企业2024年增长12%。") == [
        ("合肥", "high_tech_enterprises_growth", 12.0, "%", 2024, "growth")
    ]


def test_ranks_among_the_top_hundred_counties_or_per_ten_thousand_firms_name_no_series(ex):
    text = "2024年昆山市高新技术企业达2900家，连续20年位居全国百强县首位。"
    assert got(ex, text) == [("昆山市", "high_tech_enterprises", 2900.0, "家", 2024, "level")]
    assert got(ex, "昆山市地区生产总值超过5000亿元，位居全国百强县之首。") == [
        ("昆山市", "gdp", 5e11, "元", None, "level")
    ]
    text = "北京有效国家高新技术企业达2.83万家，每万家企业中高新技术企业数量居全国首位。"
    assert got(ex, text) == [("北京", "high_tech_enterprises", 28300.0, "家", None, "level")]
    text = "苏州2024年GDP达2.67万亿元，稳居全国第六，增速6%，在GDP前十城市中位居第二。"
    assert [g for g in got(ex, text) if g[5] == "rank"] == [("苏州", "gdp_rank", 6.0, "rank", 2024, "rank")]


def test_utf8_read_as_cp1252_with_its_undefined_bytes_is_decoded_back(ex):
    # 南 is E5 8D 97: 0x8D is undefined in cp1252 and shows as the control character \x8d
    mangled = "南通市2024年高新技术企业达到3850家".encode().decode("cp1252", errors="surrogateescape")
    mangled = "".join(chr(ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF else c for c in mangled)
    assert "\x8d" in mangled
    assert got(ex, mangled) == [("南通", "high_tech_enterprises", 3850.0, "家", 2024, "level")]


def test_english_shrinking_and_spending_on_a_series(ex):
    assert got(ex, "Shenyang's population shrank by about 20,000 in 2023 to 9.2 million.") == [
        ("沈阳", "resident_population_change", -20000.0, "人", 2023, "change"),
        ("沈阳", "resident_population", 9.2e6, "人", 2023, "level"),
    ]
    text = "Suzhou spent 99.6 billion yuan on research and development in 2023, or 4.1 percent of its GDP."
    assert got(ex, text) == [
        ("苏州", "rd_expenditure", 9.96e10, "元", 2023, "level"),
        ("苏州", "rd_intensity", 4.1, "%", 2023, "share"),
    ]
    # a firm headquartered in a city, or based there, spends its own money
    assert got(ex, "BYD, headquartered in Shenzhen, spent 54.2 billion yuan on R&D in 2024.") == []
    assert got(ex, "Shenzhen-based BYD spent 54.2 billion yuan on R&D in 2024.") == []


def test_a_province_saying_what_a_city_is_to_it_is_no_owner(ex):
    assert got(ex, "合肥市，安徽省辖地级市、省会……总面积11445平方千米。") == [
        ("合肥", "land_area", 11445.0, "km²", None, "level")
    ]
    assert got(ex, "安徽省会合肥GDP达到1.35万亿元。") == [("合肥", "gdp", 1.35e12, "元", None, "level")]


def test_a_rank_move_is_no_figure_a_rank_is_of(ex):
    text = "在自然指数—科研城市排名中，南京较上年上升3位，居全球第5位。"
    assert got(ex, text) == [("南京", "nature_index_city_rank", 5.0, "rank", None, "rank")]


def test_core_industry_after_ai_firms_and_the_firms_count_rank(ex):
    text = "去年深圳人工智能企业超过2600家，核心产业规模达到3600亿元，企业数量居全国城市第二。"
    assert got(ex, text) == [
        ("深圳", "ai_enterprises", 2600.0, "家", None, "level"),
        ("深圳", "ai_core_industry_size", 3.6e11, "元", None, "level"),
        ("深圳", "ai_enterprises_rank", 2.0, "rank", None, "rank"),
    ]
    # core industry alone names no series; a sub-group's count ranks no lexicon series
    assert got(ex, "苏州核心产业规模达到3600亿元。") == []
    text = "北京机器人企业超过400家，其中人形机器人整机企业数量居全国首位。"
    assert got(ex, text) == [("北京", "robot_enterprises", 400.0, "家", None, "level")]


def test_top_n_after_places_that_carry_their_figures(ex):
    text = "深圳1327家、北京1205家、上海1026家位居前三，苏州以706家排名第四。"
    ranks = [g for g in got(ex, "小巨人企业：" + text) if g[5] == "rank"]
    assert sorted(r[0] for r in ranks if r[2] <= 3) == ["上海", "北京", "深圳"]
    assert {(r[0], r[2]) for r in ranks} == {("深圳", 1.0), ("北京", 2.0), ("上海", 3.0), ("苏州", 4.0)}
    text = "年平均工资上海为221319元、北京为218312元，位居全国前两位。"
    assert [(g[0], g[2]) for g in got(ex, text) if g[5] == "rank"] == [("上海", 1.0), ("北京", 2.0)]
    # a duration between the list and 前三
    assert [
        (g[0], g[2]) for g in got(ex, "GDP方面，深圳、南京、杭州连续三年位列前三。") if g[5] == "rank"
    ] == [
        ("深圳", 1.0),
        ("南京", 2.0),
        ("杭州", 3.0),
    ]


def test_english_invested_in_and_ranked_nouns_and_increases_of(ex):
    text = (
        "Shenzhen invested 223.66 billion yuan ($30.7 billion) in research and development in 2023, "
        "accounting for 6.46 percent of its GDP."
    )
    assert got(ex, text) == [
        ("深圳", "rd_expenditure", 2.2366e11, "元", 2023, "level"),
        ("深圳", "rd_intensity", 6.46, "%", 2023, "share"),
    ]
    text = "Wuhan spent 82 billion yuan on R&D in 2023, the fifth-largest R&D budget among sub-provincial cities."
    assert ("武汉", "rd_expenditure_rank", 5.0, "rank", 2023, "rank") in got(ex, text)
    text = "Shanghai's permanent population stood at 24.8 million at the end of 2024, an increase of 60,000."
    assert got(ex, text) == [
        ("上海", "resident_population", 2.48e7, "人", 2024, "level"),
        ("上海", "resident_population_change", 60000.0, "人", 2024, "change"),
    ]
    assert got(ex, "The number of high-tech enterprises in Wuhan surpassed 16,000 in 2024.") == [
        ("武汉", "high_tech_enterprises", 16000.0, "家", 2024, "level")
    ]


def test_more_chinese_phrases_of_the_series(ex):
    assert got(ex, "2024年全年，成都新建商品住宅成交均价为18652元/平方米，同比上涨3.2%。") == [
        ("成都", "avg_home_price", 18652.0, "元/m²", 2024, "level"),
        ("成都", "avg_home_price_growth", 3.2, "%", 2024, "growth"),
    ]
    text = "全年上海全社会研究与试验发展（R&D）经费支出相当于上海市生产总值的比例为4.35%左右。"
    assert got(ex, text) == [("上海", "rd_intensity", 4.35, "%", None, "share")]
    text = "2023年香港本地研究及發展總開支為332.8億港元，相當於本地生產總值的1.11%。"
    assert got(ex, text) == [("香港", "rd_intensity", 1.11, "%", 2023, "share")]
    # 新注册 adds to the count
    assert got(ex, "深圳2024年新注册机器人相关企业1.6万家。") == [
        ("深圳", "robot_enterprises_change", 16000.0, "家", 2024, "change")
    ]


def test_a_place_after_bei_overtook_the_subject(ex):
    text = "2024年广州地区生产总值为31032.5亿元，经济总量被重庆反超，退居全国城市第五。"
    assert got(ex, text) == [
        ("广州", "gdp", 3.10325e12, "元", 2024, "level"),
        ("广州", "gdp_rank", 5.0, "rank", 2024, "rank"),
    ]


def test_fenbie_after_places_goes_through_the_places_not_the_clauses_before(ex):
    text = "杭州以22家独角兽企业排名全球第九，较上年减少2家；成都和合肥分别有11家、9家。"
    assert [g for g in got(ex, text) if g[0] in ("成都", "合肥")] == [
        ("成都", "unicorns", 11.0, "家", None, "level"),
        ("合肥", "unicorns", 9.0, "家", None, "level"),
    ]
    text = "苏州以26727亿元的GDP总量继续位居全国第六，增速为6%；无锡、南通分别以16263亿元和12422亿元位列第十四和第十九。"
    assert [g for g in got(ex, text) if g[0] in ("无锡", "南通")] == [
        ("无锡", "gdp", 1.6263e12, "元", None, "level"),
        ("南通", "gdp", 1.2422e12, "元", None, "level"),
        ("无锡", "gdp_rank", 14.0, "rank", None, "rank"),
        ("南通", "gdp_rank", 19.0, "rank", None, "rank"),
    ]


def test_more_english_appositions_thresholds_patents_and_years(ex):
    text = "Shenyang, capital of northeast China’s Liaoning Province, saw its GDP grow 5.6 percent in 2024."
    assert got(ex, text) == [("沈阳", "gdp_growth", 5.6, "%", 2024, "growth")]
    text = "Hefei's economy grew 6.1% to 1.35 trillion yuan, one of the 27 Chinese cities with GDP above 1 trillion yuan."
    assert got(ex, text) == [
        ("合肥", "gdp_growth", 6.1, "%", None, "growth"),
        ("合肥", "gdp", 1.35e12, "元", None, "level"),
    ]
    # PCT in capitals is the treaty, not a percent
    assert got(ex, "Shenzhen filed 16,200 PCT international patent applications in 2023.") == [
        ("深圳", "pct_applications", 16200.0, "件", 2023, "level")
    ]
    assert got(ex, "Hefei, whose GDP per capita is about 136,000 yuan, had 19 unicorns.") == [
        ("合肥", "unicorns", 19.0, "家", None, "level")
    ]
    # by the end of October with the document's date; last year after the figure is its year in English
    text = "Chongqing had 8,000 high-tech enterprises by the end of October, while its R&D spending reached 74.4 billion yuan last year."
    assert got(ex, text, doc_date=date(2024, 12, 4)) == [
        ("重庆", "high_tech_enterprises", 8000.0, "家", 2024, "level"),
        ("重庆", "rd_expenditure", 7.44e10, "元", 2023, "level"),
    ]


def test_growth_from_one_year_to_another_is_no_years_growth(ex):
    text = (
        "合肥国家高新技术企业数量从2020年的3300家增加到2024年的近1.3万家，增长近3倍，总数居全国省会城市第五。"
    )
    assert got(ex, text) == [
        ("合肥", "high_tech_enterprises", 3300.0, "家", 2020, "level"),
        ("合肥", "high_tech_enterprises", 13000.0, "家", 2024, "level"),
        ("合肥", "high_tech_enterprises_rank", 5.0, "rank", 2024, "rank"),
    ]


def test_parts_and_other_series_inside_a_citys_total(ex):
    assert got(ex, "杭州市总面积16850平方千米，其中市区面积8289平方千米。") == [
        ("杭州", "land_area", 16850.0, "km²", None, "level")
    ]
    text = "2024年南京实现地区生产总值18500.81亿元，比上年增长4.5%，其中第三产业增加值11510.2亿元。"
    assert got(ex, text) == [
        ("南京", "gdp", 1.850081e12, "元", 2024, "level"),
        ("南京", "gdp_growth", 4.5, "%", 2024, "growth"),
    ]
    text = "2024年西安市技术合同成交额达4201.17亿元，其中吸纳技术合同成交额1650亿元。"
    assert got(ex, text) == [("西安", "tech_contract_turnover", 4.20117e11, "元", 2024, "level")]
    assert got(ex, "北京拥有人工智能企业2400余家，获备案的大模型105个。") == [
        ("北京", "ai_enterprises", 2400.0, "家", None, "level")
    ]


def test_report_edition_years_english_dashes_ju_ci_and_rank_moves(ex):
    text = "根据《中国独角兽企业发展报告（2024）》，合肥拥有独角兽企业13家，排名第九，较上年上升3位。"
    assert got(ex, text) == [
        ("合肥", "unicorns", 13.0, "家", 2024, "level"),
        ("合肥", "unicorns_rank", 9.0, "rank", 2024, "rank"),
    ]
    # a spaced dash is punctuation, not a range from 2024 to 4.1
    text = "Suzhou spent 108.6 billion yuan on R&D in 2024 - 4.1% of its GDP - and counted 17,500 high-tech enterprises."
    assert ("苏州", "rd_intensity", 4.1, "%", 2024, "share") in got(ex, text)
    assert got(ex, "苏州高新技术企业2-3家。")[0][2] == 2.0  # an unspaced hyphen is still a range
    assert got(ex, "上海去年GDP达5.39万亿元，北京以4.98万亿元居次……")[-1] == (
        "北京",
        "gdp_rank",
        2.0,
        "rank",
        None,
        "rank",
    )


def test_gaps_widening_growth_since_an_older_base_year_and_robot_density(ex):
    text = "重庆2024年GDP为32193.15亿元；广州为31032.5亿元，两者差距拉大到1160亿元左右。"
    assert got(ex, text) == [
        ("重庆", "gdp", 3.219315e12, "元", 2024, "level"),
        ("广州", "gdp", 3.10325e12, "元", 2024, "level"),
    ]
    # against 2021 in 2024: three years' growth; against the year before: the year's
    assert got(ex, "2024年广州“小巨人”企业数量较2021年增长近1.7倍。") == []
    assert got(ex, "2024年深圳GDP较2023年增长5.8%。") == [("深圳", "gdp_growth", 5.8, "%", 2024, "growth")]
    assert got(ex, "上海工业机器人应用密度达每万名工人426台。") == []
    assert got(ex, "合肥GDP十年翻了差不多三倍。") == []


def test_english_ranking_prose_of_the_nature_index(ex):
    text = "Beijing stays top of the science cities table, with Shanghai second."
    assert got(ex, text) == [
        ("北京", "nature_index_city_rank", 1.0, "rank", None, "rank"),
        ("上海", "nature_index_city_rank", 2.0, "rank", None, "rank"),
    ]
    text = (
        "In the Nature Index research cities ranking, Beijing retained the top spot, while Hefei climbed two places "
        "to 11th and Xi’an entered the top 20 at 19th."
    )
    assert got(ex, text) == [
        ("北京", "nature_index_city_rank", 1.0, "rank", None, "rank"),
        ("合肥", "nature_index_city_rank", 11.0, "rank", None, "rank"),
        ("西安", "nature_index_city_rank", 19.0, "rank", None, "rank"),
    ]
    # an ordinal after a name that is no place gives nobody a rank
    text = "In the Nature Index 2024 Research Cities ranking, Beijing held first place, Shanghai came second and New York third."
    assert [g[:3] for g in got(ex, text)] == [
        ("北京", "nature_index_city_rank", 1.0),
        ("上海", "nature_index_city_rank", 2.0),
    ]


def test_top_n_ranks_a_list_written_before_it_with_a_scope_or_with_its_figures(ex):
    # a scope between the verb and 前N (中部城市, 全国城市) still ranks the list before it in its order
    assert got(ex, "长沙、合肥、郑州的高新技术企业数量位居中部城市前三。") == [
        ("长沙", "high_tech_enterprises_rank", 1.0, "rank", None, "rank"),
        ("合肥", "high_tech_enterprises_rank", 2.0, "rank", None, "rank"),
        ("郑州", "high_tech_enterprises_rank", 3.0, "rank", None, "rank"),
    ]
    assert [r for r in got(ex, "南京、苏州的独角兽企业数量居全国城市前两位。")] == [
        ("南京", "unicorns_rank", 1.0, "rank", None, "rank"),
        ("苏州", "unicorns_rank", 2.0, "rank", None, "rank"),
    ]
    # 分别 and the list's own figures between the list and 前N
    text = "济南、烟台GDP分别以12757.4亿元、10162.5亿元位列全省前两位"
    assert sorted(got(ex, text)) == [
        ("济南", "gdp", 1275740000000.0, "元", None, "level"),
        ("济南", "gdp_rank", 1.0, "rank", None, "rank"),
        ("烟台", "gdp", 1016250000000.0, "元", None, "level"),
        ("烟台", "gdp_rank", 2.0, "rank", None, "rank"),
    ]
    # a place written between the list and 前N: the list is not the one ranked
    assert ("济南", "gdp_rank", 1.0, "rank", None, "rank") not in got(
        ex, "济南、烟台GDP分别为12757.4亿元、10162.5亿元，青岛位列全省前两位"
    )


def test_top_n_followed_by_its_list(ex):
    assert sorted(got(ex, "研发经费投入排名前三的城市为西安、成都、武汉。")) == [
        ("成都", "rd_expenditure_rank", 2.0, "rank", None, "rank"),
        ("武汉", "rd_expenditure_rank", 3.0, "rank", None, "rank"),
        ("西安", "rd_expenditure_rank", 1.0, "rank", None, "rank"),
    ]
    # 依次为 and each place's figure in parentheses: ranks and levels
    text = "独角兽企业数量排名前三的城市依次为：成都（11家）、重庆（9家）、西安（6家）"
    assert sorted(got(ex, text)) == [
        ("成都", "unicorns", 11.0, "家", None, "level"),
        ("成都", "unicorns_rank", 1.0, "rank", None, "rank"),
        ("西安", "unicorns", 6.0, "家", None, "level"),
        ("西安", "unicorns_rank", 3.0, "rank", None, "rank"),
        ("重庆", "unicorns", 9.0, "家", None, "level"),
        ("重庆", "unicorns_rank", 2.0, "rank", None, "rank"),
    ]
    # a list of another length than N is not ranked by it
    assert [x for x in got(ex, "研发经费投入排名前三的城市为西安、成都。") if x[5] == "rank"] == []


def test_ranks_listed_after_places_each_with_its_figure(ex):
    text = "从独角兽数量看，广州24家、南京21家分列第五、六位"
    assert sorted(got(ex, text)) == [
        ("南京", "unicorns", 21.0, "家", None, "level"),
        ("南京", "unicorns_rank", 6.0, "rank", None, "rank"),
        ("广州", "unicorns", 24.0, "家", None, "level"),
        ("广州", "unicorns_rank", 5.0, "rank", None, "rank"),
    ]
    text = "各城市创投活跃度指数中，成都77.5、武汉74.2分列四、五位"
    assert sorted(x for x in got(ex, text) if x[5] == "rank") == [
        ("成都", "vc_activity_index_rank", 4.0, "rank", None, "rank"),
        ("武汉", "vc_activity_index_rank", 5.0, "rank", None, "rank"),
    ]


def test_a_figure_each_place_has_and_a_place_with_its_own_figure(ex):
    # 各有: each place of the list has the figure, and each the tied rank after it
    assert sorted(got(ex, "西安、合肥各有6家独角兽企业，并列第九")) == [
        ("合肥", "unicorns", 6.0, "家", None, "level"),
        ("合肥", "unicorns_rank", 9.0, "rank", None, "rank"),
        ("西安", "unicorns", 6.0, "家", None, "level"),
        ("西安", "unicorns_rank", 9.0, "rank", None, "rank"),
    ]
    # 同为 reaches back through the list only to a place without its own figure
    text = "独角兽企业数量：南京(21家,第五位)、苏州和合肥(同为12家,并列第七位)"
    assert sorted(x for x in got(ex, text) if x[0] == "南京") == [
        ("南京", "unicorns", 21.0, "家", None, "level"),
        ("南京", "unicorns_rank", 5.0, "rank", None, "rank"),
    ]


def test_numbered_lists_of_a_ranking_page(ex):
    # list numbers inside a line (after a space or an ellipsis) are ranks on a page titled as a ranking
    title = "2024年城市每万人发明专利拥有量排行榜\n"
    assert sorted(x for x in got(ex, title + "……11.宁波 61.2件 12.长沙 58.7件") if x[5] == "rank") == [
        ("宁波", "invention_patents_per_10k_pop_rank", 11.0, "rank", 2024, "rank"),
        ("长沙", "invention_patents_per_10k_pop_rank", 12.0, "rank", 2024, "rank"),
    ]
    # not on a page that is no ranking
    assert [
        x for x in got(ex, "2024年每万人发明专利拥有量\n……11.宁波 61.2件 12.长沙 58.7件") if x[5] == "rank"
    ] == []
    # an amount with 万亿/亿 and no unit takes the money unit of the ranking's series
    assert got(ex, "2024年城市GDP排行榜\n5.成都 2.35万亿") == [
        ("成都", "gdp", 2350000000000.0, "元", 2024, "level"),
        ("成都", "gdp_rank", 5.0, "rank", 2024, "rank"),
    ]
    # a count per square kilometre, and the ranks of a density ranking
    assert got(ex, "城市高新技术企业密度排行榜\n3.东莞市 4.12家/平方公里") == [
        ("东莞", "high_tech_enterprises_per_km2", 4.12, "家/km²", None, "level"),
        ("东莞", "high_tech_enterprises_per_km2_rank", 3.0, "rank", None, "rank"),
    ]
    assert got(ex, "东莞高新技术企业达4.12家/平方公里") == [
        ("东莞", "high_tech_enterprises_per_km2", 4.12, "家/km²", None, "level")
    ]


def test_a_firm_named_as_the_subject_owns_its_figures(ex):
    # the firm's R&D spending, its share of revenue and its growth are not its city's
    assert got(ex, "腾讯2024年研发投入706.9亿元，占营业收入的10.6%", subject="深圳") == []
    assert got(ex, "总部位于杭州的阿里巴巴2024财年研发投入571亿元，同比增长4.5%") == []
    assert got(ex, "中兴通讯2024年研发投入242亿元，公司总部所在地深圳") == []
    assert got(ex, "Xiaomi spent 24.1 billion yuan on R&D in 2024, the Beijing-based company said.") == []
    # firms given as examples are no subject: the city's figure after them stays the city's
    assert got(ex, "杭州拥有阿里巴巴、海康威视等龙头企业，2024年高新技术企业1.6万家") == [
        ("杭州", "high_tech_enterprises", 16000.0, "家", 2024, "level")
    ]
    assert got(ex, "Hangzhou, home to Alibaba and NetEase, had 16,000 high-tech enterprises in 2024.") == [
        ("杭州", "high_tech_enterprises", 16000.0, "家", 2024, "level")
    ]
    # a place written after the firm owns the figures after it
    assert got(ex, "比亚迪所在的深圳，2024年研发投入2236.6亿元") == [
        ("深圳", "rd_expenditure", 223660000000.0, "元", 2024, "level")
    ]


def test_colloquial_population_written_as_renkou(ex):
    # 人口 alone is the resident population; a number with 万 and no unit right after it, or before 人口
    assert got(ex, "无锡GDP 1.63万亿，人口750万，也不算小了") == [
        ("无锡", "gdp", 1630000000000.0, "元", None, "level"),
        ("无锡", "resident_population", 7500000.0, "人", None, "level"),
    ]
    assert got(ex, "西安人家1300万人口") == [("西安", "resident_population", 13000000.0, "人", None, "level")]
    # 人均 after it names no series: the per-head figure is not the population's
    assert [x for x in got(ex, "西安1300万人口，人均才9万出头") if x[1] == "resident_population"] == [
        ("西安", "resident_population", 13000000.0, "人", None, "level")
    ]
    # other populations keep their own phrases
    assert got(ex, "2024年末全市户籍人口598.3万人，流动人口约300万人") == []


def test_compound_amounts_and_a_magnitude_alone_after_tupo(ex):
    # X兆Y億 (Taiwan, Hong Kong), X亿Y万, X万Y: one amount
    assert got(ex, "廣州去年GDP達3兆1032億元") == [("广州", "gdp", 3103200000000.0, "元", None, "level")]
    assert got(ex, "苏州全市研发投入2亿3000万元") == [
        ("苏州", "rd_expenditure", 230000000.0, "元", None, "level")
    ]
    assert got(ex, "北京高新技术企业2万8750家") == [
        ("北京", "high_tech_enterprises", 28750.0, "家", None, "level")
    ]
    # 突破千家, 超过百所: a lower bound written as a magnitude alone; 千家万户 is no figure
    assert got(ex, "长沙高新技术企业首次突破千家") == [
        ("长沙", "high_tech_enterprises", 1000.0, "家", None, "level")
    ]
    assert got(ex, "长沙的科技成果走进千家万户") == []


def test_value_of_the_place_compared_with(ex):
    # 仅次于北京的78家, 比南京的1.06万家: the compared place's own value
    assert sorted(got(ex, "杭州独角兽企业31家，仅次于上海的70家")) == [
        ("上海", "unicorns", 70.0, "家", None, "level"),
        ("杭州", "unicorns", 31.0, "家", None, "level"),
    ]
    assert sorted(got(ex, "成都高新技术企业1.3万家，比重庆的8000家多")) == [
        ("成都", "high_tech_enterprises", 13000.0, "家", None, "level"),
        ("重庆", "high_tech_enterprises", 8000.0, "家", None, "level"),
    ]


def test_a_plus_sign_makes_a_growth_or_a_change(ex):
    assert got(ex, "#武汉2024年GDP# 21106.23亿元，同比+5.2%") == [
        ("武汉", "gdp", 2110623000000.0, "元", 2024, "level"),
        ("武汉", "gdp_growth", 5.2, "%", 2024, "growth"),
    ]
    assert got(ex, "GDP增量：杭州+1200亿元") == [("杭州", "gdp_change", 120000000000.0, "元", None, "change")]


def test_respective_values_after_a_rank_with_its_scope(ex):
    # the scope of 分列全省前三 is not the list 分别 goes through
    text = "广州、深圳、佛山分列全省前三，研发投入分别为1050亿元、2236亿元和380亿元"
    assert sorted(x for x in got(ex, text) if x[1] == "rd_expenditure") == [
        ("佛山", "rd_expenditure", 38000000000.0, "元", None, "level"),
        ("广州", "rd_expenditure", 105000000000.0, "元", None, "level"),
        ("深圳", "rd_expenditure", 223600000000.0, "元", None, "level"),
    ]


def test_a_months_price_is_not_the_years(ex):
    # 11月 without a day: the month's price and its change are no annual series
    assert got(ex, "11月，杭州新建住宅均价41230元/平方米，环比上涨0.3%") == []
    # the year's average after 全年 stays; a dated news day (12月5日) is no month of the figure
    assert got(ex, "2024年11月，杭州新房均价41230元/平方米，全年均价约为40100元/平方米") == [
        ("杭州", "avg_home_price", 40100.0, "元/m²", 2024, "level")
    ]
    assert got(ex, "12月5日消息，2024年杭州新建住宅均价40100元/平方米") == [
        ("杭州", "avg_home_price", 40100.0, "元/m²", 2024, "level")
    ]


def test_a_table_whose_header_writes_bare_years(ex):
    # tab-aligned and | tables: a header of bare years (2022 2023 2024) dates each column
    text = "主要城市年末常住人口（万人）\n城市\t2023\t2024\n成都\t2140.3\t2147.6\n西安\t1307.8\t1311.2"
    assert sorted(got(ex, text)) == [
        ("成都", "resident_population", 21403000.0, "人", 2023, "level"),
        ("成都", "resident_population", 21476000.0, "人", 2024, "level"),
        ("西安", "resident_population", 13078000.0, "人", 2023, "level"),
        ("西安", "resident_population", 13112000.0, "人", 2024, "level"),
    ]


def test_english_year_after_for(ex):
    assert got(ex, "Wuxi reported a GDP of 1.63 trillion yuan for 2024.") == [
        ("无锡", "gdp", 1630000000000.0, "元", 2024, "level")
    ]


def test_ai_industry_phrases(ex):
    # 人工智能规上企业, then 产业规模 right after it is the AI industry's; 人工智慧 is Taiwan's 人工智能
    text = "2024年,广州人工智能规上企业210家，产业规模突破1500亿元，同比增长18%"
    assert got(ex, text) == [
        ("广州", "ai_enterprises", 210.0, "家", 2024, "level"),
        ("广州", "ai_industry_output", 150000000000.0, "元", 2024, "level"),
        ("广州", "ai_industry_growth", 18.0, "%", 2024, "growth"),
    ]
    assert got(ex, "深圳人工智慧核心產業規模達2000億元") == [
        ("深圳", "ai_core_industry_size", 200000000000.0, "元", None, "level")
    ]
    # 产业规模 after another industry is not the AI industry's
    assert got(ex, "广州数字经济企业5000家，产业规模突破1500亿元") == []


def test_english_lists_that_drop_their_noun(ex):
    text = "Nanjing ranked sixth with 21 unicorns, behind Hangzhou (31) and ahead of Suzhou's 17, while Hefei and Wuhan each have 9."
    assert sorted(got(ex, text)) == [
        ("南京", "unicorns", 21.0, "家", None, "level"),
        ("南京", "unicorns_rank", 6.0, "rank", None, "rank"),
        ("合肥", "unicorns", 9.0, "家", None, "level"),
        ("杭州", "unicorns", 31.0, "家", None, "level"),
        ("武汉", "unicorns", 9.0, "家", None, "level"),
        ("苏州", "unicorns", 17.0, "家", None, "level"),
    ]
    # the nation's total is no city's; a list whose first figure counts nothing takes no series
    text = "Wuhan has 7 of China's 147 Double First-Class universities, while Xi'an has 8 and Chengdu 8."
    assert [x for x in got(ex, text) if x[2] == 147.0] == []
    assert got(ex, "Wuhan grew 5.2 percent, while Xi'an has 8 and Chengdu 8.") == []


def test_a_change_is_of_the_cumulative_series_only_beside_its_own_total(ex):
    # 总数 of another series (高新技术企业总数) leaves 新增小巨人 a change of the valid list
    text = "全年新增高新技术企业500家，高新技术企业总数达到3100家；新增国家级专精特新“小巨人”企业12家"
    assert ("嘉兴", "little_giants_valid_change", 12.0, "家", None, "change") in got(ex, text, subject="嘉兴")
    # 总数 right after it, with no other series between: the cumulative series' change
    assert got(ex, "嘉兴新增国家级专精特新“小巨人”企业12家，总数达到98家") == [
        ("嘉兴", "little_giants_cumulative_change", 12.0, "家", None, "change"),
        ("嘉兴", "little_giants_cumulative", 98.0, "家", None, "level"),
    ]


def test_population_density_and_amounts_in_yi_without_a_unit(ex):
    # 常住人口密度 names no series of the lexicon: proposed, not the population
    assert got(ex, "杭州常住人口密度每平方公里740人") == []
    # an amount in 亿 without a unit is money: never the population named before it
    assert got(ex, "东莞1049万人口干出1.22万亿") == [
        ("东莞", "resident_population", 10490000.0, "人", None, "level")
    ]
    # the compared place's amount written with 兆 and no unit is its own
    assert sorted(got(ex, "蘇州GDP達2.67兆人民幣，超越重慶的2.5兆")) == [
        ("苏州", "gdp", 2670000000000.0, "元", None, "level"),
        ("重庆", "gdp", 2500000000000.0, "元", None, "level"),
    ]


def test_ranges_with_a_dash_falls_and_growth_words_before_their_figure(ex):
    # 500—550家 (an em dash) is a range: its lower end, with the range as qualifier
    (c,) = [c for c in ex.extract_chunks(["咸阳全市高新技术企业约500—550家"]) if c.indicator]
    assert (c.value, c.qualifier) == (500.0, "approximate; range to 550")
    # 跌幅/降幅 are falls, 增速为 a growth
    assert got(ex, "广州新建住宅均价约3.2万元/平方米，跌幅2.4%") == [
        ("广州", "avg_home_price", 32000.0, "元/m²", None, "level"),
        ("广州", "avg_home_price_growth", -2.4, "%", None, "growth"),
    ]
    assert got(ex, "2024年杭州GDP增速为4.7%") == [("杭州", "gdp_growth", 4.7, "%", 2024, "growth")]


def test_years_of_now_and_of_a_base_two_years_back(ex):
    from datetime import date

    assert got(ex, "襄阳现在GDP也就6000亿出头", doc_date=date(2025, 3, 1)) == [
        ("襄阳", "gdp", 600000000000.0, "元", 2025, "level")
    ]
    # 比前年 is the base of last year's fall, not its year
    text = "去年苏州新房均价约2.4万元/平方米，比前年下跌3.5%"
    assert got(ex, text, doc_date=date(2025, 3, 1)) == [
        ("苏州", "avg_home_price", 24000.0, "元/m²", 2024, "level"),
        ("苏州", "avg_home_price_growth", -3.5, "%", 2024, "growth"),
    ]


def test_growth_after_a_share_and_a_level_against_an_earlier_year(ex):
    # the spending grew, not its share of GDP
    text = "东莞2024年研发经费投入约450亿元，占地区生产总值比重约3.9%，同比增长7.2%"
    assert ("东莞", "rd_expenditure_growth", 7.2, "%", 2024, "growth") in got(ex, text)
    # 恢复至2019年的86.4%: a level against 2019's, no share of anything
    assert [
        x for x in got(ex, "澳门2024年本地生产总值实质增长8.8%，恢复至2019年的86.4%") if x[5] == "share"
    ] == []


def test_a_stock_counted_in_part_of_a_year_is_the_count_at_that_time(ex):
    text = "2025年上半年，杭州人工智能产业规模达2100亿元；拥有规模以上人工智能企业410家"
    assert got(ex, text) == [("杭州", "ai_enterprises", 410.0, "家", 2025, "level")]


def test_ranks_in_parentheses_and_english_superlatives(ex):
    title = "2024自然指数—科研城市\n"
    assert sorted(
        x for x in got(ex, title + "中国城市中，西安(第21)、成都(第24)进入前30") if x[5] == "rank"
    ) == [
        ("成都", "nature_index_city_rank", 24.0, "rank", 2024, "rank"),
        ("西安", "nature_index_city_rank", 21.0, "rank", 2024, "rank"),
    ]
    text = "Shanghai's permanent resident population was 24.8 million at the end of 2024, the largest among Chinese cities"
    assert ("上海", "resident_population_rank", 1.0, "rank", 2024, "rank") in got(ex, text)


def test_series_phrases_of_robots_papers_and_ai_firms(ex):
    assert got(ex, "Beijing's industrial robot output rose 12.5% in 2024.") == [
        ("北京", "industrial_robot_output_growth", 12.5, "%", 2024, "growth")
    ]
    assert got(ex, "武汉地区高校近10年发表SCI论文约20.1万篇") == [
        ("武汉", "papers_10yr", 201000.0, "篇", None, "level")
    ]
    text = "北京人工智能产业规模突破3500亿元;规上企业数量达到500余家"
    assert ("北京", "ai_enterprises", 500.0, "家", None, "level") in got(ex, text)
    # 规上企业 after no AI phrase names no series
    assert got(ex, "成都全市规上企业数量达到4000家") == []


def test_a_percentage_point_change_before_a_rank_and_a_list_member_alone(ex):
    text = "合肥全市研发投入强度达3.91%，较上年提高0.2个百分点，连续两年居省会城市第二"
    assert ("合肥", "rd_intensity_rank", 2.0, "rank", None, "rank") in got(ex, text)
    text = "Nanjing, Suzhou and Wuxi together host over 900 national little giants; Suzhou alone has 598."
    assert got(ex, text) == [("苏州", "little_giants_valid", 598.0, "家", None, "level")]


def test_numbered_lines_without_a_dot_on_a_top_n_page_and_an_english_list(ex):
    text = "2023年城市研发投入强度前五（整理）\n1 北京 6.73%\n2 深圳 6.46%"
    assert got(ex, text) == [
        ("北京", "rd_intensity", 6.73, "%", 2023, "share"),
        ("北京", "rd_intensity_rank", 1.0, "rank", 2023, "rank"),
        ("深圳", "rd_intensity", 6.46, "%", 2023, "share"),
        ("深圳", "rd_intensity_rank", 2.0, "rank", 2023, "rank"),
    ]
    # an English ranking of unicorns: the value right after each numbered place takes the title's series
    text = "Global unicorns ranking 2025: top cities\n3. Beijing 78\n4. Shanghai 65"
    assert got(ex, text) == [
        ("北京", "unicorns", 78.0, "家", 2025, "level"),
        ("北京", "unicorns_rank", 3.0, "rank", 2025, "rank"),
        ("上海", "unicorns", 65.0, "家", 2025, "level"),
        ("上海", "unicorns_rank", 4.0, "rank", 2025, "rank"),
    ]


def test_ranks_of_a_cumulative_count_of_a_firms_count_and_of_a_scoped_global_ranking(ex):
    # 累计 before the series: its rank is the cumulative series'
    text = "宁波累计培育国家级专精特新“小巨人”企业420家……数量居全国城市第五"
    assert ("宁波", "little_giants_cumulative_rank", 5.0, "rank", None, "rank") in got(ex, text)
    # 数量 alone after other clauses: the rank of the firms counted before
    text = "成都独角兽企业数量达12家,较上年增加2家，估值合计超过300亿美元，数量位居全国第七"
    assert ("成都", "unicorns_rank", 7.0, "rank", None, "rank") in got(ex, text)
    # a scope that starts with the ranking's own (全球科研城市 of a global ranking)
    text = "2024自然指数科研城市\n北京继续位居全球科研城市首位"
    assert got(ex, text) == [("北京", "nature_index_city_rank", 1.0, "rank", 2024, "rank")]


def test_an_enterprises_share_of_the_whole_and_ai_firm_counts(ex):
    assert got(ex, "2024年，佛山企业研发投入占全社会研发投入的比重达到88.2%") == [
        ("佛山", "rd_enterprise_share", 88.2, "%", 2024, "share")
    ]
    text = "杭州人工智能核心产业规模预计达到3,800亿元,企业数量超过2,600家"
    assert ("杭州", "ai_enterprises", 2600.0, "家", None, "level") in got(ex, text)
    from datetime import date

    assert got(ex, "广州现存机器人相关企业3.1万余家", doc_date=date(2025, 3, 1)) == [
        ("广州", "robot_enterprises", 31000.0, "家", 2025, "level")
    ]


def test_english_now_a_numbers_own_noun_and_unnamed_series(ex):
    from datetime import date

    assert got(ex, "Wuhan now has more than 300 unicorns.", doc_date=date(2025, 4, 1)) == [
        ("武汉", "unicorns", 300.0, "家", 2025, "level")
    ]
    # 1 million students: the number counts the noun after it, not the series named before
    text = "Wuhan is home to 83 universities, including seven Double First-Class universities, with over 1 million students."
    assert got(ex, text) == [("武汉", "universities_total", 83.0, "所", None, "level")]
    # residents after a change of the population stay the population's
    text = "Xi'an's population grew by about 20,000 in 2024, while Dalian added 13,000 residents."
    assert ("大连", "resident_population_change", 13000.0, "人", 2024, "change") in got(ex, text)
    # the digital economy's value added and the all-units wage name no series
    assert (
        got(ex, "Suzhou's digital economy value added reached 450 billion yuan, or 18 percent of GDP") == []
    )
    assert got(ex, "2023年，苏州全口径城镇单位就业人员平均工资为128000元") == []


def test_a_later_list_of_as_many_figures_goes_through_the_same_places(ex):
    text = "绍兴、台州的创投活跃度指数分别为41.5和36.2，较上年提升2.4和1.9"
    assert sorted(got(ex, text)) == [
        ("台州", "vc_activity_index", 36.2, "index", None, "level"),
        ("台州", "vc_activity_index_change", 1.9, "index", None, "change"),
        ("绍兴", "vc_activity_index", 41.5, "index", None, "level"),
        ("绍兴", "vc_activity_index_change", 2.4, "index", None, "change"),
    ]
    # a place written before the later list: not the same places
    text = "绍兴、台州的创投活跃度指数分别为41.5和36.2，宁波较上年提升2.4和1.9"
    assert ("绍兴", "vc_activity_index_change", 2.4, "index", None, "change") not in got(ex, text)


def test_a_parallel_figure_after_a_place_and_cai_takes_the_kind_of_the_first(ex):
    # 广州才2.1% after 重庆增速5.7%: a growth too, not a share
    assert got(ex, "2024年重庆GDP增速5.7%，广州才2.1%") == [
        ("重庆", "gdp_growth", 5.7, "%", 2024, "growth"),
        ("广州", "gdp_growth", 2.1, "%", 2024, "growth"),
    ]


def test_the_whole_of_an_earlier_share_owns_no_later_figure(ex):
    text = "石嘴山市情\n全市实现地区生产总值700亿元，占全区经济总量的12.5%；高新技术企业达到120家。"
    assert ("石嘴山", "high_tech_enterprises", 120.0, "家", None, "level") in got(ex, text)


def test_english_exonyms_and_districts_and_an_apposition_under_a_city(ex):
    assert got(ex, "Ordos reported GDP of 628 billion yuan in 2024.") == [
        ("鄂尔多斯", "gdp", 628000000000.0, "元", 2024, "level")
    ]
    assert got(ex, "Haidian District had 11,000 high-tech enterprises at the end of 2024.") == [
        ("海淀区", "high_tech_enterprises", 11000.0, "家", 2024, "level")
    ]
    # Jiangyin, a county-level city under Wuxi: the figure is Jiangyin's, not Wuxi's
    text = "Jiangyin, a county-level city under Wuxi, reported GDP of 500.6 billion yuan in 2024."
    assert got(ex, text) == [("江阴市", "gdp", 500600000000.0, "元", 2024, "level")]


def test_english_people_of_a_place_are_its_population(ex):
    text = "Wuxi, a manufacturing hub of 7.5 million people east of Nanjing, reported GDP of 1.63 trillion yuan last year."
    assert got(ex, text) == [
        ("无锡", "resident_population", 7500000.0, "人", None, "level"),
        ("无锡", "gdp", 1630000000000.0, "元", None, "level"),
    ]
    # people a firm employs or an event draws are no population
    assert got(ex, "Shenzhen's largest fair drew 20,000 people.") == []

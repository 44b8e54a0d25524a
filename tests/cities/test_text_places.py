"""Places of the national gazetteer in running text (innoscope extract with the CLI's places)."""

import pytest

from innoscope.cities.text_places import place_index
from innoscope.ingest.claims import Extractor, extract_text


@pytest.fixture(scope="module")
def ex():
    return Extractor(place_index())


def got(text, ex, **kw):
    return [(c.entity, c.indicator, c.value) for c in extract_text(text, extractor=ex, **kw) if c.value]


def test_places_beyond_the_entity_table(ex):
    assert got("天津市常住人口1364万人", ex) == [("天津", "resident_population", 13640000.0)]
    assert ("宁波", "little_giants_valid", 397.0) in got("专精特新小巨人企业：苏州(595家)、宁波(397家)", ex)
    assert got("內蒙古自治区地区生产总值2.46万亿元", ex) == [("内蒙古", "gdp", 2.46e12)]
    assert got("北京市朝阳区地区生产总值8000亿元", ex) == [("朝阳区", "gdp", 8e11)]


def test_words_that_are_not_places(ex):
    assert got("阿里巴巴在杭州有员工2万人", ex) == [("杭州", "", 20000.0)]


def test_a_province_counts_half_for_the_main_city(ex):
    text = "陕西省西安市统计局\n全市地区生产总值13902.67亿元。"
    assert got(text, ex) == [("西安", "gdp", 1390267000000.0)]

"""Figures in text: values worked out by hand from the written numbers."""

import pytest

from innoscope.ingest.claims.document import fold
from innoscope.ingest.claims.numbers import find_figures


def figs(text: str) -> list[tuple[str, float, str | None]]:
    norm = fold(text)
    return [(text[f.start : f.end].strip(), f.value, f.unit) for f in find_figures(norm)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("高新技术企业2.66万家", [("2.66万家", 26600.0, "家")]),
        ("研发投入2236.6亿元", [("2236.6亿元", 2.2366e11, "元")]),
        ("研發投入2236.6億元", [("2236.6億元", 2.2366e11, "元")]),
        ("独角兽三十四家", [("三十四家", 34.0, "家")]),
        ("小巨人一千零四十家", [("一千零四十家", 1040.0, "家")]),
        ("企业１２３４５家", [("１２３４５家", 12345.0, "家")]),
        ("常住人口1,779.01万人", [("1,779.01万人", 17790100.0, "人")]),
        ("全时当量46.1万人年", [("46.1万人年", 461000.0, "人年")]),
        ("占比93.3%", [("93.3%", 93.3, "%")]),
        ("面积8569k㎡", [("8569k㎡", 8569.0, "km²")]),
        ("房价40013元/平米", [("40013元/平米", 40013.0, "元/m²")]),
        ("突破万户", [("万户", 10000.0, "户")]),
        ("R&D outlay was RMB 223.66 billion", [("RMB 223.66 billion", 2.2366e11, "元")]),
        ("66.7 billion yuan last year", [("66.7 billion yuan", 6.67e10, "元")]),
    ],
)
def test_figures(text, expected):
    assert figs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024年",
        "连续20年居全国首位",
        "3个月",
        "2025-02-16 19:56:11",
        "5G基站",
        "第三",
        "一家类似DeepSeek的公司",
        "一座城市",
    ],
)
def test_not_figures(text):
    assert [f for f in figs(text) if f[2] is not None] == []


def test_range_keeps_both_ends():
    (f,) = find_figures("至少2-3个现象级")
    assert (f.value, f.high, f.unit) == (2.0, 3.0, "个")


def test_bare_number_has_no_unit():
    (f,) = find_figures("more than 24,000 firms")
    assert (f.value, f.unit, f.bare) == (24000.0, None, True)

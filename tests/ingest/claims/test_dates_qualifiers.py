"""Years relative to the document date, qualifiers and kinds, ranks."""

from datetime import date

import pytest

from innoscope.ingest.claims.dates import document_date, find_years
from innoscope.ingest.claims.qualifiers import find_ranks, kind_of, qualifier_of


def test_relative_years_from_document_date():
    ys = find_years("去年全市新增，今年预计，前年", date(2025, 3, 1))
    assert [(y.year, y.source.split(" (")[0]) for y in ys] == [
        (2024, "relative: 去年"),
        (2025, "relative: 今年"),
        (2023, "relative: 前年"),
    ]
    assert "2025-03-01" in ys[0].source


def test_comparison_base_is_not_a_year():
    assert find_years("比上年增长5.2%", date(2025, 3, 1)) == []


def test_explicit_year_and_document_date():
    assert [y.year for y in find_years("截至2023年底，2024年末", None)] == [2023, 2024]
    assert document_date("发布时间：2025年2月16日 19:56") == date(2025, 2, 16)


@pytest.mark.parametrize(
    ("before", "after", "more", "expected"),
    [
        ("约", "", False, "approximate"),
        ("超过", "", False, "lower bound"),
        ("突破", "", False, "lower bound"),
        ("", "", True, "lower bound"),
        ("近", "", False, "upper bound"),
        ("", "左右", False, "approximate"),
        ("more than ", "", False, "lower bound"),
        ("nearly ", "", False, "upper bound"),
    ],
)
def test_qualifiers(before, after, more, expected):
    assert qualifier_of(before, after, more=more) == expected


def test_cumulative_and_range():
    assert qualifier_of("", "", clause_before="累计分别为") == "cumulative"
    assert qualifier_of("", "", high=3.0) == "range to 3"


@pytest.mark.parametrize(
    ("unit", "before", "kind"),
    [
        ("%", "同比增长", "growth"),
        ("%", "服务机器人增长", "growth"),
        ("%", "研发投入强度达", "share"),
        ("倍", "是杭州的", "ratio"),
        ("人", "比上年末增加", "change"),
        ("家", "新增国家高新技术企业", "change"),
        ("人", "至2024年末增长至", "level"),
        ("家", "总数达", "level"),
    ],
)
def test_kinds(unit, before, kind):
    assert kind_of(unit, before) == kind


def test_ranks():
    got = [
        (r.rank, r.scope)
        for r in find_ranks("居全国第三，位居全国第二，稳居全国首位，并列第八位，Nanjing (no. 5)")
    ]
    assert got == [(3.0, "全国"), (2.0, "全国"), (1.0, "全国"), (8.0, ""), (5.0, "")]
    assert find_ranks("全国“工业第一城”") == []

"""The rules on the founding article and on sentences written for each case of issue 13.

Expected values of the article are those a person typed into the bundled cited data (the seed rows of
``src/innoscope/data/cities/city_indicators.csv``), read here by hand; values of the written sentences are
worked out by hand from the text.
"""

from datetime import date
from pathlib import Path

import pytest

from innoscope.ingest.claims import Extractor, extract_file, extract_text
from innoscope.ingest.claims.document import iter_text
from innoscope.model.errors import DataError

ARTICLE = Path(__file__).resolve().parents[2] / "data" / "000_56324c709aa1581a.txt"

# (place, series, value in base units) as in the seed rows of the bundled cited data
SEED = [
    ("深圳", "high_tech_enterprises", 26600),
    ("杭州", "high_tech_enterprises", 16500),
    ("深圳", "little_giants_cumulative", 1040),
    ("杭州", "little_giants_cumulative", 478),
    ("深圳", "unicorns", 34),
    ("杭州", "unicorns", 19),
    ("深圳", "papers_10yr", 256000),
    ("杭州", "papers_10yr", 344000),
    ("深圳", "invention_patents_held", 1844000),
    ("杭州", "invention_patents_held", 850000),
    ("深圳", "rd_expenditure", 2236.6e8),
    ("深圳", "rd_enterprise_share", 93.3),
    ("深圳", "high_tech_enterprises_per_km2", 12),
    ("深圳", "robot_enterprises", 51100),
    ("深圳", "robot_industry_chain_output", 1700e8),
    ("深圳", "service_robot_output_growth", 25.8),
    ("深圳", "industrial_robot_output_growth", 31.8),
    ("深圳", "ai_enterprises_rank", 2),
    ("深圳", "pct_applications_rank", 1),
]


@pytest.fixture(scope="module")
def article():
    return list(extract_file(ARTICLE))


def _has(cands, place, series, value):
    return any(
        c.entity == place and c.indicator == series and c.value == pytest.approx(value, rel=1e-9)
        for c in cands
    )


@pytest.mark.parametrize(("place", "series", "value"), SEED)
def test_founding_article_figures(article, place, series, value):
    assert _has(article, place, series, value)


def test_article_growth_is_never_a_level(article):
    growth = [c for c in article if c.figure in ("25.8%", "31.8%")]
    assert growth and all(c.kind == "growth" and c.indicator.endswith("_growth") for c in growth)


def test_article_offsets_point_at_the_figure(article):
    text = "".join(iter_text(ARTICLE))
    from innoscope.ingest.claims.document import clean

    cleaned = clean(text)
    for c in article:
        assert cleaned[c.start : c.end].strip() == c.figure
        assert c.sentence in cleaned


def test_article_qualifiers(article):
    (c,) = [c for c in article if c.indicator == "robot_industry_chain_output"]
    assert c.qualifier == "lower bound"  # 超过1700亿元
    (c,) = [c for c in article if c.indicator == "little_giants_cumulative" and c.entity == "深圳"]
    assert "cumulative" in c.qualifier  # 累计分别为


def one(text, **kw):
    return [
        (c.entity, c.indicator, c.value, c.unit, c.year, c.kind)
        for c in extract_text(text, **kw)
        if c.indicator
    ]


def test_implicit_subject_and_relative_year():
    got = one(
        "杭州市科技局：创新驱动发展\n去年，我市新增国家高新技术企业2000余家，总数达1.65万家。",
        doc_date=date(2025, 3, 1),
    )
    assert ("杭州", "high_tech_enterprises", 16500.0, "家", 2024, "level") in got
    assert ("杭州", "high_tech_enterprises_change", 2000.0, "家", 2024, "change") in got


def test_year_source_is_stated():
    (c,) = [c for c in extract_text("去年，杭州独角兽企业22家。", doc_date=date(2025, 3, 1)) if c.indicator]
    assert (c.year, c.year_source) == (2024, "relative: 去年 (document date 2025-03-01)")


def test_bulletin_title_gives_the_year():
    got = one("深圳市2024年国民经济和社会发展统计公报\n全市地区生产总值36801.87亿元，比上年增长5.8%。")
    assert ("深圳", "gdp", 3680187000000.0, "元", 2024, "level") in got
    assert ("深圳", "gdp_growth", 5.8, "%", 2024, "growth") in got


def test_ratio_share_rank_are_kept_as_what_they_are():
    assert one("深圳独角兽企业数量是杭州的1.6倍。") == [("深圳", "unicorns_ratio", 1.6, "倍", None, "ratio")]
    assert ("杭州", "invention_patents_held_rank", 4.0, "rank", None, "rank") in one(
        "杭州有效发明专利拥有量10.9万件，居全国第三，省会城市第一。".replace("第三", "第四")
    )
    assert one("合肥全社会研发投入强度达3.91%。") == [("合肥", "rd_intensity", 3.91, "%", None, "share")]


def test_respective_places():
    got = one("广州、深圳的本科高校分别为37所和5所。")
    assert got == [
        ("广州", "universities_undergrad", 37.0, "所", None, "level"),
        ("深圳", "universities_undergrad", 5.0, "所", None, "level"),
    ]


def test_places_written_before_figures():
    got = one("北京114家、上海63家独角兽企业")
    assert ("北京", "unicorns", 114.0, "家", None, "level") in got
    assert ("上海", "unicorns", 63.0, "家", None, "level") in got


def test_national_average_is_not_the_city():
    got = one("深圳每万人口高价值发明专利拥有量98.36件，是全国平均水平(11.8件)的8.3倍")
    assert [g[:3] for g in got] == [
        ("深圳", "high_value_invention_patents_per_10k_pop", 98.36),
        ("深圳", "high_value_invention_patents_per_10k_pop_ratio", 8.3),
    ]


def test_english():
    assert one("In 2023 Shenzhen's R&D expenditure reached RMB 223.66 billion.") == [
        ("深圳", "rd_expenditure", 223.66e9, "元", 2023, "level")
    ]
    assert one("Hangzhou is home to more than 24,000 high-tech enterprises.") == [
        ("杭州", "high_tech_enterprises", 24000.0, "家", None, "level")
    ]


def test_traditional_and_simplified_agree():
    a = one("截至2024年底，杭州國家高新技術企業達1.65萬家。")
    b = one("截至2024年底，杭州国家高新技术企业达1.65万家。")
    assert a == b == [("杭州", "high_tech_enterprises", 16500.0, "家", 2024, "level")]


def test_table_flattened_into_text_rows():
    got = one("专精特新小巨人企业：苏州(595家)、杭州(476家)、宁波(397家)")
    assert ("苏州", "little_giants_valid", 595.0, "家", None, "level") in got
    assert all(g[2] != 397.0 for g in got)  # 宁波 is not a known place: its figure is not given to 杭州


def test_no_figures():
    assert extract_text("天气晴朗，适合出行。") == []
    assert one("深圳是一座年轻的城市，充满活力。") == []


def test_streaming_gives_the_same_candidates(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE.read_text(encoding="utf-8") * 3, encoding="utf-8")
    ex = Extractor()
    whole = [(c.start, c.entity, c.indicator, c.value) for c in extract_file(p, extractor=ex)]
    small = [
        (c.start, c.entity, c.indicator, c.value) for c in extract_file(p, extractor=ex, chunk_chars=1500)
    ]
    # 24 candidates per copy: 六家科技新贵 of 杭州 is no longer given to 深圳 (its firms, DeepSeek and 宇樹科技, are
    # named before it)
    assert whole == small and len(whole) == 3 * 24


def test_bad_input(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "d.pdf").write_bytes(b"%PDF-1.7\n...")
    with pytest.raises(DataError, match="empty"):
        list(extract_file(tmp_path / "e.txt"))
    with pytest.raises(DataError, match="binary"):
        list(extract_file(tmp_path / "b.bin"))
    with pytest.raises(DataError, match="pdftotext"):
        list(extract_file(tmp_path / "d.pdf"))
    with pytest.raises(DataError, match="no such file"):
        list(extract_file(tmp_path / "missing.txt"))


def test_gbk_and_html(tmp_path):
    (tmp_path / "g.txt").write_bytes("南京的独角兽企业有三十四家。".encode("gbk"))
    assert [(c.entity, c.value) for c in extract_file(tmp_path / "g.txt")] == [("南京", 34.0)]
    html = (
        "<html><head><title>t</title><script>var x=5;</script></head><body><table>"
        "<tr><th>城市</th><th>独角兽企业</th></tr><tr><td>北京</td><td>114家</td></tr></table></body></html>"
    )
    (tmp_path / "t.html").write_text(html, encoding="utf-8")
    got = [(c.entity, c.indicator, c.value) for c in extract_file(tmp_path / "t.html")]
    assert ("北京", "unicorns", 114.0) in got


def test_chunks_are_bounded_and_lose_nothing(tmp_path):
    text = ARTICLE.read_text(encoding="utf-8") * 300  # about 1.1 M characters, 2.6 MB of UTF-8
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8")
    chunks = list(iter_text(p, chunk_chars=100_000))
    assert max(len(c) for c in chunks) <= 100_000 and len(chunks) >= 10
    assert "".join(chunks) == text


def test_progress_is_told_each_chunk_done_and_ends_at_the_file_size(tmp_path):
    """The progress bar of ``innoscope extract`` advances by the bytes of each chunk once the caller is done with
    it, and ends at the file's size (os.stat, independent of the reader)."""
    p = tmp_path / "big.txt"
    p.write_text(ARTICLE.read_text(encoding="utf-8") * 60, encoding="utf-8")
    told: list[int] = []
    chunks = iter_text(p, chunk_chars=50_000, progress=told.append)
    next(chunks)
    assert told == []  # the first chunk is not done until the next one is asked for
    rest = list(chunks)
    assert (
        len(rest) >= 3 and len(told) >= 2
    )  # told once per chunk that follows new bytes read (256 KiB blocks)
    assert sum(told) == p.stat().st_size


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Shenzhen had more than 24,000 national high-tech enterprises in 2023.", "lower bound"),
        ("Hangzhou is home to approximately 16,500 high-tech enterprises.", "approximate"),
        ("Chengdu had less than 13,000 high-tech enterprises.", "upper bound"),
        ("深圳国家高新技术企业超过2.4万家。", "lower bound"),
    ],
)
def test_english_qualifiers_longer_than_eight_characters(text, qualifier):
    """'more than ' is ten characters: the qualifier was looked for in the eight before the figure only, so an
    English lower bound was stored as an exact count (regression)."""
    (c,) = [c for c in extract_text(text) if c.indicator == "high_tech_enterprises"]
    assert c.qualifier == qualifier


@pytest.fixture(scope="module")
def places_ex():
    from innoscope.cities.text_places import place_index

    return Extractor(place_index())


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("北京有效国家高新技术企业达2.83万家，每万家企业中高新技术企业数量居全国首位。", "每万家"),
        ("苏州2024年GDP达2.67万亿元，稳居全国第六，增速6%，在GDP前十城市中位居第二。", "前十城市中"),
        ("2024年昆山市高新技术企业达2900家，连续20年位居全国百强县首位。", "百强"),
    ],
)
def test_a_rank_among_a_few_is_proposed_with_its_own_words(sentence, word, places_ex):
    """A rank among a few (每万家, 前十城市中, 百强) names no series: its phrase is those words as the sentence writes
    them. The match's offset (already into the text) had the clause's start added again, so the phrase was a slice
    of text twice as far into the document ('' at the end of a short text, '8章5' in a long one) and depended on
    where the sentence stood in its chunk (regression)."""
    pad = "说明。\n" * 40  # the sentence far enough into the text for the doubled offset to land inside it
    for text in (sentence, pad + sentence + "\n" + pad):
        cands = extract_text(text, extractor=places_ex)
        ranks = [c for c in cands if c.kind == "rank" and c.status == "proposed"]
        assert [c.phrase for c in ranks if word in c.sentence] == [word]

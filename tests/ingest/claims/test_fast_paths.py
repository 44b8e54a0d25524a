"""The fast paths of ``innoscope extract`` give what their plain definitions give.

Each speed-up (Aho-Corasick by ahocorasick-rs, Latin words matched only over Latin stretches, the fold by
character-class substitution, pinyin annotations tried only at parentheses) keeps a slow reference next to it;
these tests compare both on the founding article, the dev sentences and generated text, and run the whole
extractor with every reference swapped in: the candidates must be the same, field for field.
"""

from __future__ import annotations

import copy
import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innoscope.cities.text_places import place_index
from innoscope.ingest import text as text_mod
from innoscope.ingest.claims import Extractor, Lexicon
from innoscope.ingest.claims import dates as dates_mod
from innoscope.ingest.claims import document as document_mod
from innoscope.ingest.claims import extract as extract_mod
from innoscope.ingest.claims import numbers as numbers_mod
from innoscope.ingest.claims import qualifiers as qualifiers_mod
from innoscope.ingest.claims.document import clean, fold, fold_reference
from innoscope.ingest.claims.places import WordMatcher, longest_matcher, longest_matches_reference
from innoscope.ingest.text import strip_pinyin_annotations, strip_pinyin_annotations_reference

DATA = Path(__file__).resolve().parents[2] / "data"
ARTICLE = (DATA / "000_56324c709aa1581a.txt").read_text(encoding="utf-8")


def _dev_documents() -> list[str]:
    docs = []
    with (DATA / "extract" / "cited_eval.csv").open(encoding="utf-8") as f:
        docs += [f"{r['title']}\n{r['sentence']}" for r in csv.DictReader(f) if r["split"] == "dev"]
    with (DATA / "extract" / "sentences.csv").open(encoding="utf-8") as f:
        docs += [r["sentence"] for r in csv.DictReader(f) if r["split"] == "dev"]
    return list(dict.fromkeys(docs))


DEV = _dev_documents()
TEXTS = [ARTICLE, *DEV]


@pytest.fixture(scope="module")
def places():
    return place_index()


def test_longest_matcher_on_the_gazetteer(places):
    vocab = list(places.names)
    fast = longest_matcher(vocab)
    for t in (fold(clean(ARTICLE)), *map(fold, DEV)):
        assert list(fast(t)) == longest_matches_reference(vocab, t)


def test_longest_matcher_overlaps():
    vocab = ["ab", "abc", "bcd", "c", "cd", "d", "abcde"]
    # from each position the longest word starting there, then on after it
    assert list(longest_matcher(vocab)("abcd")) == [(2, "abc"), (3, "d")]
    assert list(longest_matcher(vocab)("xabcdex")) == [(5, "abcde")]
    assert list(longest_matcher(vocab)("bcdab")) == [(2, "bcd"), (4, "ab")]
    assert list(longest_matcher([])("abc")) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text("abc深圳市", min_size=1, max_size=4), min_size=1, max_size=8),
    st.text("abc深圳市 ", max_size=40),
)
def test_longest_matcher_generated(vocab, t):
    assert list(longest_matcher(vocab)(t)) == longest_matches_reference(vocab, t)


def _spans(matches):
    return [(m.start(), m.end(), m.group(0)) for m in matches]


def test_word_matcher_on_places_and_phrases(places):
    lex = Lexicon.default()
    for wm in (places._en, lex._en):
        for t in (fold(clean(ARTICLE)), *map(fold, DEV)):
            assert _spans(wm.finditer(t)) == _spans(wm.pattern.finditer(t))


@settings(max_examples=300, deadline=None)
@given(st.text("ab AB深-&'\u212a\u017fK.", max_size=30), st.booleans())
def test_word_matcher_generated(t, ignorecase):
    # U+212A (Kelvin) and U+017F (long s) are letters to an IGNORECASE pattern: stretches must end where the
    # lookarounds see a non-letter
    wm = WordMatcher(["ab", "a b", "b-a", "k", "s&a", "ba"], re.IGNORECASE if ignorecase else 0)
    assert _spans(wm.finditer(t)) == _spans(wm.pattern.finditer(t))


def test_fold_on_real_text():
    for t in TEXTS:
        assert fold(t) == fold_reference(t)


@settings(max_examples=300, deadline=None)
@given(st.text("１２３４５％，（）ＡＢａｂ\u3000萬億產業－～〜﹪−¥￥²abc12 ", max_size=40))
def test_fold_generated(t):
    assert fold(t) == fold_reference(t)
    assert len(fold(t)) == len(t)


def test_pinyin_annotations_on_real_text():
    assert strip_pinyin_annotations(ARTICLE) == strip_pinyin_annotations_reference(ARTICLE)
    assert strip_pinyin_annotations(ARTICLE)[1] > 100
    for t in DEV:
        assert strip_pinyin_annotations(t) == strip_pinyin_annotations_reference(t)


def test_pinyin_annotations_cases():
    cases = {
        "產(chǎn)業": "產業",
        "產 (chǎn)業(yè)": "產業",
        "中 ( zhong ) 国": "中 国",
        "深(shen)圳 (Shenzhen)": "深圳 (Shenzhen)",
        "中（zhōng）(guó)": "中(guó)",
        "(chǎn)": "(chǎn)",
        "中((zhong))": "中((zhong))",
    }
    for raw, want in cases.items():
        assert strip_pinyin_annotations(raw)[0] == want
        assert strip_pinyin_annotations_reference(raw)[0] == want


_PINYIN_TOKENS = ["產", "業", "中", " ", "(", "（", ")", "）", "chǎn", "yè", "zhong", "guo2", "Ab", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PINYIN_TOKENS), max_size=16).map("".join))
def test_pinyin_annotations_generated(t):
    assert strip_pinyin_annotations(t) == strip_pinyin_annotations_reference(t)


class _RefWords:
    def __init__(self, wm: WordMatcher):
        self.finditer = wm.pattern.finditer


def _reference_extractor(monkeypatch, places) -> Extractor:
    """An extractor whose matching, fold and clean-up are the slow references."""
    lex = Lexicon.default().merged(Lexicon({}))  # a fresh lexicon object, not the cached one
    ref_places = copy.copy(places)
    for obj in (ref_places, lex):
        obj._zh = obj._zh.reference
        obj._en = _RefWords(obj._en)
    monkeypatch.setattr(extract_mod, "fold", fold_reference)
    monkeypatch.setattr(document_mod, "strip_pinyin_annotations", strip_pinyin_annotations_reference)
    return Extractor(ref_places, lex)


def test_whole_extractor_same_candidates(monkeypatch, places):
    fast = Extractor(places)
    want = [list(fast.extract_chunks([t], document="d")) for t in TEXTS]
    assert sum(map(len, want)) > 300
    with monkeypatch.context() as m:
        ref = _reference_extractor(m, places)
        got = [list(ref.extract_chunks([t], document="d")) for t in TEXTS]
    assert got == want
    assert text_mod.strip_pinyin_annotations is strip_pinyin_annotations


# -- scans that skip where their pattern cannot match (ranks, 分之/一半, 突破万户) ---------------------------------


def _groups(matches):
    return [(m.span(), m.groupdict()) for m in matches]


_RANK_TOKENS = [
    "第", "三", "十二", "3", "位", "名", "首", "首位", "榜首", "之最", "第一", "全国", "全国大中城市", "各省区市",
    "居", "位居", "跃升至", "居于", "并列", "No.", "no. ", "13", "ranked ", "ranks ", "3rd", "number ", "one ",
    "position", "national ", "world ", "second ", "place", "first", "、", "和", " ", "x", "城市", "，",
]  # fmt: skip


_YEAR_TOKENS = [
    "2024", "19", "20", "1", "2", "0", "9", "年", "年代", "代", "-", "/", ".", "1-2", "》", "）", "自然指数", "全球",
    "去年", "上年", "上一年", "当年", "当前", "截至", "截至目前", "3月底", "目前", "如今", "现有", "本年", "前年", "今年",
    "in ", "In ", "for ", "during ", "end of ", "end-", "as of ", "by ", "at ", "the end of ", "March", "late ",
    "Index ", "Report ", "Ranking ", "List ", "last year", "this year", "now", "know", "l", "t", "a", " ", "x", "，",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1", "23", "123", "1234", ",", "，", ";", "；", ":", "：", "a", " "]), max_size=12
    )
)
def test_clause_marks_generated(parts):
    t = "".join(parts)
    assert _spans(extract_mod._CLAUSE_RE.finditer(t)) == _spans(extract_mod._CLAUSE_REFERENCE_RE.finditer(t))


def test_clause_marks_on_real_text():
    for t in (fold(clean(ARTICLE)), *map(fold, DEV)):
        assert _spans(extract_mod._CLAUSE_RE.finditer(t)) == _spans(
            extract_mod._CLAUSE_REFERENCE_RE.finditer(t)
        )


def _first_chars(items) -> set[str]:
    """The characters a parsed pattern (re._parser) can start with: literals, sets and branches, through groups
    and past lookarounds and optional items."""
    from re import _constants as c

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            return out | {chr(av)}
        if op is c.IN:
            return out | {chr(v) for o, v in av if o is c.LITERAL}
        if op is c.SUBPATTERN:
            sub = _first_chars(av[3])
        elif op is c.BRANCH:
            sub = set().union(*(_first_chars(alt) for alt in av[1]))
        elif op in (c.ASSERT, c.ASSERT_NOT):
            continue
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            sub = _first_chars(av[2])
            if av[0] == 0:
                out |= sub
                continue
        else:
            raise AssertionError(f"unhandled {op}")
        return out | sub
    return out


def test_year_anchors_cover_every_alternative_of_the_pattern():
    """Each alternative of _YEAR_RE must open with an anchor of _YEAR_FIRST_RE (an alternative added to the
    pattern without its first character missed 'now')."""
    from re import _parser

    firsts = _first_chars(_parser.parse(dates_mod._YEAR_RE.pattern))
    anchors = {a[0] for a in dates_mod._YEAR_FIRST_RE.pattern.split("|")}
    assert firsts and firsts <= anchors, sorted(firsts - anchors)


def test_year_matches_on_real_text():
    for t in (fold(clean(ARTICLE)), *map(fold, DEV)):
        assert _groups(dates_mod.year_matches(t)) == _groups(dates_mod._YEAR_RE.finditer(t))


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_YEAR_TOKENS), max_size=16).map("".join))
def test_year_matches_generated(t):
    assert _groups(dates_mod.year_matches(t)) == _groups(dates_mod._YEAR_RE.finditer(t))


def test_rank_matches_on_real_text():
    for t in (fold(clean(ARTICLE)), *map(fold, DEV)):
        assert _groups(qualifiers_mod.rank_matches(t)) == _groups(qualifiers_mod._RANK_RE.finditer(t))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_RANK_TOKENS), max_size=24).map("".join))
def test_rank_matches_generated(t):
    assert _groups(qualifiers_mod.rank_matches(t)) == _groups(qualifiers_mod._RANK_RE.finditer(t))


def test_rank_lead_is_the_longest_way_to_an_anchor():
    # 居于 + 全国大中城市 = 9 characters before 第; "national " = 9 before number
    # 跃升至 + 全国大中城市 = 9 characters before 榜 of 榜首 (hypothesis found it when 首 was the only anchor)
    for t in (
        "居于全国大中城市第三",
        "national number one position",
        "xx居于全国大中城市第三位",
        "跃升至全国大中城市榜首",
    ):
        ms = list(qualifiers_mod._RANK_RE.finditer(t))
        assert _groups(qualifiers_mod.rank_matches(t)) == _groups(ms)
        assert ms and ms[0].group(0) in t and len(ms[0].group(0)) > qualifiers_mod._RANK_LEAD


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["三", "十", "分之", "一", "半", "占", "近", "的", "之", "1", "0", "12", "x", "超"]),
        max_size=14,
    ).map("".join)
)
def test_fractions_generated(t):
    want = [numbers_mod._fraction(m) for m in numbers_mod._FRACTION_REFERENCE_RE.finditer(t)]
    assert [numbers_mod._fraction(m) for m in numbers_mod._fractions(t)] == want


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["突破", "超过", "逾", "超", "过", "万", "亿", "千亿", "万亿", "元", "户", "家", "x", "破"]
        ),
        max_size=12,
    ).map("".join)
)
def test_lone_magnitudes_generated(t):
    assert _groups(numbers_mod._lone_magnitudes(t)) == _groups(numbers_mod._LONE_WAN_RE.finditer(t))


_FIGURE_TOKENS = [
    "1", "23", "0", "2024", "1,234", ",567", ".5", "12.", "三", "十四", "两", "〇", "零", "点五", "万", "亿", "千亿",
    "余", "多", "-", "~", "至", "到", " ", "家", "元", "%", "个百分点", "平方公里", "元/平米", "年", ":", "30",
    "/", "12-31", "x", "第", "G",
]  # fmt: skip


def test_figure_and_date_patterns_on_real_text():
    for t in (fold(clean(ARTICLE)), *map(fold, DEV)):
        assert _groups(numbers_mod._FIGURE_RE.finditer(t)) == _groups(
            numbers_mod._FIGURE_REFERENCE_RE.finditer(t)
        )
        assert _groups(numbers_mod._DATE_RE.finditer(t)) == _groups(
            numbers_mod._DATE_REFERENCE_RE.finditer(t)
        )


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_FIGURE_TOKENS), max_size=12).map("".join))
def test_figure_and_date_patterns_generated(t):
    assert _groups(numbers_mod._FIGURE_RE.finditer(t)) == _groups(
        numbers_mod._FIGURE_REFERENCE_RE.finditer(t)
    )
    assert _groups(numbers_mod._DATE_RE.finditer(t)) == _groups(numbers_mod._DATE_REFERENCE_RE.finditer(t))


def test_shares_and_magnitudes_in_words():
    # hand-read: 三分之一 is 33.33 %, 占一半 50 %, 突破千亿元 1e11 元; 之一半 and 一半 alone are no figure
    got = [(f.value, f.unit) for f in numbers_mod.find_figures("约三分之一,占一半,之一半,一半,突破千亿元")]
    assert got == [(33.3333333333, "%"), (50.0, "%"), (1e11, "元")]


# -- qualifiers and kinds: suffix tests skipped when the last character ends no word ---------------------------


def _qualifier_reference(before, after, *, more=False, high=None, clause_before=""):
    """qualifier_of as first written (every suffix test run)."""
    q = qualifiers_mod
    qs = []
    b = before.rstrip()
    bl = b.lower() + " "
    b_en = before.lower()
    if b.endswith(q._APPROX_BEFORE) or b_en.endswith(q._APPROX_BEFORE) or after.startswith(q._APPROX_AFTER):
        qs.append("approximate")
    if (
        b.endswith(q._LOWER_BEFORE)
        or b_en.endswith(q._LOWER_BEFORE)
        or bl.endswith(q._LOWER_BEFORE)
        or more
        or after.startswith(q._LOWER_AFTER)
    ):
        qs.append("lower bound")
    elif b.endswith(q._UPPER_BEFORE) or b_en.endswith(q._UPPER_BEFORE) or after.startswith(q._UPPER_AFTER):
        qs.append("upper bound")
    if "累计" in clause_before:
        qs.append("cumulative")
    if high is not None:
        qs.append(f"range to {high:g}")
    return "; ".join(qs)


def _strip_reference(before):
    b = before.rstrip()
    m = qualifiers_mod._QUALIFIER_END_RE.search(b, max(0, len(b) - 12))
    return b[: m.start()].rstrip() if m else b


def _kind_reference(unit, before):
    """kind_of as first written (every pattern run)."""
    q = qualifiers_mod
    b = _strip_reference(before)
    if unit == "倍":
        return "growth" if q._GROWTH_RE.search(b[-12:]) and not q._IS_RE.search(b[-12:]) else "ratio"
    if b.endswith("+"):
        return "growth" if unit in ("%", "‰") else "change"
    if q._TO_RE.search(b[-6:]):
        return "share" if unit in ("%", "‰") else "level"
    if unit in ("%", "‰", "pp"):
        if q._GROWTH_RE.search(b[-14:]) or unit == "pp":
            return "growth" if unit != "pp" else "change"
        return "share"
    if q._CHANGE_RE.search(b[-6:]) or q._CHANGE_EN_RE.search(b[-28:]):
        return "change"
    verbs = [m.end() for m in q._CHANGE_VERB_RE.finditer(b)]
    if verbs and not q._LEVEL_WORD_RE.search(b, verbs[-1]):
        return "change"
    return "level"


_QUAL_TOKENS = [
    "约", "大约", "约为", "超过", "突破", "逾", "超", "近", "将近", "不到", "以上", "以下", "左右", "About ",
    "about", "more than ", "Over", "over ", "at least", "nearly", "less than ", "under ", "close to ", "\u212a",
    "\u017f", "s", "T", " ", "\n", "增长", "增至", "达到", "达", "新增", "增加了", "减少", "为", "是", "累计",
    "总数", "同比", "增速", "下降", "增加", "净增", "新认定", "增量", "增长至", "提高到", "x", "1",
]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(_QUAL_TOKENS), max_size=6).map("".join),
    st.lists(st.sampled_from(_QUAL_TOKENS), max_size=2).map("".join),
    st.booleans(),
    st.sampled_from([None, "%", "pp", "倍", "家", "元"]),
)
def test_qualifier_and_kind_generated(before, after, more, unit):
    assert qualifiers_mod.qualifier_of(
        before, after, more=more, clause_before=before
    ) == _qualifier_reference(before, after, more=more, clause_before=before)
    assert qualifiers_mod._strip_qualifier(before) == _strip_reference(before)
    assert qualifiers_mod.kind_of(unit, before) == _kind_reference(unit, before)


def test_fast_scans_whole_extractor_same_candidates(monkeypatch, places):
    """The whole extractor with each scan of this section swapped for its plain pattern or definition."""
    fast = Extractor(places)
    want = [list(fast.extract_chunks([t], document="d")) for t in TEXTS]
    with monkeypatch.context() as m:
        m.setattr(qualifiers_mod, "rank_matches", qualifiers_mod._RANK_RE.finditer)
        m.setattr(dates_mod, "year_matches", dates_mod._YEAR_RE.finditer)
        m.setattr(extract_mod, "_CLAUSE_RE", extract_mod._CLAUSE_REFERENCE_RE)
        m.setattr(numbers_mod, "_fractions", lambda t: list(numbers_mod._FRACTION_REFERENCE_RE.finditer(t)))
        m.setattr(numbers_mod, "_FIGURE_RE", numbers_mod._FIGURE_REFERENCE_RE)
        m.setattr(numbers_mod, "_DATE_RE", numbers_mod._DATE_REFERENCE_RE)
        m.setattr(numbers_mod, "_lone_magnitudes", lambda t: list(numbers_mod._LONE_WAN_RE.finditer(t)))
        m.setattr(extract_mod, "qualifier_of", _qualifier_reference)
        m.setattr(extract_mod, "kind_of", _kind_reference)
        got = [list(fast.extract_chunks([t], document="d")) for t in TEXTS]
    assert got == want


def test_english_ordinals_over_latin_stretches_are_the_plain_pattern():
    extra = (
        "Beijing stayed first, Shanghai (2nd); Wuhan climbed to 7th. Tianjin, the 11th-largest, 5th globally."
    )
    for t in (*map(fold, TEXTS), extra):
        assert _groups(qualifiers_mod._english_ordinal_matches(t)) == _groups(
            qualifiers_mod._EN_ORD_RE.finditer(t)
        )

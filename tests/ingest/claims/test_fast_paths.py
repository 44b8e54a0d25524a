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
from innoscope.ingest.claims import document as document_mod
from innoscope.ingest.claims import extract as extract_mod
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

"""Web-text clean-up on the seed article (tests/data/000_56324c709aa1581a.txt, a copy of ../shared/seed)."""

import re
from pathlib import Path

import pandas as pd

from innoscope.ingest.text import clean_cells, clean_web_text, find_mojibake, strip_pinyin_annotations

SEED = Path(__file__).parents[1] / "data" / "000_56324c709aa1581a.txt"
# Independent check: parentheses holding only lower-case Latin letters with or without pinyin tone marks.
PINYIN_IN_PARENS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+[)）]")


def test_seed_article_annotations_removed():
    raw = SEED.read_text(encoding="utf-8")
    n_raw = len(PINYIN_IN_PARENS.findall(raw))
    assert n_raw == 160  # counted in the raw file with the regex above
    cleaned = clean_web_text(raw)
    assert PINYIN_IN_PARENS.findall(cleaned.text) == []
    assert cleaned.removed_annotations == n_raw
    assert "科創(chuàng)高地" in raw and "科創高地" in cleaned.text
    assert "產業" in cleaned.text and "產(chǎn)業(yè)" not in cleaned.text
    assert "深度求索(DeepSeek)" in cleaned.text  # not pinyin: kept


def test_seed_article_mojibake_reported_with_offsets():
    cleaned = clean_web_text(SEED.read_text(encoding="utf-8"))
    # Read by hand: "尷尬??梢哉f," (GBK 。可以說 read one byte out of step) and "上??梢员?。" (上海可以比).
    # The three single '?' (南京?深圳, 宇樹科技?有, 這里?培養) are question marks, not mojibake.
    snippets = [(m.snippet, m.kind) for m in cleaned.mojibake]
    assert snippets == [("??梢哉f", "replacement"), ("??梢员?", "replacement")]
    assert [m.offset for m in cleaned.mojibake] == [391, 1890]
    for m in cleaned.mojibake:
        assert cleaned.text[m.offset : m.offset + m.length] == m.snippet


def test_multi_syllable_and_fullwidth_annotations():
    assert strip_pinyin_annotations("創(chuàng)新") == ("創新", 1)
    assert strip_pinyin_annotations("產(chǎn)業(yè)") == ("產業", 2)
    assert strip_pinyin_annotations("產業(chǎnyè)與創新（chuàng xīn）") == ("產業與創新", 2)
    assert strip_pinyin_annotations("的(de)")[1] == 1  # toneless, all lower case, valid syllable
    text = "人工智能(AI)、北京(Beijing)、模型(GPT)、(chuàng)開頭"
    assert strip_pinyin_annotations(text) == (text, 0)  # not after a CJK character, or not pinyin


def test_other_mojibake_detectors():
    latin = "创新".encode().decode("cp1252")  # UTF-8 read as cp1252
    gbk = "创新".encode().decode("gbk")  # UTF-8 read as GBK
    assert gbk == "鍒涙柊"
    text = f"甲{latin}乙{gbk}丙"
    found = find_mojibake(text)
    assert [(m.offset, m.length, m.kind) for m in found] == [
        (1, len(latin), "latin1"),
        (2 + len(latin), 3, "gbk"),
    ]
    assert find_mojibake("为什么不是南京?深圳也成为了被讨论最多的城市之一。") == []
    assert [(m.offset, m.snippet) for m in find_mojibake("好\ufffd\ufffd地方,")] == [(1, "\ufffd\ufffd地方")]


def test_clean_cells_light_version():
    s = pd.Series(["深圳(shēn zhèn)", " 杭州 ", "北京", None, "上海\u200b"])
    out = clean_cells(s)
    assert out.tolist()[:3] == ["深圳", "杭州", "北京"] and pd.isna(out.iloc[3]) and out.iloc[4] == "上海"

"""Places named in text, and the implicit subject of a document about one city.

A :class:`PlaceIndex` maps every written form of a place (Chinese name with and without 市, aliases, English
name; Traditional forms are matched after the text is converted to Simplified) to its canonical Chinese name.
It is built from an :class:`~innoscope.ingest.names.EntityTable` (the store's or the bundled table) or from any
``(canonical name, names)`` pairs, such as a gazetteer. Matching is leftmost-longest: Chinese forms by one
Aho-Corasick automaton (:class:`LongestMatcher`), English names as whole words (:class:`WordMatcher`).

A place name inside the name of a newspaper or broadcaster (天津日报, 香港商报, 深圳新闻网) is not a place; a place
name followed by a zone inside it (重庆两江新区, 武汉东湖高新区, 苏州工业园区) names the zone, a scope like 全国.
Well-known abbreviations of several cities (京沪, 沪深, 北上广深) are read as the list of their cities, one
mention per character (flag ``abbr``), so that 京沪两城……分别为29.8、29.4 is about 北京 and 上海.

The implicit subject (全市, 我市, 该市, 本市, the city; 全区/全县 only for a document about a district or county)
of a document is its main place: the place it names
most often (the first named among equals), unless the user gives it. An index may weigh places (the gazetteer's
provinces count half, so 陕西省西安市 makes 西安 the subject).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from innoscope.ingest.names import EntityTable

__all__ = [
    "IMPLICIT_SUBJECTS",
    "LongestMatcher",
    "FIRMS",
    "SCOPES",
    "PlaceIndex",
    "PlaceMention",
    "WordMatcher",
    "entity_forms",
    "longest_matcher",
    "longest_matches_reference",
    "main_place",
    "trie_pattern",
]

IMPLICIT_SUBJECTS = (
    "全市",
    "我市",
    "该市",
    "本市",
    "市内",
    "全区",
    "该区",
    "本区",
    "全县",
    "该县",
    "本县",
    "the city",
    "The city",
)
SCOPES = (
    "全国",
    "中国",
    "我国",
    "全省",
    "全球",
    "全世界",
    "世界",
    "省会城市",
    "副省级城市",
    "大中城市",
    "长三角",
    "珠三角",
    "京津冀",
    "粤港澳大湾区",
    "大湾区",
    "长江经济带",
    "国内",
    "nationally",
    "national",
    "China",
    "worldwide",
    "global",
)
"""Words that name the scope of a rank or an average (全国平均水平), not a place the figure is about."""

FIRMS = (
    "阿里巴巴", "阿里云", "阿里集团", "蚂蚁集团", "华为", "腾讯", "百度", "京东", "京东方", "字节跳动", "美团",
    "拼多多", "网易", "快手", "小米", "比亚迪", "大疆", "中兴通讯", "中兴", "荣耀", "传音", "立讯精密", "宁德时代",
    "海康威视", "大华股份", "科大讯飞", "商汤", "旷视", "寒武纪", "中芯国际", "宇树科技", "宇树", "深度求索",
    "云深处", "强脑科技", "群核科技", "游戏科学", "蔚来", "小鹏汽车", "理想汽车", "吉利汽车", "吉利控股", "奇瑞",
    "长城汽车", "上汽集团", "广汽集团", "潍柴动力", "潍柴", "三一重工", "三一集团", "中联重科", "徐工", "中国中车",
    "埃夫特", "格力电器", "美的集团", "海尔", "联想集团", "隆基绿能", "通威", "药明康德", "恒瑞医药", "迈瑞医疗",
    "顺丰", "中国移动", "中国电信", "中国联通", "国家电网", "中国石化", "中国石油",
    "Huawei", "Tencent", "Alibaba", "Baidu", "ByteDance", "Meituan", "Xiaomi", "BYD", "DJI", "ZTE", "CATL",
    "Hikvision", "iFlytek", "SenseTime", "SMIC", "Unitree", "DeepSeek", "NIO", "XPeng", "Geely", "Chery", "Lenovo",
    "Haier", "Midea", "Gree", "NetEase",
)  # fmt: skip
"""Names of well-known firms (China's largest R&D spenders and the firms the founding article names): a firm
named as the subject of a figure (华为2024年研发投入1797亿元) owns it, not its city; matched whole, a name that
begins with a place's name (阿里巴巴: 阿里 is 阿里地区) names no place."""

ABBREVIATIONS = {
    "京": "北京",
    "沪": "上海",
    "津": "天津",
    "渝": "重庆",
    "深": "深圳",
    "广": "广州",
    "穗": "广州",
    "杭": "杭州",
    "宁": "南京",
    "苏": "苏州",
    "锡": "无锡",
    "常": "常州",
    "长": "长沙",
    "株": "株洲",
    "潭": "湘潭",
    "甬": "宁波",
    "蓉": "成都",
    "成": "成都",
    "港": "香港",
    "莞": "东莞",
    "佛": "佛山",
    "北": "北京",
    "上": "上海",
}
"""One-character abbreviations of cities, read only inside the combinations of :data:`ABBREVIATION_LISTS`."""
ABBREVIATION_LISTS = (
    "京沪",
    "沪京",
    "京沪深",
    "京沪广深",
    "北上广深",
    "北上广",
    "北上深",
    "沪深",
    "深沪",
    "京深",
    "沪杭",
    "杭沪",
    "沪宁",
    "宁杭",
    "沪苏",
    "苏杭",
    "杭甬",
    "深港",
    "港深",
    "成渝",
    "深莞",
    "京津",
    "苏锡常",
    "长株潭",
)
"""Abbreviations of several cities written together (京沪 = 北京, 上海)."""
_MEDIA_RE = re.compile(r"日报|晚报|商报|早报|晨报|都市报|工人报|青年报|新闻网|电视台|卫视|广播电视")
_ZONE_RE = re.compile(
    r"[^\s\d,，。、；;:：和与及的在建设造进快推有为是了将以达共]{0,4}?"
    r"(?:高新技术产业开发区|经济技术开发区|高新区|新区|开发区|工业园区|产业园区|经开区|自贸试验区|自贸区|片区|"
    r"科学城|科技城|综合保税区|合作区)"
)

_ORG_RE = re.compile(
    r"[^\s\d,，。、；;:：和与及的在建设造进快推有为是了将以达共年新增全各等家个市省区县]{0,4}?"
    r"(?:大学|学院|银行|农商行|证券交易所|交易所|集团|控股|时代|研究院)"
)
"""The end of an organisation's name written after a place (北京大学, 西安交通大学, 南京银行, 宁德时代):
its figures are the organisation's. 上市公司 counts of a city are not names (市/省/区 and 新增/全
stop the name)."""

_LOCATED_RE = re.compile(r"(?:位于|坐落于|地处|总部在|总部设在|落户|落户于|扎根|设在)\Z")
_ZONE_OR_ORG_RE = re.compile(f"{_ZONE_RE.pattern}|{_ORG_RE.pattern}")
_EN_ORG_AFTER_RE = re.compile(
    r"(?:\s+[A-Z][a-z]+){0,3}\s+(?:University|Bank|Stock Exchange|Group|Institute|Academy|Airlines)\b"
)
_EN_ORG_BEFORE_RE = re.compile(
    r"\b(?:(?:University|Bank|Academy|Institute) of (?:the )?|(?:headquartered|based) in (?:[a-z]+ )?)\Z"
)
_EN_BASED_AFTER_RE = re.compile(r"-based\b")


class LongestMatcher:
    """Leftmost-longest, non-overlapping matches of ``words`` in a text as ``(index of the last character, word)``:
    an Aho-Corasick automaton (ahocorasick-rs, the Rust ``aho-corasick`` crate: one pass over the text whatever
    the number of words; pyahocorasick took 10x the time on the gazetteer's names). :meth:`reference` is the
    plain definition it is tested against."""

    def __init__(self, words: Iterable[str]):
        import ahocorasick_rs

        self.words = list(dict.fromkeys(w for w in words if w))
        self._auto = (
            ahocorasick_rs.AhoCorasick(self.words, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
            if self.words
            else None
        )

    def __call__(self, text: str) -> list[tuple[int, str]]:
        if self._auto is None:
            return []
        words = self.words
        return [(end - 1, words[i]) for i, _, end in self._auto.find_matches_as_indexes(text)]

    def reference(self, text: str) -> Iterator[tuple[int, str]]:
        return iter(longest_matches_reference(self.words, text))


def longest_matcher(words: Iterable[str]) -> Callable[[str], Iterable[tuple[int, str]]]:
    """A :class:`LongestMatcher` of ``words``."""
    return LongestMatcher(words)


def longest_matches_reference(words: Iterable[str], text: str) -> list[tuple[int, str]]:
    """Leftmost-longest, non-overlapping matches by their definition: from each position, left to right, the
    longest word starting there, then on after it (slow; the reference of :func:`longest_matcher`)."""
    vocab = {w for w in words if w}
    lengths = sorted({len(w) for w in vocab}, reverse=True)
    out, i = [], 0
    while i < len(text):
        hit = next((text[i : i + n] for n in lengths if text[i : i + n] in vocab), None)
        if hit is None:
            i += 1
            continue
        out.append((i + len(hit) - 1, hit))
        i += len(hit)
    return out


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, as a prefix tree (一 (?:二|三)), so that
    thousands of names cost one pass over the text instead of one try per name."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        alts = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie) or "(?!)"


class WordMatcher:
    """Whole-word matches of Latin ``words`` (longest first): ``(?<![A-Za-z])(?:trie)(?![A-Za-z])``, one prefix
    tree of the words (:func:`trie_pattern`), run only over the stretches of the text made of the words'
    characters and letters (Chinese text is skipped by one character-class scan instead of a lookbehind tried at
    every position: 3x less time). A stretch ends before a character that is not a letter (for ``flags``), so the
    lookarounds see what they would see in the whole text. :attr:`pattern` over the whole text is the reference.
    """

    def __init__(self, words: Iterable[str], flags: int = 0):
        vocab = [w for w in words if w]
        self.pattern = re.compile(rf"(?<![A-Za-z])(?:{trie_pattern(vocab)})(?![A-Za-z])", flags)
        chars = sorted(set("".join(vocab)) | set(string.ascii_letters))
        self._stretch = re.compile("[" + "".join(re.escape(c) for c in chars) + "]+", flags)
        self._shortest = min(map(len, vocab), default=1)  # a shorter stretch (a space, a digit) holds no word

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for s in self._stretch.finditer(text):
            if s.end() - s.start() >= self._shortest:
                yield from self.pattern.finditer(text, s.start(), s.end())


_LATIN_RE = re.compile("[A-Za-z]")


@dataclass(slots=True)
class PlaceMention:
    """A place, scope word or implicit subject written at ``start:end``.
    Not frozen: thousands are built per chunk, and a frozen dataclass takes three times as long to build."""

    start: int
    end: int
    place: str  # canonical Chinese name; "" for a scope word, "*" for an implicit subject
    abbr: bool = False  # one character of an abbreviation list (京 of 京沪)


class PlaceIndex:
    """Written forms of places -> canonical Chinese names, and a matcher over text."""

    def __init__(
        self,
        names: Iterable[tuple[str, Iterable[str]]],
        *,
        weights: dict[str, float] | None = None,
        provinces: Iterable[str] = (),
    ):
        self.weights = weights or {}
        self.provinces = frozenset(
            provinces
        )  # names of provinces: 全省 in a province's document is the province
        self.names: dict[str, str] = {}
        for canonical, forms in names:
            for f in {canonical, *forms}:
                f = f.strip()
                if len(f) >= 2 and f not in self.names:
                    self.names[f] = canonical
        zh = sorted((n for n in self.names if not n.isascii()), key=len, reverse=True)
        en = sorted((n for n in self.names if n.isascii()), key=len, reverse=True)
        self._scope = {
            w: ("*" if w in IMPLICIT_SUBJECTS else "") for w in (*IMPLICIT_SUBJECTS, *SCOPES, *FIRMS)
        }
        known = set(self.names.values())
        self._abbr = {
            w: [ABBREVIATIONS[c] for c in w]
            for w in ABBREVIATION_LISTS
            if w not in self.names and all(ABBREVIATIONS[c] in known for c in w)
        }
        zh_all = [*zh, *(w for w in self._scope if not w.isascii()), *self._abbr]
        en_all = [*en, *(w for w in self._scope if w.isascii())]
        self._zh = longest_matcher(zh_all)
        self._en = WordMatcher(en_all)

    @classmethod
    def from_entities(cls, table: EntityTable) -> PlaceIndex:
        """From an entity table: Chinese name (+市), aliases, English name (and its apostrophe-less form)."""
        return cls(entity_forms(table))

    def media_place(self, text: str) -> str | None:
        """The place of the first media name in ``text`` (芜湖日报 -> 芜湖), which :meth:`find` leaves out: a
        document's subject only when it names no place itself."""
        media = {m.start() for m in _MEDIA_RE.finditer(text)}
        return next(
            (self.names[w] for end, w in self._zh(text) if end + 1 in media and w in self.names), None
        )

    def find(self, text: str) -> list[PlaceMention]:
        """Every place, scope word and implicit subject in ``text`` (the matching text), by position."""
        scope, names, abbr = self._scope, self.names, self._abbr
        hits = list(self._zh(text))
        media = {m.start() for m in _MEDIA_RE.finditer(text)}
        found = [
            PlaceMention(
                end + 1 - len(w),
                end + 1,
                scope[w] if w in scope else _zone(text, end + 1 - len(w), end + 1, names[w]),
            )
            for end, w in hits
            if w not in abbr and end + 1 not in media
        ]
        several = [
            PlaceMention(end + 1 - len(w) + k, end + 2 - len(w) + k, p, True)
            for end, w in hits
            if w in abbr
            for k, p in enumerate(abbr[w] if not _ZONE_RE.match(text, end + 1) else [""] * len(w))
        ]
        if several:
            found = sorted(found + several, key=lambda p: p.start)
        if _LATIN_RE.search(text):
            found += [
                PlaceMention(m.start(), m.end(), scope[w] if w in scope else _en_org(text, m, names[w]))
                for m in self._en.finditer(text)
                for w in (m.group(0),)
            ]
            found.sort(key=lambda p: p.start)
        return found


def _zone(text: str, start: int, end: int, place: str) -> str:
    """A place name followed by the name of a zone inside it (重庆两江新区, 武汉东湖高新区, 苏州工业园区), starting
    the name of an organisation (北京大学, 宁德时代, 南京银行), or saying where a firm is (总部位于潍坊的潍柴动力)
    names the zone or the organisation, whose figures are not the city's: a scope ("")."""
    if _ZONE_OR_ORG_RE.match(text, end) or (text.startswith("的", end) and _located(text, start, end)):
        return ""
    return place


def _located(text: str, start: int, end: int) -> bool:
    """A place in 位于/总部在/落户 + place + 的 (总部位于潍坊的潍柴动力) only says where what follows is."""
    return _LOCATED_RE.search(text, max(0, start - 4), start) is not None


def _en_org(text: str, m: re.Match[str], place: str) -> str:
    """An English place name inside an organisation's name (Peking University, Shanghai Jiao Tong University,
    Bank of Shanghai, the Shenzhen Stock Exchange) or saying where a firm is (BYD, headquartered in Shenzhen;
    Shenzhen-based BYD) names the organisation: a scope ("")."""
    if (
        _EN_ORG_AFTER_RE.match(text, m.end())
        or _EN_BASED_AFTER_RE.match(text, m.end())
        or _EN_ORG_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
    ):
        return ""
    return place


def entity_forms(table: EntityTable) -> list[tuple[str, set[str]]]:
    """``(canonical Chinese name, written forms)`` of each entity: name (+市), Chinese aliases in Simplified,
    English name (with ’ for ') and capitalised Latin aliases."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    pairs = []
    for e in table.entities.values():
        zh = e.name_zh or e.id
        forms = {
            zh,
            zh + "市",
            *(t2s.convert(a) for a in e.aliases if not a.isascii()),
            e.name_en,
            e.name_en.replace("'", "’"),
            *(a for a in e.aliases if a.isascii() and a[:1].isupper()),
        }
        pairs.append((zh, {f for f in forms if f}))
    return pairs


def main_place(mentions: Iterable[PlaceMention], weights: dict[str, float] | None = None) -> str | None:
    """The place named most often (each mention counting its ``weights`` entry, default 1; the first named among
    equals), or None."""
    counts: dict[str, float] = {}
    first: dict[str, int] = {}
    w = weights or {}
    for i, m in enumerate(mentions):
        if m.place not in ("", "*"):
            counts[m.place] = counts.get(m.place, 0.0) + w.get(m.place, 1.0)
            first.setdefault(m.place, i)
    if not counts:
        return None
    return max(counts, key=lambda p: (counts[p], -first[p]))

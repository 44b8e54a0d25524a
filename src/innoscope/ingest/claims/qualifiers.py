"""What a figure is (its kind) and how exactly it is stated (its qualifier), read from the words around it.

Qualifiers (the words just before or after the figure; several may combine, joined by ``;``):

* ``approximate``: 约, 大约, 差不多, 大概, 左右, 上下, about, around, approximately, some;
* ``lower bound``: 超过, 超, 逾, 突破, 多于, 大于, 以上, 余/多 after the number (2200余家), more than, over, at least;
* ``upper bound``: 近, 将近, 接近, 不到, 不足, 低于, 少于, 以下, nearly, almost, less than, under;
* ``cumulative``: 累计 earlier in the clause;
* ``range to H``: a range (2-3个), the value is its lower end.

Kinds (:data:`KINDS`): ``rank`` (第三, 首位, 榜首, no. 5: found by :func:`find_ranks`); ``ratio`` (the unit 倍:
是杭州的1.6倍); ``growth`` (a percent or 倍 right after 增长, 同比增长, 增速, 提高, 下降, 减少, up, grew, increased
by ...); ``change`` (a count or amount right after 增加, 新增, 净增, 减少, 下降: 增加10.2万人); ``share`` (a percent
of a share series or after 占, 来自, 比重, 占比); ``level`` otherwise. 增长至/增至/提高到/达到 introduce a level.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["KINDS", "QUALIFIER_REACH", "RankMention", "find_ranks", "kind_of", "ordinal", "qualifier_of"]

KINDS = ("level", "growth", "change", "share", "rank", "ratio")

_APPROX_BEFORE = (
    "大约",
    "约为",
    "约",
    "差不多",
    "大概",
    "about ",
    "around ",
    "approximately ",
    "some ",
    "roughly ",
)
_LOWER_BEFORE = (
    "超过",
    "突破",
    "多于",
    "大于",
    "高于",
    "逾",
    "超",
    "more than ",
    "over ",
    "at least ",
    "above ",
)
_UPPER_BEFORE = (
    "将近",
    "接近",
    "不到",
    "不足",
    "低于",
    "少于",
    "近",
    "nearly ",
    "almost ",
    "less than ",
    "under ",
    "close to ",
)
QUALIFIER_REACH = max(len(w) for w in (*_APPROX_BEFORE, *_LOWER_BEFORE, *_UPPER_BEFORE)) + 1
"""How far before a figure its qualifier is looked for: the longest qualifier (``approximately ``) and a space."""
_WORD_LAST = frozenset(w[-1] for w in (*_APPROX_BEFORE, *_LOWER_BEFORE, *_UPPER_BEFORE))
_SPACED_WORD_LAST = frozenset(
    w[-2] for w in (*_APPROX_BEFORE, *_LOWER_BEFORE, *_UPPER_BEFORE) if w[-1] == " "
)
"""The last characters of the words before a figure (and before the space of an English one): a text ending
otherwise ends with none of them, which spares the suffix tests of most figures."""
_APPROX_AFTER = ("左右", "上下")
_LOWER_AFTER = ("以上", "+")
_UPPER_AFTER = ("以下",)
_ALL_AFTER = (*_APPROX_AFTER, *_LOWER_AFTER, *_UPPER_AFTER)
_LAST_LOWER = _WORD_LAST | _SPACED_WORD_LAST
"""The last character of the text before a figure, lower-cased, that can end a qualifier word (as written or
before the space of an English one)."""
_GROWTH_RE = re.compile(
    r"(?:同比|比上年|较上年|比去年|年均|累计|按年)?(?:增长|增速|增幅|涨幅|跌幅|降幅|提高|上升|下降|下滑|回落|减少|降低|增加|年增|成长|下跌|上涨|"
    r"翻了|翻|growth of|grew by|grew|grow by|grow|grows|increased by|increased|increase of|up by|up|rose by|rose|fell by|fell|down by|down|"
    r"expanded by|expanded|climbed by|climbed|jumped by|jumped|surged by|surged|gained|declined by|declined|"
    r"dropped by|dropped|decreased by|decreased)"
    r"(?:均|都|分别|同样)?(?:将在|将为|将|了|达|达到|为|超过|超|近|约|逾|在)?\s?$"
)
_CHANGE_RE = re.compile(
    r"(?:新增|净增|增加|减少|下降|新设|新认定|新注册|增长|增量|提高|提升|上升|降低)(?:了|达|达到|为|超过|超|近|约|逾)?\s?$"
)
_CHANGE_EN_RE = re.compile(
    r"(?:added|adding|increase of|increased by|rose by|grew by|up by|fell by|down by|decreased by|dropped by|"
    r"shrank by|shrunk by|contracted by)"
    r"(?:\s(?:about|around|some|nearly|more than|over))?\s?$",
    re.IGNORECASE,
)
_CHANGE_VERB_RE = re.compile(
    r"新增|净增|新认定|新注册|全年认定|当年认定|年内认定|本年认定|新设立|增加了?(?=[^\d值])|减少了?(?=\D)"
)
"""Every alternative opens with a literal (全年|当年|年内|本年 written out before 认定), so the scanner looks for their
first characters in C instead of trying each alternative at every character of the clause."""
_LEVEL_WORD_RE = re.compile(r"达到|达|为|总数|总量|累计|至|到|共|合计|总计")
_TO_RE = re.compile(
    r"(?:增长至|增长到|增至|增加到|增加至|提高到|提高至|提升至|提升到|上升至|上升到|达到|达)$"
)
_TO_LAST = frozenset("至到达")
_CHANGE_LAST = frozenset("增加少降设定长量了达到为过超近约逾高升册")
"""The characters :data:`_TO_RE` and :data:`_CHANGE_RE` can end with (both end at the end of the text, which
ends with no space), tested before the patterns."""
_IS_RE = re.compile(r"是|为|相当于")
_SHARE_RE = re.compile(r"(?:占|来自|比重|占比|比例|share of|accounting for|accounted for)")


def qualifier_of(
    before: str, after: str, *, more: bool = False, high: float | None = None, clause_before: str = ""
) -> str:
    """The qualifier of a figure from the text just ``before`` and ``after`` it (see the module docstring)."""
    qs = []
    b = before.rstrip()
    last = b[-1:]
    if (
        not more
        and high is None
        and last not in _WORD_LAST
        and last.lower() not in _LAST_LOWER
        and before[-1:].lower() not in _WORD_LAST
        and not after.startswith(_ALL_AFTER)
    ):
        return (
            "cumulative" if "累计" in clause_before else ""
        )  # no qualifier word can end here (most figures)
    bl = b.lower() + " "
    b_en = before.lower()
    words = last in _WORD_LAST or b_en[-1:] in _WORD_LAST or bl[-2:-1] in _SPACED_WORD_LAST
    if (
        words
        and (b.endswith(_APPROX_BEFORE) or b_en.endswith(_APPROX_BEFORE))
        or after.startswith(_APPROX_AFTER)
    ):
        qs.append("approximate")
    if (
        words
        and (b.endswith(_LOWER_BEFORE) or b_en.endswith(_LOWER_BEFORE) or bl.endswith(_LOWER_BEFORE))
        or more
        or after.startswith(_LOWER_AFTER)
    ):
        qs.append("lower bound")
    elif (
        words
        and (b.endswith(_UPPER_BEFORE) or b_en.endswith(_UPPER_BEFORE))
        or after.startswith(_UPPER_AFTER)
    ):
        qs.append("upper bound")
    if "累计" in clause_before:
        qs.append("cumulative")
    if high is not None:
        qs.append(f"range to {high:g}")
    return "; ".join(qs)


_QUALIFIER_END_RE = re.compile(
    "(?:"
    + "|".join(
        re.escape(w.strip())
        for w in sorted((*_APPROX_BEFORE, *_LOWER_BEFORE, *_UPPER_BEFORE), key=len, reverse=True)
    )
    + r")\s*$",
    re.IGNORECASE,
)


_QUALIFIER_LAST_RE = re.compile(
    "[" + "".join(re.escape(w.strip()[-1]) for w in (*_APPROX_BEFORE, *_LOWER_BEFORE, *_UPPER_BEFORE)) + "]",
    re.IGNORECASE,
)
"""The last characters of the qualifier words, matched as :data:`_QUALIFIER_END_RE` matches them."""


def _strip_qualifier(before: str) -> str:
    b = before.rstrip()
    if not b or _QUALIFIER_LAST_RE.match(b, len(b) - 1) is None:
        return b  # a qualifier word ends where the text ends: no such last character, no word
    m = _QUALIFIER_END_RE.search(b, max(0, len(b) - 12))
    return b[: m.start()].rstrip() if m else b


def kind_of(unit: str | None, before: str) -> str:
    """The kind of a non-rank figure in ``unit`` (base unit) with the clause text ``before`` it (a sign + right
    before it makes a percent a growth, an amount a change)."""
    b = _strip_qualifier(before)
    if unit == "倍":
        return "growth" if _GROWTH_RE.search(b[-12:]) and not _IS_RE.search(b[-12:]) else "ratio"
    if b.endswith("+"):
        return "growth" if unit in ("%", "‰") else "change"  # 同比+5.3%, 上海+1500亿: a signed increase
    if b[-1:] in _TO_LAST and _TO_RE.search(b[-6:]):
        return "share" if unit in ("%", "‰") else "level"
    if unit in ("%", "‰", "pp"):
        if _GROWTH_RE.search(b[-14:]) or unit == "pp":
            return "growth" if unit != "pp" else "change"
        return "share"
    if b[-1:] in _CHANGE_LAST and _CHANGE_RE.search(b[-6:]):
        return "change"
    if (b[-1:].isascii() or b[-1:].isspace()) and _CHANGE_EN_RE.search(b[-28:]):
        return "change"
    verbs = [m.end() for m in _CHANGE_VERB_RE.finditer(b)]
    if verbs and not _LEVEL_WORD_RE.search(b, verbs[-1]):
        return "change"
    return "level"


@dataclass(slots=True)
class RankMention:
    """An ordinal rank written at ``start:end``.
    Not frozen: thousands are built per chunk, and a frozen dataclass takes three times as long to build."""

    start: int
    end: int
    rank: float
    scope: str  # 全国, 全球, 省会城市 ... as written before the ordinal, or ""


_CN_ORD = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_ORD = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "one": 1,
    "two": 2,
    "three": 3,
}
_EN_ORD_WORDS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
_RANK_RE = re.compile(
    r"(?P<pre>居|位居|位列|排名|排|列|位于|稳居|居于|跃居|名列|跃升至|升至|保持|并列|排在|成为)?"
    r"(?P<scope>全国|全球|全省|世界|国内|省会城市|副省级城市|全国城市|全国大中城市|大中城市|城市|各省区市|各省市|各省份"
    r"|全球科研城市|科研城市)?"
    r"(?:第(?P<n>\d+|[一二三四五六七八九十]+)(?:位|名)?"
    r"|(?P<top>首位|榜首|首|第一|之最)|(?P<second>次席|次之|次(?=[,，;；。、…]|$)))"
    r"|(?:[Nn]o\.\s?(?P<no>\d+))"
    r"|(?:(?:ranked|ranks|ranking|ranked at)\s(?P<en>\d+)(?:st|nd|rd|th))"
    r"|(?:(?:global |world |national )?number (?P<enw>one|two|three) position)"
    rf"|(?P<enp>{_EN_ORD_WORDS}) place"
    rf"|(?:ranked|ranks|ranking|ranked at)\s(?:(?:No\.|number)\s?(?P<enn>\d+)|(?P<enr>{_EN_ORD_WORDS}))"
)


_RANK_ANCHOR_RE = re.compile(r"第|榜|首|之最|次|[Nn]o\.|rank|number|place")
_RANK_LEAD = 9
"""Every match of :data:`_RANK_RE` holds one of :data:`_RANK_ANCHOR_RE` at most this many characters after its
start (居于 + 全国大中城市 before 第; 跃升至 + 全国大中城市 before 榜 of 榜首; "national " before number)."""


def rank_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_RANK_RE.finditer(text)``, tried only up to :data:`_RANK_LEAD` characters before an anchor
    (第, 榜, 首, 之最, No., rank, number, place; one literal scan): the pattern opens with optional words, so the
    scanner tried it at every character. Same matches: a match starts at most that far before its anchor, and
    positions are tried left to right from the end of the last match, as ``finditer`` does."""
    pos = tried = 0
    for a in _RANK_ANCHOR_RE.finditer(text):
        for p in range(max(pos, tried, a.start() - _RANK_LEAD), a.start() + 1):
            m = _RANK_RE.match(text, p)
            if m is not None:
                yield m
                pos = m.end()
                break
        tried = max(tried, a.start() + 1)


def _cn_ordinal(s: str) -> float | None:
    if s.isdigit():
        return float(s)
    if s in _CN_ORD:
        return float(_CN_ORD[s])
    if len(s) == 2 and s[0] == "十":
        return 10.0 + _CN_ORD.get(s[1], 0)
    if len(s) == 2 and s[1] == "十":
        return 10.0 * _CN_ORD.get(s[0], 0)
    if len(s) == 3 and s[1] == "十":
        return 10.0 * _CN_ORD.get(s[0], 0) + _CN_ORD.get(s[2], 0)
    return None


def ordinal(s: str) -> float | None:
    """The number of an ordinal as written after 第: 3 -> 3, 三 -> 3, 十六 -> 16, 二十一 -> 21."""
    return _cn_ordinal(s)


def find_ranks(text: str) -> list[RankMention]:
    """Ordinal ranks of ``text``: 居全国第三, 位居全国第二, 首位, 榜首, 居次/次之 (second), no. 13, ranked 3rd,
    second place."""
    out = []
    for m in rank_matches(text):
        r = _rank_value(text, m)
        if r is None or _NOT_RANK_AFTER_RE.match(text, m.end()):
            continue
        scope = m["scope"] or _english_scope(text, m)
        out.append(RankMention(m.start(), m.end(), r, scope))
        out += _continued(text, m.end(), scope)
    if _EN_ORD_HINT_RE.search(text):
        out = sorted(out + _english_ordinals(text, out), key=lambda r: r.start)
    if "分" in text or "位列" in text:
        out = sorted(out + _ordinal_lists(text, out), key=lambda r: r.start)
    return _distinct(_with_free_scopes(text, out))


_EN_ORDINAL = rf"{_EN_ORD_WORDS}|\d+(?:st|nd|rd|th)"
_EN_ORD_RE = re.compile(
    rf"\b(?:came in|came|finished|remains|remained|stays|stayed|holds|held|"
    rf"(?:climbed|rose|moved up|jumped|fell|dropped|slipped)(?: (?:one|two|three|four|five|\d+) places?)? to|at)"
    rf"\s(?:the\s)?(?P<v>{_EN_ORDINAL})\b(?:\splace)?"
    rf"|\b(?:retained|kept|held|holds|keeps|stays|stayed|remained|remains|took|takes)\s(?:at\s)?(?:the\s)?"
    rf"(?P<t>top)\b(?:\s(?:spot|position|place))?"
    rf"|\bwith [A-Z][\w’'-]*(?: [A-Z][\w’'-]*)? (?P<a>{_EN_ORD_WORDS})\b"
    rf"|\((?P<p>\d+(?:st|nd|rd|th))\)"
    rf"|\b(?P<l>{_EN_ORDINAL})[- ]largest\b"
    rf"|\bthe (?P<s>largest|biggest|highest)(?= among (?:Chinese|all|China's)| in China\b)"
    rf"|\b(?P<g>\d+(?:st|nd|rd|th))(?=\s(?:globally|nationally|worldwide|in the world|in China|among Chinese cities))",
    re.IGNORECASE,
)
_EN_ORD_HINT_RE = re.compile(
    rf"\d(?:st|nd|rd|th)\b|{_EN_ORD_WORDS}|\btop\b|\bthe (?:largest|biggest|highest)\b"
)


_LATIN_STRETCH_RE = re.compile(r"[0-9(]*[A-Za-z][A-Za-z0-9 ,.'()&$%-]*")


_ORDINAL_LIST_RE = re.compile(
    r"(?:分列|分居|分别位列|分别位居|分别居|位列)(?P<scope>全国|全省|全市)?"
    r"(?P<list>(?:[一二三四五六七八九十]{1,3}|\d{1,3})(?:、(?:[一二三四五六七八九十]{1,3}|\d{1,3}))+)[位名]"
)


def _ordinal_lists(text: str, ranks: list[RankMention]) -> list[RankMention]:
    """Ordinals listed without 第 after 分列/分居/位列 (岳阳、常德分列二、三位: 2 and 3), where no rank was read."""
    out = []
    for m in _ORDINAL_LIST_RE.finditer(text):
        if any(r.start < m.end() and m.start() < r.end for r in ranks):
            continue
        at = m.start("list")
        for part in m["list"].split("、"):
            value = _cn_ordinal(part)
            if value is not None:
                out.append(RankMention(at, at + len(part), value, m["scope"] or ""))
            at += len(part) + 1
    return out


def _english_ordinal_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of :data:`_EN_ORD_RE`, tried only over stretches of Latin text (a letter, after at most digits
    and a parenthesis; then letters, digits and their punctuation): Chinese text and its numbers are skipped by one
    scan, and every match starts such a stretch or lies inside one."""
    for s in _LATIN_STRETCH_RE.finditer(text):
        if s.end() - s.start() > 4:
            yield from _EN_ORD_RE.finditer(text, s.start(), s.end())


def _english_ordinals(text: str, ranks: list[RankMention]) -> list[RankMention]:
    """English ranks :data:`_RANK_RE` does not read, where no rank was read: a verb of standing and an ordinal
    (Beijing remains first, Shanghai came second, Guangzhou climbed to 6th, held first place), an ordinal in
    parentheses after a place (Shanghai (2nd)), the N-th largest (the fourth-largest among Chinese cities: a rank
    of the size series) and an ordinal before a scope (5th globally)."""
    out = []
    starts = [r.start for r in ranks]
    for m in _english_ordinal_matches(text):
        i = bisect.bisect_left(starts, m.end())
        if i and ranks[i - 1].end > m.start():
            continue  # overlaps a rank read already (ranks are sorted and do not nest)
        word = (
            m["v"] or m["p"] or m["l"] or m["g"] or m["a"] or ("first" if m["t"] or m["s"] else "")
        ).lower()
        value = float(word[:-2]) if word[0].isdigit() else float(_EN_ORD[word])
        s = _EN_SCOPE_RE.match(text, m.end())
        scope = "" if s is None else "全国" if s["nat"] else "全球"
        out.append(RankMention(m.start("a") if m["a"] else m.start(), m.end(), value, scope))
    return out


def _rank_value(text: str, m: re.Match[str]) -> float | None:
    """The rank one match of :data:`_RANK_RE` states, or None when it is no rank (第三 with neither a rank verb,
    a scope, parentheses around it nor 位/名 after it; 首位 or 次 without a verb)."""
    if m["n"] is not None:
        bracketed = (
            m.start() > 0 and text[m.start() - 1] in "(（" and text[m.end() : m.end() + 1] in (")", "）")
        )
        if (
            m["pre"] is None
            and m["scope"] is None
            and not bracketed  # 上海(第3)、南京(第5): a rank in parentheses after its place
            and _after_ordinal(text, m)[:1] not in ("位", "名")
        ):
            return None
        return _cn_ordinal(m["n"])
    if m["top"] is not None:
        return None if m["pre"] is None and m["scope"] is None and m["top"] != "榜首" else 1.0
    if m["second"] is not None:
        return (
            None if m["pre"] is None and m["second"] != "次之" else 2.0
        )  # 居次, 位居次席, 次之 (after the first)
    if m["no"] is not None:
        return float(m["no"])
    if m["en"] is not None:
        return float(m["en"])
    if m["enw"] is not None:
        return float(_EN_ORD[m["enw"]])
    return _english_rank(m)


_FREE_SCOPE_RE = re.compile(
    r"(?P<pre>位居|位列|稳居|居于|跃居|名列|排名|排在|位于|居)"
    r"(?P<scope>[^\d\s，。；,;：:！？!?“”\"第居位列排]{2,14}?)"
    r"(?:第(?P<n>\d+|[一二三四五六七八九十]+)(?:位|名)?|(?P<top>首位|之首|榜首))"
)


def _with_free_scopes(text: str, ranks: list[RankMention]) -> list[RankMention]:
    """Ranks whose scope is any short phrase between the rank verb and the ordinal (居广州各区首位, 位列全国区县之首,
    位居福建省县域经济首位, 居长三角城市第三): :data:`_RANK_RE` names its scopes, this takes the phrase as written.
    Only where no rank was read; a verb is required, so 首位 alone stays no rank."""
    if "首" not in text and "第" not in text:
        return ranks
    starts = [r.start for r in ranks]
    out = list(ranks)
    for m in _FREE_SCOPE_RE.finditer(text):
        i = bisect.bisect_left(starts, m.end())
        if i and ranks[i - 1].end > m.start():
            continue  # overlaps the last rank starting before its end (ranks do not nest)
        r = 1.0 if m["top"] else _cn_ordinal(m["n"])
        if r is None or _NOT_RANK_AFTER_RE.match(text, m.end()):
            continue
        out.append(RankMention(m.start(), m.end(), r, m["scope"]))
    return sorted(out, key=lambda x: x.start) if len(out) > len(ranks) else ranks


_NOT_RANK_AFTER_RE = re.compile(r"梯队|方阵|阵营|批|届|期|次|个")
_EN_SCOPE_RE = re.compile(
    r"\s(?:(?P<nat>in China|nationally|in the country|in the nation|among Chinese cities|domestically)"
    r"|(?P<glob>globally|in the world|worldwide|in the global))",
    re.IGNORECASE,
)


def _english_scope(text: str, m: re.Match[str]) -> str:
    """The scope written after an English rank (No. 2 in China: 全国; 5th globally: 全球), else ""."""
    if m["n"] is not None or m["top"] is not None:
        return ""
    s = _EN_SCOPE_RE.match(text, m.end())
    if s is None:
        return ""
    return "全国" if s["nat"] else "全球"


_ORD = r"\d+|[一二三四五六七八九十]+"
_CONTINUED_RE = re.compile(
    rf"[、和及]\s?(?:第(?P<a>{_ORD})(?:位|名)?|(?P<b>{_ORD})(?=[位名]|[、和及]\s?第?(?:{_ORD})|[。；;]|$))"
)


def _continued(text: str, end: int, scope: str) -> list[RankMention]:
    """Ordinals continuing a rank (第三、四位: 3 and 4; 第六和第三: 6 and 3)."""
    out = []
    while (m := _CONTINUED_RE.match(text, end)) is not None:
        r = _cn_ordinal(m["a"] or m["b"])
        if r is None:
            break
        last = m.end() if m["a"] else m.end("b") + (text[m.end("b") : m.end("b") + 1] in ("位", "名"))
        out.append(RankMention(m.start() + 1, last, r, scope))
        end = last
    return out


def _english_rank(m: re.Match[str]) -> float:
    """second place, ranked second, ranked No. 2."""
    if m["enn"] is not None:
        return float(m["enn"])
    return float(_EN_ORD[m["enp"] or m["enr"]])


def _after_ordinal(text: str, m: re.Match[str]) -> str:
    """The character after an ordinal's 位/名, or after the list of ordinals it starts (第三、四位)."""
    if m.group(0).endswith(("位", "名")):
        return text[m.end() - 1 : m.end() + 1]
    more = _continued(text, m.end(), "")
    return text[more[-1].end - 1 : more[-1].end] if more else text[m.end() : m.end() + 1]


def _distinct(ranks: list[RankMention]) -> list[RankMention]:
    return sorted({r.start: r for r in reversed(ranks)}.values(), key=lambda r: r.start)

"""Years of figures: explicit (2024年, 2023年末, 截至2023年底, in 2023, and the edition year of a ranking:
2024自然指数, 2025胡润全球独角兽榜, #湖州2024成绩单#), relative to the document's date (去年,
上年, 今年, 前年), and the document's date itself.

A relative year is resolved from the document date (``--date``, else the first date written in the document's
first 2,000 characters): 去年/上年 = year - 1, 前年 = year - 2, 今年/本年/目前/现有 = year; 截至9月底 (a month
with no year) = the document year, or the year before when that month is after the document's. 上年/去年 after
比/较/同/与 (比上年增长) names the base of a comparison, not the figure's year, and is ignored; an explicit year
after them (较2022年增长, 与2023年末相比), or the year a ratio is taken against (是2019年的1.7倍), is kept but
marked as a ``base``: it dates a level written inside the
comparison, never a growth or a change.

The year of a document's title line (:func:`title_year`): the first year written as such (2023年, 2021年度),
else a four-digit year that is not part of a date or an amount (《2023上海科技进步报告》, 评价报告2022, Nature
Index 2024); a government work report (政府工作报告, Report on the Work of the Government) reviews the year
before the one it is presented in, so its year is one less.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

__all__ = ["YearMention", "document_date", "find_years", "parse_date", "title_year", "work_report_date"]

_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_YEAR_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s?年(?!代)"
    r"|(?:(?:in|In|for|For|during|end of|as of|As of|by|By)\s|end-)(?:(?:late|early|mid)[\s-])?(?P<ye>(?:19|20)\d{2})\b"
    r"|(?P<yd>(?:19|20)\d{2})(?=[/.-]\d{1,2}[/.-]\d{1,2})"
    r"|(?P<yb>(?:19|20)\d{2})(?=\s?[)）]?\s?》)|(?:Index|Report|Ranking|List)\s(?P<yi>(?:19|20)\d{2})\b"
    r"|(?P<yr>(?:19|20)(?<![\d.]..)\d{2})(?=\s?(?:自然指数|胡润|福布斯|全球|中国|Nature Index|成绩单|经济成绩单|统计公报|GDP|榜单|排行榜|白皮书))"
    r"|自然指数(?P<yn>(?:19|20)\d{2})(?!\d)"
    r"|(?P<rel>去年|上年|上一年|前年|今年|本年|当年|目前|现在|现有|现存|当前|截至目前|如今|last year|this year|(?<![A-Za-z])now(?![A-Za-z]))"
    r"|截至\s?(?P<mon>1[0-2]|[1-9])\s?月(?:底|末)"
    rf"|(?:by|at) the end of (?P<emon>{_MONTH_NAMES})\b(?!,? (?:19|20)\d{{2}})"
)
_YEAR_FIRST_RE = re.compile("|".join(("19", "20", *"自去上前今本当目现截如IiFfdeAaBbRLltn")))
"""Where a match of :data:`_YEAR_RE` can start: 19 or 20, else the first character of 自然指数, a relative word, 截至,
in/In/for/For/during/end/as/As/by/By/at, Index/Report/Ranking/List or last/this year/now (a test checks that these
are the first characters of every alternative of the pattern). Alternatives that each open
with a literal are scanned for in C (a character class among them would make the scanner try each at every
character); none starts inside another (9 and 0 open none), so finditer skips none."""


def year_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_YEAR_RE.finditer(text)``, tried only where one can start (:data:`_YEAR_FIRST_RE`, one scan
    in C): the pattern opens with alternatives in groups, so the scanner tried every alternative at every character
    (half the time of reading the years). Same matches: positions are tried left to right from the end of the last match, as
    ``finditer`` does, and no match is empty."""
    pos = 0
    match = _YEAR_RE.match
    for a in _YEAR_FIRST_RE.finditer(text):
        p = a.start()
        if p >= pos and (m := match(text, p)) is not None:
            yield m
            pos = m.end()


_DATE_RE = re.compile(r"((?:19|20)\d{2})\s?(?:年|-|/|\.)\s?(\d{1,2})\s?(?:月|-|/|\.)\s?(\d{1,2})")
_BASE_BEFORE = ("比", "较", "同", "与", "于")
_BASE_EXPLICIT_RE = re.compile(r"(?:比|较|与|同|相比|对比|相较)[ \t]?\Z")
_BASE_RATIO_RE = re.compile(r"(?:是|为|相当于)[ \t]?\Z")
_OF_AFTER_RE = re.compile(r"\s?(?:末|底)?的")
_TITLE_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s?年(?!\s?\d{1,2}\s?月)")
_TITLE_BARE_RE = re.compile(
    r"(?<![\d./-])((?:19|20)\d{2})(?![\d./-]|\s?(?:年|月|亿|万|千|家|元|件|所|人|个|%|余|多))"
)
_MONTH_BEFORE_RE = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s?$")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
_SENTENCE_REACH = 300
_MONTH_YEAR_RE = re.compile(
    rf"(?P<zy>20\d{{2}})\s?年\s?(?P<zm>1[0-2]|[1-9])\s?月|(?P<em>{_MONTH_NAMES})\s(?P<ey>20\d{{2}})\b"
)
_WORK_REPORT_RE = re.compile(r"政府工作报告|Report on the Work of", re.IGNORECASE)
_REL = {
    "去年": -1,
    "上年": -1,
    "上一年": -1,
    "last year": -1,
    "前年": -2,
    "今年": 0,
    "本年": 0,
    "当年": 0,
    "目前": 0,
    "现在": 0,
    "现存": 0,
    "now": 0,
    "现有": 0,
    "当前": 0,
    "截至目前": 0,
    "如今": 0,
    "this year": 0,
}


@dataclass(slots=True)
class YearMention:
    """A year written at ``start:end``.
    Not frozen: thousands are built per chunk, and a frozen dataclass takes three times as long to build."""

    start: int
    end: int
    year: int | None  # None: relative, no document date to resolve it
    source: str  # "explicit" or "relative: 去年 (document date 2025-02-16)"
    base: bool = False  # the base of a comparison (较2022年增长): dates no growth or change


def parse_date(text: str) -> date | None:
    """``2025-02-16``, ``2025/2/16``, ``2025年2月16日`` -> a date; None when there is none."""
    m = _DATE_RE.search(text)
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def document_date(text: str) -> date | None:
    """The first date written in the first 2,000 characters of a document."""
    return parse_date(text[:2000])


def _month_end(m: re.Match[str], doc_date: date | None) -> YearMention:
    """截至9月底 without a year: the document year when that month is not after the document's, else the year
    before (截至12月底 in a January release)."""
    if doc_date is None:
        return YearMention(m.start(), m.end(), None, f"relative: {m.group(0)} (no document date)")
    month = int(m["mon"]) if m["mon"] else _month_number(m["emon"])
    year = doc_date.year - (month > doc_date.month)
    return YearMention(
        m.start(), m.end(), year, f"relative: {m.group(0)} (document date {doc_date.isoformat()})"
    )


_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_CN_YEAR_RE = re.compile(r"二[〇零][〇零一二三四五六七八九]{2}年")
"""A year of this century in Chinese numerals (二〇二四年); scanned only in text holding 〇 or 零."""


def _cn_year(digits: str) -> int:
    """二〇二四 -> 2024 (a year written digit by digit in Chinese numerals)."""
    return int("".join(_CN_DIGITS[c] for c in digits))


def _month_number(name: str) -> int:
    """March -> 3."""
    return _MONTH_NAMES.split("|").index(name) + 1


def _same_sentence(text: str, a: int, b: int) -> bool:
    """Whether no sentence ends between ``a`` and ``b``."""
    return _SENTENCE_END_RE.search(text, a, b) is None


def _sentence_month(text: str, pos: int) -> date | None:
    """The month and year written in the sentence around ``pos`` (the science bureau said in February 2025;
    2025年2月发布): when the document has no date, the time its relative words (last year, 去年) count from."""
    a, b = max(0, pos - _SENTENCE_REACH), min(len(text), pos + _SENTENCE_REACH)
    ends = [m.start() for m in _SENTENCE_END_RE.finditer(text, a, b)]
    lo = max((e + 1 for e in ends if e < pos), default=a)
    hi = min((e for e in ends if e >= pos), default=b)
    m = _MONTH_YEAR_RE.search(text, lo, hi)
    if m is None:
        return None
    if m["zy"]:
        return date(int(m["zy"]), int(m["zm"]), 1)
    return date(int(m["ey"]), _month_number(m["em"]), 1)


def find_years(text: str, doc_date: date | None) -> list[YearMention]:
    """Year mentions of ``text`` (the matching text), by position."""
    out = []
    for m in year_matches(text):
        explicit = m["y"] or m["ye"] or m["yr"] or m["yd"] or m["yb"] or m["yi"] or m["yn"]
        if explicit:
            base = _BASE_EXPLICIT_RE.search(text, max(0, m.start() - 3), m.start()) is not None or (
                _BASE_RATIO_RE.search(text, max(0, m.start() - 3), m.start()) is not None
                and _OF_AFTER_RE.match(text, m.end()) is not None
            )
            out.append(
                YearMention(
                    m.start(),
                    m.end(),
                    int(explicit),
                    "explicit",
                    base,
                )
            )
            continue
        if m["mon"] or m["emon"]:
            out.append(_month_end(m, doc_date))
            continue
        word = m["rel"]
        if (
            word in ("上年", "上一年", "去年", "前年")
            and text[max(0, m.start() - 1) : m.start()] in _BASE_BEFORE
        ):
            continue
        if (
            word == "当年"
            and out
            and out[-1].source == "explicit"
            and _same_sentence(text, out[-1].end, m.start())
        ):
            continue  # 截至2024年底……当年新增3126家: "that year" is the year just written
        ref = doc_date or _sentence_month(text, m.start())
        if ref is None:
            out.append(YearMention(m.start(), m.end(), None, f"relative: {word} (no document date)"))
        else:
            said = f"document date {ref.isoformat()}" if doc_date else f"said in {ref.isoformat()[:7]}"
            out.append(YearMention(m.start(), m.end(), ref.year + _REL[word], f"relative: {word} ({said})"))
    if "〇" in text or "零" in text:
        out += [
            YearMention(m.start(), m.end(), _cn_year(m.group(0)[:4]), "explicit")
            for m in _CN_YEAR_RE.finditer(text)
        ]
        out.sort(key=lambda y: y.start)
    return out


def work_report_date(title: str) -> date | None:
    """1 January of the year a 政府工作报告 titled with its year is delivered in (2025年政府工作报告): without a
    document date, its 去年 is the year it reports on, its 今年 the year of its targets."""
    if not _WORK_REPORT_RE.search(title):
        return None
    m = _TITLE_YEAR_RE.search(title)
    return date(int(m[1]), 1, 1) if m else None


def title_year(title: str) -> int | None:
    """The year a document's title line gives its figures (module docstring), or None."""
    m = _TITLE_YEAR_RE.search(title)
    year = int(m[1]) if m else None
    if year is None:
        for b in _TITLE_BARE_RE.finditer(title):
            if not _DATE_RE.match(title, b.start()) and not _MONTH_BEFORE_RE.search(title, 0, b.start()):
                year = int(b[1])
                break
    if year is not None and _WORK_REPORT_RE.search(title):
        year -= 1
    return year

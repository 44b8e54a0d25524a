"""Figures in running text: a number, its magnitude and its unit, with the character span they cover.

Grammar (on the matching text of :mod:`.document`: Simplified, half-width digits, same length as the text)::

    figure    := number more? magnitude? more? unit?          (2.66万家, 2236.6亿元, 1,779.01万人, 93.3%, 三十四家)
               | magnitude unit after 突破/超过/超/逾           (突破万户 = 10000 户, 突破千亿元 = 1e11 元)
               | currency? number scale? currency?            (RMB 223.66 billion, 66.7 billion yuan, 24,000)
    number    := digits with ``,`` thousands groups and decimals | a Chinese numeral (cn2an)
    more      := 余 | 多                                       (a lower bound: 2200余家)
    magnitude := 千 | 万 | 十万 | 百万 | 千万 | 亿 | 十亿 | 百亿 | 千亿 | 万亿
    scale     := thousand | million | billion | trillion

A share written in words is a percent (三分之一 = 33.33 %, 占一半 = 50 %, 约六成 = 60 %). A range ``2-3个`` / ``2至3家`` / ``1.5万至2万家`` / ``3500家至3800家`` / ``1.2万—1.5万家`` gives its lower end with :attr:`Figure.high` set. The value is the number times
its magnitude, in the base unit (``2236.6亿元`` = 2.2366e11 元; ``46.1万人年`` = 461000 人年). Numbers that are
dates or durations (``2024年``, ``10年``, ``3个月``), ordinals (``第三``) and digits inside words (``5G``,
``985高校``) are not figures. A Chinese numeral is a figure only with a unit and, when it is one character,
other than 一 (``一家公司`` is an article, ``六家企业`` a figure).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from innoscope.ingest.values import MAGNITUDES

__all__ = ["COUNT_UNITS", "Figure", "find_figures", "unit_class"]

MAGNITUDE = {**{k: v for k, v in MAGNITUDES.items() if k != "百"}, "兆": 1e12}
"""The value parser's magnitudes, without a bare 百 (in running text 百家, 百强 are words, not hundreds), with 兆 =
10^12 as Taiwan and Hong Kong write amounts (5.39兆人民幣; 兆瓦, 兆赫, 兆字节 are units, not amounts)."""
_MEGA_UNIT = frozenset("瓦赫字帕比焦欧位")
SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9}
COUNT_UNITS = (
    "家",
    "户",
    "件",
    "篇",
    "所",
    "项",
    "个",
    "位",
    "名",
    "人次",
    "人年",
    "人",
    "座",
    "台",
    "套",
    "条",
    "次",
    "辆",
    "款",
    "只",
)
_UNIT_BASE = {
    **{u: u for u in COUNT_UNITS},
    "元": "元",
    "人民币": "元",
    "元人民币": "元",
    "美元": "美元",
    "港元": "港元",
    "港币": "港元",
    "澳门元": "澳门元",
    "澳门币": "澳门元",
    "新台币": "新台币",
    "欧元": "欧元",
    "日元": "日元",
    "英镑": "英镑",
    "%": "%",
    "‰": "‰",
    "个百分点": "pp",
    "倍": "倍",
    "平方公里": "km²",
    "平方千米": "km²",
    "km2": "km²",
    "k㎡": "km²",
    "平方米": "m²",
    "平米": "m²",
    "㎡": "m²",
    "元/平米": "元/m²",
    "元/平方公尺": "元/m²",
    "元/平方米": "元/m²",
    "元/㎡": "元/m²",
    "元/m2": "元/m²",
}
_UNIT_LOOKAHEAD = {"人": "(?!口(?!径))"}
"""A unit that is the first character of a noun after the number (1300万人口: 人口 is the series, not 人)."""
_UNIT_ALT = "|".join(
    re.escape(u) + _UNIT_LOOKAHEAD.get(u, "") for u in sorted(_UNIT_BASE, key=len, reverse=True)
)
_MAG_ALT = "|".join(sorted(MAGNITUDE, key=len, reverse=True))
_CN = "零〇一二两三四五六七八九十百千"
_NUM = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN}]+(?:点[零〇一二三四五六七八九]+)?"
_NUM_LEAD = (
    rf"[\d{_CN}](?:(?<=\d)(?:\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|\d*(?:\.\d+)?)"
    rf"|(?<=[{_CN}])[{_CN}]*(?:点[零〇一二三四五六七八九]+)?)"
)
""":data:`_NUM` with its first character taken before the alternatives (the same numbers, tried in the same
order): a pattern that starts with a character class is scanned for that class in C; one that starts with
alternatives is tried at every character."""
_FIGURE = (
    r"(?P<num>{n})(?:(?P<mag0>{m})?(?:[-—–]|\s?(?:~|至|到)\s?)(?P<high>{n}))?"
    r"(?P<more1>余|多)?\s?(?P<mag>{m})?(?P<more2>余|多)?\s?(?P<unit>{u})?"
)
_FIGURE_RE = re.compile(_FIGURE.format(n=_NUM_LEAD, m=_MAG_ALT, u=_UNIT_ALT))
_FIGURE_REFERENCE_RE = re.compile(_FIGURE.format(n=_NUM, m=_MAG_ALT, u=_UNIT_ALT))
"""The figure grammar as first written (the plain pattern :data:`_FIGURE_RE` is tested against)."""
_LONE_WAN_RE = re.compile(
    r"(?:(?<=突破)|(?<=超过)|(?<=逾)|(?<=超))(?P<mag>万亿|千亿|百亿|亿|万|千|百)(?P<unit>元|户|家|人|件|个|所|项)"
)
_LONE_WAN_FAST_RE = re.compile(r"(?P<mag>万亿|千亿|百亿|亿|万|千|百)(?P<unit>元|户|家|人|件|个|所|项)")
_LONE_WAN_AFTER = ("突破", "超过", "逾", "超")
_LONE = {**MAGNITUDE, "百": 100.0}
"""The value of a magnitude written alone after 突破/超过 (突破千家 = 1000 家, 首次突破百件 = 100 件)."""
_FRACTION_REFERENCE_RE = re.compile(
    r"(?P<d>[一二三四五六七八九十]|[1-9]\d*)分之(?P<n>[一二三四五六七八九]|\d+)|(?<=[占近超约逾的])一半"
)
"""Shares in words as first written (the plain pattern :data:`_FRACTION_RE` is tested against)."""
_FRACTION_RE = re.compile(
    r"(?P<d>[一二三四五六七八九十1-9](?:(?<=[1-9])\d*)?)"
    r"(?:分之(?P<n>[一二三四五六七八九]|\d+)|(?<=一)半(?<=[占近超约逾的]一半))"
)
""":data:`_FRACTION_REFERENCE_RE` opening with a character class (scanned in C, instead of a lookbehind tried at
every character); 一半 is read as its 一 followed by 半."""
_EN_RE = re.compile(
    r"(?P<cur>RMB|CNY|US\$|\$|¥|yuan)?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    r"(?P<scale>thousand|million|billion|trillion|mn|bn)?\b(?:\s?(?P<cur2>yuan|RMB|dollars|US dollars|U\.S\. dollars|USD))?"
    r"(?:\s?(?P<pct>percentage points?|per ?cent\b|(?-i:pct)\b))?"
    r"(?:\s?(?P<area>square kilomet(?:re|er)s?\b|sq\.? ?km\b))?",
    re.IGNORECASE,
)
_TOP_BEFORE_RE = re.compile(r"\b[Tt]op\s\Z")
_AFTER_NOT_FIGURE = re.compile(
    r"\s?(?:年|月|日|号|时|点|分钟|天|周|岁|个月|小时|世纪|代|届|期|次方|[GK](?![A-Za-z])|nm|纳米)"
)
_CUR_BEFORE_RE = re.compile(r"(?:RMB|CNY|US\$|\$|¥)\s?$")
_WORDISH = frozenset(string.ascii_letters + "_")
_DATE_SUFFIX = r"(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|\.\d{1,2}\.\d{1,2}|-(?:0?[1-9]|1[0-2])(?!\d))"
_DATE_REFERENCE_RE = re.compile(rf"(?:19|20)\d{{2}}{_DATE_SUFFIX}|\d{{1,2}}:\d{{2}}(?::\d{{2}})?")
"""Dates and times as first written (the plain pattern :data:`_DATE_RE` is tested against)."""
_DATE_RE = re.compile(
    rf"\d(?:(?<=1)9\d{{2}}{_DATE_SUFFIX}|(?<=2)0\d{{2}}{_DATE_SUFFIX}|\d?:\d{{2}}(?::\d{{2}})?)"
)
""":data:`_DATE_REFERENCE_RE` opening with its first digit (scanned in C instead of tried at every character)."""
_YEARLIKE_RE = re.compile(r"(?:19|20)\d{2}")


@dataclass(slots=True)
class Figure:
    """One figure: ``value`` in ``unit`` (base unit; None for a bare number), its span, and how it was written.

    ``magnitude``: the 万/亿 factor applied (1 if none); ``more``: written with 余/多 (a lower bound); ``high``:
    the upper end of a range in the same unit, else None; ``bare``: neither magnitude nor unit. Not frozen:
    thousands are built per chunk, and a frozen dataclass takes three times as long to build.
    """

    start: int
    end: int
    value: float
    unit: str | None
    magnitude: float = 1.0
    more: bool = False
    high: float | None = None
    english: bool = False

    @property
    def bare(self) -> bool:
        return self.unit is None and self.magnitude == 1.0


def unit_class(unit: str | None) -> str:
    """``count``, ``money``, ``percent``, ``ratio`` (倍), ``area``, the unit itself for the rest, ``none``."""
    if unit is None:
        return "none"
    if unit in COUNT_UNITS:
        return "count"
    if unit in ("元", "美元", "港元", "澳门元", "新台币", "欧元", "日元", "英镑"):
        return "money"
    if unit in ("%", "‰"):
        return "percent"
    return {"倍": "ratio", "km²": "area"}.get(unit, unit)


def _exact(x: float) -> float:
    """The product of a written decimal and its magnitude to 12 significant digits (36801.87 x 1e8 is
    3680187000000, not 3680187000000.0005)."""
    return float(f"{x:.12g}")


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text.replace(",", ""))
    return _cn_number(text)


@lru_cache(maxsize=4096)
def _cn_number(text: str) -> float | None:
    """A Chinese numeral's value (cn2an; cached: cn2an checks its input with regular expressions at each call,
    and a text writes few distinct numerals)."""
    import cn2an

    try:
        return float(cn2an.cn2an(text.replace("〇", "零"), "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def _is_date_or_duration(text: str, start: int, end: int, raw: str) -> bool:
    if start:
        before = text[start - 1]
        if before == "第" or before in "-.:/" and start >= 2 and text[start - 2].isdigit():
            return True
        if before in _WORDISH and not text[max(0, start - 3) : start].endswith(("RMB", "CNY", "GDP")):
            return True
    return _AFTER_NOT_FIGURE.match(text, end) is not None


def _blocked(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _DATE_RE.finditer(text)]


def _cn_rejected(num: str, unit_raw: str | None) -> bool:
    """A Chinese numeral is a figure only with a unit, and not as 一/两 (an article) or a lone 十/百/千."""
    if unit_raw is None or unit_raw in ("%", "‰"):
        return True
    return len(num) == 1 and num in "一两十百千"


_GROUPS = ("num", "unit", "mag", "high", "mag0", "more1", "more2")


def _from_match(text: str, m: re.Match[str]) -> Figure | None:
    """The figure of one match of the grammar, or None when it is not one (see the module docstring)."""
    num, unit_raw, mag_raw, high_raw, mag0, more1, more2 = m.group(*_GROUPS)
    digits = num[0].isdigit()
    if not digits and _cn_rejected(num, unit_raw):
        return None
    end = m.end()
    if unit_raw is None and mag_raw is None:
        end = m.end("num") if high_raw is None else m.end("high")
        if _YEARLIKE_RE.fullmatch(num):
            return None
    if _is_date_or_duration(text, m.start(), m.end("high") if high_raw else m.end("num"), num):
        return None
    if high_raw is not None and high_raw[0].isdigit() != digits:
        return None
    value = _number(num)
    high = _number(high_raw) if high_raw else None
    if value is None:
        return None
    if mag_raw == "兆" and text[end : end + 1] in _MEGA_UNIT:
        return None
    mag = MAGNITUDE[mag_raw] if mag_raw else 1.0
    unit = _UNIT_BASE.get(unit_raw) if unit_raw else None
    return Figure(
        m.start(),
        end,
        _exact(value * (MAGNITUDE[mag0] if mag0 else mag)),
        unit,
        mag,
        bool(more1 or more2),
        None if high is None else _exact(high * mag),
    )


def _lone_magnitudes(text: str) -> list[re.Match[str]]:
    """The matches of :data:`_LONE_WAN_RE` (突破万户), found as a magnitude + unit (one character-set scan) kept
    after 突破/超过/逾/超: the lookbehinds the pattern starts with made the scanner try it at every character.
    Same matches: the characters a match is made of are none of those it must follow."""
    return [m for m in _LONE_WAN_FAST_RE.finditer(text) if text.endswith(_LONE_WAN_AFTER, 0, m.start())]


def _fractions(text: str) -> list[re.Match[str]]:
    """The matches of :data:`_FRACTION_RE`."""
    return list(_FRACTION_RE.finditer(text))


_TENTHS_RE = re.compile(r"[一二两三四五六七八九]成(?![为都功果长本立交效绩员果熟型])")
_TENTHS_AFTER = frozenset("占近超约逾的过达有足比")


def _tenths(text: str) -> list[Figure]:
    """六成 = 60 %: a share in tenths, after 占, 约, 近, 超过, 逾, 的, 达, 有, 不足 or 占比 (成为, 成都, 完成 are words)."""
    return [
        Figure(
            m.start(),
            m.end(),
            10.0 * ("一二三四五六七八九".index(text[m.start()].replace("两", "二")) + 1),
            "%",
        )
        for m in _TENTHS_RE.finditer(text)
        if m.start() and text[m.start() - 1] in _TENTHS_AFTER
    ]


def _fraction(m: re.Match[str]) -> Figure:
    """三分之一 = 33.33 %, 一半 (after 占/近/超/约) = 50 %: a share written in words."""
    if m.group(0) == "一半":
        return Figure(m.start(), m.end(), 50.0, "%")
    d, n = (float(x) if x.isdigit() else float("一二三四五六七八九十".index(x) + 1) for x in (m["d"], m["n"]))
    return Figure(m.start(), m.end(), _exact(100.0 * n / d), "%")


def find_figures(text: str) -> list[Figure]:
    """Every figure of ``text`` (the matching text), by position; bare numbers included (:attr:`Figure.bare`)."""
    out: list[Figure] = []
    taken = 0
    blocked = _blocked(text)
    bi = 0
    for m in _FIGURE_RE.finditer(text):
        if m.start() < taken:
            continue
        while bi < len(blocked) and blocked[bi][1] <= m.start():
            bi += 1
        if bi < len(blocked) and blocked[bi][0] <= m.start():
            continue
        f = _from_match(text, m)
        if f is not None:
            out.append(f)
            taken = f.end
    out += [
        Figure(m.start(), m.end(), _LONE[m["mag"]], _UNIT_BASE[m["unit"]], _LONE[m["mag"]])
        for m in _lone_magnitudes(text)
    ]
    out += [_fraction(m) for m in _fractions(text)]
    if "成" in text:
        out += _tenths(text)
    out.sort(key=lambda f: f.start)
    return _english(text, _join_compounds(_join_ranges(text, out)))


def _join_compounds(figures: list[Figure]) -> list[Figure]:
    """A number with a magnitude and no unit written right before a smaller one is one amount: 6万5291家 =
    65,291 家, 2亿3000万元 = 2.3亿元, 3兆6802亿元 = 3.6802万亿元 (as Taiwan and Hong Kong write large amounts)."""
    out: list[Figure] = []
    for f in figures:
        a = out[-1] if out else None
        if (
            a is not None
            and a.end == f.start
            and a.unit is None
            and a.magnitude > 1.0
            and a.high is None
            and f.high is None
            and f.magnitude < a.magnitude
            and 0 < f.value < a.magnitude
        ):
            out[-1] = Figure(a.start, f.end, _exact(a.value + f.value), f.unit, a.magnitude, a.more or f.more)
        else:
            out.append(f)
    return out


_RANGE_GAP_RE = re.compile(r"\s?(?:-|~|至|到|—|－|–|～)\s?")


def _join_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """Two figures written as a range with a unit or magnitude on each end (3500家至3800家, 1.2万—1.5万家) are one
    figure, the lower end with ``high`` set, as 2-3个 is."""
    out: list[Figure] = []
    for f in figures:
        prev = out[-1] if out else None
        if (
            prev is not None
            and f.start - prev.end <= 3
            and prev.high is None
            and not prev.bare
            and not f.bare
            and (prev.unit is None or prev.unit == f.unit)
            and _RANGE_GAP_RE.fullmatch(text, prev.end, f.start)
        ):
            out[-1] = Figure(
                prev.start, f.end, prev.value, f.unit, prev.magnitude, prev.more, _exact(f.value)
            )
            continue
        out.append(f)
    return out


def _english(text: str, figures: list[Figure]) -> list[Figure]:
    """Replace bare figures followed by an English scale, currency or percent (``223.66 billion``, ``RMB 66.7 bn``,
    ``5.8 percent``, ``5.8 per cent``, ``0.3 percentage points``); drop the N of "the top 20"."""
    if not any(f.bare for f in figures):
        return figures
    out = []
    for f in figures:
        if not f.bare:
            out.append(f)
            continue
        cur = _CUR_BEFORE_RE.search(text, max(0, f.start - 6), f.start)
        m = _EN_RE.match(text, cur.start()) if cur is not None else None
        if m is None or m.start("num") != f.start:
            m = _EN_RE.match(text, f.start)
        if m is None or not (m["scale"] or m["cur"] or m["cur2"] or m["pct"] or m["area"]):
            # the N of "the top 20" is no figure, as the N of 前20 (an amount after top stays)
            if not _TOP_BEFORE_RE.search(text, max(0, f.start - 4), f.start):
                out.append(f)
            continue
        if text.startswith("-", m.end()):
            continue  # a compound adjective (27 trillion-yuan cities, a 10-billion-yuan fund): no figure
        scale = SCALE[m["scale"].lower()] if m["scale"] else 1.0
        currency = (m["cur"] or m["cur2"] or "").lower()
        unit = (
            "美元"
            if currency in ("$", "us$", "dollars", "us dollars", "u.s. dollars", "usd")
            else "元"
            if currency
            else None
        )
        if m["pct"] and not currency and not m["scale"]:
            unit = "pp" if m["pct"].lower().startswith("percentage") else "%"
        if m["area"] and not currency:
            unit = "km²"
        out.append(
            Figure(
                m.start() if m["cur"] else f.start,
                m.end(),
                _exact(f.value * scale),
                unit,
                scale,
                english=True,
            )
        )
    return out

"""Column headers of statistical tables: joined header rows, and what one header says.

A yearbook header such as ``技术合同成交额(万元) Technical Contract Turnover (10 000 yuan) / 全市 Total City``
says four things: the indicator (``技术合同成交额``), its unit (``万元``), the series (``全市`` whole city, or
``市辖区`` city districts: two series, never mixed) and, in its English half, nothing the Chinese half does not.
:func:`parse_header` reads them:

* header rows are joined top to bottom with ``" / "`` (:func:`join_header`);
* in each part the English translation after the Chinese is dropped (from the first space followed by a Latin
  letter, when no Chinese follows);
* a unit is a bracketed unit word (``(亿元)``, ``（万人）``, ``(%)``) or a ``_`` suffix (``GDP_亿元``); brackets
  that are not units (``(国家级)``, ``(当年价格)``) stay in the name; an English unit (``(10 000 persons)``) is
  translated (:data:`ENGLISH_UNITS`) when the Chinese half has none;
* footnote marks stuck to a name (``GDP①``, ``GDP[1]``, ``GDP*``) are removed;
* a header that is a year (``2024``, ``2024年``) makes its column a year (:func:`header_year`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from innoscope.ingest.names import _t2s
from innoscope.ingest.text import clean_cell
from innoscope.model.errors import DataError

__all__ = [
    "ENGLISH_UNITS",
    "SERIES",
    "Header",
    "english_unit",
    "header_year",
    "is_unit",
    "join_header",
    "parse_header",
    "strip_english",
]

SERIES = ("全市", "市辖区")
"""Series words of city tables: whole city (全市 Total City) and city districts (市辖区 Districts under City)."""

_MAG = r"(?:十|百|千|万|十万|百万|千万|亿|十亿|百亿|千亿|万亿)?"
_BASES = (
    "元",
    "美元",
    "人民币",
    "人",
    "人次",
    "个",
    "件",
    "张",
    "册",
    "公里",
    "千米",
    "米",
    "吨",
    "户",
    "辆",
    "所",
    "项",
    "家",
    "篇",
    "座",
    "台",
    "部",
    "平方米",
    "平方公里",
    "公顷",
    "立方米",
    "千瓦时",
    "千瓦",
    "小时",
    "天",
    "年",
    "岁",
    "标准箱",
    "吨公里",
    "人公里",
    "床",
    "名",
    "种",
    "次",
    "套",
    "间",
    "株",
    "头",
    "只",
)
_UNIT_RE = re.compile(
    rf"^(?:{_MAG}(?:{'|'.join(sorted(map(re.escape, _BASES), key=len, reverse=True))})"
    r"|%|‰|百分比|百分点|微克/立方米|毫克/立方米|元/平方米|元/人|元/吨|万元/人|千克|公斤)$"
)
ENGLISH_UNITS: dict[str, str] = {
    "yuan": "元",
    "10000yuan": "万元",
    "100000000yuan": "亿元",
    "108yuan": "亿元",
    "person": "人",
    "persons": "人",
    "10000persons": "万人",
    "10000person": "万人",
    "unit": "个",
    "units": "个",
    "piece": "件",
    "pieces": "件",
    "10000sq.m": "万平方米",
    "sq.m": "平方米",
    "ton": "吨",
    "tons": "吨",
    "10000tons": "万吨",
    "km": "公里",
    "10000kwh": "万千瓦时",
    "kwh": "千瓦时",
    "10000cubicmeters": "万立方米",
    "cubicmeters": "立方米",
    "108cu.m": "亿立方米",
    "100000000cu.m": "亿立方米",
    "10000cu.m": "万立方米",
    "bed": "张",
    "beds": "张",
    "10000copies": "万册",
    "10000households": "万户",
    "10000persontimes": "万人次",
    "%": "%",
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ENGLISH_TAIL = re.compile(r"\s+[A-Za-z(（]")
_BRACKET = re.compile(r"[(（]\s*([^()（）]*?)\s*[)）]")
_MARK = re.compile(r"(?:\[\d{1,3}\]|[\u2460-\u2473\u24ea\u2776-\u277f])$")
_FOOTNOTE = re.compile(r"(?:\*+|[a-z])$")
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:\.0+)?\s*年?\s*$")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff）)])\s+(?=[\u3400-\u9fff（(])")


@dataclass(frozen=True)
class Header:
    """What one column header says: indicator name, unit (or None), series (全市/市辖区 or None)."""

    indicator: str
    unit: str | None
    series: str | None


def is_unit(text: str) -> bool:
    """A unit word with an optional magnitude (``万元``, ``人``, ``%``, ``万平方米``; Traditional ``萬人`` too)."""
    return bool(_UNIT_RE.match(simplified_unit(text)))


def simplified_unit(text: str) -> str:
    """A unit in Simplified characters without spaces (``萬 人`` -> ``万人``), as the value parser knows them."""
    return str(_t2s().convert(text.replace(" ", "")))


def english_unit(text: str) -> str | None:
    """``(10 000 yuan)`` -> ``万元``, ``(person)`` -> ``人``; None when not a known English unit."""
    key = re.sub(r"[\s()（）]", "", text).lower()
    return ENGLISH_UNITS.get(key)


def strip_english(text: str) -> str:
    """The Chinese half of a bilingual header part: the text before the first space followed by a Latin letter
    or bracket, when the rest holds no Chinese (``全市 Total City`` -> ``全市``)."""
    if not _CJK.search(text):
        return text
    for m in _ENGLISH_TAIL.finditer(text):
        tail = text[m.start() :]
        if _CJK.search(text[: m.start()]) and not _CJK.search(tail) and re.search(r"[A-Za-z]", tail):
            return text[: m.start()].strip()
    return text


def _strip_footnote(name: str) -> str:
    """Without a trailing footnote mark: ``[1]`` or a circled number always, a lower-case letter or ``*`` right
    after Chinese or a bracket."""
    while (m := _MARK.search(name)) is not None and m.start() > 0:
        name = name[: m.start()].rstrip()
    while True:
        m = _FOOTNOTE.search(name)
        if (
            m is None
            or m.start() == 0
            or not _CJK.search(name[m.start() - 1])
            and name[m.start() - 1] not in ")）"
        ):
            return name
        name = name[: m.start()].rstrip()


def _part(text: str) -> tuple[str, str | None]:
    """(name, unit) of one header part."""
    full = clean_cell(text)
    zh = strip_english(full)
    english = full[len(zh) :]
    zh = _CJK_SPACE.sub("", _strip_footnote(zh))
    unit = None
    for m in reversed(list(_BRACKET.finditer(zh))):
        if is_unit(m.group(1)):
            unit = simplified_unit(m.group(1))
            zh = (zh[: m.start()] + zh[m.end() :]).strip()
            break
    if unit is None and "_" in zh:
        head, _, tail = zh.rpartition("_")
        if head and is_unit(tail):
            zh, unit = head, simplified_unit(tail)
    if unit is None and english:
        for m in reversed(list(_BRACKET.finditer(english))):
            unit = english_unit(m.group(1))
            if unit:
                break
    return _strip_footnote(zh.strip()), unit


def parse_header(name: str) -> Header:
    """The indicator, unit and series of a (joined) header; see the module docstring."""
    parts = [p for p in (x.strip() for x in name.split(" / ")) if p]
    if any(_CJK.search(p) for p in parts):  # an English line of a bilingual header adds nothing
        parts = [p for p in parts if _CJK.search(p) or " " not in p.strip()]
    names: list[str] = []
    unit = series = None
    for p in parts:
        n, u = _part(p)
        if n in SERIES:
            series = n
        unit = u or unit
        if n and n not in names:
            names.append(n)
    return Header(" / ".join(names) if names else name, unit, series)


def header_year(name: str) -> int | None:
    """The year a header names (``2024``, ``2024年``, ``2024.0``), else None."""
    m = _YEAR.match(name)
    return int(m.group(1)) if m else None


def join_header(header: list[list[str]], file: str) -> list[str]:
    """Column names of a header of one or more rows: the distinct non-empty cells top to bottom joined by
    ``" / "``; ``column_N`` for a column with none. Duplicate names are a DataError."""
    ncol = max((len(r) for r in header), default=0)
    names = []
    for j in range(ncol):
        parts: list[str] = []
        for r in header:
            cell = clean_cell(str(r[j])) if j < len(r) and r[j] is not None else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        names.append(" / ".join(parts))
    for j, n in enumerate(names):
        if not n:
            names[j] = f"column_{j + 1}"
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(
            f"{file}: duplicate column names {dup}; rename them, or give the number of header rows "
            "(header_rows= / --header-rows) and of title rows above them (skiprows= / --skip-rows)"
        )
    return names


def fill_csv_header(header: list[list[str]]) -> list[list[str]]:
    """In multi-row CSV headers an empty upper cell continues the cell to its left (an exported merged cell);
    rows of unequal length are padded."""
    width = max((len(r) for r in header), default=0)
    out = []
    for k, r in enumerate(header):
        row = list(r) + [""] * (width - len(r))
        if k < len(header) - 1:
            for j in range(1, len(row)):
                if not row[j].strip():
                    row[j] = row[j - 1]
        out.append(row)
    return out

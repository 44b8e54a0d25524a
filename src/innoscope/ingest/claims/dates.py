"""Years of figures: explicit (2024年, 2023年末, 截至2023年底, in 2023), relative to the document's date (去年,
上年, 今年, 前年), and the document's date itself.

A relative year is resolved from the document date (``--date``, else the first date written in the document's
first 2,000 characters): 去年/上年 = year - 1, 前年 = year - 2, 今年/本年/目前/现有 = year. 上年 after 比/较/同/与
(比上年增长) names the base of a comparison, not the figure's year, and is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["YearMention", "document_date", "find_years", "parse_date"]

_YEAR_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s?年(?!代)"
    r"|(?:in|In|end of|end-|as of|As of)\s(?P<ye>(?:19|20)\d{2})\b"
    r"|(?P<rel>去年|上年|上一年|前年|今年|本年|当年|目前|现有|当前|截至目前|last year|this year)"
)
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s?(?:年|-|/|\.)\s?(\d{1,2})\s?(?:月|-|/|\.)\s?(\d{1,2})")
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
    "现有": 0,
    "当前": 0,
    "截至目前": 0,
    "this year": 0,
}


@dataclass(frozen=True, slots=True)
class YearMention:
    start: int
    end: int
    year: int | None  # None: relative, no document date to resolve it
    source: str  # "explicit" or "relative: 去年 (document date 2025-02-16)"


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


def find_years(text: str, doc_date: date | None) -> list[YearMention]:
    """Year mentions of ``text`` (the matching text), by position."""
    out = []
    for m in _YEAR_RE.finditer(text):
        if m["y"] or m["ye"]:
            out.append(YearMention(m.start(), m.end(), int(m["y"] or m["ye"]), "explicit"))
            continue
        word = m["rel"]
        if word in ("上年", "上一年") and text[max(0, m.start() - 1) : m.start()] in (
            "比",
            "较",
            "同",
            "与",
            "于",
        ):
            continue
        if doc_date is None:
            out.append(YearMention(m.start(), m.end(), None, f"relative: {word} (no document date)"))
        else:
            out.append(
                YearMention(
                    m.start(),
                    m.end(),
                    doc_date.year + _REL[word],
                    f"relative: {word} (document date {doc_date.isoformat()})",
                )
            )
    return out

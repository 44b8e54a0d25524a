"""The indicator lexicon: phrases that name a series, matched in text (``data/claims/indicators.yaml``).

Each entry: ``id``, ``unit`` (base unit of a level of the series), Chinese phrases ``zh`` (Simplified), English
phrases ``en`` (matched case-insensitively as whole words), optional ``growth``/``rank`` ids (default
``<id>_growth``, ``<id>_rank``), ``cumulative`` (the series of a figure stated with 累计/总数) and ``scope`` (of a
ranking series: a rank stated in another scope, 全国第5 of a global ranking, names no id). Longest phrase first, so 人工智能相关企业 is not read as 人工智能企业. A user
lexicon (same format) extends or overrides the bundled one by id.

``unnamed``: phrases of series no id names (潜在独角兽企业, 科技型中小企业, 商标注册量, 人均GDP, 985高校). They are
matched like the others (so 潜在独角兽企业 is not read as 独角兽企业 and a figure after 人均GDP does not take GDP)
but give :data:`UNNAMED`, an indicator without id: the figure is proposed with that phrase.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from innoscope.ingest.claims.document import fold
from innoscope.ingest.claims.places import WordMatcher, longest_matcher
from innoscope.model.errors import DataError

__all__ = ["UNNAMED", "Indicator", "Lexicon", "PhraseMention"]


@dataclass(frozen=True)
class Indicator:
    id: str
    unit: str
    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    growth: str = ""
    rank: str = ""
    cumulative: str = ""
    scope: str = ""  # the scope of a ranking series (全球: a rank among the world's cities)

    def series(self, kind: str) -> str:
        """The series id a figure of this ``kind`` is stored as."""
        if kind == "growth":
            return self.growth or f"{self.id}_growth"
        if kind == "rank":
            return self.id if self.unit == "rank" else (self.rank or f"{self.id}_rank")
        if kind == "ratio":
            return f"{self.id}_ratio"
        if kind == "change":
            return f"{self.id}_change"
        if kind == "share" and self.unit not in ("%", "‰"):
            return f"{self.id}_share"
        return self.id


UNNAMED = Indicator("", "")
"""The indicator of a phrase that names a series no lexicon id names."""


@dataclass(frozen=True, slots=True)
class PhraseMention:
    start: int
    end: int
    indicator: Indicator
    phrase: str


@dataclass
class Lexicon:
    indicators: dict[str, Indicator] = field(default_factory=dict)
    unnamed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._compile()

    def _compile(self) -> None:
        self._by_phrase: dict[str, Indicator] = {}
        en: dict[str, Indicator] = {}
        for ind in self.indicators.values():
            for p in ind.zh:
                self._by_phrase.setdefault(fold(p), ind)
            for p in ind.en:
                en.setdefault(p.lower(), ind)
        for p in self.unnamed:
            self._by_phrase.setdefault(fold(p), UNNAMED)
        self._zh = longest_matcher(self._by_phrase)
        self._en = WordMatcher(en, re.IGNORECASE)
        self._en_map = en

    @classmethod
    def from_records(
        cls, records: list[dict[str, Any]], label: str, unnamed: tuple[str, ...] = ()
    ) -> Lexicon:
        inds = {}
        for i, r in enumerate(records):
            if not isinstance(r, dict) or not r.get("id") or not r.get("unit"):
                raise DataError(
                    f"{label}: indicator entry {i + 1}: expected a mapping with id, unit, zh and/or en; "
                    f"got {r!r}"
                )
            inds[str(r["id"])] = Indicator(
                str(r["id"]),
                str(r["unit"]),
                tuple(map(str, r.get("zh") or ())),
                tuple(map(str, r.get("en") or ())),
                str(r.get("growth") or ""),
                str(r.get("rank") or ""),
                str(r.get("cumulative") or ""),
                str(r.get("scope") or ""),
            )
        return cls(inds, unnamed)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Lexicon:
        text = Path(path).read_text(encoding="utf-8")
        return cls._parse(text, str(path))

    @classmethod
    def _parse(cls, text: str, label: str) -> Lexicon:
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DataError(f"{label}: invalid YAML: {exc}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("indicators"), list):
            raise DataError(f"{label}: expected a mapping with an 'indicators' list")
        return cls.from_records(doc["indicators"], label, tuple(map(str, doc.get("unnamed") or ())))

    @classmethod
    def default(cls) -> Lexicon:
        """The bundled lexicon (``innoscope/data/claims/indicators.yaml``)."""
        return _default()

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s entries added (same id: ``other`` wins)."""
        return Lexicon({**self.indicators, **other.indicators}, (*self.unnamed, *other.unnamed))

    def find(self, text: str) -> list[PhraseMention]:
        """Indicator phrases of ``text`` (the matching text), by position; overlaps resolved longest-first."""
        out = [PhraseMention(end + 1 - len(p), end + 1, self._by_phrase[p], p) for end, p in self._zh(text)]
        if any(c.isascii() and c.isalpha() for c in text[:4096]) or self._en_map:
            ends = [p.end for p in out]
            out += [
                PhraseMention(m.start(), m.end(), self._en_map[m.group(0).lower()], m.group(0))
                for m in self._en.finditer(text)
                if not _inside(out, ends, m.start())
            ]
            out.sort(key=lambda p: p.start)
        return out


def _inside(zh: list[PhraseMention], ends: list[int], pos: int) -> bool:
    """Whether ``pos`` falls inside a Chinese phrase (GDP of 人均GDP is not a phrase of its own)."""
    i = bisect.bisect_right(ends, pos)
    return i < len(zh) and zh[i].start <= pos


@lru_cache(maxsize=1)
def _default() -> Lexicon:
    text = resources.files("innoscope").joinpath("data/claims/indicators.yaml").read_text(encoding="utf-8")
    return Lexicon._parse(text, "innoscope/data/claims/indicators.yaml")

"""The indicator lexicon: phrases that name a series, matched in text (``data/claims/indicators.yaml``).

Each entry: ``id``, ``unit`` (base unit of a level of the series), Chinese phrases ``zh`` (Simplified), English
phrases ``en`` (matched case-insensitively as whole words), optional ``growth``/``rank`` ids (default
``<id>_growth``, ``<id>_rank``), ``cumulative`` (the series of a figure stated with 累计/总数), ``percent`` (the series a percent written as
this series' value is: R&D input was 3.68% is the R&D intensity; a percent after 占 stays a share) and ``scope`` (of a
ranking series: a rank stated in another scope, 全国第5 of a global ranking, names no id). Longest phrase first, so 人工智能相关企业 is not read as 人工智能企业. A user
lexicon (same format) extends or overrides the bundled one by id.

``zh_after``/``en_after`` with ``after`` (ids): phrases that name the series only right after a phrase of one of
those series in the same sentence. 占GDP的比重 is the R&D intensity after 研发投入 (研发投入占GDP的比重), but after
数字经济核心产业增加值 it is a share no id names; a relative phrase with no such series before it is unnamed.

``unnamed``: phrases of series no id names (潜在独角兽企业, 科技型中小企业, 商标注册量, 人均GDP, 985高校). They are
matched like the others (so 潜在独角兽企业 is not read as 独角兽企业 and a figure after 人均GDP does not take GDP)
but give :data:`UNNAMED`, an indicator without id: the figure is proposed with that phrase.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
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
    percent: str = ""  # the series a bare percent of this one is (R&D input was 3.68%: the R&D intensity)
    share: str = ""  # the series a share of this one is stored as (企业研发经费占九成: rd_enterprise_share)
    after: tuple[str, ...] = ()  # ids whose phrase must come before a relative phrase (zh_after, en_after)

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
            return self.share or f"{self.id}_share"
        return self.id


UNNAMED = Indicator("", "")
"""The indicator of a phrase that names a series no lexicon id names."""


@dataclass(slots=True)
class PhraseMention:
    """An indicator phrase written at ``start:end``.
    Not frozen: thousands are built per chunk, and a frozen dataclass takes three times as long to build."""

    start: int
    end: int
    indicator: Indicator
    phrase: str


@dataclass
class Lexicon:
    indicators: dict[str, Indicator] = field(default_factory=dict)
    unnamed: tuple[str, ...] = ()
    relative: tuple[tuple[Indicator, tuple[str, ...], tuple[str, ...]], ...] = ()  # (with after, zh, en)

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
        for ind, zh_after, en_after in self.relative:
            for p in zh_after:
                self._by_phrase.setdefault(fold(p), ind)
            for p in en_after:
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
        relative = []
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
                str(r.get("percent") or ""),
                share=str(r.get("share") or ""),
            )
            if r.get("after"):
                relative.append(
                    (
                        replace(inds[str(r["id"])], after=tuple(map(str, r["after"]))),
                        tuple(map(str, r.get("zh_after") or ())),
                        tuple(map(str, r.get("en_after") or ())),
                    )
                )
        return cls(inds, unnamed, tuple(relative))

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
        ids = set(other.indicators)
        relative = (*(r for r in self.relative if r[0].id not in ids), *other.relative)
        return Lexicon(
            {**self.indicators, **other.indicators}, (*self.unnamed, *other.unnamed), tuple(relative)
        )

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
        return _resolve_relative(text, out) if self.relative else out


_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")


def _resolve_relative(text: str, mentions: list[PhraseMention]) -> list[PhraseMention]:
    """A relative phrase (占GDP的比重) names its series right after a phrase of one of its ``after`` series in
    the same sentence (研发投入……占GDP的比重), else no series (数字经济增加值占GDP的比重)."""
    out = list(mentions)
    for i, m in enumerate(out):
        after = m.indicator.after
        if not after:
            continue
        prev = out[i - 1] if i else None
        ok = (
            prev is not None
            and prev.indicator.id in after
            and _SENTENCE_END_RE.search(text, prev.end, m.start) is None
        )
        out[i] = replace(m, indicator=replace(m.indicator, after=()) if ok else UNNAMED)
    return out


def _inside(zh: list[PhraseMention], ends: list[int], pos: int) -> bool:
    """Whether ``pos`` falls inside a Chinese phrase (GDP of 人均GDP is not a phrase of its own)."""
    i = bisect.bisect_right(ends, pos)
    return i < len(zh) and zh[i].start <= pos


@lru_cache(maxsize=1)
def _default() -> Lexicon:
    text = resources.files("innoscope").joinpath("data/claims/indicators.yaml").read_text(encoding="utf-8")
    return Lexicon._parse(text, "innoscope/data/claims/indicators.yaml")

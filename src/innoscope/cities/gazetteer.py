"""Every Chinese administrative division at province, prefecture and county level, and names resolved to them.

The bundled table ``data/gazetteer.csv`` (built by ``scripts/build_gazetteer.py``; sources, date and licences in
``data/gazetteer.json`` and ``docs/data/gazetteer.md``) holds one row per division: GB/T 2260 code, canonical
entity id, level, kind, parent, full name, usual short forms, Traditional, English and pinyin names, former names
and the seat's coordinates.

A name is matched after :func:`name_key` (width, Traditional, case, spaces, tone marks and OCR look-alikes
folded; suffixes such as 市 kept). Matches are ranked: the full name (``吉林市``) before a short form (``吉林``),
before an English name (``Jilin``, ``Chaoyang District``), before the pinyin of a county's short form (``chaoyang``
for 朝阳区), before a former name (``襄樊``); only the best rank counts. Where a
name still fits several places (``吉林``: the province and the city; ``朝阳区``: in Beijing and in Changchun),
:meth:`Gazetteer.resolve_many` narrows them with what the table itself says, in this order, each step used only
when it leaves at least one candidate:

1. the row's province (a province column, or ``within`` given by the caller);
2. a province or prefecture named in the table's title;
3. the province row above it, when the table lists its places under province rows (the yearbook layout);
4. the level of the other rows (a list of prefecture-level cities keeps the prefecture-level candidate);
5. the province of the other rows, when all of them lie in one (``海淀区, 朝阳区`` -> Beijing's 朝阳区).

What is still ambiguous is reported with its candidates, never guessed. Totals and regions (``全国``,
``全国合计``, ``东部地区``) are recognised as aggregates. An unknown name gets the closest names of the whole
gazetteer (rapidfuzz ``ratio`` on the matching keys, see :meth:`Gazetteer.suggest`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

from innoscope.ingest.names import unknown_name
from innoscope.model.errors import DataError

__all__ = ["AGGREGATES", "Gazetteer", "Match", "Place", "aggregate_kind", "name_key"]

Level = Literal["province", "prefecture", "county"]
LEVELS: tuple[Level, ...] = ("province", "prefecture", "county")
_RANKS = (
    "full name",
    "short form",
    "a county's short form",
    "English name",
    "a county's English name or pinyin",
    "former name",
)
_GROUP = (0, 1, 1, 2, 2, 3)  # ranks read together; within a group the lower rank wins only after the context
_FORMER_SUFFIX_RE = re.compile(r"(市|县|区|地区|盟|自治州)$")

# OCR and input look-alikes of characters that occur in place names.
_LOOKALIKES = str.maketrans({"巿": "市", "縣": "县", "県": "县", "區": "区", "〇": "零"})
_DROP_RE = re.compile(r"[\s'’`\-_.·・•()（）\[\]【】*※#]+")
_FOOTNOTE_RE = re.compile(r"(\[\d+\]|[①-⑳]|\*+|[¹²³⁴-⁹]+)$")
_LATIN_SUFFIX_RE = re.compile(r"(city|shi|municipality|province)$")

AGGREGATES: dict[str, str] = {
    **{
        k: "national total"
        for k in (
            "全国",
            "全国合计",
            "全国总计",
            "全国总计合计",
            "中国",
            "全国城市",
            "地级以上城市",
            "全部城市",
            "合计",
            "总计",
            "总计合计",
            "national",
            "china",
            "total",
            "nationaltotal",
            "allcities",
            "grandtotal",
            "average",
            "平均",
            "全国平均",
        )
    },
    **{
        k: "region"
        for k in (
            "东部地区",
            "中部地区",
            "西部地区",
            "东北地区",
            "东部",
            "中部",
            "西部",
            "东北",
            "华北地区",
            "华东地区",
            "华南地区",
            "华中地区",
            "西南地区",
            "西北地区",
            "京津冀",
            "长三角",
            "长江三角洲",
            "珠三角",
            "珠江三角洲",
            "粤港澳大湾区",
            "成渝地区",
            "长江经济带",
            "黄河流域",
            "eastern",
            "central",
            "western",
            "northeastern",
            "easternregion",
            "centralregion",
            "westernregion",
            "northeasternregion",
        )
    },
    **{k: "province total" for k in ("全省", "全省合计", "全区", "全区合计", "全市合计", "省合计")},
}


def name_key(text: str) -> str:
    """Matching key of a name: ``  深圳市 `` = ``深圳市``, ``吉林市`` ≠ ``吉林``, ``Xī'ān`` = ``xian``, ``汾 阳`` = ``汾阳``.

    :func:`~innoscope.ingest.names.normalise_name` (the one clean-up of a name: NFKC, invisible characters
    removed, white space), Traditional -> Simplified (OpenCC), look-alikes (``巿`` -> ``市``), a trailing footnote
    mark dropped, tone marks removed from Latin letters (a combining mark on a Chinese character stays, so the
    name does not match), lower case, spaces and punctuation removed; a Latin name loses a trailing ``city``."""
    from innoscope.ingest.names import _t2s, drop_tone_marks, normalise_name

    s = normalise_name(text).replace("ü", "v").replace("Ü", "V")
    s = _FOOTNOTE_RE.sub("", s).strip()
    if any(ord(c) > 0x2E7F for c in s):
        s = _t2s().convert(s).translate(_LOOKALIKES)
    if any(0x7F < ord(c) < 0x2E80 for c in s):  # Latin letters with tone marks or diaereses, or stray marks
        s = drop_tone_marks(s)
    s = _DROP_RE.sub("", s.lower())
    if s.isascii() and len(s) > 6:
        s = _LATIN_SUFFIX_RE.sub("", s) or s
    return s


def aggregate_kind(name: str) -> str | None:
    """``national total``, ``region`` or ``province total`` for a row that sums places, else None."""
    return AGGREGATES.get(name_key(name).removeprefix("其中"))


@dataclass(frozen=True)
class Place:
    """One division. ``code`` is the GB/T 2260 code (below province level in Taiwan, Hong Kong and Macao, which
    GB/T 2260 does not code, the source's own code: see ``mainland``); ``id`` the canonical entity id (lower-case pinyin, with the
    code appended where two places would share it); ``parent`` the code of the division above ("" for a
    province); ``former`` holds ``name:date`` of a unit renamed or merged into this one; ``lng``/``lat`` the
    seat as the source gives it (datum not stated; good for city-scale maps), None where no source has it, and
    ``coords`` which source."""

    code: str
    id: str
    level: Level
    kind: str
    parent: str
    name: str
    short: tuple[str, ...]
    name_tc: str
    name_en: str
    pinyin: str
    former: tuple[str, ...]
    lng: float | None
    lat: float | None
    coords: str = ""

    @property
    def province(self) -> str:
        return self.code[:2] + "0000"

    @property
    def mainland(self) -> bool:
        """False for Taiwan, Hong Kong and Macao (codes 71, 81, 82), whose divisions below province level GB/T
        2260 does not list."""
        return self.code[:2] not in ("71", "81", "82")

    @property
    def short_name(self) -> str:
        """The usual short form (``深圳``, ``内蒙古``, ``延边``) or, for a county without one, the full name."""
        return self.short[0] if self.short and self.level != "county" else self.name

    def label(self, gazetteer: Gazetteer | None = None) -> str:
        """``朝阳区 (chaoyangqu_beijing) 110105 北京市``: name, entity id, code and where it lies, for messages."""
        where = ""
        if gazetteer is not None and self.level != "province":
            prov = gazetteer.places[self.province].name
            parent = gazetteer.places.get(self.parent)
            where = f" {prov}" + (
                f" {parent.name}" if parent is not None and parent.level == "prefecture" else ""
            )
        return f"{self.name} ({self.id}) {self.code}{where}"


@dataclass(frozen=True)
class Match:
    """How one name was read: a ``place``, an ``aggregate``, ``ambiguous`` (with ``candidates``) or
    ``unknown`` (with ``suggestions``); ``how`` says which rank or context decided."""

    name: str
    status: Literal["place", "aggregate", "ambiguous", "unknown"]
    place: Place | None = None
    candidates: tuple[Place, ...] = ()
    how: str = ""
    suggestions: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status in ("place", "aggregate")


class Gazetteer:
    """The divisions of :data:`data/gazetteer.csv` with a name index; :meth:`default` is the bundled one."""

    def __init__(self, places: Iterable[Place]):
        self.places: dict[str, Place] = {p.code: p for p in places}
        self.by_id: dict[str, Place] = {p.id: p for p in self.places.values()}
        self._index: dict[str, dict[str, int]] = {}
        for p in self.places.values():
            county = p.level == "county"
            self._add(p.name, p.code, 0)
            self._add(p.name_tc, p.code, 0)
            for s in p.short:
                self._add(s, p.code, 2 if county else 1)
            self._add(p.name_en, p.code, 4 if county else 3)
            for latin in (p.id, p.pinyin):  # weaker where the English name is not the pinyin (陕西 Shaanxi)
                self._add(latin, p.code, 4 if county or name_key(latin) != name_key(p.name_en) else 3)
            for f in p.former:
                old = f.rsplit(":", 1)[0]
                self._add(old, p.code, 5)
                stem = _FORMER_SUFFIX_RE.sub("", old)
                if len(stem) >= 2:
                    self._add(stem, p.code, 5)
        self._title_names = sorted(
            (
                (n, p.code)
                for p in self.places.values()
                if p.level != "county"
                for n in (p.name, *[s for s in p.short if len(s) >= 2])
            ),
            key=lambda t: -len(t[0]),
        )

    def _add(self, name: str, code: str, rank: int) -> None:
        key = name_key(name) if name else ""
        if not key:
            return
        slot = self._index.setdefault(key, {})
        slot[code] = min(rank, slot.get(code, rank))

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer (read once per process)."""
        return _default()

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, code_or_id: str) -> Place:
        place = self.places.get(code_or_id) or self.by_id.get(code_or_id)
        if place is None:
            raise DataError(f"no place with code or id {code_or_id!r} in the gazetteer")
        return place

    def level(self, level: Level) -> list[Place]:
        return [p for p in self.places.values() if p.level == level]

    def children(self, code: str) -> list[Place]:
        return [p for p in self.places.values() if p.parent == code]

    def within(self, place: Place, area: Place) -> bool:
        """True when ``place`` is ``area`` or lies inside it."""
        p: Place | None = place
        while p is not None:
            if p.code == area.code:
                return True
            p = self.places.get(p.parent)
        return False

    # -- matching -----------------------------------------------------------------------------
    def lookup(self, name: str) -> tuple[list[Place], list[int]]:
        """The places ``name`` fits in its best group of ranks (a short form of a city and of a county are read
        together), and the rank of each (see ``_RANKS``)."""
        hits = self._index.get(name_key(name), {})
        if not hits:
            return [], []
        group = min(_GROUP[r] for r in hits.values())
        found = sorted((r, c) for c, r in hits.items() if _GROUP[r] == group)
        return [self.places[c] for _, c in found], [r for r, _ in found]

    def match(self, name: str, *, within: str | None = None, levels: Iterable[Level] | None = None) -> Match:
        """One name alone (see :meth:`resolve_many` for names read together with their table)."""
        return self.resolve_many([name], provinces=[within] if within else None, levels=levels)[0]

    def resolve(
        self, name: str, *, within: str | None = None, levels: Iterable[Level] | None = None, where: str = ""
    ) -> Place:
        """The one place ``name`` means; DataError naming the candidates or the closest names otherwise."""
        m = self.match(name, within=within, levels=levels)
        if m.place is None:
            raise DataError(self.problem(m, where))
        return m.place

    def resolve_many(
        self,
        names: Sequence[str],
        *,
        provinces: Sequence[str | None] | None = None,
        title: str | None = None,
        levels: Iterable[Level] | None = None,
    ) -> list[Match]:
        """Read the names of one table together: each distinct name once, ambiguity narrowed by the row's
        province (``provinces``, parallel to ``names``), the ``title``, the province row above and the level
        of the other rows (see the module docstring). Returns one :class:`Match` per name, in order."""
        allowed = set(levels) if levels is not None else set(LEVELS)
        provs = list(provinces) if provinces is not None else [None] * len(names)
        if len(provs) != len(names):
            raise DataError(f"{len(provs)} provinces given for {len(names)} names")
        first: list[list[tuple[Place, int]]] = []
        elsewhere: dict[int, list[Place]] = {}
        for i, n in enumerate(names):
            cands, ranks = self.lookup(n)
            kept = [(p, r) for p, r in zip(cands, ranks, strict=True) if p.level in allowed]
            if cands and not kept:
                elsewhere[i] = cands
            first.append(kept)
        unique = [c[0][0] for c in first if len(c) == 1]
        row_levels = {p.level for p in unique}
        below = {p.province for p in unique if p.level != "province"}
        row_province = self.places[below.pop()] if len(below) == 1 else None
        title_area = self._title_area(title) if title else None
        sections, headers = self._sections(first)
        out = []
        for i, (n, cands) in enumerate(zip(names, first, strict=True)):
            if i in headers:
                out.append(
                    Match(
                        n,
                        "place",
                        headers[i],
                        how=f"{_RANKS[min(r for _, r in cands)]}; a province row: "
                        f"the rows below lie in {headers[i].name}",
                    )
                )
            elif len(cands) == 1:
                out.append(Match(n, "place", cands[0][0], how=_RANKS[cands[0][1]]))
            elif i in elsewhere:
                out.append(
                    Match(
                        n,
                        "unknown",
                        how=f"not a {' or '.join(sorted(allowed))} name",
                        suggestions=tuple(p.label(self) for p in elsewhere[i]),
                    )
                )
            elif not cands:
                out.append(self._no_place(n))
            else:
                out.append(
                    self._narrow(n, cands, provs[i], title_area, sections[i], row_levels, row_province)
                )
        return out

    def _narrow(
        self,
        name: str,
        cands: list[tuple[Place, int]],
        province: str | None,
        title_area: Place | None,
        section: Place | None,
        row_levels: set[str],
        row_province: Place | None,
    ) -> Match:
        steps = []
        if province:
            area = [a for a in self.lookup(province)[0] if a.level == "province"]
            if len(area) == 1:
                steps.append((f"province column {province}", lambda p, r, a=area[0]: self.within(p, a)))
        if title_area is not None:
            steps.append((f"title names {title_area.name}", lambda p, r: self.within(p, title_area)))
        if section is not None:
            steps.append(
                (f"under the row {section.name}", lambda p, r: self.within(p, section) and p != section)
            )
        if row_levels:
            steps.append(("level of the other rows", lambda p, r: p.level in row_levels))
        if row_province is not None:
            steps.append(
                (f"the other rows lie in {row_province.name}", lambda p, r: self.within(p, row_province))
            )
        best = min(r for _, r in cands)
        steps.append(
            (f"a {_RANKS[best]} before a {_RANKS[max(r for _, r in cands)]}", lambda p, r: r == best)
        )
        used: list[str] = []
        for why, keep in steps:
            kept = [(p, r) for p, r in cands if keep(p, r)]
            if kept and len(kept) < len(cands):
                cands, used = kept, [*used, why]
            if len(cands) == 1:
                return Match(name, "place", cands[0][0], how="; ".join([_RANKS[cands[0][1]], *used]))
        return Match(
            name,
            "ambiguous",
            candidates=tuple(sorted((p for p, _ in cands), key=lambda p: p.code)),
            how=_RANKS[best],
        )

    def _no_place(self, name: str) -> Match:
        kind = aggregate_kind(name)
        if kind is not None:
            return Match(name, "aggregate", how=kind)
        return Match(name, "unknown", suggestions=tuple(self.suggest(name)))

    def _title_area(self, title: str) -> Place | None:
        """The one province or prefecture a title names (longest names first), else None."""
        text = name_key(title)
        found = set()
        for n, code in self._title_names:
            k = name_key(n)
            if k and k in text:
                found.add(code)
                text = text.replace(k, "|")
        areas = [self.places[c] for c in found]
        return areas[0] if len(areas) == 1 else None

    def _sections(self, first: list[list[tuple[Place, int]]]) -> tuple[list[Place | None], dict[int, Place]]:
        """For each row, the province row above it, when the rows follow the province-row layout (every row that
        names one place below province level lies in the province of the nearest province row above); and the
        ambiguous rows read as province rows (``Jilin`` above ``Changchun``): in a table that has province rows,
        a row that may name a province, is not that province's second row, and starts a block (the row below lies
        in that province, the row above does not)."""

        def single(i: int) -> Place | None:
            return first[i][0][0] if len(first[i]) == 1 else None

        if not any(p is not None and p.level == "province" for p in map(single, range(len(first)))):
            return [None] * len(first), {}
        below = [
            p if p is not None and p.level != "province" else None for p in map(single, range(len(first)))
        ]
        nxt, prev = _nearest(below[::-1])[::-1], _nearest(below)
        current: Place | None = None
        sections: list[Place | None] = []
        headers: dict[int, Place] = {}
        consistent = seen = 0
        for i, cands in enumerate(first):
            sections.append(current)
            place = single(i)
            starts = [
                p
                for p, _ in cands
                if p.level == "province"
                and p != current
                and nxt[i] is not None
                and nxt[i].province == p.code
                and (prev[i] is None or prev[i].province != p.code)
            ]
            if place is None and len(starts) == 1:
                place = headers[i] = starts[0]
            if place is not None and place.level == "province":
                current = place
            elif place is not None and current is not None:
                seen += 1
                consistent += place.province == current.code
        if not seen or consistent < seen:
            return [None] * len(first), {}
        return sections, headers

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """The ``limit`` places with names closest to ``name``, as ``name (code, province)``: rapidfuzz
        ``ratio`` (normalised Indel similarity) on the matching keys, a place scored by its closest name; ties go
        to the higher level (a city before a county of the same spelling), then to the code."""
        from rapidfuzz import fuzz, process

        key = name_key(name)
        if not key:
            return []
        best: dict[str, float] = {}
        for k, score, _ in process.extract(key, list(self._index), scorer=fuzz.ratio, limit=limit * 20):
            for code in self._index[k]:
                best[code] = max(score, best.get(code, 0.0))
        order = sorted(best, key=lambda c: (-best[c], LEVELS.index(self.places[c].level), c))
        return [self.places[c].label(self) for c in order[:limit]]

    def problem(self, m: Match, where: str = "") -> str:
        """One line saying why ``m`` did not resolve: the candidates or the closest names."""
        loc = f"{where}: " if where else ""
        if m.status == "ambiguous":
            return (
                f"{loc}{m.name!r} fits {len(m.candidates)} places: "
                f"{'; '.join(p.label(self) for p in m.candidates)} (give a province column, or write the "
                f"full name)"
            )
        if m.status == "unknown":
            return loc + unknown_name("place", m.name, m.suggestions[:3])
        return f"{loc}{m.name!r} is {m.status}"


def _float(text: str) -> float | None:
    return float(text) if text else None


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    text = resources.files("innoscope").joinpath("data/gazetteer.csv").read_text(encoding="utf-8")
    places = []
    for r in csv.DictReader(text.splitlines()):
        places.append(
            Place(
                code=r["code"],
                id=r["id"],
                level=r["level"],
                kind=r["kind"],
                parent=r["parent"],
                name=r["name"],
                short=tuple(s for s in r["short"].split("|") if s),
                name_tc=r["name_tc"],
                name_en=r["name_en"],
                pinyin=r["pinyin"],
                former=tuple(s for s in r["former"].split("|") if s),
                lng=_float(r["lng"]),
                lat=_float(r["lat"]),
                coords=r["coords"],
            )
        )
    return Gazetteer(places)


def _nearest(places: list[Place | None]) -> list[Place | None]:
    """For each position, the last non-missing place strictly before it (None when there is none)."""
    out: list[Place | None] = []
    last: Place | None = None
    for p in places:
        out.append(last)
        if p is not None:
            last = p
    return out

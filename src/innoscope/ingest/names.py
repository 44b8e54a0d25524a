"""Entity names: fold spelling variants to one key and resolve them to canonical ids.

:func:`normalise_name` is the one clean-up of a name as written (NFKC, invisible characters such as zero-width
spaces and the byte-order mark removed, white space of every kind one space, trimmed); every surface that takes a
place name (import, compare, dashboard and API, report and build look-ups) reaches it through :func:`fold_name`,
which maps every way of writing a city to one key:

1. :func:`normalise_name`, then Traditional -> Simplified (OpenCC ``t2s``);
2. tone marks removed from Latin letters (``Xī'ān`` -> ``Xi'an``), lower case; a combining mark on a Chinese
   character is kept, so ``深\u0301圳`` is not 深圳 (unknown, with a note and the closest names);
3. administrative suffixes removed: ``市`` and a trailing English ``city`` / ``shi``;
4. spaces, apostrophes, hyphens, dots and underscores removed (``shen zhen`` = ``Shenzhen``, ``Xi'an`` = ``xian``).

:class:`EntityTable` holds canonical ids with their Chinese, English and pinyin names and aliases; every name is
folded once into an index, so :meth:`EntityTable.resolve` is a dictionary look-up. An unknown name raises
:class:`~innoscope.errors.DataError` listing the closest known names (rapidfuzz ``WRatio`` on the folded keys).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from innoscope.ingest.yaml_bounded import load_yaml, yaml_problem
from innoscope.model.errors import DataError, brief

__all__ = [
    "Entity",
    "EntityTable",
    "drop_tone_marks",
    "fold_name",
    "normalise_name",
    "stray_marks",
    "unknown_name",
]

_SUFFIX_RE = re.compile(r"(市|\s*city|\s+shi)$")
_DROP_RE = re.compile(r"[\s'’`\-_.·・]+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_INVISIBLE_RE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """A place name as written, cleaned the one way every surface cleans it (import, compare, dashboard and API,
    report and build look-ups all reach it through :func:`fold_name`).

    Unicode NFKC (full-width letters and digits become ASCII, no-break, em and ideographic spaces a plain
    space), invisible format characters removed (zero-width space and joiners, word joiner, byte-order mark, soft
    hyphen, direction marks), each run of white space one space, trimmed. Combining marks stay: on a Latin letter
    they are pinyin tone marks (:func:`fold_name` drops them); on a Chinese character they make another text,
    so ``深\u0301圳`` never silently becomes 深圳."""
    s = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", str(text)))
    return _SPACES_RE.sub(" ", s).strip()


def drop_tone_marks(text: str) -> str:
    """``Xī'ān`` -> ``Xi'an``: combining marks removed from Latin letters only (NFD, then NFC)."""
    out: list[str] = []
    latin = False
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.combining(c):
            if not latin:
                out.append(c)
            continue
        latin = c.isascii() and c.isalpha()
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def stray_marks(text: str) -> str:
    """A note on combining marks sitting on a non-Latin character (``深\u0301圳``: ``U+0301 on '深'``), else ""."""
    s = unicodedata.normalize("NFD", normalise_name(text))
    found = [
        f"U+{ord(c):04X} on {prev!r}"
        for prev, c in zip(s, s[1:], strict=False)
        if unicodedata.combining(c)
        and not unicodedata.combining(prev)
        and not (prev.isascii() and prev.isalpha())
    ]
    return ", ".join(found[:3])


@lru_cache(maxsize=65536)
def fold_name(text: str) -> str:
    """Folded matching key of a name: ``深圳市``, ``深圳`` (Traditional), ``SHENZHEN``, ``shen zhen`` -> ``深圳``/``shenzhen``.

    :func:`normalise_name`, then Traditional -> Simplified, tone marks dropped (:func:`drop_tone_marks`), lower
    case, the administrative suffix and spaces/punctuation removed (module docstring)."""
    s = normalise_name(text)
    if any(ord(c) > 0x2E7F for c in s):
        s = _t2s().convert(s)
    s = drop_tone_marks(s).lower().strip()
    s = _SUFFIX_RE.sub("", s).strip() or s
    return _DROP_RE.sub("", s)


def unknown_name(kind: str, name: str, suggestions: Iterable[str]) -> str:
    """``unknown city '深́圳' (combining mark U+0301 on '深': not part of a name); did you mean 深圳 / Shenzhen
    (shenzhen)?``: the one wording of an unknown place name."""
    marks = stray_marks(name)
    note = f" (combining mark {marks}: not part of a name)" if marks else ""
    near = " or ".join(suggestions)
    return f"unknown {kind} {brief(name)}{note}" + (f"; did you mean {near}?" if near else "")


@dataclass
class Entity:
    """One entity: canonical ``id`` (lower-case pinyin for Chinese cities) and the names it is known by."""

    id: str
    name_zh: str = ""
    name_en: str = ""
    pinyin: str = ""
    aliases: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return [n for n in (self.id, self.name_zh, self.name_en, self.pinyin, *self.aliases) if n]


class EntityTable:
    """Canonical entities and their aliases; :meth:`resolve` maps any known spelling to the id."""

    def __init__(self, entities: Iterable[Entity] = ()):
        self.entities: dict[str, Entity] = {}
        self._index: dict[str, str] = {}
        self._shared: dict[str, list[str]] = {}
        for e in entities:
            self.add(e)

    def add(self, entity: Entity) -> None:
        """Add an entity. A name it shares with another entity (吉林 the province and the city, 朝阳区 in two
        cities) is kept as shared: it no longer resolves alone, and :meth:`resolve` lists both."""
        if entity.id in self.entities:
            raise DataError(f"duplicate entity id {entity.id!r}")
        self.entities[entity.id] = entity
        for name in entity.names():
            self._register(name, entity.id, shared_ok=True)

    def add_alias(self, entity_id: str, alias: str) -> None:
        """Make ``alias`` resolve to ``entity_id``; an alias already bound to another entity is an error."""
        if entity_id not in self.entities:
            raise DataError(f"cannot add alias {alias!r}: unknown entity id {entity_id!r}")
        self._register(alias, entity_id)
        if alias not in self.entities[entity_id].aliases:
            self.entities[entity_id].aliases.append(alias)

    def _register(self, name: str, entity_id: str, *, shared_ok: bool = False) -> None:
        key = fold_name(name)
        if not key:
            raise DataError(f"empty name for entity {entity_id!r}")
        owners = self._shared.get(key) or ([self._index[key]] if key in self._index else [])
        if owners and entity_id not in owners:
            if not shared_ok:
                raise DataError(
                    f"name {name!r} (folded {key!r}) is ambiguous: it names both {owners[0]!r} and "
                    f"{entity_id!r}"
                )
            self._shared[key] = [*owners, entity_id]
            self._index.pop(key, None)
            return
        if key not in self._shared:
            self._index[key] = entity_id

    def owners(self, name: str) -> list[str]:
        """Every entity id ``name`` names: one, several (a shared name) or none."""
        if name in self.entities:
            return [name]
        key = fold_name(name)
        return list(self._shared.get(key) or ([self._index[key]] if key in self._index else []))

    def __contains__(self, name: str) -> bool:
        key = fold_name(name)
        return key in self._index or key in self._shared

    def __len__(self) -> int:
        return len(self.entities)

    @property
    def ids(self) -> list[str]:
        return list(self.entities)

    def get(self, name: str) -> str | None:
        """The id for ``name`` (an id, or a name of exactly one entity), or None."""
        if name in self.entities:
            return name
        return self._index.get(fold_name(name))

    def resolve(self, name: str, *, where: str = "") -> str:
        """The canonical id for ``name``; unknown names raise DataError with the closest known names, a name shared
        by several entities with their ids."""
        found = self.get(name)
        if found is not None:
            return found
        loc = f"{where}: " if where else ""
        shared = self._shared.get(fold_name(name))
        if shared:
            raise DataError(
                f"{loc}entity name {brief(name)} is ambiguous: it names "
                f"{', '.join(map(self._label, shared))}; write the id or a name of one of them"
            )
        marks = stray_marks(name)
        note = f" (combining mark {marks}: not part of a name)" if marks else ""
        raise DataError(
            f"{loc}unknown entity {brief(name)}{note}; closest known names: "
            f"{', '.join(self.closest(name))} (add an alias with EntityTable.add_alias or the entities file)"
        )

    def closest(self, name: str, limit: int = 3) -> list[str]:
        """The ``limit`` known names nearest to ``name`` (rapidfuzz WRatio on folded keys), as ``name (id)``."""
        from rapidfuzz import fuzz, process

        labels = {key: self._label(eid) for key, eid in self._index.items()}
        hits = process.extract(fold_name(name), list(labels), scorer=fuzz.WRatio, limit=limit * 3)
        out: list[str] = []
        seen: set[str] = set()
        for key, _score, _ in hits:
            eid = self._index[key]
            if eid not in seen:
                seen.add(eid)
                out.append(labels[key])
            if len(out) == limit:
                break
        return out

    def _label(self, entity_id: str) -> str:
        e = self.entities[entity_id]
        names = " / ".join(n for n in (e.name_zh, e.name_en) if n)
        return f"{names} ({e.id})" if names else e.id

    def resolve_many(self, names: Iterable[str], *, where: str = "") -> list[str]:
        """Resolve each distinct name once; the first unknown raises (see :meth:`resolve`)."""
        names = list(names)
        cache = {n: self.resolve(n, where=where) for n in dict.fromkeys(names)}
        return [cache[n] for n in names]

    def to_records(self) -> list[dict]:
        return [
            {
                "id": e.id,
                "name_zh": e.name_zh,
                "name_en": e.name_en,
                "pinyin": e.pinyin,
                "aliases": tuple(e.aliases),
            }
            for e in self.entities.values()
        ]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "id": e.id,
                    "name_zh": e.name_zh,
                    "name_en": e.name_en,
                    "pinyin": e.pinyin,
                    "aliases": "|".join(e.aliases),
                }
                for e in self.entities.values()
            ]
        )

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> EntityTable:
        ents = []
        for r in records:
            if "id" not in r:
                raise DataError(f"entity record without an id: {r!r}")
            ents.append(
                Entity(
                    id=str(r["id"]),
                    name_zh=str(r.get("name_zh") or ""),
                    name_en=str(r.get("name_en") or ""),
                    pinyin=str(r.get("pinyin") or ""),
                    aliases=[str(a) for a in r.get("aliases") or []],
                )
            )
        return cls(ents)

    @classmethod
    def from_yaml(cls, path: str | Path) -> EntityTable:
        """Read ``entities: [{id, name_zh, name_en, pinyin, aliases: [...]}, ...]``."""
        text = Path(path).read_text(encoding="utf-8")
        return cls._from_yaml_text(text, str(path))

    @classmethod
    def _from_yaml_text(cls, text: str, label: str) -> EntityTable:
        try:
            doc = load_yaml(text)
        except yaml.YAMLError as exc:
            raise DataError(f"{label}: {yaml_problem(exc)}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
            raise DataError(f"{label}: expected a mapping with an 'entities' list")
        return cls.from_records(doc["entities"])

    @classmethod
    def default(cls) -> EntityTable:
        """The bundled table of the 12 cities of the default dataset (``innoscope/data/entities.yaml``); a new
        table on each call (the file is read and parsed once)."""
        return cls.from_records(_default_records())


@lru_cache(maxsize=1)
def _default_records() -> tuple[dict, ...]:
    text = resources.files("innoscope").joinpath("data/entities.yaml").read_text(encoding="utf-8")
    return tuple(EntityTable._from_yaml_text(text, "innoscope/data/entities.yaml").to_records())

"""Entities of an import: names in a file resolved to the store's entities and the gazetteer's places.

A store holds the entities it has seen (the 12 bundled cities from the start, then every place and user entity
its imports name). A name in a file is read, in this order:

1. an entity id of the store (``shenzhen``), or a name of a store entity that is not a gazetteer place (an
   entity the user added: a foreign city, an economic zone, a cluster);
2. the gazetteer, with the table as context (:meth:`~innoscope.cities.gazetteer.Gazetteer.resolve_many`): a place
   becomes an entity of the store with this import, under its canonical id; an aggregate (``全国合计``, ``东部地区``)
   is set aside with a note; an ambiguous name is a problem listing its candidates;
3. a name of any store entity (an alias a user added to a place, ``鹏城`` -> ``shenzhen``);
4. otherwise unknown: a problem with "did you mean" (``new_entities="reject"``, the default), or a new entity
   named as written (``new_entities="add"``).

Every problem of a file is listed at once (:func:`problems_error`), so a user fixes them in one pass.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from innoscope.cities.gazetteer import Gazetteer, Match, Place
from innoscope.ingest.names import Entity, EntityTable, fold_name
from innoscope.model.errors import DataError

__all__ = [
    "NEW_ENTITIES",
    "Resolved",
    "name_conflicts",
    "new_entity",
    "place_entity",
    "problems_error",
    "read_entities",
    "resolve_entities",
]

NEW_ENTITIES = ("reject", "add")
"""What an import does with a name neither the store nor the gazetteer knows. ``reject`` (default): the import is
refused and every such name listed, because a misspelt city silently becoming a new entity would split its data
in two; ``add``: each becomes a new entity of the store."""


@dataclass
class Resolved:
    """How the names of one file were read: ``ids`` (name -> entity id), ``by_row`` ((name, province) -> entity id:
    one name in two provinces, 朝阳区 under 北京 and under 吉林, is two places), the ``new`` entities the import adds
    to the store, the ``aggregates`` set aside (name -> kind), ``how`` each name was read, and the ``problems``."""

    ids: dict[str, str] = field(default_factory=dict)
    by_row: dict[tuple[str, str | None], str] = field(default_factory=dict)
    new: list[Entity] = field(default_factory=list)
    aggregates: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def place_entity(place: Place, taken: EntityTable | None = None) -> Entity:
    """A gazetteer place as a store entity: short name (the full name for a county), English, pinyin, and the
    full and Traditional names as aliases. A name that already names another entity of ``taken`` is left out
    (宿州's English name Suzhou, once 苏州 is in the store, would make Suzhou ambiguous there: what a store
    already means by a name does not change when a place is added)."""

    def free(n: str) -> str:
        return n if n and (taken is None or not [o for o in taken.owners(n) if o != place.id]) else ""

    name = place.short_name
    aliases = [n for n in dict.fromkeys((place.name, place.name_tc)) if free(n) and n != name]
    return Entity(
        id=place.id, name_zh=name, name_en=free(place.name_en), pinyin=free(place.pinyin), aliases=aliases
    )


def _slug(name: str) -> str:
    """Lower-case letters and digits of a name; Chinese characters as toneless pinyin (``硅谷`` -> ``guigu``)."""
    from pypinyin import lazy_pinyin

    text = unicodedata.normalize("NFKC", name)
    if any(ord(c) > 0x2E7F for c in text):
        text = "".join(lazy_pinyin(text))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def new_entity(name: str, taken: Iterable[str] = ()) -> Entity:
    """A new entity named as written: id from its letters (``Silicon Valley`` -> ``silicon_valley``, ``硅谷`` ->
    ``guigu``), with ``_2``, ``_3``... where that id is taken."""
    base = _slug(name) or "entity"
    taken = set(taken)
    ident, k = base, 1
    while ident in taken:
        k += 1
        ident = f"{base}_{k}"
    cjk = any(ord(c) > 0x2E7F for c in name)
    return Entity(id=ident, name_zh=name.strip() if cjk else "", name_en="" if cjk else name.strip())


def resolve_entities(
    names: Sequence[str],
    table: EntityTable,
    *,
    gazetteer: Gazetteer | None = None,
    title: str | None = None,
    provinces: Sequence[str | None] | None = None,
    new_entities: str = "reject",
) -> Resolved:
    """Read the entity names of one file (in row order: the order is context) against the store's ``table`` and
    the gazetteer (see the module docstring). ``provinces`` is parallel to ``names`` (a province column)."""
    if new_entities not in NEW_ENTITIES:
        raise DataError(f"--new-entities must be {' or '.join(NEW_ENTITIES)}, got {new_entities!r}")
    gaz = gazetteer or Gazetteer.default()
    provs = list(provinces) if provinces is not None else [None] * len(names)
    order = list(dict.fromkeys(zip(names, provs, strict=True)))
    matches = gaz.resolve_many([n for n, _ in order], provinces=[p for _, p in order], title=title)
    out = Resolved()
    work = _Work(table, set(table.entities) | set(gaz.by_id))
    for (name, prov), m in zip(order, matches, strict=True):
        if name in out.aggregates:
            continue
        if provinces is None and name in out.ids:
            continue
        _read_one(name, m, table.get(name), gaz, work, out, new_entities)
        if name in out.ids:
            out.by_row[(name, prov)] = out.ids[name]
    return out


@dataclass
class _Work:
    """What one file's reading adds as it goes: the store's table with the new entities, and the ids taken."""

    table: EntityTable
    taken: set[str]
    copied: bool = False

    def add(self, entity: Entity) -> None:
        if not self.copied:
            self.table, self.copied = EntityTable(self.table.entities.values()), True
        self.table.add(entity)
        self.taken.add(entity.id)


def _read_one(
    name: str, m: Match, user: str | None, gaz: Gazetteer, work: _Work, out: Resolved, new_entities: str
) -> None:
    """One name, in the order of the module docstring, recorded in ``out``."""
    if user is not None and (user not in gaz.by_id or m.status not in ("place", "aggregate")):
        out.ids[name], out.how[name] = user, "store entity"
    elif m.status == "place":
        out.ids[name], out.how[name] = m.place.id, f"{m.place.label(gaz)}: {m.how}"
        if m.place.id not in work.table.entities:
            out.new.append(place_entity(m.place, work.table))
            work.add(out.new[-1])
    elif m.status == "aggregate":
        out.aggregates[name] = m.how
    elif m.status == "unknown" and new_entities == "add":
        ent = new_entity(name, work.taken)
        out.new.append(ent)
        work.add(ent)
        out.ids[name], out.how[name] = ent.id, "new entity"
    else:
        out.problems.append(gaz.problem(m))


def problems_error(file: str, problems: Sequence[str]) -> DataError:
    """One error listing every name of ``file`` that did not resolve."""
    return DataError(
        f"{file}: {len(problems)} entity name(s) not resolved, nothing imported: "
        + "; ".join(problems)
        + " (add a province column or the full name for an ambiguous name; `innoscope entities add` "
        "or --new-entities add for a place outside the gazetteer)"
    )


def read_entities(path: str | Path) -> list[Entity]:
    """Entities from a CSV (columns ``id``, ``name_zh``, ``name_en``, ``pinyin``, ``aliases`` with ``|`` between
    aliases; only ``id`` required) or a YAML file (``entities: [{id, name_zh, ...}]``)."""
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: no such file")
    if p.suffix.lower() in (".yaml", ".yml"):
        return list(EntityTable.from_yaml(p).entities.values())
    from innoscope.ingest.encoding import detect_encoding

    data = p.read_bytes()
    df = pd.read_csv(
        io.StringIO(data.decode(detect_encoding(data, where=str(p)))), dtype=str, keep_default_na=False
    )
    df.columns = [str(c).strip() for c in df.columns]
    if "id" not in df.columns:
        raise DataError(
            f"{p}: no 'id' column; expected id, name_zh, name_en, pinyin, aliases; got {list(df.columns)}"
        )
    out = []
    for k, r in df.iterrows():
        ident = r["id"].strip()
        if not ident:
            raise DataError(f"{p}, row {k + 2}, column 'id': empty id")
        out.append(
            Entity(
                id=ident,
                name_zh=r.get("name_zh", "").strip(),
                name_en=r.get("name_en", "").strip(),
                pinyin=r.get("pinyin", "").strip(),
                aliases=[a.strip() for a in r.get("aliases", "").split("|") if a.strip()],
            )
        )
    return out


def name_conflicts(entities: Sequence[Entity], table: EntityTable) -> list[str]:
    """Names of ``entities`` that already name another entity of ``table`` or of the batch (a user entity must not
    take a name already in use: it would make that name ambiguous)."""
    seen: dict[str, str] = {}
    out = []
    for e in entities:
        for n in e.names():
            owners = [o for o in table.owners(n) if o != e.id]
            key = fold_name(n)
            if key in seen and seen[key] != e.id:
                owners.append(seen[key])
            if owners:
                out.append(f"{n!r} of {e.id!r} already names {', '.join(dict.fromkeys(owners))}")
            seen.setdefault(key, e.id)
    return out

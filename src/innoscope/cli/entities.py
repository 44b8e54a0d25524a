"""``innoscope entities list | add | import | find``: the entities of a store and the places of the gazetteer.

A store starts with the 12 bundled cities; every import adds the gazetteer places its rows name. ``add`` and
``import`` add a user's own entities (foreign cities, economic zones, clusters) with their names and aliases, all
or none; ``find`` shows how a name reads against the gazetteer and the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from innoscope.cities.entities import name_conflicts, read_entities
from innoscope.cities.gazetteer import LEVELS, Gazetteer
from innoscope.cli import app
from innoscope.cli.data import DEFAULT_STORE, _out, _store_entities, open_store
from innoscope.ingest.names import Entity
from innoscope.model.errors import DataError

ACTIONS = ("list", "add", "import", "find")


@app.command("entities")
def entities_cmd(
    action: Annotated[str, typer.Argument(help="list, add ID, import FILE (CSV or YAML) or find NAME")],
    value: Annotated[
        str | None, typer.Argument(help="add: the new entity's id; import: the file; find: a name")
    ] = None,
    store: Annotated[Path, typer.Option("--store", help="DuckDB store file")] = Path(DEFAULT_STORE),
    zh: Annotated[str | None, typer.Option("--zh", help="add: Chinese name")] = None,
    en: Annotated[str | None, typer.Option("--en", help="add: English name")] = None,
    pinyin: Annotated[str | None, typer.Option("--pinyin", help="add: pinyin")] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="add: another name; repeatable")] = None,
    province: Annotated[
        str | None, typer.Option("--province", help="find: the province the place lies in")
    ] = None,
    level: Annotated[str | None, typer.Option("--level", help="find: province, prefecture or county")] = None,
) -> None:
    """The store's entities (list), a new entity (add ID --zh --en --alias), entities from a CSV or YAML file
    (import FILE: columns id, name_zh, name_en, pinyin, aliases with | between them), or how a name reads
    against the gazetteer of Chinese places and the store (find NAME)."""
    if action not in ACTIONS:
        raise DataError(f"innoscope entities: expected one of {', '.join(ACTIONS)}, got {action!r}")
    if action in ("add", "import", "find") and not value:
        what = {"add": "the new entity's id", "import": "a CSV or YAML file", "find": "a name"}[action]
        raise DataError(f"innoscope entities {action}: give {what}")
    if action == "list":
        _list(store)
    elif action == "find":
        _find(str(value), store, province, level)
    else:
        if action == "add":
            new = [
                Entity(
                    id=str(value).strip(),
                    name_zh=(zh or "").strip(),
                    name_en=(en or "").strip(),
                    pinyin=(pinyin or "").strip(),
                    aliases=[a.strip() for a in alias or [] if a.strip()],
                )
            ]
        else:
            new = read_entities(str(value))
        _add(new, store, source=str(value) if action == "import" else "")


def _add(new: list[Entity], store: Path, source: str) -> None:
    where = f"{source}: " if source else ""
    table = _store_entities(store)
    gaz = Gazetteer.default()
    ids = [e.id for e in new]
    taken = [i for i in ids if i in table.entities]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    places = [i for i in ids if i in gaz.by_id and i not in table.entities]
    problems = (
        [f"id {i!r} is already an entity of the store" for i in taken]
        + [f"id {i!r} is given twice" for i in twice]
        + [
            f"id {i!r} is the gazetteer's {gaz.by_id[i].label(gaz)}: imports add it when a file names it"
            for i in places
        ]
        + name_conflicts(new, table)
    )
    if problems:
        raise DataError(f"{where}{len(problems)} problem(s), nothing added: " + "; ".join(problems))
    with open_store(store, read_only=False) as st:
        st.add_entities(new)
    out = _out()
    out.print(
        f"added {len(new)} entit{'y' if len(new) == 1 else 'ies'} to {escape(str(store))}: "
        + escape(", ".join(ids))
    )


def _list(store: Path) -> None:
    out = _out()
    if not store.exists():
        out.print(f"store {escape(str(store))}: not created yet; it starts with the 12 bundled cities")
        return
    gaz = Gazetteer.default()
    with open_store(store, read_only=True) as st:
        table = st.entity_table()
    t = Table(title=f"entities of {escape(str(store))} ({len(table)})", title_justify="left")
    for col in ("id", "name", "English", "code", "level", "aliases"):
        t.add_column(col, overflow="fold")
    for e in table.entities.values():
        place = gaz.by_id.get(e.id)
        t.add_row(
            escape(e.id),
            escape(e.name_zh),
            escape(e.name_en),
            place.code if place else "",
            place.level if place else "user",
            escape(" | ".join(e.aliases)),
        )
    out.print(t)


def _find(name: str, store: Path, province: str | None, level: str | None) -> None:
    if level is not None and level not in LEVELS:
        raise DataError(f"--level must be one of {', '.join(LEVELS)}, got {level!r}")
    gaz = Gazetteer.default()
    m = gaz.match(name, within=province, levels=[level] if level else None)  # type: ignore[list-item]
    out = _out()
    if m.status == "place":
        p = m.place
        out.print(f"{escape(name)}: {escape(p.label(gaz))}, {p.kind}, {escape(p.name_en)} ({escape(m.how)})")
    elif m.status == "aggregate":
        out.print(f"{escape(name)}: an aggregate ({m.how}), not a place")
    else:
        out.print(escape(gaz.problem(m)))
    owners = _store_entities(store).owners(name)
    if owners:
        out.print(f"in the store: {escape(', '.join(owners))}")

"""List semantics of the cited layer: what a city's absence from a cited list means, made explicit.

Many cited values come from lists (unicorn reports, little-giant rankings, the Nature Index science cities). A
city that is not in the data may be absent from the list, or outside its published part, or simply not collected;
the three are different and none is a missing value that may be ignored. ``data/national/cited_lists.yaml``
declares each list's ``completeness``:

* ``complete``: every member is known. A city absent has 0 (a count), or is not on the list (a rank): it places
  after every member.
* ``top_n``: places 1..n are all known. A city absent is outside the top n: a *censored* value (rank worse than
  n; a count at most the n-th value). It places after every member, all such cities tied.
* ``partial``: some members are known and the source does not say which are left out. A city absent was not
  collected: missing, no place.

:func:`list_layer` applies this to every city of the yearbook; :func:`members_vs_cited` checks the members read by
hand from each list's excerpt against the rows of ``data/cities/city_indicators.csv``. The layer is shown beside
the national index (``innoscope run``), never scored in it (docs/national.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from innoscope.ingest.names import EntityTable
from innoscope.model.errors import DataError

__all__ = ["COMPLETENESS", "CitedList", "cited_lists", "list_layer", "list_semantics", "members_vs_cited"]

COMPLETENESS = ("complete", "top_n", "partial")
VALUE_KINDS = ("rank", "count")
STATUS = {
    "listed": "on the list",
    "zero": "absent from a complete list: {shown}",
    "not_listed": "absent from a complete list: {shown}",
    "censored": "outside the published top: {shown}, censored (not missing)",
    "not_collected": "not collected (partial list): missing",
}
"""Status of a city on a list, and how it is said (``shown``: its value or bound)."""


@dataclass(frozen=True)
class CitedList:
    """One list of the cited layer, as declared in ``cited_lists.yaml``."""

    id: str
    indicator: str
    name_en: str
    name_zh: str
    value: str
    year: int
    completeness: str
    members: dict[str, float]
    n: int | None = None
    why: str = ""
    select: str = ""
    source_title: str = ""
    source_url: str = ""
    excerpt: str = ""
    outside_yearbook: dict[str, float] = field(default_factory=dict)

    @property
    def bound(self) -> str:
        """What an absent city's value is known to be ('' when nothing is known)."""
        if self.completeness == "top_n":
            return f"> {self.n}" if self.value == "rank" else f"≤ {min(self.members.values()):g}"
        if self.completeness == "complete":
            return "0" if self.value == "count" else "not on the list"
        return ""


def bundled_lists_path() -> Path:
    return Path(str(resources.files("innoscope").joinpath("data/national/cited_lists.yaml")))


def _fail(path: Path, list_id: str, key: str, raw: Any, expected: str) -> DataError:
    return DataError(f"{path}: list {list_id!r}, {key} = {raw!r}: expected {expected}")


def _check(path: Path, lst: CitedList) -> None:
    """Declaration errors, one at a time, naming the file, the list, the field and the raw value."""
    if lst.value not in VALUE_KINDS:
        raise _fail(path, lst.id, "value", lst.value, " or ".join(VALUE_KINDS))
    if lst.completeness not in COMPLETENESS:
        raise _fail(path, lst.id, "completeness", lst.completeness, ", ".join(COMPLETENESS))
    if not lst.members:
        raise _fail(path, lst.id, "members", lst.members, "at least one city: value")
    bad = {
        k: v for k, v in lst.members.items() if not np.isfinite(v) or v < (1 if lst.value == "rank" else 0)
    }
    if bad:
        raise _fail(
            path, lst.id, "members", bad, f"{lst.value}s ({'>= 1' if lst.value == 'rank' else '>= 0'})"
        )
    if lst.completeness == "top_n":
        if lst.n is None or lst.n < 1:
            raise _fail(path, lst.id, "n", lst.n, "a whole number >= 1 for a top_n list")
        places = {**lst.members, **lst.outside_yearbook}
        over = {k: v for k, v in places.items() if lst.value == "rank" and v > lst.n}
        if over:
            raise _fail(path, lst.id, "members", over, f"ranks within the top {lst.n}")
        if lst.value == "count" and len(places) != lst.n:
            raise _fail(path, lst.id, "members", len(places), f"the {lst.n} cities of places 1..{lst.n}")


def _number(path: Path, list_id: str, key: str, raw: Any) -> float:
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise _fail(path, list_id, key, raw, "a number") from None


def _parse(path: Path, i: int, raw: Any) -> CitedList:
    if not isinstance(raw, dict) or "id" not in raw:
        raise DataError(f"{path}: list {i + 1}: expected a mapping with an id, got {raw!r}")
    lid = str(raw["id"])
    need = ("indicator", "name_en", "name_zh", "value", "year", "completeness", "members")
    missing = [k for k in need if k not in raw]
    if missing:
        raise _fail(path, lid, "keys", sorted(raw), f"also {', '.join(missing)}")
    if not isinstance(raw["members"], dict):
        raise _fail(path, lid, "members", raw["members"], "a mapping city: value")
    unknown = set(raw) - {f.name for f in CitedList.__dataclass_fields__.values()}
    if unknown:
        raise _fail(path, lid, "keys", sorted(unknown), "only the fields of a list (see the file's header)")
    fields = {k: v for k, v in raw.items() if k not in ("members", "outside_yearbook")}
    lst = CitedList(
        **{k: str(v) if isinstance(v, str) else v for k, v in fields.items()},
        members={str(k): _number(path, lid, f"members.{k}", v) for k, v in raw["members"].items()},
        outside_yearbook={
            str(k): _number(path, lid, f"outside_yearbook.{k}", v)
            for k, v in (raw.get("outside_yearbook") or {}).items()
        },
    )
    _check(path, lst)
    return lst


def cited_lists(path: str | Path | None = None) -> list[CitedList]:
    """The lists declared in ``path`` (default: the bundled ``data/national/cited_lists.yaml``), checked."""
    p = Path(path) if path is not None else bundled_lists_path()
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise DataError(f"{p}: not valid YAML: {e}") from None
    lists = (doc or {}).get("lists") if isinstance(doc, dict) else None
    if not isinstance(lists, list):
        raise DataError(f"{p}: expected a top-level 'lists:' sequence")
    out = [_parse(p, i, raw) for i, raw in enumerate(lists)]
    ids = [x.id for x in out]
    dup = sorted({x for x in ids if ids.count(x) > 1})
    if dup:
        raise DataError(f"{p}: list id(s) {dup} appear more than once; expected unique ids")
    return out


def list_semantics(lst: CitedList, entities: EntityTable) -> pd.DataFrame:
    """Every entity on one list: ``value`` (a member's value; 0 for a city absent from a complete count list),
    ``status`` (a key of :data:`STATUS`), ``shown`` (the value, or the bound of a censored one) and ``place``
    among the entities: members by value (rank ascending, count descending, ties share the best place), then every
    absent city of a complete or top-n list tied after them; a city not collected has no place."""
    ids = pd.Index(entities.ids, name="entity")
    member = {entities.resolve(k, where=f"cited list {lst.id}"): v for k, v in lst.members.items()}
    value = pd.Series(member, dtype=float).reindex(ids)
    listed = value.notna()
    absent_status = {
        "complete": "zero" if lst.value == "count" else "not_listed",
        "top_n": "censored",
        "partial": "not_collected",
    }[lst.completeness]
    status = pd.Series(np.where(listed, "listed", absent_status), index=ids)
    if absent_status == "zero":
        value = value.fillna(0.0)
    key = value if lst.value == "rank" else -value
    if absent_status in ("not_listed", "censored"):
        key = key.fillna(np.inf)
    shown = value.map(lambda v: f"{v:g}" if np.isfinite(v) else "")
    shown[status == "censored"] = lst.bound
    shown[status == "not_listed"] = lst.bound
    shown[status == "not_collected"] = "–"
    return pd.DataFrame(
        {
            "list": lst.id,
            "value": value,
            "status": status,
            "shown": shown,
            "place": key.rank(method="min", na_option="keep"),
        },
        index=ids,
    )


def list_layer(entities: EntityTable, lists: list[CitedList] | None = None) -> pd.DataFrame:
    """:func:`list_semantics` of every list (default: the bundled ones), one row per list and entity, with the
    city's name, the list's names and its completeness."""
    lists = cited_lists() if lists is None else lists
    frames = []
    for lst in lists:
        f = list_semantics(lst, entities).reset_index()
        f["name"] = [entities.entities[e].name_zh for e in f["entity"]]
        f["list_zh"], f["list_en"] = lst.name_zh, lst.name_en
        f["completeness"] = lst.completeness if lst.completeness != "top_n" else f"top {lst.n}"
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def members_vs_cited(lists: list[CitedList], cited: pd.DataFrame, entities: EntityTable) -> pd.DataFrame:
    """Cited rows (not the founding article's, not low-quality) of each list's indicator and year, matching its
    ``select``, whose city is not a member or whose value differs from the member's: empty when they agree."""
    rows = []
    for lst in lists:
        member = {entities.resolve(k, where=f"cited list {lst.id}"): v for k, v in lst.members.items()}
        c = cited[(cited["indicator"] == lst.indicator) & (cited["year"] == lst.year) & ~cited["seed"]]
        c = c[~c["low_quality"]]
        if lst.select:
            text = c[["notes", "year_raw", "source_title"]].fillna("").astype(str).agg(" ".join, axis=1)
            c = c[text.str.contains(lst.select, regex=False)]
        for _, r in c.iterrows():
            m = member.get(r["entity"])
            if m is None or float(r["value"]) != m:
                rows.append(
                    {
                        "list": lst.id,
                        "entity": r["entity"],
                        "cited": r["value"],
                        "member": m,
                        "line": r["line"],
                    }
                )
    return pd.DataFrame(rows, columns=["list", "entity", "cited", "member", "line"])

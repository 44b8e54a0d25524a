"""The indicator tree: index -> pillars -> sub-pillars -> indicators.

There is one framework model. COINr's ``iMeta`` table (:meth:`Framework.from_imeta`) and
innoscope's YAML files (:func:`innoscope.io.framework_yaml.read_framework_yaml`) are two readers of it. Levels count
from the bottom, as in COINr: level 1 holds the indicators, the top level holds the index.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from innoscope.model.errors import FrameworkError, brief


class Node(BaseModel):
    """One node of the tree: an indicator (level 1) or an aggregate (level >= 2)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    level: int = Field(ge=1)
    kind: Literal["indicator", "aggregate"]
    parent: str | None = None
    name_en: str = ""
    name_zh: str = ""
    weight: float = 1.0
    direction: Literal[-1, 1] = 1
    unit: str | None = None
    denominator: str | None = None
    target: float | None = None
    description: str | None = None
    source: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    """Per-node method parameters (e.g. goalposts) read from extra iMeta or YAML columns."""
    line: int | None = None
    """Line in the source file where the node is defined (for error messages)."""

    @property
    def name(self) -> str:
        return self.name_en or self.name_zh or self.id

    def where(self) -> str:
        return f"node {brief(self.id)}" + (f" (line {self.line})" if self.line else "")


class Framework(BaseModel):
    """A validated indicator tree plus the auxiliary columns (denominators, groups)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, ignored_types=(cached_property,))

    nodes: list[Node]
    denominators: dict[str, str] = Field(default_factory=dict)
    """Denominator code -> name (e.g. ``Population``)."""
    groups: dict[str, str] = Field(default_factory=dict)
    """Group column code -> name (e.g. ``EurAsia_group``)."""
    level_names: list[str] = Field(default_factory=list)
    source: str | None = None

    def model_post_init(self, __context: Any) -> None:
        validate_tree(self.nodes, self.denominators, self.source)
        if not self.level_names:
            self.level_names = ["Indicator", "Pillar", "Sub-index", "Index", "Level 5", "Level 6"][
                : self.n_levels
            ]
            self.level_names[-1] = "Index"

    # -- lookups -----------------------------------------------------------------------------
    @cached_property
    def by_id(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def __getitem__(self, code: str) -> Node:
        try:
            return self.by_id[code]
        except KeyError:
            raise FrameworkError(f"unknown node {brief(code)}") from None

    def __contains__(self, code: object) -> bool:
        return code in self.by_id

    def __iter__(self) -> Iterator[Node]:  # type: ignore[override]
        return iter(self.nodes)

    @cached_property
    def n_levels(self) -> int:
        return max(n.level for n in self.nodes)

    @cached_property
    def indicators(self) -> list[str]:
        """Indicator codes in file order."""
        return [n.id for n in self.nodes if n.kind == "indicator"]

    @cached_property
    def aggregates(self) -> list[str]:
        """Aggregate codes, level by level (pillars first), in file order within a level."""
        aggs = [n for n in self.nodes if n.kind == "aggregate"]
        return [n.id for n in sorted(aggs, key=lambda n: n.level)]

    def codes(self, level: int) -> list[str]:
        """Codes of every node at ``level`` in file order."""
        if not 1 <= level <= self.n_levels:
            raise FrameworkError(f"level {level} does not exist; levels are 1..{self.n_levels}")
        return list(self._by_level.get(level, ()))

    @cached_property
    def _by_level(self) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {}
        for n in self.nodes:
            out.setdefault(n.level, []).append(n.id)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {n.id: [] for n in self.nodes}
        for n in self.nodes:
            if n.parent is not None:
                out[n.parent].append(n.id)
        return out

    def children(self, code: str) -> list[str]:
        return list(self._children[self[code].id])

    def parent(self, code: str) -> str | None:
        return self[code].parent

    def ancestors(self, code: str) -> list[str]:
        if code not in self._ancestors:
            out, cur = [], self[code].parent
            while cur is not None:
                out.append(cur)
                cur = self.by_id[cur].parent
            self._ancestors[code] = tuple(out)
        return list(self._ancestors[code])

    @cached_property
    def _ancestors(self) -> dict[str, tuple[str, ...]]:
        return {}

    def descendants(self, code: str, level: int = 1) -> list[str]:
        """Codes under ``code`` at ``level`` (default: its indicators), in file order."""
        inside = set()
        stack = [code]
        while stack:
            c = stack.pop()
            inside.add(c)
            stack.extend(self._children[c])
        return [n.id for n in self.nodes if n.level == level and n.id in inside]

    def ancestor_at(self, code: str, level: int) -> str:
        node = self[code]
        while node.level < level:
            node = self.by_id[node.parent]  # type: ignore[index]
        return node.id

    @property
    def root(self) -> str:
        return self.codes(self.n_levels)[0]

    def weights(self) -> dict[str, float]:
        """Nominal weights of every node (the framework's own weight set)."""
        return {n.id: n.weight for n in self.nodes}

    def directions(self) -> pd.Series:
        return pd.Series({c: self[c].direction for c in self.indicators}, dtype=float)

    # -- readers -----------------------------------------------------------------------------
    @classmethod
    def from_imeta(
        cls, imeta: pd.DataFrame, *, source: str | None = None, level_names: list[str] | None = None
    ) -> Framework:
        """Read COINr's ``iMeta`` table (columns Level, iCode, iName, Direction, Weight, Parent, Type...)."""
        return _framework_from_imeta(imeta, source=source, level_names=level_names)

    def to_imeta(self) -> pd.DataFrame:
        """Write the tree back as a COINr-style ``iMeta`` table."""
        rows = [
            {
                "Level": n.level,
                "iCode": n.id,
                "iName": n.name,
                "Direction": n.direction,
                "Weight": n.weight,
                "Unit": n.unit,
                "Target": n.target,
                "Denominator": n.denominator,
                "Parent": n.parent,
                "Type": "Indicator" if n.kind == "indicator" else "Aggregate",
            }
            for n in self.nodes
        ]
        rows += [{"iCode": c, "iName": nm, "Type": "Group"} for c, nm in self.groups.items()]
        rows += [{"iCode": c, "iName": nm, "Type": "Denominator"} for c, nm in self.denominators.items()]
        return pd.DataFrame(rows)


_IMETA_REQUIRED = ["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"]
_IMETA_KNOWN = set(_IMETA_REQUIRED) | {"Unit", "Target", "Denominator", "name_zh", "Description", "Source"}


def _cell(row: pd.Series, col: str) -> Any:
    v = row.get(col)
    return None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v


def _framework_from_imeta(
    imeta: pd.DataFrame, *, source: str | None, level_names: list[str] | None
) -> Framework:
    where = source or "iMeta"
    missing = [c for c in _IMETA_REQUIRED if c not in imeta.columns]
    if missing:
        raise FrameworkError(f"{where}: missing column(s) {missing}; an iMeta table needs {_IMETA_REQUIRED}")
    nodes: list[Node] = []
    denoms: dict[str, str] = {}
    groups: dict[str, str] = {}
    for i, row in imeta.iterrows():
        line = int(str(i)) + 2  # header is line 1
        code = _cell(row, "iCode")
        kind = str(_cell(row, "Type") or "")
        if code is None:
            raise FrameworkError(f"{where} row {line}: empty iCode")
        code = str(code)
        if kind == "Denominator":
            denoms[code] = str(_cell(row, "iName") or code)
            continue
        if kind == "Group":
            groups[code] = str(_cell(row, "iName") or code)
            continue
        if kind in ("Other",):
            continue
        if kind not in ("Indicator", "Aggregate"):
            raise FrameworkError(
                f"{where} row {line}, column Type: {brief(kind)} for {brief(code)}; expected Indicator, Aggregate, "
                "Group, Denominator or Other"
            )
        try:
            level = int(_cell(row, "Level"))
            direction = int(_cell(row, "Direction") if _cell(row, "Direction") is not None else 1)
            weight = float(_cell(row, "Weight") if _cell(row, "Weight") is not None else 1.0)
        except (TypeError, ValueError) as e:
            raise FrameworkError(
                f"{where} row {line} ({brief(code)}): Level, Direction and Weight must be numbers ({e})"
            ) from None
        if direction != 1 and direction != -1:
            raise FrameworkError(
                f"{where} row {line}, column Direction: {direction} for {brief(code)}; expected 1 or -1"
            )
        extra = {
            c: _cell(row, c) for c in imeta.columns if c not in _IMETA_KNOWN and _cell(row, c) is not None
        }
        target = _cell(row, "Target")
        nodes.append(
            Node(
                id=code,
                level=level,
                kind="indicator" if kind == "Indicator" else "aggregate",
                parent=None if _cell(row, "Parent") is None else str(_cell(row, "Parent")),
                name_en=str(_cell(row, "iName") or code),
                name_zh=str(_cell(row, "name_zh") or ""),
                weight=weight,
                direction=1 if direction == 1 else -1,
                unit=_cell(row, "Unit"),
                denominator=None if _cell(row, "Denominator") is None else str(_cell(row, "Denominator")),
                target=None if target is None else float(target),
                params=extra,
                line=line,
            )
        )
    return Framework(
        nodes=nodes, denominators=denoms, groups=groups, level_names=level_names or [], source=source
    )


def validate_tree(
    nodes: list[Node], denominators: dict[str, str] | None = None, source: str | None = None
) -> None:
    """Raise :class:`FrameworkError` naming the node (and line) for any structural defect.

    Checks: duplicate ids, dangling parents, cycles, parent one level up, indicators at level 1
    only, a single root, negative weights, unknown denominators.
    """
    pre = f"{source}: " if source else ""
    if not nodes:
        raise FrameworkError(f"{pre}the framework has no nodes")
    seen: dict[str, Node] = {}
    for n in nodes:
        if n.id in seen:
            first = seen[n.id]
            raise FrameworkError(
                f"{pre}duplicate id {brief(n.id)}"
                + (f" at lines {first.line} and {n.line}" if n.line else "")
            )
        seen[n.id] = n
    for n in nodes:
        if n.parent is not None and n.parent not in seen:
            raise FrameworkError(
                f"{pre}{n.where()} has parent {brief(n.parent)}, which is not in the framework (dangling parent)"
            )
    for n in nodes:
        path, cur = [n.id], n
        while cur.parent is not None:
            if cur.parent in path:
                cycle = " -> ".join(path[path.index(cur.parent) :] + [cur.parent])
                raise FrameworkError(f"{pre}cycle in the tree: {cycle}")
            path.append(cur.parent)
            cur = seen[cur.parent]
    for n in nodes:
        if n.kind == "indicator" and n.level != 1:
            raise FrameworkError(
                f"{pre}{n.where()} is an indicator at level {n.level}; indicators are level 1"
            )
        if n.kind == "aggregate" and n.level < 2:
            raise FrameworkError(
                f"{pre}{n.where()} is an aggregate at level 1; aggregates are level 2 or higher"
            )
        if n.parent is not None and seen[n.parent].level != n.level + 1:
            raise FrameworkError(
                f"{pre}{n.where()} is at level {n.level} but its parent {brief(n.parent)} is at level "
                f"{seen[n.parent].level}; a parent must be exactly one level up"
            )
        if n.weight < 0 or n.weight != n.weight:
            raise FrameworkError(
                f"{pre}{n.where()} has weight {n.weight}; weights must be non-negative numbers"
            )
        if n.denominator is not None and denominators is not None and n.denominator not in denominators:
            raise FrameworkError(
                f"{pre}{n.where()} has denominator {brief(n.denominator)}, which is not a known denominator "
                f"(known: {', '.join(sorted(denominators)) or 'none'})"
            )
    top = max(n.level for n in nodes)
    roots = [n.id for n in nodes if n.parent is None]
    if roots != [n.id for n in nodes if n.level == top] or len(roots) != 1:
        orphans = [r for r in roots if seen[r].level != top]
        if orphans:
            raise FrameworkError(f"{pre}node(s) {orphans} have no parent but are below the top level {top}")
        raise FrameworkError(f"{pre}the tree must have exactly one root at level {top}; found {roots}")
    for n in nodes:
        if n.kind == "aggregate" and not any(m.parent == n.id for m in nodes):
            raise FrameworkError(f"{pre}aggregate {n.where()} has no children")

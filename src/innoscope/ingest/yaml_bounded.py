"""YAML with a budget: aliases, nesting and the size they expand to are limited before anything is built.

A YAML alias (``*a``) repeats a whole anchored node. Nine aliases per level over seven levels, 430 bytes of text,
stand for 9^7 = 4.8 million nodes ("billion laughs"): parsing stays cheap (the nodes are shared), but everything
that walks the result as a tree (validation, ``repr`` in an error message, hashing) does the 4.8 million, and
one level more runs out of memory. :class:`BoundedSafeLoader` (a PyYAML ``SafeLoader``) therefore checks, while
composing and before constructing any Python object:

* at most :attr:`~BoundedSafeLoader.max_aliases` alias uses (default 1,000),
* nesting at most :attr:`~BoundedSafeLoader.max_depth` collections deep (default 100; PyYAML composes
  recursively, so a deeper file would otherwise end in a RecursionError),
* at most :attr:`~BoundedSafeLoader.max_alias_nodes` nodes added by expanding the aliases (default 100,000;
  the expanded size is counted per distinct node with memoisation, so the count itself is linear in the text;
  a large file with few aliases is not limited), nesting at most ``max_depth`` deep once expanded, and no alias
  inside its own anchor (a recursive structure).

Each refusal is a :class:`YAMLBudgetError` (a ``yaml.YAMLError``, so callers' handling of bad YAML applies) whose
message gives the limit and the line, never the input. Ordinary framework and spec files are far below these
limits (the bundled ones use no aliases).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import CollectionNode, MappingNode, Node, SequenceNode

__all__ = ["BoundedSafeLoader", "YAMLBudgetError", "load_yaml", "yaml_problem"]


class YAMLBudgetError(yaml.YAMLError):
    """The document uses more aliases, nesting or expanded size than allowed."""


class BoundedSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses alias bombs, deep nesting and recursive aliases (module docstring)."""

    max_aliases = 1_000
    max_depth = 100
    max_alias_nodes = 100_000

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0
        self._nodes = 0

    def _line(self) -> int:
        return int(self.peek_event().start_mark.line) + 1  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self._aliases += 1
            if self._aliases > self.max_aliases:
                raise YAMLBudgetError(
                    f"line {self._line()}: more than {self.max_aliases} alias uses (*name); "
                    "refused (an alias bomb?)"
                )
            return super().compose_node(parent, index)
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth > self.max_depth:
                raise YAMLBudgetError(
                    f"line {self._line()}: nested more than {self.max_depth} levels deep; refused"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if node is not None:
            _check_expanded_size(node, self._nodes + self.max_alias_nodes, self.max_depth, self._nodes)
        return node


def _check_expanded_size(root: Node, limit: int, max_depth: int, root_nodes: int) -> None:
    """Raise when ``root`` stands for more than ``limit`` nodes, or nests deeper than ``max_depth``, with every
    alias expanded, or holds itself. Each distinct node is walked once (its count and height memoised)."""
    seen: dict[int, tuple[int, int]] = {}
    open_: set[int] = set()

    def walk(node: Node, depth: int) -> tuple[int, int]:
        line = node.start_mark.line + 1
        key = id(node)
        if key in open_:
            raise YAMLBudgetError(
                f"line {line}: an alias refers to a node that contains it (a recursive structure); refused"
            )
        if key not in seen:
            if depth > max_depth:
                raise YAMLBudgetError(
                    f"line {line}: nested more than {max_depth} levels deep once aliases are "
                    "expanded; refused"
                )
            total, height = 1, 1
            if isinstance(node, CollectionNode):
                open_.add(key)
                children = (
                    [c for pair in node.value for c in pair]
                    if isinstance(node, MappingNode)
                    else (node.value if isinstance(node, SequenceNode) else [])
                )
                for child in children:
                    n, h = walk(child, depth + 1)
                    total += n
                    height = max(height, h + 1)
                    if total > limit:
                        raise YAMLBudgetError(
                            f"line {line}: the aliases expand to more than {limit:,} nodes "
                            f"({limit - root_nodes:,} beyond the {root_nodes:,} written); "
                            "refused (an alias bomb?)"
                        )
                open_.discard(key)
            seen[key] = (total, height)
        total, height = seen[key]
        if depth + height - 1 > max_depth:
            raise YAMLBudgetError(
                f"line {line}: nested more than {max_depth} levels deep once aliases are expanded; refused"
            )
        return total, height

    walk(root, 1)


def load_yaml(text: str, *, loader: type[BoundedSafeLoader] = BoundedSafeLoader) -> Any:
    """``yaml.load`` of one document with ``loader`` (bounded; raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass


def yaml_problem(e: yaml.YAMLError) -> str:
    """One line for a YAML error: ``line N: not valid YAML: <problem>`` or the budget refusal, at most ~200
    characters (PyYAML's own message spans several lines and quotes the input)."""
    if isinstance(e, YAMLBudgetError):
        return str(e)
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        return f"{where}not valid YAML: {what[:160]}"
    return f"not valid YAML: {str(e).splitlines()[0][:160] if str(e) else type(e).__name__}"

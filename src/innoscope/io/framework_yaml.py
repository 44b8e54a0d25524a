"""Read an indicator framework from YAML into the one framework model (:class:`~innoscope.framework.Framework`).

File layout (every key but ``index``/``nodes`` optional)::

    id: three_pools
    name_en: Three pools of innovation
    levels: [Indicator, Pool, Index]        # level names, bottom up
    units: [world rank]                     # units this file adds to the known ones
    denominators:                           # auxiliary series (per-capita, per-km2, per-GDP views)
      population: {name_en: Resident population, name_zh: 常住人口, unit: 万人}
    index:                                  # the tree, nested through ``children``
      id: innovation
      name_en: Innovation capacity
      children:
        - id: enterprise
          weight: 1
          children:
            - {id: high_tech_enterprises, unit: 家, direction: 1, denominator: population}
    nodes:                                  # optional flat form: nodes attached by ``parent``
      - {id: unicorns, parent: enterprise, unit: 家}

A node with children is an aggregate; a leaf is an indicator. Levels count from the bottom (indicators
are level 1), so every indicator must sit at the same depth. Per node: ``id``, ``name_en``, ``name_zh``,
``weight`` (> 0), ``description``, ``source``, ``params`` (free mapping for methods); per indicator also
``unit`` (required, known), ``direction`` (+1 higher is better, -1 lower is better), ``denominator`` (a
declared denominator or another indicator), ``target``, ``select`` (which source rows define the
indicator, kept in ``params["select"]``) ``variants`` (series measuring the same quantity under another definition, compared with it) and
``related`` (context series shown beside it); both are kept in ``params``.

Every error names the node and the line of the file: duplicate ids, dangling parents, cycles, unknown
denominators, non-positive weights, unknown units, unknown keys, wrong types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innoscope.ingest.yaml_bounded import BoundedSafeLoader, yaml_problem
from innoscope.model.errors import FrameworkError, brief
from innoscope.model.framework import Framework, Node

__all__ = ["KNOWN_UNITS", "read_framework_yaml", "read_framework_text", "unit_known"]

KNOWN_UNITS: frozenset[str] = frozenset(
    {
        "km²",
        "km2",
        "m²",
        "万人年",
        "人年",
        "件/万人",
        "件/km²",
        "家/km²",
        "家/万人",
        "元/m²",
        "元/年",
        "万元/年",
        "元/人",
        "% of GDP",
        "% y/y",
        "‰",
        "ratio",
        "rank",
        "world rank",
        "index",
        "index points",
        "score",
        "years",
        "count",
        "yuan",
        "percent",
        "people",
    }
)
"""Units that are not a magnitude plus a base unit of :mod:`innoscope.ingest.values` (those are known too)."""

_TOP_KEYS = {
    "id",
    "name_en",
    "name_zh",
    "description",
    "source",
    "levels",
    "units",
    "denominators",
    "index",
    "nodes",
    "version",
}


class _Map(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class _Seq(list[Any]):
    line: int = 0


class _Loader(BoundedSafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for knode, vnode in node.value:
        key = loader.construct_object(knode, deep=True)
        line = knode.start_mark.line + 1
        if key in out:
            raise FrameworkError(
                f"{loader.name}: line {line}: key {brief(key)} repeated in one mapping "
                f"(first at line {out.key_lines[key]})"
            )
        out[key] = loader.construct_object(vnode, deep=True)
        out.key_lines[key] = line
    return out


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq(loader.construct_object(c, deep=True) for c in node.value)
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class _NodeSpec(BaseModel):
    """Schema of one node as written in the file."""

    model_config = ConfigDict(extra="forbid", strict=False)

    id: str = Field(min_length=1)
    name_en: str = ""
    name_zh: str = ""
    weight: float = 1.0
    kind: Literal["indicator", "aggregate"] | None = None
    parent: str | None = None
    children: list[Any] | None = None
    unit: str | None = None
    direction: Literal[-1, 1] | None = None
    denominator: str | None = None
    target: float | None = None
    description: str | None = None
    source: str | None = None
    select: dict[str, Any] | None = None
    related: list[str] | None = None
    variants: list[str] | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class _TopSpec(BaseModel):
    """Schema of the file's top-level fields other than the tree (the tree is checked node by node)."""

    model_config = ConfigDict(extra="ignore")

    id: str | int | None = None
    name_en: str | None = None
    name_zh: str | None = None
    description: str | None = None
    source: str | None = None
    version: str | int | float | None = None
    levels: list[str | int] | None = None
    units: list[str] | None = None


class _DenomSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_en: str = ""
    name_zh: str = ""
    unit: str | None = None
    description: str | None = None
    source: str | None = None


def unit_known(unit: str, extra: set[str] | frozenset[str] = frozenset()) -> bool:
    """True for the units of :data:`KNOWN_UNITS`, ``extra``, and magnitude + base unit (``亿元``, ``万人``, ``家``)."""
    if unit in KNOWN_UNITS or unit in extra:
        return True
    from innoscope.ingest.values import split_unit

    try:
        split_unit(unit)
    except Exception:
        return False
    return True


def read_framework_yaml(path: str | Path) -> Framework:
    """Read and validate a framework YAML file (layout in the module docstring)."""
    p = Path(path)
    if not p.is_file():
        raise FrameworkError(f"framework file {p} does not exist")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise FrameworkError(f"{p}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return read_framework_text(text, source=str(p))


def read_framework_text(text: str, *, source: str = "<framework>") -> Framework:
    """Like :func:`read_framework_yaml` on YAML text; ``source`` names it in errors."""
    loader = _Loader(text)
    loader.name = source
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as e:
        raise FrameworkError(f"{source}: {yaml_problem(e)}") from None
    finally:
        loader.dispose()
    return _build(doc, source)


def _build(doc: Any, src: str) -> Framework:
    if not isinstance(doc, _Map):
        raise FrameworkError(
            f"{src}: a framework file is a mapping with an 'index' tree (and optional 'nodes')"
        )
    unknown = sorted(set(doc) - _TOP_KEYS, key=str)
    if unknown:
        k = unknown[0]
        raise FrameworkError(
            f"{src}: line {doc.key_lines[k]}: unknown top-level key {brief(k)}; "
            f"valid keys: {', '.join(sorted(_TOP_KEYS))}"
        )
    if "index" not in doc and "nodes" not in doc:
        raise FrameworkError(f"{src}: no 'index' tree and no 'nodes' list; nothing to read")
    try:
        _TopSpec.model_validate(dict(doc))
    except ValidationError as e:
        err = e.errors()[0]
        key = str(err["loc"][0])
        what = {"units": "a list of unit names", "levels": "a list of level names"}.get(key, "text")
        raise FrameworkError(
            f"{src}: line {doc.key_lines.get(key, doc.line)}: {key}: expected {what} "
            f"(got {brief(doc.get(key))})"
        ) from None
    units = set(doc.get("units") or [])

    denoms = _read_denominators(doc, src, units)

    raw: list[tuple[_Map, str | None, int]] = []  # (mapping, parent from nesting, depth)
    if "index" in doc:
        root = doc["index"]
        if not isinstance(root, _Map):
            raise FrameworkError(
                f"{src}: line {doc.key_lines['index']}: 'index' must be one node (a mapping)"
            )
        _walk(root, None, raw, src)
    if "nodes" in doc:
        flat = doc["nodes"]
        if not isinstance(flat, list):
            raise FrameworkError(f"{src}: line {doc.key_lines['nodes']}: 'nodes' must be a list of nodes")
        for m in flat:
            if not isinstance(m, _Map):
                raise FrameworkError(
                    f"{src}: line {getattr(flat, 'line', '?')}: each entry of 'nodes' must be a mapping"
                )
            raw.append((m, None, 0))

    specs: list[tuple[_NodeSpec, _Map]] = []
    for m, nest_parent, _ in raw:
        spec = _validate_node(m, src)
        if nest_parent is not None:
            if spec.parent is not None and spec.parent != nest_parent:
                raise FrameworkError(
                    f"{src}: {_where(spec.id, m, 'parent')}: parent {brief(spec.parent)} contradicts the "
                    f"nesting (it sits under {brief(nest_parent)}); drop 'parent' inside a nested tree"
                )
            spec = spec.model_copy(update={"parent": nest_parent})
        specs.append((spec, m))

    return _assemble(specs, denoms, units, doc, src)


def _walk(m: _Map, parent: str | None, out: list[tuple[_Map, str | None, int]], src: str) -> None:
    out.append((m, parent, 0))
    kids = m.get("children")
    if kids is None:
        return
    if not isinstance(kids, list):
        raise FrameworkError(
            f"{src}: {_where(m.get('id'), m, 'children')}: 'children' must be a list of nodes"
        )
    for k in kids:
        if not isinstance(k, _Map):
            raise FrameworkError(
                f"{src}: line {getattr(kids, 'line', m.line)}: a child of {brief(m.get('id'))} "
                f"must be a mapping with at least an 'id'"
            )
        _walk(k, str(m.get("id")), out, src)


def _where(node_id: Any, m: _Map, key: str | None = None) -> str:
    line = m.key_lines.get(key, m.line) if key else m.line
    return f"node {brief(node_id)} (line {line})" if node_id is not None else f"node at line {line}"


def _validate_node(m: _Map, src: str) -> _NodeSpec:
    body = {k: v for k, v in m.items() if k != "children"}
    if "children" in m:
        body["children"] = list(m["children"] or [])
    for k in ("id", "parent", "denominator", "unit"):
        if k in body and isinstance(body[k], int | float) and not isinstance(body[k], bool):
            body[k] = str(body[k])
    try:
        return _NodeSpec.model_validate(body)
    except ValidationError as e:
        err = e.errors()[0]
        key = err["loc"][0] if err["loc"] else None
        nid = m.get("id")
        if err["type"] == "extra_forbidden":
            valid = ", ".join(k for k in _NodeSpec.model_fields)
            msg = f"unknown key {brief(key)}; valid keys: {valid}"
        elif key == "direction":
            msg = f"direction {brief(m.get('direction'))}; expected 1 (higher is better) or -1 (lower is better)"
        elif key == "id" and "id" not in m:
            msg = "has no 'id'"
        else:
            msg = f"{key}: {err['msg']} (got {brief(m.get(key))})"
        raise FrameworkError(f"{src}: {_where(nid, m, str(key) if key in m else None)}: {msg}") from None


def _read_denominators(doc: _Map, src: str, units: set[str]) -> dict[str, tuple[_DenomSpec, int]]:
    out: dict[str, tuple[_DenomSpec, int]] = {}
    d = doc.get("denominators")
    if d is None:
        return out
    if not isinstance(d, _Map):
        raise FrameworkError(
            f"{src}: line {doc.key_lines['denominators']}: 'denominators' must map ids to "
            "{name_en, name_zh, unit}"
        )
    for code, body in d.items():
        line = d.key_lines[code]
        body = body or _Map()
        if not isinstance(body, dict):
            raise FrameworkError(
                f"{src}: denominator {brief(code)} (line {line}): expected a mapping, got {brief(body)}"
            )
        try:
            spec = _DenomSpec.model_validate(dict(body))
        except ValidationError as e:
            err = e.errors()[0]
            raise FrameworkError(
                f"{src}: denominator {brief(code)} (line {line}): {err['loc'][0]}: {err['msg']}"
            ) from None
        if spec.unit is not None and not unit_known(spec.unit, units):
            raise FrameworkError(
                f"{src}: denominator {brief(code)} (line {line}): unknown unit {brief(spec.unit)}; "
                "declare it under 'units:' or use a known unit"
            )
        out[str(code)] = (spec, line)
    return out


def _assemble(
    specs: list[tuple[_NodeSpec, _Map]],
    denoms: dict[str, tuple[_DenomSpec, int]],
    units: set[str],
    doc: _Map,
    src: str,
) -> Framework:
    by_id: dict[str, tuple[_NodeSpec, _Map]] = {}
    for spec, m in specs:
        if spec.id in by_id:
            first = by_id[spec.id][1]
            raise FrameworkError(f"{src}: duplicate id {brief(spec.id)} at lines {first.line} and {m.line}")
        if spec.id in denoms:
            raise FrameworkError(
                f"{src}: {_where(spec.id, m)}: id {brief(spec.id)} is already a denominator "
                f"(line {denoms[spec.id][1]})"
            )
        by_id[spec.id] = (spec, m)

    for spec, m in specs:
        if spec.parent is not None and spec.parent not in by_id:
            from rapidfuzz import process

            near = [h[0] for h in process.extract(spec.parent, list(by_id), limit=3)]
            raise FrameworkError(
                f"{src}: {_where(spec.id, m, 'parent')}: parent {brief(spec.parent)} is not a node of "
                f"the framework (dangling parent); did you mean {', '.join(near)}?"
            )

    for spec, _m in specs:
        path = [spec.id]
        cur = spec
        while cur.parent is not None:
            if cur.parent in path:
                cyc = path[path.index(cur.parent) :] + [cur.parent]
                lines = ", ".join(f"{c} (line {by_id[c][1].line})" for c in cyc[:-1])
                raise FrameworkError(f"{src}: cycle in the tree: {' -> '.join(cyc)}; nodes: {lines}")
            path.append(cur.parent)
            cur = by_id[cur.parent][0]

    children: dict[str, list[str]] = {s.id: [] for s, _ in specs}
    for spec, _ in specs:
        if spec.parent is not None:
            children[spec.parent].append(spec.id)

    roots = [s.id for s, _ in specs if s.parent is None]
    if len(roots) != 1:
        lines = ", ".join(f"{r} (line {by_id[r][1].line})" for r in roots)
        raise FrameworkError(
            f"{src}: the tree needs exactly one root (a node without parent); found {len(roots)}: {lines}"
        )

    kinds: dict[str, Literal["indicator", "aggregate"]] = {}
    for spec, m in specs:
        kind = spec.kind or ("aggregate" if children[spec.id] else "indicator")
        if kind == "aggregate" and not children[spec.id]:
            raise FrameworkError(f"{src}: {_where(spec.id, m)}: aggregate has no children")
        if kind == "indicator" and children[spec.id]:
            raise FrameworkError(
                f"{src}: {_where(spec.id, m, 'kind')}: an indicator cannot have children "
                f"({', '.join(children[spec.id])})"
            )
        kinds[spec.id] = kind

    levels: dict[str, int] = {}

    def level(code: str) -> int:
        if code not in levels:
            kids = children[code]
            if not kids:
                levels[code] = 1
            else:
                kl = {k: level(k) for k in kids}
                if len(set(kl.values())) > 1:
                    m = by_id[code][1]
                    detail = ", ".join(f"{k} (line {by_id[k][1].line}) at level {v}" for k, v in kl.items())
                    raise FrameworkError(
                        f"{src}: {_where(code, m)}: children sit at different levels ({detail}); "
                        "every indicator must be at the same depth (add an intermediate node)"
                    )
                levels[code] = 1 + next(iter(kl.values()))
        return levels[code]

    level(roots[0])

    denom_names = {c: (s.name_en or s.name_zh or c) for c, (s, _) in denoms.items()}
    nodes: list[Node] = []
    for spec, m in specs:
        kind = kinds[spec.id]
        if not spec.weight > 0:
            raise FrameworkError(
                f"{src}: {_where(spec.id, m, 'weight')}: weight {spec.weight} is not positive; "
                "weights must be > 0 (drop the node instead of giving it weight 0)"
            )
        if kind == "indicator":
            if spec.unit is None:
                raise FrameworkError(f"{src}: {_where(spec.id, m)}: indicator has no 'unit'")
            if not unit_known(spec.unit, units):
                raise FrameworkError(
                    f"{src}: {_where(spec.id, m, 'unit')}: unknown unit {brief(spec.unit)}; use a "
                    f"known unit (e.g. 家, 件, 亿元, 万人, %, km², rank, ratio) or declare it "
                    "under 'units:'"
                )
            if spec.denominator is not None:
                if spec.denominator == spec.id:
                    raise FrameworkError(
                        f"{src}: {_where(spec.id, m, 'denominator')}: an indicator cannot be its "
                        "own denominator"
                    )
                if spec.denominator in denoms:
                    pass
                elif spec.denominator in kinds and kinds[spec.denominator] == "indicator":
                    denom_names[spec.denominator] = by_id[spec.denominator][0].name_en or spec.denominator
                else:
                    known = sorted(denoms) + [
                        c for c, k in kinds.items() if k == "indicator" and c != spec.id
                    ]
                    raise FrameworkError(
                        f"{src}: {_where(spec.id, m, 'denominator')}: unknown denominator "
                        f"{brief(spec.denominator)}; known: {', '.join(known) or 'none'}"
                    )
        else:
            for k in ("unit", "direction", "denominator", "target", "select", "related", "variants"):
                if getattr(spec, k) is not None:
                    raise FrameworkError(
                        f"{src}: {_where(spec.id, m, k)}: {brief(k)} is for indicators; "
                        f"{brief(spec.id)} is an aggregate"
                    )
        params = dict(spec.params)
        if spec.select is not None:
            params["select"] = dict(spec.select)
        if spec.related:
            params["related"] = list(spec.related)
        if spec.variants:
            params["variants"] = list(spec.variants)
        nodes.append(
            Node(
                id=spec.id,
                level=levels[spec.id],
                kind=kind,
                parent=spec.parent,
                name_en=spec.name_en,
                name_zh=spec.name_zh,
                weight=spec.weight,
                direction=spec.direction or 1,
                unit=spec.unit,
                denominator=spec.denominator,
                target=spec.target,
                description=spec.description,
                source=spec.source,
                params=params,
                line=m.line,
            )
        )

    level_names = doc.get("levels") or []
    n_levels = max(levels.values())
    if level_names and (not isinstance(level_names, list) or len(level_names) != n_levels):
        raise FrameworkError(
            f"{src}: line {doc.key_lines['levels']}: 'levels' names {len(level_names)} level(s) "
            f"but the tree has {n_levels}"
        )
    return Framework(
        nodes=nodes, denominators=denom_names, level_names=[str(x) for x in level_names], source=src
    )

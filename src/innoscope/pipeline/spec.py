"""The pipeline specification: an ordered list of steps, each a stage and a method by name.

The same spec drives the CLI, the Python API, the Monte Carlo (which varies it) and the store
(results are keyed by its hash). It is plain data: YAML in, YAML out.

YAML form::

    steps:
      - denominate
      - impute: {method: group_mean, by: EurAsia_group}
      - treat: {method: winsorise, max_points: 5, by_indicator: {Flights: {method: none}}}
      - normalise: {method: minmax, range: [0, 100]}
      - aggregate: {method: arithmetic, by_level: {4: {method: geometric}}}

Inside a step, ``method``, ``input``, ``output``, ``by_indicator``, ``by_level``, ``by_node``
and ``by_group`` are reserved; every other key is a parameter of the method.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innoscope.ingest.yaml_bounded import load_yaml, yaml_problem
from innoscope.model.errors import SpecError, brief

RESERVED = ("method", "input", "output", "by_indicator", "by_level", "by_node", "by_group")


class Step(BaseModel):
    """One stage of the pipeline with its method, parameters and overrides."""

    model_config = ConfigDict(extra="forbid")

    stage: str
    method: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    input: str | None = None
    """Name of the data set this step reads (default: the previous step's output)."""
    output: str | None = None
    """Name under which the output is kept (default: the stage's COINr name, e.g. ``Treated``)."""
    by_indicator: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-indicator overrides: ``{code: {method: ..., param: ...}}``; ``method: none`` skips it."""
    by_level: dict[int, dict[str, Any]] = Field(default_factory=dict)
    """Per-level overrides (aggregate: level of the parent being computed; weight: level of the children)."""
    by_node: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-node overrides (aggregate: the parent node; weight: the group whose children are weighted)."""
    by_group: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-entity-group overrides, where a stage supports them (none does yet: validation rejects it)."""

    def resolve(
        self, *, indicator: str | None = None, level: int | None = None, node: str | None = None
    ) -> tuple[str | None, dict[str, Any]]:
        """The method and parameters that apply to one indicator / level / node (most specific wins)."""
        method, params = self.method, dict(self.params)
        for table, key in ((self.by_level, level), (self.by_node, node), (self.by_indicator, indicator)):
            if key is not None and key in table:
                over = dict(table[key])
                method = over.pop("method", method)
                params.update(over)
        return method, params

    def to_yaml_obj(self) -> Any:
        body: dict[str, Any] = {}
        if self.method is not None:
            body["method"] = self.method
        body.update(self.params)
        for k in ("input", "output", "by_indicator", "by_level", "by_node", "by_group"):
            v = getattr(self, k)
            if v:
                body[k] = v
        return {self.stage: body} if body else self.stage


class PipelineSpec(BaseModel):
    """An ordered list of :class:`Step`; build one from YAML, a dict or a list."""

    model_config = ConfigDict(extra="forbid")

    steps: list[Step]
    name: str | None = None
    uncertainty: dict[str, Any] | None = None
    """Uncertain choices for the Monte Carlo (see :mod:`innoscope.analysis.uncertainty`)."""

    @classmethod
    def from_obj(cls, obj: Any, *, source: str | None = None) -> PipelineSpec:
        """Build from parsed YAML: ``{steps: [...]}`` or a bare list of steps."""
        where = f"{source}: " if source else ""
        if isinstance(obj, list):
            obj = {"steps": obj}
        if not isinstance(obj, dict) or "steps" not in obj:
            raise SpecError(f"{where}a pipeline spec is a mapping with a 'steps' list")
        extra = sorted(set(obj) - {"steps", "name", "uncertainty"})
        if extra:
            raise SpecError(f"{where}unknown top-level key(s) {extra}; valid keys: steps, name, uncertainty")
        if not isinstance(obj["steps"], list):
            raise SpecError(f"{where}'steps' must be a list")
        steps = [_parse_step(s, i, where) for i, s in enumerate(obj["steps"], start=1)]
        try:
            return cls(steps=steps, name=obj.get("name"), uncertainty=obj.get("uncertainty"))
        except ValidationError as e:
            raise SpecError(f"{where}{_field_error(e, obj)}") from None

    @classmethod
    def from_yaml(cls, path_or_text: str | Path) -> PipelineSpec:
        p = Path(path_or_text)
        if isinstance(path_or_text, Path) or (
            len(str(path_or_text)) < 4096 and "\n" not in str(path_or_text) and p.suffix in (".yaml", ".yml")
        ):
            if not p.exists():
                raise SpecError(f"spec file {p} does not exist")
            text, source = p.read_text(encoding="utf-8"), str(p)
        else:
            text, source = str(path_or_text), None
        try:
            obj = load_yaml(text)
        except yaml.YAMLError as e:
            raise SpecError(f"{source or 'spec'}: {yaml_problem(e)}") from None
        return cls.from_obj(obj, source=source)

    def to_obj(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        out["steps"] = [s.to_yaml_obj() for s in self.steps]
        if self.uncertainty:
            out["uncertainty"] = self.uncertainty
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_obj(), sort_keys=False, allow_unicode=True)

    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.to_obj(), sort_keys=True, default=str).encode()).hexdigest()[
            :16
        ]

    def replace_step(self, stage: str, **changes: Any) -> PipelineSpec:
        """A copy with the first step of ``stage`` updated (used by what-if and Monte Carlo)."""
        steps = [s.model_copy(deep=True) for s in self.steps]
        for s in steps:
            if s.stage == stage:
                for k, v in changes.items():
                    setattr(s, k, v)
                return PipelineSpec(steps=steps, name=self.name, uncertainty=self.uncertainty)
        raise SpecError(f"the spec has no {brief(stage)} step")


def _parse_step(raw: Any, i: int, where: str) -> Step:
    if isinstance(raw, str):
        return Step(stage=raw)
    if isinstance(raw, dict) and len(raw) == 1:
        ((stage, body),) = raw.items()
        if body is None:
            body = {}
        if not isinstance(stage, str):
            raise SpecError(f"{where}step {i}: the stage name must be text, got {brief(stage)}")
        label = stage if len(stage) <= 60 else brief(stage)
        if isinstance(body, str):
            body = {"method": body}
        if not isinstance(body, dict):
            raise SpecError(f"{where}step {i} ({label}): expected a mapping of parameters, got {brief(body)}")
        body = dict(body)
        fields = {k: body.pop(k) for k in RESERVED if k in body}
        by_level = fields.get("by_level")
        if by_level is not None:
            if not isinstance(by_level, dict) or not all(_is_level(k) for k in by_level):
                raise SpecError(
                    f"{where}step {i} ({label}): by_level: expected a mapping from level numbers "
                    f"to overrides, got {brief(by_level)}"
                )
            fields["by_level"] = {int(k): v for k, v in by_level.items()}
        try:
            return Step(stage=stage, params=body, **fields)
        except ValidationError as e:
            raise SpecError(f"{where}step {i} ({label}): {_field_error(e, fields)}") from None
    raise SpecError(f"{where}step {i}: expected a stage name or a one-key mapping, got {brief(raw)}")


def _is_level(key: Any) -> bool:
    return (isinstance(key, int) and not isinstance(key, bool)) or (
        isinstance(key, str) and key.strip().isdigit()
    )


def _field_error(e: ValidationError, given: dict[str, Any]) -> str:
    """One line for the first error of a pydantic validation: the field, what was expected, what was given."""
    err = e.errors()[0]
    loc = [str(x) for x in err["loc"]]
    field = loc[0] if loc else "?"
    value = given.get(field, err.get("input")) if len(loc) == 1 else err.get("input")
    return f"{'.'.join(loc) or 'value'}: {err['msg']} (got {brief(value)})"

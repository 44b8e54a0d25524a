"""Run a pipeline spec on a framework and a cross-section, keeping every stage.

``build(framework, data, spec)`` dispatches each step to its stage (a registry by name),
keeps every output data set under its name (``Raw``, ``Denominated``, ... ``Aggregated``),
every log and every weight set, and returns a :class:`~innoscope.result.Result`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType

import numpy as np
import pandas as pd

from innoscope.model.dataset import CrossSection
from innoscope.model.errors import InnoscopeError, SpecError, StageError
from innoscope.model.framework import Framework
from innoscope.pipeline import aggregate, denominate, impute, normalise, screen, treat, weight
from innoscope.pipeline.base import Context, StageOutput, label_index
from innoscope.pipeline.result import Result
from innoscope.pipeline.spec import PipelineSpec, Step

STAGES: dict[str, ModuleType] = {
    "denominate": denominate,
    "impute": impute,
    "screen": screen,
    "treat": treat,
    "normalise": normalise,
    "weight": weight,
    "aggregate": aggregate,
}
"""Stage name -> module with ``run(data, ctx, step)``, ``OUTPUT`` and ``METHODS``."""

ALIASES = {"normalize": "normalise", "treatment": "treat", "weights": "weight", "denominator": "denominate"}


def register_stage(name: str, module: ModuleType) -> None:
    """Add a stage module (must define ``run``, ``OUTPUT`` and ``METHODS``)."""
    for attr in ("run", "OUTPUT", "METHODS"):
        if not hasattr(module, attr):
            raise TypeError(f"stage module {module.__name__} lacks {attr}")
    STAGES[name] = module


def stage_module(name: str) -> ModuleType:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in STAGES:
        raise SpecError(f"unknown stage {name!r}; valid stages: {', '.join(STAGES)}")
    return STAGES[key]


def _dataset_name(ctx: Context, name: str) -> str:
    for k in ctx.datasets:
        if k.lower() == name.lower():
            return k
    raise SpecError(f"input data set {name!r} does not exist yet; available: {', '.join(ctx.datasets)}")


def validate_spec(spec: PipelineSpec) -> None:
    """Check stage and method names and parameters before running anything."""
    for i, step in enumerate(spec.steps, start=1):
        mod = stage_module(step.stage)
        supported = getattr(mod, "OVERRIDES", ())
        for table in ("by_indicator", "by_level", "by_node", "by_group"):
            if getattr(step, table) and table not in supported:
                raise SpecError(
                    f"step {i} ({step.stage}): {table} is not supported by this stage; it reads "
                    f"{', '.join(supported) or 'no override tables (one method for the whole step)'}"
                )
        reserved = getattr(mod, "STAGE_PARAMS", ())
        tables = [(step.method, step.params)] + [
            (o.get("method", step.method), {k: v for k, v in o.items() if k != "method"})
            for t in (step.by_indicator, step.by_level, step.by_node, step.by_group)
            for o in t.values()
        ]
        default = getattr(mod, "DEFAULT_METHOD", None)
        for method, params in tables:
            method = method or default
            if method is None or method == "none":
                continue
            try:
                mod.METHODS.check_params(method, params, reserved=reserved)
            except SpecError as e:
                raise SpecError(f"step {i} ({step.stage}): {e}") from None


def run_step(ctx: Context, step: Step, last: str) -> tuple[str, StageOutput, str]:
    """Run one step on ``ctx`` (reading ``step.input`` or the data set ``last``) and store its output there.

    Returns the output's name, the stage output and the name of the latest data set.
    """
    mod = stage_module(step.stage)
    inp = ctx.datasets[_dataset_name(ctx, step.input)] if step.input else ctx.datasets[last]
    try:
        out = mod.run(inp, ctx, step)
    except InnoscopeError:
        raise
    except (TypeError, ValueError) as e:  # a parameter of the wrong type or form, e.g. winmax: {a: 1}
        raise StageError(
            step.stage,
            f"method {step.method or 'default'!r} with {dict(step.params)}: {e}; check the "
            "parameters' types and values (docs/methods.md)",
        ) from None
    name = step.output or mod.OUTPUT
    if out.weights is not None:
        ctx.weights[name] = out.weights
        ctx.active_weights = name
    if out.data is not None:
        ctx.datasets[name] = out.data
        last = name
    return name, out, last


def initial_context(
    framework: Framework,
    data: CrossSection,
    weight_patch: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None,
) -> Context:
    """The context before the first step: the raw data set ``Raw`` and the framework's weights ``Original``."""
    ctx = Context(framework=framework, data=data, weight_patch=weight_patch)
    nominal = framework.weights()
    ctx.weights["Original"] = pd.Series(
        np.fromiter(nominal.values(), float, len(nominal)), index=label_index(tuple(nominal)), copy=False
    )
    ctx._weight_maps["Original"] = (ctx.weights["Original"], {k: float(v) for k, v in nominal.items()})
    ctx.datasets["Raw"] = data.values.copy(deep=False)  # copy-on-write: edits to either never reach the other
    return ctx


def build(
    framework: Framework,
    data: CrossSection,
    spec: PipelineSpec | dict | list | str,
    *,
    weight_patch: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None,
) -> Result:
    """Build the index: run every step of ``spec`` and keep every stage's output.

    ``weight_patch``: applied by every aggregate step to the child weights it resolved (parent code ->
    weights); the Monte Carlo rebuilds a replication with its perturbed or excluded weights this way.
    """
    if not isinstance(spec, PipelineSpec):
        spec = PipelineSpec.from_yaml(spec) if isinstance(spec, str) else PipelineSpec.from_obj(spec)
    validate_spec(spec)
    ctx = initial_context(framework, data, weight_patch)
    logs: dict[str, Mapping[str, pd.DataFrame]] = {}
    last = "Raw"
    for step in spec.steps:
        name, out, last = run_step(ctx, step, last)
        logs[name] = out.log
    return Result(
        framework=framework,
        data=data,
        spec=spec,
        datasets=ctx.datasets,
        logs=logs,
        weights=ctx.weights,
        active_weights=ctx.active_weights,
    )


def step(stage: str, method: str | None = None, **params) -> Step:
    """Convenience for Python users: ``step("normalise", "zscore", m_sd=(0, 1))``."""
    fields = {
        k: params.pop(k)
        for k in ("input", "output", "by_indicator", "by_level", "by_node", "by_group")
        if k in params
    }
    return Step(stage=stage, method=method, params=params, **fields)

"""The dashboard's data sets and how a request's choices become a build.

A :class:`Dataset` is a framework, a cross-section and a pipeline spec. A what-if request
changes node weights (the framework's own weight set), the normalise / aggregate methods and
the entities included; :func:`rebuild` turns it into a new framework and spec and calls
:func:`innoscope.build` — the dashboard never re-implements a formula.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError, InnoscopeError, SpecError
from innoscope.model.framework import Framework
from innoscope.pipeline import PipelineSpec, build
from innoscope.pipeline.result import Result
from innoscope.web.messages import first_few


class NotFound(InnoscopeError):
    """An unknown data set or entity (HTTP 404)."""


@dataclass
class Dataset:
    id: str
    label: str
    framework: Framework
    data: CrossSection
    spec: PipelineSpec
    compare: tuple[str, str] = ("shenzhen", "hangzhou")
    uploaded: bool = False
    _base: Result | None = field(default=None, repr=False)

    @property
    def base(self) -> Result:
        """The build with the data set's own weights and methods (computed once)."""
        if self._base is None:
            self._base = build(self.framework, self.data, self.spec)
        return self._base


class Datasets:
    """Named data sets; uploads are kept in memory, oldest evicted beyond ``max_uploads``."""

    def __init__(self, datasets: list[Dataset], max_uploads: int = 8):
        if not datasets:
            raise ValueError("the dashboard needs at least one data set")
        self._d: OrderedDict[str, Dataset] = OrderedDict((d.id, d) for d in datasets)
        self.default = datasets[0].id
        self.max_uploads = max_uploads
        self._lock = threading.Lock()

    def get(self, key: str | None) -> Dataset:
        key = key or self.default
        with self._lock:
            if key not in self._d:
                raise NotFound(f"unknown data set {key!r}; data sets: {', '.join(self._d)}")
            return self._d[key]

    def all(self) -> list[Dataset]:
        with self._lock:
            return list(self._d.values())

    def add_upload(self, base: Dataset, data: CrossSection, label: str) -> Dataset:
        ds = Dataset(
            id=f"upload-{uuid.uuid4().hex[:10]}",
            label=label,
            framework=base.framework,
            data=data,
            spec=base.spec,
            compare=base.compare,
            uploaded=True,
        )
        ds.base  # noqa: B018 - build now so a bad upload fails here, not on the next request
        with self._lock:
            self._d[ds.id] = ds
            uploads = [k for k, v in self._d.items() if v.uploaded]
            for k in uploads[: max(0, len(uploads) - self.max_uploads)]:
                del self._d[k]
        return ds


def with_weights(fw: Framework, weights: dict[str, float]) -> Framework:
    """A copy of ``fw`` with some node weights replaced (unknown codes rejected, naming valid ones)."""
    if not weights:
        return fw
    unknown = sorted(set(weights) - set(fw.by_id))
    if unknown:
        raise DataError(f"unknown node(s) {first_few(unknown)} in weights; nodes: {first_few(fw.by_id, 20)}")
    nodes = [
        n.model_copy(update={"weight": float(weights[n.id])}) if n.id in weights else n for n in fw.nodes
    ]
    return Framework(
        nodes=nodes,
        denominators=fw.denominators,
        groups=fw.groups,
        level_names=fw.level_names,
        source=fw.source,
    )


def with_methods(spec: PipelineSpec, normalise: str | None, aggregate: str | None) -> PipelineSpec:
    """A copy of ``spec`` with the normalise / aggregate method replaced (parameters reset if it changes)."""
    from innoscope.pipeline.run import stage_module

    for stage, method in (("normalise", normalise), ("aggregate", aggregate)):
        if not method:
            continue
        mod = stage_module(stage)
        m = mod.METHODS.get(method)
        current = next((s for s in spec.steps if s.stage == stage), None)
        if current is None:
            raise SpecError(f"the pipeline spec has no {stage} step, so its method cannot be changed")
        if current.method and mod.METHODS.get(current.method).name == m.name:
            continue
        spec = spec.replace_step(stage, method=m.name, params={})
    return spec


def whatif(
    ds: Dataset,
    *,
    weights: dict[str, float] | None = None,
    normalise: str | None = None,
    aggregate: str | None = None,
    entities: list[str] | None = None,
) -> tuple[Framework, CrossSection, PipelineSpec]:
    """The framework, data and spec of a what-if (unknown nodes, methods or entities rejected)."""
    fw = with_weights(ds.framework, weights or {})
    spec = with_methods(ds.spec, normalise, aggregate)
    data = ds.data
    if entities:
        unknown = [e for e in entities if e not in data.values.index]
        if unknown:
            raise NotFound(
                f"unknown entity {unknown[0]!r}; entities include: {', '.join(data.entities[:8])}..."
            )
        if len(set(entities)) < 2:
            raise DataError("pick at least 2 entities")
        data = data.subset(list(dict.fromkeys(entities)))
    return fw, data, spec


def rebuild(
    ds: Dataset,
    *,
    weights: dict[str, float] | None = None,
    normalise: str | None = None,
    aggregate: str | None = None,
    entities: list[str] | None = None,
) -> Result:
    """The index for a what-if: ``innoscope.build`` on the modified framework, spec and entities."""
    if not weights and not normalise and not aggregate and not entities:
        return ds.base
    return build(*whatif(ds, weights=weights, normalise=normalise, aggregate=aggregate, entities=entities))

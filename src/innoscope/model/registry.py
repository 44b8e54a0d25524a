"""A typed registry of methods chosen by name.

Each pipeline stage owns one :class:`Registry`. Adding a method is adding one decorated
function; its keyword-only parameters (with defaults) are the parameters a spec may set,
so unknown names are rejected before anything runs, with the list of valid ones.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from innoscope.model.errors import SpecError


@dataclass(frozen=True)
class Method:
    """One registered method: its name, function and accepted keyword parameters."""

    name: str
    stage: str
    func: Callable[..., Any]
    params: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


def _keyword_params(func: Callable[..., Any]) -> dict[str, Any]:
    sig = inspect.signature(func)
    return {
        p.name: (None if p.default is inspect.Parameter.empty else p.default)
        for p in sig.parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


class Registry:
    """Methods of one stage, looked up by name (case-insensitive, aliases allowed)."""

    def __init__(self, stage: str):
        self.stage = stage
        self._methods: dict[str, Method] = {}
        self._aliases: dict[str, str] = {}

    def register(
        self, name: str, *, aliases: Iterable[str] = ()
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register ``func`` under ``name`` (and ``aliases``)."""

        def deco(func: Callable[..., Any]) -> Callable[..., Any]:
            key = name.lower()
            if key in self._methods or key in self._aliases:
                raise SpecError(f"{self.stage} method {name!r} registered twice")
            doc = (inspect.getdoc(func) or "").strip().splitlines()
            self._methods[key] = Method(name, self.stage, func, _keyword_params(func), doc[0] if doc else "")
            for alias in aliases:
                self._aliases[alias.lower()] = key
            return func

        return deco

    def names(self) -> list[str]:
        return sorted(m.name for m in self._methods.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name.lower() in self._methods or name.lower() in self._aliases)

    def get(self, name: str) -> Method:
        key = str(name).lower()
        key = self._aliases.get(key, key)
        try:
            return self._methods[key]
        except KeyError:
            raise SpecError(
                f"unknown {self.stage} method {name!r}; valid methods: {', '.join(self.names())}"
            ) from None

    def check_params(self, name: str, params: Mapping[str, Any], *, reserved: Iterable[str] = ()) -> Method:
        """Return the method, or raise naming every unknown parameter and the valid ones."""
        method = self.get(name)
        unknown = sorted(set(params) - set(method.params) - set(reserved))
        if unknown:
            valid = ", ".join(sorted(method.params)) or "(none)"
            raise SpecError(
                f"{self.stage} method {method.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid parameters: {valid}"
            )
        return method

    def __iter__(self) -> Iterator[Method]:
        return iter(self._methods.values())

"""Normalise: bring indicators onto a common scale, higher always meaning better.

Each method is a kernel ``f(x, [context], *, params) -> x'`` on one indicator column (NaN kept as
NaN). Keyword-only arguments are the spec parameters; positional ones with defaults
(``direction``, ``entities``) are context the stage passes in and a spec cannot set.

Directions. Methods whose parameters live in the output space (minmax, zscore, rank, prank,
borda, dist2max, dist2ref, none) receive ``x * direction``, as in COINr ``Normalise()``.
Methods whose parameters are values *of the indicator* (scaled's bounds, targets, goalposts)
and fraction-of-max receive the raw column and the direction, and apply it themselves, so a
target or goalpost is always written in the indicator's own units whatever its direction
(COINr applies the direction to the data but not to parameters given in a spec; see
docs/methods.md). The direction used is the indicator's own times that of
every ancestor: an aggregate with direction -1 reverses every indicator beneath it (COINr
ignores aggregate directions; its issue #66).

Per-indicator parameters come, most specific first, from the spec's ``by_indicator``, from the
framework node (``Node.target`` and COINr's iMeta columns such as ``goalpost_lower``, which
COINr reads with ``f_n_para = "use_iMeta"``), then from the step's global parameters.
Formulas and sources are in each kernel's docstring and in docs/methods.md.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import SpecError, StageError
from innoscope.model.framework import Framework, Node
from innoscope.model.registry import Registry
from innoscope.pipeline.base import Context, Log, StageOutput, log_frame
from innoscope.pipeline.spec import Step

METHODS = Registry("normalise")
OUTPUT = "Normalised"
OVERRIDES = ("by_indicator",)
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""
DEFAULT_METHOD = "minmax"


def _rankdata(x: np.ndarray, **kwargs: Any) -> np.ndarray:
    """``scipy.stats.rankdata``, imported on first use (scipy.stats costs about a second to import)."""
    from scipy.stats import rankdata

    return rankdata(x, **kwargs)


NODE_PARAMS: dict[str, dict[str, str | tuple[str, str]]] = {
    "minmax": {"range": ("minmax_lower", "minmax_upper")},
    "zscore": {"m_sd": ("zscore_mean", "zscore_sd")},
    "scaled": {"npara": ("scaled_lower", "scaled_upper")},
    "dist2targ": {"target": "Target", "cap_max": "dist2targ_cap_max"},
    "goalposts": {
        "lower": "goalpost_lower",
        "upper": "goalpost_upper",
        "scale": "goalpost_scale",
        "trunc2posts": "goalpost_trunc2posts",
    },
}
"""Method -> parameter -> the framework node column(s) it is read from (COINr's iMeta names)."""

_TARGET_METHODS = frozenset(m for m, cols in NODE_PARAMS.items() if "Target" in cols.values())

BATCHED = frozenset({"minmax", "zscore", "dist2max", "rank", "prank", "borda"})
"""Kernels that also take an (n, m) block and work column by column (axis 0): indicators sharing
one of these methods and its parameters are normalised in one call."""


def _pair(v: Sequence[float], what: str) -> tuple[float, float]:
    if isinstance(v, str) or len(v) != 2:
        raise ValueError(f"{what} must be a pair [a, b], got {v!r}")
    return float(v[0]), float(v[1])


def _observed(x: np.ndarray) -> np.ndarray:
    obs = x[~np.isnan(x)]
    if obs.size == 0:
        raise ValueError("no observed values")
    return obs


def _rescale(y: np.ndarray, range: Sequence[float] | None, scale: float = 1.0) -> np.ndarray:  # noqa: A002
    if range is None:
        return y * float(scale)
    lo, hi = _pair(range, "range")
    return lo + y * (hi - lo)


@METHODS.register("minmax", aliases=("n_minmax", "min_max"))
def minmax(x: np.ndarray, *, range: Sequence[float] = (0.0, 100.0)) -> np.ndarray:  # noqa: A002
    """Min-max: ``l + (x - min x) / (max x - min x) * (u - l)`` onto ``range = [l, u]``.

    Source: OECD/JRC Handbook on Constructing Composite Indicators (2008) s.5 (table 3); COINr ``n_minmax``.
    """
    lo, hi = _pair(range, "range")
    mn, mx = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    if np.any(mx == mn):
        raise ValueError(
            f"max = min = {np.min(mn[mx == mn]) if np.ndim(mn) else mn}: min-max is undefined "
            "for an indicator with no variation"
        )
    return lo + (x - mn) / (mx - mn) * (hi - lo)


@METHODS.register("zscore", aliases=("n_zscore", "standardise", "standardize"))
def zscore(x: np.ndarray, *, m_sd: Sequence[float] = (0.0, 1.0)) -> np.ndarray:
    """Z-score: ``m + s * (x - mean x) / sd x`` with ``m_sd = [m, s]``; sd with denominator n - 1 (R ``sd``).

    Source: OECD/JRC Handbook (2008) s.5 (standardisation); COINr ``n_zscore``.
    """
    m, s = _pair(m_sd, "m_sd")
    if not s > 0:
        raise ValueError(f"the target standard deviation must be positive, got {s}")
    if np.any((~np.isnan(x)).sum(axis=0) < 2):
        raise ValueError("only one observed value: the standard deviation is undefined")
    mean = np.nanmean(x, axis=0)
    sd = np.sqrt(np.nansum((x - mean) ** 2, axis=0) / ((~np.isnan(x)).sum(axis=0) - 1))
    if np.any(sd == 0):
        raise ValueError("zero variance (every observed value is the same): the z-score is undefined")
    return m + s * (x - mean) / sd


def _rank(x: np.ndarray, ties: str) -> np.ndarray:
    if ties not in ("min", "max", "average", "dense", "ordinal"):
        raise ValueError(f"ties must be one of min, max, average, dense, ordinal; got {ties!r}")
    if x.ndim == 2:
        if not np.isnan(x).any():
            return _rankdata(x, method=ties, axis=0).astype(float)
        return np.column_stack([_rank(c, ties) for c in x.T]) if x.shape[1] else np.empty(x.shape)
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    out[ok] = _rankdata(x[ok], method=ties)
    return out


@METHODS.register("rank", aliases=("n_rank",))
def rank(x: np.ndarray, *, ties: str = "min") -> np.ndarray:
    """Rank, 1 = lowest (so higher is better), ties sharing the lowest rank by default; NaN kept.

    Source: COINr ``n_rank`` (R ``rank(x, ties.method = "min", na.last = "keep")``).
    COINr ignores its ``ties.method`` argument; here ``ties`` is honoured.
    """
    return _rank(x, ties)


@METHODS.register("prank", aliases=("n_prank", "percentile_rank", "percentile"))
def prank(x: np.ndarray, *, ties: str = "min") -> np.ndarray:
    """Percentile rank: ``(rank(x) - 1) / (n - 1)`` in [0, 1], n = number of observed values.

    Source: COINr ``n_prank``.
    """
    n = (~np.isnan(x)).sum(axis=0)
    if np.any(n < 2):
        raise ValueError("a percentile rank needs at least two observed values")
    return (_rank(x, ties) - 1.0) / (n - 1)


@METHODS.register("borda", aliases=("n_borda",))
def borda(x: np.ndarray, *, ties: str = "min") -> np.ndarray:
    """Borda score: ``rank(x) - 1`` (number of entities beaten). Source: COINr ``n_borda``."""
    return _rank(x, ties) - 1.0


@METHODS.register("scaled", aliases=("n_scaled",))
def scaled(x: np.ndarray, direction: int = 1, *, npara: Sequence[float] = (0.0, 100.0)) -> np.ndarray:
    """Scaled by fixed bounds ``npara = [l, u]`` in the indicator's units: ``100 (x - l) / (u - l)``.

    For direction -1: ``100 (u - x) / (u - l)``. Source: COINr ``n_scaled`` (GII 2020), which
    applies ``(x' - l) / (u - l) * 100`` to the direction-flipped ``x' = -x``; the two differ by the
    constant ``100 (u + l) / (u - l)`` for lower-is-better indicators (see the method notes).
    """
    lo, hi = _pair(npara, "npara")
    if hi == lo:
        raise ValueError(f"npara bounds are equal ({lo}); the scale is undefined")
    if direction == -1:
        return 100.0 * (hi - x) / (hi - lo)
    return 100.0 * (x - lo) / (hi - lo)


@METHODS.register("fracmax", aliases=("n_fracmax", "fraction_of_max"))
def fracmax(x: np.ndarray, direction: int = 1) -> np.ndarray:
    """Fraction of the maximum: ``x / max x``; for direction -1 its mirror ``1 - x / max x``.

    Source: COINr ``n_fracmax`` (direction +1); for lower-is-better, the cost form of max
    normalisation (pymcdm ``max_normalization``). COINr divides ``-x`` by ``max(-x)``, which for
    lower-is-better indicators reverses the order or divides by zero (see the method notes).
    """
    mx = _observed(x).max()
    if not mx > 0:
        raise ValueError(f"the maximum is {mx}; fraction of max needs a positive maximum")
    return 1.0 - x / mx if direction == -1 else x / mx


@METHODS.register("dist2max", aliases=("n_dist2max", "distance_to_max"))
def dist2max(x: np.ndarray) -> np.ndarray:
    """Distance to the maximum: ``1 - (max x - x) / (max x - min x)`` in [0, 1]. Source: COINr ``n_dist2max``."""
    mn, mx = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    if np.any(mx == mn):
        raise ValueError("max = min: distance to max is undefined for an indicator with no variation")
    return 1.0 - (mx - x) / (mx - mn)


@METHODS.register("dist2ref", aliases=("n_dist2ref", "distance_to_reference"))
def dist2ref(
    x: np.ndarray,
    entities: Sequence[str] | None = None,
    *,
    ref: str | None = None,
    iref: int | None = None,
    cap_max: bool = False,
) -> np.ndarray:
    """Distance to a reference entity: ``1 - (x_ref - x) / (x_ref - min x)``, capped at 1 if ``cap_max``.

    The reference is an entity code (``ref``, e.g. ``深圳``) or a 1-based position (``iref``, as COINr).
    Source: COINr ``n_dist2ref``; OECD/JRC Handbook (2008) s.5 (distance to a reference).
    """
    if (ref is None) == (iref is None):
        raise ValueError("give exactly one of 'ref' (an entity code) or 'iref' (a 1-based position)")
    if ref is not None:
        codes = list(entities) if entities is not None else []
        if ref not in codes:
            raise ValueError(f"reference entity {ref!r} is not among the entities")
        i = codes.index(ref)
        who = repr(ref)
    else:
        if int(iref) != iref or not 1 <= int(iref) <= len(x):
            raise ValueError(f"iref must be an integer in 1..{len(x)}, got {iref!r}")
        i = int(iref) - 1
        who = f"at position {int(iref)}" + (f" ({entities[i]!r})" if entities is not None else "")
    xref, mn = x[i], _observed(x).min()
    if np.isnan(xref):
        raise ValueError(f"the reference entity {who} has no value")
    if xref == mn:
        raise ValueError(
            f"the reference entity {who} has the lowest value ({xref}); the distance is undefined"
        )
    y = 1.0 - (xref - x) / (xref - mn)
    return np.where(y > 1, 1.0, y) if cap_max else y


@METHODS.register("dist2targ", aliases=("n_dist2targ", "distance_to_target"))
def dist2targ(
    x: np.ndarray,
    direction: int = 1,
    *,
    target: float | None = None,
    cap_max: bool = False,
    range: Sequence[float] | None = None,
) -> np.ndarray:  # noqa: A002
    """Distance to target ``T`` (in the indicator's units), then optionally onto ``range = [l, u]``.

    Direction +1: ``(x - min x) / (T - min x)``; direction -1: ``(max x - x) / (max x - T)``.
    With ``cap_max`` scores past the target are 1. Source: COINr ``n_dist2targ`` (1.1.x,
    ``use_iMeta``); the output range answers COINr issue #65.
    """
    if target is None or (isinstance(target, float) and np.isnan(target)):
        raise ValueError("no target: set the node's target (iMeta 'Target') or 'target' in the spec")
    t = float(target)
    obs = _observed(x)
    if direction == -1:
        worst = obs.max()
        if t == worst:
            raise ValueError(f"the target equals the worst (highest) value {t}")
        y = (worst - x) / (worst - t)
    else:
        worst = obs.min()
        if t == worst:
            raise ValueError(f"the target equals the worst (lowest) value {t}")
        y = (x - worst) / (t - worst)
    if cap_max:
        y = np.where(y > 1, 1.0, y)
    return _rescale(y, range)


@METHODS.register("goalposts", aliases=("n_goalposts",))
def goalposts(
    x: np.ndarray,
    direction: int = 1,
    *,
    lower: float | None = None,
    upper: float | None = None,
    scale: float = 1.0,
    trunc2posts: bool = True,
    range: Sequence[float] | None = None,
) -> np.ndarray:  # noqa: A002
    """Goalposts ``lower < upper`` (in the indicator's units); the direction says which one is best.

    Direction +1: ``(x - lower) / (upper - lower)``; direction -1: ``(upper - x) / (upper - lower)``;
    truncated to [0, 1] if ``trunc2posts``; then times ``scale`` (COINr) or onto ``range = [l, u]``
    (COINr issue #65). Source: COINr ``n_goalposts``; OECD/JRC Handbook (2008) s.5.
    """
    if lower is None or upper is None:
        raise ValueError("goalposts need 'lower' and 'upper' (spec, or iMeta goalpost_lower/goalpost_upper)")
    lo, hi = float(lower), float(upper)
    if not lo < hi:
        raise ValueError(
            f"goalpost lower ({lo}) must be below upper ({hi}); the direction decides which is best"
        )
    if range is not None and float(scale) != 1.0:
        raise ValueError("give either 'scale' or 'range', not both")
    y = (hi - x) / (hi - lo) if direction == -1 else (x - lo) / (hi - lo)
    if trunc2posts:
        y = np.clip(y, 0.0, 1.0)
    return _rescale(y, range, scale)


@functools.cache
def _context_args(func: Any) -> frozenset[str]:
    return frozenset(inspect.signature(func).parameters)


def _takes(method: Any, name: str) -> bool:
    return name in _context_args(method.func)


def effective_directions(fw: Framework) -> dict[str, int]:
    """Each indicator's direction times the directions of all its ancestors."""
    by_id = fw.by_id
    out = {}
    for code in fw.indicators:
        d = by_id[code].direction
        for a in fw.ancestors(code):
            d *= by_id[a].direction
        out[code] = int(d)
    return out


def _node_params(node: Node, method: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not node.params and (node.target is None or method not in _TARGET_METHODS):
        return out
    for param, cols in NODE_PARAMS.get(method, {}).items():
        if cols == "Target":
            if node.target is not None:
                out[param] = node.target
            continue
        if isinstance(cols, tuple):
            vals = [node.params.get(c) for c in cols]
            if all(v is not None for v in vals):
                out[param] = tuple(float(v) for v in vals)
            elif any(v is not None for v in vals):
                raise SpecError(
                    f"[normalise] indicator {node.id!r}: {cols[0]} and {cols[1]} must be given together"
                )
        elif node.params.get(cols) is not None:
            out[param] = node.params[cols]
    return out


def _resolve_ref(ref: str, entities: pd.Index, ctx: Context) -> str:
    if ref in entities:
        return ref
    names = ctx.data.names.reindex(entities)
    hits = [code for code, name in names.items() if str(name) == str(ref)]
    if len(hits) == 1:
        return hits[0]
    raise SpecError(
        f"[normalise] reference entity {ref!r} is neither an entity code nor a unique entity name"
    )


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    fw = ctx.framework
    values = np.array(data.to_numpy(dtype=float), order="F")
    empty = np.isnan(values).all(axis=0)
    dirs = effective_directions(fw)
    used: list[dict[str, Any]] = []
    batches: dict[tuple[str, str], list[tuple[int, str, Any, dict[str, Any], int]]] = {}
    singles: list[tuple[int, str, Any, dict[str, Any], int]] = []
    shared = None
    checked: dict[str, Any] = {}
    for j, code in enumerate(data.columns.tolist()):
        node = fw.by_id.get(code)
        if node is None or node.kind != "indicator":
            continue
        own_override = code in step.by_indicator
        if own_override:
            method, params = step.resolve(indicator=code)
        else:
            if shared is None:
                shared = step.resolve()
            method, params = shared[0], dict(shared[1])
        method = method or DEFAULT_METHOD
        d = dirs[code]
        if empty[j]:
            raise StageError("normalise", f"indicator {code!r} has no data (all values missing)")
        if method == "none":
            values[:, j] *= d
            used.append({"iCode": code, "method": "none", "direction": d})
            continue
        m = METHODS.get(method)
        from_node = _node_params(node, m.name)
        if own_override or from_node:
            own = {k for k in step.by_indicator.get(code, {}) if k != "method"}
            params.update({k: v for k, v in from_node.items() if k not in own})
            m = METHODS.check_params(method, params)
        else:
            if method not in checked:
                checked[method] = METHODS.check_params(method, params)
            m = checked[method]
        plain = not (own_override or from_node)
        if _takes(m, "entities"):
            plain = False
            params["entities"] = list(data.index)
            if params.get("ref") is not None:
                params["ref"] = _resolve_ref(params["ref"], data.index, ctx)
        if _takes(m, "direction"):
            plain = False
            params["direction"] = d
        plan = (j, code, m, params, d)
        if m.name in BATCHED:
            batches.setdefault((m.name, "" if plain else repr(sorted(params.items()))), []).append(plan)
        else:
            singles.append(plan)
        used.append(
            {
                "iCode": code,
                "method": m.name,
                "direction": d,
                **{k: v for k, v in params.items() if k not in ("entities", "direction")},
            }
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        for plans in batches.values():
            j_s = [p[0] for p in plans]
            m, params = plans[0][2], plans[0][3]
            try:
                values[:, j_s] = m(values[:, j_s] * np.array([p[4] for p in plans]), **params)
            except (ValueError, TypeError, ZeroDivisionError):
                singles.extend(plans)  # rerun one by one to name the indicator at fault
        for j, code, m, params, d in sorted(singles, key=lambda p: p[0]):
            x = values[:, j] if "direction" in params else values[:, j] * d
            try:
                values[:, j] = m(x, **params)
            except (ValueError, TypeError, ZeroDivisionError) as e:
                raise StageError("normalise", f"indicator {code!r}, method {m.name!r}: {e}") from None
    out = pd.DataFrame(values, index=data.index, columns=data.columns, copy=False)
    return StageOutput(out, Log({"methods": lambda: log_frame(used)}))

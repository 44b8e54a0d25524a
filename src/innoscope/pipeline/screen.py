"""Screen: drop entities with too little data, or too many zeros, as COINr ``Screen()``.

For each entity over the columns of the input data set: ``N_missing``, ``N_zero`` (among
observed values), ``Dat_Avail = 1 - N_missing / n_cols``, ``Non_Zero = 1 - N_zero /
(n_cols - N_missing)``; ``LowData = Dat_Avail < dat_thresh``, ``LowNonZero = Non_Zero <
nonzero_thresh``. The method says which flag removes an entity: ``byNA`` (LowData),
``byzeros`` (LowNonZero), ``byNAandzeros`` (either), ``none`` (neither).

innoscope adds a screen *within each aggregate*: with ``group_level: L`` and ``group_thresh: t``
an entity is also removed if, under any node of level ``L`` (e.g. a pillar), it has data for
fewer than a share ``t`` of the indicators. ``force_in`` / ``force_out`` (lists of entity codes)
override every rule, as COINr's ``Force``. Logs: ``DataSummary`` (COINr's columns, plus
``LowGroupData`` and ``Worst_Group_Avail`` when ``group_level`` is set), ``RemovedUnits``
(with a ``Reason`` for each entity) and ``GroupAvail`` (entity x aggregate availability).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import SpecError
from innoscope.model.registry import Registry
from innoscope.pipeline.base import Context, Log, StageOutput
from innoscope.pipeline.spec import Step
from innoscope.pipeline.treat import _no_unsupported_overrides

METHODS = Registry("screen")
OUTPUT = "Screened"
OVERRIDES = ()
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""
DEFAULT_METHOD = "byNA"
STAGE_PARAMS = ("force_in", "force_out", "group_level", "group_thresh", "min_coverage", "unit_screen")


def data_summary(X: np.ndarray) -> dict[str, np.ndarray]:
    """COINr ``get_data_avail``: missing and zero counts and shares per row of ``X``."""
    na = np.isnan(X)
    n_missing = na.sum(axis=1)
    n_zero = (X == 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        non_zero = 1 - n_zero / (X.shape[1] - n_missing)
    return {
        "N_missing": n_missing,
        "N_zero": n_zero,
        "N_miss_or_zero": n_missing + n_zero,
        "Dat_Avail": 1 - n_missing / X.shape[1],
        "Non_Zero": non_zero,
    }


@METHODS.register("byNA", aliases=("by_na", "na", "availability"))
def by_na(
    low_data: np.ndarray, low_nonzero: np.ndarray, *, dat_thresh: float = 2 / 3, nonzero_thresh: float = 0.05
) -> np.ndarray:
    """Keep entities with ``Dat_Avail >= dat_thresh``. Source: COINr ``Screen(unit_screen = "byNA")``."""
    return ~low_data


@METHODS.register("byzeros", aliases=("by_zeros", "zeros"))
def by_zeros(
    low_data: np.ndarray, low_nonzero: np.ndarray, *, dat_thresh: float = 2 / 3, nonzero_thresh: float = 0.05
) -> np.ndarray:
    """Keep entities with ``Non_Zero >= nonzero_thresh``. Source: COINr ``Screen(unit_screen = "byzeros")``."""
    return ~low_nonzero


@METHODS.register("byNAandzeros", aliases=("by_na_and_zeros", "na_and_zeros"))
def by_na_and_zeros(
    low_data: np.ndarray, low_nonzero: np.ndarray, *, dat_thresh: float = 2 / 3, nonzero_thresh: float = 0.05
) -> np.ndarray:
    """Keep entities passing both rules. Source: COINr ``Screen(unit_screen = "byNAandzeros")``."""
    return ~(low_data | low_nonzero)


@METHODS.register("none", aliases=("summary",))
def no_rule(
    low_data: np.ndarray, low_nonzero: np.ndarray, *, dat_thresh: float = 2 / 3, nonzero_thresh: float = 0.05
) -> np.ndarray:
    """Keep every entity (only ``group_level`` and ``force_out`` can remove); the summary is still written."""
    return np.ones(low_data.shape, dtype=bool)


def _entities(value: Any, name: str, index: pd.Index) -> list[str]:
    if value is None:
        return []
    codes = [value] if isinstance(value, str) else [str(v) for v in value]
    unknown = [c for c in codes if c not in index]
    if unknown:
        raise SpecError(f"[screen] {name}: entity code(s) {unknown} are not in the data set")
    return codes


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    _no_unsupported_overrides(step, "screen", ())
    fw = ctx.framework
    params = dict(step.params)
    method = params.pop("unit_screen", None) or step.method or DEFAULT_METHOD
    if "min_coverage" in params:
        if "dat_thresh" in params:
            raise SpecError("[screen] give either min_coverage or dat_thresh, not both")
        params["dat_thresh"] = params.pop("min_coverage")
    force_in = _entities(params.pop("force_in", None), "force_in", data.index)
    force_out = _entities(params.pop("force_out", None), "force_out", data.index)
    both = sorted(set(force_in) & set(force_out))
    if both:
        raise SpecError(f"[screen] entity code(s) {both} are in both force_in and force_out")
    group_level = params.pop("group_level", None)
    group_thresh = params.pop("group_thresh", None)
    if (group_level is None) != (group_thresh is None):
        raise SpecError("[screen] the within-aggregate screen needs both group_level and group_thresh")
    m = METHODS.check_params(method, params)
    dat_thresh = float(params.get("dat_thresh", 2 / 3))
    nonzero_thresh = float(params.get("nonzero_thresh", 0.05))
    for name, v in (("dat_thresh", dat_thresh), ("nonzero_thresh", nonzero_thresh)):
        if not 0 <= v <= 1:
            raise SpecError(f"[screen] {name} must be between 0 and 1, got {v}")

    X = data.to_numpy(float)
    s = data_summary(X)
    low_data = s["Dat_Avail"] < dat_thresh
    low_nonzero = s["Non_Zero"] < nonzero_thresh
    included = np.asarray(
        m(low_data, low_nonzero, dat_thresh=dat_thresh, nonzero_thresh=nonzero_thresh), bool
    )
    reasons: dict[int, list[str]] = {}
    n_cols = X.shape[1]
    for i in np.flatnonzero(~included).tolist():
        why = reasons[i] = []
        if m.name in ("byNA", "byNAandzeros") and low_data[i]:
            why.append(
                f"data availability {s['Dat_Avail'][i]:.3f} < dat_thresh {dat_thresh:g} "
                f"({s['N_missing'][i]} of {n_cols} values missing)"
            )
        if m.name in ("byzeros", "byNAandzeros") and low_nonzero[i]:
            why.append(
                f"share of non-zero values {s['Non_Zero'][i]:.3f} < nonzero_thresh "
                f"{nonzero_thresh:g} ({s['N_zero'][i]} zeros)"
            )
    logs = Log()
    extra: dict[str, np.ndarray] = {}
    if group_level is not None:
        gt = float(group_thresh)
        if not 0 <= gt <= 1:
            raise SpecError(f"[screen] group_thresh must be between 0 and 1, got {gt}")
        if not 2 <= int(group_level) <= fw.n_levels:
            raise SpecError(
                f"[screen] group_level {group_level} is out of range; levels are 2..{fw.n_levels}"
            )
        pos = {c: j for j, c in enumerate(data.columns.tolist())}
        aggs, avail = [], []
        for agg in fw.codes(int(group_level)):
            js = [pos[c] for c in fw.descendants(agg, 1) if c in pos]
            if js:
                aggs.append(agg)
                avail.append(1 - np.isnan(X[:, js]).mean(axis=1))
        ga = np.column_stack(avail) if avail else np.empty((len(X), 0))
        low_group = (ga < gt).any(axis=1)
        extra["LowGroupData"] = low_group
        extra["Worst_Group_Avail"] = ga.min(axis=1) if aggs else np.full(len(X), np.nan)
        for i in np.flatnonzero(low_group).tolist():
            bad = [(k, v) for k, v in zip(aggs, ga[i].tolist(), strict=True) if v < gt]
            reasons.setdefault(i, []).append(
                "; ".join(
                    f"data availability {v:.3f} in {k!r} (level {group_level}) < group_thresh {gt:g}"
                    for k, v in bad
                )
            )
        included &= ~low_group
        logs["GroupAvail"] = lambda: pd.DataFrame(ga, index=data.index, columns=aggs).reset_index()
    where = {c: i for i, c in enumerate(data.index.tolist())} if force_in or force_out else {}
    for c in force_in:
        included[where[c]] = True
    for c in force_out:
        included[where[c]] = False
        reasons[where[c]] = ["forced out (force_out)"]
    out_rows = np.flatnonzero(~included)

    def summary() -> pd.DataFrame:
        return pd.DataFrame(
            {
                "uCode": data.index,
                **s,
                "LowData": low_data,
                "LowNonZero": low_nonzero,
                "LowDatOrZeroFlag": low_data | low_nonzero,
                **extra,
                "Included": included,
            }
        )

    def removed() -> pd.DataFrame:
        return pd.DataFrame(
            [(data.index[i], "; ".join(reasons.get(i, []))) for i in out_rows],
            columns=["RemovedUnits", "Reason"],
        )

    logs["DataSummary"] = summary
    logs["RemovedUnits"] = removed
    logs["Forced"] = lambda: pd.DataFrame(
        [(c, "in") for c in force_in] + [(c, "out") for c in force_out], columns=["uCode", "Force"]
    )
    if included.all():
        return StageOutput(data.copy(deep=False), logs)
    kept = pd.DataFrame(
        np.asfortranarray(X[included]), index=data.index[included], columns=data.columns, copy=False
    )
    return StageOutput(kept, logs)

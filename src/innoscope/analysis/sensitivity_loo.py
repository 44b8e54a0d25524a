"""Leave-one-component-out: how ranks change when each element of a level is removed
(COINr ``remove_elements``)."""

from __future__ import annotations

import pandas as pd

from innoscope.pipeline import aggregate as agg_mod
from innoscope.pipeline.base import Context
from innoscope.pipeline.spec import Step


def _aggregate_step(result) -> tuple[Step, str]:
    steps = [s for s in result.spec.steps if s.stage.lower() in ("aggregate", "aggregation")]
    if steps:
        s = steps[-1]
        inp = s.input
        if inp is None:
            names = list(result.datasets)
            out = s.output or agg_mod.OUTPUT
            inp = names[names.index(out) - 1] if out in names and names.index(out) > 0 else "Normalised"
        return s, inp
    return Step(stage="aggregate", method="arithmetic"), "Normalised"


def reaggregate(
    result, weights: pd.Series, step: Step | None = None, input: str | None = None
) -> pd.DataFrame:  # noqa: A002
    """Re-run the result's aggregation step with another weight set; returns the aggregated table."""
    s0, inp0 = _aggregate_step(result)
    step = step or s0
    step = step.model_copy(update={"params": {k: v for k, v in step.params.items() if k != "weights"}})
    data = result.stage(input or inp0)
    ctx = Context(
        framework=result.framework,
        data=result.data,
        datasets=result.datasets,
        weights={"_w": weights},
        active_weights="_w",
    )
    return agg_mod.run(data, ctx, step).data


def remove_elements(
    result,
    level: int,
    at: str | None = None,
    *,
    weights: str | None = None,
    step: Step | None = None,
    input: str | None = None,
) -> dict[str, pd.DataFrame | pd.Series]:  # noqa: A002
    """For each node at ``level``: set its weight to 0, re-aggregate, rank ``at`` (default the index).

    Returns ``Ranks`` (entities x [Nominal, each removed node]) and ``MeanAbsDiff`` (mean over
    entities of ``|rank - nominal rank|``). Source: COINr ``remove_elements``; OECD/JRC
    Handbook (2008) s.7 ("excluding one indicator at a time").
    """
    fw = result.framework
    at = at or fw.root
    w0 = result.weights[weights or result.active_weights].copy()

    def ranks(w: pd.Series) -> pd.Series:
        return reaggregate(result, w, step, input)[at].rank(ascending=False, method="min", na_option="keep")

    out = {"Nominal": ranks(w0)}
    for code in fw.codes(level):
        w = w0.copy()
        w[code] = 0.0
        out[code] = ranks(w)
    R = pd.DataFrame(out)
    mad = R.sub(R["Nominal"], axis=0).abs().mean()
    return {"Ranks": R, "MeanAbsDiff": mad}

"""Build a :class:`Result` from COINr's reference data sets, so the audit tests do not depend on
the other stages: every data set is COINr's own ``dset_*.csv`` of a variant."""

from __future__ import annotations

from functools import cache

import pandas as pd

from innoscope import PipelineSpec, Result, read_coinr
from innoscope.pipeline.spec import Step
from tests.conftest import REF, coinr_ref

DSETS = ("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated")


@cache
def asem():
    return read_coinr(REF / "data" / "ASEM_iData.csv", REF / "data" / "ASEM_iMeta.csv")


def reference_result(variant: str = "base") -> Result:
    """A Result whose data sets are COINr's for ``variant`` (order of rows as COINr's)."""
    fw, cs = asem()
    datasets = {name: coinr_ref(variant, f"dset_{name}.csv").astype(float) for name in DSETS}
    for d in datasets.values():
        d.index = d.index.astype(str)
    order = list(datasets["Raw"].index)
    cs = cs.subset(order)
    spec = PipelineSpec(steps=[Step(stage="aggregate", method="arithmetic", input="Normalised")])
    weights = {"Original": pd.Series(fw.weights(), dtype=float)}
    return Result(framework=fw, data=cs, spec=spec, datasets=datasets, weights=weights)

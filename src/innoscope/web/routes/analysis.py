"""How sure is a what-if (Monte Carlo) and which choice matters most (Sobol)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from innoscope.analysis.sensitivity import sensitivity
from innoscope.analysis.uncertainty import default_inputs, uncertainty_any_design
from innoscope.report import model
from innoscope.report.i18n import t
from innoscope.web.models import SensitivityRequest, UncertaintyRequest
from innoscope.web.payloads import clean, uncertainty_payload, whatif_pair
from innoscope.web.routes import Store
from innoscope.web.state import whatif

router = APIRouter()


@router.post(
    "/api/uncertainty",
    summary="How sure is the what-if: rank intervals and P(A outranks B) by "
    "Monte Carlo over weights, normalisation and aggregation",
)
def uncertainty_(req: UncertaintyRequest, store: Store) -> dict[str, Any]:
    ds = store.get(req.dataset)
    t0 = time.perf_counter()
    kw, result, (a, b) = whatif_pair(ds, req)
    res, design = uncertainty_any_design(*whatif(ds, **kw), n=req.n, seed=req.seed, pairs=[a, b])
    return clean(
        uncertainty_payload(result, res, a, b, req.lang)
        | {
            "design": t(f"design:{design}", req.lang),
            "elapsed_ms": round(1000 * (time.perf_counter() - t0), 2),
        }
    )


@router.post(
    "/api/sensitivity",
    summary="Which choice matters most: Sobol indices of weights, normalisation "
    "and aggregation on the rank shift, overall and for two entities",
)
def sensitivity_(req: SensitivityRequest, store: Store) -> dict[str, Any]:
    ds = store.get(req.dataset)
    t0 = time.perf_counter()
    kw, result, pair = whatif_pair(ds, req)
    fw, data, spec = whatif(ds, **kw)
    inputs = None if spec.uncertainty else default_inputs(fw)
    res = sensitivity(fw, data, spec, inputs=inputs, n=req.n, seed=req.seed, entity_output="rank")
    per = res.entities_df()
    return clean(
        {
            "n": req.n,
            "runs": len(res.U),
            "design": t("design:spec" if spec.uncertainty else "design:default", req.lang),
            "target": "mean absolute rank shift of the index vs the what-if's own ranking",
            "rows": res.table,
            "entities": [
                {
                    "code": e,
                    "name": model.entity_name(result, e, req.lang),
                    "rows": per[per["uCode"] == e].drop(columns="uCode"),
                }
                for e in pair
            ],
            "elapsed_ms": round(1000 * (time.perf_counter() - t0), 2),
        }
    )

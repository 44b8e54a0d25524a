"""JSON payloads of the dashboard's answers, built from an :class:`innoscope.Result` (no formula here)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from innoscope.pipeline.result import Result, rank_desc
from innoscope.report import model
from innoscope.report.i18n import node_label, t
from innoscope.web.models import SensitivityRequest, UncertaintyRequest, WhatIf
from innoscope.web.state import Dataset, NotFound, rebuild


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def clean(obj: Any) -> Any:
    """JSON-ready: NaN -> null, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return _num(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, pd.DataFrame):
        return clean(obj.to_dict("records"))
    return obj


def ranking_payload(result: Result, lang: str) -> dict[str, Any]:
    """Ranking rows in :meth:`Result.ranking` order (rank, then name) with every pillar's score and rank; the
    entities the screen set aside, with the report's label, note (rule and reasons) and each reason."""
    fw = result.framework
    pillars = model.pillar_codes(result)
    agg = result.aggregated
    S = agg[[fw.root, *pillars]].to_numpy(float)
    R = rank_desc(pd.DataFrame(S)).to_numpy(float)
    codes = list(agg.index)
    names = [model.entity_name(result, e, lang) for e in codes]
    order = sorted(
        range(len(codes)), key=lambda i: (np.isnan(R[i, 0]), R[i, 0] if R[i, 0] == R[i, 0] else 0, names[i])
    )
    S = np.where(np.isnan(S), None, S).tolist()
    R = np.where(np.isnan(R), None, R).tolist()
    rows = [
        {
            "code": codes[i],
            "name": names[i],
            "score": S[i][0],
            "rank": R[i][0],
            "pillars": {p: [S[i][j], R[i][j]] for j, p in enumerate(pillars, start=1)},
        }
        for i in order
    ]
    return {
        "root": fw.root,
        "rows": rows,
        "pillars": [
            {"code": p, "name": model.node_label(fw, p, lang), "level": fw[p].level} for p in pillars
        ],
        "unranked": {
            "label": t("unranked", lang),
            "note": model.unranked_note(result, lang),
            "rows": model.unranked(result, lang),
        },
    }


def uncertainty_payload(result: Result, res: Any, a: str, b: str, lang: str) -> dict[str, Any]:
    """Rank intervals of the index (nominal order) and P(a outranks b) for the index and the level below it."""
    fw = result.framework
    q_lo, q_hi = f"q{round(100 * min(res.quantiles)):02d}", f"q{round(100 * max(res.quantiles)):02d}"
    stats = res.rank_stats().sort_values(["nominal", "uCode"])
    rows = [
        {
            "code": r["uCode"],
            "name": model.entity_name(result, r["uCode"], lang),
            "nominal": r["nominal"],
            "median": r["median"],
            "lo": r[q_lo],
            "hi": r[q_hi],
        }
        for _, r in stats.iterrows()
    ]
    cmp = res.compare(a, b)
    p_ab, p_ba = cmp.columns[-2], cmp.columns[-1]
    probs = [
        {"node": r["node"], "name": node_label(fw, r["node"], lang), "p_ab": r[p_ab], "p_ba": r[p_ba]}
        for _, r in cmp.iterrows()
        if r["level"] >= fw.n_levels - 1
    ]
    return {
        "n": res.n,
        "interval": [min(res.quantiles), max(res.quantiles)],
        "rows": rows,
        "a": a,
        "b": b,
        "name_a": model.entity_name(result, a, lang),
        "name_b": model.entity_name(result, b, lang),
        "outranks": probs,
    }


def options(req: WhatIf) -> dict[str, Any]:
    """The keyword arguments of :func:`.state.rebuild` / :func:`.state.whatif` a request asks for."""
    return {
        "weights": req.weights,
        "normalise": req.normalise,
        "aggregate": req.aggregate,
        "entities": req.entities,
    }


def whatif_pair(
    ds: Dataset, req: UncertaintyRequest | SensitivityRequest
) -> tuple[dict[str, Any], Result, tuple[str, str]]:
    """The what-if's options, its build, and the two entities asked about (default: the data set's comparison)."""
    kw = options(req)
    result = rebuild(ds, **kw)
    wanted = (req.a, req.b) if req.a and req.b else model.compare_pair(result, ds.compare)
    a, b = (model.find_entity(result, k) for k in wanted)
    for key, code in zip(wanted, (a, b), strict=True):
        if code is None:
            raise NotFound(model.unknown_entity(result, key))
    return kw, result, (a, b)


def ranking_table(result: Result) -> pd.DataFrame:
    """The download's ranking: code, name, and the index's and every pillar's score and rank, by index rank; then
    the entities the screen set aside, with no score and their reason in ``not_ranked`` (as the report and the
    dashboard list them: a city is never silently missing from the file)."""
    fw = result.framework
    agg = result.aggregated
    out = pd.DataFrame({"uCode": agg.index, "uName": [model.entity_name(result, e) for e in agg.index]})
    for c in [fw.root, *model.pillar_codes(result)]:
        out[c] = agg[c].to_numpy()
        out[f"{c}_rank"] = rank_desc(agg[c]).to_numpy()
    out = out.sort_values(f"{fw.root}_rank", kind="stable").reset_index(drop=True)
    out["not_ranked"] = ""
    aside = pd.DataFrame(
        [{"uCode": u["code"], "uName": u["name"], "not_ranked": u["reason"]} for u in model.unranked(result)],
        columns=["uCode", "uName", "not_ranked"],
    )
    return pd.concat([out, aside], ignore_index=True) if len(aside) else out

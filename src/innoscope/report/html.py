"""The self-contained HTML report: one file, Plotly's JS embedded, no network, every user string escaped.

``build_report(result, lang=..., uncertainty=..., compare=...)`` returns the HTML text.
``report_figures(...)`` gives the figures by name (the same ones the report embeds), which
:func:`innoscope.report.export.write_figures` writes one file each.
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from innoscope import __version__
from innoscope.model.basemap import Basemap
from innoscope.pipeline.result import Result
from innoscope.report import figures, model
from innoscope.report.i18n import check_lang, flag_label, input_label, node_label, t

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's JS bundle from the installed ``plotly`` package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def script_json(obj: Any) -> Markup:
    """JSON safe to place inside a ``<script>`` element (``<``, ``>``, ``&``, U+2028/9 escaped)."""
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False, default=str)
    for ch, rep in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, rep)
    return Markup(text)  # noqa: S704 - escaped above for the script context


def figure_json(fig: go.Figure) -> Markup:
    """A figure as JSON for a ``<script>`` element, its text in UTF-8 like the page: plotly's orjson engine (its
    json engine writes each Chinese character as a 6-byte ``\\uXXXX`` escape, 3 bytes in UTF-8), then
    :func:`script_json`."""
    return script_json(pio.to_json(fig, validate=False, engine="orjson"))


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("innoscope.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["num"] = model.fmt_num
    env.filters["pct"] = lambda x: "–" if x is None or x != x else f"{100 * float(x):.1f}%"
    return env


def report_figures(
    result: Result,
    *,
    lang: str = "zh",
    uncertainty: Any = None,
    compare: tuple[str, str] = ("shenzhen", "hangzhou"),
    profiles: bool = True,
    audit: model.AuditView | None = None,
    sensitivity: Any = None,
    coordinates: pd.DataFrame | None = None,
    basemap: Basemap | None = None,
) -> dict[str, go.Figure]:
    """Every figure of the report, by file-friendly name (``map`` when ``coordinates`` are given, drawn over
    ``basemap``'s outlines when given)."""
    lang = check_lang(lang)
    figs: dict[str, go.Figure] = {"ranking": figures.ranking_bar(result, lang)}
    if coordinates is not None:
        figs["map"] = figures.city_map(result, coordinates, lang, basemap=basemap)
    table = model.ranking_table(result, uncertainty, lang)
    if "lo" in table.columns and table["lo"].notna().any():
        figs["rank_intervals"] = figures.rank_intervals(result, table, lang)
    if sensitivity is not None:
        figs["sensitivity"] = figures.sobol_bar(sensitivity.table, lang)
    figs["framework"] = figures.framework_sunburst(result, lang)
    for code in model.pillar_codes(result):
        figs[f"pillar_{code}"] = figures.pillar_bar(result, code, lang)
    a, b = model.compare_pair(result, compare)
    figs["comparison"] = figures.comparison_bar(result, a, b, lang)
    figs["comparison_radar"] = figures.radar(result, a, lang, other=b)
    gap = model.gap_rows(result, a, b, lang)
    if gap["gap"]:
        figs["comparison_gap"] = figures.gap_bar(result, a, b, lang, gap)
    audit = audit or model.audit_view(result, lang)
    figs["correlation"] = figures.correlation_heatmap(result, audit.corr, lang)
    if profiles:
        for e in profiled(result, compare):
            figs[f"profile_{e}"] = figures.radar(result, e, lang)
    return figs


PROFILE_LIMIT = 60
"""At most this many entity profiles in a report (all when there are no more): a national report of ~300 cities
profiles the top ones and the compared pair, and stays one file under 8 MB."""


def profiled(result: Result, compare: tuple[str, str]) -> list[str]:
    """The entities profiled: all when at most :data:`PROFILE_LIMIT`, else the top ones and the compared pair."""
    order = result.ranking().index.tolist()
    if len(order) <= PROFILE_LIMIT:
        return order
    pair = [e for e in model.compare_pair(result, compare) if e in order]
    top = [e for e in order if e not in pair][: PROFILE_LIMIT - len(pair)]
    return [e for e in order if e in set(top) | set(pair)]


def build_report(
    result: Result,
    *,
    lang: str = "zh",
    uncertainty: Any = None,
    compare: tuple[str, str] = ("shenzhen", "hangzhou"),
    sensitivity: Any = None,
    coordinates: pd.DataFrame | None = None,
    basemap: Basemap | None = None,
    tables: list[model.ReportTable] | None = None,
) -> str:
    """The report as one self-contained HTML document (opens offline; no CDN, no web fonts).

    ``uncertainty``: an :func:`~innoscope.analysis.uncertainty.uncertainty` result (rank intervals, P(A outranks
    B)); ``sensitivity``: a Sobol :func:`~innoscope.analysis.sensitivity.sensitivity` result (which choice
    matters most); ``coordinates``: entity id -> ``lng``, ``lat`` for the map of the cities; ``basemap``: outlines
    drawn under them (:func:`innoscope.cities.basemap.china`); ``tables``: sections the caller adds (title, note and
    a table each). Entities the screen set aside are listed under the ranking."""
    lang = check_lang(lang)
    fw = result.framework
    audit = model.audit_view(result, lang)
    figs = report_figures(
        result,
        lang=lang,
        uncertainty=uncertainty,
        compare=compare,
        audit=audit,
        sensitivity=sensitivity,
        coordinates=coordinates,
        basemap=basemap,
    )
    ranking = model.ranking_table(result, uncertainty, lang)
    has_iv = "lo" in ranking.columns and ranking["lo"].notna().any()
    scores, ranks = model.pillar_table(result)
    pillars = model.pillar_codes(result)
    a, b = model.compare_pair(result, compare)
    prov = model.provenance_table(result, lang)
    cmp = model.comparison(result, a, b, lang, uncertainty)
    ew = model.effective_weights(result)
    w = result.weights.get(result.active_weights)
    all_ranks = result.all_ranks()
    ctx = {
        "lang": lang,
        "t": lambda k, **f: t(k, lang, **f),
        "flag_label": lambda f: flag_label(f, lang),
        "title": f"{node_label(fw, fw.root, lang)} · {t('title', lang)}",
        "root_name": node_label(fw, fw.root, lang),
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "spec_hash": result.spec.hash(),
        "spec_name": result.spec.name or "",
        "source": result.data.source or "",
        "n_entities": len(result.aggregated.index) + len(model.unranked(result)),
        "n_indicators": len(fw.indicators),
        "ranking": ranking.reset_index(names="code").to_dict("records"),
        "unranked": model.unranked(result, lang),
        "unranked_note": model.unranked_note(result, lang),
        "tables": [
            {
                "id": x.id,
                "title": x.title,
                "note": x.note,
                "columns": list(x.frame.columns),
                "rows": x.frame.values,
            }
            for x in tables or []
        ],
        "has_intervals": has_iv,
        "uncertainty_design": _design(uncertainty),
        "sens_rows": []
        if sensitivity is None
        else [r | {"label": input_label(r["input"], lang)} for r in sensitivity.table.to_dict("records")],
        "sens_design": ""
        if sensitivity is None
        else f"N = {sensitivity.n_base}, {len(sensitivity.U)} runs; {', '.join(sensitivity.table['input'])}",
        "pillars": [{"code": c, "name": node_label(fw, c, lang), "level": fw[c].level} for c in pillars],
        "pillar_rows": [
            {
                "code": e,
                "name": model.entity_name(result, e, lang),
                "cells": [(scores.loc[e, c], ranks.loc[e, c]) for c in pillars],
            }
            for e in scores.index
        ],
        "profiles": [model.profile(result, e, lang, ranks=all_ranks) for e in profiled(result, compare)],
        "profiles_limited": len(result.ranking().index) > PROFILE_LIMIT,
        "has_map": "map" in figs,
        "cmp": cmp,
        "in_short": model.summary_sentences(
            result, a, b, lang, p_outranks=cmp["p_outrank"], design=_varied(uncertainty, lang), gap=cmp
        ),
        "audit": audit,
        "audit_flags": audit.flags.to_dict("records"),
        "prov": prov.to_dict("records"),
        "steps": model.methodology(result),
        "weights": [
            {
                "code": n.id,
                "name": node_label(fw, n.id, lang),
                "level": n.level,
                "weight": float(w.get(n.id, n.weight)) if w is not None else n.weight,
                "effective": float(ew.get(n.id, float("nan"))),
                "direction": n.direction if n.kind == "indicator" else None,
            }
            for n in sorted(fw.nodes, key=lambda n: -n.level)
        ],
        "figs": {k: figure_json(v) for k, v in figs.items()},
        "plotly_config": script_json(PLOTLY_CONFIG),
        "plotly_js": Markup(plotly_js()),  # noqa: S704 - the installed plotly bundle
    }
    return _env().get_template("report.html.j2").render(**ctx)


def _varied(uncertainty: Any, lang: str) -> str:
    """The uncertain choices a Monte Carlo varied, named in ``lang`` ("" without a run)."""
    if uncertainty is None or not hasattr(uncertainty, "engine"):
        return ""
    return ("、" if lang == "zh" else ", ").join(
        input_label(inp.name, lang) for inp in uncertainty.engine.inputs
    )


def _design(uncertainty: Any) -> str:
    """``N runs; varied: Weights, Normalisation, ...`` for the note under the rank intervals ("" without a run)."""
    if uncertainty is None or not hasattr(uncertainty, "engine"):
        return ""
    names = ", ".join(inp.name for inp in uncertainty.engine.inputs)
    return f"N = {uncertainty.n}; {names}"

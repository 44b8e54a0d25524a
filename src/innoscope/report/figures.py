"""The report's figures, one function per figure, each returning a :class:`plotly.graph_objects.Figure`.

Every string that comes from user files (entity names, node names) goes through :func:`ptext`,
which HTML-escapes it: Plotly renders a small HTML subset in labels, and escaped text shows
literally (``<script>`` stays visible text, never markup).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from innoscope.model.basemap import Basemap
from innoscope.pipeline.result import Result
from innoscope.report import model
from innoscope.report.i18n import input_label, node_label, t

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, Helvetica, Arial, sans-serif"
COLORS = ("#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b8860b")


def ptext(s: Any) -> str:
    """Escape text for a Plotly label so it is shown literally."""
    return html.escape(str(s), quote=False)


def _layout(fig: go.Figure, title: str, height: int = 420, **kw: Any) -> go.Figure:
    kw.setdefault("margin", {"l": 10, "r": 10, "t": 50, "b": 30})
    fig.update_layout(
        title={"text": ptext(title), "x": 0.01},
        height=height,
        font={"family": FONT, "size": 12},
        paper_bgcolor="white",
        plot_bgcolor="white",
        **kw,
    )
    return fig


def ranking_bar(result: Result, lang: str, top: int | None = None) -> go.Figure:
    """Index scores, best first (horizontal bars)."""
    r = model.ranking_table(result, lang=lang).dropna(subset=["score"])
    if top:
        r = r.head(top)
    labels = [f"{int(k)}. {ptext(n)}" for k, n in zip(r["rank"], r["name"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=r["score"],
            y=labels,
            orientation="h",
            marker_color=COLORS[0],
            text=[f"{v:.1f}" for v in r["score"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t("score", lang), gridcolor="#eee")
    root = node_label(result.framework, result.framework.root, lang)
    return _layout(fig, f"{root}: {t('ranking', lang)}", height=max(300, 22 * len(r) + 90))


def rank_intervals(result: Result, table: pd.DataFrame, lang: str) -> go.Figure:
    """Nominal rank with the uncertainty analysis' rank interval as error bars."""
    r = table.dropna(subset=["lo", "hi"])
    labels = [ptext(n) for n in r["name"]]
    fig = go.Figure(
        go.Scatter(
            x=r["rank"],
            y=labels,
            mode="markers",
            marker={"color": COLORS[0], "size": 8},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": r["hi"] - r["rank"],
                "arrayminus": r["rank"] - r["lo"],
                "color": "#888",
            },
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t("rank", lang), gridcolor="#eee")
    return _layout(fig, t("rank_interval", lang), height=max(300, 20 * len(r) + 90))


def sobol_bar(table: pd.DataFrame, lang: str) -> go.Figure:
    """Sobol first-order (S1) and total (ST) indices of each uncertain choice, with their intervals."""
    fig = go.Figure()
    for key, color in (("S1", COLORS[0]), ("ST", COLORS[1])):
        fig.add_trace(
            go.Bar(
                x=[ptext(input_label(x, lang)) for x in table["input"]],
                y=table[key],
                name=key,
                marker_color=color,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": table[f"{key}_hi"] - table[key],
                    "arrayminus": table[key] - table[f"{key}_lo"],
                    "color": "#666",
                },
                hovertemplate="%{x}: %{y:.2f}<extra>" + key + "</extra>",
            )
        )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.08})
    fig.update_yaxes(gridcolor="#eee", zeroline=True)
    return _layout(fig, t("which_choice", lang), height=380)


def framework_sunburst(result: Result, lang: str) -> go.Figure:
    """The indicator tree; wedge size = effective weight of each indicator in the index."""
    fw = result.framework
    ew = model.effective_weights(result)
    ids = [n.id for n in fw.nodes]
    fig = go.Figure(
        go.Sunburst(
            ids=ids,
            parents=[fw[c].parent or "" for c in ids],
            labels=[ptext(node_label(fw, c, lang)) for c in ids],
            values=[float(ew.get(c, 0.0)) if fw[c].kind == "indicator" else 0.0 for c in ids],
            branchvalues="remainder",
            insidetextorientation="radial",
            hovertext=[ptext(f"{c} · {t('weight', lang)} {100 * ew.get(c, 0.0):.1f}%") for c in ids],
            hoverinfo="label+text",
        )
    )
    return _layout(fig, t("framework", lang), height=620, margin={"l": 0, "r": 0, "t": 40, "b": 0})


def pillar_bar(result: Result, code: str, lang: str) -> go.Figure:
    """One pillar's scores, best first."""
    s = result.aggregated[code].dropna().sort_values(ascending=False)
    r = model.rank_desc(s)
    labels = [
        f"{int(k)}. {ptext(model.entity_name(result, e, lang))}" for e, k in zip(s.index, r, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=s.to_numpy(),
            y=labels,
            orientation="h",
            marker_color=COLORS[2],
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(gridcolor="#eee")
    return _layout(fig, node_label(result.framework, code, lang), height=max(260, 18 * len(s) + 80))


def radar(result: Result, code: str, lang: str, other: str | None = None) -> go.Figure:
    """An entity's pillar scores against the median of all entities (or against ``other``)."""
    fw = result.framework
    lvl = model.radar_level(result)
    pillars = fw.codes(lvl)
    theta = [ptext(node_label(fw, p, lang)) for p in pillars]
    agg = result.aggregated
    fig = go.Figure()

    def trace(values: np.ndarray, name: str, color: str, dash: str | None = None) -> None:
        fig.add_trace(
            go.Scatterpolar(
                r=list(values) + [values[0]],
                theta=theta + [theta[0]],
                name=ptext(name),
                line={"color": color, "dash": dash},
                fill="toself" if dash is None else None,
                opacity=0.8,
            )
        )

    trace(agg.loc[code, pillars].to_numpy(float), model.entity_name(result, code, lang), COLORS[0])
    if other is not None:
        trace(agg.loc[other, pillars].to_numpy(float), model.entity_name(result, other, lang), COLORS[1])
    else:
        trace(agg[pillars].median().to_numpy(float), t("median", lang), "#888", dash="dot")
    fig.update_layout(
        polar={"radialaxis": {"visible": True}}, showlegend=True, legend={"orientation": "h", "y": -0.1}
    )
    return _layout(
        fig, model.entity_name(result, code, lang), height=420, margin={"l": 40, "r": 40, "t": 50, "b": 40}
    )


def comparison_bar(result: Result, a: str, b: str, lang: str) -> go.Figure:
    """Two entities' scores on the index and every pillar, side by side."""
    fw = result.framework
    codes = [fw.root, *model.pillar_codes(result)]
    labels = [ptext(node_label(fw, c, lang)) for c in codes]
    fig = go.Figure()
    for e, color in ((a, COLORS[0]), (b, COLORS[1])):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=result.aggregated.loc[e, codes].to_numpy(float),
                name=ptext(model.entity_name(result, e, lang)),
                marker_color=color,
                hovertemplate="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.08})
    fig.update_yaxes(title=t("score", lang), gridcolor="#eee")
    fig.update_xaxes(automargin=True)
    title = t("a_vs_b", lang, a=model.entity_name(result, a, lang), b=model.entity_name(result, b, lang))
    return _layout(fig, title, height=440)


def gap_bar(result: Result, a: str, b: str, lang: str, cmp: dict[str, Any]) -> go.Figure:
    """Each indicator's contribution to the index gap between two entities (points; they add up to the gap);
    ``cmp``: their :func:`~innoscope.report.model.gap_rows`."""
    rows = cmp["gap"]
    labels = [ptext(r["name"]) + (" *" if r["moved"] else "") for r in rows]
    values = [r["contribution"] for r in rows]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=[COLORS[0] if v >= 0 else COLORS[1] for v in values],
            hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t("contribution", lang), gridcolor="#eee", zeroline=True, zerolinecolor="#888")
    d = f"{cmp['gap_total']:+.1f}"
    title = t(
        "gap_title", lang, a=model.entity_name(result, a, lang), b=model.entity_name(result, b, lang), d=d
    )
    return _layout(fig, title, height=max(300, 26 * len(rows) + 110))


def correlation_heatmap(result: Result, corr: pd.DataFrame, lang: str) -> go.Figure:
    """Correlations between the index and its pillars (red positive, blue negative)."""
    fw = result.framework
    labels = [ptext(node_label(fw, c, lang) if c in fw else c) for c in corr.columns]
    z = corr.to_numpy(float)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            reversescale=True,
            text=np.round(z, 2),
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(automargin=True, tickangle=-40)
    n = len(labels)
    return _layout(fig, t("correlation", lang), height=max(380, 28 * n + 160))


LAND, BORDER, OUTLINE = "#f3f1ec", "#b9b4aa", "#7d776c"


def _svg_path(lines: list[np.ndarray], closed: bool) -> str:
    """An SVG path through each line (``M x,y L ...``, ``Z`` when closed) in data coordinates."""
    end = "Z" if closed else ""
    return "".join("M" + "L".join(f"{x:g},{y:g}" for x, y in ln.tolist()) + end for ln in lines)


def basemap_shapes(basemap: Basemap) -> list[dict[str, Any]]:
    """Plotly layout shapes drawing the outline map under the data: land filled, province borders thin, coast and
    national border darker. Shapes, not traces, so the cities stay trace 0 and nothing is fetched."""
    rings = [ring for r in basemap.regions for poly in r.polygons for ring in poly[:1]]
    common = {"type": "path", "xref": "x", "yref": "y", "layer": "below"}
    return [
        common | {"path": _svg_path(rings, True), "fillcolor": LAND, "line": {"width": 0}},
        common | {"path": _svg_path(basemap.lines("border"), False), "line": {"color": BORDER, "width": 0.6}},
        common
        | {"path": _svg_path(basemap.lines("outline"), False), "line": {"color": OUTLINE, "width": 0.8}},
    ]


def basemap_labels(basemap: Basemap, lang: str) -> go.Scatter:
    """Province names at their label points (grey text, no hover)."""
    labels = basemap.labels(lang)
    return go.Scatter(
        x=[x for _, x, _ in labels],
        y=[y for _, _, y in labels],
        text=[ptext(n) for n, _, _ in labels],
        mode="text",
        textfont={"size": 10, "color": "#8a8478"},
        hoverinfo="skip",
        showlegend=False,
        name="provinces",
    )


def city_map(
    result: Result, coordinates: pd.DataFrame, lang: str, basemap: Basemap | None = None
) -> go.Figure:
    """Cities at their seats' coordinates (x = longitude, y = latitude, the y axis stretched by 1/cos 35° so that
    China keeps its shape), coloured by the index or, through the menu, by a pool; hover: name, score and rank of
    every pool. Drawn on plain axes over the bundled ``basemap`` (province outlines as layout shapes, names as
    trace 1): nothing is fetched, so the figure opens offline. ``coordinates``: index entity id, columns ``lng``,
    ``lat`` (entities without coordinates are left out)."""
    fw = result.framework
    agg = result.aggregated
    ranks = result.all_ranks()
    nodes = [fw.root, *model.pillar_codes(result)]
    ents = [e for e in agg.index if e in coordinates.index and np.isfinite(coordinates.at[e, "lng"])]
    names = [ptext(model.entity_name(result, e, lang)) for e in ents]
    labels = [ptext(node_label(fw, c, lang)) for c in nodes]
    n_ranked = {c: int(agg[c].notna().sum()) for c in nodes}

    def cell(e: str, c: str) -> str:
        s, r = agg.at[e, c], ranks.at[e, c] if c in ranks.columns else np.nan
        return "—" if not np.isfinite(s) else f"{s:.1f} ({t('rank', lang)} {int(r)}/{n_ranked[c]})"

    hover = [
        "<b>"
        + n
        + "</b><br>"
        + "<br>".join(f"{lab}: {cell(e, c)}" for lab, c in zip(labels, nodes, strict=True))
        for e, n in zip(ents, names, strict=True)
    ]
    top = set(agg[fw.root].dropna().sort_values(ascending=False).index[:15])
    fig = go.Figure(
        go.Scatter(
            x=coordinates.loc[ents, "lng"],
            y=coordinates.loc[ents, "lat"],
            mode="markers+text",
            text=[n if e in top else "" for e, n in zip(ents, names, strict=True)],
            textposition="top center",
            textfont={"size": 10},
            customdata=[[e, n] for e, n in zip(ents, names, strict=True)],
            hovertext=hover,
            hoverinfo="text",
            marker={
                "color": agg.loc[ents, fw.root],
                "colorscale": "Viridis",
                "size": 9,
                "line": {"width": 0.5, "color": "#333"},
                "colorbar": {"title": {"text": labels[0]}},
                "showscale": True,
            },
            name=labels[0],
        )
    )
    buttons = [
        {
            "label": lab,
            "method": "restyle",
            "args": [{"marker.color": [agg.loc[ents, c].tolist()], "marker.colorbar.title.text": lab}, [0]],
        }
        for lab, c in zip(labels, nodes, strict=True)
    ]
    fig.update_layout(
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 1.0,
                "y": 1.1,
                "xanchor": "right",
                "showactive": True,
            }
        ]
    )
    fig.update_xaxes(title=t("longitude", lang), gridcolor="#eee", zeroline=False)
    fig.update_yaxes(
        title=t("latitude", lang),
        gridcolor="#eee",
        zeroline=False,
        scaleanchor="x",
        scaleratio=1 / np.cos(np.radians(35)),
    )
    if basemap is not None:
        _draw_basemap(fig, basemap, lang)
    return _layout(
        fig,
        f"{labels[0]}: {t('map', lang)}",
        height=620 if basemap is None else 760,
        margin={"l": 10, "r": 10, "t": 90, "b": 30},
    )


def _draw_basemap(fig: go.Figure, basemap: Basemap, lang: str) -> None:
    """Outlines under the cities, province names, and bare axes framed on the map."""
    fig.add_trace(basemap_labels(basemap, lang))
    fig.update_layout(shapes=basemap_shapes(basemap), showlegend=False)
    x0, y0, x1, y1 = basemap.bounds()
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_xaxes(range=[x0 - 0.5, x1 + 0.5], **axis)
    fig.update_yaxes(range=[y0 - 0.5, y1 + 0.5], **axis)

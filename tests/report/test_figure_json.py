"""Report figures are embedded as UTF-8 JSON (a Chinese character is 3 bytes, not a 6-byte ``\\uXXXX`` escape),
still safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, so no text closes the element."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from innoscope.report.html import figure_json

NASTY = "深圳 </script><script>alert(1)</script> & \u2028\u2029 杭州"


def _figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["深圳", "杭州"], y=[2.66, float("nan")], name=NASTY))
    fig.update_layout(title="创新能力 (万)")
    return fig


def test_chinese_text_is_written_as_utf8():
    text = str(figure_json(_figure()))
    assert "深圳" in text and "杭州" in text and "创新能力 (万)" in text
    assert "\\u6df1" not in text  # 深 = U+6DF1, as the json engine escaped it


def test_still_safe_inside_a_script_element():
    text = str(figure_json(_figure()))
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert "\\u003c\\u002fscript\\u003e" in text and "\\u0026" in text and "\\u2028\\u2029" in text


def test_same_figure_as_plotly_json_engine():
    """Differential: the JSON parses to what plotly's json engine (the old path) gives, NaN as null."""
    fig = _figure()
    got = json.loads(str(figure_json(fig)))
    assert got == json.loads(pio.to_json(fig, validate=False, engine="json"))
    assert got["data"][0]["name"] == NASTY and got["data"][0]["y"] == [2.66, None]

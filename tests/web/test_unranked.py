"""The dashboard lists every entity, as the report does: one the screen sets aside comes after the ranking as not
ranked (未排名), with the report's note: the screen's rule and each reason (issue 12: 三沙 was missing)."""

from __future__ import annotations

import dataclasses
import html

import numpy as np

from innoscope import build
from innoscope.pipeline import PipelineSpec
from innoscope.report import build_report
from innoscope.web.app import create_app
from innoscope.web.state import Dataset
from tests.web._asem import TestClient, asem_client

SCREEN = [{"screen": {"method": "byNA", "dat_thresh": 0.5}}, "normalise", "aggregate"]


def _without_china(asem):
    fw, cs = asem
    values = cs.values.copy()
    values.loc["CHN", :] = np.nan  # China without a single value: under any availability threshold
    return fw, dataclasses.replace(cs, values=values)


def test_a_screened_entity_is_listed_after_the_ranking_with_the_rule(asem):
    fw, cs = _without_china(asem)
    ds = Dataset(id="asem", label="ASEM", framework=fw, data=cs, spec=PipelineSpec.from_obj(SCREEN))
    c = TestClient(create_app(ds), raise_server_exceptions=False, base_url="http://127.0.0.1")
    p = c.post("/api/compute", json={"lang": "en"}).json()
    assert len(p["rows"]) == 50 and "CHN" not in {r["code"] for r in p["rows"]}
    n = len(fw.indicators)
    reason = f"data availability 0.000 < dat_thresh 0.5 ({n} of {n} values missing)"
    assert p["unranked"]["rows"] == [{"code": "CHN", "name": "China", "reason": reason}]
    assert p["unranked"]["label"] == "not ranked"
    note = p["unranked"]["note"]
    assert note.startswith(
        "Not ranked (1): set aside by the screen step (byNA, dat_thresh 0.5) for too little"
    )
    assert note.endswith(f"China: {reason}")
    report = build_report(build(fw, cs, SCREEN), lang="en", compare=("JPN", "KOR"))
    assert f'id="unranked-note">{html.escape(note, quote=False)}</p>' in report  # the report's own words

    zh = c.post("/api/compute", json={"lang": "zh"}).json()["unranked"]
    assert zh["label"] == "未排名" and zh["note"].startswith(
        "未排名（1 个）：数据覆盖不足，被筛选步骤（byNA, dat_thresh 0.5）"
    )


def test_without_a_screen_nothing_is_unranked(asem):
    p = asem_client(asem).post("/api/compute", json={"lang": "en"}).json()
    assert len(p["rows"]) == 51
    assert p["unranked"] == {"label": "not ranked", "note": "", "rows": []}


def test_the_ranking_download_lists_the_screened_entity_last_with_its_reason(asem):
    """The CSV and xlsx downloads carried only the ranked entities: China, set aside by the screen, was missing
    from the file while the page listed it."""
    import io

    import openpyxl
    import pandas as pd

    fw, cs = _without_china(asem)
    ds = Dataset(id="asem", label="ASEM", framework=fw, data=cs, spec=PipelineSpec.from_obj(SCREEN))
    c = TestClient(create_app(ds), raise_server_exceptions=False, base_url="http://127.0.0.1")
    df = pd.read_csv(io.BytesIO(c.post("/api/download/csv", json={}).content), encoding="utf-8-sig")
    n = len(fw.indicators)
    assert len(df) == 51 and df["uCode"].iloc[-1] == "CHN"
    assert (
        df["not_ranked"].iloc[-1] == f"data availability 0.000 < dat_thresh 0.5 ({n} of {n} values missing)"
    )
    assert (
        df["not_ranked"].iloc[:50].isna().all()
        and df.iloc[-1].drop(["uCode", "uName", "not_ranked"]).isna().all()
    )
    wb = openpyxl.load_workbook(io.BytesIO(c.post("/api/download/xlsx", json={}).content), read_only=True)
    rows = list(wb["Ranking"].values)
    assert rows[-1][0] == "CHN" and len(rows) == 52

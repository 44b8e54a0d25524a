"""The dashboard's JSON API with FastAPI's TestClient: good input, and every kind of bad input -> 4xx."""

from __future__ import annotations

import io
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from innoscope import Framework, PipelineSpec, build
from innoscope.web.app import create_app
from innoscope.web.state import Dataset

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette asks for httpx2; the installed httpx works
    from fastapi.testclient import TestClient

SPEC = ["denominate", "normalise", "aggregate"]
RAW = {"Content-Type": "application/octet-stream"}  # an upload is a raw body of a non-form type


@pytest.fixture(scope="module")
def ds(asem):
    fw, cs = asem
    return Dataset(id="asem", label="ASEM", framework=fw, data=cs, spec=PipelineSpec.from_obj(SPEC))


@pytest.fixture(scope="module")
def client(ds):
    return TestClient(
        create_app(ds, max_upload=200_000), raise_server_exceptions=False, base_url="http://127.0.0.1"
    )


def _reweighted(fw: Framework, weights: dict[str, float]) -> Framework:
    nodes = [n.model_copy(update={"weight": weights.get(n.id, n.weight)}) for n in fw.nodes]
    return Framework(nodes=nodes, denominators=fw.denominators, groups=fw.groups)


def _idata_csv(cs, rows=None, names=None) -> bytes:
    df = cs.to_idata()
    if rows is not None:
        df = df.iloc[rows]
    if names:
        df["uName"] = [names.get(c, n) for c, n in zip(df["uCode"], df["uName"], strict=True)]
    return df.to_csv(index=False).encode()


def test_meta(client, asem):
    r = client.get("/api/meta")
    assert r.status_code == 200
    m = r.json()
    assert m["root"] == "Index" and len(m["entities"]) == 51
    assert {n["code"] for n in m["nodes"]} == set(asem[0].by_id)
    assert "minmax" in m["methods"]["normalise"] and "arithmetic" in m["methods"]["aggregate"]


def test_compute_default_matches_build(client, asem):
    fw, cs = asem
    expected = build(fw, cs, SPEC).ranking()
    rows = client.post("/api/compute", json={}).json()["rows"]
    assert [r["code"] for r in rows] == list(expected.index)
    assert [r["score"] for r in rows] == pytest.approx(expected["score"].to_list(), rel=1e-12)


def test_compute_zero_weight_gives_the_other_subindex(client, asem):
    # Index = weighted mean of Conn and Sust; with Sust weight 0 the index IS the Conn score (hand reasoning).
    fw, cs = asem
    base = build(fw, cs, SPEC).aggregated
    rows = client.post("/api/compute", json={"weights": {"Sust": 0}}).json()["rows"]
    got = pd.Series({r["code"]: r["score"] for r in rows})
    np.testing.assert_allclose(got.reindex(base.index), base["Conn"], rtol=1e-12)
    assert [r["code"] for r in rows] == list(base["Conn"].sort_values(ascending=False, kind="stable").index)


def test_compute_weights_match_build_with_those_weights(client, asem):
    fw, cs = asem
    w = {"Conn": 3.0, "Physical": 0.2, "Social": 4.5, "LPI": 2.0}
    expected = build(_reweighted(fw, w), cs, SPEC).ranking()
    rows = client.post("/api/compute", json={"weights": w}).json()["rows"]
    assert [r["code"] for r in rows] == list(expected.index)


def test_compute_subset_and_methods(client, asem):
    fw, cs = asem
    ents = ["CHN", "JPN", "KOR", "DEU"]
    rows = client.post("/api/compute", json={"entities": ents}).json()["rows"]
    expected = build(fw, cs.subset(ents), SPEC).ranking()
    assert [r["code"] for r in rows] == list(expected.index)
    r = client.post("/api/compute", json={"normalise": "minmax", "aggregate": "arithmetic"})
    assert r.status_code == 200


def test_compare_and_profile(client, asem):
    fw, cs = asem
    agg = build(fw, cs, SPEC).aggregated
    c = client.post("/api/compare", json={"a": "China", "b": "jpn"}).json()
    assert (c["a"], c["b"]) == ("CHN", "JPN")
    row = next(r for r in c["rows"] if r["code"] == "Conn")
    assert row["diff"] == pytest.approx(agg.loc["CHN", "Conn"] - agg.loc["JPN", "Conn"])
    assert row["leader"] == ("CHN" if row["diff"] > 0 else "JPN")
    p = client.post("/api/profile", json={"entity": "CHN", "lang": "en"}).json()
    assert p["name"] == "China" and len(p["pillars"]) == 8


def test_downloads(client, asem):
    fw, cs = asem
    expected = build(fw, cs, SPEC).ranking()
    r = client.post("/api/download/csv", json={})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    df = pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig")
    assert list(df["uCode"]) == list(expected.index)
    r = client.post("/api/download/xlsx", json={"weights": {"Sust": 0}})
    wb = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    assert {"Ranking", "Raw", "Normalised", "Aggregated", "Weights"} <= set(wb.sheetnames)
    r = client.post("/api/download/report", json={"lang": "en"})
    assert r.status_code == 200 and r.text.startswith("<!DOCTYPE html>") and "Headline ranking" in r.text


def test_openapi_schema(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/meta",
        "/api/compute",
        "/api/compare",
        "/api/profile",
        "/api/upload",
        "/api/download/{kind}",
        "/api/uncertainty",
        "/api/sensitivity",
    ):
        assert path in spec["paths"]
    assert "WhatIf" in spec["components"]["schemas"]


def test_upload_csv_and_xlsx(client, asem):
    fw, cs = asem
    raw = _idata_csv(cs, rows=list(range(0, 51, 2)))
    r = client.post("/api/upload?filename=part.csv&dataset=asem", headers=RAW, content=raw)
    assert r.status_code == 200, r.text
    new = r.json()["dataset"]
    rows = client.post("/api/compute", json={"dataset": new}).json()["rows"]
    expected = build(fw, cs.subset(cs.entities[0:51:2]), SPEC).ranking()
    assert [x["code"] for x in rows] == list(expected.index)
    buf = io.BytesIO()
    cs.to_idata().iloc[0:51:3].to_excel(buf, index=False)
    r = client.post("/api/upload?filename=part.xlsx", headers=RAW, content=buf.getvalue())
    assert r.status_code == 200 and r.json()["n_entities"] == 17
    # GBK-encoded CSV with Chinese names
    gbk = cs.to_idata().iloc[0:51:2].copy()
    gbk.loc[gbk.index[:6], "uName"] = ["深圳", "杭州", "北京", "上海", "广州", "南京"]
    r = client.post(
        "/api/upload?filename=gbk.csv", headers=RAW, content=gbk.to_csv(index=False).encode("gbk")
    )
    assert r.status_code == 200, r.text
    names = {e["name"] for e in client.get(f"/api/meta?dataset={r.json()['dataset']}").json()["entities"]}
    assert {"深圳", "杭州", "北京", "上海", "广州", "南京"} <= names


BAD_JSON = [
    ("/api/compute", '{"weights": {"Conn": "heavy"}}', 422),  # wrong type
    ("/api/compute", '{"weights": {"Conn": -1}}', 422),  # negative weight
    ("/api/compute", '{"weights": {"Conn": 1e400}}', 422),  # not finite
    ("/api/compute", '{"weights": {"Nope": 1}}', 422),  # unknown node
    ("/api/compute", '{"weights": {"Conn": 0, "Sust": 0}}', 422),  # all children weight 0
    ("/api/compute", '{"weights": [1, 2]}', 422),  # wrong shape
    ("/api/compute", '{"weights": {"Conn": 1}', 422),  # malformed JSON
    ("/api/compute", "not json at all", 422),
    ("/api/compute", '{"normalise": "nosuch"}', 422),  # unknown method
    ("/api/compute", '{"bogus": 1}', 422),  # unknown field
    ("/api/compute", '{"entities": ["CHN"]}', 422),  # fewer than 2
    ("/api/compute", '{"entities": ["CHN", "ATLANTIS"]}', 404),  # unknown entity
    ("/api/compute", '{"dataset": "nosuch"}', 404),  # unknown data set
    ("/api/compute", '{"lang": "fr"}', 422),
    ("/api/compare", '{"a": "CHN"}', 422),  # missing field
    ("/api/compare", '{"a": "CHN", "b": "ATLANTIS"}', 404),
    ("/api/compare", '{"a": 1, "b": 2}', 422),
    ("/api/profile", '{"entity": "ATLANTIS"}', 404),
    ("/api/profile", '{"entity": null}', 422),
    ("/api/download/pdf", "{}", 422),  # unknown kind
    ("/api/download/csv", '{"weights": {"Conn": "x"}}', 422),
    ("/api/uncertainty", '{"n": 10}', 422),  # too few runs
    ("/api/uncertainty", '{"n": "many"}', 422),
    ("/api/uncertainty", '{"seed": -1}', 422),
    ("/api/uncertainty", '{"a": "CHN", "b": "ATLANTIS"}', 404),
    ("/api/uncertainty", '{"a": "CHN", "b": "CHN"}', 422),  # an entity against itself
    ("/api/sensitivity", '{"n": 100}', 422),  # not a power of 2
    ("/api/sensitivity", '{"n": 1048576}', 422),  # too many runs
    ("/api/sensitivity", '{"a": "ATLANTIS", "b": "CHN"}', 404),
    ("/api/sensitivity", '{"weights": {"Nope": 1}}', 422),
]


@pytest.mark.parametrize(("path", "body", "status"), BAD_JSON)
def test_bad_json_input_is_a_clear_4xx(client, path, body, status):
    r = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_bad_query_and_methods(client):
    assert client.get("/api/meta?dataset=nosuch").status_code == 404
    assert client.get("/api/compute").status_code == 405
    assert (
        client.post("/api/compute", content="{}", headers={"Content-Type": "text/plain"}).status_code == 422
    )


def test_upload_errors(client, asem):
    fw, cs = asem
    big = b"uCode,uName\n" + b"X" * 250_000
    r = client.post("/api/upload?filename=big.csv", headers=RAW, content=big)
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    r = client.post("/api/upload?filename=data.exe", headers=RAW, content=b"MZ")
    assert r.status_code == 415
    r = client.post("/api/upload", headers=RAW, content=b"a,b")
    assert r.status_code == 422  # filename is required
    r = client.post("/api/upload?filename=empty.csv", headers=RAW, content=b"")
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    bad = cs.to_idata().iloc[:5].astype({"LPI": object})
    bad.loc[bad.index[2], "LPI"] = "three point five"
    r = client.post("/api/upload?filename=bad.csv", headers=RAW, content=bad.to_csv(index=False).encode())
    assert r.status_code == 422
    assert "row 4, column 'LPI'" in r.json()["detail"] and "not a number" in r.json()["detail"]
    r = client.post(
        "/api/upload?filename=missing.csv",
        headers=RAW,
        content=cs.to_idata().drop(columns=["LPI"]).to_csv(index=False).encode(),
    )
    assert r.status_code == 422 and "LPI" in r.json()["detail"]
    r = client.post(
        "/api/upload?filename=bad.xlsx", headers=RAW, content=b"PK\x03\x04 this is not a workbook"
    )
    assert r.status_code == 422 and "xlsx" in r.json()["detail"]
    r = client.post("/api/upload?filename=x.csv&dataset=nosuch", headers=RAW, content=b"a,b\n1,2\n")
    assert r.status_code == 404


def test_upload_never_touches_disk(client, asem, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    r = client.post(
        "/api/upload?filename=part.csv", headers=RAW, content=_idata_csv(asem[1], rows=list(range(0, 51, 2)))
    )
    assert r.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_xss_names_are_returned_as_data(client, asem):
    xss = "<script>alert(1)</script>"
    r = client.post(
        "/api/upload?filename=xss.csv",
        headers=RAW,
        content=_idata_csv(asem[1], rows=list(range(0, 51, 2)), names={"AUT": xss}),
    )
    rows = client.post("/api/compute", json={"dataset": r.json()["dataset"]}).json()["rows"]
    assert xss in [x["name"] for x in rows]
    assert r.headers["content-type"].startswith("application/json")


def test_index_page_and_plotly_served_locally(client):
    r = client.get("/")
    assert r.status_code == 200 and '<script src="/vendor/plotly.min.js">' in r.text
    assert "http://" not in r.text and "https://" not in r.text
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_upload_non_numeric_denominator_is_422(client, asem):
    df = _idata_csv(asem[1]).decode().replace("8735.453", "8735?453")  # AUT's population
    r = client.post("/api/upload?filename=den.csv", headers=RAW, content=df.encode())
    assert r.status_code == 422 and "8735?453" in r.json()["detail"]

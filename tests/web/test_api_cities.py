"""The dashboard on the bundled city data: default 深圳 vs 杭州, cited-file uploads validated as `innoscope run`."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from innoscope import build
from innoscope.cities.cited import bundled_path
from innoscope.cli.report import load_inputs
from innoscope.web.app import create_app
from innoscope.web.state import Dataset

RAW = {"Content-Type": "application/octet-stream"}  # an upload is a raw body of a non-form type

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette asks for httpx2; the installed httpx works
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def cities():
    fw, cs, spec = load_inputs(None, None, None, None)
    return fw, cs, spec


@pytest.fixture
def client(cities, tmp_path, monkeypatch):
    fw, cs, spec = cities
    monkeypatch.chdir(tmp_path)
    app = create_app(
        Dataset(id="cities", label="three_pools", framework=fw, data=cs, spec=spec, compare=("深圳", "杭州"))
    )
    return TestClient(
        app, raise_server_exceptions=False, base_url="http://127.0.0.1"
    ), tmp_path / ".innoscope"


def test_default_comparison_is_shenzhen_hangzhou(client, cities):
    c, _ = client
    fw, cs, spec = cities
    m = c.get("/api/meta").json()
    assert m["compare"] == ["shenzhen", "hangzhou"]
    cmp = c.post("/api/compare", json={"a": "深圳", "b": "Hangzhou"}).json()
    agg = build(fw, cs, spec).aggregated
    talent = next(r for r in cmp["rows"] if r["code"] == "talent")
    assert talent["a"] == pytest.approx(agg.loc["shenzhen", "talent"])
    assert talent["leader"] == (
        "shenzhen" if agg.loc["shenzhen", "talent"] > agg.loc["hangzhou", "talent"] else "hangzhou"
    )


def test_city_file_upload_as_innoscope_run(client, cities):
    c, updir = client
    fw, cs, spec = cities
    raw = bundled_path().read_bytes()
    r = c.post("/api/upload?filename=city_indicators.csv", headers=RAW, content=raw)
    assert r.status_code == 200, r.text
    rows = c.post("/api/compute", json={"dataset": r.json()["dataset"]}).json()["rows"]
    assert [x["code"] for x in rows] == list(build(fw, cs, spec).ranking().index)
    assert not updir.exists()  # read from memory: no upload folder, no file


def test_malformed_city_file_names_the_line(client):
    c, updir = client
    lines = bundled_path().read_text(encoding="utf-8").splitlines()
    head, first = lines[0], lines[1].split(",")
    first[4] = "lots"  # value column
    bad = "\n".join([head, ",".join(first), *lines[2:]]) + "\n"
    r = c.post("/api/upload?filename=mine.csv", headers=RAW, content=bad.encode("utf-8"))
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "mine.csv" in detail and "line 2" in detail and str(updir) not in detail
    assert not updir.exists()


def test_uncertainty_is_the_library_run_on_the_what_if(client, cities):
    from innoscope.analysis.uncertainty import default_inputs, uncertainty
    from innoscope.web.state import with_weights

    c, _ = client
    fw, cs, spec = cities
    body = {"n": 400, "seed": 3, "weights": {"talent": 3.0}}
    got = c.post("/api/uncertainty", json=body)
    assert got.status_code == 200, got.text
    got = got.json()
    fw2 = with_weights(fw, {"talent": 3.0})
    want = uncertainty(
        fw2, cs, spec, inputs=default_inputs(fw2), n=400, seed=3, pairs=["shenzhen", "hangzhou"]
    )
    stats = want.rank_stats().set_index("uCode")
    assert got["n"] == 400 and got["a"] == "shenzhen" and got["b"] == "hangzhou"
    ranked = stats.dropna(subset=["nominal"]).reset_index().sort_values(["nominal", "uCode"])
    assert [r["code"] for r in got["rows"]][: len(ranked)] == ranked["uCode"].tolist()  # nominal order
    assert len(got["rows"]) == len(stats)
    for r in got["rows"]:
        s = stats.loc[r["code"]]
        want_row = [None if pd.isna(s[k]) else s[k] for k in ("nominal", "q05", "median", "q95")]
        assert [r["nominal"], r["lo"], r["median"], r["hi"]] == want_row
    cmp = want.compare("shenzhen", "hangzhou").set_index("node")
    for p in got["outranks"]:
        assert p["p_ab"] == pytest.approx(cmp.loc[p["node"]].iloc[-2])
        assert p["p_ab"] + p["p_ba"] <= 1 + 1e-12
    assert got == c.post("/api/uncertainty", json=body).json() | {
        "elapsed_ms": got["elapsed_ms"]
    }  # same seed


def test_uncertainty_bad_input_is_a_clear_4xx(client):
    c, _ = client
    assert c.post("/api/uncertainty", json={"n": 10}).status_code == 422
    assert c.post("/api/uncertainty", json={"n": 10**6}).status_code == 422
    r = c.post("/api/uncertainty", json={"a": "Atlantis", "b": "杭州"})
    assert r.status_code == 404 and "Atlantis" in r.json()["detail"]


def test_entity_names_follow_the_language(client):
    c, _ = client
    zh = {r["code"]: r["name"] for r in c.post("/api/compute", json={"lang": "zh"}).json()["rows"]}
    en = {r["code"]: r["name"] for r in c.post("/api/compute", json={"lang": "en"}).json()["rows"]}
    assert (zh["shenzhen"], zh["hangzhou"], zh["xian"]) == ("深圳", "杭州", "西安")
    assert (en["shenzhen"], en["hangzhou"], en["xian"]) == ("Shenzhen", "Hangzhou", "Xi'an")
    meta = {e["code"]: e for e in c.get("/api/meta").json()["entities"]}
    assert (meta["suzhou"]["name"], meta["suzhou"]["name_en"]) == ("苏州", "Suzhou")
    cmp = c.post("/api/compare", json={"a": "Shenzhen", "b": "杭州", "lang": "en"}).json()
    assert (cmp["name_a"], cmp["name_b"]) == ("Shenzhen", "Hangzhou")


def test_compare_explains_the_gap(client, cities):
    c, _ = client
    fw, cs, spec = cities
    cmp = c.post("/api/compare", json={"a": "深圳", "b": "杭州"}).json()
    r = build(fw, cs, spec)
    assert cmp["gap_total"] == pytest.approx(r.index["shenzhen"] - r.index["hangzhou"])
    assert sum(g["contribution"] for g in cmp["gap"]) == pytest.approx(cmp["gap_total"])
    moved = {g["code"] for g in cmp["gap"] if g["moved"]}
    assert moved == {"pct_applications", "nature_index_city_rank"}  # each city lacks one of the two
    short = " ".join(cmp["in_short"])
    assert short.startswith("深圳排名第 2，杭州排名第 7") and "杭州 无数值" in short  # zh by default


def test_profile_values_carry_their_sources(client):
    c, _ = client
    p = c.post("/api/profile", json={"entity": "深圳"}).json()
    assert p["code"] == "shenzhen" and len(p["values"]) == 9
    hte = next(v for v in p["values"] if v["code"] == "high_tech_enterprises")
    # the cited file: 新华社 2024-01-29, "国家级高新技术企业超2.4万家", end-2023, a lower bound
    assert (hte["value"], hte["year"]) == (24000.0, 2023) and "lower_bound" in hte["flags"]
    assert "新华社" in hte["source"] and "超2.4万家" in hte["excerpt"]
    nature = next(v for v in p["values"] if v["code"] == "nature_index_city_rank")
    assert nature["value"] is None and "missing" in nature["flags"]


def test_compare_with_an_unranked_city_has_no_gap_split(client):
    c, _ = client
    cmp = c.post("/api/compare", json={"a": "深圳", "b": "南京"}).json()  # 南京: 2 of 4 pools, not ranked
    assert cmp["gap"] == [] and cmp["gap_total"] is None


def test_sensitivity_is_the_library_run_on_the_what_if(client, cities):
    from innoscope.analysis.sensitivity import sensitivity
    from innoscope.analysis.uncertainty import default_inputs
    from innoscope.web.state import with_weights

    c, _ = client
    fw, cs, spec = cities
    got = c.post("/api/sensitivity", json={"n": 128, "seed": 2, "weights": {"capital": 2.0}})
    assert got.status_code == 200, got.text
    got = got.json()
    fw2 = with_weights(fw, {"capital": 2.0})
    want = sensitivity(fw2, cs, spec, inputs=default_inputs(fw2), n=128, seed=2, entity_output="rank")
    assert got["runs"] == 128 * (3 + 2)
    assert [r["input"] for r in got["rows"]] == ["Weights", "Normalisation", "Aggregation"]
    for r, (_, w) in zip(got["rows"], want.table.iterrows(), strict=True):
        assert r["ST"] == pytest.approx(w["ST"]) and r["S1"] == pytest.approx(w["S1"])
    per = want.entities_df()
    sz = per[per["uCode"] == "shenzhen"].set_index("input")
    assert [e["code"] for e in got["entities"]] == ["shenzhen", "hangzhou"]
    for r in got["entities"][0]["rows"]:
        assert r["ST"] == pytest.approx(sz.loc[r["input"], "ST"])


def test_sensitivity_bad_input_is_a_clear_4xx(client):
    c, _ = client
    assert c.post("/api/sensitivity", json={"n": 100}).status_code == 422  # not a power of 2
    r = c.post("/api/sensitivity", json={"a": "Atlantis", "b": "杭州"})
    assert r.status_code == 404 and "Atlantis" in r.json()["detail"]

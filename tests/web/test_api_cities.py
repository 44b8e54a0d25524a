"""The dashboard on the bundled city data: default 深圳 vs 杭州, cited-file uploads validated as `innoscope run`."""

from __future__ import annotations

import warnings

import pytest

from innoscope import build
from innoscope.cli.report import load_inputs
from innoscope.ingest.cities import bundled_path
from innoscope.web.app import create_app
from innoscope.web.state import Dataset

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette asks for httpx2; the installed httpx works
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def cities():
    fw, cs, spec = load_inputs(None, None, None, None)
    return fw, cs, spec


@pytest.fixture
def client(cities, tmp_path):
    fw, cs, spec = cities
    app = create_app(Dataset(id="cities", label="three_pools", framework=fw, data=cs, spec=spec,
                             compare=("深圳", "杭州")), upload_dir=tmp_path / "uploads")
    return TestClient(app, raise_server_exceptions=False), tmp_path / "uploads"


def test_default_comparison_is_shenzhen_hangzhou(client, cities):
    c, _ = client
    fw, cs, spec = cities
    m = c.get("/api/meta").json()
    assert m["compare"] == ["shenzhen", "hangzhou"]
    cmp = c.post("/api/compare", json={"a": "深圳", "b": "Hangzhou"}).json()
    agg = build(fw, cs, spec).aggregated
    talent = next(r for r in cmp["rows"] if r["code"] == "talent")
    assert talent["a"] == pytest.approx(agg.loc["shenzhen", "talent"])
    assert talent["leader"] == ("shenzhen" if agg.loc["shenzhen", "talent"] > agg.loc["hangzhou", "talent"]
                                else "hangzhou")


def test_city_file_upload_as_innoscope_run(client, cities):
    c, updir = client
    fw, cs, spec = cities
    raw = bundled_path().read_bytes()
    r = c.post("/api/upload?filename=city_indicators.csv", content=raw)
    assert r.status_code == 200, r.text
    rows = c.post("/api/compute", json={"dataset": r.json()["dataset"]}).json()["rows"]
    assert [x["code"] for x in rows] == list(build(fw, cs, spec).ranking().index)
    assert list(updir.iterdir()) == []  # the file was put inside the upload folder and removed


def test_malformed_city_file_names_the_line(client):
    c, updir = client
    lines = bundled_path().read_text(encoding="utf-8").splitlines()
    head, first = lines[0], lines[1].split(",")
    first[4] = "lots"  # value column
    bad = "\n".join([head, ",".join(first), *lines[2:]]) + "\n"
    r = c.post("/api/upload?filename=mine.csv", content=bad.encode("utf-8"))
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "mine.csv" in detail and "line 2" in detail and str(updir) not in detail
    assert list(updir.iterdir()) == []

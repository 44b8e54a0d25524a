"""GET /api/basemap: the outline map of China for the dashboard, the same shapes the report draws."""

from __future__ import annotations

import json
import warnings

import pytest

from innoscope.cities.basemap import china
from innoscope.report.figures import basemap_shapes
from innoscope.web.app import create_app
from innoscope.web.state import Dataset
from tests.web._asem import asem_client

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(asem):
    return asem_client(asem)


def test_basemap_is_the_reports_shapes_with_names_in_either_language(client):
    r = client.get("/api/basemap")
    assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
    body = r.json()
    assert body["shapes"] == basemap_shapes(china())
    assert {s["layer"] for s in body["shapes"]} == {"below"}
    assert {"浙江", "新疆", "台湾"} <= set(body["labels"]["text"])
    assert len(body["labels"]["x"]) == len(body["labels"]["text"]) == len(body["labels"]["y"])
    assert body["source"]["licence"] == "MIT" and "Natural Earth" in body["source"]["origin"]
    x0, y0, x1, y1 = body["bounds"]
    assert x0 < 74 < 134.7 < x1 and y0 < 16 < 53.5 < y1
    en = client.get("/api/basemap?lang=en").json()["labels"]["text"]
    assert "Zhejiang" in en and "浙江" not in en


@pytest.mark.parametrize("lang", ["fr", "zh<script>", ""])
def test_unknown_language_is_refused(client, lang):
    assert client.get("/api/basemap", params={"lang": lang}).status_code == 422


def test_downloaded_report_has_the_map_only_for_places_the_gazetteer_knows(client):
    from innoscope.cities.national_index import national_build

    r = client.post("/api/download/report", json={"lang": "en"})
    assert r.status_code == 200 and 'id="fig-map"' not in r.text  # ASEM countries: no seats, no map

    b = national_build()
    ds = Dataset(id="national", label="national", framework=b.framework, data=b.cross_section, spec=b.spec)
    national = TestClient(create_app(ds), raise_server_exceptions=False, base_url="http://127.0.0.1")
    html = national.post("/api/download/report", json={"lang": "zh"}).text
    assert '<section id="map">' in html and 'id="fig-map"' in html
    fig = json.loads(html.split('id="fig-map">', 1)[1].split("</script>", 1)[0])
    assert [s["layer"] for s in fig["layout"]["shapes"]] == ["below"] * 3
    assert ["hangzhou", "杭州"] in fig["data"][0]["customdata"] and "浙江" in fig["data"][1]["text"]

"""The dashboard refuses cross-site requests, foreign Host headers, oversized or deep JSON, and never echoes a
whole request in an error (issue 9, defects 4 and 5). Each test drives the app only through HTTP."""

from __future__ import annotations

import json
import warnings

import pytest

from innoscope import PipelineSpec
from innoscope.web.app import create_app
from innoscope.web.state import Dataset

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

RAW = {"Content-Type": "application/octet-stream"}
EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def ds(asem):
    fw, cs = asem
    return Dataset(
        id="asem",
        label="ASEM",
        framework=fw,
        data=cs,
        spec=PipelineSpec.from_obj(["denominate", "normalise", "aggregate"]),
    )


@pytest.fixture(scope="module")
def client(ds):
    return TestClient(create_app(ds), raise_server_exceptions=False, base_url="http://127.0.0.1:8050")


@pytest.fixture(scope="module")
def idata(asem):
    return asem[1].to_idata().iloc[0:51:2].to_csv(index=False).encode()


# -- cross-site requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:9999"},  # same host, another port: another origin
        {"Referer": EVIL + "/page.html"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:8050"},
    ],
)
def test_cross_site_post_refused(client, idata, headers):
    r = client.post("/api/compute", json={}, headers=headers)
    assert r.status_code == 403 and "cross-site" in r.json()["detail"]
    r = client.post("/api/upload?filename=x.csv", content=idata, headers=RAW | headers)
    assert r.status_code == 403
    assert len(client.get("/api/datasets").json()) == 1  # nothing was added


def test_same_origin_and_plain_clients_pass(client, idata):
    same = {"Origin": "http://127.0.0.1:8050", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/compute", json={}, headers=same).status_code == 200
    referer = {"Referer": "http://127.0.0.1:8050/"}
    assert client.post("/api/compute", json={}, headers=referer).status_code == 200
    assert client.post("/api/compute", json={}).status_code == 200  # curl, scripts: neither header
    r = client.post("/api/upload?filename=ok.csv", content=idata, headers=RAW | same)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_upload_needs_a_non_simple_content_type(client, idata, ctype):
    """A body with no type or a CORS-safelisted one is what a cross-site page can send without a preflight."""
    headers = {} if ctype is None else {"Content-Type": ctype}
    r = client.post("/api/upload?filename=x.csv", content=idata, headers=headers)
    assert r.status_code == 415 and "Content-Type" in r.json()["detail"]


def test_json_api_needs_json_content_type(client):
    r = client.post("/api/compute", content=b"{}")
    assert r.status_code == 422 and "application/json" in r.json()["detail"]


def test_multipart_upload_is_read(client, idata):
    r = client.post("/api/upload?filename=form.csv", files={"file": ("form.csv", idata, "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["n_entities"] == 26  # rows 0, 2, ..., 50 of ASEM's 51


# -- Host header (DNS rebinding) ----------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8050", "127.0.0.1.evil.example", "", "[::1"])
def test_foreign_host_refused(client, host):
    r = client.get("/api/datasets", headers={"Host": host})
    assert r.status_code == 400 and "Host" in r.json()["detail"]
    assert client.post("/api/compute", json={}, headers={"Host": host}).status_code == 400


@pytest.mark.parametrize("host", ["localhost:8050", "127.0.0.1", "[::1]:8050", "LOCALHOST"])
def test_loopback_hosts_served(client, host):
    assert client.get("/api/datasets", headers={"Host": host}).status_code == 200


def test_configured_host_served(ds):
    c = TestClient(
        create_app(ds, hosts=["innoscope.lan"]),
        raise_server_exceptions=False,
        base_url="http://innoscope.lan:8050",
    )
    assert c.get("/api/datasets").status_code == 200
    assert c.post("/api/compute", json={}, headers={"Origin": "http://innoscope.lan:8050"}).status_code == 200
    assert c.get("/api/datasets", headers={"Host": "localhost"}).status_code == 400


# -- JSON size, depth and bounded errors --------------------------------------------------------------


def test_oversized_json_refused_with_short_error(client):
    body = json.dumps({"entities": ["x" * 100] * 30_000}).encode()  # 3.1 MB
    r = client.post("/api/compute", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    assert len(r.content) < 300
    assert r.headers["connection"] == "close"  # the server stops reading the refused body


def test_oversized_json_without_length_refused(client):
    def chunks():
        for _ in range(40):
            yield b" " * 65536
        yield b"{}"

    r = client.post("/api/compute", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and len(r.content) < 300


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deep_json_refused(client, depth):
    body = '{"weights": ' + "[" * depth + "]" * depth + "}"
    r = client.post("/api/compute", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "nested deeper than" in r.json()["detail"]
    assert len(r.content) < 300


def test_many_unknown_weights_give_a_short_error(client):
    weights = {f"node{i:05d}": 1 for i in range(4000)}
    r = client.post("/api/compute", json={"weights": weights})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "'node00000'" in detail and "3,995 more" in detail and "node03999" not in detail
    assert len(r.content) < 1500


def test_many_invalid_values_give_the_first_errors_and_a_count(client):
    weights = {f"n{i:05d}": "heavy" for i in range(4000)}
    r = client.post("/api/compute", json={"weights": weights})
    assert r.status_code == 422
    j = r.json()
    assert j["count"] == 4000 and len(j["detail"]) == 5
    assert j["detail"][0]["loc"] == ["body", "weights", "n00000"]
    assert len(r.content) < 2000


def test_allowed_hosts_adds_bound_address_and_names():
    from innoscope.web.guard import allowed_hosts

    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("0.0.0.0", ["Box.LAN", "[fe80::1]"]) == {
        "localhost",
        "127.0.0.1",
        "::1",
        "box.lan",
        "fe80::1",
    }
    assert allowed_hosts("192.168.1.5") == {"localhost", "127.0.0.1", "::1", "192.168.1.5"}

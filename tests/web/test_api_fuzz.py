"""Random requests to every JSON endpoint of the dashboard API: never a 500, always a ``detail`` on a 4xx.

Bodies are either well-typed what-ifs (any registered normalise and aggregate method, real nodes and entities),
where a method that cannot run on the data must give a 4xx naming why, or the real field names with values of
every JSON type plus unknown fields. Hypothesis derandomized: CI sees the same requests every run.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.web._asem import asem_client

pytestmark = pytest.mark.slow  # end-to-end runs and fuzzing: make test-fast skips them

ENDPOINTS = [
    "/api/compute",
    "/api/compare",
    "/api/profile",
    "/api/uncertainty",
    "/api/sensitivity",
    "/api/download/csv",
]
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True)

anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=6,
)
codes = st.sampled_from(["CHN", "JPN", "DEU", "Conn", "Sust", "Physical", "LPI", "nope", "", "深圳", "<b>"])


EXTRA = {
    "/api/compare": {"a", "b"},
    "/api/profile": {"entity"},
    "/api/uncertainty": {"n", "seed", "a", "b"},
    "/api/sensitivity": {"n", "seed", "a", "b"},
}
REQUIRED = {"/api/compare": {"a", "b"}, "/api/profile": {"entity"}}


def plausible(path: str) -> st.SearchStrategy[dict]:
    """Well-typed what-ifs for ``path``: any registered normalise / aggregate method, weights of real nodes,
    real entities, and only the fields the endpoint takes."""
    from innoscope.pipeline.run import stage_module

    norms = stage_module("normalise").METHODS.names()
    aggs = stage_module("aggregate").METHODS.names()
    nodes = st.sampled_from(["Conn", "Sust", "Physical", "Political", "Environ", "Social", "LPI", "Flights"])
    ents = st.sampled_from(["CHN", "JPN", "DEU", "FRA", "IND", "AUS", "BGD", "IRL"])
    fields = {
        "weights": st.dictionaries(nodes, st.floats(0, 5, allow_nan=False), max_size=3),
        "normalise": st.sampled_from(norms),
        "aggregate": st.sampled_from(aggs),
        "entities": st.lists(ents, min_size=2, max_size=6, unique=True),
        "lang": st.sampled_from(["zh", "en"]),
        "a": ents,
        "b": ents,
        "entity": ents,
        "n": st.sampled_from([128, 256] if path == "/api/sensitivity" else [100, 200]),
        "seed": st.integers(0, 5),
    }
    allowed = {"weights", "normalise", "aggregate", "entities", "lang"} | EXTRA.get(path, set())
    required = REQUIRED.get(path, set())
    return st.fixed_dictionaries(
        {k: fields[k] for k in required}, optional={k: fields[k] for k in allowed - required}
    )


def body() -> st.SearchStrategy[dict]:
    weights = st.dictionaries(
        codes, st.floats(-1, 10, allow_nan=False) | st.sampled_from([0.0, 1e300]) | anything, max_size=3
    )
    fields = {
        "weights": weights | anything,
        "normalise": st.sampled_from(["minmax", "zscore", "rank", "nosuch", ""]) | anything,
        "aggregate": st.sampled_from(["arithmetic", "geometric", "copeland", "median", "bod", "nosuch"])
        | anything,
        "entities": st.lists(codes, max_size=4) | anything,
        "lang": st.sampled_from(["zh", "en", "fr"]),
        "a": codes | anything,
        "b": codes | anything,
        "entity": codes | anything,
        "n": st.sampled_from([-1, 0, 10, 64, 100, 128, 200]) | anything,
        "seed": st.integers(-5, 5) | anything,
        "bogus": anything,
    }
    return st.fixed_dictionaries({}, optional=fields)


@pytest.fixture(scope="module")
def client(asem):
    return asem_client(asem, compare=("CHN", "JPN"))


requests = st.sampled_from(ENDPOINTS).flatmap(lambda p: st.tuples(st.just(p), plausible(p) | body()))


@SETTINGS
@given(request=requests)
@example(request=("/api/uncertainty", {"a": "CHN", "b": "CHN", "n": 100}))  # found by this test: was a 500
def test_random_requests_never_give_a_500(client, request):
    path, payload = request
    r = client.post(path, content=json.dumps(payload), headers={"Content-Type": "application/json"})
    assert r.status_code < 500, (path, payload, r.text[:300])
    if r.status_code >= 400:
        assert r.json()["detail"], (path, payload)

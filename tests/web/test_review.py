"""The review page of figures extracted from text: candidates with the figure's span in the sentence, and the
review file of the decisions, which `innoscope import` reads (driven through HTTP only)."""

from __future__ import annotations

import pytest

from innoscope.ingest.claims.review import read_review
from tests.web._asem import asem_client

TEXT = "杭州市科技局\n去年，我市国家高新技术企业达1.65万家，独角兽企业22家。"


@pytest.fixture(scope="module")
def client(asem):
    return asem_client(asem, base_url="http://127.0.0.1:8050")


def test_page(client):
    r = client.get("/review")
    assert r.status_code == 200 and "/api/review/extract" in r.text


def test_extract_marks_the_figure_in_its_sentence(client):
    r = client.post("/api/review/extract", json={"text": TEXT, "date": "2025-03-01"})
    assert r.status_code == 200
    got = {(c["entity"], c["indicator"], c["value"], c["year"]): c for c in r.json()}
    c = got[("杭州", "high_tech_enterprises", 16500.0, 2024)]
    assert c["sentence"][c["mark_start"] : c["mark_end"]] == "1.65万家"
    assert ("杭州", "unicorns", 22.0, 2024) in got


def test_review_file_round_trip(client, tmp_path):
    cands = client.post("/api/review/extract", json={"text": TEXT, "date": "2025-03-01"}).json()
    rows = [
        {
            "candidate": c,
            "decision": "correct" if c["indicator"] == "unicorns" else "accept",
            "corrected_value": "23" if c["indicator"] == "unicorns" else "",
        }
        for c in cands
    ]
    r = client.post("/api/review/file", json={"rows": rows})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    p = tmp_path / "candidates.csv"
    p.write_bytes(r.content)
    long, counts = read_review(p)
    assert counts["accept"] == 1 and counts["correct"] == 1
    assert sorted(long["value"]) == [23.0, 16500.0]


def test_formula_text_is_not_a_formula(client, tmp_path):
    cand = client.post("/api/review/extract", json={"text": "=HYPERLINK(1) 深圳独角兽企业34家。"}).json()[0]
    r = client.post("/api/review/file", json={"rows": [{"candidate": cand, "decision": "accept"}]})
    text = r.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    p = tmp_path / "c.csv"
    p.write_bytes(r.content)
    long, _ = read_review(p)
    assert long["excerpt"].iloc[0].startswith("=HYPERLINK")  # read back as written


def test_too_long_text_is_refused(client):
    r = client.post("/api/review/extract", json={"text": "深" * 200_001})
    assert r.status_code in (413, 422)

"""The review file: written, edited by a person, read back into the store's tidy table."""

import csv

import pytest

from innoscope.ingest.claims import extract_text
from innoscope.ingest.claims.review import REVIEW_COLUMNS, is_review_file, read_review, to_unit, write_review
from innoscope.model.errors import DataError

TEXT = "截至2024年底，杭州国家高新技术企业达1.65万家，独角兽企业约22家。深圳研发投入2236.6亿元。"


def _edit(path, decisions, **extra):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r, d in zip(rows, decisions, strict=True):
        r["decision"] = d
        for k, v in extra.get(d, {}).items():
            r[k] = v
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_round_trip_accept_correct_reject(tmp_path):
    p = tmp_path / "c.csv"
    assert write_review(extract_text(TEXT, document="doc.txt"), p) == 3
    assert is_review_file(p)
    with open(p, encoding="utf-8-sig") as fh:
        assert next(csv.reader(fh)) == list(REVIEW_COLUMNS)
    _edit(p, ["accept", "correct", "reject"], correct={"corrected_value": "2.2万"})
    long, counts = read_review(p, units={"rd_expenditure": "亿元"})
    assert counts == {"accept": 1, "correct": 1, "reject": 1, "unreviewed": 0}
    assert list(long["value"]) == [16500.0, 22000.0]
    assert list(long["indicator"]) == ["high_tech_enterprises", "unicorns"]
    assert list(long["flags"]) == ["", "~"]  # 约22家
    assert long["excerpt"].iloc[0].startswith("截至2024年底") and long["source_url"].iloc[0] == "doc.txt"
    assert long["year"].iloc[0] == 2024


def test_xlsx(tmp_path):
    p = tmp_path / "c.xlsx"
    write_review(extract_text(TEXT), p)
    assert is_review_file(p)
    with pytest.raises(DataError, match="no row is accepted"):
        read_review(p)


def test_bad_decision_names_the_row(tmp_path):
    p = tmp_path / "c.csv"
    write_review(extract_text(TEXT), p)
    _edit(p, ["accept", "maybe", ""])
    with pytest.raises(DataError, match=r"row 3, column decision: 'maybe'"):
        read_review(p)


def test_correct_needs_a_value_that_parses(tmp_path):
    p = tmp_path / "c.csv"
    write_review(extract_text(TEXT), p)
    _edit(p, ["correct", "", ""], correct={"corrected_value": "lots"})
    with pytest.raises(DataError, match="row 2, column corrected_value"):
        read_review(p)


def test_units_follow_the_framework():
    assert to_unit(2.2366e11, "元", "亿元") == (2236.6, "亿元")
    assert to_unit(6.46, "%", "% of GDP") == (6.46, "% of GDP")
    assert to_unit(5.0, "rank", "world rank") == (5.0, "world rank")

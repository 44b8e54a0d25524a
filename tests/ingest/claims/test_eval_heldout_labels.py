"""The complete held-out labels of ``innoscope extract`` (tests/data/extract/complete_heldout.csv) and the
cited ∪ complete scoring of benchmarks/extract.py.

The labels were written by reading each held-out sentence (guide in docs/extract.md); these tests check their
form and their agreement with the cited rows, not the extractor (which is never run here).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest

from innoscope.ingest.claims.indicators import Lexicon
from innoscope.ingest.claims.qualifiers import KINDS

ROOT = Path(__file__).resolve().parents[3]
COMPLETE = ROOT / "tests/data/extract/complete_heldout.csv"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "benchmarks/extract.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return pd.read_csv(COMPLETE, dtype=str, keep_default_na=False)


def _series_ids() -> set[str]:
    """The lexicon's series ids by kind (docs/extract.md), with the per-km² series and their ranks."""
    ids = set()
    for ind in Lexicon.default().indicators.values():
        ids |= {ind.series(k) for k in KINDS} | {f"{ind.id}_per_km2", f"{ind.id}_per_km2_rank"}
    return ids


def test_columns_and_every_heldout_sentence_labelled(bench, labels):
    assert list(labels.columns) == [
        "sentence_sha12",
        "entity",
        "indicator",
        "value",
        "unit",
        "year",
        "kind",
        "note",
    ]
    heldout = {bench.sha12(s) for s in bench.items("heldout")["sentence"]}
    assert set(labels["sentence_sha12"]) == heldout


def test_rows_are_well_formed(labels):
    ids = _series_ids()
    figures = labels[labels["entity"] != ""]
    assert (labels.loc[labels["entity"] == "", ["indicator", "value", "unit", "kind"]] == "").all().all()
    for r in figures.itertuples():
        assert r.indicator == "?" or r.indicator in ids, r
        assert r.kind in KINDS, r
        assert math.isfinite(float(r.value)), r
        assert r.year == "" or 2000 <= int(r.year) <= 2030, r
        assert r.indicator != "?" or r.note, r
        if r.kind == "rank":
            assert r.unit == "rank", r
        if r.kind in ("growth", "share"):
            assert r.unit in ("%", "倍"), r


def _close_to(value: float):
    return lambda v: v != "" and math.isclose(float(v), value, rel_tol=5e-3)


def test_every_cited_label_is_covered(bench, labels):
    """Each held-out cited or written label has a complete label for the same place and value; where series,
    unit or year differ the complete label says why (its note names the cited or written row)."""
    items = bench.items("heldout")
    items = items[items["entity"].notna() & (items["entity"] != "")]
    by_sha = {k: g for k, g in labels.groupby("sentence_sha12")}
    for r in items.itertuples():
        g = by_sha[bench.sha12(r.sentence)]
        same = g[(g["entity"] == r.entity) & g["value"].map(_close_to(r.value))]
        assert len(same) >= 1, (r.sentence, r.entity, r.value)
        x = same.iloc[0]
        year_ok = pd.isna(r.year) or x["year"] == str(r.year)
        if (x["indicator"], x["unit"]) != (r.indicator, r.unit) or not year_ok:
            assert "cited row" in x["note"] or "written row" in x["note"], (r.sentence, x.to_dict())


def test_union_of_cited_and_complete_labels(bench):
    cited = [("深圳", "gdp", 3.68e12, "元", None), ("杭州", "gdp", 2.186e12, "元", None)]
    complete = [
        ("深圳", "gdp", 3.6801e12, "元", 2024),
        ("深圳", "gdp_growth", 5.8, "%", 2024),
        ("深圳", "?", 44.0, "%", None),
    ]
    labels, unnamed = bench.union_labels(cited, complete)
    assert labels == [complete[0], complete[1], cited[1]]
    assert unnamed == [complete[2]]
    assert bench.union_labels(cited, None) == (cited, [])
    assert bench.union_labels([], []) == ([], [])


def test_complete_label_file_is_read_by_key(bench):
    got = bench.complete_labels("heldout")
    assert got["12e39e5d8362"] == []
    assert got["648999b68060"] == [
        ("深圳", "rd_expenditure", 223660000000.0, "元", 2024),
        ("深圳", "rd_expenditure_growth", 18.9, "%", 2024),
    ]
    assert bench.complete_labels("nosuchsplit") == {}

"""`innoscope import` of plain long CSV files, the way a user runs it (regression for issue 9, defect 1).

With numpy 2 (NEP 50) a Python int multiplied into int8 dictionary codes stays int8: the combined key of the
duplicate check overflowed (12 cities x 11 indicators gave negative keys; 1M rows an OverflowError). The
expected values here are the file's own numbers, read back from the store.
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from innoscope.cli import main
from innoscope.store.store import _check_duplicates, _combined_key

CITIES = ["北京", "上海", "深圳", "杭州", "广州", "南京", "武汉", "成都", "西安", "苏州", "合肥", "重庆"]


def _write_long(path, cities, indicators, years, value):
    lines = ["entity,indicator,year,value,source"]
    for c, i, y in itertools.product(cities, indicators, years):
        lines.append(f"{c},{i},{y},{value(c, i, y)},src")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _stored(store):
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute("SELECT entity_name, indicator, year, value FROM observations").fetchall()
    finally:
        con.close()


def test_cli_imports_plain_long_file_of_bundled_cities(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    indicators = [f"ind{k}" for k in range(11)]
    _write_long(
        tmp_path / "long.csv", CITIES, indicators, [2023], lambda c, i, y: CITIES.index(c) * 100 + int(i[3:])
    )
    assert main(["import", "long.csv", "--store", "s.duckdb"]) == 0
    assert "132 values" in capsys.readouterr().out
    rows = _stored(tmp_path / "s.duckdb")
    assert len(rows) == 132
    assert {(n, i, y): v for n, i, y, v in rows} == {
        (c, i, 2023): float(CITIES.index(c) * 100 + int(i[3:])) for c in CITIES for i in indicators
    }


def test_cli_import_reports_duplicate_with_many_categories(tmp_path, monkeypatch, capsys):
    """More than 127 indicators (int8 codes past their range) and a real duplicate: the error names both rows."""
    monkeypatch.chdir(tmp_path)
    indicators = [f"ind{k}" for k in range(300)]
    _write_long(tmp_path / "dup.csv", CITIES[:3], indicators, [2022, 2023], lambda c, i, y: 1)
    with open(tmp_path / "dup.csv", "a", encoding="utf-8") as f:
        f.write("上海,ind299,2023,2,src\n")
    assert main(["import", "dup.csv", "--store", "s.duckdb"]) != 0
    err = capsys.readouterr().err
    assert "duplicate key" in err and "ind299" in err and "Traceback" not in err


@pytest.mark.parametrize("index_type", [pa.int8(), pa.int16(), pa.int32()])
def test_combined_key_distinct_per_combination(index_type):
    """Hand check: rows agree on the key exactly when they agree on every column, whatever the index width."""
    rng = np.random.default_rng(0)
    n = 5000
    a = rng.integers(0, 120, n)
    b = rng.integers(0, 120, n)
    c = rng.integers(0, 3, n)
    table = pa.table(
        {
            "a": pa.DictionaryArray.from_arrays(
                pa.array(a, index_type), pa.array([f"a{k}" for k in range(120)])
            ),
            "b": pa.DictionaryArray.from_arrays(
                pa.array(b, index_type), pa.array([f"b{k}" for k in range(120)])
            ),
            "c": pa.array([f"c{k}" for k in c]),
        }
    )
    key, radix = _combined_key(table, ["a", "b", "c"], 2**62)
    assert key.min() >= 0 and key.max() < radix
    truth = {}
    for k, t in zip(key.tolist(), zip(a.tolist(), b.tolist(), c.tolist(), strict=True), strict=True):
        assert truth.setdefault(t, k) == k
    assert len(set(truth.values())) == len(truth)


def test_check_duplicates_large_radix_int8_codes():
    """Radix past int8 (the 1M-row OverflowError): equal values pass, a differing value is found."""
    n = 300
    ent = pa.DictionaryArray.from_arrays(
        pa.array(np.arange(n) % 100, pa.int8()), pa.array([f"e{k}" for k in range(100)])
    )
    table = pa.table(
        {
            "entity": ent,
            "indicator": pa.array([f"i{k // 100}" for k in range(n)]),
            "year": pa.array([2023] * n, pa.int32()),
            "source_title": pa.array(["s"] * n),
            "source_url": pa.array([None] * n, pa.string()),
            "value": pa.array(np.ones(n)),
            "row": pa.array(np.arange(n) + 2, pa.int64()),
            "raw": pa.array(["1"] * n),
        }
    )
    _check_duplicates(table, "t.csv")
    dup = pa.concat_tables([table, table.slice(5, 1).set_column(5, "value", pa.array([2.0]))])
    with pytest.raises(Exception, match="duplicate key"):
        _check_duplicates(dup, "t.csv")


def test_combined_key_int8_dictionary_full_with_nulls():
    """A full int8 dictionary (128 names) with missing cells: the missing cells get a key of their own (code
    128 does not fit the int8 indices), distinct from every name's."""
    n = 1000
    idx = np.arange(n) % 129
    ent = pa.DictionaryArray.from_arrays(
        pa.array(np.where(idx == 128, 0, idx), pa.int8(), mask=idx == 128),
        pa.array([f"e{k}" for k in range(128)]),
    )
    table = pa.table({"a": ent, "b": pa.array(np.arange(n) % 2, pa.int32())})
    key, radix = _combined_key(table, ["a", "b"], 2**62)
    assert key.min() >= 0 and key.max() < radix
    truth = {}
    for k, t in zip(
        key.tolist(), zip(ent.to_pylist(), (np.arange(n) % 2).tolist(), strict=True), strict=True
    ):
        assert truth.setdefault(t, k) == k
    assert len(set(truth.values())) == len(truth) == 129 * 2

"""Value checks on tables as the readers hand them over: dictionary columns in several chunks with different
dictionaries, missing units, and the offending row somewhere in the middle."""

from __future__ import annotations

import pyarrow as pa
import pytest

from innoscope.ingest.checks import check_values
from innoscope.model.errors import DataError


def chunked_dictionary(*chunks: list[str | None]) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(c, pa.string()).dictionary_encode() for c in chunks])


def table(values, units, indicators, years=None) -> pa.Table:
    n = len(values)
    half = n // 2
    return pa.table(
        {
            "indicator": chunked_dictionary(indicators[:half], indicators[half:]),
            "year": pa.array(years or [2023] * n, pa.int32()),
            "value": pa.array(values, pa.float64()),
            "raw": pa.array([str(v) for v in values]),
            "unit": chunked_dictionary(units[:half], units[half:]),
            "row": pa.array(range(2, n + 2), pa.int64()),
            "column": pa.array(["数值"] * n),
        }
    )


def test_negative_count_found_through_a_chunked_dictionary_with_missing_units():
    # rows 2..7: -1 without a unit and -3 in 亿元 are fine; -2 家 (row 3) and -4 件 (row 6) are negative counts
    t = table(
        [-1, -2, 5, -3, -4, 6],
        [None, "家", None, "亿元", "件", "家"],
        ["a", "a", "a", "b", "b", "b"],
    )
    with pytest.raises(DataError) as e:
        check_values(t, file="f.csv")
    msg = str(e.value)
    assert "f.csv, row 3, column '数值': '-2'" in msg and "f.csv, row 6, column '数值': '-4'" in msg
    assert (
        "row 2," not in msg and "row 5," not in msg and msg.endswith("pass --allow negative if it is right")
    )


def test_share_above_100_only_where_the_unit_is_percent_and_not_a_growth_rate():
    # 150 % (row 2) is a share above 100; 120 without a unit, 130 % of a growth rate and 50 % are not
    t = table(
        [150, 120, 50, 130, 99, 7], ["%", None, "%", "％", None, "%"], ["r", "r", "r", "营收增速", "x", "x"]
    )
    with pytest.raises(DataError) as e:
        check_values(t, file="f.csv")
    msg = str(e.value)
    assert msg.startswith("f.csv, row 2, column '数值': '150': a share above 100 %")
    assert "row 3," not in msg and "row 5," not in msg


def test_sensible_values_pass():
    t = table(
        [1e6, 2.5, 0.0, 88, 3, 4], ["万", None, "家", "%", "亿元", None], ["a", "b", "c", "d", "e", "f"]
    )
    check_values(t, file="f.csv")

"""OWASP's CSV injection rule on a hand-made table: which cells get a leading quote, which stay as is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innoscope.io.spreadsheet import csv_bytes, neutralise


def test_neutralise_text_cells_only():
    df = pd.DataFrame(
        {
            "name": ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "a=b", "", None, "'=already"],
            "value": [-1.5, 2.0, np.nan, -3.0, 0.0, 1e9, -0.0, 4.0, 5.0, 6.0],
            "mixed": ["-2", -2, "ok", 3.5, None, "=x", 1, "", "b", "c"],
        }
    )
    out = neutralise(df)
    assert out["name"].tolist()[:8] == ["'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "a=b", ""]
    assert pd.isna(out["name"].iloc[8]) and out["name"].iloc[9] == "'=already"  # missing, quoted: as is
    assert out["value"].dtype == float and out["value"].equals(df["value"])
    assert out["mixed"].tolist()[:7] == ["'-2", -2, "ok", 3.5, None, "'=x", 1]
    assert df["name"].iloc[0] == "=1+1"  # the input is not changed


def test_column_names_neutralised_and_csv_numbers_plain():
    df = pd.DataFrame({"=evil": ["a"], "score": [-12.5]})
    assert csv_bytes(df).decode() == "'=evil,score\na,-12.5\n"

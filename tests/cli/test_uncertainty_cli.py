"""``innoscope uncertainty`` output files read back equal to the Python API's tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from innoscope import PipelineSpec
from innoscope.analysis.uncertainty import uncertainty
from innoscope.cli import main
from innoscope.io.coinr import read_coinr

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "reference" / "coinr" / "data"
SPEC = ROOT / "examples" / "asem" / "sensitivity.yaml"


def test_parameters_csv_reads_back_as_the_api_table(tmp_path):
    """parameters.csv is written by pyarrow (fast for 100,000 rows); read by pandas it is the API's table."""
    assert (
        main(
            [
                "uncertainty",
                "--data",
                str(DATA / "ASEM_iData.csv"),
                "--meta",
                str(DATA / "ASEM_iMeta.csv"),
                "--spec",
                str(SPEC),
                "-n",
                "300",
                "--seed",
                "4",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    got = pd.read_csv(tmp_path / "parameters.csv", index_col="replication", dtype=str)
    fw, cs = read_coinr(DATA / "ASEM_iData.csv", DATA / "ASEM_iMeta.csv")
    want = uncertainty(fw, cs, PipelineSpec.from_yaml(SPEC), n=300, seed=4).parameters()
    assert list(got.columns) == ["Winmax", "Normalisation", "Weights", "Aggregation"]
    assert got.index.tolist() == [str(i) for i in range(300)]
    for c in want.columns:
        assert got[c].tolist() == want[c].astype(str).tolist(), c
    assert set(got["Normalisation"]) == {"minmax(range=[1, 100])", "zscore(m_sd=[10, 2])"}
    assert np.array_equal(got["Weights"].astype(int), want["Weights"].to_numpy())

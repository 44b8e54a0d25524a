"""`innoscope build` on COINr's own iData/iMeta: one CSV per stage, ranks.csv, clear errors."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innoscope.cli import main
from tests.conftest import REF

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "asem"
DATA = ["--data", str(REF / "data" / "ASEM_iData.csv"), "--meta", str(REF / "data" / "ASEM_iMeta.csv")]


def test_build_writes_every_stage_like_coinr(tmp_path, capsys):
    assert main(["build", *DATA, "--spec", str(EXAMPLES / "base.yaml"), "--out", str(tmp_path)]) == 0
    for name in ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]:
        got = pd.read_csv(tmp_path / f"dset_{name}.csv")
        ref = pd.read_csv(REF / "reference" / "base" / f"dset_{name}.csv")
        assert list(got.columns) == list(ref.columns)
        got, ref = got.set_index("uCode").loc[ref["uCode"]], ref.set_index("uCode")
        np.testing.assert_allclose(got.to_numpy(float), ref.to_numpy(float), rtol=1e-9, equal_nan=True)
    ranks = pd.read_csv(tmp_path / "ranks.csv").set_index("uCode")
    ref_ranks = pd.read_csv(REF / "reference" / "base" / "results_Full_ranks.csv").set_index("uCode")
    assert (ranks.loc[ref_ranks.index, "Index"] == ref_ranks["Index"]).all()
    out = capsys.readouterr().out
    assert "CHE" in out and "Switzerland" in out


def test_build_unknown_method_is_a_clear_error(tmp_path, capsys):
    spec = tmp_path / "bad.yaml"
    spec.write_text("steps:\n  - normalise: {method: minmix}\n", encoding="utf-8")
    assert main(["build", *DATA, "--spec", str(spec), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "unknown normalise method 'minmix'" in err and "minmax" in err and "Traceback" not in err


def test_build_missing_file(tmp_path, capsys):
    code = main(
        [
            "build",
            "--data",
            str(tmp_path / "nope.csv"),
            "--meta",
            str(REF / "data" / "ASEM_iMeta.csv"),
            "--spec",
            str(EXAMPLES / "base.yaml"),
        ]
    )
    assert code == 1
    assert "nope.csv does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_build_every_example_spec_runs(tmp_path):
    for spec in sorted(EXAMPLES.glob("*.yaml")):
        if spec.stem == "sensitivity":
            continue
        assert main(["build", *DATA, "--spec", str(spec), "--out", str(tmp_path / spec.stem)]) == 0, spec.name
        assert (tmp_path / spec.stem / "ranks.csv").exists()

"""Every COINr reference variant, rebuilt from its spec in examples/asem/, stage by stage.

Expected values: COINr 1.1.14's own output (tests/reference/coinr/reference/<variant>/, written
with 15 significant digits). Numbers at rtol 1e-9, ranks exactly, treated points exactly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innoscope import PipelineSpec, build
from tests.conftest import REF, coinr_ref

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "asem"
VARIANTS = sorted(d.name for d in (REF / "reference").iterdir() if (d / "dset_Raw.csv").exists())
DSETS = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]


@cache
def built(variant: str):
    from innoscope import read_coinr

    fw, cs = read_coinr(REF / "data" / "ASEM_iData.csv", REF / "data" / "ASEM_iMeta.csv")
    return build(fw, cs, PipelineSpec.from_yaml(EXAMPLES / f"{variant}.yaml"))


def test_every_variant_has_an_example_spec():
    assert VARIANTS, "no reference variants found"
    missing = [v for v in VARIANTS if not (EXAMPLES / f"{v}.yaml").exists()]
    assert not missing


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("dset", DSETS)
def test_dataset(variant, dset):
    ref = coinr_ref(variant, f"dset_{dset}.csv")
    got = built(variant).stage(dset)
    assert sorted(got.index) == sorted(ref.index), "entities differ"
    assert list(got.columns) == list(ref.columns), "columns differ (order included)"
    np.testing.assert_allclose(got.loc[ref.index, ref.columns].to_numpy(float), ref.to_numpy(float),
                               rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=f"{variant}/{dset}")


@pytest.mark.parametrize("variant", VARIANTS)
def test_ranks(variant):
    ref = coinr_ref(variant, "results_Full_ranks.csv")
    got = built(variant).all_ranks().loc[ref.index, ref.columns]
    pd.testing.assert_frame_equal(got, ref.astype(float), check_dtype=False, check_names=False)


@pytest.mark.parametrize("variant", VARIANTS)
def test_treated_points(variant):
    ref = coinr_ref(variant, "treat_Treated_Points.csv").fillna("")
    got = built(variant).logs["Treated"]["Treated_Points"].fillna("")
    got = got.loc[ref.index, ref.columns]
    diff = (got.astype(str) != ref.astype(str))
    assert not diff.to_numpy().any(), got[diff].stack().head(10)

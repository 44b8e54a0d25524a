import numpy as np

from innoscope import build
from tests.conftest import coinr_ref


def test_denominated_matches_coinr(asem):
    fw, cs = asem
    ref = coinr_ref("base", "dset_Denominated.csv")
    got = build(fw, cs, ["denominate"]).stage("Denominated").loc[ref.index, ref.columns]
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-9, equal_nan=True)


def test_raw_is_input(asem):
    fw, cs = asem
    ref = coinr_ref("base", "dset_Raw.csv")
    got = build(fw, cs, ["denominate"]).stage("Raw").loc[ref.index, ref.columns]
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-12, equal_nan=True)

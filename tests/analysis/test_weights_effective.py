"""Effective weights vs COINr get_eff_wts."""

from __future__ import annotations

import numpy as np
import pytest

from innoscope.analysis import effective_weights
from tests.analysis.coinr_base import asem
from tests.conftest import coinr_ref


@pytest.mark.parametrize("variant", ["base", "weights_pca_lev1"])
def test_effective_weights_match_coinr(variant):
    fw, _ = asem()
    expected = coinr_ref(variant, "eff_weights.csv").set_index("iCode")
    got = effective_weights(fw).set_index("iCode").loc[expected.index]
    np.testing.assert_array_equal(got["Level"], expected["Level"])
    np.testing.assert_allclose(got["EffWeight"], expected["EffWeight"], rtol=1e-9)


def test_effective_weights_of_a_level_sum_to_one():
    fw, _ = asem()
    w = {c: float(i + 1) for i, c in enumerate(n.id for n in fw.nodes)}
    eff = effective_weights(fw, w)
    for level in range(1, fw.n_levels + 1):
        assert eff.loc[eff["Level"] == level, "EffWeight"].sum() == pytest.approx(1.0)
    # hand: Index -> Conn (w=Conn/(Conn+Sust)) -> first pillar of Conn -> its first indicator
    conn = w["Conn"] / (w["Conn"] + w["Sust"])
    phys = w["Physical"] / sum(w[c] for c in fw.children("Conn"))
    lpi = w["LPI"] / sum(w[c] for c in fw.children("Physical"))
    assert eff.set_index("iCode").loc["LPI", "EffWeight"] == pytest.approx(conn * phys * lpi, rel=1e-12)

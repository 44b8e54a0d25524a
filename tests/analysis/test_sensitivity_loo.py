"""Leave-one-component-out vs COINr remove_elements(Level = 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innoscope.analysis import remove_elements
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref


def test_remove_elements_match_coinr():
    got = remove_elements(reference_result(), 2)
    ranks = coinr_ref("analysis", "remove_elements_L2_Ranks.csv")
    pd.testing.assert_frame_equal(
        got["Ranks"].loc[ranks.index, ranks.columns], ranks, check_dtype=False, check_names=False
    )
    mad = coinr_ref("analysis", "remove_elements_L2_MeanAbsDiff.csv").set_index("name")["value"]
    np.testing.assert_allclose(got["MeanAbsDiff"][mad.index], mad, rtol=1e-9)

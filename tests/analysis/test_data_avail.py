"""Data availability vs COINr get_data_avail."""

from __future__ import annotations

import numpy as np

from innoscope.analysis import data_avail
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref


def test_data_avail_matches_coinr():
    r = reference_result()
    got = data_avail(r.stage("Raw"), r.framework)
    for key, name in (("Summary", "data_avail_Raw_summary.csv"), ("ByGroup", "data_avail_Raw_bygroup.csv")):
        expected = coinr_ref("analysis", name)
        g = got[key].loc[expected.index, expected.columns]
        np.testing.assert_allclose(g.to_numpy(float), expected.to_numpy(float), rtol=1e-9)

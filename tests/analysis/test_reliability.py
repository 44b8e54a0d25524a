"""Cronbach's alpha vs COINr get_cronbach (every call in cronbach.csv) and a hand example."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from innoscope.analysis import cronbach_alpha
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref

CALLS = list(coinr_ref("analysis", "cronbach.csv").itertuples(index=False))


@pytest.fixture(scope="module")
def ref():
    return reference_result()


@pytest.mark.parametrize(("call", "alpha"), CALLS, ids=[c[0][21:70] for c in CALLS])
def test_cronbach_matches_coinr(ref, call, alpha):
    dset, code, level = re.search(r'dset = "(\w+)", iCodes = "(\w+)", Level = (\d)', call).groups()
    data = ref.stage(dset)
    cols = [c for c in ref.framework.descendants(code, int(level)) if c in data.columns]
    assert cronbach_alpha(data[cols]) == pytest.approx(alpha, rel=1e-9)


def test_cronbach_textbook_form():
    """alpha = k/(k-1) (1 - sum of item variances / variance of the total score)."""
    X = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 2, 4, 5, 4], "c": [1.0, 3, 2, 5, 5]})
    k = 3
    expected = k / (k - 1) * (1 - X.var().sum() / X.sum(axis=1).var())
    assert cronbach_alpha(X) == pytest.approx(expected, rel=1e-12)
    assert np.isnan(cronbach_alpha(X[["a"]]))


def test_alpha_of_constant_columns_is_undefined():
    import warnings

    X = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(cronbach_alpha(X))

"""PCA vs COINr get_PCA (prcomp with centring and scaling): loadings up to each component's sign,
importance exactly as summary(prcomp)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innoscope.analysis import get_pca
from tests.analysis.coinr_base import reference_result
from tests.conftest import coinr_ref

RTOL = 1e-9


@pytest.fixture(scope="module")
def ref():
    return reference_result()


def _check(result, loadings: pd.DataFrame, importance: pd.DataFrame):
    L = result.loadings.loc[loadings.index, loadings.columns]
    # prcomp's sign is arbitrary (LAPACK); innoscope makes each component's loadings sum positive
    assert (result.loadings.sum() > 0).all()
    sign = np.sign((L * loadings).sum())
    np.testing.assert_allclose(L * sign, loadings, rtol=RTOL, atol=1e-13)
    imp = result.importance.loc[importance.index, importance.columns]
    np.testing.assert_allclose(imp, importance, rtol=RTOL, atol=1e-14)


@pytest.mark.parametrize(("variant", "codes"), [("analysis", ["Sust"]), ("weights_pca_lev1", None)])
def test_pca_by_group_matches_coinr(ref, variant, codes):
    load = coinr_ref(variant, "pca_loadings.csv")
    imp = coinr_ref(variant, "pca_importance.csv")
    res = get_pca(ref.stage("Normalised"), ref.framework, 1, codes=codes)
    assert sorted(res) == sorted(load["Group"].unique())
    for g, r in res.items():
        lg = load[load["Group"] == g].drop(columns="Group").set_index("iCode").dropna(axis=1)
        ig = imp[imp["Group"] == g].drop(columns="Group").set_index("Stat").dropna(axis=1)
        assert r.loadings.shape == lg.shape
        _check(r, lg, ig)


def test_pca_all_indicators_matches_coinr(ref):
    res = get_pca(ref.stage("Normalised"), ref.framework, 1, by_groups=False)["All"]
    load = coinr_ref("analysis", "pca_all_indicators_loadings_PC1-5.csv").set_index("iCode")
    imp = coinr_ref("analysis", "pca_all_indicators_importance.csv").set_index("Stat")
    _check(res, load, imp)
    assert res.n_used == 51


def test_pca_drops_incomplete_rows(ref):
    X = ref.stage("Raw")
    res = get_pca(X, ref.framework, 1, codes=["Environ"])["Environ"]
    assert res.n_used == len(X[ref.framework.children("Environ")].dropna())

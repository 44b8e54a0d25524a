"""Result views: scores/ranks per level, group ranks vs COINr, explain() adds up."""

import numpy as np
import pandas as pd
import pytest

from innoscope import DataError, PipelineSpec, build
from tests.conftest import REF


@pytest.fixture(scope="module")
def base(asem):
    fw, cs = asem
    return build(fw, cs, PipelineSpec.from_yaml(REF.parents[2] / "examples" / "asem" / "base.yaml"))


def test_scores_and_ranks_per_level(base):
    assert list(base.scores(2).columns) == base.framework.codes(2)
    assert list(base.scores().columns) == ["Index"]
    assert base.ranks().loc["CHE", "Index"] == 1
    assert base.ranking().index[0] == "CHE" and base.ranking()["name"].iloc[0] == "Switzerland"


def test_group_ranks_match_coinr(base):
    ref = pd.read_csv(REF / "reference" / "analysis" / "results_groupranks_GDPpc.csv").set_index("uCode")
    got = base.group_ranks("GDPpc_group", level=4)
    assert (got.loc[ref.index, "Index"] == ref["Index"]).all()


def test_explain_contributions_add_up_to_the_score(base):
    for node in ["Index", "Conn", "P2P"]:
        e = base.explain("ESP", node)
        assert e["relative_weight"].sum() == pytest.approx(1.0)
        assert e["contribution"].sum() == pytest.approx(e.attrs["node_score"], rel=1e-12)
        assert list(e["child"]) == base.framework.children(node)


def test_explain_pillar_traces_raw_values(base):
    e = base.explain("ESP", "P2P").set_index("child")
    raw = pd.read_csv(REF / "data" / "ASEM_iData.csv").set_index("uCode")
    assert e.loc["Lang", "Raw"] == raw.loc["ESP", "Lang"]
    # Tourist is denominated by population in COINr's example
    assert e.loc["Tourist", "Denominated"] == pytest.approx(raw.loc["ESP", "Tourist"] / raw.loc["ESP", "Population"])


def test_explain_indicator_lists_every_stage(base):
    e = base.explain("ESP", "Tourist")
    assert list(e["stage"]) == ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]
    assert np.isfinite(e["value"]).all()


def test_explain_unknown_entity(base):
    with pytest.raises(DataError, match="unknown entity 'Atlantis'"):
        base.explain("Atlantis", "Index")

"""Panel -> cross-section on a hand-made panel; every expected value is worked out in the comments."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from innoscope.io.framework_yaml import read_framework_text
from innoscope.model.errors import DataError
from innoscope.store.panel import choose, cross_section, cross_section_with_choices

FW = read_framework_text(
    textwrap.dedent("""\
    denominators:
      pop: {name_en: Population, unit: 万人}
    index:
      id: idx
      children:
        - id: p
          children:
            - {id: x, unit: 家}
            - {id: y, unit: rank, direction: -1, select: {contains: "list A"}}
    """),
    source="t.yaml",
)


def row(entity, indicator, year, value, **kw):
    return {"entity": entity, "indicator": indicator, "year": year, "value": value, **kw}


OBS = pd.DataFrame(
    [
        # a: 2020 is outside 2021..2024; 2026 is after the reference year; the seed row is the latest in the window
        row("a", "x", 2020, 10.0),
        row("a", "x", 2022, 12.0),
        row("a", "x", 2024, 15.0, seed=True),
        row("a", "x", 2026, 99.0),
        # b: only a value older than the window -> missing
        row("b", "x", 2019, 5.0),
        # c: two sources in 2023: a lower bound and a low-quality exact value -> the lower bound, in conflict
        row("c", "x", 2023, 8.0, lower_bound=True),
        row("c", "x", 2023, 9.0, low_quality=True),
        # d: a value of the reference year, approximate
        row("d", "x", 2024, 20.0, approximate=True),
        # y: only rows of "list A" count
        row("a", "y", 2024, 3.0, notes="list A"),
        row("b", "y", 2024, 1.0, notes="list B"),
        row("c", "y", 2023, 2.0, notes="from list A, 2023"),
        # population: d's is undated, still used for the denominator
        row("a", "pop", 2010, 100.0),
        row("d", "pop", None, 400.0),
    ]
)


def test_quality_policy_window_and_flags():
    cs = cross_section(OBS, FW, year=2024, window=3)
    v, y, f = cs.values, cs.years, cs.flags
    assert list(v.index) == ["a", "b", "c", "d"]
    # a: candidates 2022 (12) and 2024 seed (15); quality puts non-seed first -> 12 from 2022, outdated
    assert v.at["a", "x"] == 12 and y.at["a", "x"] == 2022 and f.at["a", "x"] == "outdated"
    assert np.isnan(v.at["b", "x"]) and f.at["b", "x"] == ""
    # c: the low-quality row goes last; the 2023 lower bound is older than 2024 and conflicts with 9
    assert v.at["c", "x"] == 8 and f.at["c", "x"] == "outdated,lower_bound,conflict"
    assert v.at["d", "x"] == 20 and y.at["d", "x"] == 2024 and f.at["d", "x"] == "approximate"
    # y: b's value is from list B and is not selected
    assert v.at["a", "y"] == 3 and np.isnan(v.at["b", "y"]) and np.isnan(v.at["d", "y"])
    assert v.at["c", "y"] == 2 and f.at["c", "y"] == "outdated"
    # denominators come from any earlier year, undated last
    assert cs.denominators["pop"].tolist()[0] == 100 and cs.denominators.at["d", "pop"] == 400
    assert np.isnan(cs.denominators.at["b", "pop"])


def test_latest_policy_takes_the_seed_row():
    cs = cross_section(OBS, FW, year=2024, window=3, policy="latest")
    assert cs.values.at["a", "x"] == 15 and cs.flags.at["a", "x"] == "seed"
    # latest still prefers the non-low-quality row within one year
    assert cs.values.at["c", "x"] == 8


def test_window_and_default_year():
    # window 4 from 2024 reaches 2020: a still takes 2022 (latest non-seed), b's 2019 stays out
    cs = cross_section(OBS, FW, year=2024, window=4)
    assert cs.values.at["a", "x"] == 12 and np.isnan(cs.values.at["b", "x"])
    cs = cross_section(OBS, FW, year=2024, window=5)
    assert cs.values.at["b", "x"] == 5 and cs.years.at["b", "x"] == 2019
    # no window: every earlier year
    assert cross_section(OBS, FW, year=2020, window=None).values.at["a", "x"] == 10
    # default year: the latest dated framework value (2026); then a's 99 is current, b has nothing in 2023..2026
    cs, ch = cross_section_with_choices(OBS, FW, window=3)
    assert ch.attrs["year"] == 2026 and cs.values.at["a", "x"] == 99 and cs.flags.at["a", "x"] == ""


def test_choices_table_lists_alternatives():
    ch = choose(OBS, "x", year=2024, window=3)
    a = ch.set_index("entity").loc["a"]
    assert a["value"] == 12 and a["candidates"] == 2 and a["alternatives"] == "15 (2024)"


def test_errors():
    with pytest.raises(DataError, match="policy"):
        cross_section(OBS, FW, year=2024, policy="newest")
    with pytest.raises(DataError, match="lack column"):
        cross_section(OBS.drop(columns=["year"]), FW)


def test_tidy_reader_columns():
    # a tidy table (ingest.readers / store): flags string, note, source_url
    tidy = pd.DataFrame(
        {
            "entity": ["a", "a", "b"],
            "indicator": ["x"] * 3,
            "year": [2023, 2024, 2024],
            "value": [1.0, 2.0, 3.0],
            "flags": ["", ">", "~"],
            "note": ["", "", "LOW-QUALITY"],
            "source_url": ["u", "seed:s", "u"],
        }
    )
    cs = cross_section(tidy, FW, year=2024)
    # a: the 2024 row is a seed row (source_url seed:...), so the 2023 row wins under the quality policy
    assert cs.values.at["a", "x"] == 1 and cs.flags.at["a", "x"] == "outdated"
    assert cs.values.at["b", "x"] == 3 and cs.flags.at["b", "x"] == "approximate,low_quality"


@pytest.mark.slow
def test_window_properties_for_any_panel():
    """Random panels (hypothesis, derandomized): under the latest policy each chosen value is the latest one dated
    in [Y - w, Y]; a cell with none is missing; 'outdated' is set exactly when the chosen year is before Y."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    obs_row = st.tuples(
        st.sampled_from(["a", "b", "c"]), st.integers(2015, 2026), st.floats(0, 100, allow_nan=False)
    )

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(rows=st.lists(obs_row, min_size=1, max_size=25), y=st.integers(2018, 2026), w=st.integers(0, 4))
    def check(rows, y, w):
        obs = pd.DataFrame([row(e, "x", yr, v) for e, yr, v in rows])
        cs = cross_section(obs, FW, year=y, window=w, policy="latest", entities=["a", "b", "c"])
        for e in ("a", "b", "c"):
            inside = obs[(obs["entity"] == e) & (obs["year"] >= y - w) & (obs["year"] <= y)]
            got, got_year = cs.values.at[e, "x"], cs.years.at[e, "x"]
            if inside.empty:
                assert np.isnan(got)
                continue
            latest = inside["year"].max()
            assert got_year == latest and got in set(inside.loc[inside["year"] == latest, "value"])
            assert ("outdated" in str(cs.flags.at[e, "x"])) == (latest < y)

    check()

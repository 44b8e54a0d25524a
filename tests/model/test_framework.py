"""The framework model read from COINr's iMeta: structure and validation errors."""

import pandas as pd
import pytest

from innoscope import Framework, FrameworkError
from tests.conftest import REF


@pytest.fixture(scope="module")
def imeta():
    return pd.read_csv(REF / "data" / "ASEM_iMeta.csv")


def test_asem_structure(imeta):
    fw = Framework.from_imeta(imeta)
    assert len(fw.indicators) == 49
    assert fw.n_levels == 4
    assert fw.root == "Index"
    assert fw.codes(2) == [
        "Physical",
        "ConEcFin",
        "Political",
        "Instit",
        "P2P",
        "Environ",
        "Social",
        "SusEcFin",
    ]
    assert fw.children("Conn") == ["Physical", "ConEcFin", "Political", "Instit", "P2P"]
    assert fw.descendants("Sust")[:3] == ["Renew", "PrimEner", "CO2"]
    assert fw.ancestors("LPI") == ["Physical", "Conn", "Index"]
    assert set(fw.denominators) == {"Area", "Energy", "GDP", "Population"}
    assert "EurAsia_group" in fw.groups
    assert fw["CO2"].direction == -1 and fw["Flights"].denominator == "Population"


def _edit(imeta, code, **changes):
    df = imeta.copy()
    for col, val in changes.items():
        df.loc[df.iCode == code, col] = val
    return df


def test_cycle_is_named(imeta):
    df = _edit(imeta, "Index", Parent="Conn", Level=4)
    with pytest.raises(
        FrameworkError, match=r"cycle in the tree: .*Conn.*Index|cycle in the tree: .*Index.*Conn"
    ):
        Framework.from_imeta(df)


def test_dangling_parent_is_named(imeta):
    df = _edit(imeta, "LPI", Parent="Nowhere")
    with pytest.raises(FrameworkError, match=r"'LPI' \(line 2\) has parent 'Nowhere'.*dangling"):
        Framework.from_imeta(df)


def test_duplicate_code_names_both_lines(imeta):
    df = imeta.copy()
    df.loc[1, "iCode"] = "LPI"
    with pytest.raises(FrameworkError, match=r"duplicate id 'LPI' at lines 2 and 3"):
        Framework.from_imeta(df)


def test_negative_weight(imeta):
    with pytest.raises(FrameworkError, match=r"'Goods'.*weight -1"):
        Framework.from_imeta(_edit(imeta, "Goods", Weight=-1))


def test_bad_direction(imeta):
    with pytest.raises(FrameworkError, match=r"column Direction: 2 for 'Goods'"):
        Framework.from_imeta(_edit(imeta, "Goods", Direction=2))


def test_unknown_denominator(imeta):
    with pytest.raises(
        FrameworkError, match=r"'Goods'.*denominator 'Moon'.*known: Area, Energy, GDP, Population"
    ):
        Framework.from_imeta(_edit(imeta, "Goods", Denominator="Moon"))


def test_parent_must_be_one_level_up(imeta):
    with pytest.raises(FrameworkError, match=r"'LPI'.*parent 'Conn' is at level 3"):
        Framework.from_imeta(_edit(imeta, "LPI", Parent="Conn"))


def test_missing_columns():
    with pytest.raises(FrameworkError, match=r"missing column\(s\) \['Weight'"):
        Framework.from_imeta(
            pd.DataFrame(
                {
                    "Level": [1],
                    "iCode": ["a"],
                    "iName": ["a"],
                    "Direction": [1],
                    "Parent": [None],
                    "Type": ["Indicator"],
                }
            )
        )


def test_roundtrip_imeta(imeta):
    fw = Framework.from_imeta(imeta)
    again = Framework.from_imeta(fw.to_imeta())
    assert again.indicators == fw.indicators and again.weights() == fw.weights()


@pytest.mark.parametrize(
    ("column", "pos", "raw", "message"),
    [
        ("GDP", 3, "n/a?", r"row 5, column 'GDP': denominator value 'n/a\?' is not a number"),
        ("LPI", 0, "12..5", r"iData.csv row 2, column 'LPI': value '12..5' is not a number"),
    ],
    ids=["denominator", "indicator"],
)
def test_non_numeric_cell_names_row_and_column(imeta, column, pos, raw, message):
    from innoscope import CrossSection, DataError

    idata = pd.read_csv(REF / "data" / "ASEM_iData.csv")
    idata[column] = idata[column].astype(object)
    idata.loc[pos, column] = raw
    with pytest.raises(DataError, match=message):
        CrossSection.from_idata(idata, Framework.from_imeta(imeta), source="iData.csv")

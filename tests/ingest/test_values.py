"""Value parsing: expected numbers are hand computations written next to each case."""

import pandas as pd
import pytest

from innoscope.ingest.values import ParsedValue, ValueParseError, convert_unit, parse_series, parse_value
from innoscope.model.errors import DataError


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("2.66万", 2.66 * 10_000, "万"),
        ("2236.6亿元", 2236.6 * 100_000_000, "亿元"),
        ("93.3%", 93.3, "%"),
        ("１２３", 123.0, None),
        ("－５", -5.0, None),
        ("−1.5", -1.5, None),
        ("1,040", 1040.0, None),
        ("12,345,678.5", 12345678.5, None),
        ("3.2万亿", 3.2e12, "万亿"),
        ("1.6万家", 16000.0, "万家"),
        ("5000万元", 5e7, "万元"),
        ("478家", 478.0, "家"),
        ("1.74万件", 17400.0, "万件"),
        ("25.6万篇", 256000.0, "万篇"),
        ("3000人", 3000.0, "人"),
        ("12个", 12.0, "个"),
        ("三千五百", 3500.0, None),
        ("１，０４０", 1040.0, None),
        ("９３．３％", 93.3, "%"),
    ],
)
def test_numbers_magnitudes_units(text, value, unit):
    pv = parse_value(text)
    assert pv.value == pytest.approx(value, rel=1e-12)
    assert pv.unit == unit
    assert not pv.missing and pv.raw == text


def test_seed_article_figures_exact():
    assert parse_value("2.66万").value == 26600
    assert parse_value("2236.6亿元").value == 223660000000
    assert parse_value("2236.6亿元").value_unit == "元"


@pytest.mark.parametrize(
    ("text", "lower", "upper", "approx", "value"),
    [
        (">2200", True, False, False, 2200),
        ("≥2200", True, False, False, 2200),
        ("超过2.4万", True, False, False, 24000),
        ("逾300", True, False, False, 300),
        ("100以上", True, False, False, 100),
        ("2200余家", True, False, False, 2200),
        ("2000多家", True, False, False, 2000),
        ("1.6万余家", True, False, False, 16000),
        ("<5", False, True, False, 5),
        ("不到30%", False, True, False, 30),
        ("~3500", False, False, True, 3500),
        ("～3500", False, False, True, 3500),
        ("约700", False, False, True, 700),
        ("近3500", False, False, True, 3500),
        ("100左右", False, False, True, 100),
        ("约2000多家", True, False, True, 2000),
    ],
)
def test_qualifier_flags(text, lower, upper, approx, value):
    pv = parse_value(text)
    assert (pv.lower_bound, pv.upper_bound, pv.approximate) == (lower, upper, approx)
    assert pv.value == value


@pytest.mark.parametrize("text", ["—", "-", "…", "n/a", "NA", "暂无", "", "  ", "——", "N/A"])
def test_missing_markers(text):
    pv = parse_value(text)
    assert pv.missing and pv.value is None and pv.flags == "NA"


@pytest.mark.parametrize("text", ["12..5", "abc", "1,04", "2236.6亿元x", "5 6", ">", "万", "1.2.3"])
def test_unparsable_raises_with_location(text):
    with pytest.raises(ValueParseError) as exc:
        parse_value(text, where="data.csv, row 7, column value")
    msg = str(exc.value)
    assert "data.csv, row 7, column value" in msg and repr(text) in msg
    assert isinstance(exc.value, DataError)


def test_conversion_to_indicator_unit():
    assert parse_value("2236.6亿元", unit="元").value == 223660000000
    assert parse_value("2236.6亿元", unit="万元").value == pytest.approx(22366000.0)
    assert parse_value("2236.6", unit="亿元").value == 2236.6  # no unit in text: already in 亿元
    assert parse_value("3.68万亿元", unit="亿元").value == pytest.approx(36800.0)
    assert parse_value("2.66万", unit="家").value == 26600
    with pytest.raises(ValueParseError, match="unit 家 where 元"):
        parse_value("5家", unit="元", where="f.csv")


def test_convert_unit():
    assert convert_unit(2236.6, "亿元", "元") == pytest.approx(2.2366e11)
    assert convert_unit(1.0, "万亿元", "亿元") == pytest.approx(1e4)
    assert convert_unit(2.66, "万", "家") == pytest.approx(26600)
    with pytest.raises(DataError, match="different units"):
        convert_unit(1.0, "元", "家")
    with pytest.raises(DataError, match="unknown unit"):
        convert_unit(1.0, "furlong", "元")


def test_parsed_value_is_frozen():
    pv = parse_value("1")
    assert isinstance(pv, ParsedValue)
    with pytest.raises(AttributeError):
        pv.value = 2.0  # type: ignore[misc]


def test_parse_series_matches_scalar_parser():
    texts = ["2.66万", ">2200", None, "—", "1,040", "5亿元", "12", "近3500", "2.66万", "９３．３％", "-4"]
    df = parse_series(pd.Series(texts))
    for i, t in enumerate(texts):
        pv = parse_value(t)
        if pv.missing:
            assert df["missing"].iat[i] and pd.isna(df["value"].iat[i])
        else:
            assert df["value"].iat[i] == pv.value
            assert df["unit"].iat[i] == pv.unit
            assert df["flags"].iat[i] == pv.flags
            assert df["lower_bound"].iat[i] == pv.lower_bound


def test_parse_series_error_names_row():
    with pytest.raises(ValueParseError, match=r"x\.csv, column v, row 5: cannot parse '12\.\.5'"):
        parse_series(pd.Series(["1", "2", "12..5"]), where="x.csv, column v", rows=[3, 4, 5])


def test_parse_series_target_unit():
    df = parse_series(pd.Series(["2236.6亿元", "100", "5000万元"]), unit="亿元")
    assert df["value"].tolist() == pytest.approx([2236.6, 100.0, 0.5])

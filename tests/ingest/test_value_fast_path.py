"""The vectorised value parser (:func:`parse_array`, on strings and on undecoded bytes) agrees with the one
grammar of :func:`parse_value`, text by text.

Reference: :func:`parse_value` (the documented grammar, one text at a time, no fast path). Inputs: several
thousand random texts built from the grammar's pieces plus near misses (doubled dots, inner signs, digits after
the unit, stray spaces, Traditional and full-width forms, missing markers).
"""

import random

import numpy as np
import pyarrow as pa
import pytest

from innoscope.ingest.values import (
    ArrayDecodeError,
    ArrayParseError,
    ValueParseError,
    parse_array,
    parse_value,
)

pytestmark = pytest.mark.slow  # end-to-end runs and fuzzing: make test-fast skips them

PREFIXES = ["", "", "", "", ">", "≥", "约", "超过", "近", "<", "不到", "~", "逾", "大约"]
SIGNS = ["", "", "", "-", "−", "－", "+"]
MAGS = ["", "", "万", "亿", "万亿", "千", "百万", "萬", "億", "十"]
UNITS = ["", "", "元", "家", "件", "篇", "人", "%", "个", "人次", "美元", "項", "km"]
SUFFIXES = ["", "", "", "", "以上", "左右", "+", "以下", "余", "多"]
MISSING = ["", "—", "-", "--", "…", "n/a", "NA", "暂无", "不详", "null"]
NEAR_MISSES = [
    "12..5",
    "1-2",
    "1.2.3",
    "5.",
    ".5",
    "-.5",
    "万",
    "5万3",
    "5 万",
    " 5万",
    "5万 ",
    "1,04",
    "1,040",
    "12,345.5万",
    "１２３",
    "９３．３％",
    "2.5e3",
    "0x10",
    "abc",
    "三千五百",
    "5万余家",
    "5亿元万",
    "--5",
    "-",
    "+5",
    "5-",
    "1 040",
    "1.0万件",
    "007",
    "-0",
    "0.000",
    "12345678901234567890",
]
TARGETS = [None, "元", "万元", "亿元", "家", "万", "%"]


def number(rng: random.Random) -> str:
    kind = rng.randrange(6)
    whole = str(rng.randrange(0, 10 ** rng.randrange(1, 10)))
    frac = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 5)))
    if kind == 0:
        return whole
    if kind in (1, 2):
        return f"{whole}.{frac}"
    if kind == 3:
        return f"{int(whole):,}"
    if kind == 4:
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{whole}.{frac}")
    return rng.choice(["0", "00", "1", "10", "0.5", "99.99"])


def random_texts(n: int, seed: int = 20261128) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.05:
            out.append(rng.choice(MISSING))
        elif r < 0.12:
            out.append(rng.choice(NEAR_MISSES))
        elif r < 0.55:  # the common, plain shape
            out.append(number(rng).replace(",", "") + rng.choice(MAGS[:6]) + rng.choice(UNITS[:9]))
        else:
            space = rng.choice(["", "", " "])
            out.append(
                rng.choice(PREFIXES)
                + rng.choice(SIGNS)
                + number(rng)
                + space
                + rng.choice(MAGS)
                + rng.choice(UNITS)
                + rng.choice(SUFFIXES)
            )
    return out


TEXTS = random_texts(4000)


def reference(texts: list[str], unit: str | None):
    """parse_value per text: (results of the texts that parse, texts that raise)."""
    good, bad = [], []
    for t in texts:
        try:
            good.append((t, parse_value(t, unit=unit)))
        except ValueParseError:
            bad.append(t)
    return good, bad


def assert_same(got, good) -> None:
    """``parse_array``'s result equals ``parse_value``'s, text by text (values bit for bit)."""
    want = [pv for _, pv in good]
    expected_value = np.asarray([np.nan if pv.value is None else pv.value for pv in want])
    assert np.array_equal(got.value, expected_value, equal_nan=True)  # bit for bit, not approximately
    for field in ("missing", "lower_bound", "upper_bound", "approximate"):
        assert getattr(got, field).tolist() == [getattr(pv, field) for pv in want], field
    for field in ("flags", "unit", "value_unit"):
        assert getattr(got, field).to_pylist() == [getattr(pv, field) for pv in want], field
    assert got.text.to_pylist() == [t for t, _ in good]


def as_input(texts: list[str], encoding: str | None) -> pa.Array:
    if encoding is None:
        return pa.array(texts, pa.string())
    return pa.array([t.encode(encoding) for t in texts], pa.binary())


@pytest.mark.parametrize("unit", TARGETS)
@pytest.mark.parametrize("encoding", [None, "utf-8", "gb18030", "big5hkscs"])
def test_array_paths_agree_with_parse_value(unit, encoding):
    texts = TEXTS
    if encoding == "big5hkscs":
        texts = [t for t in texts if _encodable(t, encoding)]
    good, bad = reference(texts, unit)
    assert len(good) > 1000 and len(bad) > 50  # both kinds are exercised
    ok = [t for t, _ in good]
    got = parse_array(as_input(ok, encoding), unit=unit, encoding=encoding or "utf-8")
    assert_same(got, good)
    for t in bad:  # every text parse_value rejects is rejected by the array path too, at its position
        with pytest.raises(ArrayParseError) as exc:
            parse_array(as_input([ok[0], t], encoding), unit=unit, encoding=encoding or "utf-8")
        assert exc.value.index == 1 and exc.value.text == t


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_chunked_input_gives_the_same_result():
    good, _ = reference(TEXTS, None)
    ok = [t for t, _ in good]
    data = [t.encode("gb18030") for t in ok]
    whole = parse_array(pa.array(data, pa.binary()), encoding="gb18030")
    chunked = parse_array(
        pa.chunked_array([pa.array(data[:700], pa.binary()), pa.array(data[700:], pa.binary())]),
        encoding="gb18030",
    )
    assert np.array_equal(whole.value, chunked.value, equal_nan=True)
    assert chunked.text.to_pylist() == ok
    assert chunked.flags.to_pylist() == whole.flags.to_pylist()


def test_invalid_bytes_are_reported_with_their_position():
    cells = [
        "12万".encode("gb18030"),
        b"3\x81\x20",
        "5亿元".encode("gb18030"),
    ]  # 0x81 0x20: no GB18030 character
    with pytest.raises(ArrayDecodeError) as exc:
        parse_array(pa.array(cells, pa.binary()), encoding="gb18030")
    assert exc.value.index == 1 and exc.value.data == b"3\x81\x20"
    with pytest.raises(ArrayDecodeError):  # an undecodable suffix on an otherwise plain number
        parse_array(pa.array([b"12\xff"], pa.binary()), encoding="utf-8")


def test_hand_computed_values_on_bytes():
    cells = ["2.66万", "2236.6亿元", "1,040", ">2200", "—", "93.3%"]
    got = parse_array(pa.array([c.encode("gb18030") for c in cells], pa.binary()), encoding="gb18030")
    assert got.value[0] == 26600 and got.value[1] == 223660000000 and got.value[2] == 1040
    assert got.value[3] == 2200 and got.lower_bound[3] and np.isnan(got.value[4]) and got.missing[4]
    assert got.value[5] == 93.3 and got.unit.to_pylist()[5] == "%"
    assert got.text.to_pylist() == cells


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"])
def test_unit_characters_never_hold_number_bytes(encoding):
    """The fast path's premise: the bytes of a magnitude or unit character are never ``0-9 . -``, so a cell
    whose suffix is accepted is exactly its leading number followed by that suffix."""
    from innoscope.ingest.values import MAGNITUDES, UNITS

    for ch in set("".join(MAGNITUDES) + "".join(UNITS)):
        try:
            data = ch.encode(encoding)
        except UnicodeEncodeError:
            continue
        assert not set(data) & set(b"0123456789.-"), ch


def plain_texts(n: int, seed: int = 7) -> list[str]:
    """Only texts whose leading number casts to float, so the cast checks the numbers (no regex)."""
    rng = random.Random(seed)
    nums = [".5", "-.5", "0.5", "-0", "007", "12345678901234567890"]
    out = []
    for _ in range(n):
        num = rng.choice(nums) if rng.random() < 0.05 else number(rng).replace(",", "")
        if not num.isascii():
            num = str(rng.randrange(10**6))
        out.append(
            rng.choice(["", "-"]) * (not num.startswith("-"))
            + num
            + rng.choice(MAGS[:6])
            + rng.choice(UNITS[:9])
        )
    return out


@pytest.mark.parametrize("unit", TARGETS)
@pytest.mark.parametrize("encoding", [None, "utf-8", "gb18030"])
def test_cast_checked_numbers_agree_with_parse_value(unit, encoding):
    good, _ = reference(plain_texts(3000), unit)
    ok = [t for t, _ in good]
    assert len(ok) > 500
    got = parse_array(as_input(ok, encoding), unit=unit, encoding=encoding or "utf-8")
    want = np.asarray([np.nan if pv.value is None else pv.value for _, pv in good])
    assert np.array_equal(got.value, want, equal_nan=True)
    assert got.unit.to_pylist() == [pv.unit for _, pv in good]
    assert got.value_unit.to_pylist() == [pv.value_unit for _, pv in good]
    assert got.text.to_pylist() == ok


@pytest.mark.parametrize("odd", ["5.", "-5.万", "12.家"])
def test_a_float_that_is_not_a_plain_number_is_still_rejected(odd):
    texts = [
        "1",
        "2.5万",
        ".5亿元",
        odd,
        "3",
    ]  # every number casts to float; the grammar rejects a trailing dot
    with pytest.raises(ArrayParseError) as exc:
        parse_array(pa.array([t.encode("gb18030") for t in texts], pa.binary()), encoding="gb18030")
    assert exc.value.index == 3 and exc.value.text == odd
    with pytest.raises(ValueParseError):
        parse_value(odd)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of a few hundred rows, so that the threaded path of parse_array runs on test-sized arrays."""
    from innoscope.ingest import values

    monkeypatch.setattr(values, "PARALLEL_ROWS", 300)


@pytest.mark.parametrize("unit", [None, "亿元"])
@pytest.mark.parametrize("encoding", [None, "gb18030"])
def test_blocks_on_threads_agree_with_parse_value(small_blocks, unit, encoding):
    good, _ = reference(TEXTS, unit)
    ok = [t for t, _ in good]
    for threads in (2, 3, 7):
        assert_same(
            parse_array(as_input(ok, encoding), unit=unit, encoding=encoding or "utf-8", threads=threads),
            good,
        )


def test_blocks_report_the_first_bad_row_of_the_array(small_blocks):
    texts = ["1.5万"] * 2000
    texts[1500], texts[1900] = "12..5", "abc"  # both in later blocks of 4 (500 rows each)
    with pytest.raises(ArrayParseError) as exc:
        parse_array(pa.array([t.encode("gbk") for t in texts], pa.binary()), encoding="gbk", threads=4)
    assert exc.value.index == 1500 and exc.value.text == "12..5"
    texts[1500] = "3.0万"
    data = [t.encode("gbk") for t in texts]
    data[700] = b"7\xff\xff"
    with pytest.raises(ArrayDecodeError) as dec:
        parse_array(pa.array(data, pa.binary()), encoding="gbk", threads=4)
    assert dec.value.index == 700


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_cells_all_on_the_fast_path_keep_their_text(encoding):
    """Every cell a plain number with a magnitude/unit suffix (the common export): the texts are the cells as
    written, in UTF-8 taken as they are, in GB18030 number and decoded suffix joined; values as parse_value's."""
    rng = np.random.default_rng(7)
    suffixes = ["万", "亿元", "", "万家", "万件", "元"]
    numbers, kinds = rng.integers(1, 10**6, 2000) / 100, rng.integers(0, 6, 2000)
    texts = [f"{v:.2f}{suffixes[k]}" for v, k in zip(numbers, kinds, strict=True)]
    got = parse_array(as_input(texts, encoding), encoding=encoding)
    assert got.text.to_pylist() == texts
    want = np.asarray([parse_value(t).value for t in texts])
    assert np.array_equal(got.value, want)
    assert not got.missing.any() and got.flags.to_pylist() == [""] * len(texts)

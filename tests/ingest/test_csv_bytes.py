"""CSV split without decoding: undecodable bytes, blank lines and quoted line breaks still give errors that
name the file, the row (the line in the file) and the column."""

import re

import pytest

from innoscope.ingest.readers import read_raw, read_table
from innoscope.ingest.values import ValueParseError
from innoscope.model.errors import DataError

HEAD = "城市,指标,年份,数值\n"


def test_undecodable_value_names_row_and_column(tmp_path):
    p = tmp_path / "bad_value.csv"
    p.write_bytes((HEAD + "深圳,a,2024,2.66万\n").encode("gb18030") + b"\xc9\xee\xdb\xda,a,2023,3\x81\x20\n")
    with pytest.raises(DataError) as exc:
        read_table(p, encoding="gb18030")
    msg = str(exc.value)
    assert "bad_value.csv, row 3, column '数值'" in msg and "\\x81" in msg and "not valid gb18030" in msg


def test_undecodable_name_names_row_and_column(tmp_path):
    p = tmp_path / "bad_name.csv"
    p.write_bytes((HEAD + "深圳,a,2024,1\n").encode("gb18030") + b"\x81\x20x,a,2024,2\n")
    with pytest.raises(DataError) as exc:
        read_table(p, encoding="gb18030")
    msg = str(exc.value)
    assert "bad_name.csv, row 3, column '城市'" in msg and "not valid gb18030" in msg


def test_blank_line_keeps_line_numbers(tmp_path):
    p = tmp_path / "blank.csv"
    p.write_bytes((HEAD + "深圳,a,2024,1\n\n杭州,a,2024,12..5\n").encode("gbk"))
    assert read_raw(p).rows.tolist() == [2, 4]
    with pytest.raises(ValueParseError, match=r"blank\.csv, row 4, column '数值'.*'12\.\.5'"):
        read_table(p)


def test_quoted_line_break_keeps_line_numbers(tmp_path):
    p = tmp_path / "quoted.csv"
    p.write_bytes((HEAD + '深圳,"a\nb",2024,1\n杭州,a,2024,x5\n').encode("gbk"))
    raw = read_raw(p)
    assert raw.rows.tolist() == [2, 4] and raw.columns["指标"].distinct[0] == "a\nb"
    with pytest.raises(ValueParseError, match=r"quoted\.csv, row 4, column '数值'.*'x5'"):
        read_table(p)


def test_ragged_row_names_its_line(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_bytes((HEAD + "深圳,a,2024,1\n杭州,a,2024\n").encode("gbk"))
    with pytest.raises(DataError, match=r"ragged\.csv, row 3: malformed CSV, expected 4 fields"):
        read_raw(p)


def test_gbk_and_utf8_bytes_give_the_same_table(tmp_path):
    rows = "".join(
        f"{c},i{k},{2000 + k % 20},{k}.5万家\n" for k in range(300) for c in ("深圳市", "杭州", "Xi'an")
    )
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes((HEAD + rows).encode("gbk"))
    b.write_bytes((HEAD + rows).encode("utf-8"))
    ta, tb = read_table(a), read_table(b)
    assert ta.attrs["encoding"] == "gb18030" and tb.attrs["encoding"] == "utf-8"
    cols = ["entity", "indicator", "year", "value", "raw", "unit", "row"]
    assert ta[cols].equals(tb[cols])
    assert (
        ta.loc[0, "value"] == 5000.0 and ta.loc[0, "raw"] == "0.5万家" and ta.loc[0, "entity"] == "shenzhen"
    )


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2024", "2023"], [2024, 2023]),  # four digits everywhere: read by a cast
        (["2024", "0999"], [2024, 999]),  # a four-digit form below 1000: the regex path, as before
        (["2024", "2023年"], [2024, 2023]),
    ],
)
def test_years_read_by_cast_or_pattern_agree(tmp_path, cells, expected):
    p = tmp_path / "y.csv"
    p.write_bytes((HEAD + "".join(f"深圳,a{k},{y},1\n" for k, y in enumerate(cells))).encode("gb18030"))
    assert read_table(p, encoding="gb18030", as_arrow=True).column("year").to_pylist() == expected


@pytest.mark.parametrize(
    "bad", ["0x7E", "+202", "20245"]
)  # int casts accept hex and signs; neither is a year
def test_year_cast_does_not_admit_non_years(tmp_path, bad):
    p = tmp_path / "y.csv"
    p.write_bytes((HEAD + f"深圳,a,2024,1\n深圳,b,{bad},1\n").encode("gb18030"))
    with pytest.raises(
        DataError, match=rf"y\.csv, row 3, column '年份': year '{re.escape(bad)}' is not a four-digit year"
    ):
        read_table(p, encoding="gb18030")


def test_whole_characters_never_ends_inside_a_character():
    """A prefix of a longer file is cut where no multibyte character of UTF-8, GBK/GB18030 or Big5 can be
    split: after the last newline, else the last byte below 0x30, else before an incomplete UTF-8 sequence."""
    from innoscope.ingest.encoding import whole_characters

    assert whole_characters("深圳\n杭州".encode()[:-1]) == "深圳\n".encode()
    assert whole_characters("深圳 杭州".encode("gb18030")[:-1]) == "深圳 ".encode("gb18030")
    assert whole_characters("深圳杭州".encode()[:-2]) == "深圳杭".encode()  # no ASCII at all: the cut 州 goes
    assert whole_characters("深圳".encode()) == "深圳".encode()


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_extract_reads_a_long_file_that_is_one_line(tmp_path, encoding):
    """A 300 KB document with no line break (a scraped page flattened): the encoding sample used to end inside a
    character, so detection failed ('cannot detect the text encoding')."""
    from innoscope.ingest.claims import extract_file

    text = "2024年深圳全社会研发投入2236.6亿元，a" + "深圳市持续推进科技创新，" * 12000 + "杭州独角兽19家。"
    path = tmp_path / "long.txt"
    path.write_bytes(text.encode(encoding))
    data = path.read_bytes()
    assert len(data) > 1 << 18 and b"\n" not in data
    with pytest.raises(UnicodeDecodeError):  # the first 256 KB end inside a character
        data[: 1 << 18].decode(encoding)
    got = {(c.entity, c.indicator, c.value) for c in extract_file(path)}
    assert {("深圳", "rd_expenditure", 223660000000.0), ("杭州", "unicorns", 19.0)} <= got


def test_line_ends_counted_across_blocks():
    """The block-wise count of line ends equals Python's own count, for spans that start and end inside
    a block and cross several 1 MiB blocks."""
    from innoscope.ingest.csvfile import _count_newlines

    data = b"".join(b"x" * (k % 97) + b"\n" for k in range(60_000))
    assert len(data) > 2 * (1 << 20)
    for a, b in ((0, len(data)), (5, len(data) - 7), ((1 << 20) - 1, (1 << 20) + 1), (10, 10)):
        assert _count_newlines(data, a, b) == data.count(b"\n", a, b)


def test_blank_line_past_the_first_megabyte_keeps_line_numbers(tmp_path):
    p = tmp_path / "long_blank.csv"
    rows = [f"深圳,i{k},2024,{k}\n" for k in range(120_000)]
    rows.insert(100_000, "\n")
    p.write_bytes((HEAD + "".join(rows)).encode("gbk"))
    assert p.stat().st_size > 2 * (1 << 20)
    got = read_raw(p).rows
    assert got[99_999] == 100_001 and got[100_000] == 100_003 and got[-1] == 120_002

"""Numbers as Chinese statistics write them: ``2.66万``, ``2236.6亿元``, ``93.3%``, ``１２３``, ``>2200``.

Grammar of one value (after :func:`normalise_text`: NFKC full->half width, ``−``/``－`` -> ``-``, 萬/億 -> 万/亿)::

    value  := prefix* sign? number more? magnitude? more? unit? suffix?
    prefix := > | >= | ≥ | < | <= | ≤ | ~ | ≈ | 约 | 大约 | 近 | 将近 | 接近 | 超过 | 超 | 逾 | 多于 | 大于
              | 不到 | 不足 | 低于 | 少于 | 小于
    number := digits with optional ``,`` thousands groups and decimals, or a Chinese numeral (cn2an)
    more   := 余 | 多                                   (lower bound: "2200余家", "2000多家")
    magnitude := 百 | 千 | 万 | 十万 | 百万 | 千万 | 亿 | 十亿 | 百亿 | 千亿 | 万亿
    unit   := 元 | 美元 | 家 | 件 | 篇 | 人 | 人次 | 个 | 所 | 项 | 户 | %
    suffix := 以上 | 以下 | 左右 | 上下 | +

Flags: ``lower_bound`` (``>``, ``≥``, 超过, 超, 逾, 多于, 大于, 余, 多, 以上, trailing ``+``),
``upper_bound`` (``<``, ``≤``, 不到, 不足, 低于, 少于, 小于, 以下), ``approximate`` (``~``, ``≈``, 约, 大约,
近, 将近, 接近, 左右, 上下).

Units and magnitudes: the number times its magnitude is a quantity of the base unit (``2236.6亿元`` =
2.2366e11 元). With ``unit=`` (the indicator's unit) the value is converted to it; a text with neither
magnitude nor unit is taken to be in ``unit`` already (``"2236.6"`` with ``unit="亿元"`` is 2236.6).

Missing markers (``—``, ``-``, ``…``, ``n/a``, ``NA``, ``暂无``, empty, ...) give ``missing=True``; any other text
that does not fit the grammar raises :class:`ValueParseError` naming ``where`` and the raw text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from innoscope.model.errors import DataError

__all__ = [
    "MAGNITUDES",
    "MISSING_MARKERS",
    "UNITS",
    "ArrayDecodeError",
    "ArrayParseError",
    "ParsedArray",
    "ParsedValue",
    "ValueParseError",
    "convert_unit",
    "normalise_text",
    "parse_array",
    "parse_series",
    "parse_value",
    "split_unit",
]

MAGNITUDES: dict[str, float] = {
    "百": 1e2,
    "千": 1e3,
    "万": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "十亿": 1e9,
    "百亿": 1e10,
    "千亿": 1e11,
    "万亿": 1e12,
}

UNITS: tuple[str, ...] = ("元", "美元", "家", "件", "篇", "人次", "人", "个", "所", "项", "户", "%")

MISSING_MARKERS: frozenset[str] = frozenset(
    {
        "",
        "-",
        "--",
        "—",
        "——",
        "–",
        "…",
        "……",
        "...",
        "n/a",
        "na",
        "nan",
        "null",
        "none",
        "暂无",
        "无数据",
        "不详",
    }
)

_LOWER_PREFIX = ("超过", "多于", "大于", "逾", "超", ">=", "≥", ">")
_UPPER_PREFIX = ("不到", "不足", "低于", "少于", "小于", "<=", "≤", "<")
_APPROX_PREFIX = ("大约", "将近", "接近", "约", "近", "~", "≈")
_PREFIX_FLAG = {
    **{p: "lower_bound" for p in _LOWER_PREFIX},
    **{p: "upper_bound" for p in _UPPER_PREFIX},
    **{p: "approximate" for p in _APPROX_PREFIX},
}
_SUFFIX_FLAG = {
    "以上": "lower_bound",
    "+": "lower_bound",
    "以下": "upper_bound",
    "左右": "approximate",
    "上下": "approximate",
}


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MAG_RE = _alt(MAGNITUDES)
_UNIT_RE = _alt(UNITS)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿点"
_VALUE_RE = re.compile(
    rf"""^(?P<pre>(?:(?:{_alt(_PREFIX_FLAG)})\s*)*)
    (?P<sign>[+-])?\s*
    (?:(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)
       |(?P<cn>[{_CN_DIGITS}]+))
    \s*(?P<more1>余|多)?
    \s*(?P<mag>{_MAG_RE})?
    \s*(?P<more2>余|多)?
    \s*(?P<unit>{_UNIT_RE})?
    \s*(?P<post>{_alt(_SUFFIX_FLAG)})?$""",
    re.VERBOSE,
)
_UNIT_SPLIT_RE = re.compile(rf"^(?P<mag>{_MAG_RE})?(?P<base>{_UNIT_RE})?$")
_DASHES = str.maketrans(
    {
        "−": "-",
        "－": "-",
        "﹣": "-",
        "＋": "+",
        "﹢": "+",
        "～": "~",
        "〜": "~",
        "萬": "万",
        "億": "亿",
        "個": "个",
        "項": "项",
        "戶": "户",
        "餘": "余",
    }
)


class ValueParseError(DataError):
    """A cell is neither a number in the documented grammar nor a missing marker."""

    def __init__(self, raw: str, where: str = "", reason: str = ""):
        self.raw = raw
        self.where = where
        expected = "a number such as '1,040', '2.66万', '2236.6亿元', '93.3%', '>2200' or a missing marker (—, n/a, 暂无)"
        loc = f"{where}: " if where else ""
        why = f" ({reason})" if reason else ""
        super().__init__(f"{loc}cannot parse {raw!r}{why}; expected {expected}")


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """One parsed cell. ``value`` is in ``value_unit`` (the requested unit, else the base unit of ``unit``)."""

    value: float | None
    missing: bool
    lower_bound: bool
    upper_bound: bool
    approximate: bool
    unit: str | None
    raw: str
    value_unit: str | None = None

    @property
    def flags(self) -> str:
        """Flags as a compact string: ``>`` lower bound, ``<`` upper bound, ``~`` approximate, ``NA`` missing."""
        return _flag_string(self.missing, self.lower_bound, self.upper_bound, self.approximate)


def _flag_string(missing: bool, lower: bool, upper: bool, approx: bool) -> str:
    if missing:
        return "NA"
    return (">" if lower else "") + ("<" if upper else "") + ("~" if approx else "")


def normalise_text(text: str) -> str:
    """NFKC (full-width digits, letters, ``％``, ``，``, ideographic space -> ASCII), dash/tilde variants, and
    the Traditional forms of magnitudes and units (萬 億 個 項 戶 餘)."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def split_unit(unit: str) -> tuple[float, str | None]:
    """``"亿元"`` -> ``(1e8, "元")``; ``"万"`` -> ``(1e4, None)``; ``"家"`` -> ``(1.0, "家")``.

    Raises :class:`DataError` for a unit outside the known magnitudes and units.
    """
    u = normalise_text(unit).replace(" ", "")
    m = _UNIT_SPLIT_RE.match(u)
    if not u or m is None:
        raise DataError(
            f"unknown unit {unit!r}; known units are {', '.join(UNITS)} with an optional magnitude "
            f"({', '.join(MAGNITUDES)})"
        )
    mag = MAGNITUDES[m["mag"]] if m["mag"] else 1.0
    return mag, m["base"]


def convert_unit(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between units of the same base: ``convert_unit(2236.6, "亿元", "元") == 2.2366e11``.

    value_to = value_from * magnitude(from_unit) / magnitude(to_unit). A bare magnitude (``"万"``) converts to
    any base; two different bases (``元`` -> ``家``) or an unknown unit raise :class:`DataError`.
    """
    fmag, fbase = split_unit(from_unit)
    tmag, tbase = split_unit(to_unit)
    if fbase is not None and tbase is not None and fbase != tbase:
        raise DataError(f"cannot convert {from_unit!r} to {to_unit!r}: different units ({fbase} vs {tbase})")
    return value * fmag / tmag


def _cn_number(text: str) -> float:
    import cn2an

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError) as exc:
        raise ValueError(str(exc)) from None


class _Bad(Exception):
    pass


_CIRCLED = re.compile(r"[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")


def _refuse_marks(text: str) -> None:
    """NFKC reads ① as 1: a footnote mark must never become a digit."""
    if _CIRCLED.search(text):
        raise _Bad("a footnote mark (①) in the number")


@lru_cache(maxsize=65536)
def _parse(text: str, unit: str | None) -> ParsedValue:
    raw = text
    _refuse_marks(text)
    s = normalise_text(text)
    if s.lower() in MISSING_MARKERS:
        return ParsedValue(None, True, False, False, False, None, raw, unit)
    m = _VALUE_RE.match(s)
    if m is None:
        raise _Bad("")
    flags = {"lower_bound": False, "upper_bound": False, "approximate": False}
    pre = m["pre"]
    while pre:
        pre = pre.lstrip()
        for p, flag in _PREFIX_FLAG.items():
            if pre.startswith(p):
                flags[flag] = True
                pre = pre[len(p) :]
                break
    if m["more1"] or m["more2"]:
        flags["lower_bound"] = True
    if m["post"]:
        flags[_SUFFIX_FLAG[m["post"]]] = True
    if flags["lower_bound"] and flags["upper_bound"]:
        raise _Bad("both a lower and an upper bound")
    if m["num"] is not None:
        number = float(m["num"].replace(",", ""))
    else:
        try:
            number = _cn_number(m["cn"])
        except ValueError:
            raise _Bad("not a Chinese numeral") from None
    if m["sign"] == "-":
        number = -number
    mag = m["mag"] or ""
    base = m["unit"]
    text_unit = (mag + (base or "")) or None
    if unit is None:
        value = number * (MAGNITUDES[mag] if mag else 1.0)
        value_unit = base
    elif text_unit is None:
        value, value_unit = number, unit
    else:
        tmag, tbase = _split_target(unit)
        if tbase is not None and base is not None and tbase != base:
            raise _Bad(f"unit {base} where {unit} was expected")
        value = number * (MAGNITUDES[mag] if mag else 1.0) / tmag
        value_unit = unit
    return ParsedValue(
        value,
        False,
        flags["lower_bound"],
        flags["upper_bound"],
        flags["approximate"],
        text_unit,
        raw,
        value_unit,
    )


def _split_target(unit: str) -> tuple[float, str | None]:
    try:
        return split_unit(unit)
    except DataError:
        raise _Bad(f"the text carries a unit but the expected unit {unit!r} is not convertible") from None


def parse_value(text: str | float | int | None, *, unit: str | None = None, where: str = "") -> ParsedValue:
    """Parse one cell (grammar in the module docstring); ``where`` (file, row, column) goes into errors."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ParsedValue(None, True, False, False, False, None, "", unit)
    if isinstance(text, int | float | np.integer | np.floating):
        return ParsedValue(float(text), False, False, False, False, None, str(text), unit)
    if not isinstance(text, str):
        raise ValueParseError(repr(text), where, f"unexpected type {type(text).__name__}")
    try:
        return _parse(text, unit)
    except _Bad as exc:
        raise ValueParseError(text, where, str(exc)) from None


_NUMBER_BYTES = "0123456789.-"
_OTHER_BYTES = bytes(b for b in range(256) if b not in b"0123456789.-")
_PLAIN_NUMBER_RE = r"^-?[0-9]+(\.[0-9]+)?$"


@dataclass(frozen=True)
class ParsedArray:
    """Parsed values of an array of texts, row by row. Text columns are pyarrow string arrays."""

    value: np.ndarray
    missing: np.ndarray
    lower_bound: np.ndarray
    upper_bound: np.ndarray
    approximate: np.ndarray
    flags: pa.Array  # "" | ">" | "<" | "~" | ">~" ... | "NA"
    unit: pa.Array  # unit read from the text (null when absent)
    value_unit: pa.Array  # unit of ``value``
    text: pa.Array | pa.ChunkedArray | None = None  # the texts as parsed (decoded when the input was bytes)


class ArrayParseError(Exception):
    """Raised by :func:`parse_array` with the position of the first text that does not parse."""

    def __init__(self, index: int, text: str, reason: str):
        self.index, self.text, self.reason = index, text, reason
        super().__init__(f"{text!r}: {reason}")


class ArrayDecodeError(ArrayParseError):
    """Raised by :func:`parse_array` on bytes input: the cell at ``index`` is not valid in the encoding."""

    def __init__(self, index: int, data: bytes, encoding: str):
        self.data, self.encoding = data, encoding
        super().__init__(index, repr(data), f"bytes not valid {encoding}")


class _Labels:
    """Small label table: rows carry codes into it, materialised once with a pyarrow take."""

    def __init__(self) -> None:
        self.labels: list[str | None] = []
        self._pos: dict[str | None, int] = {}

    def code(self, label: str | None) -> int:
        k = self._pos.get(label)
        if k is None:
            k = self._pos[label] = len(self.labels)
            self.labels.append(label)
        return k

    def codes(self, labels) -> np.ndarray:
        return np.asarray([self.code(x) for x in labels], dtype=np.int64)

    def take(self, codes: np.ndarray) -> pa.Array:
        """A dictionary array (int32 codes into the labels; a None label gives null)."""
        idx = codes.astype(np.int32, copy=False)
        labels = ["" if x is None else x for x in self.labels]
        none = self._pos.get(None)
        indices = pa.array(idx) if none is None or len(self.labels) == 0 else pa.array(idx, mask=idx == none)
        return pa.DictionaryArray.from_arrays(indices, pa.array(labels, pa.string()), safe=False)


def _dictionary_encode(
    arr: pa.Array | pa.ChunkedArray, dtype: type | None = np.int64
) -> tuple[np.ndarray, pa.Array]:
    """(codes with -1 for null, dictionary); for chunked input every chunk shares the final dictionary."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        if enc.num_chunks == 0:
            return np.zeros(0, dtype=np.int64), pa.array([], pa.string())
        dictionary = enc.chunk(enc.num_chunks - 1).dictionary
        indices = pa.chunked_array([c.indices for c in enc.chunks], type=enc.type.index_type)
    else:
        dictionary, indices = enc.dictionary, enc.indices
    if indices.null_count:
        indices = indices.fill_null(-1)
    codes = indices.to_numpy(zero_copy_only=False)
    return (codes if dtype is None else np.array(codes, dtype=dtype)), dictionary


def _as_cells(texts: pa.Array | pa.ChunkedArray | Sequence[str | None]) -> pa.Array | pa.ChunkedArray:
    """A string or binary array (chunked or not)."""
    arr = texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(list(texts), type=pa.string())
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if pa.types.is_large_binary(arr.type) or pa.types.is_binary_view(arr.type):
        arr = arr.cast(pa.binary())
    elif not pa.types.is_binary(arr.type) and arr.type != pa.string():
        arr = arr.cast(pa.string())
    return arr


def _view(arr: pa.Array | pa.ChunkedArray, typ: pa.DataType) -> pa.Array | pa.ChunkedArray:
    """Reinterpret string <-> binary without copying or validating."""
    if isinstance(arr, pa.ChunkedArray):
        return pa.chunked_array([c.view(typ) for c in arr.chunks], typ)
    return arr.view(typ)


def _numpy_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if arr.null_count:
        arr = arr.fill_null(False)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def _not_dot_ended(chunk: pa.Array) -> np.ndarray:
    """Per text, False for ``.5``, ``-.5``, ``5.`` (first byte ``.``, ``-`` then ``.``, or last byte ``.``) and
    for null or empty texts: read from the first and last bytes through the offsets, without a kernel per test."""
    import pyarrow.compute as pc

    n = len(chunk)
    if n == 0:
        return np.zeros(0, bool)
    off = np.frombuffer(chunk.buffers()[1], np.int32, n + 1, 4 * chunk.offset)
    start, end = off[:-1], off[1:]
    if chunk.null_count or not (end > start).all():
        odd = pc.or_(
            pc.or_(pc.starts_with(chunk, "."), pc.starts_with(chunk, "-.")), pc.ends_with(chunk, ".")
        )
        return _numpy_bool(pc.invert(odd))
    data = np.frombuffer(chunk.buffers()[2], np.uint8)
    first, last = data[start], data[end - 1]
    second = data[np.minimum(start + 1, end - 1)]
    return ~((first == 46) | (last == 46) | ((first == 45) & (second == 46)))


def _plain_numbers(number: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Per text of ``0-9 . -`` characters: is it a plain number (``-?digits[.digits]``), and its float value.

    A chunk whose every text casts to float is checked by the cast itself, which accepts exactly the plain
    numbers plus ``5.``, ``.5`` and ``-.5`` (excluded by prefix/suffix tests); a chunk with any other text is
    checked by the anchored regex, then the plain texts are cast.
    """
    import pyarrow.compute as pc

    oks, nums = [], []
    for chunk in number.chunks if isinstance(number, pa.ChunkedArray) else [number]:
        try:
            v = pc.cast(chunk, pa.float64())
            ok = _not_dot_ended(chunk)
        except pa.ArrowInvalid:
            ok = _numpy_bool(pc.match_substring_regex(chunk.view(pa.binary()), _PLAIN_NUMBER_RE))
            v = pc.cast(pc.if_else(pa.array(ok), chunk, "0"), pa.float64())
        oks.append(ok)
        nums.append((v.fill_null(0.0) if v.null_count else v).to_numpy(zero_copy_only=False))
    if len(oks) == 1:
        return oks[0], nums[0]
    if not oks:
        return np.zeros(0, bool), np.zeros(0)
    return np.concatenate(oks), np.concatenate(nums)


PARALLEL_ROWS = 1 << 18
"""Rows per block below which :func:`parse_array` stays on one thread (starting threads and joining the
blocks cost more than they save on smaller arrays)."""


def parse_array(
    texts: pa.Array | pa.ChunkedArray | Sequence[str | None],
    *,
    unit: str | None = None,
    encoding: str = "utf-8",
    threads: int | None = None,
) -> ParsedArray:
    """Parse every text of an array (grammar in the module docstring; nulls are missing).

    ``texts`` are strings, or the cells' undecoded bytes (a pyarrow binary array) in ``encoding``, which must be
    ASCII-compatible (UTF-8, GB18030/GBK, Big5: the ASCII bytes ``0-9 . -`` only ever stand for themselves at a
    character boundary). Bytes are decoded strictly, each distinct text once; :attr:`ParsedArray.text` holds
    the decoded texts.

    Fast path, for all rows at once with pyarrow kernels and numpy: a cell is its leading run of ``0-9 . -``
    bytes (the number) followed by the rest (the suffix). When the number is plain (``-?digits[.digits]``) and
    the suffix, decoded once per distinct suffix, is exactly ``[magnitude][unit]`` with no other character, the
    value is ``float(number) * magnitude`` (then divided by the magnitude of ``unit=``), the same arithmetic as
    :func:`parse_value`, and the text is the number's bytes (ASCII) joined to the decoded suffix. Every other
    cell (qualifiers, separators, full-width or Traditional characters, spaces, missing markers, errors) goes
    through :func:`parse_value` once per distinct text. A cell that does not parse raises
    :class:`ArrayParseError` (bytes that do not decode: :class:`ArrayDecodeError`) with its row position.

    Arrays of at least ``2 * PARALLEL_ROWS`` rows are cut into contiguous blocks parsed on ``threads`` threads
    (default: ``pyarrow.cpu_count()``; the kernels release the GIL), then joined in order; the result is the
    same as on one thread, and an error names the first bad row of the first block that has one, which is the
    first bad row of the array.
    """
    arr = _as_cells(texts)
    n = len(arr)
    k = max(1, min(threads or pa.cpu_count(), n // PARALLEL_ROWS))
    if k == 1:
        return _parse_block(arr, unit, encoding)
    bounds = [n * j // k for j in range(k + 1)]
    with ThreadPoolExecutor(k, thread_name_prefix="innoscope-parse") as pool:
        futures = [
            pool.submit(_parse_block, arr.slice(a, b - a), unit, encoding)
            for a, b in itertools.pairwise(bounds)
        ]
        parts = []
        for start, future in zip(bounds, futures, strict=False):
            try:
                parts.append(future.result())
            except ArrayParseError as exc:
                exc.index += start
                raise
    return _join_blocks(parts, arr)


def _join_arrays(arrays: Sequence[pa.Array | pa.ChunkedArray]) -> pa.Array:
    """One array of the blocks' arrays in order (dictionary arrays get one merged dictionary)."""
    return pa.concat_arrays(_chunks(arrays).chunks)


def _chunks(arrays: Sequence[pa.Array | pa.ChunkedArray]) -> pa.ChunkedArray:
    """The blocks' arrays as one chunked array, without copying (DuckDB inserts chunks in parallel)."""
    return pa.chunked_array(
        [c for a in arrays for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])], arrays[0].type
    )


def _join_blocks(parts: Sequence[ParsedArray], arr: pa.Array | pa.ChunkedArray) -> ParsedArray:
    """The :class:`ParsedArray` of ``arr`` from those of its contiguous blocks ``parts``."""

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    is_bytes = pa.types.is_binary(arr.type)
    return ParsedArray(
        cat("value"),
        cat("missing"),
        cat("lower_bound"),
        cat("upper_bound"),
        cat("approximate"),
        _join_arrays([p.flags for p in parts]),
        _join_arrays([p.unit for p in parts]),
        _join_arrays([p.value_unit for p in parts]),
        _chunks([p.text for p in parts]) if is_bytes else arr,
    )


def _fast_text(
    cells: pa.Array | pa.ChunkedArray,
    number: pa.Array | pa.ChunkedArray,
    suffix_texts: list[str],
    suffix_bytes: list[bytes],
    si: np.ndarray,
    all_fast: bool,
) -> pa.Array | pa.ChunkedArray:
    """The decoded text of fast-path cells: each cell's number joined to its decoded suffix; the cells as they
    are when every cell is on the fast path and every suffix is written in UTF-8 already (a UTF-8 file: number
    and suffix tile the cell, so its bytes are that text), which saves building a million strings."""
    import pyarrow.compute as pc

    if all_fast and all(t.encode("utf-8") == b for t, b in zip(suffix_texts, suffix_bytes, strict=True)):
        return cells
    return pc.binary_join_element_wise(number, pa.array(suffix_texts, pa.string()).take(si), "")


def _parse_block(arr: pa.Array | pa.ChunkedArray, unit: str | None, encoding: str) -> ParsedArray:
    """:func:`parse_array` of one block (string or binary cells) on the calling thread."""
    import pyarrow.compute as pc

    is_bytes = pa.types.is_binary(arr.type)
    n = len(arr)
    flag_l, unit_l, vunit_l = _Labels(), _Labels(), _Labels()
    flag_l.code("")
    target = split_unit(unit) if unit is not None and _convertible(unit) else None
    fast = np.zeros(n, bool)
    if n:
        # ASCII trims work byte by byte, so bytes are viewed as strings without decoding them.
        cells = _view(arr, pa.string()) if is_bytes else arr
        # number + suffix tile the cell whenever the suffix is accepted below: an accepted suffix is made of
        # magnitude/unit characters, whose bytes in these encodings are never ``0-9 . -``.
        suffix = pc.ascii_ltrim(cells, characters=_NUMBER_BYTES)
        number = pc.ascii_rtrim(cells, characters=_OTHER_BYTES)
        fast, num = _plain_numbers(number)
    all_fast = bool(n) and bool(fast.all())
    text = None
    if fast.any():
        si, suf_dict = _dictionary_encode(
            suffix if all_fast else pc.if_else(pa.array(fast), suffix, ""), None
        )
        sufs = _view(suf_dict, pa.binary()).to_pylist()
        k_n = len(sufs)
        mag = np.ones(k_n)
        div = target[0] if unit is not None and target is not None else 1.0
        ok = np.ones(k_n, dtype=bool)
        tu_codes = np.zeros(k_n, dtype=np.int32)
        vu_codes = np.zeros(k_n, dtype=np.int32)
        suf_texts: list[str] = []
        for k, raw_suffix in enumerate(sufs):
            try:
                suf = raw_suffix.decode(encoding)
            except UnicodeDecodeError:
                suf, ok[k] = "", False  # the slow path names the row
            suf_texts.append(suf)
            m_ = _UNIT_SPLIT_RE.match(suf)
            if not ok[k] or m_ is None:
                ok[k] = False
                continue
            m, u = m_["mag"], m_["base"]
            mag[k] = MAGNITUDES[m] if m else 1.0
            tu_codes[k] = unit_l.code(suf or None)
            if unit is None:
                vu_codes[k] = vunit_l.code(u)
            elif not m and not u:
                vu_codes[k] = vunit_l.code(unit)
            elif target is None or (u and target[1] is not None and u != target[1]):
                ok[k] = False  # the slow path raises the precise error
            else:
                vu_codes[k] = vunit_l.code(unit)
        if not ok.all():
            fast &= ok[si]
            all_fast = bool(fast.all())
        value = mag[si]
        value *= num
        if (
            unit is not None
        ):  # a bare number is in ``unit`` already; a number with magnitude/unit is converted
            scaled = np.asarray([bool(s) for s in suf_texts], dtype=bool)
            value = np.where(scaled[si], value / div, num)
        unit_c, vunit_c = tu_codes[si], vu_codes[si]
        if is_bytes:
            text = _fast_text(cells, number, suf_texts, sufs, si, all_fast)
    else:
        value = np.full(n, np.nan)
        unit_c = np.full(n, unit_l.code(None), dtype=np.int32)
        vunit_c = np.full(n, vunit_l.code(unit), dtype=np.int32)
    if all_fast:
        no = np.zeros(n, bool)
        no.flags.writeable = False
        return ParsedArray(
            value,
            no,
            no,
            no,
            no,
            flag_l.take(np.zeros(n, np.int32)),
            unit_l.take(unit_c),
            vunit_l.take(vunit_c),
            text if is_bytes else arr,
        )
    value[~fast] = np.nan
    missing = np.zeros(n, bool)
    lower = np.zeros(n, bool)
    upper = np.zeros(n, bool)
    approx = np.zeros(n, bool)
    flag_c = np.zeros(n, np.int32)
    slow = np.flatnonzero(~fast)
    codes, dictionary = _dictionary_encode(arr.take(pa.array(slow)))
    distinct = dictionary.to_pylist()
    codes[codes < 0] = len(distinct)
    k_n = len(distinct) + 1
    d_val = np.full(k_n, np.nan)
    d_miss = np.zeros(k_n, bool)
    d_miss[-1] = True
    d_lo, d_up, d_ap = np.zeros(k_n, bool), np.zeros(k_n, bool), np.zeros(k_n, bool)
    d_flag = np.full(k_n, flag_l.code("NA"), dtype=np.int32)
    d_unit = np.full(k_n, unit_l.code(None), dtype=np.int32)
    d_vunit = np.full(k_n, vunit_l.code(unit), dtype=np.int32)
    d_text: list[str | None] = []
    for k, cell in enumerate(distinct):
        if is_bytes:
            try:
                cell = cell.decode(encoding)
            except UnicodeDecodeError:
                raise ArrayDecodeError(
                    int(slow[np.flatnonzero(codes == k)[0]]), distinct[k], encoding
                ) from None
        d_text.append(cell)
        try:
            pv = _parse(cell, unit)
        except _Bad as exc:
            raise ArrayParseError(int(slow[np.flatnonzero(codes == k)[0]]), cell, str(exc)) from None
        d_val[k] = np.nan if pv.value is None else pv.value
        d_miss[k], d_lo[k], d_up[k], d_ap[k] = pv.missing, pv.lower_bound, pv.upper_bound, pv.approximate
        d_flag[k] = flag_l.code(pv.flags)
        d_unit[k] = unit_l.code(pv.unit)
        d_vunit[k] = vunit_l.code(pv.value_unit)
    value[slow], missing[slow] = d_val[codes], d_miss[codes]
    lower[slow], upper[slow], approx[slow] = d_lo[codes], d_up[codes], d_ap[codes]
    flag_c[slow], unit_c[slow], vunit_c[slow] = d_flag[codes], d_unit[codes], d_vunit[codes]
    if is_bytes:
        slow_text = pa.array([*d_text, None], pa.string()).take(pa.array(codes))
        text = slow_text if len(slow) == n else pc.replace_with_mask(text, pa.array(~fast), slow_text)
    return ParsedArray(
        value,
        missing,
        lower,
        upper,
        approx,
        flag_l.take(flag_c),
        unit_l.take(unit_c),
        vunit_l.take(vunit_c),
        text if is_bytes else arr,
    )


def parse_series(
    values: pd.Series | Sequence[object],
    *,
    unit: str | None = None,
    where: str = "",
    rows: Sequence[object] | None = None,
) -> pd.DataFrame:
    """:func:`parse_value` over a column, vectorised by :func:`parse_array`.

    Returns a frame aligned with ``values``: value, missing, lower_bound, upper_bound, approximate, unit (read
    from the text), value_unit, flags. An error names ``where`` and the row (``rows[i]`` if given, else the
    index label).
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        miss = np.isnan(v)
        none = pa.nulls(len(v), pa.string())
        parsed = ParsedArray(
            v,
            miss,
            np.zeros(len(v), bool),
            np.zeros(len(v), bool),
            np.zeros(len(v), bool),
            pa.array(np.where(miss, "NA", ""), pa.string()),
            none,
            pa.array([unit] * len(v), pa.string()),
        )
    else:
        texts = pa.array(
            [
                None if x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)) else str(x)
                for x in s.astype(object)
            ],
            pa.string(),
        )
        try:
            parsed = parse_array(texts, unit=unit)
        except ArrayParseError as exc:
            label = rows[exc.index] if rows is not None else s.index[exc.index]
            loc = f"{where}, row {label}" if where else f"row {label}"
            raise ValueParseError(exc.text, loc, exc.reason) from None
    return pd.DataFrame(
        {
            "value": parsed.value,
            "missing": parsed.missing,
            "lower_bound": parsed.lower_bound,
            "upper_bound": parsed.upper_bound,
            "approximate": parsed.approximate,
            "unit": pd.Series(parsed.unit.to_pylist(), index=s.index, dtype=object),
            "value_unit": pd.Series(parsed.value_unit.to_pylist(), index=s.index, dtype=object),
            "flags": pd.Series(parsed.flags.to_pylist(), index=s.index, dtype=object),
        },
        index=s.index,
    )


def _convertible(unit: str) -> bool:
    try:
        split_unit(unit)
    except DataError:
        return False
    return True

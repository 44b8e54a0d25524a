"""Numbers as Chinese statistics write them: ``2.66万``, ``2236.6亿元``, ``93.3%``, ``１２３``, ``>2200``.

Grammar of one value (after :func:`normalise_text`: NFKC full->half width, ``−``/``－`` -> ``-``)::

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

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from innoscope.errors import DataError

__all__ = [
    "MAGNITUDES",
    "MISSING_MARKERS",
    "UNITS",
    "ParsedValue",
    "ValueParseError",
    "convert_unit",
    "normalise_text",
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
    {"", "-", "--", "—", "——", "–", "…", "……", "...", "n/a", "na", "nan", "null", "none", "暂无", "无数据", "不详"}
)

_LOWER_PREFIX = ("超过", "多于", "大于", "逾", "超", ">=", "≥", ">")
_UPPER_PREFIX = ("不到", "不足", "低于", "少于", "小于", "<=", "≤", "<")
_APPROX_PREFIX = ("大约", "将近", "接近", "约", "近", "~", "≈")
_PREFIX_FLAG = {
    **{p: "lower_bound" for p in _LOWER_PREFIX},
    **{p: "upper_bound" for p in _UPPER_PREFIX},
    **{p: "approximate" for p in _APPROX_PREFIX},
}
_SUFFIX_FLAG = {"以上": "lower_bound", "+": "lower_bound", "以下": "upper_bound", "左右": "approximate", "上下": "approximate"}


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
_DASHES = str.maketrans({"−": "-", "－": "-", "﹣": "-", "＋": "+", "﹢": "+", "～": "~", "〜": "~"})


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
    """NFKC (full-width digits, letters, ``％``, ``，``, ideographic space -> ASCII) plus dash/tilde variants."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def split_unit(unit: str) -> tuple[float, str | None]:
    """``"亿元"`` -> ``(1e8, "元")``; ``"万"`` -> ``(1e4, None)``; ``"家"`` -> ``(1.0, "家")``.

    Raises :class:`DataError` for a unit outside the known magnitudes and units.
    """
    u = normalise_text(unit).replace(" ", "")
    m = _UNIT_SPLIT_RE.match(u)
    if not u or m is None:
        raise DataError(f"unknown unit {unit!r}; known units are {', '.join(UNITS)} with an optional magnitude "
                        f"({', '.join(MAGNITUDES)})")
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


@lru_cache(maxsize=65536)
def _parse(text: str, unit: str | None) -> ParsedValue:
    raw = text
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
                pre = pre[len(p):]
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
    return ParsedValue(value, False, flags["lower_bound"], flags["upper_bound"], flags["approximate"],
                       text_unit, raw, value_unit)


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


# Fast path for the common shape: ASCII number, optional magnitude and unit, no qualifier.
_FAST_RE = re.compile(rf"^\s*(?P<num>-?\d+(?:\.\d+)?)(?P<mag>{_MAG_RE})?(?P<unit>{_UNIT_RE})?\s*$")


def parse_series(
    values: pd.Series | Sequence[object],
    *,
    unit: str | None = None,
    where: str = "",
    rows: Sequence[object] | None = None,
) -> pd.DataFrame:
    """Vectorised :func:`parse_value` over a column.

    Each distinct string is parsed once: the common shape (``-?digits[.digits][magnitude][unit]``) with one
    pyarrow regex over the distinct values, the rest with :func:`parse_value`. Returns a frame aligned with
    ``values`` with columns value, missing, lower_bound, upper_bound, approximate, unit, flags. An error names
    ``where`` and the row (``rows[i]`` if given, else the index label).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    index = s.index
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if numeric:
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        miss = np.isnan(v)
        return _frame(index, v, miss, np.zeros(len(v), bool), np.zeros(len(v), bool), np.zeros(len(v), bool),
                      np.full(len(v), None, dtype=object))
    arr = pa.array(s.astype(object).where(s.notna(), None).map(lambda x: x if x is None else str(x)),
                   type=pa.string()) if s.dtype == object else pa.array(s.astype("string"), type=pa.string())
    enc = pc.dictionary_encode(arr)
    dictionary = enc.dictionary
    codes = enc.indices.to_numpy(zero_copy_only=False)
    null_rows = enc.indices.is_null().to_numpy(zero_copy_only=False)
    codes = np.where(null_rows, 0, codes).astype(np.int64)
    n = len(dictionary)
    d_value = np.full(n, np.nan)
    d_missing = np.zeros(n, bool)
    d_lower = np.zeros(n, bool)
    d_upper = np.zeros(n, bool)
    d_approx = np.zeros(n, bool)
    d_unit = np.full(n, None, dtype=object)
    if n:
        ext = pc.extract_regex(dictionary, _FAST_RE.pattern)
        fast = ext.is_valid().to_numpy(zero_copy_only=False)
        if fast.any():
            fast_idx = np.flatnonzero(fast)
            sub = ext.filter(pa.array(fast))
            num = pc.cast(sub.field("num"), pa.float64()).to_numpy(zero_copy_only=False)
            mag_s = sub.field("mag").to_pandas().fillna("")
            unit_s = sub.field("unit").to_pandas().fillna("")
            mag_f = mag_s.map(MAGNITUDES).fillna(1.0).to_numpy(dtype="float64")
            text_units = (mag_s + unit_s).to_numpy(dtype=object)
            has_unit = text_units != ""
            if unit is None:
                vals = num * mag_f
            else:
                vals = num.copy()
                if has_unit.any():
                    target = split_unit(unit) if _convertible(unit) else None
                    for i in np.flatnonzero(has_unit):
                        if target is None or (target[1] is not None and unit_s.iat[i] and unit_s.iat[i] != target[1]):
                            fast[fast_idx[i]] = False  # the scalar path raises the precise error
                        else:
                            vals[i] = num[i] * mag_f[i] / target[0]
            d_value[fast_idx] = vals
            text_units[~has_unit] = None
            d_unit[fast_idx] = text_units
        slow = np.flatnonzero(~fast)
        if len(slow):
            strings = dictionary.take(pa.array(slow)).to_pylist()
            first_row = _first_rows(codes, null_rows, n)
            for i, text in zip(slow, strings, strict=True):
                try:
                    pv = _parse(text, unit)
                except _Bad as exc:
                    r = first_row[i]
                    label = rows[r] if rows is not None else index[r]
                    loc = f"{where}, row {label}" if where else f"row {label}"
                    raise ValueParseError(text, loc, str(exc)) from None
                d_value[i] = np.nan if pv.value is None else pv.value
                d_missing[i], d_lower[i], d_upper[i], d_approx[i] = pv.missing, pv.lower_bound, pv.upper_bound, \
                    pv.approximate
                d_unit[i] = pv.unit
    value = d_value[codes]
    missing = d_missing[codes] | null_rows
    value[null_rows] = np.nan
    return _frame(index, value, missing, d_lower[codes] & ~null_rows, d_upper[codes] & ~null_rows,
                  d_approx[codes] & ~null_rows, np.where(null_rows, None, d_unit[codes]))


def _convertible(unit: str) -> bool:
    try:
        split_unit(unit)
    except DataError:
        return False
    return True


def _first_rows(codes: np.ndarray, null_rows: np.ndarray, n: int) -> np.ndarray:
    first = np.full(n, -1, dtype=np.int64)
    valid = np.flatnonzero(~null_rows)
    c = codes[valid]
    order = np.argsort(c, kind="stable")
    uniq, pos = np.unique(c[order], return_index=True)
    first[uniq] = valid[order[pos]]
    return first


def _frame(index, value, missing, lower, upper, approx, unit) -> pd.DataFrame:
    flags = np.full(len(value), "", dtype=object)
    if len(value):
        flags = np.where(missing, "NA", np.char.add(np.char.add(np.where(lower, ">", ""), np.where(upper, "<", "")),
                                                    np.where(approx, "~", "")).astype(object))
    return pd.DataFrame(
        {"value": value, "missing": missing, "lower_bound": lower, "upper_bound": upper, "approximate": approx,
         "unit": pd.Series(unit, index=index, dtype=object), "flags": pd.Series(flags, index=index, dtype=object)},
        index=index,
    )

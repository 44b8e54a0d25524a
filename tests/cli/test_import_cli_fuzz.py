"""``innoscope import`` as users run it (``innoscope.cli.main``) on 1,050 generated files (issue 9, evidence).

Seeded. Shapes: long (entity, indicator, year, value [, source]) and wide (entities x indicators, units in the
headers, a year column or ``--year`` or none: refused, the file does not say its year), English or Chinese
headers, a title row above (``--skip-rows``), note rows under the table; comma- or tab-separated CSV in UTF-8,
UTF-8 with BOM, GBK or Big5 (Traditional names, 萬/億), and some xlsx and parquet files. Values: integers, decimals, 万/亿 magnitudes, missing cells and
markers. About half the files carry one defect (a bad value, an unknown or empty city, a conflicting duplicate,
a bad year, a ragged row, a truncated or garbled file, an empty file).

Every file must import (exit 0) or fail with exactly one line ``error: ...`` on stderr and exit 1, never a
traceback, and a failure must leave the store's bytes unchanged (same size and mtime, else the same sha256). A file with a defect that must be refused
(bad value, unknown or empty city, conflicting duplicate, bad year, ragged row, empty) must fail; a clean file
must import, and at the end every clean file's values are read back from the store and compared with the
numbers the generator wrote (magnitudes multiplied out by hand: ``2.5万`` = 25000).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import re
from dataclasses import dataclass, field

import duckdb
import pytest

from innoscope.cli import main

pytestmark = pytest.mark.slow

N_FILES = int(__import__("os").environ.get("FUZZ_N", "1050"))
SEED = 20261206
STORE_FILES = 150  # a fresh store every 150 files keeps each import and each check small
CITIES = {
    "北京": "beijing",
    "上海": "shanghai",
    "深圳": "shenzhen",
    "杭州": "hangzhou",
    "广州": "guangzhou",
    "南京": "nanjing",
    "武汉": "wuhan",
    "成都": "chengdu",
    "西安": "xian",
    "苏州": "suzhou",
    "合肥": "hefei",
    "重庆": "chongqing",
}
TRADITIONAL = {
    "北京": "北京",
    "上海": "上海",
    "深圳": "深圳",
    "杭州": "杭州",
    "广州": "廣州",
    "南京": "南京",
    "武汉": "武漢",
    "成都": "成都",
    "西安": "西安",
    "苏州": "蘇州",
    "合肥": "合肥",
    "重庆": "重慶",
}
PINYIN = {v: v.capitalize() for v in CITIES.values()} | {"xian": "Xi'an"}
# wide columns: (header name, header unit or None, magnitude allowed in cells)
WIDE_COLUMNS = [
    ("专利授权量", "件", True),
    ("高新技术企业", "家", True),
    ("地区生产总值", "亿元", False),
    ("常住人口", "万人", False),
    ("unicorns", None, True),
    ("R&D经费", "万元", False),
]
TRAD_WORDS = {
    "专利授权量": "專利授權量",
    "高新技术企业": "高新技術企業",
    "地区生产总值": "地區生產總值",
    "常住人口": "常住人口",
    "亿元": "億元",
    "万人": "萬人",
    "万元": "萬元",
    "城市": "城市",
    "指标": "指標",
    "年份": "年份",
    "数值": "數值",
    "来源": "來源",
    "注：数据来源于统计年鉴": "註：資料來源於統計年鑑",
    "2024年主要指标": "2024年主要指標",
    "R&D经费": "R&D經費",
}
MUST_FAIL = {"bad value", "unknown city", "empty city", "conflict", "bad year", "ragged", "empty file"}
REFUSED = MUST_FAIL | {"no year"}  # "no year": a wide file without a year column, --year or a year it states
MAY_FAIL = {"truncated", "garbled"}


@dataclass
class Generated:
    name: str
    data: bytes
    args: list[str]
    defect: str | None
    expected: dict[tuple[str, str, int | None], float | None] = field(default_factory=dict)


def _number(rng: random.Random, magnitude_ok: bool) -> tuple[str, float]:
    kind = rng.random()
    if kind < 0.35:
        n = rng.randint(0, 99999)
        return str(n), float(n)
    if kind < 0.6 or not magnitude_ok:
        cents = rng.randint(0, 999999)
        return f"{cents // 100}.{cents % 100:02d}", cents / 100
    if kind < 0.85:
        tenths = rng.randint(1, 9999)
        return f"{tenths // 100}.{tenths % 100:02d}万", tenths / 100 * 1e4
    tenths = rng.randint(1, 999)
    return f"{tenths // 10}.{tenths % 10}亿", tenths / 10 * 1e8


def _cell(rng: random.Random, magnitude_ok: bool) -> tuple[str, float | None]:
    r = rng.random()
    if r < 0.06:
        return "", None
    if r < 0.1:
        return rng.choice(["—", "-", "…", "NA"]), None
    return _number(rng, magnitude_ok)


def _city_name(rng: random.Random, zh: str, big5: bool) -> str:
    if big5:
        return TRADITIONAL[zh] + rng.choice(["", "市"])
    return rng.choice([zh, zh + "市", PINYIN[CITIES[zh]], PINYIN[CITIES[zh]].upper()])


def _long(rng: random.Random, big5: bool, defect: str | None):
    chinese = rng.random() < 0.5
    with_source = rng.random() < 0.4
    header = ["城市", "指标", "年份", "数值"] if chinese else ["entity", "indicator", "year", "value"]
    if with_source:
        header.append("来源" if chinese else "source")
    cities = rng.sample(list(CITIES), rng.randint(2, 8))
    indicators = [f"ind_{k}" for k in rng.sample(range(40), rng.randint(1, 5))]
    years = rng.sample(range(2015, 2025), rng.randint(1, 3))
    rows, expected = [], {}
    for zh in cities:
        for ind in indicators:
            for y in years:
                text, value = _cell(rng, True)
                row = [_city_name(rng, zh, big5), ind, str(y), text] + (["yearbook"] if with_source else [])
                rows.append(row)
                expected[(CITIES[zh], ind, y)] = value
    if rng.random() < 0.2:  # an identical repeat is fine
        rows.append(list(rows[rng.randrange(len(rows))]))
    if defect == "conflict":
        victim = list(rows[rng.randrange(len(rows))])
        victim[3] = str(rng.randint(100000, 200000))  # never a value the generator writes otherwise
        rows.append(victim)
    elif defect == "bad year":
        rows[rng.randrange(len(rows))][2] = rng.choice(["20x4", "二零二四", "24", "year"])
    return header, rows, expected, []


def _wide(rng: random.Random, big5: bool, defect: str | None):
    chinese = rng.random() < 0.7
    cols = rng.sample(WIDE_COLUMNS, rng.randint(1, 5))
    year_mode = rng.choice(["column", "option", "none"])
    year = rng.randint(2018, 2024)
    header = ["城市" if chinese else "city"] + (["年份"] if year_mode == "column" else [])
    for name, unit, _ in cols:
        header.append(name if unit is None else rng.choice([f"{name}({unit})", f"{name}（{unit}）"]))
    rows, expected = [], {}
    for zh in rng.sample(list(CITIES), rng.randint(2, 12)):
        row = [_city_name(rng, zh, big5)] + ([str(year)] if year_mode == "column" else [])
        for name, _unit, magnitude_ok in cols:
            text, value = _cell(rng, magnitude_ok)
            row.append(text)
            expected[(CITIES[zh], name, None if year_mode == "none" else year)] = value
        rows.append(row)
    if defect == "conflict":  # the same city twice with another value
        victim = list(rows[0])
        k = len(victim) - 1
        victim[k] = str(rng.randint(100000, 200000))
        rows.append(victim)
    if defect == "bad year" and year_mode == "column":
        rows[rng.randrange(len(rows))][1] = "20x4"
    elif defect == "bad year":
        defect = "bad value"
        rows[0][-1] = "12abc"
    args = ["--year", str(year)] if year_mode == "option" else []
    return header, rows, expected, args, defect


def _traditional(text: str) -> str:
    for simp, trad in sorted(TRAD_WORDS.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(simp, trad)
    return text.replace("万", "萬").replace("亿", "億").replace("约", "約")


def generate(rng: random.Random, i: int) -> Generated:
    defect = rng.choice(sorted(MUST_FAIL | MAY_FAIL)) if rng.random() < 0.5 else None
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk", "big5"])
    big5 = encoding == "big5"
    fmt = rng.choices(["csv", "tsv", "xlsx", "parquet"], weights=[60, 25, 8, 7])[0]
    args: list[str] = []
    if rng.random() < 0.5:
        header, rows, expected, _ = _long(rng, big5, defect)
    else:
        header, rows, expected, args, defect = _wide(rng, big5, defect)
    if defect == "bad value":
        r = rng.randrange(len(rows))
        bad = ["12abc", "1.2.3", "约万", "#REF!"]  # in xlsx, #REF! is written as an error cell
        rows[r][-1 if header[-1] not in ("来源", "source") else -2] = rng.choice(bad)
    elif defect == "unknown city":
        rows[rng.randrange(len(rows))][0] = rng.choice(["火星市", "Atlantis", "深圳圳"])
    elif defect == "empty city":
        rows[rng.randrange(len(rows))][0] = ""
    title = fmt in ("csv", "tsv") and rng.random() < 0.2
    notes = fmt in ("csv", "tsv") and rng.random() < 0.2
    if fmt in ("xlsx", "parquet") and defect in ("ragged", "truncated", "garbled", "empty file"):
        defect = None
    if defect is None and "--year" not in args and not {"年份", "year"} & set(header):
        defect = "no year"  # a wide table that says its year nowhere: refused, --year suggested
    name = f"f{i:04d}.{ {'csv': 'csv', 'tsv': rng.choice(['tsv', 'txt', 'csv']), 'xlsx': 'xlsx', 'parquet': 'parquet'}[fmt] }"
    if fmt == "xlsx":
        return Generated(name, _xlsx(header, rows), args, defect, expected)
    if fmt == "parquet":
        return Generated(name, _parquet(header, rows), args, defect, expected)
    sep = "\t" if fmt == "tsv" else ","
    lines = []
    if title:
        lines.append(sep.join(["2024年主要指标"] + [""] * (len(header) - 1)))
        args += ["--skip-rows", "1"]
    lines.append(sep.join(header))
    lines += [sep.join(r) for r in rows]
    if defect == "ragged":
        lines.insert(rng.randint(2 + title, len(lines)), sep.join(rows[0] + ["extra"]))
    if notes:
        lines.append(sep.join(["注：数据来源于统计年鉴"] + [""] * (len(header) - 1)))
    text = "\n".join(lines) + rng.choice(["\n", "\r\n" if False else "\n", ""])
    if big5:
        text = _traditional(text)
    data = text.encode(encoding)
    if defect == "empty file":
        data = rng.choice([b"", b"\n\n", "\ufeff".encode()])
    elif defect == "truncated":
        data = data[: rng.randint(1, max(1, len(data) - 1))]
    elif defect == "garbled":
        b = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        data = bytes(b)
    if rng.random() < 0.3 and encoding != "utf-8-sig":
        args += ["--encoding", {"utf-8": "utf-8", "gbk": "gbk", "big5": "big5"}[encoding]]
    return Generated(name, data, args, defect, expected)


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([float(c) if re.fullmatch(r"\d+(\.\d+)?", c) else (c or None) for c in r])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _parquet(header: list[str], rows: list[list[str]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({h: [r[j] or None for r in rows] for j, h in enumerate(header)})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _stat(path) -> tuple[int, int]:
    st = path.stat() if path.exists() else None
    return (st.st_size, st.st_mtime_ns) if st else (0, 0)


def _file_sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def test_cli_import_fuzz(tmp_path):
    rng = random.Random(SEED)
    stores = [tmp_path / f"store{k}.duckdb" for k in range(-(-N_FILES // STORE_FILES))]
    problems: list[str] = []
    outcomes = {"imported": 0, "refused": 0}
    clean: dict[str, tuple[Generated, object]] = {}
    state = ("", (0, 0))  # sha256 of the store's bytes after the last import, and its (size, mtime)
    for i in range(N_FILES):
        store = stores[i // STORE_FILES]
        if i % STORE_FILES == 0:
            state = ("", (0, 0))
        g = generate(rng, i)
        path = tmp_path / g.name
        path.write_bytes(g.data)
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["import", str(path), "--store", str(store), *g.args])
        except BaseException as exc:  # noqa: BLE001 - the point is to see any of them
            problems.append(f"{g.name} ({g.defect}): {type(exc).__name__}: {str(exc)[:200]}")
            continue
        lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
        if code == 1:
            outcomes["refused"] += 1
            if len(lines) != 1 or not lines[0].startswith("error: ") or "Traceback" in err.getvalue():
                problems.append(f"{g.name} ({g.defect}): not a one-line error: {err.getvalue()[:300]!r}")
            if _stat(store) != state[1] and _file_sha(store) != state[0]:
                problems.append(f"{g.name} ({g.defect}): the store changed on a failed import")
            if g.defect is None and _misread(g, lines):
                outcomes["misread encoding"] = outcomes.get("misread encoding", 0) + 1
            elif g.defect is None:
                problems.append(f"{g.name}: a clean file was refused: {lines[:1]}")
        elif code == 0:
            outcomes["imported"] += 1
            if g.defect in REFUSED:
                problems.append(f"{g.name}: imported although it has a defect ({g.defect})")
            if g.defect is None and "imported into" in out.getvalue():
                clean[g.name] = (g, store)
            state = (_file_sha(store), _stat(store))
        else:
            problems.append(f"{g.name} ({g.defect}): exit code {code}")
    assert not problems, f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:15])
    assert min(outcomes["imported"], outcomes["refused"]) > N_FILES // 4, outcomes  # both well exercised
    assert outcomes.get("misread encoding", 0) <= N_FILES // 100, outcomes
    _check_values(stores, clean)


def _misread(g: Generated, lines: list[str]) -> bool:
    """A short GBK or Big5 file whose encoding was detected, not given, and guessed wrong: its city names come
    out garbled and the import is refused as an unknown entity, naming the detected encoding and --encoding."""
    return (
        "--encoding" not in g.args
        and "unknown entity" in lines[0]
        and "(detected): if its names look garbled" in lines[0]
        and g.name.endswith((".csv", ".tsv", ".txt"))
    )


def test_excel_error_cell_is_not_silently_missing(tmp_path):
    """python-calamine reads an Excel error cell (#REF!, #DIV/0!) as empty text: it used to import as a missing
    value without a flag."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["城市", "专利授权量(件)"])
    wb.active.append(["深圳", 1])
    wb.active.append(["杭州", "#REF!"])  # openpyxl writes this as an error cell
    wb.save(tmp_path / "e.xlsx")
    code = main(["import", str(tmp_path / "e.xlsx"), "--year", "2024", "--store", str(tmp_path / "s.duckdb")])
    assert code == 1


def _check_values(stores, clean: dict[str, tuple[Generated, object]]) -> None:
    got: dict[str, dict] = {}
    for store in stores:
        if not store.exists():
            continue
        con = duckdb.connect(str(store), read_only=True)
        try:
            rows = con.execute("""SELECT i.file_name, o.entity, o.indicator, o.year, o.value FROM observations o
                                  JOIN imports i ON i.id = o.import_id""").fetchall()
        finally:
            con.close()
        for file_name, entity, indicator, year, value in rows:
            got.setdefault(file_name, {})[(entity, indicator, year)] = value
    wrong = []
    for name, (g, _store) in clean.items():
        stored = got.get(name, {})
        want = {(e, _simplified_indicator(ind), y): v for (e, ind, y), v in g.expected.items()}
        have = {(e, _simplified_indicator(ind), y): v for (e, ind, y), v in stored.items()}
        if set(have) != set(want):
            wrong.append(
                f"{name}: keys differ: missing {sorted(set(want) - set(have))[:3]}, "
                f"extra {sorted(set(have) - set(want))[:3]}"
            )
            continue
        for k, v in want.items():
            h = have[k]
            if (v is None) != (h is None) or (v is not None and abs(h - v) > 1e-9 * max(1.0, abs(v))):
                wrong.append(f"{name}: {k}: stored {h}, written {v}")
                break
    assert len(clean) > N_FILES // 5
    assert not wrong, f"{len(wrong)} of {len(clean)} clean files read back wrong:\n" + "\n".join(wrong[:10])


def _simplified_indicator(name: str) -> str:
    for simp, trad in sorted(TRAD_WORDS.items(), key=lambda kv: -len(kv[0])):
        name = name.replace(trad, simp)
    return name

"""The national dataset: every city at prefecture level and above from the China City Statistical Yearbook 2024.

The raw tables ship in ``data/yearbook2024/tables/`` exactly as published (see its README); :data:`TABLES` says, for
each table, which rows hold the header and which columns are read, under which indicator id and unit. They are read
by innoscope's own importer (:func:`innoscope.ingest.readers.read_raw` / :func:`~innoscope.ingest.readers.to_long`)
with these explicit options; nothing here parses a cell. :func:`import_yearbook` returns one tidy row per city,
column and table, blanks kept as missing (flag ``NA``), each with its source: yearbook, table, sheet, cell and unit.
Whole-city (全市) columns are the default series (``high_tech_enterprises``); city-district (市辖区) columns are
kept beside them with the suffix ``_districts``. Province heading rows (unindented, no values) give each city its
province and are not data.

:func:`bundled_dataset` reads the derived file ``data/yearbook2024/national.csv``, which :func:`derive_csv`
writes; a test re-derives it from the raw tables and checks that it is identical.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from innoscope.ingest.names import Entity, EntityTable, fold_name
from innoscope.ingest.readers import read_raw, to_long
from innoscope.model.errors import DataError

__all__ = [
    "DATA_YEAR",
    "MUNICIPALITIES",
    "TABLES",
    "YEARBOOK",
    "Column",
    "Table",
    "bundled_dataset",
    "derive_csv",
    "import_yearbook",
    "national_entities",
    "tables_folder",
]

YEARBOOK = "中国城市统计年鉴2024"
YEARBOOK_EN = "China City Statistical Yearbook 2024"
PUBLISHER = "国家统计局城市社会经济调查司"
DATA_YEAR = 2023
"""The yearbook of 2024 reports 2023 data."""
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
"""Municipalities (直辖市): unindented like the province headings, but cities with values."""
DISTRICTS_SUFFIX = "_districts"
COLUMNS = (
    "entity",
    "entity_name",
    "name_en",
    "province",
    "indicator",
    "series",
    "year",
    "value",
    "raw",
    "flags",
    "unit",
    "source_title",
    "table",
    "sheet",
    "cell",
    "file",
)


@dataclass(frozen=True)
class Column:
    """One column read: its letter, the indicator id, the unit as printed, the series (全市 or 市辖区) and a text
    its header must contain (so a table laid out differently is an error, not a silent misread)."""

    letter: str
    indicator: str
    unit: str
    header: str
    series: str = "全市"


@dataclass(frozen=True)
class Table:
    """One yearbook table: its number, file, title, title rows above the header, header rows, columns read."""

    number: str
    file: str
    title: str
    skip_rows: int
    header_rows: int
    columns: tuple[Column, ...]


def _both(
    letter_total: str, letter_districts: str, indicator: str, unit: str, header: str
) -> tuple[Column, ...]:
    return (
        Column(letter_total, indicator, unit, header, "全市"),
        Column(letter_districts, indicator + DISTRICTS_SUFFIX, unit, header, "市辖区"),
    )


TABLES: tuple[Table, ...] = (
    Table("2-1", "2-1_人口数.xlsx", "人口数", 5, 3, _both("C", "D", "population", "万人", "常住人口")),
    Table(
        "2-6",
        "2-6_地区生产总值.xlsx",
        "地区生产总值",
        5,
        2,
        _both("C", "D", "gdp", "亿元", "地区生产总值")
        + _both("E", "F", "gdp_per_capita", "元", "人均地区生产总值"),
    ),
    Table(
        "2-8",
        "2-8_地方一般公共预算收支状况(全市).xlsx",
        "地方一般公共预算收支状况(全市)",
        9,
        2,
        (
            Column("D", "budget_expenditure", "万元", "地方一般公共 预算支出"),
            Column("E", "st_expenditure", "万元", "科学技术支出"),
            Column("F", "education_expenditure", "万元", "教育支出"),
        ),
    ),
    Table(
        "2-10",
        "2-10_年末金融机构存贷款余额.xlsx",
        "年末金融机构存贷款余额",
        6,
        2,
        _both("C", "D", "deposits", "万元", "存款余额") + _both("E", "F", "loans", "万元", "贷款余额"),
    ),
    Table(
        "2-17",
        "2-17_科技创新情况(全市).xlsx",
        "科技创新情况(全市)",
        9,
        2,
        (
            Column("C", "patents_granted", "件", "专利授权数"),
            Column("D", "invention_patents_granted", "件", "发明"),
        ),
    ),
    Table(
        "2-18",
        "2-18_高新技术企业数和技术合同成交额.xlsx",
        "高新技术企业数和技术合同成交额",
        5,
        2,
        _both("C", "D", "high_tech_enterprises", "个", "高新技术企业数(国家级)")
        + _both("E", "F", "tech_contract_turnover", "万元", "技术合同成交额"),
    ),
    Table(
        "2-19",
        "2-19_学生数（一）.xlsx",
        "学生数（一）",
        9,
        2,
        (Column("C", "higher_education_students", "人", "普通、职业本专科"),),
    ),
)
"""Every yearbook column the national dataset reads (title rows and header rows counted by hand from the sheets)."""


def tables_folder() -> Path:
    """The bundled raw tables (``data/yearbook2024/tables``)."""
    return Path(str(resources.files("innoscope").joinpath("data/yearbook2024/tables")))


def _csv_path() -> Path:
    return Path(str(resources.files("innoscope").joinpath("data/yearbook2024/national.csv")))


def _read_one(folder: Path, t: Table) -> pd.DataFrame:
    path = folder / t.file
    if not path.is_file():
        raise DataError(f"{path}: yearbook table {t.number} not found")
    raw = read_raw(path, sheet=0, header_rows=t.header_rows, skiprows=t.skip_rows)
    by_letter = {v: k for k, v in raw.column_letters.items()}
    columns = {by_letter["A"]: "entity"}
    for c in t.columns:
        head = by_letter.get(c.letter)
        if head is None or c.header not in head:
            raise DataError(
                f"{path}, sheet {raw.sheet!r}, column {c.letter}: expected a header containing "
                f"{c.header!r} (table {t.number}), found {head!r}"
            )
        columns[head] = c.indicator
    keep = {by_letter["A"], *(by_letter[c.letter] for c in t.columns)}
    exclude = [h for h in raw.names if h not in keep]
    units = {c.indicator: c.unit for c in t.columns}
    long = to_long(
        raw, layout="wide", columns=columns, entities=None, year=DATA_YEAR, units=units, exclude=exclude
    )
    names = raw.columns[by_letter["A"]]
    english = raw.columns[by_letter["B"]]
    raw_name = np.asarray([names.distinct[k] if k >= 0 else "" for k in names.codes], dtype=object)
    raw_en = np.asarray([english.distinct[k] if k >= 0 else "" for k in english.codes], dtype=object)
    province, province_en = _provinces(raw_name, raw_en, str(path), raw.rows)
    n = len(raw)
    letter_of = {c.indicator: c.letter for c in t.columns}
    series_of = {c.indicator: c.series for c in t.columns}
    pos = {int(r): i for i, r in enumerate(raw.rows)}  # the importer sets province headings aside
    k = np.asarray([pos[int(r)] for r in long["row"]], dtype=np.int64)
    if len(long) != len(set(long["row"])) * len(t.columns) or len(set(long["row"])) > n:
        raise DataError(
            f"{path}: read {len(long)} values, expected {len(t.columns)} per row ({n} rows x "
            f"{len(t.columns)} columns, headings excepted)"
        )
    out = pd.DataFrame(
        {
            "entity_name": long["entity_name"].to_numpy(object),
            "name_en": [re.sub(r"\s+", " ", str(x)).strip() for x in raw_en[k]],
            "province": province[k],
            "province_en": province_en[k],
            "indicator": long["indicator"].to_numpy(object),
            "year": DATA_YEAR,
            "value": long["value"].to_numpy(float),
            "raw": long["raw"].fillna("").to_numpy(object),
            "flags": long["flags"].fillna("").to_numpy(object),
            "unit": long["indicator"].map(units).to_numpy(object),
            "series": long["indicator"].map(series_of).to_numpy(object),
            "source_title": f"{YEARBOOK} 表{t.number} {t.title}（{DATA_YEAR}年数据）",
            "table": t.number,
            "sheet": raw.sheet,
            "cell": long["indicator"].map(letter_of).to_numpy(object)
            + long["row"].astype(str).to_numpy(object),
            "file": f"yearbook2024/tables/{t.file}",
            "_city": _is_city(raw_name)[k],
        }
    )
    heading_vals = out[~out["_city"] & out["value"].notna()]
    if len(heading_vals):
        r = heading_vals.iloc[0]
        raise DataError(
            f"{path}, cell {r['cell']}: province heading {r['entity_name']!r} has a value "
            f"{r['raw']!r}; expected a blank cell (headings carry no data)"
        )
    return out[out["_city"]].drop(columns=["_city"])


def _is_city(raw_name: np.ndarray) -> np.ndarray:
    """A city row is indented (``'  石家庄市'``) or a municipality; unindented rows are province headings."""
    return np.asarray(
        [str(x).startswith((" ", "\u3000")) or str(x).strip() in MUNICIPALITIES for x in raw_name]
    )


def _provinces(raw_name: np.ndarray, raw_en: np.ndarray, where: str, rows: np.ndarray):
    """Each row's province: the last heading above it (a municipality is its own province)."""
    cities = _is_city(raw_name)
    prov = np.empty(len(raw_name), dtype=object)
    prov_en = np.empty(len(raw_name), dtype=object)
    cur = cur_en = ""
    for i, (name, en, city) in enumerate(zip(raw_name, raw_en, cities, strict=True)):
        name = str(name).strip()
        if not city or name in MUNICIPALITIES:
            cur, cur_en = name, re.sub(r"\s+", " ", str(en)).strip()
        if not cur:
            raise DataError(f"{where}, row {rows[i]}: city {name!r} comes before any province heading")
        prov[i], prov_en[i] = cur, cur_en
    return prov, prov_en


def import_yearbook(folder: str | Path | None = None) -> pd.DataFrame:
    """The national tidy dataset from the raw yearbook tables in ``folder`` (default: the bundled ones).

    Columns :data:`COLUMNS`; one row per city and column read, blanks kept (value NaN, flags ``NA``). Every
    table must list the same cities in the same order as 2-1 (else a :class:`DataError` naming the table).
    """
    folder = Path(folder) if folder is not None else tables_folder()
    parts = [_read_one(folder, t) for t in TABLES]
    cities = parts[0].drop_duplicates("entity_name")["entity_name"].tolist()
    for t, p in zip(TABLES, parts, strict=True):
        mine = p.drop_duplicates("entity_name")["entity_name"].tolist()
        if mine != cities:
            diff = sorted(set(mine) ^ set(cities))[:5]
            raise DataError(
                f"{folder / t.file}: its cities differ from table 2-1's ({len(mine)} vs {len(cities)}; "
                f"e.g. {diff})"
            )
    df = pd.concat(parts, ignore_index=True)
    ents = national_entities(df)
    df.insert(0, "entity", df["entity_name"].map(lambda n: ents.resolve(n, where="yearbook")))
    return df[list(COLUMNS) + ["province_en"]].reset_index(drop=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold_name(text).lower())


def national_entities(df: pd.DataFrame | None = None) -> EntityTable:
    """Every yearbook city as an entity: the id of the bundled cited entity when the Chinese name matches one
    (``shenzhen``), else the English name in lower case, with the province appended when two cities share it
    (``fuzhou_fujian``, ``fuzhou_jiangxi``); Chinese short and full names and the English name resolve to it."""
    if df is None:
        return _bundled_entities()
    cited = EntityTable.default()
    rows = df.drop_duplicates("entity_name")[["entity_name", "name_en", "province", "province_en"]]
    slugs = rows["name_en"].map(_slug)
    dup = set(slugs[slugs.duplicated(keep=False)])
    table = EntityTable()
    for (_, r), slug in zip(rows.iterrows(), slugs, strict=True):
        full = str(r["entity_name"])
        short = full.removesuffix("市") if len(full) > 2 else full
        known = cited.get(full)
        ent_id = known or (f"{slug}_{_slug(r['province_en'])}" if slug in dup else slug)
        en = f"{r['name_en']} ({r['province_en']})" if slug in dup else str(r["name_en"])
        table.add(Entity(id=ent_id, name_zh=short, name_en=en, aliases=[full]))
    return table


@lru_cache(maxsize=1)
def _bundled_entities() -> EntityTable:
    return national_entities(bundled_dataset())


def to_csv_text(df: pd.DataFrame) -> str:
    """The dataset as the bundled CSV's text (UTF-8, ``\\n`` line ends, values as read)."""
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue()


def derive_csv(folder: str | Path | None = None, out: str | Path | None = None) -> Path:
    """Import the raw tables and write the bundled CSV (``out``: default the package's ``national.csv``)."""
    target = Path(out) if out is not None else _csv_path()
    target.write_text(to_csv_text(import_yearbook(folder)), encoding="utf-8")
    return target


@lru_cache(maxsize=1)
def _bundled_frame() -> pd.DataFrame:
    return pd.read_csv(
        _csv_path(),
        dtype={"raw": str, "flags": str, "cell": str},
        keep_default_na=False,
        na_values={"value": [""]},
    )


def bundled_dataset() -> pd.DataFrame:
    """The bundled national dataset (a copy; see :func:`import_yearbook` for its columns)."""
    return _bundled_frame().copy()


if __name__ == "__main__":
    print(f"wrote {derive_csv()}")

"""Importer for the raw cited city format (``data/cities/city_indicators.csv``).

Columns: ``city_zh, city_en, indicator, year, value, unit, source_url, source_title, excerpt, notes``.
Each raw row becomes one observation ``(entity, indicator, year, value, unit)`` that keeps all of its
provenance (url, title, excerpt, notes, the raw texts and the file line), plus flags:

* value qualifiers, parsed by :func:`~innoscope.ingest.values.parse_value`: ``>2200`` lower bound,
  ``~3500 (近3500)`` approximate (the parenthesised restatement is parsed too and must agree);
* ordinals (``3rd nationally``, ``1st for 20 consecutive years``) become rank indicators: the value is the
  rank, the unit ``rank``, the indicator gets a ``_rank`` suffix if it lacks one, direction -1;
* units with a restated magnitude (``家 (2.66万)``, ``亿元 (3.68万亿元)``, ``亿元 (66.7 billion yuan)``) are
  checked against the value (mismatch -> warning); a non-numeric parenthesis (``家 (规模以上)``) is a
  definition note. Values of one indicator are converted to one unit (the framework's, else the most common);
* years (:func:`parse_year`): ``2024``, ``2024-03``, ``2023 data (NI 2024 ...)``, ``2023-2024`` (range -> end
  year), ``2024 Jan-Sep`` (partial year), ``as stated (~2024)`` / ``likely 2022`` (approximate), ``n/a
  (undated)`` (undated), ``as stated`` / ``last 10 years`` (no year: kept, reported, never placed in a
  cross-section);
* ``seed`` rows (``source_url`` starting ``seed:``) and ``LOW-QUALITY`` rows (in ``notes``) are flagged;
* qualifiers written in the ``year`` or ``notes`` column (:func:`qualifiers`) flag the value: ``approximate``
  (``2023 (approx.)``, ``'左右' (approx.)``), ``preliminary`` (``preliminary``, ``初步``, ``预计``) and ``rounded``
  (``rounded in source``); ``approximate`` counts as ``~`` does in the value.

Several rows for one (entity, indicator, year) are all kept; :data:`CHOICE_ORDER` states which one is
``chosen``: non-seed before seed, not low-quality before low-quality, exact before approximate before a
bound, an exact year before an approximate one, more significant digits first, then file order. Groups whose
values differ are ``conflict``; equal values confirm each other.

Nothing is dropped silently: every issue (unparsed year, unit restatement mismatch, rank conversion,
missing value, unknown city...) is a row of :attr:`CityImport.report`; errors make the import fail
(:class:`~innoscope.errors.ImportFailed`) unless ``strict=False``, which leaves out only the rows in error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from innoscope.ingest.names import EntityTable
from innoscope.ingest.values import ValueParseError, convert_unit, normalise_text, parse_value
from innoscope.model.errors import DataError, ImportFailed

__all__ = [
    "CHOICE_ORDER",
    "COLUMNS",
    "QUALIFIERS",
    "CityImport",
    "bundled_path",
    "import_cities",
    "parse_year",
    "qualifiers",
    "read_cities",
]

COLUMNS = (
    "city_zh",
    "city_en",
    "indicator",
    "year",
    "value",
    "unit",
    "source_url",
    "source_title",
    "excerpt",
    "notes",
)
RANK_UNITS = frozenset({"rank", "world rank"})
CHOICE_ORDER = (
    "non-seed first",
    "not LOW-QUALITY first",
    "exact value, then approximate, then a bound",
    "exact year first",
    "more significant digits first",
    "file order",
)
"""How one row is chosen among several for the same (entity, indicator, year)."""

OBS_COLUMNS = [
    "entity",
    "city_zh",
    "indicator",
    "year",
    "value",
    "unit",
    "lower_bound",
    "upper_bound",
    "approximate",
    "preliminary",
    "rounded",
    "missing",
    "rank",
    "seed",
    "low_quality",
    "year_flag",
    "definition",
    "value_raw",
    "unit_raw",
    "year_raw",
    "indicator_raw",
    "source_url",
    "source_title",
    "excerpt",
    "notes",
    "line",
    "chosen",
    "conflict",
    "n_sources",
]


def bundled_path() -> Path:
    """The bundled raw file ``innoscope/data/cities/city_indicators.csv``."""
    return Path(str(resources.files("innoscope").joinpath("data/cities/city_indicators.csv")))


# -- years ----------------------------------------------------------------------------------------
_Y = r"(?:19|20)\d{2}"
_YEAR_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^n/?a\b"), "undated"),
    (re.compile(rf"\b({_Y}) data\b"), "data_year"),
    (re.compile(rf"\blikely ({_Y})\b"), "approximate"),
    (re.compile(rf"^as stated \(~\s*({_Y})\)"), "approximate"),
    (re.compile(rf"^({_Y})-\d{{2}}(?:-\d{{2}})?\b"), "date"),
    (re.compile(rf"^{_Y}\s*[-/–]\s*({_Y})\b"), "range"),
    (re.compile(rf"^(?:{_Y})/(\d{{2}})\b"), "range2"),
    (re.compile(rf"^({_Y})\s+(?:Jan|Q[1-4]|H[12])[-–A-Za-z0-9 ]*"), "partial"),
    (re.compile(rf"^({_Y})\b"), "exact"),
    (re.compile(rf"^stated as ({_Y})\b"), "exact"),
]


def parse_year(text: str) -> tuple[int | None, str]:
    """``(year, flag)`` of a year cell; flag is exact, date, data_year, range, partial, approximate, undated
    or unstated (no year could be read; the caller reports it).

    >>> parse_year("2023 (NI 2023 Science Cities, 2022 data)")
    (2022, 'data_year')
    >>> parse_year("as stated")
    (None, 'unstated')
    """
    s = normalise_text(str(text or ""))
    if not s:
        return None, "unstated"
    for rx, flag in _YEAR_RULES:
        m = rx.search(s)
        if m is None:
            continue
        if flag == "undated":
            return None, "undated"
        if flag == "range2":
            century = int(s[:2]) * 100
            return century + int(m.group(1)), "range"
        return int(m.group(1)), flag
    return None, "unstated"


# -- qualifiers in the year and notes columns ------------------------------------------------------
QUALIFIERS: dict[str, re.Pattern[str]] = {
    "approximate": re.compile(r"\bapprox(?:\.|imate(?:ly)?\b)|左右|大约"),
    "preliminary": re.compile(r"\bpreliminary\b|\bprovisional\b|初步|预计"),
    "rounded": re.compile(r"\brounded\b|取整|四舍五入"),
}
"""Qualifier -> the words that state it in a ``year`` or ``notes`` cell (the value's own ``~``, ``约``, ``左右``
are read by :func:`~innoscope.ingest.values.parse_value`). ``~`` is not one of them here: in these columns it
qualifies a year or another figure (``as stated (~2024)``, ``ranking of ~97 cities``)."""
_NEGATED = re.compile(r"(?:\bnot|\bnon|\bun|非|不)[\s-]*$", re.IGNORECASE)


def qualifiers(*texts: str) -> tuple[str, ...]:
    """The qualifiers of :data:`QUALIFIERS` that ``texts`` (a row's year and notes cells) state, in that order;
    a negated word (``not rounded``, ``unrounded``) states nothing.

    >>> qualifiers("2024 (preliminary, 'expected')", "rounded, preliminary estimate in government work report")
    ('preliminary', 'rounded')
    >>> qualifiers("2022 round", "147 universities nationally in 2nd round")
    ()
    """
    found = []
    for name, rx in QUALIFIERS.items():
        for text in texts:
            if any(not _NEGATED.search(text[: m.start()]) for m in rx.finditer(text or "")):
                found.append(name)
                break
    return tuple(found)


def _qualifier_notes(stated: tuple[str, ...], line: int, notes: str, where: str) -> list[dict]:
    """One report row (info) per qualifier a row's year or notes column states."""
    return [
        {
            "line": line,
            "column": "notes",
            "raw": notes,
            "severity": "info",
            "kind": "qualifier",
            "message": f"{where}: the year or notes column says {q}: flagged",
        }
        for q in stated
    ]


# -- values and units -----------------------------------------------------------------------------
_ORDINAL = re.compile(r"^(\d+)\s*(?:st|nd|rd|th)\b\s*(.*)$", re.IGNORECASE)
_PAREN = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
_ENGLISH_MAG = re.compile(
    r"^([\d.,]+)\s*(thousand|million|billion|trillion)?\s*(yuan|cny|rmb)?$", re.IGNORECASE
)
_ENGLISH_FACTOR = {None: 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def _split_paren(text: str) -> tuple[str, str | None]:
    m = _PAREN.match(text)
    return (m.group(1).strip(), m.group(2).strip()) if m else (text.strip(), None)


def _unit_factor(unit: str) -> float:
    """Magnitude of ``unit`` relative to its base (``亿元`` -> 1e8); units without magnitude give 1."""
    num = unit.split("/")[0]
    try:
        return convert_unit(1.0, num, num.lstrip("万亿千百十")) if num and num[0] in "万亿千百十" else 1.0
    except DataError:
        return 1.0


def _restated(paren: str) -> float | None:
    """The base-unit quantity a parenthesised restatement gives (``2.66万`` -> 26600), or None."""
    try:
        pv = parse_value(paren)
    except ValueParseError:
        m = _ENGLISH_MAG.match(paren.strip())
        if m is None:
            return None
        return float(m.group(1).replace(",", "")) * _ENGLISH_FACTOR[(m.group(2) or "").lower() or None]
    if pv.missing or pv.value is None:
        return None
    return pv.value


def convert_compound(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between units such as ``万元/年`` and ``元/年`` (same denominator); rank units are one scale."""
    if from_unit == to_unit or (from_unit in RANK_UNITS and to_unit in RANK_UNITS):
        return value
    fn, _, fd = from_unit.partition("/")
    tn, _, td = to_unit.partition("/")
    if fd != td:
        raise DataError(f"cannot convert {from_unit!r} to {to_unit!r}")
    return convert_unit(value, fn, tn)


def _digits(raw: str) -> int:
    m = re.search(r"\d[\d.,]*", raw or "")
    if not m:
        return 0
    return len(m.group(0).replace(",", "").replace(".", "").rstrip("0") or "0")


# -- the import -----------------------------------------------------------------------------------
@dataclass
class CityImport:
    """The result of importing one raw cited file.

    ``observations``: one row per imported raw row (columns :data:`OBS_COLUMNS`). ``report``: every issue
    (``line, column, raw, severity, kind, message``). ``indicators``: one row per indicator (unit, direction,
    rows, cities). ``source``/``sha256``/``n_raw``: the file imported.
    """

    observations: pd.DataFrame
    report: pd.DataFrame
    indicators: pd.DataFrame
    source: str
    sha256: str
    n_raw: int
    choice_order: tuple[str, ...] = field(default=CHOICE_ORDER)

    @property
    def errors(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "error"]

    def conflicts(self) -> pd.DataFrame:
        """Every row of every (entity, indicator, year) whose sources give different values."""
        obs = self.observations
        return obs[obs["conflict"]].sort_values(
            ["entity", "indicator", "year", "chosen"], ascending=[True, True, True, False]
        )

    def summary(self) -> str:
        obs = self.observations
        counts = self.report["severity"].value_counts()
        return (
            f"{self.source}: {self.n_raw} rows read, {len(obs)} imported ({int(obs['seed'].sum())} seed, "
            f"{int(obs['low_quality'].sum())} low-quality, {int(obs['year'].isna().sum())} without a year), "
            f"{obs['entity'].nunique()} entities, {obs['indicator'].nunique()} indicators, "
            f"{int(obs['conflict'].sum())} rows in {self.conflicts().groupby(['entity', 'indicator', 'year']).ngroups}"
            f" conflicting groups; report: {int(counts.get('error', 0))} errors, "
            f"{int(counts.get('warning', 0))} warnings, {int(counts.get('info', 0))} notes"
        )


def _file_bytes(path: str | Path | None, content: bytes | None) -> tuple[bytes, str]:
    """The cited file's bytes and the label its messages use: ``content`` if given, else the file's."""
    if content is not None:
        return content, str(path or "upload")
    p = Path(path) if path is not None else bundled_path()
    if not p.is_file():
        raise DataError(f"{p}: no such file")
    return p.read_bytes(), str(p) if path is not None else "innoscope/data/cities/city_indicators.csv"


def read_cities(
    path: str | Path | None = None,
    *,
    encoding: str | None = None,
    entities: EntityTable | None = None,
    content: bytes | None = None,
) -> tuple[list[dict], str, str]:
    """Rows of a raw cited file as dicts (with ``_line``), its label and sha256. Default: the bundled file.

    ``content``: the file's bytes, read from memory (an upload); ``path`` then only names it in messages.
    """
    data, label = _file_bytes(path, content)
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise DataError(f"{label}: the file is empty; expected a header row {', '.join(COLUMNS)}")
    if b"\x00" in data[:4096]:
        raise DataError(f"{label}: binary content (NUL bytes); expected a CSV text file")
    text = _decode(data, encoding, label, entities)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as e:
        raise DataError(f"{label}: line 1: not CSV ({e})") from None
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataError(
            f"{label}: line 1: missing column(s) {missing}; the cited city format needs {', '.join(COLUMNS)}"
        )
    rows = []
    line = reader.line_num + 1
    try:
        for rec in reader:
            if not any(c.strip() for c in rec):
                line = reader.line_num + 1
                continue
            if len(rec) != len(header):
                raise DataError(f"{label}: line {line}: {len(rec)} fields where the header has {len(header)}")
            row = dict(zip(header, rec, strict=True))
            row["_line"] = line
            rows.append(row)
            line = reader.line_num + 1
    except csv.Error as e:
        raise DataError(f"{label}: line {line}: not valid CSV ({e})") from None
    if not rows:
        raise DataError(f"{label}: only a header, no data rows")
    return rows, label, sha


def _decode(data: bytes, encoding: str | None, label: str, entities: EntityTable | None = None) -> str:
    """Text of the file: ``encoding`` if given; else UTF-8 when it decodes, else the candidate among the detected
    encoding (:func:`~innoscope.ingest.encoding.detect_encoding`), GB18030 and Big5-HKSCS that decodes strictly and
    whose ``city_zh`` column resolves the most known city names (short GBK files are easily misdetected)."""
    from innoscope.ingest.encoding import check_decodes, detect_encoding, normalise_encoding

    if encoding:
        enc = normalise_encoding(encoding)
        check_decodes(data, enc, where=label)
        text = data.decode(enc)
        return text[1:] if text.startswith("\ufeff") else text
    detected = detect_encoding(data, where=label)
    if detected in ("utf-8", "utf-8-sig"):
        text = data.decode(detected)
        return text[1:] if text.startswith("\ufeff") else text
    ents = entities or EntityTable.default()
    best, best_score = None, -1
    for enc in dict.fromkeys([detected, "gb18030", "big5hkscs"]):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        rows = list(csv.DictReader(io.StringIO(text, newline="")))[:200]
        score = sum(ents.get(r.get("city_zh") or "") is not None for r in rows)
        if score > best_score:
            best, best_score = text, score
    if best is None:
        check_decodes(data, detected, where=label, detected=True)
        raise DataError(f"{label}: cannot decode the file; pass --encoding")
    return best


def import_cities(
    path: str | Path | None = None,
    *,
    entities: EntityTable | None = None,
    units: dict[str, str] | None = None,
    strict: bool = True,
    encoding: str | None = None,
    content: bytes | None = None,
) -> CityImport:
    """Import a raw cited city file (default: the bundled one). See the module docstring for the rules.

    ``units``: indicator -> unit to convert to (e.g. from a framework); other indicators use their most
    common unit. ``strict``: any error raises :class:`ImportFailed` carrying the report. ``content``: the
    file's bytes (an upload, never written to disk); ``path`` then only names it.
    """
    entities = entities or EntityTable.default()
    rows, label, sha = read_cities(path, encoding=encoding, entities=entities, content=content)
    issues: list[dict] = []

    def issue(line: int, column: str, raw: str, severity: str, kind: str, message: str) -> None:
        issues.append(
            {
                "line": line,
                "column": column,
                "raw": raw,
                "severity": severity,
                "kind": kind,
                "message": message,
            }
        )

    recs: list[dict] = []
    for r in rows:
        ln = r["_line"]
        where = f"{label}, line {ln}"
        bad = False
        try:
            entity = entities.resolve(r["city_zh"] or r["city_en"], where=f"{where}, column city_zh")
            if r["city_en"] and r["city_zh"] and entities.get(r["city_en"]) not in (None, entity):
                issue(
                    ln,
                    "city_en",
                    r["city_en"],
                    "error",
                    "entity",
                    f"city_en {r['city_en']!r} names {entities.get(r['city_en'])!r}, city_zh {r['city_zh']!r} "
                    f"names {entity!r}",
                )
                bad = True
        except DataError as e:
            issue(ln, "city_zh", r["city_zh"], "error", "entity", str(e))
            continue
        indicator = r["indicator"].strip()
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", indicator):
            issue(
                ln,
                "indicator",
                indicator,
                "error",
                "indicator",
                f"{where}, column indicator: {indicator!r} is not an indicator id (letters, digits, _)",
            )
            continue
        year, year_flag = parse_year(r["year"])
        if year is None:
            issue(
                ln,
                "year",
                r["year"],
                "warning",
                f"year_{year_flag}",
                f"year {r['year']!r} gives no year ({year_flag}); the value is kept but no cross-section uses it",
            )
        unit, paren = _split_paren(r["unit"].strip())
        paren = None if paren is None else normalise_text(paren)
        value_text = normalise_text(r["value"])
        rank = False
        definition = None
        m = _ORDINAL.match(value_text)
        vmain, vparen = _split_paren(value_text)
        if m is not None:
            rank = True
            pv_value, lower, upper, approx, missing = float(m.group(1)), False, False, False, False
            definition = m.group(2).strip() or None
            issue(
                ln, "value", r["value"], "info", "rank", f"ordinal {r['value']!r} read as rank {m.group(1)}"
            )
            if not unit or unit not in RANK_UNITS:
                unit = "rank"
            if not indicator.endswith("_rank"):
                issue(
                    ln,
                    "value",
                    r["value"],
                    "info",
                    "rank",
                    f"ordinal {r['value']!r}: stored as rank indicator {indicator}_rank (lower is better)",
                )
                indicator = f"{indicator}_rank"
        else:
            try:
                pv = parse_value(vmain, where=f"{where}, column value")
            except ValueParseError as e:
                issue(ln, "value", r["value"], "error", "value", str(e))
                continue
            pv_value, lower, upper, approx, missing = (
                pv.value,
                pv.lower_bound,
                pv.upper_bound,
                pv.approximate,
                pv.missing,
            )
            if pv.unit and not unit:
                unit = pv.unit
            if vparen is not None:
                try:
                    pp = parse_value(vparen)
                    same = (
                        pp.value is not None
                        and pv_value is not None
                        and np.isclose(pp.value, pv_value, rtol=5e-3)
                    )
                except ValueParseError:
                    pp, same = None, False
                if pp is not None and same:
                    lower, upper, approx = (
                        lower or pp.lower_bound,
                        upper or pp.upper_bound,
                        approx or pp.approximate,
                    )
                else:
                    issue(
                        ln,
                        "value",
                        r["value"],
                        "warning",
                        "value_restatement",
                        f"parenthesis {vparen!r} does not restate {vmain!r}; kept {vmain!r}",
                    )
            if missing:
                issue(
                    ln,
                    "value",
                    r["value"],
                    "info",
                    "missing",
                    f"missing marker {r['value']!r}: kept as missing",
                )
        if unit in RANK_UNITS and not indicator.endswith("_rank"):
            rank = True
        if not unit:
            issue(
                ln,
                "unit",
                r["unit"],
                "error",
                "unit",
                f"{where}, column unit: no unit for value {r['value']!r}",
            )
            bad = True
        if paren is not None:
            restated = _restated(paren)
            if restated is None:
                definition = paren if definition is None else f"{definition}; {paren}"
            elif pv_value is not None:
                expect = pv_value * _unit_factor(unit)
                if not np.isclose(restated, expect, rtol=5e-3):
                    issue(
                        ln,
                        "unit",
                        r["unit"],
                        "warning",
                        "unit_restatement",
                        f"unit restatement {paren!r} = {restated:g} does not match value {value_text} {unit} "
                        f"= {expect:g}",
                    )
        notes = r["notes"]
        stated = qualifiers(r["year"], notes)
        issues.extend(_qualifier_notes(stated, ln, notes, where))
        approx = approx or "approximate" in stated
        if bad:
            continue
        recs.append(
            {
                "entity": entity,
                "city_zh": r["city_zh"],
                "indicator": indicator,
                "year": year,
                "value": np.nan if pv_value is None else float(pv_value),
                "unit": unit,
                "lower_bound": lower,
                "upper_bound": upper,
                "approximate": approx,
                "preliminary": "preliminary" in stated,
                "rounded": "rounded" in stated,
                "missing": missing,
                "rank": rank,
                "seed": r["source_url"].strip().startswith("seed:"),
                "low_quality": "LOW-QUALITY" in notes,
                "year_flag": year_flag,
                "definition": definition,
                "value_raw": r["value"],
                "unit_raw": r["unit"],
                "year_raw": r["year"],
                "indicator_raw": r["indicator"],
                "source_url": r["source_url"],
                "source_title": r["source_title"],
                "excerpt": r["excerpt"],
                "notes": notes,
                "line": ln,
                "_digits": _digits(r["value"]),
            }
        )
    report = pd.DataFrame(issues, columns=["line", "column", "raw", "severity", "kind", "message"])
    if strict and (report["severity"] == "error").any():
        errs = report[report["severity"] == "error"]
        lines = "\n".join(f"  {m}" for m in errs["message"].head(20))
        more = f"\n  ... and {len(errs) - 20} more" if len(errs) > 20 else ""
        raise ImportFailed(
            f"{label}: {len(errs)} row(s) cannot be imported; nothing was imported:\n{lines}{more}"
        )
    obs = pd.DataFrame(recs)
    if obs.empty:
        raise ImportFailed(f"{label}: no row could be imported")
    obs, conv = _harmonise_units(obs, units or {})
    for c in conv:
        issue(*c)
    obs = _choose(obs)
    for (ent, ind, yr), g in obs[obs["conflict"]].groupby(["entity", "indicator", "year"]):
        chosen = g[g["chosen"]].iloc[0]
        others = "; ".join(
            f"{v:g} (line {ln})"
            for v, ln in zip(g.loc[~g["chosen"], "value"], g.loc[~g["chosen"], "line"], strict=True)
        )
        issue(
            int(chosen["line"]),
            "value",
            str(chosen["value_raw"]),
            "info",
            "conflict",
            f"{ent} {ind} {int(yr)}: {len(g)} sources differ; chose {chosen['value']:g} (line {chosen['line']}) "
            f"over {others} by: {', '.join(CHOICE_ORDER)}",
        )
    report = pd.DataFrame(issues, columns=["line", "column", "raw", "severity", "kind", "message"])
    report = report.sort_values(["line", "column"], kind="stable").reset_index(drop=True)
    indicators = _indicator_table(obs)
    return CityImport(
        observations=obs[OBS_COLUMNS].reset_index(drop=True),
        report=report,
        indicators=indicators,
        source=label,
        sha256=sha,
        n_raw=len(rows),
    )


def _harmonise_units(obs: pd.DataFrame, targets: dict[str, str]) -> tuple[pd.DataFrame, list[tuple]]:
    """Convert each indicator's values to one unit; report each conversion (and each failure as an error)."""
    obs = obs.copy()
    out: list[tuple] = []
    for ind, g in obs.groupby("indicator", sort=False):
        units = g["unit"].value_counts(sort=True)
        target = targets.get(ind) or units.index[0]
        if len(units) == 1 and units.index[0] == target:
            continue
        for i in g.index[g["unit"] != target]:
            u = obs.at[i, "unit"]
            try:
                obs.at[i, "value"] = convert_compound(float(obs.at[i, "value"]), u, target)
            except DataError as e:
                out.append(
                    (int(obs.at[i, "line"]), "unit", u, "warning", "unit", f"{ind}: {e}; value kept in {u!r}")
                )
                continue
            if not (u in RANK_UNITS and target in RANK_UNITS):
                out.append(
                    (
                        int(obs.at[i, "line"]),
                        "unit",
                        u,
                        "info",
                        "unit_converted",
                        f"{ind}: {obs.at[i, 'value_raw']} {u} converted to {obs.at[i, 'value']:g} {target}",
                    )
                )
            obs.at[i, "unit"] = target
    return obs, out


def _choose(obs: pd.DataFrame) -> pd.DataFrame:
    """Mark ``chosen``, ``conflict`` and ``n_sources`` per (entity, indicator, year); see :data:`CHOICE_ORDER`."""
    obs = obs.copy()
    obs["_exact"] = np.where(obs["lower_bound"] | obs["upper_bound"], 2, np.where(obs["approximate"], 1, 0))
    obs["_yexact"] = (~obs["year_flag"].isin(["exact", "date", "data_year"])).astype(int)
    obs["_order"] = np.arange(len(obs))
    obs = obs.sort_values(
        ["seed", "low_quality", "_exact", "_yexact", "_digits", "_order"],
        ascending=[True, True, True, True, False, True],
        kind="stable",
    )
    key = ["entity", "indicator", "year"]
    dated = obs["year"].notna()
    obs["chosen"] = False
    obs["conflict"] = False
    obs["n_sources"] = 1
    g = obs[dated].groupby(key, sort=False)
    first = g.cumcount() == 0
    obs.loc[first.index, "chosen"] = first
    obs.loc[~dated, "chosen"] = True
    nvals = g["value"].transform(lambda s: len(np.unique(np.round(s.dropna().to_numpy(float), 9))))
    obs.loc[nvals.index, "conflict"] = nvals > 1
    obs.loc[nvals.index, "n_sources"] = g["value"].transform("size")
    obs["year"] = obs["year"].astype("Int64")
    return obs.sort_values("_order").drop(columns=["_exact", "_yexact", "_order", "_digits"])


def _indicator_table(obs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for ind, g in obs.groupby("indicator", sort=True):
        rank = bool(g["rank"].any()) or ind.endswith("_rank")
        rows.append(
            {
                "indicator": ind,
                "unit": g["unit"].mode().iat[0],
                "direction": -1 if rank else 1,
                "rank": rank,
                "rows": len(g),
                "entities": g["entity"].nunique(),
                "entities_non_seed": g.loc[~g["seed"], "entity"].nunique(),
                "years": ", ".join(str(y) for y in sorted(g["year"].dropna().unique())),
            }
        )
    return pd.DataFrame(rows)

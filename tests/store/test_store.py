"""DuckDB store: atomic imports, provenance of several sources, selection policies."""

import csv
import hashlib
import io

import duckdb
import openpyxl
import pandas as pd
import pytest

from innoscope.ingest.names import Entity
from innoscope.model.errors import ImportFailed
from innoscope.store import Store

HEADER = ["城市", "指标", "年份", "数值", "来源"]
GOOD = [
    ("深圳", "high_tech_enterprises", "2024", "2.66万", "seed article"),
    ("杭州", "high_tech_enterprises", "2024", "1.65万", "seed article"),
    ("深圳", "unicorns", "2024", "34", "seed article"),
    ("杭州", "unicorns", "2024", "19", "seed article"),
]


def write_csv(path, rows, encoding="gbk", header=HEADER):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "project.duckdb")
    s.import_file(write_csv(tmp_path / "good.csv", GOOD), dataset="cities")
    yield s
    s.close()


def snapshot(s: Store):
    return s.row_count(), s.content_hash(), len(s.imports())


def test_import_records_version_and_values(store, tmp_path):
    imp = store.imports()
    assert (
        imp.loc[0, "n_rows"] == 4
        and imp.loc[0, "dataset"] == "cities"
        and imp.loc[0, "encoding"] == "gb18030"
    )
    assert imp.loc[0, "sha256"] == hashlib.sha256((tmp_path / "good.csv").read_bytes()).hexdigest()
    obs = store.observations().set_index(["entity", "indicator"])
    assert obs.loc[("shenzhen", "high_tech_enterprises"), "value"] == 26600
    assert obs.loc[("hangzhou", "unicorns"), "value"] == 19
    assert obs.loc[("shenzhen", "unicorns"), "source_title"] == "seed article"
    assert set(obs["reason"]) == {"only value"}


def test_store_persists_and_reimport_is_idempotent(tmp_path):
    path = tmp_path / "p.duckdb"
    with Store(path) as s:
        first = s.import_file(write_csv(tmp_path / "good.csv", GOOD))
    with Store(path) as s:
        assert s.row_count() == 4
        before = snapshot(s)
        again = s.import_file(tmp_path / "good.csv")
        assert again.reused and again.id == first.id
        assert snapshot(s) == before


def bad_files(tmp_path):
    xlsx = tmp_path / "ok.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["城市", "指标", "年份", "数值"])
    wb.active.append(["深圳", "x", 2024, 1])
    wb.save(xlsx)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(xlsx.read_bytes()[:300])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(xlsx.read_bytes())
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    return {
        "12..5": (
            write_csv(tmp_path / "dots.csv", [*GOOD, ("北京", "unicorns", "2024", "12..5", "x")]),
            r"dots\.csv, row 6, column '数值'.*'12\.\.5'",
        ),
        "unknown city": (
            write_csv(tmp_path / "city.csv", [*GOOD, ("Shenzen", "unicorns", "2024", "1", "x")]),
            r"unknown entity 'Shenzen'; closest known names: 深圳 / Shenzhen \(shenzhen\)",
        ),
        "duplicate key": (
            write_csv(tmp_path / "dup.csv", [*GOOD, ("深圳市", "unicorns", "2024", "33", "seed article")]),
            r"duplicate key \(shenzhen, unicorns, 2024\) from the same source with different values: "
            r"row 4: '34' vs row 6: '33'",
        ),
        "empty": (empty, "file is empty"),
        "header only": (write_csv(tmp_path / "head.csv", []), "but no data rows"),
        "binary renamed csv": (binary, "binary content"),
        "truncated xlsx": (truncated, "not a readable Excel workbook"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "12..5",
        "unknown city",
        "duplicate key",
        "empty",
        "header only",
        "binary renamed csv",
        "truncated xlsx",
    ],
)
def test_bad_input_leaves_store_unchanged(store, tmp_path, case):
    path, message = bad_files(tmp_path)[case]
    before = snapshot(store)
    with pytest.raises(ImportFailed, match=message) as exc:
        store.import_file(path, dataset="cities")
    assert "import rejected, store unchanged" in str(exc.value)
    assert path.name in str(exc.value)
    assert snapshot(store) == before


class FailingConnection:
    """Delegates to a DuckDB connection but fails the observations INSERT (after the imports INSERT ran)."""

    def __init__(self, con):
        self._con = con

    def execute(self, sql, *args):
        if sql.lstrip().startswith("INSERT INTO observations"):
            raise duckdb.IOException("disk full (simulated)")
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_failure_inside_the_transaction_rolls_back(store, tmp_path):
    before = snapshot(store)
    real = store.con
    store.con = FailingConnection(real)
    try:
        with pytest.raises(ImportFailed, match="store unchanged: disk full"):
            store.import_file(
                write_csv(tmp_path / "new.csv", [("北京", "unicorns", "2024", "114", "中关村")])
            )
    finally:
        store.con = real
    assert snapshot(store) == before  # the imports row written before the failure was rolled back


def test_two_sources_for_one_key_are_both_kept_with_a_stated_choice(store, tmp_path):
    hurun = [
        ("深圳", "unicorns", "2024", "33", "Hurun Global Unicorn Index 2024"),
        ("杭州", "unicorns", "2024", "34", "杭州市政府工作报告 2025"),
    ]
    store.import_file(write_csv(tmp_path / "hurun.csv", hurun), dataset="cities")
    assert store.row_count() == 6
    conf = store.conflicts()
    assert conf[["entity", "indicator", "year", "n_rows", "n_values"]].values.tolist() == [
        ["hangzhou", "unicorns", 2024, 2, 2],
        ["shenzhen", "unicorns", 2024, 2, 2],
    ]
    latest = store.observations("latest_import").set_index(["entity", "indicator"])
    assert latest.loc[("shenzhen", "unicorns"), "value"] == 33
    assert latest.loc[("shenzhen", "unicorns"), "reason"] == "chosen of 2: latest import #2 (hurun.csv)"
    assert latest.loc[("shenzhen", "high_tech_enterprises"), "reason"] == "only value"
    prio = store.observations("source_priority", priority=["seed"]).set_index(["entity", "indicator"])
    assert prio.loc[("shenzhen", "unicorns"), "value"] == 34
    assert prio.loc[("shenzhen", "unicorns"), "reason"] == "chosen of 2: source matches priority 1 'seed'"
    every = store.observations("source_priority", priority=["Hurun", "seed"], all_rows=True)
    sz = every[(every.entity == "shenzhen") & (every.indicator == "unicorns")].sort_values("rank")
    assert sz["value"].tolist() == [33, 34] and sz["rank"].tolist() == [1, 2]
    assert sz["reason"].tolist() == [
        "chosen of 2: source matches priority 1 'Hurun'",
        "candidate 2 of 2: source matches priority 2 'seed'",
    ]


def test_missing_value_does_not_displace_a_value(store, tmp_path):
    store.import_file(
        write_csv(tmp_path / "later.csv", [("深圳", "unicorns", "2024", "暂无", "later report")])
    )
    chosen = store.observations().set_index(["entity", "indicator"]).loc[("shenzhen", "unicorns")]
    assert chosen["value"] == 34 and chosen["n_candidates"] == 2


def test_import_long_resolves_names_and_checks_columns(tmp_path):
    with Store(":memory:") as s:
        s.add_entity(Entity("tianjin", name_zh="天津", name_en="Tianjin"))
        s.add_alias("tianjin", "津")
        table = pd.DataFrame(
            {
                "entity": ["天津市", "津", "Shenzhen"],
                "indicator": ["a", "b", "a"],
                "year": [2024, 2024, 2024],
                "value": [1.0, 2.0, 3.0],
            }
        )
        rec = s.import_long(table, file="frame", dataset="d")
        assert rec.n_rows == 3
        assert sorted(s.observations()["entity"]) == ["shenzhen", "tianjin", "tianjin"]
        before = snapshot(s)
        with pytest.raises(ImportFailed, match=r"lacks required columns \['value'\]"):
            s.import_long(table.drop(columns="value"), file="frame2")
        assert snapshot(s) == before

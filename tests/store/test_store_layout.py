"""Store layout: observations as a view over per-row data and deduplicated per-row context; schema-1 stores
upgraded in place; duplicate keys found on both the counting and the sorting path."""

import duckdb
import pandas as pd
import pytest

from innoscope.model.errors import ImportFailed
from innoscope.store import Store


def frame(**cols):
    return pd.DataFrame(cols)


def test_each_row_keeps_its_own_context(tmp_path):
    table = frame(
        entity=["深圳", "杭州", "深圳", "杭州"],
        indicator=["a", "a", "b", "b"],
        year=[2024, 2023, 2024, 2022],
        value=[1.0, 2.0, None, 4.0],
        raw=["1", "约2", "—", "4家"],
        flags=["", "~", "NA", ""],
        unit=[None, None, None, "家"],
        source_title=["s1", "s1", "s2", "s1"],
        row=[2, 3, 4, 5],
    )
    with Store(":memory:") as s:
        s.import_long(table, file="f.csv")
        got = s.observations(all_rows=True).sort_values("file_row")
        assert got["entity"].tolist() == ["shenzhen", "hangzhou", "shenzhen", "hangzhou"]
        assert got["year"].tolist() == [2024, 2023, 2024, 2022]
        assert got["flags"].tolist() == ["", "~", "NA", ""]
        assert got["source_title"].tolist() == ["s1", "s1", "s2", "s1"]
        assert got["unit"].tolist()[3] == "家" and got["raw"].tolist() == ["1", "约2", "—", "4家"]
        assert s.row_count() == 4
        assert s.con.execute("SELECT count(*) FROM observations_detail").fetchone()[0] == 4


def test_repeated_context_is_stored_once(tmp_path):
    n = 500
    table = frame(
        entity=["深圳"] * n,
        indicator=[f"i{k}" for k in range(n)],
        year=[2024] * n,
        value=[float(k) for k in range(n)],
        source_title=["same source"] * n,
    )
    with Store(":memory:") as s:
        s.import_long(table, file="f.csv")
        assert s.con.execute("SELECT count(*) FROM observations_detail").fetchone()[0] == 1
        assert s.observations()["value"].tolist() == [
            float(k) for k in sorted(range(n), key=lambda k: f"i{k}")
        ]


@pytest.mark.parametrize("read_only", [False, True])  # a read-only command upgrades it once too
def test_schema_1_store_is_upgraded(tmp_path, read_only):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE imports (id INTEGER PRIMARY KEY, dataset VARCHAR NOT NULL, file_name VARCHAR,
            file_path VARCHAR, sha256 VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, n_rows BIGINT,
            n_values BIGINT, n_missing BIGINT, n_flagged BIGINT, encoding VARCHAR, sheet VARCHAR, layout VARCHAR,
            note VARCHAR);
        INSERT INTO imports VALUES (1, 'default', 'f.csv', 'f.csv', 'abc', TIMESTAMP '2026-01-01 00:00:00', 2, 2, 0, 1,
            'utf-8', NULL, 'long', NULL);
        CREATE TABLE observations (import_id INTEGER NOT NULL, entity VARCHAR NOT NULL, indicator VARCHAR NOT NULL,
            year INTEGER, value DOUBLE, raw VARCHAR, flags VARCHAR, unit VARCHAR, source_title VARCHAR,
            source_url VARCHAR, excerpt VARCHAR, note VARCHAR, entity_name VARCHAR, file_row BIGINT,
            file_column VARCHAR);
        INSERT INTO observations VALUES (1, 'shenzhen', 'a', 2024, 26600, '2.66万', '', '万', 's', 'u', 'e', NULL,
            '深圳', 2, '数值'), (1, 'hangzhou', 'a', 2024, 2200, '>2200', '>', NULL, 's', 'u', 'e2', NULL, '杭州', 3,
            '数值');
        CREATE TABLE entities (id VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, pinyin VARCHAR);
        CREATE TABLE aliases (alias VARCHAR NOT NULL, entity_id VARCHAR NOT NULL);
        INSERT INTO entities VALUES ('shenzhen', '深圳', 'Shenzhen', 'shenzhen'), ('hangzhou', '杭州', 'Hangzhou', 'hangzhou');
    """)
    con.close()
    with Store(path, read_only=read_only) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
        got = s.observations(all_rows=True).sort_values("file_row")
        assert got["raw"].tolist() == ["2.66万", ">2200"] and got["value"].tolist() == [26600, 2200]
        assert got["excerpt"].tolist() == ["e", "e2"] and got["flags"].tolist() == ["", ">"]
        assert got["file_column"].tolist() == ["数值", "数值"] and s.row_count() == 2


@pytest.mark.parametrize(
    "years", [[2024, 2024, 2023], [1024, 1024, 9999]]
)  # small key space: bincount; large: sort
def test_duplicate_key_with_other_value_is_rejected(years):
    table = frame(
        entity=["深圳", "深圳市", "深圳"],
        indicator=["a", "a", "a"],
        year=years,
        value=[1.0, 2.0, 3.0],
        raw=["1", "2", "3"],
        row=[2, 3, 4],
    )
    with Store(":memory:") as s:
        before = s.content_hash()
        with pytest.raises(
            ImportFailed, match=rf"duplicate key \(shenzhen, a, {years[0]}\).*row 2: '1' vs row 3: '2'"
        ):
            s.import_long(table, file="f.csv")
        assert s.content_hash() == before and s.row_count() == 0
        same = table.assign(value=[1.0, 1.0, 3.0])
        assert s.import_long(same, file="g.csv").n_rows == 3  # equal values under one key are not a conflict


def test_schema_2_store_is_upgraded(tmp_path):
    path = tmp_path / "v2.duckdb"
    with Store(path):
        pass
    con = duckdb.connect(
        str(path)
    )  # turn the fresh store back into schema 2 (indicator text in every data row)
    con.execute("""
        DROP VIEW observations; DROP TABLE observations_data; DROP TABLE observations_indicator;
        CREATE TABLE observations_data (detail BIGINT NOT NULL, indicator VARCHAR NOT NULL, value DOUBLE,
            raw VARCHAR, file_row BIGINT);
        CREATE VIEW observations AS
            SELECT d.import_id, d.entity, r.indicator, d.year, r.value, r.raw, d.flags, d.unit, d.source_title,
                   d.source_url, d.excerpt, d.note, d.entity_name, r.file_row, d.file_column
            FROM observations_data r JOIN observations_detail d ON d.detail = r.detail;
        UPDATE meta SET value = '2' WHERE key = 'schema_version';
        INSERT INTO imports VALUES (1, 'default', 'f.csv', 'f.csv', 'abc', TIMESTAMP '2026-01-01 00:00:00', 3, 3, 0, 0,
            'utf-8', NULL, 'long', NULL);
        INSERT INTO observations_detail VALUES (1, 1, 'shenzhen', '深圳', 2024, '', '万', 's', NULL, NULL, NULL, '数值'),
            (2, 1, 'hangzhou', '杭州', 2024, '', NULL, 's', NULL, NULL, NULL, '数值');
        INSERT INTO observations_data VALUES (1, 'b', 26600, '2.66万', 2), (2, 'a', 7, '7', 3), (1, 'a', 8, '8', 4);
    """)
    con.close()
    with Store(path) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
        assert s.con.execute("SELECT count(*) FROM observations_indicator").fetchone()[0] == 2
        got = s.observations(all_rows=True).sort_values("file_row")
        assert got["indicator"].tolist() == ["b", "a", "a"] and got["entity"].tolist() == [
            "shenzhen",
            "hangzhou",
            "shenzhen",
        ]
        assert got["raw"].tolist() == ["2.66万", "7", "8"] and got["value"].tolist() == [26600, 7, 8]
        s.import_long(frame(entity=["深圳"], indicator=["c"], year=[2025], value=[1.0]), file="g.csv")
        assert sorted(s.observations()["indicator"]) == ["a", "a", "b", "c"] and s.row_count() == 4

"""Several innoscope processes on one store (issue 9, defect 6).

A helper process holds the DuckDB file open (read-only like ``innoscope list``, or read-write like an import)
until the test closes its stdin, so every overlap below happens for certain, not by timing luck. Before the fix
every command opened the store read-write and ran DDL: a second command failed at once while the first held it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from innoscope.cities.cited import bundled_path
from innoscope.cli import main
from innoscope.model.errors import DataError
from innoscope.store import LOCK_WAIT_MESSAGE, Store

SRC2 = "entity,indicator,year,value,source\n北京,unicorns,2024,70,b\n上海,unicorns,2024,60,b\n"
CLI = "import sys; from innoscope.cli import main; sys.exit(main(sys.argv[1:]))"


def _holder(store, *, read_only: bool) -> subprocess.Popen:
    """A process holding the DuckDB file open (as a reader or a writer) until its stdin is closed; returns once
    it holds it."""
    code = textwrap.dedent(f"""
        import sys
        import duckdb
        st = duckdb.connect({str(store)!r}, read_only={read_only})
        print("holding", flush=True)
        sys.stdin.read()
        st.close()
    """)
    p = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert p.stdout.readline().strip() == "holding"
    return p


def _release(p: subprocess.Popen) -> None:
    p.stdin.close()
    assert p.wait(timeout=60) == 0
    p.stdout.close()


def _rows(store, file_name: str) -> list[tuple]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return sorted(
            con.execute(
                """SELECT entity, indicator, year, value FROM observations o
                                     JOIN imports i ON i.id = o.import_id WHERE file_name = ?""",
                [file_name],
            ).fetchall()
        )
    finally:
        con.close()


@pytest.fixture
def store(tmp_path):
    (tmp_path / "b.csv").write_text(SRC2, encoding="utf-8")
    path = tmp_path / "s.duckdb"
    assert main(["import", str(bundled_path()), "--store", str(path)]) == 0  # the bundled cited city data
    return path


def test_read_only_commands_run_while_another_reader_holds_the_store(store, tmp_path, capsys):
    holder = _holder(store, read_only=True)
    try:
        assert main(["list", "--store", str(store)]) == 0
        assert main(["export", "--csv", str(tmp_path / "out.csv"), "--store", str(store)]) == 0
        assert main(["compare", "深圳", "杭州", "--store", str(store)]) == 0
    finally:
        _release(holder)
    out = capsys.readouterr().out
    assert "imports in" in out and "wrote" in out


def test_two_list_processes_at_once_both_succeed(store):
    for _ in range(3):
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", CLI, "list", "--store", str(store)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            assert "imports in" in out


def test_a_writer_waits_for_another_writer_then_imports(store, tmp_path):
    holder = _holder(store, read_only=False)
    try:
        writer = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CLI,
                "import",
                str(tmp_path / "b.csv"),
                "--store",
                str(store),
                "--lock-timeout",
                "120",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = writer.stderr.readline()  # blocks until the writer says it waits (it cannot get the lock yet)
        assert LOCK_WAIT_MESSAGE in first
    finally:
        _release(holder)
    out, rest = writer.communicate(timeout=120)
    assert writer.returncode == 0, first + rest
    assert "imported into" in out
    assert _rows(store, "b.csv") == [
        ("beijing", "unicorns", 2024, 70.0),
        ("shanghai", "unicorns", 2024, 60.0),
    ]


def test_a_lock_held_past_the_timeout_is_a_one_line_error_and_nothing_is_written(store, tmp_path, capsys):
    with Store(str(store), read_only=True) as st:
        before = st.content_hash()
    holder = _holder(store, read_only=False)
    try:
        code = main(["import", str(tmp_path / "b.csv"), "--store", str(store), "--lock-timeout", "0.3"])
    finally:
        _release(holder)
    err = capsys.readouterr().err
    assert code == 1
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert LOCK_WAIT_MESSAGE in lines[0]
    assert len(lines) == 2 and lines[1].startswith("error: store ") and "locked" in lines[1]
    assert "0.3 s" in lines[1] and "Traceback" not in err
    with Store(str(store), read_only=True) as st:
        assert st.content_hash() == before


def test_timeout_from_the_environment(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("INNOSCOPE_LOCK_TIMEOUT", "0")
    holder = _holder(store, read_only=True)  # a reader keeps writers out too
    try:
        assert main(["import", str(tmp_path / "b.csv"), "--store", str(store)]) == 1
    finally:
        _release(holder)
    assert "gave up after 0 s" in capsys.readouterr().err
    monkeypatch.setenv("INNOSCOPE_LOCK_TIMEOUT", "soon")
    assert main(["import", str(tmp_path / "b.csv"), "--store", str(store)]) == 1
    assert "INNOSCOPE_LOCK_TIMEOUT='soon'" in capsys.readouterr().err


def test_read_only_open_of_a_missing_store_is_an_error_and_creates_nothing(tmp_path, capsys):
    path = tmp_path / "none.duckdb"
    with pytest.raises(DataError, match="does not exist; create it with `innoscope import FILE"):
        Store(str(path), read_only=True)
    assert main(["export", "--csv", str(tmp_path / "o.csv"), "--store", str(path)]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not path.exists()


def test_a_read_only_store_refuses_writes(store, tmp_path):
    with Store(str(store), read_only=True) as st:
        with pytest.raises(DataError, match="read-only: cannot import"):
            st.import_file(tmp_path / "b.csv")
        with pytest.raises(DataError, match="read-only: cannot add an alias"):
            st.add_alias("shenzhen", "鹏城")

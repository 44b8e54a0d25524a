"""`innoscope extract` and the import of its reviewed file, end to end: extract -> review -> import -> compare."""

import csv
import io
import re
import sys
from pathlib import Path

from innoscope.cli import main

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "tests" / "data" / "000_56324c709aa1581a.txt"
CITED = ROOT / "src" / "innoscope" / "data" / "cities" / "city_indicators.csv"


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_extract_writes_the_review_file(tmp_path, capsys):
    out = tmp_path / "c.csv"
    assert main(["extract", str(ARTICLE), "-o", str(out)]) == 0
    rows = _rows(out)
    got = {(r["entity"], r["indicator"], float(r["value"])) for r in rows}
    assert {
        ("深圳", "unicorns", 34.0),
        ("杭州", "unicorns", 19.0),
        ("深圳", "high_tech_enterprises", 26600.0),
        ("杭州", "high_tech_enterprises", 16500.0),
    } <= got
    assert "candidate(s) from 1 document(s)" in capsys.readouterr().err


def test_extract_shows_a_progress_bar_in_bytes(tmp_path, capsys, monkeypatch):
    """On a terminal (forced here) the bar counts the bytes of the files read, to their total size (os.stat:
    8,689 bytes = 8.7 kB), and is gone once the summary is written."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["extract", str(ARTICLE), "-o", str(tmp_path / "c.csv")]) == 0
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().err)
    assert ARTICLE.stat().st_size == 8689
    assert "extract" in err and "8.7/8.7 kB" in err
    assert err.replace("\n", "").endswith(f"innoscope import {tmp_path / 'c.csv'}")


def test_extract_from_stdin_with_date(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("去年，我市独角兽企业22家。".encode())))
    out = tmp_path / "c.csv"
    assert main(["extract", "-", "--date", "2025-02-16", "--place", "杭州", "-o", str(out)]) == 0
    (row,) = _rows(out)
    assert (row["entity"], row["indicator"], row["value"], row["year"]) == (
        "杭州",
        "unicorns",
        "22.0",
        "2024",
    )
    assert row["document"] == "<stdin>"


def test_extract_bad_input_is_one_line_exit_1(tmp_path, capsys):
    (tmp_path / "none.txt").write_text("天气晴朗，适合出行。", encoding="utf-8")
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "empty.txt").write_bytes(b"")
    for name, msg in (
        ("none.txt", "no figure about a place found"),
        ("bin.dat", "binary"),
        ("empty.txt", "empty"),
        ("missing.txt", "no such file"),
    ):
        assert main(["extract", str(tmp_path / name), "-o", str(tmp_path / "o.csv")]) == 1
        err = capsys.readouterr().err
        assert msg in err and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()
    assert main(["extract", str(ARTICLE), "--date", "16/02/2025", "-o", str(tmp_path / "o.csv")]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_extract_undecodable_text_says_which_encoding_and_what_to_pass(tmp_path, capsys):
    """A UTF-16 byte-order mark followed by a lone surrogate: the message names the offset, the encoding and
    how it was chosen, and the option to pass (it printed 'detected: True')."""
    (tmp_path / "odd.txt").write_bytes(b"\xff\xfe\x00\xd8abc")
    assert main(["extract", str(tmp_path / "odd.txt"), "-o", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert "byte offset 2" in err and "not valid utf-16 (detected from the first bytes)" in err
    assert "--encoding" in err and "True" not in err and "Traceback" not in err


def test_extract_review_import_compare(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    cands = tmp_path / "candidates.csv"
    assert main(["extract", str(ARTICLE), "-o", str(cands)]) == 0
    rows = _rows(cands)
    for r in rows:  # the reviewer keeps the figures named by a known series and corrects one
        r["decision"] = "accept" if r["status"] == "lexicon" else "reject"
        if r["entity"] == "杭州" and r["indicator"] == "unicorns":
            r["decision"], r["corrected_value"], r["review_note"] = "correct", "22", "Hurun 2023 count"
    with open(cands, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    store = tmp_path / "s.duckdb"
    assert main(["import", str(CITED), "--store", str(store)]) == 0
    assert main(["import", str(cands), "--store", str(store)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "review file of innoscope extract" in out and "1 corrected" in out
    from innoscope.store import Store

    with Store(str(store)) as st:
        obs = st.observations(all_rows=True)
    mine = obs[obs["source_title"] == ARTICLE.name]
    sz = mine[(mine["entity"] == "shenzhen") & (mine["indicator"] == "rd_expenditure")]
    assert list(sz["value"]) == [2236.6] and list(sz["unit"]) == [
        "亿元"
    ]  # 2236.6億元 in the framework's unit
    assert "2236.6億元" in sz["excerpt"].iloc[0]
    hz = mine[(mine["entity"] == "hangzhou") & (mine["indicator"] == "unicorns")]
    assert list(hz["value"]) == [22.0]
    assert main(["compare", "深圳", "杭州", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert ARTICLE.name[:20] in out  # the extracted values appear among the sources of the comparison


def test_extract_many_documents_in_parallel_writes_the_same_file(tmp_path):
    """Several documents read by two processes (--jobs 2) give the review file one process writes, byte for byte,
    in the order the files were given; a bad file among them is a one-line error (exit 1)."""
    docs = []
    for i, city in enumerate(["杭州", "宁波", "温州", "绍兴"]):
        p = tmp_path / f"d{i}.txt"
        p.write_text(
            f"{city}统计公报\n2024年全市高新技术企业达到{1000 + i}家，研发投入{200 + i}亿元。\n", "utf-8"
        )
        docs.append(str(p))
    docs.append(str(ARTICLE))
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["extract", *docs, "--jobs", "1", "-o", str(one)]) == 0
    assert main(["extract", *docs, "--jobs", "2", "-o", str(two)]) == 0
    assert two.read_bytes() == one.read_bytes()
    rows = [(r["entity"], r["indicator"], float(r["value"])) for r in _rows(two)]
    assert rows[:4] == [
        ("杭州", "high_tech_enterprises", 1000.0),
        ("杭州", "rd_expenditure", 2.0e10),
        ("宁波", "high_tech_enterprises", 1001.0),
        ("宁波", "rd_expenditure", 2.01e10),
    ]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    assert main(["extract", *docs, str(bad), "--jobs", "2", "-o", str(tmp_path / "x.csv")]) == 1

"""A short GBK file whose encoding detection guesses wrong (found by the import fuzz): the refusal says which
encoding was detected and how to give the right one; with ``--encoding gbk`` it imports."""

from __future__ import annotations

from innoscope.cli import main

TEXT = (
    "entity,indicator,year,value\n合肥市,ind_1,2019,18634\n合肥市,ind_0,2019,46.1亿\nHefei,ind_14,2019,9202.94\n"
    "WUHAN,ind_1,2019,51344\n武汉,ind_0,2019,60343\nWuhan,ind_14,2019,98210"
)


def test_misdetected_encoding_is_named_in_the_error(tmp_path, capsys):
    p = tmp_path / "short.csv"
    p.write_bytes(TEXT.encode("gbk"))
    store = tmp_path / "s.duckdb"
    code = main(["import", str(p), "--store", str(store)])
    err = capsys.readouterr().err
    if code == 1:  # the detector guessed another encoding for these 171 bytes: the error must say so
        assert "unknown entity" in err and "(detected): if its names look garbled, give the encoding" in err
        assert len([ln for ln in err.splitlines() if ln.strip()]) == 1
    assert main(["import", str(p), "--store", str(store), "--encoding", "gbk"]) == 0
    assert "imported into" in capsys.readouterr().out

"""One table of odd ways to write a city, run through every surface that takes a place name (issue 9, defect 8).

Before the fix ``import`` removed zero-width characters while ``compare`` and the dashboard did not, and a
combining accent on a Chinese character (``深\u0301圳``) silently matched 深圳 (every combining mark was dropped
to fold pinyin tone marks). Now every surface goes through :func:`innoscope.ingest.names.normalise_name` (via
``fold_name``): the names below resolve to the city written in the second column, or, for the rejected ones, are
an error that suggests the city meant.
"""

from __future__ import annotations

import warnings

import duckdb
import pytest

from innoscope.cli import main
from innoscope.cli.report import load_inputs
from innoscope.ingest.names import EntityTable, fold_name, normalise_name
from innoscope.model.errors import DataError
from innoscope.pipeline import build
from innoscope.report import model
from innoscope.store import Store
from innoscope.web.app import create_app
from innoscope.web.state import Dataset

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

# (as written, the entity meant); each written form spelled out with escapes so the test shows what it holds
ODD_NAMES = [
    ("深圳", "shenzhen"),
    ("深圳市", "shenzhen"),  # administrative suffix
    ("深\u200b圳", "shenzhen"),  # zero-width space inside
    ("\ufeff深圳", "shenzhen"),  # byte-order mark in front (first cell of a UTF-8-BOM file)
    ("深圳\u200d市", "shenzhen"),  # zero-width joiner before the suffix
    ("深圳\u2060", "shenzhen"),  # word joiner
    ("\u00a0深圳\u00a0", "shenzhen"),  # no-break spaces
    ("\u3000深圳\u3000", "shenzhen"),  # ideographic spaces
    ("深圳\t", "shenzhen"),  # tab
    ("ＳＨＥＮＺＨＥＮ", "shenzhen"),  # full-width Latin
    ("Shenzhen", "shenzhen"),
    ("SHENZHEN", "shenzhen"),  # pinyin, any case
    ("shen zhen", "shenzhen"),
    ("Shēnzhèn", "shenzhen"),  # tone marks, precomposed
    ("She\u0304nzhe\u0300n", "shenzhen"),  # tone marks as combining characters on Latin letters
    ("廣州", "guangzhou"),  # Traditional
    ("廣州市", "guangzhou"),
    ("ｇｕａｎｇｚｈｏｕ", "guangzhou"),
    ("杭州\u200b市", "hangzhou"),
]
REJECTED = [
    ("深\u0301圳", "shenzhen"),  # a combining accent on a Chinese character is not 深圳
    ("深圳\u0301", "shenzhen"),
    ("杭\u0323州", "hangzhou"),
]


@pytest.mark.parametrize(("written", "meant"), ODD_NAMES)
def test_entity_table_resolves(written, meant):
    assert EntityTable.default().resolve(written) == meant


@pytest.mark.parametrize(("written", "meant"), REJECTED)
def test_entity_table_rejects_with_did_you_mean(written, meant):
    table = EntityTable.default()
    assert table.get(written) is None
    with pytest.raises(DataError, match="combining mark") as info:
        table.resolve(written)
    assert f"({meant})" in str(info.value).split("closest known names:")[1].split(",")[0]


def test_normalise_name_by_hand():
    assert normalise_name("\ufeff\u3000深\u200b圳\u00a0市 ") == "深圳 市"
    assert normalise_name("Ｓｈｅｎ\u2003ｚｈｅｎ") == "Shen zhen"
    assert normalise_name("深\u0301圳") == "深\u0301圳"  # kept: it is not a way of writing 深圳
    assert fold_name("深\u0301圳") != fold_name("深圳")
    assert fold_name("Xi\u0304'a\u0304n") == fold_name("Xi'an") == "xian"


def _long_csv(path, names):
    lines = ["entity,indicator,year,value,source"] + [f"{n},ind{k},2024,{k},s" for k, n in enumerate(names)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_cli_import_resolves_every_odd_name(tmp_path, capsys):
    f = tmp_path / "odd.csv"
    _long_csv(f, [w for w, _ in ODD_NAMES])
    store = tmp_path / "s.duckdb"
    assert main(["import", str(f), "--store", str(store)]) == 0, capsys.readouterr().err
    con = duckdb.connect(str(store), read_only=True)
    try:
        got = dict(con.execute("SELECT indicator, entity FROM observations").fetchall())
    finally:
        con.close()
    assert got == {f"ind{k}": meant for k, (_, meant) in enumerate(ODD_NAMES)}


@pytest.mark.parametrize(("written", "meant"), REJECTED)
def test_cli_import_rejects_a_combining_accent(tmp_path, capsys, written, meant):
    f = tmp_path / "odd.csv"
    _long_csv(f, ["北京", written])
    store = tmp_path / "s.duckdb"
    assert main(["import", str(f), "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert "combining mark" in err and f"({meant})" in err and "Traceback" not in err
    assert not store.exists() or Store(str(store), read_only=True).row_count() == 0


def test_store_import_long_resolves_every_odd_name():
    import pandas as pd

    table = pd.DataFrame(
        {
            "entity": [w for w, _ in ODD_NAMES],
            "indicator": [f"i{k}" for k in range(len(ODD_NAMES))],
            "year": 2024,
            "value": 1.0,
        }
    )
    with Store(":memory:") as st:
        st.import_long(table, file="odd.csv")
        got = st.observations().set_index("indicator")["entity"].to_dict()
    assert got == {f"i{k}": meant for k, (_, meant) in enumerate(ODD_NAMES)}


@pytest.fixture(scope="module")
def cities():
    fw, cs, spec = load_inputs(None, None, None, None)
    return fw, cs, spec


@pytest.fixture(scope="module")
def client(cities):
    fw, cs, spec = cities
    app = create_app(
        Dataset(id="cities", label="three_pools", framework=fw, data=cs, spec=spec, compare=("深圳", "杭州"))
    )
    return TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1")


@pytest.mark.parametrize(("written", "meant"), ODD_NAMES)
def test_dashboard_api_compare_and_profile(client, written, meant):
    other = "北京" if meant != "beijing" else "杭州"
    r = client.post("/api/compare", json={"a": written, "b": other})
    assert r.status_code == 200, r.text
    assert r.json()["a"] == meant
    r = client.post("/api/profile", json={"entity": written})
    assert r.status_code == 200 and r.json()["code"] == meant


@pytest.mark.parametrize(("written", "meant"), REJECTED)
def test_dashboard_api_rejects_with_did_you_mean(client, written, meant):
    r = client.post("/api/compare", json={"a": written, "b": "北京"})
    assert r.status_code == 404
    assert "did you mean" in r.json()["detail"] and f"({meant})" in r.json()["detail"]


def test_report_lookups(cities):
    fw, cs, spec = cities
    result = build(fw, cs, spec)
    for written, meant in ODD_NAMES:
        assert model.find_entity(result, written) == meant, written
        assert model.compare_pair(result, (written, "北京")) == (meant, "beijing")
    for written, meant in REJECTED:
        assert model.find_entity(result, written) is None
        with pytest.raises(DataError, match=rf"did you mean .*\({meant}\)"):
            model.resolve_entity(result, written)


def test_cli_compare(capsys):
    """One build, every odd name: ``innoscope compare`` as users run it (the build is the slow part)."""
    for written, meant in [ODD_NAMES[2], ODD_NAMES[7], ODD_NAMES[15]]:  # zero-width, ideographic, Traditional
        assert main(["compare", written, "北京"]) == 0, (written, capsys.readouterr().err)
        out = capsys.readouterr().out
        assert {"shenzhen": "深圳", "guangzhou": "广州"}[meant] in out
    for written, _meant in REJECTED[:1]:
        assert main(["compare", written, "北京"]) == 1
        err = capsys.readouterr().err
        assert "did you mean" in err and "深圳" in err and "Traceback" not in err


def test_gazetteer_reads_names_the_same_way():
    from innoscope.cities.gazetteer import Gazetteer

    g = Gazetteer.default()
    for written, meant in ODD_NAMES:
        m = g.match(written)
        assert m.ok and m.place is not None and m.place.id == meant, (written, m)
    for written, meant in REJECTED:
        m = g.match(written)
        assert m.status == "unknown" and m.suggestions and g[meant].name in m.suggestions[0]

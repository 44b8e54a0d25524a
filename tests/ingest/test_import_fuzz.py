"""Mutated files through ``Store.import_file``: every outcome is an import or a user error (InnoscopeError) that
leaves the store unchanged, never another exception. Deterministic (seeded), 300 files of each kind."""

from __future__ import annotations

import random

import pytest

from innoscope.model.errors import InnoscopeError
from innoscope.store import Store

pytestmark = pytest.mark.slow  # end-to-end runs and fuzzing: make test-fast skips them

BASE = (
    "城市,指标,年份,数值\n深圳,high_tech_enterprises,2024,2.66万\n杭州,high_tech_enterprises,2024,1.65万\n"
    "北京,unicorns,2023,>100\n上海,unicorns,2023,—\n注：来源,,,\n"
)
PIECES = [
    b",",
    b"\n",
    b'"',
    b"\r",
    b"\x00",
    b"\xff",
    b"9",
    b".",
    b"-",
    "万".encode("gbk"),
    b" ",
    "亿元".encode(),
]


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(out) + 1)
        op = rng.random()
        if op < 0.3 and out:
            del out[pos : pos + rng.randint(1, 5)]
        elif op < 0.6:
            out[pos:pos] = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))
        elif out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
    return bytes(out)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_mutated_csv_imports_or_fails_cleanly(tmp_path, encoding):
    rng = random.Random(20261129)
    outcomes = {"ok": 0, "user error": 0}
    with Store(":memory:") as store:
        for i in range(300):
            p = tmp_path / f"f{i}.csv"
            p.write_bytes(mutate(rng, BASE.encode(encoding)))
            before = (store.row_count(), store.content_hash())
            try:
                store.import_file(p)
                outcomes["ok"] += 1
            except InnoscopeError as exc:
                assert str(p) in str(exc) or p.name in str(exc), exc  # the error names the file
                assert (store.row_count(), store.content_hash()) == before
                outcomes["user error"] += 1
    assert outcomes["ok"] > 0 and outcomes["user error"] > 0  # both kinds of outcome were exercised


SHAPES = {
    "nbs": (
        "数据库：城市年度数据\n指标：地区生产总值(亿元)\n时间：最近2年\n地区,2023年,2022年\n深圳,34606.4,32387.7\n"
        "杭州,20059,18753\n注：2023年为初步核算数。\n数据来源：国家统计局\n"
    ),
    "transposed": "地区：深圳\n指标,2023年,2022年\n地区生产总值(亿元),34606.4,32387.7\n常住人口(万人),1779,1766\n",
    "yearbook": (
        "2-18高新技术企业数,,,\n单位：个,,,\n城 市,City,高新技术企业数,\n,,全市 Total City,市辖区 Districts\n"
        "北京市,Beijing,28330,28330\n广东省,Guangdong,,\n  深圳市,  Shenzhen,_ 2317,\n  广州市,  Guangzhou,12000,11000\n"
    ),
    "stacked": "指标,城市,2024,2023\n高新技术企业(家),深圳,26600,24000\n,杭州,16500,15000\n",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("policy", ["reject", "flag"])
def test_mutated_shapes_import_or_fail_cleanly(tmp_path, shape, policy):
    """The table shapes read without options, mutated: an import or a user error naming the file, store unchanged."""
    rng = random.Random(f"{shape}-{policy}")
    outcomes = {"ok": 0, "user error": 0}
    with Store(":memory:") as store:
        for i in range(60):
            p = tmp_path / f"{shape}{i}.csv"
            p.write_bytes(mutate(rng, SHAPES[shape].encode("gbk")))
            before = (store.row_count(), store.content_hash())
            try:
                store.import_file(p, entities=None, year=None, on_bad_cell=policy)
                outcomes["ok"] += 1
            except InnoscopeError as exc:
                assert str(p) in str(exc) or p.name in str(exc), exc
                assert (store.row_count(), store.content_hash()) == before
                outcomes["user error"] += 1
    assert outcomes["user error"] > 0 and sum(outcomes.values()) == 60

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

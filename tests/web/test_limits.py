"""Uploads are limited by what they unpack to, not only by what is sent, and are read off the event loop
(issue 9, defect 2). The bombs are built here; what each unpacks to is known from how it is built."""

from __future__ import annotations

import io
import struct
import threading
import tracemalloc
import warnings
import zipfile

import openpyxl
import pytest

from innoscope import PipelineSpec
from innoscope.model.dataset import CrossSection
from innoscope.web.app import create_app
from innoscope.web.limits import UploadLimits, column_number
from innoscope.web.state import Dataset

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

RAW = {"Content-Type": "application/octet-stream"}
ROW = b'<row r="1">' + b'<c r="A1" t="n"><v>1</v></c>' * 2000 + b"</row>"  # 56 KB of sheet XML


@pytest.fixture(scope="module")
def ds(asem):
    fw, cs = asem
    return Dataset(
        id="asem",
        label="ASEM",
        framework=fw,
        data=cs,
        spec=PipelineSpec.from_obj(["denominate", "normalise", "aggregate"]),
    )


def _client(ds, **kw):
    return TestClient(create_app(ds, **kw), raise_server_exceptions=False, base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def client(ds):
    return _client(ds)


def _bomb(unpacked_mb: int) -> bytes:
    """An xlsx-shaped archive whose one sheet unpacks to ``unpacked_mb`` MiB of sheet XML."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            chunk = ROW * 19  # ~1 MiB
            for _ in range(unpacked_mb):
                f.write(chunk)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb(120)


@pytest.fixture
def no_reader(monkeypatch):
    """Fail the test if any workbook reader opens the upload."""
    import python_calamine

    def refuse(*a, **k):
        raise AssertionError("a workbook reader opened the upload")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    monkeypatch.setattr(python_calamine, "load_workbook", refuse)


def test_zip_bomb_under_the_upload_limit_refused_unopened(client, bomb, no_reader, monkeypatch):
    assert len(bomb) < 5 * 2**20  # under the 5 MB sent limit
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or real_open(self, *a, **k)
    )
    tracemalloc.start()
    try:
        r = client.post("/api/upload?filename=bomb.xlsx", content=bomb, headers=RAW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.status_code == 413, r.text
    assert "unpacks to" in r.json()["detail"] and "bomb.xlsx" in r.json()["detail"]
    assert opened == []  # refused from the archive's directory: nothing was unpacked
    assert peak < 30 * 2**20  # 120 MiB of XML never reached memory


def test_zip_member_that_lies_about_its_size_refused(client, no_reader):
    """A member declaring 1 KiB that inflates to 10 MiB: zipfile stops at 1 KiB and the CRC fails."""
    data = ROW * 19 * 10
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", data)
    raw = bytearray(buf.getvalue())
    size = struct.pack("<I", len(data))
    lie = struct.pack("<I", 1024)
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    assert raw[local + 22 : local + 26] == size and raw[central + 24 : central + 28] == size
    raw[local + 22 : local + 26] = lie
    raw[central + 24 : central + 28] = lie
    r = client.post("/api/upload?filename=liar.xlsx", content=bytes(raw), headers=RAW)
    assert r.status_code == 422 and "CRC" in r.json()["detail"]


def test_two_far_apart_cells_refused_unopened(client, no_reader):
    """A1 and XFD1048576: 2 cells, but a 16384 x 1048576 rectangle for a reader to allocate."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "uCode"
    ws["XFD1048576"] = 1
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post("/api/upload?filename=far.xlsx", content=buf.getvalue(), headers=RAW)
    assert r.status_code == 413
    assert "1,048,576 rows; limit 100,000" in r.json()["detail"]


def test_xlsx_within_limits_still_imports(client, asem):
    wb = openpyxl.Workbook()
    ws = wb.active
    df = asem[1].to_idata().iloc[0:51:2]
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if v != v else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post("/api/upload?filename=ok.xlsx", content=buf.getvalue(), headers=RAW)
    assert r.status_code == 200, r.text and r.json()["n_entities"] == 26


@pytest.mark.parametrize(
    ("limits", "csv", "message"),
    [
        (UploadLimits(max_rows=10), b"uCode,uName,LPI\n" + b"A,a,1\n" * 20, "21 rows; limit 10"),
        (
            UploadLimits(max_columns=100),
            b",".join([b"c"] * 101) + b"\n" + b",".join([b"1"] * 101),
            "101 columns; limit 100",
        ),
        (
            UploadLimits(max_cells=50),
            b"a,b,c\n" + b"1,2,3\n" * 20,
            "21 rows x 3 columns = 63 cells; limit 50",
        ),
    ],
)
def test_csv_shape_limits(ds, limits, csv, message):
    r = _client(ds, limits=limits).post("/api/upload?filename=t.csv", content=csv, headers=RAW)
    assert r.status_code == 413 and message in r.json()["detail"]


def test_sheet_shape_limits(ds):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(30):
        ws.append([f"e{i}", i, i, i])
    buf = io.BytesIO()
    wb.save(buf)
    c = _client(ds, limits=UploadLimits(max_cells=100))
    r = c.post("/api/upload?filename=t.xlsx", content=buf.getvalue(), headers=RAW)
    assert r.status_code == 413 and "30 rows x 4 columns = 120 cells; limit 100" in r.json()["detail"]


def test_column_number():
    assert [column_number(c) for c in (b"A", b"Z", b"AA", b"AZ", b"BA", b"XFD")] == [1, 26, 27, 52, 53, 16384]


@pytest.fixture
def slow_parse(monkeypatch):
    """Every upload's validation waits until the test releases it (or 10 s pass)."""
    entered, release = threading.Event(), threading.Event()
    real = CrossSection.from_idata.__func__

    def slow(cls, *a, **k):
        entered.set()
        release.wait(10)
        return real(cls, *a, **k)

    monkeypatch.setattr(CrossSection, "from_idata", classmethod(slow))
    yield entered, release
    release.set()


def test_upload_parsing_does_not_block_other_requests(ds, asem, slow_parse):
    entered, release = slow_parse
    raw = asem[1].to_idata().iloc[0:51:2].to_csv(index=False).encode()
    answers: dict[str, int] = {}
    with _client(ds) as c:
        up = threading.Thread(
            target=lambda: answers.update(
                upload=c.post("/api/upload?filename=slow.csv", content=raw, headers=RAW).status_code
            )
        )
        up.start()
        assert entered.wait(10)
        other = threading.Thread(target=lambda: answers.update(other=c.get("/api/datasets").status_code))
        other.start()
        other.join(5)
        served_while_parsing = answers.get("other")
        release.set()
        up.join(10)
        other.join(10)
    assert served_while_parsing == 200  # answered while the upload was still being read
    assert answers["upload"] == 200


def test_upload_over_its_time_limit_gets_413(ds, asem, slow_parse):
    _, release = slow_parse
    raw = asem[1].to_idata().iloc[0:51:2].to_csv(index=False).encode()
    r = _client(ds, limits=UploadLimits(max_seconds=0.2)).post(
        "/api/upload?filename=slow.csv", content=raw, headers=RAW
    )
    release.set()
    assert r.status_code == 413 and "longer than 0.2 s" in r.json()["detail"]

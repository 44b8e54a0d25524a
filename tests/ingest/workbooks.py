"""Workbooks with error cells in .xls, .xlsb and .ods, made in the test (LibreOffice is not installed here).

Every builder writes one sheet ``表1``::

    row 1  2024年专利
    row 2  城市   专利授权量(件)
    row 3  深圳   1
    row 4  杭州   #REF!      (an error constant)
    row 5  广州   #DIV/0!    (the formula 1/0 with its cached error where the format can hold one)
    row 6  南京   (empty)
    row 7  武汉   #N/A       (an error constant)

* .xls: xlwt writes the error constants (BIFF8 BoolErr records; xlwt's own name table is wrong for ``#VALUE!``
  and ``#N/A``, so the codes are given as numbers from [MS-XLS] 2.5.10 BErr: 0x17 ``#REF!``, 0x2A ``#N/A``)
  and the formula 1/0, whose cached value xlwt cannot set: the bytes of that value in the Formula record are
  replaced by an error, #DIV/0! ([MS-XLS] 2.5.133 FormulaValue).
* .xlsb: no Python writer exists, so the BIFF12 records are built byte by byte after [MS-XLSB]: a record is
  its type and size (each 7 bits a byte, high bit = more) and its body; the cells are BrtCellIsst (shared
  string), BrtCellReal, BrtCellError (2.4.324, a BErr byte) and BrtFmlaError (2.4.666: BErr, flags, then the
  formula 1/0 as PtgInt 1, PtgInt 0, PtgDiv).
* .ods: the zip (``mimetype`` first, stored) with a ``content.xml`` written the way LibreOffice Calc writes it:
  an error cell is ``table:formula`` + ``office:value-type="string"`` + ``calcext:value-type="error"`` and its
  shown text in ``text:p``; empty cells and rows use ``number-columns-repeated`` / ``number-rows-repeated``
  up to LibreOffice's 1024 columns and 1048576 rows.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

SHEET = "表1"
ROWS: list[list[object]] = [["2024年专利"], ["城市", "专利授权量(件)"], ["深圳", 1.0]]
# (row, city, error code, error text, whether written as a formula 1/0)
ERRORS = [
    (4, "杭州", 0x17, "#REF!", False),
    (5, "广州", 0x07, "#DIV/0!", True),
    (7, "武汉", 0x2A, "#N/A", False),
]


def xls_bytes(errors: str = "all") -> bytes:
    """The sheet above; ``errors="formula"`` writes only 广州's, ``"none"`` leaves the three cells empty."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(SHEET)
    for r, row in enumerate(ROWS):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    ws.write(5, 0, "南京")
    for row, city, code, _text, formula in ERRORS:
        ws.write(row - 1, 0, city)
        if errors == "none" or (errors == "formula" and not formula):
            continue
        if formula:
            ws.write(row - 1, 1, xlwt.Formula("1/0"))
        else:
            ws.row(row - 1).set_cell_error(1, code)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if errors == "none":
        return data
    # the Formula record of B5 (type 0x0006, then size, row 4, column 1): its cached value (FormulaValue, after
    # row, column and XF) becomes an error, #DIV/0! (byte 0 = 2, byte 2 = the BErr code, bytes 6-7 = 0xFFFF)
    at = [m.start() for m in re.finditer(rb"\x06\x00..\x04\x00\x01\x00", data, re.S)]
    assert len(at) == 1, at
    value = at[0] + 10
    return data[:value] + bytes([2, 0, 0x07, 0, 0, 0, 0xFF, 0xFF]) + data[value + 8 :]


def _record(kind: int, body: bytes = b"") -> bytes:
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, n = b"", len(body)
    while True:
        n, low = n >> 7, n & 0x7F
        size += bytes([low | (0x80 if n else 0)])
        if not n:
            return head + size + body


def _wide(s: str) -> bytes:
    return struct.pack("<I", len(s)) + s.encode("utf-16-le")


def _cell(col: int) -> bytes:
    return struct.pack("<II", col, 0)


def xlsb_bytes(text_cell: str | None = None) -> bytes:
    """The sheet above; ``text_cell`` (e.g. ``"0x17"``, the way pyxlsb shows an error) is put in C3 as text."""
    strings = [ROWS[0][0], *ROWS[1], ROWS[2][0], "南京", *(e[1] for e in ERRORS)]
    if text_cell is not None:
        strings.append(text_cell)
    isst = {s: i for i, s in enumerate(strings)}
    sst = _record(0x9F, struct.pack("<II", len(strings), len(strings)))
    sst += b"".join(_record(0x13, b"\x00" + _wide(s)) for s in strings) + _record(0xA0)

    def row(r: int, *cells: bytes) -> bytes:
        return _record(0x00, struct.pack("<IIH", r, 0, 0) + b"\x00" * 3 + struct.pack("<I", 0)) + b"".join(
            cells
        )

    def text(col: int, s: str) -> bytes:
        return _record(0x07, _cell(col) + struct.pack("<I", isst[s]))

    one_over_zero = b"\x1e" + struct.pack("<H", 1) + b"\x1e" + struct.pack("<H", 0) + b"\x06"
    by_row = {
        0: [text(0, "2024年专利")],
        1: [text(0, "城市"), text(1, "专利授权量(件)")],
        2: [text(0, "深圳"), _record(0x05, _cell(1) + struct.pack("<d", 1.0))]
        + ([text(2, text_cell)] if text_cell is not None else []),
        5: [text(0, "南京")],
    }
    for r, city, code, _text, formula in ERRORS:
        if formula:
            body = _cell(1) + bytes([code]) + b"\x00\x00" + struct.pack("<I", len(one_over_zero))
            err = _record(0x0B, body + one_over_zero + struct.pack("<I", 0))
        else:
            err = _record(0x03, _cell(1) + bytes([code]))
        by_row[r - 1] = [text(0, city), err]
    sheet = _record(0x81) + _record(0x94, struct.pack("<IIII", 0, 6, 0, 2)) + _record(0x91)
    sheet += b"".join(row(r, *by_row[r]) for r in sorted(by_row)) + _record(0x92) + _record(0x82)
    book = _record(0x83) + _record(0x8F)
    book += (
        _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(SHEET)) + _record(0x90) + _record(0x84)
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled'
        '.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml'
        '"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.bin"/>'
        "</Relationships>",
        "xl/_rels/workbook.bin.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        f'org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
        f'Target="worksheets/sheet1.bin"/><Relationship Id="rId2" Type="{rel}/sharedStrings" '
        'Target="sharedStrings.bin"/></Relationships>',
        "xl/workbook.bin": book,
        "xl/sharedStrings.bin": sst,
        "xl/worksheets/sheet1.bin": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)


def ods_text(s: str) -> str:
    return f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{s}</text:p></table:table-cell>'


def ods_error(formula: str, shown: str) -> str:
    return (
        f'<table:table-cell table:formula="{formula}" office:value-type="string" office:string-value="" '
        f'calcext:value-type="error"><text:p>{shown}</text:p></table:table-cell>'
    )


def ods_row(*cells: str, width: int = 1024, repeat: int = 1) -> str:
    rest = width - sum(
        int(c.split('number-columns-repeated="')[1].split('"')[0]) if "repeated" in c else 1 for c in cells
    )
    pad = f'<table:table-cell table:number-columns-repeated="{rest}"/>' if rest else ""
    rows = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-row table:style-name="ro1"{rows}>{"".join(cells)}{pad}</table:table-row>'


def ods_bytes(rows: list[str] | None = None, sheet: str = SHEET) -> bytes:
    """An .ods of ``rows`` (``ods_row`` strings; default the sheet above) padded to 1048576 rows."""
    if rows is None:
        num = '<table:table-cell office:value-type="float" office:value="1" calcext:value-type="float"><text:p>1</text:p></table:table-cell>'
        rows = [ods_row(ods_text("2024年专利")), ods_row(ods_text("城市"), ods_text("专利授权量(件)"))]
        rows.append(ods_row(ods_text("深圳"), num))
        rows.append(ods_row(ods_text("杭州"), ods_error("of:=#REF!", "#REF!")))
        rows.append(ods_row(ods_text("广州"), ods_error("of:=1/0", "#DIV/0!")))
        rows.append(ods_row(ods_text("南京")))
        rows.append(ods_row(ods_text("武汉"), ods_error("of:=NA()", "#N/A")))
    used = sum(
        int(r.split('number-rows-repeated="')[1].split('"')[0]) if "rows-repeated" in r else 1 for r in rows
    )
    rows = [*rows, ods_row(repeat=1048576 - used)]
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.3">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">'
        f'<table:table-column table:number-columns-repeated="1024"/>{"".join(rows)}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        'opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()

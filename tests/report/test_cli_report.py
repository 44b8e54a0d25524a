"""``innoscope report`` end to end: ASEM tables and the bundled city data (default comparison 深圳 vs 杭州)."""

from __future__ import annotations

import re

import pytest

from innoscope.cli import main
from tests.conftest import REF

pytestmark = pytest.mark.slow  # end-to-end runs and fuzzing: make test-fast skips them


def test_report_command_on_asem(tmp_path):
    out = tmp_path / "r.html"
    code = main(
        [
            "report",
            "--data",
            str(REF / "data" / "ASEM_iData.csv"),
            "--meta",
            str(REF / "data" / "ASEM_iMeta.csv"),
            "--lang",
            "en",
            "-o",
            str(out),
            "--compare",
            "CHN",
            "JPN",
        ]
    )
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "Comparison: China vs Japan" in html


def test_report_command_bundled_cities_default_comparison(tmp_path):
    out = tmp_path / "cities.html"
    assert main(["report", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "城市对比: 深圳 对比 杭州" in html
    # every value in the data table names a source; most (the cited observations) carry an excerpt too
    body = html.split('id="data-table"')[1].split("</table>")[0]
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)
        for r in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]
    present = [r for r in rows[1:] if r[2] != "–"]
    assert len(present) > 50
    assert all(r[5].strip() for r in present)
    assert sum(bool(r[6].strip()) for r in present) > 0.9 * len(present)
    assert sum("http" in r[5] for r in present) > 0.8 * len(present)


def test_report_command_errors(tmp_path):
    assert (
        main(["report", "--meta", str(REF / "data" / "ASEM_iMeta.csv"), "-o", str(tmp_path / "x.html")]) == 1
    )
    assert main(["report", "--lang", "fr", "-o", str(tmp_path / "x.html")]) == 1
    assert not (tmp_path / "x.html").exists()


def test_report_command_with_uncertainty(tmp_path):
    out = tmp_path / "u.html"
    assert main(["report", "-o", str(out), "--uncertainty", "200", "--seed", "3", "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Rank interval" in html and "No uncertainty analysis was run" not in html
    m = re.search(
        r"Probability that Shenzhen outranks Hangzhou: ([0-9.]+)%", html
    )  # English names in English
    assert m and 0 <= float(m.group(1)) <= 100
    # the interval shown for Beijing brackets its nominal rank
    row = re.search(r'<tr data-code="beijing">(.*?)</tr>', html, flags=re.S).group(1)
    nominal = int(re.search(r'<td class="num">(\d+)</td>', row).group(1))
    lo, hi, med = map(int, re.search(r"(\d+)–(\d+) \((\d+)\)", row).groups())
    assert lo <= med <= hi and lo <= nominal <= hi

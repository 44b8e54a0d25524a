"""Hostile or mistyped spec and framework files through the CLI, as users run it (issue 9, defect 7): a refusal
or a one-line error naming the file and the field, bounded in length, exit 1, no traceback.

Before the fix a 430-byte spec took 27 s and 2 GB and printed a 312 MB error, a framework's ``description``
passed 4 GB, and ``name: [1, 2]`` printed a 54-line pydantic traceback. The smaller bombs below (9^3 items)
show the unbounded echo within a second on the old code; the 430-byte one is refused outright.
"""

from __future__ import annotations

import pytest

from innoscope.cli import main
from tests.conftest import REF

DATA = ["--data", str(REF / "data" / "ASEM_iData.csv"), "--meta", str(REF / "data" / "ASEM_iMeta.csv")]
MAX_ERROR = 400


def anchors(levels: int, indent: str) -> str:
    """Anchors ``a0`` (nine ``x``) ... ``a<levels>`` (nine aliases of the level below), one per line."""
    lines = [f"{indent}a0: &a0 [" + ", ".join(["x"] * 9) + "]"]
    lines += [f"{indent}a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def spec_bomb(levels: int) -> str:
    return "uncertainty:\n" + anchors(levels, "  ") + f"steps: [*a{levels}]\n"


def framework_bomb(levels: int) -> str:
    return (
        "id: bomb\nindex:\n  id: root\n  params:\n" + anchors(levels, "    ") + "  children:\n"
        f"    - {{id: a, unit: 家, description: *a{levels}}}\n    - {{id: b, unit: 家}}\n"
    )


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err[:2000]
    assert len(lines[0]) < MAX_ERROR and "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize("levels", [3, 7])
def test_spec_alias_bomb(tmp_path, capsys, levels):
    spec = tmp_path / "bomb.yaml"
    spec.write_text(spec_bomb(levels), encoding="utf-8")
    if levels == 7:
        assert len(spec.read_bytes()) < 460
    assert main(["build", *DATA, "--spec", str(spec), "--out", str(tmp_path / "o")]) == 1
    line = one_line_error(capsys)
    assert str(spec) in line
    if levels == 7:
        assert "refused" in line
    else:  # 9^3 = 729 items: within the budget, rejected for its shape, the value cut short
        assert "step 1: expected a stage name or a one-key mapping" in line


@pytest.mark.parametrize("levels", [3, 7])
def test_framework_alias_bomb(tmp_path, capsys, levels):
    fw = tmp_path / "fw.yaml"
    fw.write_text(framework_bomb(levels), encoding="utf-8")
    assert main(["compare", "深圳", "杭州", "--framework", str(fw)]) == 1
    line = one_line_error(capsys)
    assert str(fw) in line
    assert ("refused" in line) if levels == 7 else ("node 'a' (line" in line and "description" in line)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("name: [1, 2]\nsteps: [denominate]\n", "name: Input should be a valid string (got [1, 2])"),
        ("steps: [denominate]\nuncertainty: 5\n", "uncertainty: Input should be a valid dictionary (got 5)"),
        (
            "steps:\n  - normalise: {method: minmax, input: [1]}\n",
            "step 1 (normalise): input: Input should be a valid string",
        ),
        (
            "steps:\n  - aggregate: {by_level: {two: {method: geometric}}}\n",
            "step 1 (aggregate): by_level: expected a mapping",
        ),
        ("steps:\n  - 7: {method: minmax}\n", "step 1: the stage name must be text, got 7"),
    ],
)
def test_spec_field_of_the_wrong_type(tmp_path, capsys, text, field):
    spec = tmp_path / "typo.yaml"
    spec.write_text(text, encoding="utf-8")
    assert main(["build", *DATA, "--spec", str(spec), "--out", str(tmp_path / "o")]) == 1
    line = one_line_error(capsys)
    assert f"{spec}: {field}" in line


@pytest.mark.parametrize(
    ("top", "field"),
    [
        ("name_en: [1, 2]", "line 2: name_en: expected text (got [1, 2])"),
        ("levels: 5", "line 2: levels: expected a list of level names (got 5)"),
        ("units: {a: 1}", "line 2: units: expected a list of unit names"),
    ],
)
def test_framework_field_of_the_wrong_type(tmp_path, capsys, top, field):
    fw = tmp_path / "fw.yaml"
    fw.write_text(
        f"id: t\n{top}\nindex:\n  id: root\n  children:\n    - {{id: a, unit: 家}}\n", encoding="utf-8"
    )
    assert main(["compare", "深圳", "杭州", "--framework", str(fw)]) == 1
    assert f"{fw}: {field}" in one_line_error(capsys)


def test_long_values_are_cut_short_in_messages(tmp_path, capsys):
    spec = tmp_path / "long.yaml"
    spec.write_text(
        "steps:\n  - normalise: " + "[" + ", ".join(["1234567890"] * 50_000) + "]\n", encoding="utf-8"
    )
    assert main(["build", *DATA, "--spec", str(spec), "--out", str(tmp_path / "o")]) == 1
    assert "expected a mapping of parameters, got [1234567890, 1234567890" in one_line_error(capsys)

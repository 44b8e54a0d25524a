"""Start-up: ``innoscope --help`` loads no data library, and a command loads only its own module (issue 10).

Checked by what is imported, not by timing (timings live in benchmarks/startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from innoscope.cli import command_index

HEAVY = ("pandas", "numpy", "scipy", "duckdb", "pyarrow", "plotly", "SALib")


def _modules_after(code: str) -> dict:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "120", "PATH": ""},
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_top_level_help_loads_no_data_library():
    mods = _modules_after("from innoscope.cli import main\nmain(['--help'])")
    assert not [m for m in HEAVY if m in mods]
    assert "innoscope.cli.data" not in mods


def test_build_loads_only_its_command_module():
    mods = _modules_after("from innoscope.cli import load_commands\nload_commands(['build'])")
    assert "innoscope.cli.build" in mods
    assert not {"innoscope.cli.data", "innoscope.cli.report", "duckdb", "plotly"} & mods


def test_index_lists_every_registered_command():
    """The commands read from the sources are exactly those the modules register, with the same help."""
    code = (
        "import importlib\nfrom innoscope.cli import app, command_index\n"
        "for m in {m for m, _ in command_index().values()}: importlib.import_module('innoscope.cli.' + m)\n"
        "import json\nprint(json.dumps({c.name: c.help or c.callback.__doc__ for c in app.registered_commands}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    registered = json.loads(out.strip().splitlines()[-1])
    index = command_index()
    assert set(registered) == set(index)
    for name, text in registered.items():
        assert " ".join(text.split()) == " ".join(index[name][1].split()), name


def test_help_lists_commands_like_the_full_import():
    """Top-level help rendered from the index equals the help after importing every command module."""
    lazy = subprocess.run(
        [sys.executable, "-c", "from innoscope.cli import main; main(['--help'])"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "120", "PATH": ""},
    ).stdout
    full = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib\nfrom innoscope.cli import app, command_index\n"
            "for m in dict.fromkeys(m for m, _ in command_index().values()): "
            "importlib.import_module('innoscope.cli.' + m)\n"
            "app(args=['--help'], standalone_mode=False)",
        ],
        capture_output=True,
        text=True,
        env={"COLUMNS": "120", "PATH": ""},
    ).stdout
    assert "build" in lazy and "import" in lazy and lazy == full


def test_build_runs_with_only_its_module_loaded(tmp_path):
    """A fresh interpreter (as the console script): `innoscope build` on ASEM writes its files, exit 0."""
    from tests.conftest import REF

    args = [
        "build",
        "--data",
        str(REF / "data" / "ASEM_iData.csv"),
        "--meta",
        str(REF / "data" / "ASEM_iMeta.csv"),
        "--spec",
        str(REF.parents[2] / "examples" / "asem" / "base.yaml"),
        "--out",
        str(tmp_path / "o"),
    ]
    code = f"import sys\nfrom innoscope.cli import main\nrc = main({args!r})\nprint(sorted(m for m in sys.modules if m.startswith('innoscope.cli.')))\nsys.exit(rc)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "['innoscope.cli.build']" in proc.stdout
    assert (tmp_path / "o" / "ranks.csv").exists()

"""The public surface is exactly ``innoscope.__all__``, sorted, and every name resolves."""

import subprocess
import sys

import innoscope


def test_all_is_sorted_and_resolves():
    assert innoscope.__all__ == sorted(innoscope.__all__)
    for name in innoscope.__all__:
        assert getattr(innoscope, name) is not None, name


def test_public_surface():
    assert set(innoscope.__all__) == {
        "CityBuild",
        "CrossSection",
        "DataError",
        "EntityTable",
        "Framework",
        "FrameworkError",
        "ImportFailed",
        "InnoscopeError",
        "Node",
        "PipelineSpec",
        "Result",
        "SpecError",
        "StageError",
        "Step",
        "Store",
        "build",
        "build_report",
        "clean_web_text",
        "compare_cities",
        "cross_section",
        "default_build",
        "import_cities",
        "parse_value",
        "read_coinr",
        "sensitivity",
        "uncertainty",
    }


def test_import_does_not_load_heavy_faces():
    code = "import sys, innoscope; print(sorted(m for m in ('duckdb', 'plotly', 'SALib', 'opencc', 'fastapi') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"

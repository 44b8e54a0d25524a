"""``innoscope report`` (self-contained HTML report, figures) and ``innoscope serve`` (dashboard)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from innoscope.cli import app
from innoscope.cli.data import default_spec, load_city_data, sensitivity_for_report
from innoscope.model.errors import DataError
from innoscope.pipeline import PipelineSpec, build

out = Console()
err = Console(stderr=True)


def load_inputs(framework: str | None, data: list[Path] | None, meta: Path | None, spec: str | Path | None):
    """(framework, cross-section, spec, compare pair) from the command's options.

    ``--data iData.csv --meta iMeta.csv``: COINr-style tables. Otherwise the data layer's
    bundled city data (framework ``three_pools`` unless ``--framework`` names another).
    """
    from innoscope.io.coinr import read_coinr

    if meta is not None:
        if not data:
            raise DataError("--meta needs --data (a COINr-style iData table)")
        fw, cs = read_coinr(data[0], meta)
    else:
        fw, cs = _bundled(framework, data)
    if spec:
        from innoscope.cities.citydata import spec_path

        sp = PipelineSpec.from_yaml(spec_path(spec))
    else:
        sp = _default_spec(framework)
    return fw, cs, sp


def _bundled(framework: str | None, data: list[Path] | None):
    """The data layer's cited city data, with each value's source and excerpt attached for the report."""
    return load_city_data(framework=framework or "three_pools", data=data)


def _default_spec(framework: str | None) -> PipelineSpec:
    return default_spec(framework or "three_pools")


def _uncertainty(result, runs: int, seed: int, compare: tuple[str, str]):
    """Rank intervals and P(A outranks B) from the Monte Carlo (the spec's ``uncertainty:`` inputs,
    else the generic design of ``default_inputs``: weights +/-25%, min-max vs z-score, arithmetic vs geometric)."""
    if runs <= 0:
        return None
    from innoscope.analysis.uncertainty import uncertainty_any_design
    from innoscope.report.model import compare_pair

    pairs = list(compare_pair(result, compare))
    res, design = uncertainty_any_design(
        result.framework, result.data, result.spec, n=runs, seed=seed, pairs=pairs
    )
    if design == "weights":
        err.print(
            "[yellow]generic uncertainty design (min-max vs z-score, arithmetic vs geometric mean) cannot "
            "run on these data; varying the weights only[/]"
        )
    return res


@app.command("report")
def report_cmd(
    framework: Annotated[
        str | None,
        typer.Option("--framework", help="bundled framework name or YAML path (default three_pools)"),
    ] = None,
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="data file(s); with --meta a COINr-style iData CSV")
    ] = None,
    meta: Annotated[
        Path | None, typer.Option("--meta", help="COINr-style iMeta CSV (the indicator tree)")
    ] = None,
    spec: Annotated[
        str | None,
        typer.Option("--spec", help="pipeline spec: a bundled name (default, per_capita) or a YAML path"),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write")] = Path("report.html"),
    figures: Annotated[
        Path | None, typer.Option("--figures", help="also write each figure (HTML, SVG, PNG) to this folder")
    ] = None,
    compare: Annotated[tuple[str, str], typer.Option("--compare", help="two entities to compare")] = (
        "深圳",
        "杭州",
    ),
    uncertainty_runs: Annotated[
        int, typer.Option("--uncertainty", help="Monte Carlo runs for rank intervals (0: none)")
    ] = 0,
    sensitivity_base: Annotated[
        int,
        typer.Option(
            "--sensitivity", help="Sobol base sample, a power of 2, for which choice matters most (0: none)"
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="seed of the uncertainty analysis")] = 1,
) -> None:
    """Write a self-contained HTML report (opens offline) and optionally every figure."""
    from innoscope.report import build_report
    from innoscope.report.i18n import check_lang

    lang = check_lang(lang)
    fw, cs, sp = load_inputs(framework, data, meta, spec)
    result = build(fw, cs, sp)
    unc = _uncertainty(result, uncertainty_runs, seed, compare)
    sens = sensitivity_for_report(result, sensitivity_base, seed)
    html = build_report(result, lang=lang, uncertainty=unc, compare=compare, sensitivity=sens)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    out.print(f"wrote {output} ({len(html) / 1e6:.1f} MB, {len(result.aggregated)} entities)")
    if figures is not None:
        from innoscope.report.export import write_figures

        files, note = write_figures(
            result, figures, lang=lang, uncertainty=unc, compare=compare, sensitivity=sens
        )
        out.print(f"wrote {len(files)} figure files to {figures}")
        if note:
            err.print(f"[yellow]{note}[/]")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="address to bind (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8050,
    framework: Annotated[
        str | None, typer.Option("--framework", help="bundled framework name or YAML path")
    ] = None,
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="data file(s); with --meta a COINr-style iData CSV")
    ] = None,
    meta: Annotated[Path | None, typer.Option("--meta", help="COINr-style iMeta CSV")] = None,
    spec: Annotated[
        str | None,
        typer.Option("--spec", help="pipeline spec: a bundled name (default, per_capita) or a YAML path"),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="a Host name the dashboard answers besides localhost, 127.0.0.1, ::1 and --host "
            "(repeatable; e.g. the machine's name when binding 0.0.0.0)",
        ),
    ] = None,
) -> None:
    """Run the dashboard (FastAPI + uvicorn): weights, methods, comparison, import, downloads."""
    import uvicorn

    from innoscope.web.app import create_app
    from innoscope.web.guard import allowed_hosts
    from innoscope.web.state import Dataset

    fw, cs, sp = load_inputs(framework, data, meta, spec)
    label = Path(data[0]).name if meta is not None and data else (framework or "three_pools")
    ds = Dataset(id="default", label=label, framework=fw, data=cs, spec=sp)
    ds.base  # noqa: B018 - fail before binding if the build fails
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"[yellow]binding to {host}: the dashboard is reachable from other machines; it answers only "
            f"the Host names localhost, 127.0.0.1, ::1, {host} and --allow-host NAME[/]"
        )
    out.print(f"innoscope dashboard on http://{host}:{port}/")
    datasets = [ds]
    if meta is None and not data and framework is None and spec is None:
        from innoscope.cities.national_index import national_build

        nb = national_build()
        datasets.append(
            Dataset(
                id="national",
                label="全国 297 城 national (yearbook 2024)",
                framework=nb.framework,
                data=nb.cross_section,
                spec=nb.spec,
            )
        )
    uvicorn.run(
        create_app(datasets, hosts=allowed_hosts(host, allow_host or ())),
        host=host,
        port=port,
        log_level="warning",
    )

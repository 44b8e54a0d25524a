"""``innoscope build``: run a pipeline spec on COINr-style iData/iMeta and write every stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from innoscope.cli import app
from innoscope.io.coinr import read_coinr
from innoscope.pipeline import PipelineSpec, build
from innoscope.pipeline.result import Result

out = Console()


def write_result(result: Result, outdir: Path) -> list[Path]:
    """One CSV per data set (``dset_<Name>.csv``, first column ``uCode``), ``ranks.csv`` and the logs."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, ds in result.datasets.items():
        p = outdir / f"dset_{name}.csv"
        ds.rename_axis("uCode").reset_index().to_csv(p, index=False)
        written.append(p)
    p = outdir / "ranks.csv"
    result.all_ranks().rename_axis("uCode").reset_index().to_csv(p, index=False)
    written.append(p)
    for stage, logs in result.logs.items():
        for key, table in logs.items():
            if isinstance(table, type(ds)) and not table.empty:
                p = outdir / f"log_{stage}_{key}.csv"
                table.to_csv(p, index=table.index.name is not None)
                written.append(p)
    for wname, w in result.weights.items():
        p = outdir / f"weights_{wname}.csv"
        w.rename("Weight").rename_axis("iCode").reset_index().to_csv(p, index=False)
        written.append(p)
    return written


@app.command("build")
def build_cmd(
    data: Annotated[
        Path,
        typer.Option("--data", help="COINr-style iData CSV (uCode, uName, groups, denominators, indicators)"),
    ],
    meta: Annotated[Path, typer.Option("--meta", help="COINr-style iMeta CSV (the indicator tree)")],
    spec: Annotated[Path, typer.Option("--spec", help="pipeline spec (YAML)")],
    outdir: Annotated[Path, typer.Option("--out", help="output folder")] = Path("out"),
    top: Annotated[int, typer.Option(help="rows of the ranking to print")] = 10,
) -> None:
    """Build the index and write one CSV per stage plus ranks.csv."""
    fw, cs = read_coinr(data, meta)
    result = build(fw, cs, PipelineSpec.from_yaml(spec))
    files = write_result(result, outdir)
    table = Table(title=f"{fw[fw.root].name}: top {top}")
    for col in ("rank", "code", "name", "score"):
        table.add_column(col)
    for code, row in result.ranking().head(top).iterrows():
        table.add_row(f"{row['rank']:.0f}", str(code), str(row["name"]), f"{row['score']:.2f}")
    out.print(table)
    out.print(f"wrote {len(files)} files to {outdir}")

"""``innoscope uncertainty`` and ``innoscope sensitivity``: Monte Carlo rank intervals and Sobol indices.

Same inputs as ``innoscope build`` (``--data iData.csv --meta iMeta.csv --spec spec.yaml``); the spec
carries the uncertain choices in its ``uncertainty:`` section. Outputs go to ``--out DIR``:

* uncertainty: ``rank_stats.csv`` (uCode, nominal, mean, median, q05, q95 of the index rank),
  ``rank_stats_levels.csv`` (every node of the ``--level`` levels), ``prob_outranks.csv``,
  ``parameters.csv`` (every replication's sampled choices) and ``uncertainty.json`` (chart data);
* sensitivity: ``sobol.csv`` (input, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi) or ``morris.csv``,
  ``<method>_entities.csv`` (per entity) and ``sensitivity.json`` (chart data).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from innoscope.cli import app
from innoscope.cli.progress import progress_bar
from innoscope.io.coinr import read_coinr
from innoscope.model.errors import SpecError
from innoscope.pipeline import PipelineSpec

if TYPE_CHECKING:
    import pandas as pd

out = Console()


@contextmanager
def make_executor(kind: str | None, workers: int, scheduler: str | None) -> Iterator[Executor | None]:
    """None (in-process), a thread pool, or a Dask ``distributed`` client's executor (local or ``scheduler``)."""
    if kind in (None, "", "none"):
        yield None
        return
    if kind == "threads":
        with ThreadPoolExecutor(workers) as ex:
            yield ex
        return
    if kind == "dask":
        try:
            from dask.distributed import Client
        except ImportError:  # pragma: no cover
            raise SpecError(
                "--executor dask needs the 'distributed' package: pip install 'dask[distributed]'"
            ) from None
        client = (
            Client(scheduler)
            if scheduler
            else Client(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        )
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    raise SpecError(f"--executor must be none, threads or dask; got {kind!r}")


def _load(data: Path, meta: Path, spec: Path):
    fw, cs = read_coinr(data, meta)
    return fw, cs, PipelineSpec.from_yaml(spec)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """``df.to_csv(path)`` through pyarrow's CSV writer: the same table (header unquoted, every string field
    quoted), 5-10x faster than pandas on the 100,000 rows of a large Monte Carlo."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(df.reset_index(), preserve_index=False)
    with path.open("wb") as f:
        f.write((",".join(_csv_field(str(c)) for c in table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="needed"))


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\n\r') else text


def _json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1, default=float), encoding="utf-8")


@app.command("uncertainty")
def uncertainty_cmd(
    data: Annotated[Path, typer.Option("--data", help="COINr-style iData CSV")],
    meta: Annotated[Path, typer.Option("--meta", help="COINr-style iMeta CSV (the indicator tree)")],
    spec: Annotated[Path, typer.Option("--spec", help="pipeline spec (YAML) with an 'uncertainty:' section")],
    n: Annotated[
        int | None, typer.Option("-n", "--n", help="replications (default: the spec's n, else 1000)")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="random seed (default: the spec's seed)")] = None,
    outdir: Annotated[Path, typer.Option("--out", help="output folder")] = Path("out"),
    level: Annotated[
        list[int] | None,
        typer.Option(
            "--level", help="levels with rank statistics besides the index (repeatable; default all)"
        ),
    ] = None,
    executor: Annotated[str | None, typer.Option("--executor", help="none | threads | dask")] = None,
    workers: Annotated[int, typer.Option("--workers", help="workers for --executor")] = 2,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="address of a running Dask scheduler")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="rows of the summary table")] = 15,
    pair: Annotated[
        list[str] | None, typer.Option("--pair", help="entity (give twice): P(A outranks B) at every node")
    ] = None,
) -> None:
    """Monte Carlo uncertainty analysis: each entity's rank interval under the uncertain choices."""
    from innoscope.analysis.uncertainty import uncertainty

    fw, cs, sp = _load(data, meta, spec)
    if pair and len(pair) != 2:
        raise SpecError("--pair takes exactly two entities (give --pair A --pair B)")
    stat_levels = None
    if level:
        bad = sorted(lv for lv in level if not 2 <= lv <= fw.n_levels)
        if bad:
            raise SpecError(f"--level {bad}: aggregate levels of this framework are 2..{fw.n_levels}")
        stat_levels = sorted(set(level) | {fw.n_levels})  # the index is always in rank_stats.csv
    n_rep = int(n or (sp.uncertainty or {}).get("n") or 1000)
    with make_executor(executor, workers, scheduler) as ex, progress_bar("replications", n_rep) as tick:
        res = uncertainty(
            fw, cs, sp, n=n_rep, seed=seed, levels=stat_levels, executor=ex, progress=tick, pairs=pair or None
        )
    outdir.mkdir(parents=True, exist_ok=True)
    stats = res.rank_stats()
    stats[["uCode", "nominal", "mean", "median", "q05", "q95"]].to_csv(outdir / "rank_stats.csv", index=False)
    res.to_df().to_csv(outdir / "rank_stats_levels.csv", index=False)
    if res.wins:
        res.prob_outranks().rename_axis("uCode").to_csv(outdir / "prob_outranks.csv")
    write_csv(res.parameters(), outdir / "parameters.csv")
    levels = sorted({fw[c].level for c in res.counts})
    _json(
        outdir / "uncertainty.json",
        {
            "n": res.n,
            "seed": seed,
            "inputs": [i.name for i in res.engine.inputs],
            "index": res.chart_data(),
            "levels": {
                str(lv): [res.chart_data(c) for c in fw.codes(lv)] for lv in levels if lv != fw.n_levels
            },
        },
    )
    names = res.nominal.data.names
    table = Table(title=f"{fw[fw.root].name}: rank under uncertainty (N = {res.n})")
    for col in ("nominal", "code", "name", "median", "q05-q95", "mean"):
        table.add_column(col, justify="right" if col not in ("code", "name") else "left")
    for r in stats.sort_values(["nominal", "uCode"]).head(top).itertuples(index=False):
        table.add_row(
            f"{r.nominal:.0f}",
            r.uCode,
            str(names.get(r.uCode, "")),
            f"{r.median:g}",
            f"{r.q05:g}-{r.q95:g}",
            f"{r.mean:.2f}",
        )
    out.print(table)
    if pair:
        a, b = pair
        cmp = res.compare(a, b)
        pt = Table(title=f"P({a} outranks {b}), N = {res.n}")
        for col in cmp.columns:
            pt.add_column(col)
        for row in cmp.itertuples(index=False):
            pt.add_row(str(row[0]), row[1], row[2], f"{row[3]:.3f}", f"{row[4]:.3f}")
        out.print(pt)
    out.print(
        f"wrote rank_stats.csv, rank_stats_levels.csv, prob_outranks.csv, parameters.csv, "
        f"uncertainty.json to {outdir}"
    )


@app.command("sensitivity")
def sensitivity_cmd(
    data: Annotated[Path, typer.Option("--data", help="COINr-style iData CSV")],
    meta: Annotated[Path, typer.Option("--meta", help="COINr-style iMeta CSV (the indicator tree)")],
    spec: Annotated[Path, typer.Option("--spec", help="pipeline spec (YAML) with an 'uncertainty:' section")],
    n: Annotated[
        int,
        typer.Option(
            "-n", "--n", help="Sobol: base sample N (power of 2), N(d+2) runs; Morris: trajectories"
        ),
    ] = 512,
    seed: Annotated[int | None, typer.Option("--seed", help="random seed (default: the spec's seed)")] = None,
    outdir: Annotated[Path, typer.Option("--out", help="output folder")] = Path("out"),
    method: Annotated[str, typer.Option("--method", help="sobol | morris")] = "sobol",
    entity_output: Annotated[
        str, typer.Option("--entity-output", help="rank | score | none (per-entity indices)")
    ] = "rank",
    executor: Annotated[str | None, typer.Option("--executor", help="none | threads | dask")] = None,
    workers: Annotated[int, typer.Option("--workers", help="workers for --executor")] = 2,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="address of a running Dask scheduler")
    ] = None,
) -> None:
    """Sensitivity analysis: Sobol indices (or Morris screening) of each uncertain choice on the rank shift."""
    from innoscope.analysis.inputs import parse_inputs
    from innoscope.analysis.sensitivity import sensitivity

    fw, cs, sp = _load(data, meta, spec)
    d = len(parse_inputs(sp.uncertainty))
    runs = n * (d + 2) if method == "sobol" else n * (d + 1)
    with make_executor(executor, workers, scheduler) as ex, progress_bar("model runs", runs) as tick:
        res = sensitivity(
            fw,
            cs,
            sp,
            n=n,
            method=method,
            seed=seed,
            entity_output=None if entity_output == "none" else entity_output,
            executor=ex,
            progress=tick,
        )
    outdir.mkdir(parents=True, exist_ok=True)
    table_df = res.to_df()
    table_df.to_csv(outdir / f"{method}.csv", index=False)
    if res.entity_tables is not None:
        res.entities_df().to_csv(outdir / f"{method}_entities.csv", index=False)
    _json(outdir / "sensitivity.json", res.chart_data())
    table = Table(
        title=f"{method.capitalize()} indices on the mean absolute rank shift ({len(res.U)} runs, N = {n})"
    )
    for col in table_df.columns:
        table.add_column(col, justify="left" if col == "input" else "right")
    for row in table_df.itertuples(index=False):
        table.add_row(*[v if isinstance(v, str) else f"{v:.3f}" for v in row])
    out.print(table)
    out.print(f"wrote {method}.csv, sensitivity.json to {outdir}")

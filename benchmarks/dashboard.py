"""Dashboard recompute latency: a weight change -> POST /api/compute -> new ranking (and the 'how sure' panel,
POST /api/uncertainty, and the 'which choice' panel, POST /api/sensitivity).

The server (``innoscope.web.app``, one uvicorn worker on 127.0.0.1) runs in its own process; the
load generator is this process: threads with one ``httpx.Client`` each. Every request carries a
different random weight set, so nothing is served from a cache. Measured, per data set
(bundled cities, COINr's ASEM):

* the engine alone: ``innoscope.build`` in-process for the same weight change (the baseline);
* one client, sequential requests: client-side wall time per request;
* 16 concurrent clients: client-side wall time per request, and throughput.

Usage: ``.venv/bin/python benchmarks/dashboard.py [--n 200] [--out benchmarks/results/dashboard.md]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ASEM = ROOT / "tests" / "reference" / "coinr" / "data"


def load(name: str):
    """(framework, cross-section, spec) of a benchmark data set."""
    from innoscope import PipelineSpec, read_coinr

    if name == "asem":
        fw, cs = read_coinr(ASEM / "ASEM_iData.csv", ASEM / "ASEM_iMeta.csv")
        return fw, cs, PipelineSpec.from_obj(["denominate", "normalise", "aggregate"])
    from innoscope.cli.data import default_spec, load_city_data

    fw, cs = load_city_data()
    return fw, cs, default_spec()


def serve(name: str, port: int) -> None:
    import uvicorn

    from innoscope.web.app import create_app
    from innoscope.web.state import Dataset

    fw, cs, spec = load(name)
    uvicorn.run(
        create_app(Dataset(id=name, label=name, framework=fw, data=cs, spec=spec)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def weight_sets(fw, n: int, seed: int) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    codes = [c for c in fw.aggregates if c != fw.root]
    return [
        {c: round(float(w), 3) for c, w in zip(codes, rng.uniform(0.1, 5.0, len(codes)), strict=True)}
        for _ in range(n)
    ]


def stats(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {
        "median": float(np.median(a)),
        "p95": float(np.percentile(a, 95)),
        "mean": float(a.mean()),
        "n": len(a),
    }


def engine_baseline(name: str, sets: list[dict[str, float]]) -> dict[str, float]:
    from innoscope import build
    from innoscope.web.state import with_weights

    fw, cs, spec = load(name)
    build(fw, cs, spec)
    out = []
    for w in sets:
        t0 = time.perf_counter()
        build(with_weights(fw, w), cs, spec)
        out.append(1000 * (time.perf_counter() - t0))
    return stats(out)


UA_RUNS = 1000
UA_REQUESTS = 30
SA_BASE = 256
SA_REQUESTS = 10


def run(name: str, n: int, concurrency: int) -> dict[str, dict[str, float]]:
    import httpx

    fw, _, _ = load(name)
    sets = weight_sets(fw, n * 2, seed=1)
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", name, "--port", str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/datasets", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)

        def one(client: httpx.Client, w: dict[str, float]) -> tuple[float, float]:
            t0 = time.perf_counter()
            r = client.post(url + "/api/compute", json={"weights": w})
            r.raise_for_status()
            return 1000 * (time.perf_counter() - t0), r.json()["elapsed_ms"]

        with httpx.Client() as c:
            for w in sets[:10]:
                one(c, w)
            seq = [one(c, w) for w in sets[:n]]

        clients = [httpx.Client() for _ in range(concurrency)]
        try:

            def worker(i: int) -> list[tuple[float, float]]:
                return [one(clients[i], w) for w in sets[n + i :: concurrency]]

            t0 = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as ex:
                conc = [x for part in ex.map(worker, range(concurrency)) for x in part]
            wall = time.perf_counter() - t0
        finally:
            for c in clients:
                c.close()

        def how_sure(client: httpx.Client, w: dict[str, float]) -> tuple[float, float]:
            t0 = time.perf_counter()
            r = client.post(url + "/api/uncertainty", json={"weights": w, "n": UA_RUNS}, timeout=60)
            r.raise_for_status()
            return 1000 * (time.perf_counter() - t0), r.json()["elapsed_ms"]

        def which_choice(client: httpx.Client, w: dict[str, float]) -> tuple[float, float]:
            t0 = time.perf_counter()
            r = client.post(url + "/api/sensitivity", json={"weights": w, "n": SA_BASE}, timeout=120)
            r.raise_for_status()
            return 1000 * (time.perf_counter() - t0), r.json()["elapsed_ms"]

        with httpx.Client() as c:
            how_sure(c, sets[0])
            ua = [how_sure(c, w) for w in sets[1 : 1 + UA_REQUESTS]]
            which_choice(c, sets[0])
            sa = [which_choice(c, w) for w in sets[1 : 1 + SA_REQUESTS]]
    finally:
        proc.terminate()
        proc.wait(10)
    base = engine_baseline(name, sets[:n])
    return {
        "engine (in-process build)": base,
        "1 client, HTTP": stats([x[0] for x in seq]),
        "1 client, server-side build": stats([x[1] for x in seq]),
        f"{concurrency} concurrent, HTTP": {
            **stats([x[0] for x in conc]),
            "throughput_rps": len(conc) / wall,
        },
        f"{concurrency} concurrent, server-side build": stats([x[1] for x in conc]),
        f"'how sure' ({UA_RUNS} Monte Carlo runs), 1 client, HTTP": stats([x[0] for x in ua]),
        f"'how sure' ({UA_RUNS} Monte Carlo runs), server-side": stats([x[1] for x in ua]),
        f"'which choice' (Sobol, base {SA_BASE}), 1 client, HTTP": stats([x[0] for x in sa]),
        f"'which choice' (Sobol, base {SA_BASE}), server-side": stats([x[1] for x in sa]),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200, help="requests per measurement")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "dashboard.md")
    ap.add_argument("--serve")
    ap.add_argument("--port", type=int)
    a = ap.parse_args()
    if a.serve:
        serve(a.serve, a.port)
        return
    results = {}
    for name in ("cities", "asem"):
        fw, cs, _ = load(name)
        results[name] = (len(cs.entities), len(fw.indicators), run(name, a.n, a.concurrency))
    lines = [
        "## Dashboard recompute latency",
        "",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Machine: {platform.platform()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average at the end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (other jobs share the machine).",
        "",
        "Method: `benchmarks/dashboard.py`. A weight change is one `POST /api/compute` with a new random weight "
        "for every aggregate node (never repeated, so no cache helps); the server (`innoscope.web.app`, one "
        "uvicorn worker, 127.0.0.1) rebuilds the index with `innoscope.build` and returns the ranking with every "
        "pillar score. Client-side wall time per request (`time.perf_counter`, httpx); the sequential run uses one "
        f"client for {a.n} requests after 10 warm-up requests; the concurrent run uses {a.concurrency} threads, one "
        f"httpx client each, {a.n} requests in all. Baseline: the same builds in-process, no HTTP. 'How sure': "
        f"{UA_REQUESTS} sequential `POST /api/uncertainty` (rank intervals and P(A outranks B), {UA_RUNS} "
        "replications each, a new random weight set each time) after one warm-up. 'Which choice': "
        f"{SA_REQUESTS} sequential `POST /api/sensitivity` (Sobol, base sample {SA_BASE}, n (d + 2) runs) after "
        "one warm-up.",
        "",
        "| data set | measurement | median ms | p95 ms | ratio to engine (median) | throughput req/s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, (ne, ni, res) in results.items():
        base = res["engine (in-process build)"]["median"]
        for k, v in res.items():
            thr = f"{v['throughput_rps']:.0f}" if "throughput_rps" in v else ""
            lines.append(
                f"| {name} ({ne} entities x {ni} indicators) | {k} | {v['median']:.1f} | {v['p95']:.1f} | "
                f"{v['median'] / base:.1f} | {thr} |"
            )
    target = {name: res["1 client, HTTP"]["median"] for name, (_, _, res) in results.items()}
    lines += [
        "",
        "Target (< 200 ms recompute for the bundled data, one user): "
        + ("met" if target["cities"] < 200 else "NOT met")
        + f" ({target['cities']:.1f} ms median)."
        " Under 16 concurrent users the one-worker server queues requests; the p95 there is queueing, "
        "not computing (compare the server-side build times).",
        "",
    ]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""``innoscope extract``: precision and recall on the labelled evaluation set, and throughput.

Labelled set (``tests/data/extract/``): ``cited_eval.csv`` (one item per row of the bundled cited data: the
excerpt, its place, indicator, value and year; built by ``scripts/build_extract_eval.py``) and
``sentences.csv`` (sentences written for every case of the issue; a row without an entity is a sentence with
no figure about a place). Split fixed before any rule was written: founding-article rows are ``dev``; every
other item is ``heldout`` when int(sha256(sentence)[:8], 16) % 10 < 3.

Places: those of ``innoscope extract`` (the entity table, then the national gazetteer,
:mod:`innoscope.cities.text_places`).

Scoring. A document is an item's title line (the cited row's source title; the written sentence's title) and
its sentence; the document date is the written one (else none). Extracted tuples are the candidates inside
the sentence that carry an indicator id (a ``proposed`` candidate names no series and claims no tuple). A
tuple (place, indicator, value, unit, year) matches a labelled one when place, indicator and unit are equal,
values agree to 0.5 % (the cited rows round as the excerpts do), and years are equal where the labelled item
has one (a cited row's year is checked only when the excerpt writes it). Recall = labelled tuples matched /
labelled tuples. Precision = extracted tuples that match / extracted tuples. The cited rows label only the
figures someone needed, so a sentence's other figures count against precision although they may be right;
"precision on labelled figures" counts only extracted tuples whose value is a labelled value of that
sentence (does the engine put a labelled figure in the right place, series, unit and year?).

Complete labels (``complete_heldout.csv``, ``complete_dev.csv`` when present; guide in docs/extract.md): every
figure about a place of a sentence, keyed by ``sentence_sha12`` (first 12 hex digits of sha256 of the sentence).
Scored against cited ∪ complete: for a completely labelled sentence the labels are its complete labels plus
any cited label that no complete label covers (same place, value within 0.5 %); a complete label supersedes
the cited one for the same figure (a year the title gives, a unit or series it corrects, noted in ``note``).
A figure labelled ``?`` (no lexicon id names its series) is left out of recall, and an extracted tuple of it
counts as wrong. A sentence without complete labels keeps its cited labels. The cited-only columns stay for
comparability with earlier runs.

Throughput: two corpora of about ``--mb`` MB of UTF-8 text each, written to a file and read by
:func:`innoscope.ingest.claims.extract_file` (reading, decoding, clean-up, rules, all candidates built): the
founding article repeated (news-like density of figures) and the article with the dev sentences (a figure in
nearly every sentence). Baseline in the same run: reading and decoding the same file and one regular expression
over it for digits (``\\d+``). Median of ``--repeats`` runs, wall and CPU time (``time.process_time``), with
``uptime`` before and after.

Memory: peak resident memory (``VmHWM`` of ``/proc/self/status``, else ``ru_maxrss``, which on Linux keeps the
peak of the parent it was forked from across exec) of a fresh process streaming ``--memory`` sizes of the article
(``--memory 2 20 100`` for the 100 MB file), with that process's CPU and wall time.

Before/after (``--before-src DIR``, the ``src/`` of a checkout before a change, e.g. a ``git worktree add
--detach``): both corpora at ``--mb`` run by the old and the current code in fresh processes taking turns; the
median CPU times, their ratio, and whether every candidate is the same (digest of the candidates' fields).

Parallel (``--jobs N``, default 2): both corpora read by one process and by N (:mod:`innoscope.ingest.claims.
parallel`), taking turns; wall time (the workers' CPU is not the parent's), median, and whether the candidates are
the same.

Usage: python benchmarks/extract.py [--split heldout|dev|all] [--show-misses] [--mb 20] [--repeats 3]
       [--memory 2 20 100] [--before-src DIR] [--jobs 2] [--out benchmarks/results/extract.md]
       (``--show-misses`` is refused on the held-out split)
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from innoscope.cities.text_places import place_index
from innoscope.ingest.claims import Extractor, extract_file

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data/extract"
ARTICLE = ROOT / "tests/data/000_56324c709aa1581a.txt"


def items(split: str) -> pd.DataFrame:
    cited = pd.read_csv(DATA / "cited_eval.csv", dtype={"year": "Int64"})
    cited["date"] = ""
    written = pd.read_csv(
        DATA / "sentences.csv",
        dtype={"year": "Int64", "title": str, "date": str},
        keep_default_na=False,
        na_values={"year": [""], "value": [""]},
    )
    written["source"] = "written"
    cols = ["split", "source", "title", "date", "sentence", "entity", "indicator", "value", "unit", "year"]
    both = pd.concat([cited[cols], written[cols]], ignore_index=True)
    both["title"] = both["title"].fillna("").astype(str)
    both["date"] = both["date"].fillna("").astype(str)
    return both if split == "all" else both[both["split"] == split]


def sha12(sentence: str) -> str:
    """First 12 hex digits of sha256 of the sentence: the key of the complete labels."""
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:12]


def complete_labels(split: str) -> dict[str, list[tuple]]:
    """Complete labels of ``split`` by sentence key (``complete_<split>.csv``; {} when the file is absent).

    A sentence with no figure about a place has one row with an empty entity and maps to [].
    """
    path = DATA / f"complete_{split}.csv"
    if not path.exists():
        return {}
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    out: dict[str, list[tuple]] = {}
    for r in df.itertuples():
        labels = out.setdefault(r.sentence_sha12, [])
        if r.entity:
            year = int(r.year) if r.year else None
            labels.append((r.entity, r.indicator, float(r.value), r.unit, year))
    return out


def union_labels(cited: list[tuple], complete: list[tuple] | None) -> tuple[list[tuple], list[tuple]]:
    """(labels to score, ``?`` figures) of one sentence: its complete labels plus the cited labels they do not
    cover (same place, value within 0.5 %); the cited labels alone when the sentence is not completely labelled.
    """
    if complete is None:
        return list(cited), []
    named = [x for x in complete if x[1] != "?"]
    unnamed = [x for x in complete if x[1] == "?"]
    rest = [
        g for g in cited if not any(g[0] == x[0] and math.isclose(g[2], x[2], rel_tol=5e-3) for x in complete)
    ]
    return named + rest, unnamed


def _match(e: tuple, g: tuple) -> bool:
    if e[0] != g[0] or e[1] != g[1] or e[3] != g[3]:
        return False
    if not math.isclose(e[2], g[2], rel_tol=5e-3, abs_tol=1e-9):
        return False
    return g[4] is None or e[4] == g[4]


def evaluate(split: str, extractor: Extractor | None = None, show: bool = False) -> dict:
    ex = extractor or Extractor(place_index())
    df = items(split)
    complete = {
        k: v
        for s in ([split] if split != "all" else ["dev", "heldout"])
        for k, v in complete_labels(s).items()
    }
    n_gold = n_gold_hit = n_ext = n_ext_hit = n_lab = n_lab_hit = 0
    n_full = n_full_hit = n_full_ext_hit = n_complete = n_unnamed = 0
    misses, wrong, full_misses, full_wrong = [], [], [], []
    for (title, d, sentence), g in df.groupby(["title", "date", "sentence"], sort=False):
        gold = [
            (r.entity, r.indicator, float(r.value), r.unit, None if pd.isna(r.year) else int(r.year))
            for r in g.itertuples()
            if isinstance(r.entity, str) and r.entity
        ]
        head = f"{title}\n" if title else ""
        cands = ex.extract_chunks(
            [head + sentence], document="eval", doc_date=date.fromisoformat(d) if d else None
        )
        ext = sorted(
            {
                (c.entity, c.indicator, c.value, c.unit, c.year)
                for c in cands
                if c.indicator and c.start >= len(head)
            },
            key=str,
        )
        n_gold += len(gold)
        hit_g = [any(_match(e, x) for e in ext) for x in gold]
        n_gold_hit += sum(hit_g)
        n_ext += len(ext)
        hit_e = [any(_match(e, x) for x in gold) for e in ext]
        n_ext_hit += sum(hit_e)
        values = [x[2] for x in gold]
        for e, h in zip(ext, hit_e, strict=True):
            if any(math.isclose(e[2], v, rel_tol=5e-3) for v in values):
                n_lab += 1
                n_lab_hit += h
                if not h:
                    wrong.append((sentence, e))
        misses += [(sentence, x, ext) for x, h in zip(gold, hit_g, strict=True) if not h]
        full, unnamed = union_labels(gold, complete.get(sha12(sentence)))
        n_complete += sha12(sentence) in complete
        n_unnamed += len(unnamed)
        n_full += len(full)
        hit_f = [any(_match(e, x) for e in ext) for x in full]
        n_full_hit += sum(hit_f)
        hit_fe = [any(_match(e, x) for x in full) for e in ext]
        n_full_ext_hit += sum(hit_fe)
        full_misses += [(sentence, x, ext) for x, h in zip(full, hit_f, strict=True) if not h]
        full_wrong += [(sentence, e) for e, h in zip(ext, hit_fe, strict=True) if not h]
    if show:
        for s, x, ext in misses:
            print(f"MISS {x}\n     {s[:160]!r}\n     got {ext}")
        for s, e in wrong:
            print(f"WRONG {e}\n     {s[:160]!r}")
        for s, x, ext in full_misses:
            print(f"MISS (cited ∪ complete) {x}\n     {s[:160]!r}\n     got {ext}")
        for s, e in full_wrong:
            print(f"WRONG (cited ∪ complete) {e}\n     {s[:160]!r}")
    return {
        "split": split,
        "sentences": df.groupby(["title", "sentence"]).ngroups,
        "labelled": n_gold,
        "recall": n_gold_hit / n_gold if n_gold else float("nan"),
        "extracted": n_ext,
        "precision": n_ext_hit / n_ext if n_ext else float("nan"),
        "labelled_figures": n_lab,
        "precision_labelled": n_lab_hit / n_lab if n_lab else float("nan"),
        "complete_sentences": n_complete,
        "labels_full": n_full,
        "unnamed": n_unnamed,
        "recall_full": n_full_hit / n_full if n_full else float("nan"),
        "precision_full": n_full_ext_hit / n_ext if n_ext else float("nan"),
    }


def _corpus(kind: str) -> str:
    article = ARTICLE.read_text(encoding="utf-8") + "\n"
    if kind == "article":
        return article
    return article + "\n".join(items("dev")["sentence"].unique()) + "\n"


def throughput(mb: float, repeats: int, kind: str) -> dict:
    """Wall and CPU time of extract_file over ``mb`` MB of the corpus ``kind`` written to a file."""
    base = _corpus(kind)
    reps = max(1, int(mb * 1e6 / len(base.encode("utf-8"))))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text(base * reps, encoding="utf-8")
        size = path.stat().st_size
        ex = Extractor(place_index())
        sum(1 for _ in ex.extract_chunks([base]))  # warm-up: lazy imports, caches
        runs, cpus, bases, bcpus, n, k = [], [], [], [], 0, 0
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            text = path.read_bytes().decode("utf-8")
            k = sum(1 for _ in re.finditer(r"\d+", text))
            bases.append(time.perf_counter() - t)
            bcpus.append(time.process_time() - c)
            del text
            t, c = time.perf_counter(), time.process_time()
            n = sum(1 for _ in ex.extract_chunks(_chunks(path), document="big"))
            runs.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
    med, cpu, bmed, bcpu = (statistics.median(x) for x in (runs, cpus, bases, bcpus))
    return {
        "corpus": kind,
        "bytes": size,
        "candidates": n,
        "digit_runs": k,
        "median_s": med,
        "cpu_s": cpu,
        "mb_per_s": size / 1e6 / med,
        "mb_per_cpu_s": size / 1e6 / cpu,
        "baseline_s": bmed,
        "baseline_cpu_s": bcpu,
        "ratio": cpu / bcpu,
    }


_CHILD = """
import hashlib, resource, sys, time
import innoscope
from innoscope.cities.text_places import place_index
from innoscope.ingest.claims import Extractor, extract_file
ex = Extractor(place_index())
with open(sys.argv[1], encoding="utf-8") as fh:
    sum(1 for _ in ex.extract_chunks([fh.read(20000)]))  # warm-up: lazy imports, caches
h, n = hashlib.sha256(), 0
c, t = time.process_time(), time.perf_counter()
for cand in extract_file(sys.argv[1], extractor=ex):
    n += 1
    h.update(repr(cand).encode("utf-8"))
cpu, wall = time.process_time() - c, time.perf_counter() - t
try:  # VmHWM: this process's own peak (ru_maxrss keeps the forking parent's across exec on Linux)
    rss = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
except (OSError, StopIteration):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(n, rss, cpu, wall, h.hexdigest()[:16], innoscope.__file__)
"""


def parallel(mb: float, repeats: int, kind: str, jobs: int) -> dict:
    """Wall time of extract_file over ``mb`` MB of the corpus ``kind`` read by ``jobs`` processes, against one
    process in the same run (turns taken, median of ``repeats``); the candidates must be the same."""
    ex = Extractor(place_index())
    sum(1 for _ in ex.extract_chunks([_corpus(kind)[:20000]]))
    walls: dict[int, list[float]] = {1: [], jobs: []}
    digests: dict[int, set[str]] = {1: set(), jobs: set()}
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_corpus(Path(tmp) / "big.txt", kind, mb)
        for _ in range(repeats):
            for j in (1, jobs):
                h, t = hashlib.sha256(), time.perf_counter()
                for c in extract_file(path, extractor=ex, jobs=j):
                    h.update(repr(c).encode("utf-8"))
                walls[j].append(time.perf_counter() - t)
                digests[j].add(h.hexdigest())
        size = path.stat().st_size
    one, many = statistics.median(walls[1]), statistics.median(walls[jobs])
    return {
        "corpus": kind,
        "bytes": size,
        "jobs": jobs,
        "cores": os.cpu_count(),
        "wall_1": one,
        "wall_n": many,
        "mb_per_s_1": size / 1e6 / one,
        "mb_per_s_n": size / 1e6 / many,
        "same_candidates": len(digests[1] | digests[jobs]) == 1,
    }


def _child(path: Path, src: str | None = None) -> dict:
    """One fresh process running extract_file over ``path`` (with ``src`` first on the path if given): candidates,
    peak RSS, CPU and wall time of the extraction, a digest of every candidate, the package it ran."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if src:
        env["PYTHONPATH"] = src
    r = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True, env=env
    )
    n, rss, cpu, wall, digest, package = r.stdout.split()
    mb = path.stat().st_size / 1e6
    return {
        "mb": mb,
        "candidates": int(n),
        "peak_rss_mb": int(rss) / 1024,
        "cpu_s": float(cpu),
        "wall_s": float(wall),
        "mb_per_cpu_s": mb / float(cpu),
        "digest": digest,
        "package": package,
    }


def _write_corpus(path: Path, kind: str, mb: float) -> Path:
    base = _corpus(kind)
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(max(1, int(mb * 1e6 / len(base.encode("utf-8"))))):
            fh.write(base)
    return path


def memory(sizes: list[float]) -> list[dict]:
    """Peak resident memory and time of a fresh process running extract_file over the article repeated to each
    size (the file written piece by piece, so a 100 MB file costs the parent nothing)."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            out.append(_child(_write_corpus(Path(tmp) / f"m{mb}.txt", "article", mb)))
    return out


def before_after(src: str, mb: float, repeats: int) -> list[dict]:
    """CPU time of the code in ``src`` (a checkout's ``src/`` before a change) and of this checkout on both
    corpora, in fresh processes taking turns; the candidates' digests must be equal."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("article", "dense"):
            path = _write_corpus(Path(tmp) / f"{kind}.txt", kind, mb)
            runs: dict[str, list[dict]] = {"before": [], "after": []}
            for _ in range(repeats):
                runs["before"].append(_child(path, src))
                runs["after"].append(_child(path))
            b, a = runs["before"], runs["after"]
            out.append(
                {
                    "corpus": kind,
                    "mb": a[0]["mb"],
                    "before_cpu_s": statistics.median(r["cpu_s"] for r in b),
                    "after_cpu_s": statistics.median(r["cpu_s"] for r in a),
                    "same_candidates": {r["digest"] for r in a} == {r["digest"] for r in b},
                    "candidates": a[0]["candidates"],
                    "before_package": b[0]["package"],
                }
            )
    return out


def _chunks(path: Path):
    from innoscope.ingest.claims.document import iter_text

    return iter_text(path)


def _commit(package: str) -> str:
    """The git commit of the checkout a package file lives in, ``-dirty`` when its files differ from it (a commit
    with later ones reverted in the working tree); "?" outside a checkout."""
    r = subprocess.run(
        ["git", "-C", str(Path(package).parent), "describe", "--always", "--dirty", "--abbrev=7"],
        capture_output=True,
        text=True,
        check=False,
    )
    return r.stdout.strip() or "?"


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="heldout", choices=["heldout", "dev", "all"])
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument(
        "--memory", type=float, nargs="*", default=[2.0, 20.0], help="file sizes (MB) for peak memory"
    )
    ap.add_argument(
        "--before-src",
        default=None,
        help="src/ of a checkout before a change: its CPU time against this checkout's, same run",
    )
    ap.add_argument("--jobs", type=int, default=2, help="processes for the parallel reading (0: skip)")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    if a.show_misses and a.split != "dev":
        sys.exit("--show-misses is only for the dev split (the held-out split is never looked at)")
    before = _uptime()
    scores = [
        evaluate(s, show=a.show_misses and s == "dev")
        for s in (["dev", "heldout"] if a.split == "all" else [a.split])
    ]
    for s in scores:
        print(s)
    if a.no_speed:
        return
    tps = [throughput(a.mb, a.repeats, kind) for kind in ("article", "dense")]
    for tp in tps:
        print(tp)
    par = [parallel(a.mb, a.repeats, kind, a.jobs) for kind in ("article", "dense")] if a.jobs > 1 else []
    for x in par:
        print(x)
    mem = memory(a.memory)
    print(mem)
    ab = before_after(a.before_src, a.mb, a.repeats) if a.before_src else []
    for x in ab:
        print(x)
    after = _uptime()
    if a.out:
        _write(Path(a.out), scores, tps, mem, before, after, ab, par)


def _write(
    path: Path,
    scores: list[dict],
    tps: list[dict],
    mem: list[dict],
    before: str,
    after: str,
    ab: list[dict] | None = None,
    par: list[dict] | None = None,
) -> None:
    import innoscope

    lines = [
        "## Extract: figures from text (precision, recall, throughput)",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, innoscope {getattr(innoscope, '__version__', '?')}; "
        f"uptime before: `{before}`; after: `{after}`.",
        "Method: `benchmarks/extract.py` (scoring rules in its docstring); targets: precision >= 0.9 and "
        "recall >= 0.8 on the held-out split, >= 1 MB/s.",
        "",
        "| split | sentences | labelled tuples | recall | extracted tuples | precision | labelled-figure "
        "tuples | precision on labelled figures |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s['split']} | {s['sentences']} | {s['labelled']} | {s['recall']:.3f} | {s['extracted']} | "
            f"{s['precision']:.3f} | {s['labelled_figures']} | {s['precision_labelled']:.3f} |"
        )
    lines += [
        "",
        "Against cited ∪ complete labels (every figure about a place of a completely labelled sentence; "
        "`?` figures, whose series no lexicon id names, are out of recall and wrong when extracted):",
        "",
        "| split | completely labelled sentences | labels | `?` figures | recall | extracted tuples | precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s['split']} | {s['complete_sentences']} of {s['sentences']} | {s['labels_full']} | "
            f"{s['unnamed']} | {s['recall_full']:.3f} | {s['extracted']} | {s['precision_full']:.3f} |"
        )
    lines += [
        "",
        "Throughput: wall time and CPU time of the process (the machine is shared; CPU time is the steadier "
        "figure), median of the repeats; baseline in the same run: read + decode + one `\\d+` scan.",
        "",
        "| corpus | size | candidates | wall | MB/s (wall) | CPU | MB/s (CPU) | baseline CPU | CPU ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "article": "founding article repeated (news-like density)",
        "dense": "article + dev sentences repeated (a figure in every sentence)",
    }
    for tp in tps:
        lines.append(
            f"| {names[tp['corpus']]} | {tp['bytes'] / 1e6:.1f} MB | {tp['candidates']} | "
            f"{tp['median_s']:.1f} s | {tp['mb_per_s']:.2f} | {tp['cpu_s']:.1f} s | {tp['mb_per_cpu_s']:.2f} | "
            f"{tp['baseline_cpu_s']:.2f} s | {tp['ratio']:.0f}x |"
        )
    if par:
        lines += [
            "",
            f"One large document read by several processes (`--jobs`, ingest/claims/parallel.py; "
            f"{par[0]['cores']} cores, shared): wall time, one process and {par[0]['jobs']} taking turns, median; "
            "same candidates = equal digests of every candidate's fields:",
            "",
            "| corpus | size | wall, 1 process | MB/s | wall, N processes | MB/s | speed-up | same candidates |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {names[x['corpus']]} | {x['bytes'] / 1e6:.1f} MB | {x['wall_1']:.1f} s | {x['mb_per_s_1']:.2f} | "
            f"{x['wall_n']:.1f} s ({x['jobs']}) | {x['mb_per_s_n']:.2f} | {x['wall_1'] / x['wall_n']:.2f}x | "
            f"{'yes' if x['same_candidates'] else 'NO'} |"
            for x in par
        ]
    lines += [
        "",
        "Bounded memory: peak resident memory of a fresh process reading the article repeated to each size "
        "(the text is read in chunks of about 1 M characters and candidates are counted as they stream), "
        "with the CPU and wall time of the extraction in that process:",
        "",
        "| file | candidates | peak RSS | CPU | MB/s (CPU) | wall |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {m['mb']:.0f} MB | {m['candidates']} | {m['peak_rss_mb']:.0f} MB | {m['cpu_s']:.1f} s | "
        f"{m['mb_per_cpu_s']:.2f} | {m['wall_s']:.1f} s |"
        for m in mem
    ]
    if ab:
        lines += [
            "",
            f"Before and after a change, same run: CPU time of extract_file in fresh processes taking turns "
            f"(median), the code before the change: commit {_commit(ab[0]['before_package'])}; "
            "same candidates = equal digests of every candidate's fields:",
            "",
            "| corpus | size | candidates | CPU before | CPU after | speed-up | same candidates |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {names[x['corpus']]} | {x['mb']:.1f} MB | {x['candidates']} | {x['before_cpu_s']:.2f} s | "
            f"{x['after_cpu_s']:.2f} s | {x['before_cpu_s'] / x['after_cpu_s']:.2f}x | "
            f"{'yes' if x['same_candidates'] else 'NO'} |"
            for x in ab
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

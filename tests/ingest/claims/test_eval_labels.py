"""The complete labels of the dev split (``tests/data/extract/complete_dev.csv``) are well formed: each row
names a dev sentence by the first 12 hex digits of its sha256, a series the lexicon names (directly or as its
growth/change/rank/ratio/share/cumulative/per-km² form) or ``?``, a number, and a kind; a sentence with no
figure about a place has one row with an empty entity."""

import csv
import hashlib
from pathlib import Path

from innoscope.ingest.claims import Lexicon

DATA = Path(__file__).resolve().parents[2] / "data" / "extract"
KINDS = {"level", "growth", "change", "share", "rank", "ratio"}
SUFFIXES = ("", "_growth", "_change", "_rank", "_ratio", "_share", "_per_km2", "_per_km2_rank")


def _dev_shas() -> set[str]:
    shas = set()
    for name in ("cited_eval.csv", "sentences.csv"):
        with (DATA / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["split"] == "dev":
                    shas.add(hashlib.sha256(row["sentence"].encode("utf-8")).hexdigest()[:12])
    return shas


def _known_ids() -> set[str]:
    ids = set()
    for ind in Lexicon.default().indicators.values():
        bases = {ind.id, ind.growth, ind.rank, ind.cumulative} - {""}
        ids |= {b + s for b in bases for s in SUFFIXES}
    return ids


def test_complete_dev_labels_are_well_formed():
    with (DATA / "complete_dev.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    dev, ids = _dev_shas(), _known_ids()
    assert len(rows) > 300
    for i, r in enumerate(rows, start=2):
        assert r["sentence_sha12"] in dev, (i, r)
        if not r["entity"]:  # a sentence with no figure about a place: one row, nothing else
            assert not (r["indicator"] or r["value"]) and r["note"], (i, r)
            continue
        assert r["indicator"] == "?" or r["indicator"] in ids, (i, r)
        assert r["indicator"] != "?" or r["note"], (i, r)
        float(r["value"])
        assert r["year"] == "" or 1990 <= int(r["year"]) <= 2030, (i, r)
        assert r["kind"] in KINDS, (i, r)


def test_written_sentences_follow_the_split_rule():
    """A written sentence is held out exactly when int(sha256[:8], 16) % 10 < 3 (benchmarks/extract.py): new
    sentences are rephrased until they fall in dev, so no addition moves into or out of the held-out part."""
    with (DATA / "sentences.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == rows[0][-1] == "split"
    for i, r in enumerate(rows[1:], start=2):
        want = "heldout" if int(hashlib.sha256(r[3].encode("utf-8")).hexdigest()[:8], 16) % 10 < 3 else "dev"
        assert r[0] == r[-1] == want, (i, r[3])


def test_every_written_dev_sentence_is_completely_labelled():
    with (DATA / "complete_dev.csv").open(encoding="utf-8") as f:
        labelled = {r["sentence_sha12"] for r in csv.DictReader(f)}
    with (DATA / "sentences.csv").open(encoding="utf-8") as f:
        dev = {r["sentence"] for r in csv.DictReader(f) if r["split"] == "dev"}
    assert len(dev) >= 70
    assert not [s for s in dev if hashlib.sha256(s.encode("utf-8")).hexdigest()[:12] not in labelled]

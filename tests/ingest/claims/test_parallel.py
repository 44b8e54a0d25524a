"""A large document read by several processes gives exactly what one process gives (ingest/claims/parallel.py),
including the context that crosses chunk boundaries: a section heading's year and a list of places."""

import os
from pathlib import Path

import pytest

from innoscope.cities.text_places import place_index
from innoscope.ingest.claims import Extractor, extract_file
from innoscope.ingest.claims.document import iter_text
from innoscope.ingest.claims.parallel import fork_available

DATA = Path(__file__).resolve().parents[2] / "data"
ARTICLE = DATA / "000_56324c709aa1581a.txt"

pytestmark = pytest.mark.skipif(not fork_available(), reason="parallel reading forks its workers")


@pytest.fixture(scope="module")
def ex():
    return Extractor(place_index())


def _document(tmp_path: Path) -> Path:
    """A heading with a year, then 300 pairs of lines: one naming two cities, the next giving their figures with
    分别 and no year (the list of the line before and the heading's year are needed, chunk boundaries or not)."""
    pairs = "".join(
        f"第{i}组：无锡和常州的比较\n两市高新技术企业分别为{i}家和{i + 1000}家。\n" for i in range(1, 301)
    )
    p = tmp_path / "doc.txt"
    p.write_text("无锡市统计公报\n一、2024年科技创新\n" + pairs, encoding="utf-8")
    return p


def test_parallel_equals_sequential_across_chunk_boundaries(ex, tmp_path):
    p = _document(tmp_path)
    one = list(extract_file(p, extractor=ex, chunk_chars=500))
    two = list(extract_file(p, extractor=ex, chunk_chars=500, jobs=2))
    chunks = list(iter_text(p, chunk_chars=500))
    assert len(chunks) >= 20
    assert sum(c.rstrip("\n").endswith("比较") for c in chunks) >= 3  # boundaries between a list and its 分别
    assert two == one
    # read by hand: each pair gives 无锡 i and 常州 i + 1000, dated by the heading's year
    got = sorted((c.entity, c.value, c.year) for c in two if c.indicator == "high_tech_enterprises")
    want = sorted(
        [("无锡", float(i), 2024) for i in range(1, 301)]
        + [("常州", i + 1000.0, 2024) for i in range(1, 301)]
    )
    assert got == want


def test_parallel_equals_sequential_on_the_article(ex, tmp_path):
    p = tmp_path / "big.txt"
    p.write_text(ARTICLE.read_text(encoding="utf-8") * 42, encoding="utf-8")
    one = list(extract_file(p, extractor=ex, chunk_chars=20_000))
    assert len(one) >= 1000
    assert list(extract_file(p, extractor=ex, chunk_chars=20_000, jobs=2)) == one


def test_parallel_progress_counts_the_chunks_done_to_the_file_size(ex, tmp_path):
    """With several processes the bar is told each chunk's bytes once its candidates are out (not as chunks are read
    ahead): told no more than the candidates yielded so far allow, and the file's size at the end (os.stat)."""
    p = _document(tmp_path)
    told: list[int] = []
    it = extract_file(p, extractor=ex, chunk_chars=500, jobs=2, progress=told.append)
    next(it)
    assert told == []  # chunks after the first are read ahead, but none is done while its candidates are out
    list(it)
    assert sum(told) == p.stat().st_size


def _die(*args):
    os._exit(3)  # a worker killed mid-chunk (out of memory, a signal)


def test_a_dead_worker_is_a_one_line_error(ex, tmp_path, monkeypatch):
    from innoscope.ingest.claims import parallel
    from innoscope.model.errors import InnoscopeError

    monkeypatch.setattr(parallel, "_read", _die)
    with pytest.raises(InnoscopeError, match="--jobs 1"):
        list(extract_file(_document(tmp_path), extractor=ex, chunk_chars=500, jobs=2))


def test_a_pool_broken_before_a_chunk_is_submitted_is_the_same_one_line_error(ex, tmp_path, monkeypatch):
    """A worker may die while later chunks are still being handed out: then ``submit`` itself raises (the race
    that made the test above fail one run in ten), and the user sees the same message."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from innoscope.model.errors import InnoscopeError

    calls = []
    real = ProcessPoolExecutor.submit

    def submit(self, *args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise BrokenProcessPool("a child process terminated abruptly")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    with pytest.raises(InnoscopeError, match="--jobs 1"):
        list(extract_file(_document(tmp_path), extractor=ex, chunk_chars=500, jobs=2))


def _mixed(tmp_path: Path) -> Path:
    """The article, then a table under a heading with a year, then pairs of lines whose 分别 needs the places of
    the line before, and English sentences: every context a piece boundary could cut."""
    table = "二、2023年主要城市\n地区 | 高新技术企业（家） | 研发投入（亿元）\n" + "".join(
        f"城市{i} | {1000 + i} | {50 + i}.5\n" for i in range(30)
    )
    pairs = "".join(
        f"第{i}组：无锡和常州的比较。\n两市高新技术企业分别为{i}家和{i + 1000}家。\n" for i in range(1, 120)
    )
    english = "Shenzhen had more than 24,000 national high-tech enterprises in 2023, up 5.8 percent.\n" * 20
    p = tmp_path / "mixed.txt"
    p.write_text(
        ARTICLE.read_text(encoding="utf-8") + table + pairs + english + table + pairs, encoding="utf-8"
    )
    return p


def test_pieces_of_one_chunk_read_in_parallel_equal_one_process(ex, tmp_path, monkeypatch):
    """A chunk is handed out in pieces (PIECE_CHARS, here small so that a few kilobytes make many): the same
    candidates as one process reading the whole chunk, context and offsets included."""
    from innoscope.ingest.claims import parallel

    p = _mixed(tmp_path)
    one = list(extract_file(p, extractor=ex))
    monkeypatch.setattr(parallel, "PIECE_CHARS", 1500)
    text = p.read_text(encoding="utf-8")
    assert len(list(iter_text(p))) == 1 and len(parallel._pieces(text, 0)) >= 8
    assert len(one) >= 400
    assert list(extract_file(p, extractor=ex, jobs=2)) == one
    assert list(extract_file(p, extractor=ex, jobs=2, chunk_chars=20_000)) == list(
        extract_file(p, extractor=ex, chunk_chars=20_000)
    )


def test_pieces_are_cut_after_a_full_stop_before_a_line_of_prose(monkeypatch):
    from innoscope.ingest.claims import parallel

    monkeypatch.setattr(parallel, "PIECE_CHARS", 10)
    # lines of 12, 10, 10, 1, 14, 14 and 13 characters; by hand: the first 。 at or after character 10 ends the
    # first line, but a table row follows; the next ends 甲…辛, but a blank line follows; then 亥 (cut at 47, before
    # 天); the next piece starts looking at 57 and cuts after 昃 (61); 13 characters are left, less than 1.5 pieces
    norm = "一二三四五六七八九十。\n| a | b |\n甲乙丙丁戊己庚辛。\n\n子丑寅卯辰巳午未申酉戌亥。\n天地玄黄宇宙洪荒日月盈昃。\n末行一二三四五六七八九。\n"
    spans = parallel._pieces(norm, 0)
    cuts = [b for _, b in spans[:-1]]
    assert cuts == [47, 61]
    assert [norm[b - 3 : b + 1] for b in cuts] == ["亥。\n天", "昃。\n末"]
    assert spans[0][0] == 0 and spans[-1][1] == len(norm)
    assert all(b == a2 for (_, b), (a2, _) in zip(spans, spans[1:], strict=False))
    assert parallel._pieces(norm, len(norm) - 5) == [(0, len(norm))]  # no cut before the title's end

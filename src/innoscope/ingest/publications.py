"""Published tables innoscope knows by their content: the file as published says what its title does not.

A yearbook table as published (*China City Statistical Yearbook 2024*, table 2-17) states no data year anywhere in
the file: its title is ``2-17科技创新情况``, its sheet ``Sheet17``, and the edition year in the book's name is not
the data year (the 2024 edition reports 2023). The book does say it, in its preface. So the bytes of each known
published file (sha256) are listed in ``data/publications.csv`` with the publication, the table and the data year,
and a file with those exact bytes is read with that year; any other file, even one edited by a single byte, is
not recognised and states its year itself or takes ``--year``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Publication", "known_publication"]


@dataclass(frozen=True)
class Publication:
    """One published file: its ``publication``, ``table`` number, and the ``data_year`` its values are for."""

    file: str
    publication: str
    table: str
    data_year: int


@cache
def _known() -> dict[str, Publication]:
    text = resources.files("innoscope.data").joinpath("publications.csv").read_text(encoding="utf-8")
    return {
        r["sha256"]: Publication(r["file"], r["publication"], r["table"], int(r["data_year"]))
        for r in csv.DictReader(text.splitlines())
    }


def known_publication(sha256: str) -> Publication | None:
    """The published file whose content has this sha256, or None."""
    return _known().get(sha256)

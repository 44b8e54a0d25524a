"""Figures about places in Chinese and English text, as reviewable candidate values (``innoscope extract``).

One module per concept: :mod:`.document` (reading, streaming, clean-up), :mod:`.numbers` (figures, 万/亿,
Chinese numerals), :mod:`.places` (place names, implicit subject), :mod:`.indicators` (the phrase lexicon),
:mod:`.dates` (years, relative years), :mod:`.qualifiers` (kinds, bounds, ranks), :mod:`.extract` (the rules
that tie them together) and :mod:`.review` (the review file and its import).
"""

from innoscope.ingest.claims.extract import (
    CANDIDATE_COLUMNS,
    Candidate,
    Extractor,
    extract_file,
    extract_text,
)
from innoscope.ingest.claims.indicators import Lexicon
from innoscope.ingest.claims.places import PlaceIndex

__all__ = [
    "CANDIDATE_COLUMNS",
    "Candidate",
    "Extractor",
    "Lexicon",
    "PlaceIndex",
    "extract_file",
    "extract_text",
]

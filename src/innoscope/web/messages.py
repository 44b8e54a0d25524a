"""Error messages of bounded length: a reply never echoes a whole request back.

A 100 MB body with a million unknown names must not give a 100 MB error: messages show the first few
offending items and a count, and any one message is cut to a fixed length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from typing import Any

MAX_DETAIL = 500


def shorten(text: Any, limit: int = MAX_DETAIL) -> str:
    """``str(text)`` cut to about ``limit`` characters: its start and its end (where a message usually says
    what was expected), and how many characters were left out between them."""
    s = str(text)
    if len(s) <= limit:
        return s
    head, tail = (2 * limit) // 3, limit // 3
    return f"{s[:head]} ...[{len(s) - head - tail:,} characters left out]... {s[len(s) - tail :]}"


def first_few(items: Iterable[Any], n: int = 5, width: int = 60) -> str:
    """The first ``n`` items (each quoted, cut to ``width``) and how many more: ``'a', 'b' and 998 more``."""
    seq = list(items) if not isinstance(items, Sized) else items
    shown = [repr(shorten(x, width)) for _, x in zip(range(n), seq, strict=False)]
    more = len(seq) - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")

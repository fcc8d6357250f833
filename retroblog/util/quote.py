"""User values in messages: quoted, and never more than a few dozen characters of them.

An error names the value it refuses, but a 50 MB cell must not make a 50 MB message: ``quoted`` shows
the first characters and says how long the whole value is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

QUOTE_CHARS = 40
"""How many characters of a user's value a message shows."""


def quoted(value: Any, limit: int = QUOTE_CHARS) -> str:
    """``value`` as Python's ``repr`` would quote it, cut to ``limit`` characters of its text:
    ``'abc'``, or ``'abcdef…' (50,000,000 characters)``. Non-text values are quoted as their text
    (``repr`` of a number is its digits)."""
    if isinstance(value, dt.date | dt.time | dt.timedelta):  # a date of a Parquet file: its text
        value = str(value)
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        head = repr(value[:limit])
        return f"{head[:-1]}…{head[-1]} ({len(value):,} characters)"
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def clipped(text: str, limit: int = 200) -> str:
    """A free-form text of another library (a parser's message, which may quote the file) cut to
    ``limit`` characters."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"

"""Numbers in words for people: ``1 week``, ``2 weeks``, ``1,234 PRs``."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, singular for exactly one, else ``plural`` (default: ``noun`` + "s")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"

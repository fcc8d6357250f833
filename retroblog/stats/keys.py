"""Stat keys: ``by_year.2020`` looked up in the stats JSON, and the value formatted for prose.

The keys are those of ``Stats.to_dict`` (the JSON of ``retroblog stats --json``): a top-level name,
or a table and one of its entries joined by a dot. ``DEFAULT_STATS`` and ``LABELS`` are the rows and
headings of a ``stats`` block's table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retroblog.errors import ConfigError

DEFAULT_STATS = (
    "total_prs",
    "first_merged",
    "last_merged",
    "additions",
    "deletions",
    "comments",
    "size.median",
    "busiest_month",
    "busiest_quarter",
    "longest_streak",
)
"""The figures of a ``stats`` block that names none."""
LABELS = {
    "total_prs": "PRs merged",
    "first_merged": "First merge",
    "last_merged": "Last merge",
    "additions": "Lines inserted",
    "deletions": "Lines deleted",
    "lines_changed": "Lines changed",
    "comments": "Comments",
    "review_comments": "Review comments",
    "size.median": "Median PR size (lines inserted)",
    "busiest_month": "Busiest month",
    "busiest_quarter": "Busiest quarter",
    "longest_streak": "Longest streak of weeks with a merged PR",
}
"""Headings of the figures in a ``stats`` table; a key without one is shown as it is written."""

PRIVATE_TABLES = ("by_repo", "repos", "filters")
"""Keys that start so name repositories or labels (``filters.repo`` echoes a block's own ``repo``
option): a private dataset never publishes them."""


def label(key: str) -> str:
    """The heading of a stat in a ``stats`` table."""
    return LABELS.get(key) or key


def lookup(data: Mapping[str, Any], key: str) -> Any:
    """``by_year.2020`` in the stats JSON; names the valid keys when the path does not exist."""
    value: Any = data
    walked: list[str] = []
    for part in _split_key(key):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
            walked.append(part)
            continue
        where = ".".join(walked) or "stats"
        options = ", ".join(list(value)[:12]) if isinstance(value, Mapping) else "none"
        raise ConfigError(f"unknown stat {key!r}: {where} has no {part!r} (available: {options})")
    if isinstance(value, Mapping) and "period" in value:
        return f"{value['period']} ({value['prs']:,} PRs)"
    if isinstance(value, Mapping) and "weeks" in value:
        return f"{value['weeks']} weeks" if value["weeks"] else "0 weeks"
    if isinstance(value, Mapping | list):
        raise ConfigError(f"stat {key!r} is a table, not a number; name one entry such as {key}.<name>")
    return value


def _split_key(key: str) -> list[str]:
    """``by_year.2020`` -> ``["by_year", "2020"]``: only the first dot splits (repository names hold dots)."""
    head, _, rest = key.partition(".")
    return [head, rest] if rest else [head]


def format_value(value: Any) -> str:
    """A stat's value as prose shows it: ``1,234``, ``12.5``, ``true``, ``unknown`` for a missing one."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return str(value)

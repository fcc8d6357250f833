"""Stat keys: ``by_year.2020`` looked up in the stats JSON, and the value written for people.

The keys are those of ``Stats.to_dict`` (the JSON of ``retroblog stats --json``): a top-level name,
or a table and one of its entries joined by a dot. ``DEFAULT_STATS`` and ``LABELS`` are the rows and
headings of a ``stats`` block's table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retroblog.errors import ConfigError
from retroblog.util.words import Words, count, rounded

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
    "time_to_merge.median": "Median time to merge",
    "time_to_merge.p90": "Time to merge, 90th percentile",
    "time_to_merge.business_median": "Median time to merge (business days)",
    "time_to_merge.business_p90": "Time to merge, 90th percentile (business days)",
    "time_to_merge.prs": "PRs with a known time to merge",
}
"""Headings of the figures in a ``stats`` table; a key without one is shown as it is written."""

PRIVATE_TABLES = ("by_repo", "repos", "filters")
"""Keys that start so name repositories or labels (``filters.repo`` echoes a block's own ``repo``
option): a private dataset never publishes them."""


def label(key: str) -> str:
    """The heading of a stat in a ``stats`` table."""
    return LABELS.get(key) or key


def lookup(data: Mapping[str, Any], key: str) -> Any:
    """``by_year.2020`` in the stats JSON; names the valid keys when the path does not exist.

    A busiest period (``{"period": ..., "prs": ...}``) and the longest streak come back as their
    mapping, which ``stat_text`` writes as one figure; any other table is an error.
    """
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
    if isinstance(value, Mapping) and ("period" in value or "weeks" in value):
        return value
    if isinstance(value, Mapping | list):
        raise ConfigError(f"stat {key!r} is a table, not a number; name one entry such as {key}.<name>")
    return value


def _split_key(key: str) -> list[str]:
    """``by_year.2020`` -> ``["by_year", "2020"]``: only the first dot splits (repository names hold dots)."""
    head, _, rest = key.partition(".")
    return [head, rest] if rest else [head]


FORMATS = ("words", "raw")
"""Values of a stat's ``format`` option: ``words`` for people (the default), ``raw`` as the JSON has it."""
DATES = frozenset(
    {"first_merged", "last_merged", "filters.from", "filters.to", "busiest_month.period", "busiest_quarter.period"}
)
"""Keys whose value is a date, month or quarter (written in words)."""
TOTALS = {
    "additions": ("line inserted", "lines inserted"),
    "deletions": ("line deleted", "lines deleted"),
    "lines_changed": ("line changed", "lines changed"),
    "comments": ("comment", "comments"),
    "review_comments": ("review comment", "review comments"),
}
"""Sums of a count that PRs may have unknown, and their noun (singular, plural) for a partly known total."""
DURATIONS = frozenset(
    {"time_to_merge.median", "time_to_merge.p90", "time_to_merge.business_median", "time_to_merge.business_p90"}
)
"""Keys whose value is a duration in hours (written ``3.5 days``, ``5 hours``), based on the PRs whose
``created_at`` is known (``time_to_merge.prs`` of them, ``time_to_merge.unknown`` without)."""


def stat_text(data: Mapping[str, Any], key: str, words: Words | None = None) -> str:
    """The stat ``key`` of the stats JSON ``data`` as a page writes it: in ``words`` (``April 2016 (9 PRs)``,
    ``37``, ``412 comments on 80 of 120 PRs``), or raw without them (``2016-04 (9 PRs)``, ``36.5``, ``412``).
    An unknown value is ``unknown`` either way."""
    value = lookup(data, key)
    if words is None:
        return format_value(value)
    if value is None:
        return "unknown"
    if isinstance(value, Mapping) and "period" in value:
        return f"{words.period(str(value['period']))} ({_prs(value['prs'], words)})"
    if isinstance(value, Mapping):
        return count(value["weeks"], "week")
    if key in DATES and isinstance(value, str):
        return words.period(value)
    if key in TOTALS:
        return total_text(value, data["unknown"][key], data["total_prs"], key, words)
    if key in DURATIONS and isinstance(value, int | float):
        times = data["time_to_merge"]
        based = f" (based on {words.number(times['prs'])} of {_prs(times['prs'] + times['unknown'], words)})"
        return duration(value, words) + (based if times["unknown"] else "")
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return words.number(value)
    return str(value)


def total_text(value: int | None, unknown: int, prs: int, metric: str, words: Words, *, noun: bool = True) -> str:
    """A sum over ``prs`` PRs, ``unknown`` of which have the count unknown: ``1,234``, ``unknown`` (every
    one), or partly known ``412 comments on 80 of 120 PRs`` (``noun=False``: ``412 on 80 of 120 PRs``)."""
    if value is None:
        return "unknown"
    if not unknown:
        return words.number(value)
    singular, plural = TOTALS[metric]
    figure = f"{words.number(value)} {singular if value == 1 else plural}" if noun else words.number(value)
    return f"{figure} on {words.number(prs - unknown)} of {_prs(prs, words)}"


def duration(hours: float, words: Words | None = None) -> str:
    """A duration of ``hours`` for people: ``45 minutes`` under an hour, ``5 hours`` or ``1.5 hours`` under
    two days, then ``3.5 days`` (figures with ``rounded``'s precision, in ``words``' separators)."""
    words = words or Words()
    if hours < 1:
        minutes = rounded(hours * 60)
        return f"{words.number(minutes)} {'minute' if minutes == 1 else 'minutes'}"
    if hours < 48:
        value = rounded(hours)
        return f"{words.number(value)} {'hour' if value == 1 else 'hours'}"
    days = rounded(hours / 24)
    return f"{words.number(days)} {'day' if days == 1 else 'days'}"


def _prs(n: int, words: Words) -> str:
    return f"{words.number(n)} {'PR' if n == 1 else 'PRs'}"


def format_value(value: Any) -> str:
    """A stat's raw value: ``1234``, ``36.5``, ``true``, ``2016-04 (9 PRs)``, ``unknown`` for a missing one."""
    if value is None:
        return "unknown"
    if isinstance(value, Mapping) and "period" in value:
        return f"{value['period']} ({value['prs']} {'PR' if value['prs'] == 1 else 'PRs'})"
    if isinstance(value, Mapping):
        return count(value["weeks"], "week")
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)

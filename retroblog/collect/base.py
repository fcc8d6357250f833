"""What every collector shares: the row it produces, its errors, date windows and progress reports.

A collector turns a source (a git repository, an API) into rows of the canonical format
(``retroblog.data.schema.FIELDS``) plus a few extra columns (``EXTRA_COLUMNS``). Unknown counts are None,
never 0. Collectors never print: they report through a ``Progress`` object the caller passes in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from retroblog.data.schema import FIELDS
from retroblog.errors import CollectError

Row = dict[str, Any]
"""One collected PR: canonical field names and extra columns to values (None = unknown)."""

EXTRA_COLUMNS: tuple[str, ...] = (
    "source",
    "host",
    "author",
    "merge_method",
    "merge_commit",
    "binary_files",
    "excluded_lines",
    "reviews",
    "review_threads",
    "note",
)
"""Columns collectors write after the canonical ones."""

COLUMNS: tuple[str, ...] = (*(f.name for f in FIELDS), *EXTRA_COLUMNS)
"""Every column a collector writes, in order."""


class Progress(Protocol):
    """Where collectors report how far they are; the CLI shows it as a progress bar with ETA."""

    def total(self, total: int | None) -> None:
        """How many units (PRs, commits) the whole run has, when known."""

    def advance(self, count: int = 1) -> None:
        """``count`` more units are done."""

    def waiting(self, seconds: float, reason: str) -> None:
        """The collector sleeps ``seconds`` (rate limit, server error) before it goes on."""


class NullProgress:
    """A ``Progress`` that reports nothing."""

    def total(self, total: int | None) -> None:
        return None

    def advance(self, count: int = 1) -> None:
        return None

    def waiting(self, seconds: float, reason: str) -> None:
        return None


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive calendar dates to keep PRs of (by merge date); None = open."""

    since: dt.date | None = None
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise CollectError(
                f"--since {self.since.isoformat()} is after --until {self.until.isoformat()}; nothing to collect"
            )

    def contains(self, moment: dt.datetime) -> bool:
        """Whether a merge time falls in the range, comparing its date in its own timezone."""
        day = moment.date()
        return not ((self.since and day < self.since) or (self.until and day > self.until))


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str | None, option: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` option value as a date; a ``CollectError`` naming the option otherwise."""
    if text is None or text == "":
        return None
    try:
        if not _DATE.match(text.strip()):
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CollectError(f"{option} {text!r} is not a date; expected YYYY-MM-DD such as 2021-03-04") from None


def parse_timestamp(value: Any, where: str) -> dt.datetime | None:
    """An API timestamp (``2021-03-04T10:00:00Z``, 7 fractional digits ...) as an aware datetime."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CollectError(f"{where}: expected a timestamp text, found {value!r}")
    text = value.strip()
    match = re.match(r"^(.*T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$", text)
    if match:  # Azure DevOps writes 7 fractional digits; keep microseconds
        text = f"{match[1]}.{match[2][:6].ljust(6, '0')}{match[3]}"
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CollectError(f"{where}: {value!r} is not a timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset kept (``2021-03-04T10:00:00+02:00``); UTC as ``Z``."""
    if moment is None:
        return None
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def count(value: Any) -> int | None:
    """A count from an API value: ints stay, anything else (missing, null, text) is unknown."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def total_count(node: Mapping[str, Any] | None, key: str) -> int | None:
    """``node[key].totalCount`` of a GraphQL connection, or None."""
    if not isinstance(node, Mapping):
        return None
    inner = node.get(key)
    return count(inner.get("totalCount")) if isinstance(inner, Mapping) else None


def lines_changed(row: Row) -> int | None:
    """additions + deletions when both are known."""
    adds, dels = row.get("additions"), row.get("deletions")
    return adds + dels if isinstance(adds, int) and isinstance(dels, int) else None


def new_row(**values: Any) -> Row:
    """A row with every column, None where not given; ``lines_changed`` derived."""
    unknown = set(values) - set(COLUMNS)
    if unknown:  # pragma: no cover - programming error
        raise ValueError(f"unknown columns {sorted(unknown)}")
    row: Row = dict.fromkeys(COLUMNS)
    row.update(values)
    if row["lines_changed"] is None:
        row["lines_changed"] = lines_changed(row)
    return row

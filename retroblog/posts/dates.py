"""Post dates in the shapes other blog engines write them, read into ``date`` or aware ``datetime``.

mkdocs-material accepts only what YAML itself types as a date (sources-and-formats.md §7), so every
other shape (Jekyll's ``2015-11-17 16:16:01 -0600`` and ``August 06, 2022``, Hashnode's JavaScript
``Tue Sep 06 2022 17:53:48 GMT+0000 (Coordinated Universal Time)``, RFC 2822, quoted ISO) is read
here. Nothing is guessed: a day-first or month-first number-only date is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from retroblog.errors import PostError

PostDate = dt.date | dt.datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO_LOOSE = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T ]+(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_JS = re.compile(
    r"^(?:[A-Za-z]{3}\s+)?(?P<month>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+(?P<year>\d{4})\s+"
    r"(?P<time>\d{1,2}:\d{2}:\d{2})\s+GMT(?P<tz>[+-]\d{4})(?:\s*\(.*\))?$"
)
_MONTH_FIRST = re.compile(r"^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})$")
_DAY_FIRST = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})$")
_SLASHES = re.compile(r"^(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})$")

EXPECTED = "write it as 2022-08-06, 2022-08-06 10:00:00 or 2022-08-06T10:00:00+02:00"


def parse_date(value: Any, *, path: str, line: int | None, key: str = "date") -> PostDate:
    """``value`` as a ``date`` or ``datetime`` (aware when the source gave an offset).

    Raises ``PostError`` naming ``path``, ``line`` and ``key`` when ``value`` is not a date.
    """
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        parsed = _parse_text(value.strip())
        if parsed is not None:
            return parsed
    shown = repr(value) if not isinstance(value, str) else f"'{value}'"
    raise PostError(path, line, f"'{key}': cannot read {shown} as a date; {EXPECTED}")


def _parse_text(text: str) -> PostDate | None:
    try:
        return _parse_known(text)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


def _parse_known(text: str) -> PostDate | None:
    if match := _ISO_LOOSE.match(text):
        day = dt.date.fromisoformat(_zero_pad(match["date"]))
        if match["time"] is None:
            return day if match["tz"] is None else dt.datetime.combine(day, dt.time(), _zone(match["tz"]))
        clock = _clock(match["time"])
        return dt.datetime.combine(day, clock, _zone(match["tz"]) if match["tz"] else None)
    if match := _JS.match(text):
        month = _MONTHS.get(match["month"].lower())
        if month is None:
            return None
        clock = _clock(match["time"])
        day = dt.date(int(match["year"]), month, int(match["day"]))
        return dt.datetime.combine(day, clock, _zone(match["tz"]))
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        if match := pattern.match(text):
            month = _MONTHS.get(match["month"].lower())
            return None if month is None else dt.date(int(match["year"]), month, int(match["day"]))
    if match := _SLASHES.match(text):
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    if "," in text and re.search(r"\d{1,2}:\d{2}", text):
        return parsedate_to_datetime(text)
    return None


def _clock(text: str) -> dt.time:
    hour, rest = text.split(":", 1)
    return dt.time.fromisoformat(f"{int(hour):02d}:{rest}")


def _zero_pad(day: str) -> str:
    year, month, date = day.split("-")
    return f"{year}-{int(month):02d}-{int(date):02d}"


def _zone(text: str) -> dt.tzinfo:
    if text.upper() in ("Z", "UTC", "GMT"):
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if offset >= dt.timedelta(hours=24):
        raise ValueError("offset out of range")
    return dt.timezone(sign * offset)


def file_name_date(name: str) -> tuple[dt.date, str] | None:
    """The date and the rest of a Jekyll-style name ``2022-08-06-slug.md`` (or ``2022-04-01_Title``)."""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})[-_](.+?)(?:\.[A-Za-z0-9]+)?$", name)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), match[4]
    except ValueError:
        return None


def is_yaml_date(value: Any) -> bool:
    """Whether mkdocs-material's ``PostDate`` accepts ``value`` as it is."""
    if isinstance(value, dt.date):
        return True
    if isinstance(value, dict):
        return "created" in value and all(isinstance(v, dt.date) for v in value.values())
    return False


@dataclass
class Fallback:
    """The date of a post that carries none of its own (no date key, no date line, no file-name date).

    In order of trust: ``--date`` (``given``), the date of the file's first commit when it lies in a git
    repository (a guess, reported as one), else a placeholder (the file's modification date): the post
    is then imported as a draft, and the report says its date must be set. Nothing is refused for want
    of a date.
    """

    date: PostDate
    source: str
    """Where the date comes from, in words: ``--date``, ``its first commit in git``, ..."""
    given: bool = False
    """``--date``: chosen by the user (a plain-text post prefers it to its file name's date)."""
    placeholder: bool = False
    used: bool = False
    """Whether a converter took it (the importer then makes a placeholder-dated post a draft)."""

    def take(self, report: Any, missing: str) -> PostDate:
        """The date, reported: ``missing`` says what the post lacks ("no 'date' in the front matter")."""
        self.used = True
        report.add("mapped", f"{missing}; {self.source} → date.created: {self.date.isoformat()}")
        if self.placeholder:
            report.add(
                "problem",
                f"no date anywhere: imported as a draft (draft: true) dated {self.date.isoformat()}, a "
                "placeholder; set its real date (or pass --date) and remove draft",
            )
        return self.date


def missing_date(fallback: Fallback | None, report: Any, missing: str, error: PostError) -> PostDate:
    """The date of a post that has none of its own: ``fallback``'s, reported with ``missing`` (what the
    post lacks); without a fallback (a converter called on its own), ``error`` is raised."""
    if fallback is None:
        raise error
    return fallback.take(report, missing)

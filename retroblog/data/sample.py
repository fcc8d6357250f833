"""Invented, seeded PR datasets: the example site's ``data/example.csv`` and a new site's ``data/prs.csv``.

One generator, ``rows``; a ``Sample`` says what differs between datasets (the months and how many PRs
each, the sizes, the repositories, the timezone, the words of the titles, the seed). The figures a
``Sample`` fixes are exact: so many PRs in each month, so many in each size range. The same ``Sample``
always gives the same rows, and ``to_csv`` the same bytes. The columns are the schema's canonical
names (``retroblog.data.schema.FIELDS``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from retroblog.data.schema import FIELD_BY_NAME

Range = tuple[int, int]
"""Additions from ``low`` to ``high``, both included."""

GIANT_ADDITIONS: Range = (2100, 4800)
GIANTS_FROM_DAY = 25
"""Giants are merged in the last month's last week: from this day on, no other PR is."""


@dataclass(frozen=True, slots=True)
class Sample:
    """What an invented dataset holds. Every field is exact: the rows have these figures."""

    seed: int
    first_month: tuple[int, int]
    """The year and month of ``monthly[0]``."""
    monthly: tuple[int, ...]
    """PRs merged per month (giants included), from ``first_month`` on."""
    sizes: Mapping[Range, int]
    """How many PRs add a number of lines in each range (giants not included)."""
    repos: Mapping[str, int]
    """Repositories (``owner/name``) and their weights: how often a PR is merged in each."""
    url: str
    """A PR's address, from ``{repo}`` and ``{number}``."""
    timezone: str
    verbs: Sequence[str]
    things: Sequence[str]
    """A PR's title is a verb and a thing: ``Fix invoice export``."""
    labels: Sequence[str]
    max_labels: int = 2
    giants: int = 0
    """PRs above 2,000 additions, merged in the last week of the last month."""

    def __post_init__(self) -> None:
        if sum(self.monthly) != sum(self.sizes.values()) + self.giants:
            raise ValueError(
                f"sample: {sum(self.monthly)} PRs by month but {sum(self.sizes.values()) + self.giants} by size"
            )


def rows(sample: Sample) -> list[dict[str, str | int]]:
    """The sample's merged PRs, oldest first, one dict of canonical fields each."""
    rng = random.Random(sample.seed)
    tz = ZoneInfo(sample.timezone)
    months = _months(sample)
    last = months[-1]
    dates: list[dt.datetime] = []
    for (year, month), count in zip(months, sample.monthly, strict=True):
        if (year, month) == last:
            count -= sample.giants
        days = _workdays(year, month, giants=False, reserve=(year, month) == last and sample.giants > 0)
        dates += [_at(rng, rng.choice(days), tz) for _ in range(count)]
    last_week = _workdays(*last, giants=True, reserve=True) if sample.giants else []
    giants = [_at(rng, day, tz) for day in rng.sample(last_week, sample.giants)]
    sizes: list[int] = []
    for (low, high), count in sample.sizes.items():
        sizes += [rng.randint(low, high) for _ in range(count)]
    rng.shuffle(sizes)
    merged = list(zip(sorted(dates), sizes, strict=True))
    merged += [(when, rng.randint(*GIANT_ADDITIONS)) for when in giants]
    merged.sort()
    numbers = {repo: rng.randint(40, 400) for repo in sample.repos}
    repos, weights = list(sample.repos), list(sample.repos.values())
    out: list[dict[str, str | int]] = []
    for when, additions in merged:
        repo = rng.choices(repos, weights)[0]
        numbers[repo] += rng.randint(1, 9)
        number = numbers[repo]
        deletions = int(additions * rng.uniform(0.05, 0.8)) if additions else rng.randint(1, 40)
        created = when - dt.timedelta(hours=rng.randint(2, 24 * 9))
        labels = sorted(rng.sample(list(sample.labels), rng.randint(0, sample.max_labels)))
        out.append(
            {
                "merged_at": when.isoformat(),
                "created_at": created.isoformat(),
                "repo": repo,
                "number": number,
                "title": f"{rng.choice(sample.verbs)} {rng.choice(sample.things)}",
                "url": sample.url.format(repo=repo, number=number),
                "additions": additions,
                "deletions": deletions,
                "changed_files": max(1, additions // rng.randint(20, 120)),
                "commits": rng.randint(1, 12),
                "comments": rng.randint(0, 9),
                "review_comments": rng.randint(0, 14),
                "labels": ", ".join(labels),
            }
        )
    return out


def to_csv(records: Sequence[Mapping[str, str | int]]) -> str:
    """``records`` as CSV (``\\n`` line ends), the columns in the records' order; every column must be a
    canonical field of the schema."""
    columns = list(records[0]) if records else []
    unknown = [name for name in columns if name not in FIELD_BY_NAME]
    if unknown:
        raise ValueError(f"sample: {unknown} are not fields of the schema")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def _months(sample: Sample) -> list[tuple[int, int]]:
    year, month = sample.first_month
    start = year * 12 + month - 1
    return [((start + i) // 12, (start + i) % 12 + 1) for i in range(len(sample.monthly))]


def _workdays(year: int, month: int, *, giants: bool, reserve: bool) -> list[dt.date]:
    """Monday to Friday of the month; with ``reserve``, those of the giants' last week (``giants``) or
    the others."""
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        in_last_week = reserve and day.day >= GIANTS_FROM_DAY
        if day.weekday() < 5 and in_last_week == giants:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _at(rng: random.Random, day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 18), rng.randint(0, 59), tzinfo=tz)

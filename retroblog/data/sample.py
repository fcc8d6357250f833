"""Invented, seeded PR datasets: the example site's ``data/example.csv``, its gallery's ``data/gallery/*.csv``
(``GALLERY``) and a new site's ``data/prs.csv``.

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
    repo_counts: bool = False
    """``repos`` holds exact counts, not weights: so many PRs in each repository, in a shuffled order."""
    unknown: tuple[str, ...] = ()
    """Count fields the source does not have (git history has no comments): their cells are empty, as
    ``retroblog collect git`` writes them."""

    def __post_init__(self) -> None:
        if sum(self.monthly) != sum(self.sizes.values()) + self.giants:
            raise ValueError(
                f"sample: {sum(self.monthly)} PRs by month but {sum(self.sizes.values()) + self.giants} by size"
            )
        if self.repo_counts and sum(self.repos.values()) != sum(self.monthly):
            raise ValueError(f"sample: {sum(self.monthly)} PRs by month but {sum(self.repos.values())} by repository")
        wrong = [name for name in self.unknown if name not in FIELD_BY_NAME or FIELD_BY_NAME[name].kind != "count"]
        if wrong:
            raise ValueError(f"sample: unknown={wrong}: only count fields of the schema can be unknown")


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
    counted = [repo for repo, times in sample.repos.items() for _ in range(times)] if sample.repo_counts else []
    rng.shuffle(counted)  # (an empty list draws nothing: a weighted sample keeps its bytes)
    out: list[dict[str, str | int]] = []
    for index, (when, additions) in enumerate(merged):
        repo = counted[index] if counted else rng.choices(repos, weights)[0]
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
        out[-1].update(dict.fromkeys(sample.unknown, ""))  # drawn all the same: the other cells stay put
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


def _gallery_sample(
    seed: int,
    first_month: tuple[int, int],
    monthly: Sequence[int],
    sizes: Mapping[Range, int],
    repos: Mapping[str, int] | None = None,
    unknown: tuple[str, ...] = (),
    *,
    repo_counts: bool = False,
) -> Sample:
    """A gallery shape: the example site's kind of PRs (titles, labels, addresses) in other numbers, in UTC."""
    return Sample(
        seed=seed,
        first_month=first_month,
        monthly=tuple(monthly),
        sizes=sizes,
        repos=repos or {"acme/storefront": 3, "acme/payments": 2, "acme/infra": 1},
        url="https://git.acme.example/{repo}/pull/{number}",
        timezone="UTC",
        labels=("feature", "bug", "refactor", "docs"),
        verbs=("Add", "Fix", "Refactor", "Remove", "Speed up", "Document", "Migrate"),
        things=("checkout form", "tax rules", "search filters", "retry policy", "audit log", "image cache"),
        unknown=unknown,
        repo_counts=repo_counts,
    )


def _spread(per_year: Mapping[int, int]) -> tuple[tuple[int, int], tuple[int, ...]]:
    """Monthly counts from January of the first year to December of the last: each year's PRs in a few
    of its months, picked by a fixed rule; a year of 0 is left empty."""
    first, last = min(per_year), max(per_year)
    monthly = [0] * ((last - first + 1) * 12)
    for year, count in per_year.items():
        for k in range(count):
            month = (year * 7 + (k % 4) * 3 + k // 8) % 12  # at most 4 months, more PRs in each when busy
            monthly[(year - first) * 12 + month] += 1
    return (first, 1), tuple(monthly)


SPARSE_YEARS = {
    **{2009: 3, 2010: 9, 2011: 0, 2012: 0, 2013: 2, 2014: 12, 2015: 1, 2016: 0},
    **{2017: 6, 2018: 15, 2019: 0, 2020: 4, 2021: 8, 2022: 1, 2023: 5},
}
"""PRs per year of the ``sparse-years`` shape: 15 years, four of them empty."""

_REPO_NAMES = (
    *("api", "web", "mobile-app", "billing", "search", "auth-service", "notifications"),
    *("data-pipeline", "design-system", "docs", "terraform-modules", "helm-charts", "cli"),
    *("analytics-dashboard", "feature-flags", "image-resizer", "rate-limiter", "sdk-python"),
    *("sdk-javascript", "status-page"),
)
MANY_REPOS = {
    f"{owner}/{name}": max(1, 36 // rank)
    for rank, (owner, name) in enumerate(
        ((owner, name) for owner in ("acme", "globex-corporation", "initech") for name in _REPO_NAMES), start=1
    )
}
"""PRs in each of the 60 repositories of the ``many-repos`` shape (three owners, twenty names): 36 in the
busiest, one in each of the last 42."""

_SPARSE_START, _SPARSE_MONTHLY = _spread(SPARSE_YEARS)

OUTLIER_LINES = 30_000
"""Lines inserted by the ``outlier`` shape's one huge PR; the others insert fewer than 400."""

GALLERY: dict[str, Sample] = {
    "one-pr": _gallery_sample(1, (2021, 3), (1,), {(10, 99): 1}, {"acme/storefront": 1}),
    "one-month": _gallery_sample(2, (2023, 9), (14,), {(0, 9): 5, (10, 99): 6, (100, 499): 3}),
    "partial-years": _gallery_sample(
        3,
        (2019, 11),
        (*(4, 6), *(5, 7, 9, 8, 6, 4, 3, 5, 8, 9, 7, 4), *(6, 5, 8, 10, 7, 5, 2, 4, 9, 8, 6, 3), *(5, 2)),
        {(0, 9): 48, (10, 99): 72, (100, 499): 38, (500, 999): 7},
    ),
    "sparse-years": _gallery_sample(
        4, _SPARSE_START, _SPARSE_MONTHLY, {(0, 9): 20, (10, 99): 33, (100, 499): 12, (500, 1999): 1}
    ),
    "many-repos": _gallery_sample(
        5,
        (2020, 1),
        (7,) * 20 + (6,) * 4,
        {(0, 9): 50, (10, 99): 74, (100, 499): 34, (500, 999): 6},
        MANY_REPOS,
        repo_counts=True,
    ),
    "outlier": _gallery_sample(
        6, (2022, 1), (3, 5, 4, 6, 5, 4, 2, 3, 5, 6, 4, 3), {(0, 9): 20, (10, 399): 29, (OUTLIER_LINES,) * 2: 1}
    ),
    "unknown-counts": _gallery_sample(
        7,
        (2018, 3),
        (2, 1, 3, 0, 2, 4, 1, 2, 3, 1, 2, 0) * 3 + (3, 2, 1, 4, 2, 0, 1, 2),
        {(0, 9): 28, (10, 99): 33, (100, 499): 15, (500, 1999): 2},
        unknown=("comments", "review_comments"),
    ),
}
"""The gallery's dataset shapes (``docs/gallery.md``, ``data/gallery/NAME.csv``), by name: the shapes
real careers have, which the example dataset (three busy years, every count known) does not."""


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

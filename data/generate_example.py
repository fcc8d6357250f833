"""Generate ``data/example.csv``: the PRs of Sam Okafor, a fictional engineer at Northwind Systems.

Seeded and exact: the published figures are fixed here and checked by ``tests/test_example_site.py``
through ``retroblog stats --json``:

- 310 PRs merged between June 2019 and May 2022 (timezone Europe/Berlin);
- per year 2019: 29, 2020: 129, 2021: 120, 2022: 32; the busiest months are March to May;
- size buckets by additions: <10: 93, 10-100: 122, 100-500: 71, 500-1000: 11, >1000: 13;
- three PRs above 2,000 additions, all in the last week of May 2022.

Run ``make example-data`` (or ``python data/generate_example.py``) to write the file again; the same
seed always writes the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 20220531
TZ = ZoneInfo("Europe/Berlin")
OUT = Path(__file__).with_name("example.csv")

MONTHS: dict[int, list[int]] = {
    2019: [0, 0, 0, 0, 0, 3, 4, 3, 5, 5, 5, 4],
    2020: [8, 9, 17, 19, 18, 10, 8, 7, 9, 9, 8, 7],
    2021: [7, 8, 16, 17, 16, 9, 7, 6, 9, 9, 8, 8],
    2022: [4, 5, 7, 8, 8, 0, 0, 0, 0, 0, 0, 0],
}
BUCKETS: dict[tuple[int, int], int] = {
    (0, 9): 93,
    (10, 99): 122,
    (100, 499): 71,
    (500, 999): 11,
    (1000, 1999): 10,  # plus the three giants below: 13 above 1,000
}
GIANTS = 3
REPOS = {
    "ledger-api": 5,
    "ledger-web": 3,
    "billing-jobs": 2,
    "infra-terraform": 2,
    "design-system": 1,
}
LABELS = ("feature", "bug", "refactor", "infra", "docs", "tests")
VERBS = (
    "Add",
    "Fix",
    "Refactor",
    "Remove",
    "Speed up",
    "Document",
    "Test",
    "Migrate",
    "Tidy",
    "Harden",
)
THINGS = (
    "invoice export",
    "ledger reconciliation",
    "currency rounding",
    "retry policy",
    "audit log",
    "CSV importer",
    "dashboard filters",
    "feature flags",
    "rate limiter",
    "Terraform state locking",
    "date picker",
    "webhook signatures",
    "payout scheduler",
    "search index",
    "error pages",
    "dark mode tokens",
)


def generate(seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    dates: list[dt.datetime] = []
    for year, counts in MONTHS.items():
        for month, count in enumerate(counts, start=1):
            if year == 2022 and month == 5:
                count -= GIANTS
            days = _workdays(year, month, last_week_of_may_2022=False)
            for _ in range(count):
                dates.append(_at(rng, rng.choice(days)))
    giants = [_at(rng, d) for d in rng.sample(_workdays(2022, 5, last_week_of_may_2022=True), GIANTS)]
    sizes: list[int] = []
    for (low, high), count in BUCKETS.items():
        sizes += [rng.randint(low, high) for _ in range(count)]
    rng.shuffle(sizes)
    rows = [(when, size) for when, size in zip(sorted(dates), sizes, strict=True)]
    rows += [(when, rng.randint(2100, 4800)) for when in giants]
    rows.sort()
    numbers = {repo: rng.randint(40, 400) for repo in REPOS}
    repos = list(REPOS)
    weights = list(REPOS.values())
    out = []
    for when, additions in rows:
        repo = rng.choices(repos, weights)[0]
        numbers[repo] += rng.randint(1, 9)
        number = numbers[repo]
        deletions = int(additions * rng.uniform(0.05, 0.8)) if additions else rng.randint(1, 40)
        created = when - dt.timedelta(hours=rng.randint(2, 24 * 9))
        labels = sorted(rng.sample(LABELS, rng.randint(0, 2)))
        out.append(
            {
                "merged_at": when.isoformat(),
                "created_at": created.isoformat(),
                "repo": f"northwind/{repo}",
                "number": number,
                "title": f"{rng.choice(VERBS)} {rng.choice(THINGS)}",
                "url": f"https://git.northwind.example/northwind/{repo}/pull/{number}",
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


def _workdays(year: int, month: int, *, last_week_of_may_2022: bool) -> list[dt.date]:
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        in_last_week = year == 2022 and month == 5 and day.day >= 25
        if day.weekday() < 5 and in_last_week == last_week_of_may_2022:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 18), rng.randint(0, 59), tzinfo=TZ)


def render(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> int:
    text = render(generate())
    OUT.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {OUT} ({text.count(chr(10)) - 1} PRs)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate ``data/reviews.csv``: the PRs Sam Okafor (``data/example.csv``) reviewed at Northwind Systems.

A reviews dataset (``retroblog collect github --reviews`` writes one; ``kind: reviews`` in mkdocs.yml):
seeded, so the same bytes every run. Reviews follow the merges of the team: few in Sam's first months,
more after the 2020 promotion to the ledger team's reviewer rota. ``python data/generate_reviews.py``
writes it again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

OUT = Path(__file__).with_name("reviews.csv")
REPOS = {
    "northwind/ledger-api": 6,
    "northwind/ledger-web": 3,
    "northwind/billing-jobs": 2,
    "northwind/infra-terraform": 1,
    "northwind/design-system": 1,
}
MONTHLY = (
    *(0, 1, 1, 2, 2, 3, 2),  # 2019, from June
    *(3, 4, 6, 7, 8, 6, 5, 4, 7, 8, 8, 6),  # 2020
    *(8, 9, 12, 11, 10, 8, 6, 5, 9, 10, 9, 7),  # 2021
    *(6, 7, 9, 8, 7),  # 2022, to May
)
AUTHORS = ("amara", "jonas", "li-wei", "priya", "tomas", "ines")
TOPICS = ("ledger export", "invoice totals", "retry policy", "audit log", "theme tokens", "cron schedule")


def rows() -> list[dict[str, object]]:
    rng = random.Random(20220601)
    out: list[dict[str, object]] = []
    numbers = dict.fromkeys(REPOS, 400)
    year, month = 2019, 6
    for reviewed in MONTHLY:
        for _ in range(reviewed):
            repo = rng.choices(list(REPOS), weights=list(REPOS.values()))[0]
            numbers[repo] += rng.randint(1, 6)
            day = rng.randint(1, 28)
            moment = dt.datetime(year, month, day, rng.randint(8, 18), rng.choice((0, 15, 30, 45)))
            out.append(
                {
                    "reviewed_at": moment.strftime("%Y-%m-%dT%H:%M:00+00:00"),
                    "repo": repo,
                    "number": numbers[repo],
                    "url": f"https://git.northwind.example/{repo}/pull/{numbers[repo]}",
                    "title": f"{rng.choice(('Fix', 'Add', 'Speed up', 'Tidy'))} {rng.choice(TOPICS)}",
                    "reviews": rng.choice((1, 1, 1, 2, 2, 3)),
                    "comments": rng.choice((0, 0, 1, 2, 3, 5, 8)),
                    "source": "github-enterprise",
                    "host": "git.northwind.example",
                    "author": rng.choice(AUTHORS),
                }
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(out, key=lambda r: str(r["reviewed_at"]))


def main() -> None:
    buffer = io.StringIO()
    data = rows()
    writer = csv.DictWriter(buffer, fieldnames=list(data[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    OUT.write_text(buffer.getvalue(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT} ({len(data)} reviewed PRs)\n")


if __name__ == "__main__":
    main()

"""Generate ``data/example.csv``: the PRs of Sam Okafor, a fictional engineer at Northwind Systems.

Seeded and exact (``retroblog.data.sample``): the published figures are fixed here and checked by
``tests/test_example_site.py`` through ``retroblog stats --json``:

- 310 PRs merged between June 2019 and May 2022 (timezone Europe/Berlin);
- per year 2019: 29, 2020: 129, 2021: 120, 2022: 32; the busiest months are March to May;
- size buckets by additions: <10: 93, 10-100: 122, 100-500: 71, 500-1000: 11, >1000: 13;
- three PRs above 2,000 additions, all in the last week of May 2022.

It also writes the gallery's datasets (``docs/gallery.md``): ``data/gallery/NAME.csv`` for each shape of
``retroblog.data.sample.GALLERY`` (one PR, one month, 15 sparse years, 60 repositories ...).

Run ``make example-data`` (or ``python data/generate_example.py``) to write the files again; the same
seed always writes the same bytes.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from retroblog.data.sample import GALLERY, Sample, rows, to_csv
from retroblog.util.words import count

OUT = Path(__file__).with_name("example.csv")
GALLERY_DIR = Path(__file__).with_name("gallery")

EXAMPLE = Sample(
    seed=20220531,
    first_month=(2019, 6),
    monthly=(
        *(3, 4, 3, 5, 5, 5, 4),  # 2019, from June
        *(8, 9, 17, 19, 18, 10, 8, 7, 9, 9, 8, 7),  # 2020
        *(7, 8, 16, 17, 16, 9, 7, 6, 9, 9, 8, 8),  # 2021
        *(4, 5, 7, 8, 8),  # 2022, to May
    ),
    sizes={
        (0, 9): 93,
        (10, 99): 122,
        (100, 499): 71,
        (500, 999): 11,
        (1000, 1999): 10,  # plus the three giants: 13 above 1,000
    },
    giants=3,
    repos={
        "northwind/ledger-api": 5,
        "northwind/ledger-web": 3,
        "northwind/billing-jobs": 2,
        "northwind/infra-terraform": 2,
        "northwind/design-system": 1,
    },
    url="https://git.northwind.example/{repo}/pull/{number}",
    timezone="Europe/Berlin",
    labels=("feature", "bug", "refactor", "infra", "docs", "tests"),
    verbs=("Add", "Fix", "Refactor", "Remove", "Speed up", "Document", "Test", "Migrate", "Tidy", "Harden"),
    things=(
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
    ),
)


def generate(seed: int = EXAMPLE.seed) -> list[dict[str, str | int]]:
    """The example's PRs; another ``seed`` gives other PRs with the same figures."""
    return rows(dataclasses.replace(EXAMPLE, seed=seed))


def render(records: list[dict[str, str | int]]) -> str:
    """``data/example.csv``'s text."""
    return to_csv(records)


def gallery() -> dict[str, str]:
    """The text of each gallery dataset, by file name (``one-pr.csv`` ...)."""
    return {f"{name}.csv": to_csv(rows(sample)) for name, sample in GALLERY.items()}


def main() -> int:
    text = render(generate())
    OUT.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {OUT} ({text.count(chr(10)) - 1} PRs)\n")
    GALLERY_DIR.mkdir(exist_ok=True)
    for name, text in gallery().items():
        (GALLERY_DIR / name).write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {GALLERY_DIR / name} ({count(text.count(chr(10)) - 1, 'PR')})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

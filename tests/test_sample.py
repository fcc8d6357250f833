"""The seeded sample generator (``retroblog.data.sample``): its figures are the ones its ``Sample`` fixes,
its columns the schema's, its bytes the seed's. (``data/example.csv`` is checked in test_example_site.py.)"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from retroblog.data.sample import Sample, rows, to_csv
from retroblog.data.schema import FIELD_BY_NAME

SMALL = Sample(
    seed=7,
    first_month=(2023, 11),
    monthly=(2, 0, 5, 4),  # November 2023 to February 2024
    sizes={(0, 9): 4, (10, 99): 3, (100, 999): 2},
    giants=2,
    repos={"acme/api": 3, "acme/web": 1},
    url="https://git.example.com/{repo}/pull/{number}",
    timezone="Europe/Berlin",
    labels=("bug", "feature", "docs"),
    verbs=("Add", "Fix"),
    things=("login form", "audit log"),
)


def test_rows_have_the_samples_figures():
    records = rows(SMALL)
    by_month = Counter(str(r["merged_at"])[:7] for r in records)
    assert [by_month[m] for m in ("2023-11", "2023-12", "2024-01", "2024-02")] == list(SMALL.monthly)
    for (low, high), count in SMALL.sizes.items():
        assert sum(low <= int(r["additions"]) <= high for r in records) == count, (low, high)
    giants = [r for r in records if int(r["additions"]) > 2000]
    assert len(giants) == 2 and all(str(r["merged_at"])[:10] >= "2024-02-25" for r in giants)
    assert all(str(r["merged_at"]) < "2024-02-25" for r in records if r not in giants)
    assert {r["repo"] for r in records} == set(SMALL.repos)
    assert all(str(r["url"]).endswith(f"{r['repo']}/pull/{r['number']}") for r in records)
    assert all(str(r["merged_at"]).endswith(("+01:00", "+02:00")) for r in records)  # the sample's timezone
    assert [r["merged_at"] for r in records] == sorted(r["merged_at"] for r in records)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others():
    assert to_csv(rows(SMALL)) == to_csv(rows(dataclasses.replace(SMALL)))
    assert to_csv(rows(dataclasses.replace(SMALL, seed=8))) != to_csv(rows(SMALL))


def test_columns_are_canonical_fields():
    header = to_csv(rows(SMALL)).splitlines()[0].split(",")
    assert len(header) == 13 and all(name in FIELD_BY_NAME for name in header)
    with pytest.raises(ValueError, match=r"\['mergedd'\] are not fields of the schema"):
        to_csv([{"merged_at": "2024-01-01", "mergedd": 1}])


def test_a_sample_whose_months_and_sizes_disagree_is_refused():
    with pytest.raises(ValueError, match="11 PRs by month but 10 by size"):
        dataclasses.replace(SMALL, sizes={**SMALL.sizes, (0, 9): 3})

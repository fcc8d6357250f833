"""Statistics on a small dataset whose every figure is computed by hand below."""

from __future__ import annotations

import json

import pytest

from retroblog.data.dataset import load_dataset
from retroblog.errors import ConfigError
from retroblog.stats.compute import bucket_labels, compute
from retroblog.stats.filters import Filters

# merged_at (UTC)        Berlin local            ISO week  add   del  comments repo labels
# 2020-12-31T23:30Z   -> 2021-01-01 Fri 00:30    2020-W53     5    1   2        a    bug
# 2021-01-04T10:00Z   -> Mon                     2021-W01    10    0   0        a
# 2021-01-12T10:00Z   -> Tue                     2021-W02   100   50   (null)   b    feature
# 2021-01-20T10:00Z   -> Wed                     2021-W03  null    3   1        b
# 2021-04-01T10:00Z   -> Thu                     2021-W13  1000   10   4        a    bug, infra
# 2021-04-02T10:00Z   -> Fri                     2021-W13   499    1   0        c
CSV = """merged_at,additions,deletions,comments,review_comments,repo,labels
2020-12-31T23:30:00Z,5,1,2,1,a,bug
2021-01-04T10:00:00Z,10,0,0,,a,
2021-01-12T10:00:00Z,100,50,,2,b,feature
2021-01-20T10:00:00Z,,3,1,0,b,
2021-04-01T10:00:00Z,1000,10,4,3,a,"bug, infra"
2021-04-02T10:00:00Z,499,1,0,0,c,
"""


@pytest.fixture
def dataset(write):
    return load_dataset(write("prs.csv", CSV), name="small", timezone="Europe/Berlin")


def test_totals_ignore_unknowns_and_count_them(dataset):
    stats = compute(dataset)
    assert stats.total_prs == 6
    assert stats.totals == {
        "additions": 1614,
        "deletions": 65,
        "lines_changed": 6 + 10 + 150 + 1010 + 500,
        "comments": 7,
        "review_comments": 6,
    }
    assert stats.unknown == {
        "additions": 1,
        "deletions": 0,
        "lines_changed": 1,
        "comments": 1,
        "review_comments": 1,
    }
    assert (stats.first_merged, stats.last_merged) == ("2021-01-01", "2021-04-02")


def test_periods_are_in_the_dataset_timezone(dataset, write):
    stats = compute(dataset)
    assert stats.counts("year") == {"2021": 6}
    assert stats.counts("quarter") == {"2021-Q1": 4, "2021-Q2": 2}
    assert stats.counts("month") == {"2021-01": 4, "2021-02": 0, "2021-03": 0, "2021-04": 2}
    weeks = stats.counts("week")
    assert list(weeks)[:4] == ["2020-W53", "2021-W01", "2021-W02", "2021-W03"]
    assert weeks["2020-W53"] == 1 and weeks["2021-W13"] == 2 and weeks["2021-W04"] == 0
    assert len(weeks) == 1 + 13
    assert stats.counts("weekday") == {
        "Mon": 1,
        "Tue": 1,
        "Wed": 1,
        "Thu": 1,
        "Fri": 2,
        "Sat": 0,
        "Sun": 0,
    }
    utc = compute(load_dataset(write("utc.csv", CSV), timezone="UTC"))
    assert utc.counts("year") == {"2020": 1, "2021": 5}


def test_period_metrics(dataset):
    january = compute(dataset).periods["month"][0]
    assert january == {
        "period": "2021-01",
        "prs": 4,
        "additions": 115,
        "deletions": 54,
        "lines_changed": 6 + 10 + 150,
        "comments": 3,
        "review_comments": 3,
    }


def test_size_buckets_lower_edge_inclusive(dataset):
    stats = compute(dataset)
    assert stats.size_buckets == {"<10": 1, "10-100": 1, "100-500": 2, "500-1000": 0, ">1000": 1}
    assert compute(dataset, edges=[100]).size_buckets == {"<100": 2, ">100": 3}


def test_bucket_labels_and_bad_edges():
    assert bucket_labels([10, 100, 500, 1000]) == ["<10", "10-100", "100-500", "500-1000", ">1000"]
    with pytest.raises(ConfigError, match="edges must increase"):
        bucket_labels([10, 10])
    with pytest.raises(ConfigError, match="whole numbers"):
        bucket_labels(["a"])  # type: ignore[list-item]


def test_percentiles_busiest_streak_repos(dataset):
    stats = compute(dataset)
    assert stats.size == {
        "p25": 10,
        "median": 100,
        "p75": 499,
        "p90": 799.6,
        "p95": 899.8,
        "p99": 979.96,
        "mean": 322.8,
        "max": 1000,
    }
    assert stats.busiest == {
        "month": {"period": "2021-01", "prs": 4},
        "quarter": {"period": "2021-Q1", "prs": 4},
    }
    assert stats.longest_streak == {"weeks": 4, "start": "2020-W53", "end": "2021-W03"}
    assert [(r["repo"], r["prs"]) for r in stats.by_repo] == [("a", 3), ("b", 2), ("c", 1)]


@pytest.mark.parametrize(
    ("options", "count"),
    [
        ({"repo": "b"}, 2),
        ({"repo": ["a", "c"]}, 4),
        ({"label": "bug"}, 2),
        ({"label": ["feature", "infra"]}, 2),
        ({"from": "2021-01-05", "to": "2021-03"}, 2),
        ({"from": "2021-04-02"}, 1),
        ({"to": "2021-01-01"}, 1),
        ({"year": 2021}, 6),
        ({"year": 2020}, 0),
    ],
)
def test_filters(dataset, options, count):
    assert compute(dataset, Filters.from_options(options)).total_prs == count


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"from": "March"}, "'from' must be a date such as 2021-03-04"),
        (
            {"from": "2021-05-01", "to": "2021-04-01"},
            "'from' \\(2021-05-01\\) is after 'to' \\(2021-04-01\\)",
        ),
        ({"year": "last"}, "'year' must be a year"),
        ({"year": "2021", "from": "2021-04-01"}, "'year' cannot be combined with 'from' or 'to'"),
        ({"year": 2021, "to": "2021-06"}, "'year' cannot be combined with 'from' or 'to'"),
        ({"repo": 5}, "'repo' must be a name or a list of names"),
    ],
)
def test_bad_filters(options, message):
    with pytest.raises(ConfigError, match=message):
        Filters.from_options(options, "chart")


def test_empty_selection(dataset):
    stats = compute(dataset, Filters.from_options({"year": 2019}))
    assert stats.total_prs == 0
    assert stats.counts("year") == {}
    assert stats.busiest == {"month": None, "quarter": None}
    assert stats.longest_streak == {"weeks": 0, "start": None, "end": None}
    assert stats.size["median"] is None


def test_to_dict_is_json_with_the_documented_keys(dataset):
    data = json.loads(json.dumps(compute(dataset).to_dict()))
    for key in (
        "total_prs",
        "by_year",
        "by_quarter",
        "by_month",
        "size_buckets",
        "additions",
        "deletions",
    ):
        assert key in data
    assert data["by_quarter"] == {"2021-Q1": 4, "2021-Q2": 2}
    assert data["size_buckets"]["10-100"] == 1


def test_a_repository_filter_spans_its_own_merges_and_a_year_filter_the_whole_year(write):
    rows = [
        "2019-01-10T10:00:00Z,1,b",
        "2020-03-02T10:00:00Z,1,a",
        "2020-05-20T10:00:00Z,1,a",
        "2021-12-01T10:00:00Z,1,b",
    ]
    dataset = load_dataset(write("repos.csv", "merged_at,additions,repo\n" + "\n".join(rows) + "\n"))
    one_repo = compute(dataset, Filters(repos=("a",)))
    assert [r["period"] for r in one_repo.periods["month"]] == ["2020-03", "2020-04", "2020-05"]
    in_2020 = compute(dataset, Filters.from_options({"repo": "a", "year": 2020}))
    assert [r["period"] for r in in_2020.periods["month"]] == [f"2020-{m:02d}" for m in range(1, 13)]
    assert [r["prs"] for r in in_2020.periods["month"]] == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]

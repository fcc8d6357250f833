"""Every dataset fixture (tests/fixtures/): realistic exports read exactly; bad files refused with file, line and
field."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from retroblog.data.dataset import load_dataset
from retroblog.errors import DatasetError

NOTION = "notion/Merged PRs 5d0c7a2e91f34b6c8e7a1f0b3c9d2e48_all.csv"


def test_notion_export(fixtures):
    dataset = load_dataset(fixtures / NOTION)
    rows = list(dataset.records())
    assert [r.title for r in rows] == [
        "Shard the metrics writer",
        "Pin the base image",
        "Backfill missing rollups",
        "Delete the v1 ingest path",
        "Retry on throttled writes",
    ]
    first = rows[0]
    assert first.merged_at == dt.datetime(2023, 1, 9, 20, 42, tzinfo=first.merged_at.tzinfo)
    assert (first.additions, first.deletions, first.lines_changed, first.comments) == (
        2075,
        488,
        2563,
        11,
    )
    assert first.repo == "metrics-api"
    # Unknown columns are kept as they are; an empty checkbox stays empty.
    assert [r.extra["Rolled back"] for r in rows] == ["No", "No", "Yes", "", "No"]
    assert rows[1].merged_at.date() == dt.date(2021, 10, 4)
    assert rows[2].merged_at.time() == dt.time(0, 5)  # 12:05 AM is just after midnight
    assert (rows[3].deletions, rows[3].lines_changed) == (3410, 3410)
    assert rows[4].comments is None  # an empty cell is unknown, not 0
    assert dataset.columns["merged_at"] == "Date when the PR was merged"
    assert dataset.columns["additions"] == "Number of inserts"


def test_notion_dates_follow_the_dataset_timezone(fixtures):
    dataset = load_dataset(fixtures / NOTION, timezone="America/New_York")
    first = next(dataset.records())
    assert first.merged_at.isoformat() == "2023-01-09T20:42:00-05:00"


def test_gh_pr_list_json(fixtures):
    rows = list(load_dataset(fixtures / "github/gh-pr-list.json").records())
    assert [(r.number, r.additions, r.deletions, r.changed_files, r.comments) for r in rows] == [
        (1198, 1840, 612, 23, 2),
        (1207, 3, 0, 1, 0),
        (1230, 0, 57, 2, 1),
    ]
    assert rows[0].merged_at.isoformat() == "2022-09-19T07:48:01+00:00"
    assert rows[0].created_at is not None and rows[0].created_at.isoformat() == "2022-09-12T13:05:44+00:00"
    assert rows[0].url == "https://github.com/example-org/buildkit/pull/1198"
    assert '"login": "srivera"' in rows[0].extra["author"]


def test_hostile_records_load_as_plain_text(fixtures):
    rows = list(load_dataset(fixtures / "hostile/prs-hostile.json").records())
    assert rows[0].title == "</script><script>alert('title')</script>"
    assert rows[1].repo == "<b>app</b>"
    assert len(rows) == 6


def test_bad_values_reports_every_problem(fixtures):
    path = fixtures / "bad/bad-values.csv"
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert str(info.value).splitlines() == [
        f"{path}: 5 problems",
        f"{path}:3: column 'additions': 'many' is not a whole number; expected a count such as 12 or 1,204 "
        "(empty means unknown)",
        f"{path}:4: column 'deletions': '-12' is negative; expected a count of 0 or more",
        f"{path}:5: column 'merged_at': '2022-04-31' is not a date; expected a real date such as 2021-03-04, "
        "2021-03-04T10:00:00Z or June 27, 2022 11:17 PM",
        f"{path}:6: row has 4 fields but the header has 6; missing: deletions, comments",
        f"{path}:7: column 'number': duplicate PR: same repo and number (10) as line 2",
    ]


def test_future_date_is_kept_with_a_warning(fixtures, write):
    text = (fixtures / "bad/bad-values.csv").read_text().splitlines()
    path = write("future.csv", "\n".join([text[0], text[1], text[-1]]) + "\n")
    dataset = load_dataset(path, today=dt.date(2026, 11, 22))
    assert len(dataset) == 2
    assert [str(w) for w in dataset.warnings] == [
        f"{path}:3: column 'merged_at': '3021-06-01' is in the future (today is 2026-11-22); kept, but check it"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "{path}:1: the file is empty; expected a header row and PR rows"),
        ("header-only.csv", "{path}:1: has a header but no PR rows"),
        (
            "missing-merged-at.csv",
            "{path}:1: no merge date column; expected one named 'merged_at', 'mergedAt', 'merged', 'merge date', "
            "'merged date', 'merged on', 'date merged', 'date', 'Date when the PR was merged', 'completed', "
            "'completion date', 'closedDate', 'closed'",
        ),
        ("not-json.json", "{path}:3: not valid JSON: Expecting property name enclosed in double quotes (column 46)"),
        (
            "yaml-bomb.yaml",
            "{path}:7: the YAML expands to more than 1,000,000 values through aliases (&anchor/*alias); "
            "refused as an alias bomb",
        ),
        (
            "yaml-python-tag.yaml",
            "{path}:3: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'; only plain YAML values are allowed in a dataset",
        ),
    ],
)
def test_bad_files_are_refused_with_file_and_line(fixtures, name, message):
    path = fixtures / "bad" / name
    started = time.monotonic()
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert str(info.value) == message.format(path=path)
    # Refused at once, not after expanding the bomb (a correctness bound, not a benchmark).
    assert time.monotonic() - started < 5


def test_yaml_python_tag_executes_nothing(fixtures, tmp_path, monkeypatch):
    import os

    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    with pytest.raises(DatasetError):
        load_dataset(fixtures / "bad/yaml-python-tag.yaml")
    assert calls == []


def test_utf16_with_bom_is_read(fixtures):
    rows = list(load_dataset(fixtures / "bad/utf16.csv").records())
    assert [(r.merged_at.date(), r.additions, r.repo) for r in rows] == [
        (dt.date(2022, 7, 14), 17, "api"),
        (dt.date(2022, 7, 15), 3, "api"),
    ]

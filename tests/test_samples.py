"""Every shared sample: realistic exports read exactly; bad files refused with file, line and field."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from retroblog.data.dataset import load_dataset
from retroblog.errors import DatasetError

NOTION = "notion/PR log 8c1f2e9a4b7d4c0e9f1a2b3c4d5e6f70_all.csv"


def test_notion_export(samples):
    dataset = load_dataset(samples / NOTION)
    rows = list(dataset.records())
    assert [r.title for r in rows] == [
        "Add zone transfer retries",
        "Fix flaky health probe test",
        "Dashboards for query latency",
        "Remove dead config flags",
        "Bump serializer version",
    ]
    first = rows[0]
    assert first.merged_at == dt.datetime(2022, 6, 27, 23, 17, tzinfo=first.merged_at.tzinfo)
    assert (first.additions, first.deletions, first.lines_changed, first.comments) == (
        1204,
        310,
        1514,
        7,
    )
    assert first.repo == "dns-core"
    # Unknown columns are kept as they are; an empty checkbox stays empty.
    assert [r.extra["Hotfix"] for r in rows] == ["Yes", "No", "No", "", "No"]
    assert rows[1].merged_at.date() == dt.date(2020, 3, 3)
    assert dataset.columns["merged_at"] == "Date when the PR was merged"
    assert dataset.columns["additions"] == "Number of inserts"


def test_notion_dates_follow_the_dataset_timezone(samples):
    dataset = load_dataset(samples / NOTION, timezone="America/New_York")
    first = next(dataset.records())
    assert first.merged_at.isoformat() == "2022-06-27T23:17:00-04:00"


def test_gh_pr_list_json(samples):
    rows = list(load_dataset(samples / "github/gh-pr-list.json").records())
    assert [(r.number, r.additions, r.deletions, r.changed_files, r.comments) for r in rows] == [
        (481, 120, 35, 4, 1),
        (502, 9, 2, 1, 0),
    ]
    assert rows[0].merged_at.isoformat() == "2021-04-02T17:30:12+00:00"
    assert rows[0].created_at is not None and rows[0].created_at.isoformat() == "2021-04-01T08:00:00+00:00"
    assert rows[0].url == "https://github.com/example/resolver/pull/481"
    assert '"login": "jdoe"' in rows[0].extra["author"]


def test_hostile_records_load_as_plain_text(samples):
    rows = list(load_dataset(samples / "hostile/prs-hostile.json").records())
    assert rows[0].title == "</script><script>alert(1)</script>"
    assert rows[1].repo == "<b>web</b>"
    assert len(rows) == 5


def test_bad_values_reports_every_problem(samples):
    path = samples / "bad/bad-values.csv"
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert str(info.value).splitlines() == [
        f"{path}: 5 problems",
        f"{path}:3: column 'additions': 'ten' is not a whole number; expected a count such as 12 or 1,204 "
        "(empty means unknown)",
        f"{path}:4: column 'deletions': '-7' is negative; expected a count of 0 or more",
        f"{path}:5: column 'merged_at': '2021-02-31' is not a date; expected a real date such as 2021-03-04, "
        "2021-03-04T10:00:00Z or June 27, 2022 11:17 PM",
        f"{path}:6: row has 4 fields but the header has 6; missing: deletions, comments",
        f"{path}:7: column 'number': duplicate PR: same repo and number (1) as line 2",
    ]


def test_future_date_is_kept_with_a_warning(samples, write):
    text = (samples / "bad/bad-values.csv").read_text().splitlines()
    path = write("future.csv", "\n".join([text[0], text[1], text[-1]]) + "\n")
    dataset = load_dataset(path, today=dt.date(2026, 11, 22))
    assert len(dataset) == 2
    assert [str(w) for w in dataset.warnings] == [
        f"{path}:3: column 'merged_at': '2999-01-01' is in the future (today is 2026-11-22); kept, but check it"
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
        ("not-json.json", "{path}:2: not valid JSON: Expecting value (column 42)"),
        (
            "yaml-bomb.yaml",
            "{path}:7: the YAML expands to more than 1,000,000 values through aliases (&anchor/*alias); "
            "refused as an alias bomb",
        ),
        (
            "yaml-python-tag.yaml",
            "{path}:2: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'; only plain YAML values are allowed in a dataset",
        ),
    ],
)
def test_bad_samples_are_refused_with_file_and_line(samples, name, message):
    path = samples / "bad" / name
    started = time.monotonic()
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert str(info.value) == message.format(path=path)
    # Refused at once, not after expanding the bomb (a correctness bound, not a benchmark).
    assert time.monotonic() - started < 5


def test_yaml_python_tag_executes_nothing(samples, tmp_path, monkeypatch):
    import os

    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    with pytest.raises(DatasetError):
        load_dataset(samples / "bad/yaml-python-tag.yaml")
    assert calls == []


def test_utf16_with_bom_is_read(samples):
    rows = list(load_dataset(samples / "bad/utf16.csv").records())
    assert [(r.merged_at.date(), r.additions) for r in rows] == [(dt.date(2021, 1, 1), 5)]

"""Mapping column names, parsing values, nulls, timezones, duplicates, capped reports."""

from __future__ import annotations

import datetime as dt

import pytest

from retroblog.data.dataset import load_dataset
from retroblog.data.schema import ALIASES, FIELDS, canonical_name, header_key
from retroblog.errors import MAX_REPORTED, DatasetError


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("inserts", "additions"),
        ("Number of inserts", "additions"),
        ("deletes", "deletions"),
        ("Date when the PR was merged", "merged_at"),
        ("mergedAt", "merged_at"),
        ("Merged At", "merged_at"),
        ("changedFiles", "changed_files"),
        ("pullRequestId", "number"),
        ("iid", "number"),
        ("user_notes_count", "comments"),
        ("closedDate", "merged_at"),
        ("web_url", "url"),
        ("\ufeffName", "title"),
        ("Hotfix", None),
    ],
)
def test_header_aliases(header, field):
    assert canonical_name(header) == field


def test_every_alias_is_unique_to_one_field():
    claimed = {}
    for f in FIELDS:
        for alias in (f.name, *f.aliases):
            claimed.setdefault(canonical_name(alias), set()).add(f.name)
    assert all(len(v) == 1 for v in claimed.values())
    for f in FIELDS:
        assert all(ALIASES[header_key(a)] == f.name for a in (f.name, *f.aliases))


def test_unknown_counts_are_null_never_zero(write):
    path = write("prs.csv", "merged_at,additions,deletions,comments\n2021-01-01,,n/a,-\n2021-01-02,0,0,0\n")
    rows = list(load_dataset(path).records())
    assert (rows[0].additions, rows[0].deletions, rows[0].comments, rows[0].lines_changed) == (
        None,
        None,
        None,
        None,
    )
    assert (rows[1].additions, rows[1].deletions, rows[1].comments, rows[1].lines_changed) == (
        0,
        0,
        0,
        0,
    )


def test_counts_with_separators_and_floats(write):
    path = write("prs.csv", 'merged_at,additions,deletions\n2021-01-01,"1,204",12.0\n2021-01-02, 7 ,+3\n')
    rows = list(load_dataset(path).records())
    assert [(r.additions, r.deletions) for r in rows] == [(1204, 12), (7, 3)]


def test_fractional_count_is_an_error(write):
    path = write("prs.csv", "merged_at,additions\n2021-01-01,1.5\n")
    with pytest.raises(DatasetError, match=r"prs\.csv:2: column 'additions': '1\.5' is not a whole number"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-04T10:00:00Z", "2021-03-04T11:00:00+01:00"),
        ("2021-03-04T10:00:00.123456Z", "2021-03-04T11:00:00.123456+01:00"),
        ("2021-03-04T10:00:00+02:00", "2021-03-04T09:00:00+01:00"),
        ("2015-11-17 16:16:01 -0600", "2015-11-17T23:16:01+01:00"),
        ("2016-11-01T16:30:31.6655471Z", "2016-11-01T17:30:31.665547+01:00"),
        ("2021-03-04 10:00:00", "2021-03-04T10:00:00+01:00"),
        ("2021-03-04", "2021-03-04T00:00:00+01:00"),
        ("June 27, 2022 11:17 PM", "2022-06-27T23:17:00+02:00"),
        ("March 3, 2020", "2020-03-03T00:00:00+01:00"),
        ("August 17, 2023 11:19 AM → August 25, 2023", "2023-08-25T00:00:00+02:00"),
        ("2021/03/04", "2021-03-04T00:00:00+01:00"),
    ],
)
def test_date_formats_in_the_dataset_timezone(write, text, expected):
    path = write("prs.json", f'[{{"merged_at": "{text}"}}]')
    merged = next(load_dataset(path, timezone="Europe/Berlin").records()).merged_at
    assert merged.isoformat() == expected


def test_nonexistent_local_time_is_an_error(write):
    path = write("prs.csv", "merged_at\n2022-03-27 02:30:00\n")
    with pytest.raises(
        DatasetError,
        match=r"prs\.csv:2: column 'merged_at': '2022-03-27 02:30:00': 02:30 does not exist on 2022-03-27 in "
        r"Europe/Berlin \(clocks jump forward\)",
    ):
        load_dataset(path, timezone="Europe/Berlin")


def test_missing_merge_date_in_a_row(write):
    path = write("prs.csv", "merged_at,title\n,No date\n")
    with pytest.raises(
        DatasetError,
        match=r"prs\.csv:2: column 'merged_at': no merge date; every PR needs merged_at",
    ):
        load_dataset(path)


def test_unknown_timezone(write):
    path = write("prs.csv", "merged_at\n2021-01-01\n")
    with pytest.raises(DatasetError, match="unknown timezone 'Mars/Olympus'"):
        load_dataset(path, timezone="Mars/Olympus")


def test_unknown_columns_are_kept_and_labels_split(write):
    path = write("prs.csv", 'merged_at,Team,labels\n2021-01-01,core,"bug, infra;docs"\n')
    row = next(load_dataset(path).records())
    assert row.extra == {"Team": "core"}
    assert row.labels == ("bug", "infra", "docs")


def test_duplicate_urls_are_reported(write):
    path = write(
        "prs.csv",
        "merged_at,url,repo,number\n2021-01-01,https://x/pull/1,a,1\n2021-01-02,https://x/pull/1,b,2\n",
    )
    with pytest.raises(
        DatasetError,
        match=r"prs\.csv:3: column 'url': duplicate PR: same url \('https://x/pull/1'\)",
    ):
        load_dataset(path)


def test_same_number_in_two_repos_is_fine(write):
    path = write("prs.csv", "merged_at,repo,number\n2021-01-01,a,1\n2021-01-02,b,1\n")
    assert len(load_dataset(path)) == 2


def test_report_is_capped_but_counts_everything(write):
    rows = "\n".join(f"2021-01-01,x{i}" for i in range(120))
    path = write("prs.csv", "merged_at,additions\n" + rows + "\n")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}: 120 problems"
    assert len(lines) == 1 + MAX_REPORTED + 1
    assert lines[-1] == f"... and {120 - MAX_REPORTED} more problems in the same file"
    assert lines[1].startswith(f"{path}:2: column 'additions': 'x0'")


def test_lines_changed_mismatch_is_a_warning(write):
    path = write("prs.csv", "merged_at,inserts,deletes,churn\n2021-01-01,1,2,4\n2021-01-02,1,2,\n")
    dataset = load_dataset(path)
    assert [r.lines_changed for r in dataset.records()] == [4, 3]
    assert [str(w) for w in dataset.warnings] == [
        f"{path}:2: column 'churn': '4' is not additions + deletions; the given value is used"
    ]


def test_two_columns_for_one_field_keep_the_exact_name(write):
    path = write("prs.csv", "mergedAt,merged_at\n2020-01-01,2021-01-01\n")
    dataset = load_dataset(path)
    row = next(dataset.records())
    assert row.merged_at.date() == dt.date(2021, 1, 1)
    assert row.extra == {"mergedAt": "2020-01-01"}
    assert "also means 'merged_at'" in str(dataset.warnings[0])

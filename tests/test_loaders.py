"""Reading every dataset format, with the line of each row kept; structural errors name the line."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from retroblog.data.dataset import load_dataset
from retroblog.data.loaders import LINE, read_raw
from retroblog.errors import DatasetError

ROWS = [
    {"merged_at": "2021-03-04T10:00:00Z", "additions": 10, "deletions": 2, "title": "One"},
    {"merged_at": "2021-04-05", "additions": 20, "deletions": 3, "title": "Two"},
]


def _lines(path: Path) -> list[int]:
    return read_raw(path).frame[LINE].to_list()


def test_csv_lines_account_for_quoted_newlines_blank_lines_and_crlf(write):
    text = 'merged_at,title,additions\r\n2021-01-01,"two\r\nline title",1\r\n\r\n2021-01-02,plain,2\r\n'
    path = write("prs.csv", text)
    raw = read_raw(path)
    assert raw.frame["title"].to_list() == ["two\nline title", "plain"]
    assert raw.frame[LINE].to_list() == [2, 5]


def test_csv_fast_path_lines(write):
    path = write("prs.csv", "merged_at,additions\n2021-01-01,1\n2021-01-02,2\n2021-01-03,3\n")
    assert _lines(path) == [2, 3, 4]


def test_tsv(write):
    path = write("prs.tsv", "merged_at\tadditions\ttitle\n2021-01-01\t5\tA, with comma\n")
    dataset = load_dataset(path)
    assert dataset.frame["additions"].to_list() == [5]
    assert dataset.frame["title"].to_list() == ["A, with comma"]


def test_json_array_records_keep_their_line(write):
    path = write("prs.json", json.dumps(ROWS, indent=2))
    assert _lines(path) == [2, 8]
    assert load_dataset(path).frame["additions"].to_list() == [10, 20]


def test_json_object_with_a_list_of_prs(write):
    path = write("prs.json", json.dumps({"prs": ROWS}))
    assert load_dataset(path).frame.height == 2


def test_json_lines_fast_and_exact_paths(write):
    fast = write("fast.jsonl", "\n".join(json.dumps(r) for r in ROWS) + "\n")
    assert _lines(fast) == [1, 2]
    mixed = [*ROWS, {"merged_at": "2021-05-01", "additions": "1,204"}]
    blank = write("blank.jsonl", "\n\n".join(json.dumps(r) for r in mixed) + "\n")
    assert _lines(blank) == [1, 3, 5]
    assert load_dataset(blank).frame["additions"].to_list() == [10, 20, 1204]


def test_json_lines_syntax_error_names_line(write):
    path = write("bad.jsonl", '{"merged_at": "2021-01-01"}\n{"merged_at": }\n')
    with pytest.raises(DatasetError, match=r"bad\.jsonl:2: not valid JSON"):
        read_raw(path)


def test_yaml_list_and_lines(write):
    path = write(
        "prs.yaml",
        "# my PRs\n- merged_at: 2021-03-04\n  additions: 5\n- merged_at: 2021-03-05 10:00:00+02:00\n  additions: 7\n",
    )
    dataset = load_dataset(path)
    assert dataset.frame[LINE].to_list() == [2, 4]
    assert [d.isoformat() for d in dataset.frame["merged_at"]] == [
        "2021-03-04T00:00:00+00:00",
        "2021-03-05T08:00:00+00:00",
    ]


def test_parquet_rows(tmp_path):
    path = tmp_path / "prs.parquet"
    pl.DataFrame(
        {
            "mergedAt": pl.Series(["2021-03-04T10:00:00Z", "2021-03-05T10:00:00Z"]).str.to_datetime(time_zone="UTC"),
            "additions": [1, None],
            "labels": [["bug", "infra"], []],
        }
    ).write_parquet(path)
    raw = read_raw(path)
    assert raw.location == "row"
    dataset = load_dataset(path, timezone="Asia/Tokyo")
    assert dataset.frame["additions"].to_list() == [1, None]
    assert dataset.frame["labels"].to_list() == [["bug", "infra"], []]
    assert str(dataset.frame["merged_at"].dtype) == "Datetime(time_unit='us', time_zone='Asia/Tokyo')"


def test_unknown_suffix(write):
    path = write("prs.xlsx", "x")
    with pytest.raises(DatasetError, match=r"prs\.xlsx: unknown dataset format '\.xlsx'"):
        read_raw(path)


def test_not_utf8_names_line(write):
    path = write("latin.csv", "merged_at,title\n2021-01-01,ok\n2021-01-02,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DatasetError, match=r"latin\.csv:3: byte 0xe9 is not UTF-8"):
        read_raw(path)


def test_duplicate_header(write):
    path = write("dup.csv", "merged_at,title,title\n2021-01-01,a,b\n")
    with pytest.raises(DatasetError, match=r"dup\.csv:1: column 'title' appears twice"):
        read_raw(path)


def test_too_many_fields_names_the_line(write):
    path = write("wide.csv", "merged_at,additions\n2021-01-01,1\n2021-01-02,2,3\n")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert str(info.value) == "wide.csv:3: row has 3 fields but the header has 2; extra values: ['3']".replace(
        "wide.csv", str(path)
    )


def test_json_lines_key_first_seen_late_is_kept(write):
    rows = [json.dumps({"merged_at": "2021-01-01", "additions": i}) for i in range(1500)]
    rows.append(json.dumps({"merged_at": "2021-01-02", "additions": 1, "labels": "late"}))
    path = write("late.jsonl", "\n".join(rows) + "\n")
    dataset = load_dataset(path)
    assert dataset.frame["labels"].to_list()[-1] == ["late"]
    assert dataset.frame[LINE].to_list()[-1] == 1501

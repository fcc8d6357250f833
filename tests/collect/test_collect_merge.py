"""Writing collected rows: new files, re-runs that only add, the user's edits kept, redaction."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from retroblog.collect.base import new_row
from retroblog.collect.merge import write_dataset
from retroblog.collect.redact import Redactor
from retroblog.data.dataset import load_dataset
from retroblog.errors import CollectError, DatasetError


def row(number: int, merged: str, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "merged_at": merged,
        "additions": number * 10,
        "deletions": number,
        "number": number,
        "repo": "acme/widgets",
        "title": f"PR {number}, with a comma",
        "url": f"https://github.com/acme/widgets/pull/{number}",
        "source": "github",
        "author": "jane",
        "labels": ["bug", "team: core"],
    }
    values.update(extra)
    return new_row(**values)


FIRST = [row(2, "2021-02-01T10:00:00+01:00"), row(1, "2021-01-01T10:00:00Z")]
SECOND = [*FIRST, row(3, "2021-03-01T10:00:00Z"), row(4, "2021-04-01T10:00:00-07:00")]


@pytest.mark.parametrize("name", ["prs.csv", "prs.tsv", "prs.jsonl"])
def test_new_file_is_a_valid_dataset_sorted_by_merge_time(tmp_path: Path, name: str) -> None:
    path = tmp_path / "data" / name
    result = write_dataset(path, FIRST)
    assert (result.created, result.written, result.added) == (True, True, 2)
    dataset = load_dataset(path)
    records = list(dataset.records())
    assert [r.number for r in records] == [1, 2]
    assert records[0].labels == ("bug", "team: core")
    assert records[0].title == "PR 1, with a comma"
    assert records[0].comments is None  # unknown stays unknown
    assert records[0].lines_changed == 11
    assert "2021-02-01T10:00:00+01:00" in path.read_text()


def test_rerun_adds_only_new_prs_and_keeps_every_edit(tmp_path: Path) -> None:
    path = tmp_path / "prs.csv"
    write_dataset(path, FIRST)
    # The user edits a title, fixes a count, adds a column, removes one and adds a hand-made row.
    table = list(csv.reader(io.StringIO(path.read_text())))
    author = table[0].index("author")
    for cells in table:
        del cells[author]
    table[0].append("mood")
    for cells in table[1:]:
        cells.append("proud")
    title, additions = table[0].index("title"), table[0].index("additions")
    table[1][title], table[1][additions] = "My first PR (edited)", "12"
    hand = dict.fromkeys(table[0], "")
    hand.update(merged_at="2020-12-24", additions="5", title="Hand-made row", mood="merry")
    table.append(list(hand.values()))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    path.write_text(buffer.getvalue())
    before = path.read_bytes()
    result = write_dataset(path, SECOND)
    assert (result.added, result.already_present, result.existing, result.created) == (2, 2, 3, False)
    assert result.dropped_columns == ("author",)  # the user removed it: not brought back
    after = path.read_bytes()
    assert after.startswith(before)  # nothing before the new rows changed, byte for byte
    dataset = load_dataset(path)
    records = {r.title: r for r in dataset.records()}
    assert len(records) == 5
    assert records["My first PR (edited)"].additions == 12
    assert records["Hand-made row"].extra["mood"] == "merry"
    assert [r.number for r in dataset.records()][-2:] == [3, 4]
    assert "author" not in dataset.frame.columns
    # A third run finds nothing new and leaves the file alone.
    result = write_dataset(path, SECOND)
    assert (result.added, result.written) == (0, False)
    assert path.read_bytes() == after


def test_rerun_maps_new_rows_into_a_hand_made_files_own_columns(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(b"\xef\xbb\xbfPR #,Merged,Lines added,Repository,Remarks\r\n1,2021-01-01,10,acme/widgets,kept\r\n")
    result = write_dataset(path, SECOND)
    assert result.added == 3 and result.already_present == 1
    data = path.read_bytes()
    assert data.startswith(
        b"\xef\xbb\xbfPR #,Merged,Lines added,Repository,Remarks\r\n1,2021-01-01,10,acme/widgets,kept\r\n"
    )
    assert data.endswith(b"4,2021-04-01T10:00:00-07:00,40,acme/widgets,\r\n")
    records = list(load_dataset(path).records())
    assert [(r.number, r.additions) for r in records] == [(1, 10), (2, 20), (3, 30), (4, 40)]


def test_jsonl_rerun_appends_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "prs.jsonl"
    write_dataset(path, FIRST)
    lines = path.read_text().splitlines()
    record = json.loads(lines[0])
    record["title"] = "Edited"
    record["extra"] = {"nested": [1, 2]}
    user = json.dumps(record) + "\n" + lines[1]  # no final newline
    path.write_text(user)
    result = write_dataset(path, SECOND)
    assert result.added == 2
    text = path.read_text()
    assert text.startswith(user + "\n")
    assert [r.title for r in load_dataset(path).records()] == [
        "Edited",
        "PR 2, with a comma",
        "PR 3, with a comma",
        "PR 4, with a comma",
    ]


def test_utf16_file_keeps_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "prs.csv"
    path.write_bytes("\ufeffmerged_at,number,repo,title\n2021-01-01,1,acme/widgets,Café\n".encode("utf-16-le"))
    write_dataset(path, SECOND)
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    text = data.decode("utf-16")
    assert text.startswith("merged_at,number,repo,title\n2021-01-01,1,acme/widgets,Café\n2021-02-01T10:00:00+01:00,2,")
    assert len(list(load_dataset(path).records())) == 4


def test_keys_match_by_url_and_ignore_number_formatting(tmp_path: Path) -> None:
    path = tmp_path / "prs.csv"
    path.write_text(
        "merged_at,number,repo,url\n"
        "2021-01-01,#1,ACME/Widgets,\n"  # same repo (case) and number
        "2021-02-01,,,https://github.com/acme/widgets/pull/2\n"  # same URL
    )
    result = write_dataset(path, SECOND)
    assert (result.added, result.already_present) == (2, 2)


def test_replace_overwrites_only_when_asked_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "prs.csv"
    path.write_text("merged_at,number,title\n2021-01-01,9,mine\n")
    result = write_dataset(path, SECOND, dry_run=True)
    assert (result.added, result.written) == (4, False)
    assert path.read_text() == "merged_at,number,title\n2021-01-01,9,mine\n"
    write_dataset(path, FIRST, replace=True)
    assert [r.number for r in load_dataset(path).records()] == [1, 2]
    fresh = tmp_path / "new.csv"
    assert not write_dataset(fresh, FIRST, dry_run=True).written and not fresh.exists()


def test_bad_outputs_are_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(CollectError, match=r"prs.yaml: collectors write CSV .* '.yaml'"):
        write_dataset(tmp_path / "prs.yaml", FIRST)
    with pytest.raises(CollectError, match="no PRs to write; the file was not created"):
        write_dataset(tmp_path / "none.csv", [])
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(CollectError, match="exists and is not a file"):
        write_dataset(tmp_path / "dir.csv", FIRST)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"merged_at": "2021-01-01"}\n{not json\n')
    with pytest.raises(DatasetError, match=r"broken.jsonl:2"):
        write_dataset(broken, FIRST)
    assert broken.read_text() == '{"merged_at": "2021-01-01"}\n{not json\n'


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    path = tmp_path / "prs.csv"
    write_dataset(path, FIRST)
    write_dataset(path, SECOND)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prs.csv"]


# -------------------------------------------------------------------------------------------------
# Redaction


def test_redaction_replaces_identifying_texts_with_stable_pseudonyms(tmp_path: Path) -> None:
    key = tmp_path / "key"
    redactor = Redactor.from_key_file(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rows = [row(1, "2021-01-01T10:00:00Z", host="github.corp.example", merge_commit="abc123")]
    path = tmp_path / "public.csv"
    write_dataset(path, rows, redactor=redactor)
    text = path.read_text()
    for secret in ("acme", "widgets", "PR 1", "jane", "corp.example", "abc123", "github.com/"):
        assert secret not in text
    record = next(load_dataset(path).records())
    assert record.repo is not None and record.repo.startswith("repo-")
    assert record.title is not None and record.title.startswith("title-")
    assert record.url is not None and record.url.startswith("urn:retroblog:pr-")
    assert (record.number, record.additions, record.labels) == (1, 10, ("bug", "team: core"))
    assert record.extra["redacted"] in ("true", True)
    # Stable: the same key gives the same pseudonyms, so a re-run merges instead of duplicating.
    again = Redactor.from_key_file(key)
    assert again.redact(rows[0]) == redactor.redact(rows[0])
    result = write_dataset(path, [*rows, row(2, "2021-02-01T10:00:00Z")], redactor=again)
    assert (result.added, result.already_present) == (1, 1)
    # Another key gives other pseudonyms: guesses cannot be confirmed without the key.
    other = Redactor(os.urandom(32))
    assert other.redact(rows[0])["repo"] != redactor.redact(rows[0])["repo"]
    # Same value, same pseudonym across rows (repo), different values differ (titles).
    two = [redactor.redact(r) for r in SECOND]
    assert len({r["repo"] for r in two}) == 1 and len({r["title"] for r in two}) == 4


def test_redacted_and_plain_rows_are_never_mixed(tmp_path: Path) -> None:
    redactor = Redactor.from_key_file(tmp_path / "key")
    public = tmp_path / "public.csv"
    write_dataset(public, FIRST, redactor=redactor)
    with pytest.raises(CollectError, match=r"public.csv: its rows are redacted .*pass --redact"):
        write_dataset(public, SECOND)
    plain = tmp_path / "plain.csv"
    write_dataset(plain, FIRST)
    with pytest.raises(CollectError, match=r"plain.csv: has 2 rows that are not redacted"):
        write_dataset(plain, SECOND, redactor=redactor)
    assert "acme" not in public.read_text()


def test_bad_key_files(tmp_path: Path) -> None:
    bad = tmp_path / "key"
    bad.write_text("not hex")
    with pytest.raises(CollectError, match=r"key: not a redaction key"):
        Redactor.from_key_file(bad)
    bad.write_text("abcd")
    with pytest.raises(CollectError, match="too short"):
        Redactor.from_key_file(bad)

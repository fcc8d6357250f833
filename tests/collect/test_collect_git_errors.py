"""Failed git calls: every one is a ``CollectError`` with the repository, the git command and git's message."""

from __future__ import annotations

from pathlib import Path

import pytest
from collect_support import JANE, Repo, lines

from retroblog.collect.git import collect_git, commit_counts
from retroblog.collect.git.run import git, git_failed, run, streamed
from retroblog.errors import CollectError


def _drop_object(repo: Repo, sha: str) -> None:
    """Delete a loose object, as a damaged clone lacks it."""
    (repo.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


def _merged_branch(root: Path) -> tuple[Repo, str]:
    """A repository whose main line merged one PR of Jane; returns it and the branch's commit."""
    repo = Repo(root / "repo")
    repo.commit("Initial commit", {"README.md": lines(2)}, JANE, "2020-01-01T09:00:00+00:00")
    repo.checkout("jane/x", new=True)
    side = repo.commit("Add x", {"x.txt": lines(3)}, JANE, "2020-01-02T09:00:00+00:00")
    repo.checkout("main")
    repo.merge("jane/x", "Merge pull request #1 from jane/x\n\nAdd x", JANE, "2020-01-03T09:00:00+00:00")
    return repo, side


def test_git_failed_names_repo_command_and_git_last_line_or_exit_status(tmp_path: Path) -> None:
    error = git_failed(tmp_path, "log", b"warning: something\nfatal: bad revision 'nope'\n", 128)
    assert str(error) == f"{tmp_path}: git log failed: fatal: bad revision 'nope'"
    assert str(git_failed(tmp_path, "log", b" \n", 128)) == f"{tmp_path}: git log failed: exit status 128"


def test_a_short_call_that_fails_says_what_git_said(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("Initial commit", {"README.md": lines(2)}, JANE, "2020-01-01T09:00:00+00:00")
    with pytest.raises(CollectError) as info:
        run(repo.path, "cat-file", "-t", "0" * 40)
    assert str(info.value).startswith(f"{repo.path}: git cat-file failed: fatal: ")


def test_the_main_line_log_failing_is_one_error(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("Initial commit", {"README.md": lines(2)}, JANE, "2020-01-01T09:00:00+00:00")
    repo.commit("Add notes (#2)", {"notes.txt": lines(4)}, JANE, "2020-01-02T09:00:00+00:00")
    _drop_object(repo, repo.git("rev-parse", "HEAD:notes.txt").strip())
    with pytest.raises(CollectError, match=r"^.*/repo: git log failed: fatal: unable to read [0-9a-f]{40}$"):
        collect_git([repo.path], [JANE[1]])


def test_the_history_log_failing_is_one_error(tmp_path: Path) -> None:
    repo, side = _merged_branch(tmp_path)
    _drop_object(repo, side)  # the main line still reads; the walk of the merged branch cannot
    with pytest.raises(CollectError, match=r"^.*/repo: git log failed: fatal: Failed to traverse parents of commit"):
        collect_git([repo.path], [JANE[1]])


def test_counting_commits_of_a_damaged_clone_is_one_error(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("Initial commit", {"README.md": lines(2)}, JANE, "2020-01-01T09:00:00+00:00")
    head = repo.commit("Add notes", {"notes.txt": lines(4)}, JANE, "2020-01-02T09:00:00+00:00")
    _drop_object(repo, repo.git("rev-parse", "HEAD:notes.txt").strip())
    with pytest.raises(CollectError, match=r"^.*/repo: git log failed: fatal: unable to read [0-9a-f]{40}$"):
        commit_counts(repo.path, [head])


def test_a_streamed_call_that_stops_reading_its_input_fails_without_hanging(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("Initial commit", {"README.md": lines(2)}, JANE, "2020-01-01T09:00:00+00:00")
    cmd = [git(), "-C", str(repo.path), "log", "--no-walk", "--stdin"]
    # git gives up at the first line; the rest (megabytes) can no longer be written
    shas = [f"nope{i}" for i in range(200_000)]
    with (
        pytest.raises(CollectError, match=r"git log failed: fatal: bad revision 'nope0'"),
        streamed(repo.path, "log", cmd, stdin=shas) as stream,
    ):
        stream.read()


def test_an_error_while_reading_stops_git_and_is_raised_as_it_is(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    for day in range(1, 20):
        repo.commit(f"Change {day}", {"notes.txt": lines(day * 50)}, JANE, f"2020-01-{day:02d}T09:00:00+00:00")
    cmd = [git(), "-C", str(repo.path), "log", "-p", "--no-color"]
    with pytest.raises(KeyError, match="reader failed"), streamed(repo.path, "log", cmd) as stream:
        stream.read(10)
        raise KeyError("reader failed")

"""``retroblog collect git``: an author name whose bytes are not UTF-8 (a commit written by a tool that
checked nothing) matches the same bytes given to --author, and is shown and written as ``\\xNN``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from collect_support import Repo

from retroblog.cli import main
from retroblog.data.dataset import load_dataset


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["collect", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stderr


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


NAME = b"Jos\xe9 Garc\xeda"  # Latin-1 bytes, written by a tool that did not check them


@pytest.fixture
def latin1(tmp_path: Path) -> Path:
    """A repository whose one PR (a squash) has an author name that is not UTF-8, as stored by such a
    tool (``git commit`` itself would have re-encoded it)."""
    repo = Repo(tmp_path / "latin1")
    tree = repo.git("write-tree").strip().encode()
    commit = b"tree %s\nauthor %s <> 1609459200 +0000\ncommitter M <m@x> 1609459200 +0000\n\nAdd a (#1)\n"
    made = subprocess.run(
        ["git", "-C", str(repo.path), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=commit % (tree, NAME),
        capture_output=True,
        check=True,
    )
    repo.git("update-ref", "refs/heads/main", made.stdout.decode().strip())
    return repo.path


def test_an_author_name_that_is_not_utf8_matches_the_same_bytes_on_the_command_line(
    latin1: Path, tmp_path: Path
) -> None:
    out = tmp_path / "prs.csv"
    cmd = [sys.executable, "-m", "retroblog", "collect", "git", str(latin1), "--author", NAME, "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, timeout=60, env={**os.environ, "PYTHONUTF8": "1"})
    assert done.returncode == 0, done.stderr
    assert [r.number for r in load_dataset(out).records()] == [1]
    assert "Jos\\xe9 Garc\\xeda" in out.read_text(encoding="utf-8")  # the author, as text that can be written


def test_an_author_name_that_is_not_utf8_is_shown_in_a_form_that_matches(latin1: Path, tmp_path: Path) -> None:
    out = tmp_path / "prs.csv"
    code, err = run("git", str(latin1), "--author", os.fsdecode(b"nobody\xff"), "--out", str(out))
    assert code == 1
    assert "PR authors found: Jos\\xe9 Garc\\xeda <> (1)" in err, err
    code, err = run("git", str(latin1), "--author", "Jos\\xe9 Garc\\xeda", "--out", str(out))
    assert code == 0, err
    code, err = run("git", str(latin1), "--author", os.fsdecode(NAME), "--out", str(out), "--replace")
    assert code == 0, err

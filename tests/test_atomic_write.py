"""``atomic_write``: recognisable temporary files, removed by a later run when their process is gone;
a new file never replaces one that appeared during the write."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retroblog.errors import ExistsError
from retroblog.util import files
from retroblog.util.files import atomic_write, sweep_stale


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    return int(child.stdout)


def _old(path: Path) -> Path:
    path.write_bytes(b"half a post")
    os.utime(path, (files._STARTED - 60, files._STARTED - 60))
    return path


def test_a_write_removes_the_stale_temporary_files_of_its_folder_and_only_those(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = _old(tmp_path / f".post.md.retroblog-{dead}-abcd1234.tmp")
    other_target = _old(tmp_path / f".other.md.retroblog-{dead}-zz_9.tmp")
    live = _old(tmp_path / f".post.md.retroblog-{os.getppid()}-abcd1234.tmp")  # a running process's
    fresh = tmp_path / f".post.md.retroblog-{dead}-new.tmp"
    fresh.write_bytes(b"newer than this run")
    foreign = _old(tmp_path / ".post.md.abcd1234.tmp")  # not a name atomic_write gives
    atomic_write(tmp_path / "post.md", "the post\n")
    assert (tmp_path / "post.md").read_text() == "the post\n"
    assert not stale.exists() and not other_target.exists()
    assert live.exists() and fresh.exists() and foreign.exists()
    assert sweep_stale(tmp_path) == []  # a folder is listed once per run


def test_a_rerun_of_import_removes_what_a_killed_import_left(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "post.txt").write_text("A title\n\nSome words.\n", encoding="utf-8")
    killed = (
        "import os, sys\n"
        "os.fsync = lambda fd: os._exit(9)  # killed in the middle of the write\n"
        "from retroblog.cli import main\n"
        "sys.argv = ['retroblog', 'import', 'src', '--to', 'out', '--date', '2022-01-01']\n"
        "main()\n"
    )
    run = [sys.executable, "-c", killed]
    assert subprocess.run(run, cwd=tmp_path, capture_output=True, timeout=60).returncode == 9
    left = [p.name for p in (tmp_path / "out").iterdir()]
    assert len(left) == 1 and left[0].startswith(".2022-01-01-a-title.md.retroblog-"), left
    again = [sys.executable, "-m", "retroblog", "import", "src", "--to", "out", "--date", "2022-01-01"]
    done = subprocess.run(again, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["2022-01-01-a-title.md"]


def test_a_new_file_is_never_put_over_one_that_appeared_meanwhile(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "prs.csv"
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:  # between the exists() check and the rename
        real_fsync(fd)
        if not target.exists():
            target.write_text("theirs\n")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    with pytest.raises(ExistsError, match="exists; not overwritten"):
        atomic_write(target, "mine\n")
    assert target.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["prs.csv"]

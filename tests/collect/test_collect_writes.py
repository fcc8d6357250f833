"""``retroblog collect``: user text printed as text, write failures as one line, one collect per dataset
at a time."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from collect_support import Repo, build_widgets

from retroblog.cli import main
from retroblog.collect.merge import write_dataset
from retroblog.collect.state import lock_path, output_lock
from retroblog.errors import CollectError
from retroblog.util import files

RLO, PDF, PDI = "\u202e", "\u202c", "\u2069"


@pytest.fixture(scope="module")
def widgets(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return build_widgets(tmp_path_factory.mktemp("git"))[0]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Locks and resume state under tmp_path, for the collects in-process and their subprocesses."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["collect", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stderr


def git_args(widgets: Repo, out: Path, *more: str) -> list[str]:
    return ["git", str(widgets.path), "--author", "jane@corp.example", "--author", "janedoe", "--out", str(out), *more]


# -- markup and bidi in what collect prints ---------------------------------------------------------


def test_an_out_path_and_a_repository_name_with_markup_are_printed_as_they_are(widgets: Repo, tmp_path: Path) -> None:
    out = tmp_path / "[/]x.csv"
    code, err = run(*git_args(widgets, out, "--repo", "[b]acme[/b]:smile:"))
    assert code == 0, err
    assert out.exists()
    assert "[b]acme[/b]:smile:: named from --repo" in err
    assert f"wrote 6 PRs to {out}" in " ".join(err.split())
    code, err = run(*git_args(widgets, out, "--repo", "[b]acme[/b]:smile:"))
    assert code == 0 and f"no new PRs, {out} left as it was" in " ".join(err.split())


def test_a_right_to_left_override_in_a_repository_name_ends_with_it(widgets: Repo, tmp_path: Path) -> None:
    code, err = run(*git_args(widgets, tmp_path / "prs.csv", "--repo", f"{RLO}stegdiw/emca"))
    assert code == 0, err
    line = next(line for line in err.splitlines() if RLO in line)
    after = line[line.index(RLO) :]
    assert PDI in after[: after.index(": named from")] or PDF in after[: after.index(": named from")], repr(line)


# -- write failures ---------------------------------------------------------------------------------


def _enospc(fd: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("existing", [False, True])
def test_a_full_disk_is_one_line_and_the_users_file_survives(
    widgets: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    out = tmp_path / "data" / "prs.csv"
    if existing:
        out.parent.mkdir()
        out.write_text("merged_at,number,repo,title\n2019-01-01T00:00:00Z,99,acme/widgets,Mine\n")
    before = out.read_bytes() if existing else None
    monkeypatch.setattr(files.os, "fsync", _enospc)
    code, err = run(*git_args(widgets, out))
    assert code == 1
    assert err.startswith(f"Error: {out}: cannot be written (No space left on device); "), err
    assert ("the file was left as it was" if existing else "nothing was written") in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert (out.read_bytes() if existing else None) == before
    assert [p.name for p in out.parent.iterdir()] == (["prs.csv"] if existing else [])  # no temp file left


def test_a_read_only_folder_is_refused_before_collecting(widgets: Repo, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    out = folder / "prs.csv"
    out.write_text("merged_at,number\n2019-01-01T00:00:00Z,99\n")
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root (with CAP_DAC_OVERRIDE) writes anyway: the next test
            pytest.skip("this user writes into a read-only folder")
        code, err = run(*git_args(widgets, out))
    finally:
        folder.chmod(0o700)
    assert code == 1 and err.startswith(f"Error: {out}: cannot be written: {folder} is not writable"), err
    assert "Traceback" not in err
    assert out.read_text() == "merged_at,number\n2019-01-01T00:00:00Z,99\n"


def test_a_folder_that_refuses_the_write_is_one_line(
    widgets: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "prs.csv"

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    code, err = run(*git_args(widgets, out))
    assert code == 1 and err == f"Error: {out}: cannot be written (Permission denied); nothing was written\n"


def test_a_file_created_during_the_collect_is_kept_and_the_message_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "prs.csv"
    real = os.fsync

    def other_program(fd: int) -> None:
        real(fd)
        out.write_text("merged_at\n2019-01-01T00:00:00Z\n")

    monkeypatch.setattr(files.os, "fsync", other_program)
    row = {"merged_at": "2021-01-01T00:00:00Z", "number": 1, "repo": "a/b"}
    with pytest.raises(CollectError, match="created by another program while collecting") as caught:
        write_dataset(out, [row])
    assert "--force" not in str(caught.value)
    assert out.read_text() == "merged_at\n2019-01-01T00:00:00Z\n"


# -- one collect per dataset ------------------------------------------------------------------------


def test_a_second_collect_into_the_same_dataset_says_to_wait(widgets: Repo, tmp_path: Path) -> None:
    out = tmp_path / "prs.csv"
    with output_lock(out) as lock:
        code, err = run(*git_args(widgets, out))
        assert lock.exists()
    assert code == 1, err
    assert f"another retroblog collect is writing this dataset (process {os.getpid()}, since " in err
    assert "Wait for it to finish" in err and "--force" not in err
    assert not out.exists() and not lock.exists()
    code, err = run(*git_args(widgets, out))
    assert code == 0, err


def test_a_killed_collect_holds_no_lock(widgets: Repo, tmp_path: Path) -> None:
    out = tmp_path / "prs.csv"
    holder = (
        "import sys, time\nfrom retroblog.collect.state import output_lock\n"
        "with output_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(60)\n"
    )
    with subprocess.Popen([sys.executable, "-c", holder, str(out)], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline() == "held\n"
            assert run(*git_args(widgets, out))[0] == 1
        finally:
            proc.kill()
            proc.wait(timeout=60)
    assert lock_path(out).exists()  # left by the killed process, and no obstacle
    code, err = run(*git_args(widgets, out))
    assert code == 0, err
    assert not lock_path(out).exists()


def test_an_author_id_that_is_not_utf8_is_named_in_a_form_that_can_be_printed(widgets: Repo, tmp_path: Path) -> None:
    code, err = run("git", str(widgets.path), "--author", os.fsdecode(b"nobody\xff"), "--out", str(tmp_path / "o.csv"))
    assert code == 1 and "no merged PRs by nobody\\xff in the repository" in err, err

"""Running git: finding it, checking its version, the options every call gets, and its errors.

Every failed git call becomes a ``CollectError`` through ``git_failed``, which names the repository,
the git command and git's own last line of stderr (or the exit status when git said nothing).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Generic, TypeVar

from retroblog.errors import CollectError

MIN_GIT = (2, 31)
"""``--diff-merges=first-parent`` needs git 2.31."""

TIMEOUT = 120
"""Seconds a short git call (``rev-parse``, ``config`` ...) may take."""

T = TypeVar("T")


def git() -> str:
    """The path of the ``git`` executable; a ``CollectError`` when it is not on PATH."""
    found = shutil.which("git")
    if found is None:
        raise CollectError("git is not installed or not on PATH; the git collector needs it")
    return found


def git_failed(repo: Path, command: str, stderr: bytes, code: int) -> CollectError:
    """The error of a git call that exited with ``code``: git's last stderr line, else the exit status."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return CollectError(f"{repo}: git {command} failed: {lines[-1] if lines else f'exit status {code}'}")


def run(repo: Path, *args: str) -> str:
    """The output of a short ``git -C repo ARGS`` call; ``git_failed`` when it fails."""
    try:
        done = subprocess.run([git(), "-C", str(repo), *args], capture_output=True, check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CollectError(f"{repo}: 'git {' '.join(args)}' did not finish within {TIMEOUT} s") from None
    if done.returncode != 0:
        raise git_failed(repo, args[0], done.stderr, done.returncode)
    return done.stdout.decode("utf-8", "replace")


def git_version() -> tuple[int, int]:
    """The installed git's (major, minor)."""
    out = subprocess.run([git(), "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def check_version() -> None:
    """A ``CollectError`` when the installed git is older than ``MIN_GIT``."""
    found = git_version()
    if found < MIN_GIT:
        raise CollectError(
            f"git {found[0]}.{found[1]} is too old; the git collector needs git "
            f"{MIN_GIT[0]}.{MIN_GIT[1]} or newer (for --diff-merges=first-parent)"
        )


def config_args(mailmap: Path | None) -> list[str]:
    """``-c`` options that make git's output the same whatever the user's configuration."""
    args = [
        "-c",
        "core.quotepath=off",
        "-c",
        "log.showSignature=false",
        "-c",
        "i18n.logOutputEncoding=UTF-8",
    ]
    if mailmap is not None:
        args += ["-c", f"mailmap.file={mailmap}"]
    return args


def git_command(repo: Path, mailmap: Path | None, *args: str) -> list[str]:
    """``git -C repo <config_args> ARGS`` as a command line."""
    return [git(), "-C", str(repo), *config_args(mailmap), *args]


def widen_pipe(stream: IO[bytes]) -> None:
    """Let git write up to 1 MiB ahead (Linux), so it never waits while Python holds the GIL elsewhere."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError):
        pass  # other systems, or a lower limit: the default pipe works, a little slower


@contextmanager
def streamed(repo: Path, command: str, cmd: list[str], stdin: Sequence[str] | None = None) -> Iterator[IO[bytes]]:
    """A long git call whose output is read as a stream; ``git_failed`` when it exits non-zero.

    ``stdin``: lines written to git's standard input (from a thread, so that neither side blocks). An
    exception while the output is read kills git.
    """
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(
            cmd, stdin=None if stdin is None else subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors
        ) as proc,
    ):
        assert proc.stdout is not None
        feeder = None
        if stdin is not None:
            assert proc.stdin is not None
            feeder = threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True)
            feeder.start()
        try:
            widen_pipe(proc.stdout)
            yield proc.stdout
        except BaseException:
            proc.kill()
            raise
        finally:
            if feeder is not None:
                feeder.join()
        code = proc.wait()
        errors.seek(0)
        stderr = errors.read()
    if code != 0:
        raise git_failed(repo, command, stderr, code)


def _feed(stdin: IO[bytes], lines: Sequence[str]) -> None:
    try:
        with stdin:
            stdin.write(("\n".join(lines) + "\n").encode())
    except OSError:
        pass  # git stopped reading (it failed, or was killed): its exit status tells why


class Background(Generic[T]):
    """A git call read in a thread and its output turned into a value by ``parse``, while other work runs."""

    def __init__(self, cmd: list[str], parse: Callable[[bytes], T], empty: T) -> None:
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.parse = parse
        self.err = b""
        self.value = empty
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def _work(self) -> None:
        try:
            with self.proc:
                out, self.err = self.proc.communicate()
            if self.proc.returncode == 0:
                self.value = self.parse(out)
        except BaseException as exc:  # pragma: no cover - reported by result()
            self.error = exc

    def cancel(self) -> None:
        """Stop git (when it still runs) and wait for the thread."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.thread.join()

    def result(self, repo: Path, command: str) -> T:
        """The parsed output; ``git_failed`` when git failed."""
        self.thread.join()
        if self.error is not None:  # pragma: no cover
            raise self.error
        if self.proc.returncode != 0:
            raise git_failed(repo, command, self.err, self.proc.returncode)
        return self.value

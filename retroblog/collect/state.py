"""Resume state of the API collectors: what an interrupted run had fetched, so a re-run goes on.

The state lives in the user's cache folder (``$XDG_CACHE_HOME/retroblog/collect``), not next to the
dataset, so it is never published with a site; it holds the rows fetched so far and where to go on,
never a token. It is written atomically after every page and deleted when the run completes.

``output_lock`` keeps two collects from writing one dataset at once: the second stops at its start and
says which process holds the dataset. The lock is a file in the same folder, locked with ``flock``
while a collect runs, so a collect that was killed holds nothing.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - not POSIX: an exclusive-create lock file instead
    _fcntl = None  # type: ignore[assignment]

from retroblog.errors import CollectError
from retroblog.util.files import atomic_write

VERSION = 1


def default_state_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "retroblog" / "collect"


def state_path(out: str | Path, source: str, state_dir: str | Path | None = None) -> Path:
    """The state file of collecting ``source`` into ``out``."""
    key = hashlib.sha256(f"{Path(out).resolve()}\0{source}".encode()).hexdigest()[:20]
    return Path(state_dir or default_state_dir()) / f"{source}-{key}.json"


def lock_path(out: str | Path, state_dir: str | Path | None = None) -> Path:
    """The lock file of collecting into ``out`` (one for every collector: they all write ``out``)."""
    return state_path(out, "lock", state_dir).with_suffix(".lock")


@contextmanager
def output_lock(out: str | Path, state_dir: str | Path | None = None) -> Iterator[Path]:
    """Hold ``out`` for one collect; a ``CollectError`` if another collect holds it."""
    path = lock_path(out, state_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = _acquire(out, path)
    except OSError as exc:
        raise CollectError(
            f"{path}: cannot create the lock file of {out} ({exc.strerror or exc}); set XDG_CACHE_HOME to a "
            "folder you can write"
        ) from None
    try:
        os.write(fd, f"{os.getpid()} {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n".encode())
        yield path
    finally:
        path.unlink(missing_ok=True)  # before the unlock: a waiting collect then finds no stale file
        os.close(fd)


def _acquire(out: str | Path, path: Path) -> int:
    if _fcntl is None:  # pragma: no cover - exercised through a test that hides fcntl
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CollectError(
                f"{out}: another retroblog collect is writing this dataset{_holder(path)}. Wait for it to "
                f"finish, then run again; if no collect is running, remove the lock file {path}"
            ) from None
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise CollectError(
                f"{out}: another retroblog collect is writing this dataset{_holder(path)}. Wait for it to "
                "finish (or stop it), then run this one again: it adds only the PRs the other did not"
            ) from None
        try:
            same = os.fstat(fd).st_ino == path.stat().st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            return fd
        os.close(fd)  # the holder removed the file as we opened it: lock the new one


def _holder(path: Path) -> str:
    try:
        pid, _, since = path.read_text(encoding="utf-8").strip().partition(" ")
    except (OSError, ValueError):
        return ""
    return f" (process {pid}, since {since})" if pid.isdigit() and since else ""


class ResumeState:
    """One collector run's saved progress; ``query`` identifies the run (options, not the token)."""

    def __init__(self, path: Path | None, query: dict[str, Any]) -> None:
        self.path = path
        self.query = query

    def load(self) -> dict[str, Any] | None:
        """The saved progress of the same query, or None (no file, another query, unreadable)."""
        if self.path is None or not self.path.exists():
            return None
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("version") != VERSION or saved.get("query") != self.query:
            return None
        progress = saved.get("progress")
        return progress if isinstance(progress, dict) else None

    def save(self, progress: dict[str, Any]) -> None:
        if self.path is None:
            return
        text = json.dumps({"version": VERSION, "query": self.query, "progress": progress}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():  # private from the first byte: atomic_write keeps the mode
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            atomic_write(self.path, text, overwrite=True)
        except OSError as exc:
            raise CollectError(f"{self.path}: cannot save the resume state ({exc.strerror})") from None

    def clear(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)

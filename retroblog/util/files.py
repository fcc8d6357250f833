"""Safe file writes: nothing a user owns is overwritten unless asked, and never half-written.

A write goes through a temporary file beside its target, named ``.NAME.retroblog-PID-XXXXXXXX.tmp``
(hidden, so MkDocs never takes it for a page), renamed over the target when complete. A process killed
in between leaves that file behind; the next write into the folder removes every such file whose
process is gone and that is older than the current run. Nothing else is ever removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import time
from pathlib import Path

from retroblog.errors import ExistsError

_TEMP = re.compile(r"\..+\.retroblog-(\d+)-[A-Za-z0-9_]+\.tmp")
"""The temporary files of ``atomic_write``: ``.NAME.retroblog-PID-RANDOM.tmp``."""

_STARTED = time.time()
"""When this run began (the import of this module): a temporary file older than it is not one of its own."""

_swept: set[str] = set()
"""Folders this process has cleaned of stale temporary files already (once each: a folder of thousands of
cached fragments is listed once, not once per write)."""


def atomic_write(path: str | Path, data: str | bytes, *, overwrite: bool = False, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename.

    Raises ``ExistsError`` when ``path`` exists and ``overwrite`` is false, also when another process
    creates it during the write (the new file is then not replaced). The folder is created. Readers
    never see a half-written file; a crash leaves the old file (or none) in place (``durable=False``, for a
    cache, leaves the flush to disk to the system: after a power cut the file may be empty), and a temporary file
    that a later write removes (``sweep_stale``).
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise ExistsError(f"{target}: exists; not overwritten (use --force to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.retroblog-{os.getpid()}-", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:  # (a cache, which can always be made again, skips it: ~10 ms a file)
                os.fsync(handle.fileno())
        if target.exists():
            tmp.chmod(target.stat().st_mode & 0o7777)
        else:
            tmp.chmod(0o666 & ~_umask())
        if overwrite or not _link(tmp, target):
            tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _link(tmp: Path, target: Path) -> bool:
    """Put ``tmp`` at ``target`` only if nothing is there (a hard link: atomic); False where links fail."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise ExistsError(f"{target}: exists; not overwritten (use --force to replace it)") from None
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            return False  # a file system without hard links: the exists() check above is all there is
        raise
    tmp.unlink(missing_ok=True)
    return True


def sweep_stale(folder: Path) -> list[Path]:
    """Remove ``atomic_write``'s temporary files in ``folder`` left by processes that are gone.

    A file is removed only when its name is one ``atomic_write`` gives, its process (the PID in the
    name) is not running and it is older than this run. Listed once per folder and process; returns
    what was removed. A file that cannot be removed is left alone.
    """
    key = str(folder.absolute())
    if key in _swept:
        return []
    _swept.add(key)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.fullmatch(entry.name)
        if match is None:
            continue
        pid = int(match[1])
        # this process's number on an older file: a process before it had the number (PID 1 in containers)
        before = _STARTED - 2 if pid == os.getpid() else _STARTED  # 2 s: file systems that round times
        if pid != os.getpid() and _running(pid):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < before:
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or a number no process can have)
        return False
    except OSError:
        return True  # another user's process: alive
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

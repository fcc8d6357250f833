"""Finished block HTML, cached by what it is made of, so a rebuild with unchanged inputs does no chart work.

A block's key is computed without loading any dataset: the block's options, the digest of each file it
reads (dataset, spec file), the dataset's timezone and privacy, the size buckets and the code that
shapes the output: a digest of every file of the installed retroblog package (its modules, templates
and browser assets, ``code_digest``) and the versions of Altair, vl-convert and polars. Any change to
retroblog's own code, an upgrade or a local edit, therefore changes every key: there is no number to
bump by hand, and a restored cache folder can never serve a fragment the current code would not make.
A warm build imports neither polars nor Altair. Fragments live in memory and, given a folder, on disk
across processes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import cache
from importlib.metadata import version as package_version
from pathlib import Path
from stat import S_ISREG
from typing import Any

import retroblog
from retroblog.data.reading import file_kind
from retroblog.errors import DatasetError
from retroblog.util.files import atomic_write

PACKAGE = Path(retroblog.__file__).resolve().parent
"""The installed retroblog package, whose files shape every block's HTML."""
DEPENDENCIES = ("altair", "vl-convert-python", "polars")
"""The libraries whose versions shape a block's HTML besides retroblog's own files."""
_NOT_CODE = frozenset({".pyc", ".pyo"})


def tree_digest(folder: Path) -> str:
    """SHA-256 over every file under ``folder`` (path and bytes, in sorted order), caches left out."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in _NOT_CODE:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """What shapes a block's HTML besides its inputs: retroblog's own files and the versions of the
    libraries it draws with (metadata only: nothing is imported). Computed once per process."""
    parts = [f"retroblog={tree_digest(PACKAGE)}"]
    for name in DEPENDENCIES:
        try:
            parts.append(f"{name}={package_version(name)}")
        except Exception:  # pragma: no cover - every one is a dependency
            parts.append(f"{name}=-")
    return " ".join(parts)


_DIGESTS: dict[tuple[str, int, int, int], str] = {}
_DIGESTS_LOCK = threading.Lock()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, remembered while its size, inode and modification time stay the same.

    Only a regular file is read (``stat`` never waits): a FIFO or a device named as a dataset would
    otherwise hang the build here, or hash /dev/zero for ever, before its loader could refuse it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DatasetError.single(path, "no such file") from None
    except OSError as exc:
        raise DatasetError.single(path, f"cannot be read: {exc.strerror}") from None
    if not S_ISREG(stat.st_mode):
        raise DatasetError.single(path, f"is {file_kind(stat.st_mode)}, not a regular file; it is not read")
    stamp = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    with _DIGESTS_LOCK:
        known = _DIGESTS.get(stamp)
    if known is None:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        known = digest.hexdigest()
        with _DIGESTS_LOCK:
            _DIGESTS[stamp] = known
    return known


def fragment_key(parts: dict[str, Any]) -> str:
    """A stable key for a block: canonical JSON of its parts plus the digest of the code, hashed."""
    text = json.dumps({**parts, "code": code_digest()}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class FragmentStore:
    """Finished block HTML by key, in memory and (given a folder) on disk, shared by processes."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[str, str] = {}
        self.used: set[str] = set()
        """Keys read or written since the last ``start()``: what ``prune()`` keeps."""
        self._lock = threading.Lock()

    def start(self) -> None:
        """A new build begins: forget which entries were used."""
        self.used = set()

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.html" if self.folder else None

    def get(self, key: str) -> str | None:
        with self._lock:
            self.used.add(key)
            if key in self.memory:
                return self.memory[key]
        path = self._path(key)
        if path is None:
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        with self._lock:
            self.memory[key] = text
        return text

    def put(self, key: str, text: str) -> None:
        self.remember(key, text)
        path = self._path(key)
        if path is not None:
            atomic_write(path, text, overwrite=True, durable=False)

    def remember(self, key: str, text: str) -> None:
        """Keep an entry in memory only: one another process (the worker) has written to disk already."""
        with self._lock:
            self.used.add(key)
            self.memory[key] = text

    def prune(self) -> int:
        """Delete the files of entries this build did not use (a changed dataset leaves old ones)."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        removed = 0
        for path in self.folder.glob("*.html"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        with self._lock:
            self.memory = {k: v for k, v in self.memory.items() if k in self.used}
        return removed

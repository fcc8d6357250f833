"""Safe file writes: nothing a user owns is overwritten unless asked, and never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from retroblog.errors import ExistsError


def atomic_write(path: str | Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename.

    Raises ``ExistsError`` when ``path`` exists and ``overwrite`` is false. The folder is created.
    Readers never see a half-written file; a crash leaves the old file (or none) in place.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise ExistsError(f"{target}: exists; not overwritten (use --force to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            Path(tmp).chmod(target.stat().st_mode & 0o7777)
        else:
            Path(tmp).chmod(0o666 & ~_umask())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

"""Resume state of the API collectors: what an interrupted run had fetched, so a re-run goes on.

The state lives in the user's cache folder (``$XDG_CACHE_HOME/retroblog/collect``), not next to the
dataset, so it is never published with a site; it holds the rows fetched so far and where to go on,
never a token. It is written atomically after every page and deleted when the run completes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

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

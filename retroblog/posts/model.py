"""What every importer produces: a post in mkdocs-material's terms, a report of how it got there, and
the files that would be written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from retroblog.posts.dates import PostDate

Kind = Literal["mapped", "kept", "dropped", "repaired", "check", "problem"]
"""``check``: a repair that had to be chosen (an ambiguous mojibake), for the author to look at."""


@dataclass
class Report:
    """What happened to one source file: mapped, kept, dropped, repaired keys and problems."""

    source: str
    """The file that was read, as the user named it."""
    format: str = "unknown"
    target: str | None = None
    """The file written (or that would be, with ``--dry-run``)."""
    status: str = "pending"
    """``written``, ``would write``, ``exists`` (skipped), ``unchanged``, ``failed``."""
    entries: list[tuple[Kind, str]] = field(default_factory=list)

    def add(self, kind: Kind, message: str) -> None:
        self.entries.append((kind, message))

    @property
    def problems(self) -> list[str]:
        return [message for kind, message in self.entries if kind == "problem"]

    def lines(self) -> list[str]:
        """The report as text lines, stable for tests: a heading, then one line per entry."""
        target = f" -> {self.target}" if self.target else ""
        out = [f"{self.source} ({self.format}){target}: {self.status}"]
        out.extend(f"  {kind}: {message}" for kind, message in self.entries)
        return out


@dataclass
class Post:
    """A post ready to be written as mkdocs-material blog Markdown."""

    title: str
    created: PostDate
    slug: str
    body: str
    updated: PostDate | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    draft: bool = False
    readtime: int | None = None
    image: str | None = None
    """The cover image (mkdocs-rss-plugin reads ``image`` for the feeds; the post template shows it)."""
    hide: list[str] = field(default_factory=list)
    page: dict[str, Any] = field(default_factory=dict)
    """Keys MkDocs or Material understand on any page (``icon``, ``status``, ``template``, ...), kept."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Everything else, written under the ``retroblog:`` key so nothing is lost."""


@dataclass
class Write:
    """One file ``retroblog import`` would write: the post, or an image copied or downloaded next to it."""

    target: Path
    data: bytes
    source: str | None = None
    """The file copied (a local image)."""
    url: str | None = None
    """The address to fetch (a remote image under ``--dry-run``: nothing is fetched, ``data`` is empty)."""

"""Errors that users see: every exception class a user can meet is here.

Every error names where the problem is (file and line or row), what was found and what was expected.
Adapters (the CLI, the MkDocs plugin, the Markdown extension) turn them into one-line messages without a
traceback; library code only raises them. (A module may keep a private exception for its own control
flow, such as a retry; it never reaches a user.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_REPORTED = 50
"""How many problems of one file are listed before the rest are only counted."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem at one place of a user's file."""

    path: str
    line: int | None
    message: str
    column: str | None = None
    location: str = "line"
    """How `line` is named in the message: ``line`` for text files, ``row`` for Parquet, ``record`` for
    JSON arrays where the record number is clearer than the line."""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.location != "line" and self.line is not None:
            where = f"{self.path}, {self.location} {self.line}"
        column = f" column '{self.column}':" if self.column else ""
        return f"{where}:{column} {self.message}"


class RetroblogError(Exception):
    """Base class of every error retroblog raises on bad input."""


class DatasetError(RetroblogError):
    """A dataset file could not be read or did not validate; carries every problem found."""

    def __init__(self, problems: list[Problem], *, total: int | None = None) -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        super().__init__(self._format())

    def _format(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_REPORTED]]
        hidden = self.total - min(len(self.problems), MAX_REPORTED)
        if hidden > 0:
            lines.append(f"... and {hidden} more problems in the same file")
        if self.total > 1:
            first = self.problems[0].path if self.problems else "dataset"
            lines.insert(0, f"{first}: {self.total} problems")
        return "\n".join(lines)

    @classmethod
    def single(
        cls,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        location: str = "line",
    ) -> DatasetError:
        """One problem, as an error."""
        return cls([Problem(str(path), line, message, column, location)])


class ConfigError(RetroblogError):
    """A setting in mkdocs.yml, a chart block or another option is wrong."""


class PostError(RetroblogError):
    """A post could not be read: names the file and the line."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {message}")


class BlockError(RetroblogError):
    """A problem in one block: ``line`` counts from the block's first line (its fence).

    ``shared``: the problem is not the block's own but its dataset's (a ``DatasetError``), the same for
    every block that reads it; a preview shows it once per page.
    """

    def __init__(self, message: str, line: int = 0, *, shared: bool = False) -> None:
        self.line = line
        self.message = message
        self.shared = shared
        super().__init__(message)


class ExistsError(RetroblogError):
    """The target exists and overwriting was not asked for."""


class CollectError(RetroblogError):
    """A collector could not do its work: names the source, what happened and what to do."""


class AuthError(CollectError):
    """The server refused the token (missing, expired, revoked or without the needed scope)."""


class ScaffoldError(RetroblogError):
    """The site cannot be written where asked (the folder is not empty, a path is in the way)."""


class PublishError(RetroblogError):
    """The site's address cannot be told from its git remote."""

"""The canonical PR record and the column names people actually use for its fields.

One table (``FIELDS``) is the single source of truth: the loaders map headers through it, the docs page
"Data formats" is checked against it by a test, and collectors write these canonical names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retroblog.errors import ConfigError, DatasetError
from retroblog.util.quote import quoted

# Light module: the plugin and the Markdown extension import it at startup, so it never imports polars.

LINE = "_line"
"""Column holding the source line (text files) or row (Parquet) of each record."""

SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".parquet": "parquet",
    ".pq": "parquet",
}
"""Dataset formats by file suffix."""

DEFAULT_EDGES: tuple[int, ...] = (10, 100, 500, 1000)
"""Default size-bucket edges on additions: ``<10``, ``10-100``, ``100-500``, ``500-1000``, ``>1000``."""


def check_edges(edges: Sequence[int]) -> tuple[int, ...]:
    """Edges must be whole numbers, increasing; raise ``ConfigError`` otherwise."""
    values = tuple(edges)
    if not values or any(isinstance(e, bool) or not isinstance(e, int) or e < 0 for e in values):
        raise ConfigError(f"size buckets: expected increasing whole numbers such as [10, 100, 500], got {list(values)}")
    if any(b <= a for a, b in pairwise(values)):
        raise ConfigError(f"size buckets: edges must increase, got {list(values)}")
    return values


def check_timezone(name: str, where: str = "timezone") -> str:
    """A valid IANA timezone name, or a ConfigError-style DatasetError naming the setting."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DatasetError.single(
            where, f"unknown timezone {quoted(name)}; expected an IANA name such as UTC or Europe/Berlin"
        ) from None
    return name


Kind = Literal["datetime", "count", "text", "labels"]


@dataclass(frozen=True, slots=True)
class Field:
    """A canonical field of a PR record."""

    name: str
    kind: Kind
    description: str
    aliases: tuple[str, ...] = ()
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "merged_at",
        "datetime",
        "When the PR was merged: a date (`2021-03-04`) or a datetime with a timezone "
        "(`2021-03-04T10:00:00Z`, `2021-03-04 10:00:00 +0200`); Notion display dates "
        "(`June 27, 2022 11:17 PM`) are read too. Dates without a timezone are in the dataset's timezone.",
        (
            "mergedAt",
            "merged",
            "merge date",
            "merged date",
            "merged on",
            "date merged",
            "date",
            "Date when the PR was merged",
            "completed",
            "completion date",
            "closedDate",
            "closed",
        ),
        required=True,
    ),
    Field(
        "additions",
        "count",
        "Lines inserted.",
        (
            "inserts",
            "insertions",
            "lines added",
            "added",
            "Number of inserts",
            "adds",
            "+",
        ),
    ),
    Field(
        "deletions",
        "count",
        "Lines deleted.",
        (
            "deletes",
            "lines deleted",
            "lines removed",
            "removed",
            "deleted",
            "Number of deletes",
            "dels",
            "-",
        ),
    ),
    Field(
        "lines_changed",
        "count",
        "Inserted plus deleted lines; derived from additions and deletions when absent.",
        ("Lines of code changed", "lines changed", "changes", "churn", "loc", "delta"),
    ),
    Field(
        "comments",
        "count",
        "Conversation comments. In `gh pr list --json` output, the length of the `comments` list.",
        ("Number of comments", "comment count", "user_notes_count", "userNotesCount", "notes"),
    ),
    Field(
        "review_comments",
        "count",
        "Review comments on the diff.",
        ("reviewComments", "review comment count", "Number of review comments"),
    ),
    Field(
        "changed_files",
        "count",
        "Files changed.",
        ("changedFiles", "files", "files changed", "file count", "fileCount", "changes_count"),
    ),
    Field(
        "commits",
        "count",
        "Commits in the PR.",
        ("commit count", "Number of commits", "commits_count"),
    ),
    Field(
        "number",
        "count",
        "The PR number (GitHub `number`, GitLab `iid`, Azure DevOps `pullRequestId`).",
        ("PR", "PR #", "PR number", "pull request", "iid", "pullRequestId", "id", "#"),
    ),
    Field(
        "repo",
        "text",
        "Repository: `owner/name`, `group/project`, `project/repo` or a local path.",
        ("repository", "project", "repo name", "nameWithOwner", "repository_name"),
    ),
    Field(
        "title",
        "text",
        "The PR title.",
        ("name", "PR title", "subject", "summary"),
    ),
    Field(
        "url",
        "text",
        "Link to the PR.",
        ("html_url", "web_url", "link", "PR link", "permalink"),
    ),
    Field(
        "created_at",
        "datetime",
        "When the PR was opened; same formats as `merged_at`.",
        ("createdAt", "created", "creationDate", "opened", "created time", "opened at"),
    ),
    Field(
        "labels",
        "labels",
        "Labels: a list, or one string separated by commas or semicolons.",
        ("label", "tags", "tag"),
    ),
    Field(
        "languages",
        "text",
        "Lines inserted and deleted per language, as `retroblog collect git` writes them: "
        "`Python:120/30;Markdown:10/0` (`LANGUAGE:INSERTED/DELETED`, separated by semicolons). "
        "Empty: unknown.",
        ("language lines", "lines by language"),
    ),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "count")
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "text")
DATETIME_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "datetime")


def header_key(header: str) -> str:
    """Compare headers without case, spaces, punctuation or a BOM: ``Merged At`` == ``merged_at``.

    Headers made only of punctuation (``+``, ``-``, ``#``) keep it, so that they stay distinct.
    """
    cleaned = header.replace("\ufeff", "").strip().casefold()
    key = re.sub(r"[^0-9a-z]+", "", cleaned)
    return key or cleaned


ALIASES: dict[str, str] = {}
for _field in FIELDS:
    for _name in (_field.name, *_field.aliases):
        _key = header_key(_name)
        if _key in ALIASES and ALIASES[_key] != _field.name:  # pragma: no cover - guarded by tests
            raise RuntimeError(f"alias {_name!r} is claimed by two fields")
        ALIASES[_key] = _field.name


def canonical_name(header: str) -> str | None:
    """The canonical field a column header stands for, or None for a column that is kept as is."""
    return ALIASES.get(header_key(header))


def alias_table() -> str:
    """The Markdown table of fields and accepted column names, as shown in docs/data-formats.md."""
    rows = ["| field | kind | accepted column names | meaning |", "| --- | --- | --- | --- |"]
    for f in FIELDS:
        names = ", ".join(f"`{a}`" for a in (f.name, *f.aliases))
        required = " **Required.**" if f.required else ""
        rows.append(f"| `{f.name}` | {f.kind} | {names} | {f.description}{required} |")
    return "\n".join(rows)


LANGUAGE_FORMAT = "LANGUAGE:INSERTED/DELETED entries separated by semicolons, such as Python:120/30;Markdown:10/0"
"""What a ``languages`` cell holds, for error messages."""
LANGUAGE_NAME_CHARS = frozenset(":;/\n\r\t")
"""Characters a language's name in a ``languages`` cell cannot hold (they separate its parts)."""


def parse_languages(text: str) -> tuple[dict[str, tuple[int, int]], str | None]:
    """A ``languages`` cell (``Python:120/30;Markdown:10/0``) as ``{language: (inserted, deleted)}``, and
    None; or what is wrong with it (the first problem, in words) and the languages read before it.

    Entries are separated by ``;`` (a trailing one is allowed), spaces around parts are ignored, each
    language appears once and its counts are whole numbers of 0 or more."""
    out: dict[str, tuple[int, int]] = {}
    for number, entry in enumerate(text.split(";"), start=1):
        entry = entry.strip()
        if not entry:
            continue
        name, colon, counts = entry.rpartition(":")
        name = name.strip()
        added, slash, deleted = counts.partition("/")
        added, deleted = added.strip(), deleted.strip()
        where = f"entry {number} {quoted(entry)}"
        if not colon:
            return out, f"{where} has no ':' between the language and its lines; expected {LANGUAGE_FORMAT}"
        if not name:
            return out, f"{where} has no language name before ':'; expected {LANGUAGE_FORMAT}"
        if any(c in LANGUAGE_NAME_CHARS for c in name):
            return out, f"{where}: a language name cannot hold ':', ';' or '/'; expected {LANGUAGE_FORMAT}"
        if not slash or not all(part.isascii() and part.isdigit() for part in (added, deleted)):
            return out, (
                f"{where}: expected two whole numbers of lines, inserted/deleted, after '{name}:' "
                f"(such as {name}:120/30)"
            )
        if name in out:
            return out, f"{where}: '{name}' is given twice; expected each language once"
        if len(added) > 15 or len(deleted) > 15:
            return out, f"{where}: a count of lines has more than 15 digits"
        out[name] = (int(added), int(deleted))
    return out, None


def format_languages(lines: dict[str, tuple[int, int]]) -> str | None:
    """``{language: (inserted, deleted)}`` as a ``languages`` cell, most lines changed first (ties by
    name); None for none (unknown is written empty)."""
    ordered = sorted(lines.items(), key=lambda item: (-(item[1][0] + item[1][1]), item[0]))
    return ";".join(f"{name}:{added}/{deleted}" for name, (added, deleted) in ordered) or None

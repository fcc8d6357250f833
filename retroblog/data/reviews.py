"""Reviews datasets: the PRs a user reviewed but did not author, one row per PR.

A reviews dataset is its own file (``retroblog collect github|gitlab|azure --reviews`` writes one),
declared in the site's ``datasets:`` with ``kind: reviews``. Its columns (``REVIEW_FIELDS``) are
``reviewed_at`` (required: when the user first reviewed the PR), ``repo``, ``number``, ``url``,
``title``, ``reviews`` (reviews, approvals or votes the user gave on it) and ``comments`` (review comments
and notes the user left). Other columns are kept as extras. Every file format of PR datasets is read
(``retroblog.data.loaders.read_raw``), and values are checked by the PR validator's own readers: a
bad row is an error that names the file, the line (or row), the column and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from retroblog.data.schema import FIELD_BY_NAME, LINE, Field, check_timezone, header_key
from retroblog.errors import MAX_REPORTED, DatasetError, Problem
from retroblog.util.quote import QUOTE_CHARS, clipped, quoted

if TYPE_CHECKING:
    import polars as pl

KIND = "reviews"
"""The ``kind`` of a reviews dataset in the site's ``datasets:``."""

REVIEW_FIELDS: tuple[Field, ...] = (
    Field(
        "reviewed_at",
        "datetime",
        "When the user first reviewed the PR (their first submitted review, approval or comment); same "
        "formats as `merged_at`.",
        ("reviewedAt", "reviewed", "reviewed on", "review date", "date reviewed", "submittedAt", "date"),
        required=True,
    ),
    Field("repo", "text", FIELD_BY_NAME["repo"].description, FIELD_BY_NAME["repo"].aliases),
    Field("number", "count", FIELD_BY_NAME["number"].description, FIELD_BY_NAME["number"].aliases),
    Field("url", "text", FIELD_BY_NAME["url"].description, FIELD_BY_NAME["url"].aliases),
    Field("title", "text", FIELD_BY_NAME["title"].description, FIELD_BY_NAME["title"].aliases),
    Field(
        "reviews",
        "count",
        "Reviews the user submitted on the PR (GitHub), their approval (GitLab: 1 or 0) or their vote "
        "(Azure DevOps: 1 for a vote, 0 for none).",
        ("review count", "reviews given", "approvals", "votes", "Number of reviews"),
    ),
    Field(
        "comments",
        "count",
        "Review comments and notes the user left on the PR.",
        ("review_comments", "review comments", "comment count", "notes", "Number of comments"),
    ),
)
"""The columns of a reviews dataset, in order."""

REVIEW_FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in REVIEW_FIELDS}
REVIEW_COLUMNS: tuple[str, ...] = tuple(f.name for f in REVIEW_FIELDS)

_ALIASES: dict[str, str] = {header_key(a): f.name for f in REVIEW_FIELDS for a in (f.name, *f.aliases)}


def review_name(header: str) -> str | None:
    """The reviews field a column header stands for, or None for a column kept as an extra."""
    return _ALIASES.get(header_key(header))


@dataclass
class ReviewsDataset:
    """A validated reviews dataset: the typed columns of ``REVIEW_FIELDS``, extras, and each row's line."""

    name: str
    path: Path
    timezone: str
    frame: pl.DataFrame
    warnings: list[Problem] = field(default_factory=list)
    fingerprint: str = ""
    private: bool = False

    def __len__(self) -> int:
        return self.frame.height


def load_reviews(
    path: str | Path,
    *,
    name: str | None = None,
    timezone: str = "UTC",
    private: bool = False,
    today: dt.date | None = None,
) -> ReviewsDataset:
    """Read and validate a reviews dataset file. Raises ``DatasetError`` naming every bad row."""
    from retroblog.data.loaders import read_raw

    path = Path(path)
    check_timezone(timezone)
    raw = read_raw(path)
    frame, warnings = _validate(raw, timezone, today or dt.date.today())
    digest = hashlib.sha256(f"reviews\0{raw.digest}\0{timezone}".encode())
    return ReviewsDataset(
        name=name or path.stem,
        path=path,
        timezone=timezone,
        frame=frame,
        warnings=warnings,
        fingerprint=digest.hexdigest()[:16],
        private=private,
    )


def _validate(raw: object, timezone: str, today: dt.date) -> tuple[pl.DataFrame, list[Problem]]:
    import polars as pl

    from retroblog.data.loaders import RawTable
    from retroblog.data.validate import _Checker

    assert isinstance(raw, RawTable)
    checker = _Checker(raw, timezone)
    chosen: dict[str, str] = {}
    for column in raw.frame.columns:
        if column == LINE:
            continue
        wanted = review_name(column)
        if wanted is None:
            continue
        if wanted in chosen:
            checker.warnings.append(
                Problem(
                    str(raw.path),
                    1 if raw.location == "line" else None,
                    f"also means '{wanted}'; column '{clipped(chosen[wanted], QUOTE_CHARS)}' is used and this "
                    "one is kept as an extra column",
                    clipped(column, QUOTE_CHARS),
                )
            )
            continue
        chosen[wanted] = column
    if "reviewed_at" not in chosen:
        accepted = ", ".join(repr(a) for a in ("reviewed_at", *REVIEW_FIELD_BY_NAME["reviewed_at"].aliases))
        raise DatasetError.single(
            raw.path,
            f"no review date column; a reviews dataset needs one named {accepted}",
            line=1 if raw.location == "line" else None,
        )
    checker.source = dict(chosen)
    renamed: dict[str, str] = {}
    for wanted, column in chosen.items():
        if column != wanted:
            if wanted in raw.frame.columns:
                renamed[wanted] = f"{wanted} (original)"
            renamed[column] = wanted
    frame = raw.frame.rename(renamed)
    columns: list[pl.Series] = []
    for spec in REVIEW_FIELDS:
        if spec.name not in chosen:
            dtype: pl.DataType = pl.Int64() if spec.kind == "count" else pl.String()
            columns.append(pl.Series(spec.name, [None] * frame.height, dtype=dtype))
            continue
        series = frame[spec.name]
        if spec.kind == "count":
            columns.append(checker.counts(series))
        elif spec.kind == "text":
            columns.append(checker.texts(series))
        else:
            reported = {p.line for p in checker.errors if p.column == clipped(chosen[spec.name], QUOTE_CHARS)}
            values = checker.datetimes(series, required=False)
            reported |= {p.line for p in checker.errors if p.column == clipped(chosen[spec.name], QUOTE_CHARS)}
            missing = values.is_null()
            if reported:
                missing = missing & ~frame[LINE].is_in(list(reported))
            checker._report(
                missing,
                spec.name,
                lambda v: "no review date; every row needs reviewed_at (a date such as 2021-03-04)",
            )
            columns.append(values)
    frame = frame.with_columns(columns)
    checker._report(
        frame["reviewed_at"].dt.date() > today,
        "reviewed_at",
        lambda v: f"{quoted(v)} is in the future (today is {today.isoformat()}); kept, but check it",
        warn=True,
    )
    checker._duplicates(frame, ["repo", "number"], "number", "repo and number")
    checker._duplicates(frame, ["url"], "url", "url")
    if checker.errors:
        errors = sorted(checker.errors, key=lambda p: (p.line or 0, p.column or ""))
        raise DatasetError(errors[:MAX_REPORTED], total=checker.error_count)
    extras = [c for c in frame.columns if c not in REVIEW_FIELD_BY_NAME and c != LINE]
    frame = frame.select([*REVIEW_COLUMNS, *extras, LINE]).sort("reviewed_at", maintain_order=True)
    return frame, sorted(checker.warnings, key=lambda p: p.line or 0)


REVIEW_CHARTS = frozenset({"reviews-per-year", "reviews-per-month", "merged-vs-reviewed", "top-reviewed-repos"})
"""The built-in chart types that read a reviews dataset (``retroblog.charts.reviews``); named here, in a
light module, so that a block's cache key takes in the reviews file without importing the charts."""

STAT_PREFIX = "reviews."
"""Stat keys that read the site's reviews dataset (``reviews.prs``, ``reviews.by_year.2021`` ...)."""


def reads_reviews(kind: str, options: dict[str, object] | object, stat_key: str | None) -> bool:
    """Whether a block (``chart``, ``stat`` or ``stats``) reads a reviews dataset."""
    from collections.abc import Mapping

    if not isinstance(options, Mapping):
        return False
    if kind == "chart":
        return options.get("type") in REVIEW_CHARTS
    if kind == "stat":
        return str(stat_key or "").startswith(STAT_PREFIX)
    listed = options.get("stats")
    return isinstance(listed, list) and any(str(k).startswith(STAT_PREFIX) for k in listed)

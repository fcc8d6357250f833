"""Numbers of a reviews dataset (``retroblog.data.reviews``): PRs reviewed per year and month, by repository.

``select`` applies a block's ``from``/``to``/``year``/``repo`` to the review dates (in the reviews
dataset's timezone); ``review_stats`` is the table behind the ``reviews.*`` stat keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from retroblog.errors import ConfigError

if TYPE_CHECKING:
    import polars as pl

    from retroblog.data.reviews import ReviewsDataset
    from retroblog.stats.filters import Filters

PRIVATE_KEYS = ("reviews.top_repo", "reviews.by_repo")
"""Keys that name a repository: a private reviews dataset never publishes them."""


def select(reviews: ReviewsDataset, filters: Filters) -> pl.DataFrame:
    """The reviewed PRs that ``filters`` cover (by review date and repository; reviews have no labels)."""
    import polars as pl

    if filters.labels:
        raise ConfigError("'label' does not apply to reviews: a reviews dataset has no labels")
    conditions: list[pl.Expr] = []
    day = pl.col("reviewed_at").dt.date()
    if filters.start:
        conditions.append(day >= filters.start)
    if filters.end:
        conditions.append(day <= filters.end)
    if filters.repos:
        conditions.append(pl.col("repo").is_in(filters.repos))
    return reviews.frame.filter(*conditions) if conditions else reviews.frame


def per_period(frame: pl.DataFrame, grain: str) -> list[dict[str, Any]]:
    """``[{"period": "2021", "prs": 12}, ...]`` (``grain`` ``year`` or ``month``, ``2021-03``), every period
    from the first to the last, those without a review as 0."""
    if frame.is_empty():
        return []
    moments = frame["reviewed_at"]
    if grain == "year":
        years = moments.dt.year().to_list()
        counted = {str(y): years.count(y) for y in set(years)}
        keys = [str(y) for y in range(min(years), max(years) + 1)]
    else:
        months = moments.dt.strftime("%Y-%m").to_list()
        counted = {m: months.count(m) for m in set(months)}
        first, last = min(months), max(months)
        keys = []
        year, month = int(first[:4]), int(first[5:7])
        while f"{year:04d}-{month:02d}" <= last:
            keys.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [{"period": k, "prs": counted.get(k, 0)} for k in keys]


def by_repo(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """``[{"repo": "acme/api", "prs": 12}, ...]``, most reviewed first (ties by name); unknown repositories
    left out."""
    names = [r for r in frame["repo"].to_list() if r is not None]
    counted: dict[str, int] = {}
    for name in names:
        counted[name] = counted.get(name, 0) + 1
    return [{"repo": r, "prs": n} for r, n in sorted(counted.items(), key=lambda item: (-item[1], item[0]))]


def _sum(frame: pl.DataFrame, column: str) -> int | None:
    values = frame[column].drop_nulls()
    return int(values.sum()) if values.len() else None


def review_stats(reviews: ReviewsDataset, filters: Filters) -> dict[str, Any]:
    """The ``reviews.*`` stats: ``prs`` (PRs reviewed), ``reviews`` and ``comments`` given (None when
    every row leaves them unknown), ``repos``, ``first`` and ``last`` review dates, ``busiest_month``,
    ``top_repo``, and one ``by_year.YYYY`` and ``by_month.YYYY-MM`` entry per period."""
    frame = select(reviews, filters)
    months = per_period(frame, "month")
    repos = by_repo(frame)
    busiest = max(months, key=lambda r: r["prs"], default=None)
    dates = frame["reviewed_at"].dt.date()
    table: dict[str, Any] = {
        "prs": frame.height,
        "reviews": _sum(frame, "reviews"),
        "comments": _sum(frame, "comments"),
        "repos": len(repos),
        "first": dates.min().isoformat() if frame.height else None,  # type: ignore[union-attr]
        "last": dates.max().isoformat() if frame.height else None,  # type: ignore[union-attr]
        "busiest_month": {"period": busiest["period"], "prs": busiest["prs"]} if busiest else None,
        "top_repo": repos[0]["repo"] if repos else None,
    }
    table.update({f"by_year.{r['period']}": r["prs"] for r in per_period(frame, "year")})
    table.update({f"by_month.{r['period']}": r["prs"] for r in months})
    return table

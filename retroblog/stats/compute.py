"""Exact statistics of a dataset: totals, periods, size buckets, percentiles, streaks, repos.

Pure functions over a validated ``Dataset`` (polars expressions, one pass per grouping): no MkDocs,
no Altair. Periods are computed in the dataset's timezone, never the build machine's. Counts that are
unknown (null) are left out of sums and percentiles and reported under ``unknown``, never taken as 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import polars as pl

from retroblog.data.dataset import Dataset
from retroblog.data.schema import DEFAULT_EDGES, check_edges
from retroblog.stats.filters import Filters as Filters  # re-exported: the stats are of filtered PRs

METRICS: tuple[str, ...] = (
    "additions",
    "deletions",
    "lines_changed",
    "comments",
    "review_comments",
)
"""Summed per period besides the PR count."""

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PERCENTILES: tuple[int, ...] = (25, 50, 75, 90, 95, 99)


def bucket_labels(edges: Sequence[int]) -> list[str]:
    """Labels of the buckets that ``edges`` make, lower edge inclusive: ``<10``, ``10-100``, ..., ``>1000``."""
    check_edges(edges)
    labels = [f"<{edges[0]}"]
    labels += [f"{lo}-{hi}" for lo, hi in pairwise(edges)]
    labels.append(f">{edges[-1]}")
    return labels


@dataclass
class Stats:
    """Every statistic of a (filtered) dataset. ``to_dict`` is the JSON of ``retroblog stats --json``."""

    dataset: str
    timezone: str
    filters: Filters
    edges: tuple[int, ...]
    total_prs: int
    totals: dict[str, int]
    unknown: dict[str, int]
    first_merged: str | None
    last_merged: str | None
    periods: dict[str, list[dict[str, Any]]]
    size_buckets: dict[str, int]
    size: dict[str, float | int | None]
    lines_changed_size: dict[str, float | int | None]
    busiest: dict[str, dict[str, Any] | None]
    longest_streak: dict[str, Any]
    by_repo: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)

    def counts(self, period: str) -> dict[str, int]:
        """``{"2020": 129, ...}`` for a period name (year, quarter, month, week, weekday)."""
        return {row["period"]: row["prs"] for row in self.periods[period]}

    def to_dict(self) -> dict[str, Any]:
        filters = {
            "from": self.filters.start.isoformat() if self.filters.start else None,
            "to": self.filters.end.isoformat() if self.filters.end else None,
            "repo": list(self.filters.repos),
            "label": list(self.filters.labels),
        }
        return {
            "dataset": self.dataset,
            "timezone": self.timezone,
            "filters": filters,
            "total_prs": self.total_prs,
            **self.totals,
            "unknown": self.unknown,
            "first_merged": self.first_merged,
            "last_merged": self.last_merged,
            "by_year": self.counts("year"),
            "by_quarter": self.counts("quarter"),
            "by_month": self.counts("month"),
            "by_week": self.counts("week"),
            "by_weekday": self.counts("weekday"),
            "size_buckets": self.size_buckets,
            "size_bucket_edges": list(self.edges),
            "size": self.size,
            "lines_changed_size": self.lines_changed_size,
            "busiest_month": self.busiest["month"],
            "busiest_quarter": self.busiest["quarter"],
            "longest_streak": self.longest_streak,
            "by_repo": {row["repo"]: row["prs"] for row in self.by_repo},
            "periods": self.periods,
            "repos": self.by_repo,
        }


def compute(dataset: Dataset, filters: Filters | None = None, edges: Sequence[int] = DEFAULT_EDGES) -> Stats:
    """All statistics of ``dataset`` restricted to ``filters``."""
    filters = filters or Filters()
    edges = check_edges(edges)
    frame = filters.apply(dataset.frame)
    local = pl.col("merged_at")
    base = frame.lazy().select(
        local.dt.year().alias("y"),
        local.dt.month().alias("m"),
        local.dt.iso_year().alias("iy"),
        local.dt.week().alias("w"),
        local.dt.weekday().alias("wd"),
        pl.col("merged_at").dt.date().alias("day"),
        *[pl.col(m) for m in METRICS],
        pl.col("repo"),
    )
    sums = [pl.len().alias("prs"), *[pl.col(m).sum().alias(m) for m in METRICS]]
    bucket = pl.sum_horizontal([(pl.col("additions") >= e).cast(pl.Int32) for e in edges])
    quantiles = [pl.col("additions").quantile(p / 100, "linear").alias(f"p{p}") for p in PERCENTILES]
    lc_quantiles = [pl.col("lines_changed").quantile(p / 100, "linear").alias(f"p{p}") for p in PERCENTILES]
    month_q, week_q, weekday_q, bucket_q, size_q, lc_q, total_q, repo_q = pl.collect_all(
        [
            base.group_by("y", "m").agg(sums).sort("y", "m"),
            base.group_by("iy", "w").agg(sums).sort("iy", "w"),
            base.group_by("wd").agg(sums).sort("wd"),
            base.filter(pl.col("additions").is_not_null()).group_by(bucket.alias("b")).agg(pl.len().alias("n")),
            base.select(
                *quantiles,
                pl.col("additions").mean().alias("mean"),
                pl.col("additions").max().alias("max"),
            ),
            base.select(
                *lc_quantiles,
                pl.col("lines_changed").mean().alias("mean"),
                pl.col("lines_changed").max().alias("max"),
            ),
            base.select(
                pl.len().alias("prs"),
                *[pl.col(m).sum().alias(m) for m in METRICS],
                *[pl.col(m).null_count().alias(f"unknown_{m}") for m in METRICS],
                pl.col("day").min().alias("first"),
                pl.col("day").max().alias("last"),
            ),
            base.group_by("repo").agg(sums).sort(["prs", "repo"], descending=[True, False], nulls_last=True),
        ]
    )
    total = total_q.row(0, named=True)
    labels = bucket_labels(edges)
    bucket_counts = dict.fromkeys(labels, 0)
    for b, n in bucket_q.iter_rows():
        bucket_counts[labels[b]] = n
    months = _fill_months(month_q)
    periods = {
        "year": _roll_up(months, lambda key: key[:4]),
        "quarter": _roll_up(months, lambda key: f"{key[:4]}-Q{(int(key[5:7]) - 1) // 3 + 1}"),
        "month": months,
        "week": _fill_weeks(week_q),
        "weekday": _weekdays(weekday_q),
    }
    return Stats(
        dataset=dataset.name,
        timezone=dataset.timezone,
        filters=filters,
        edges=edges,
        total_prs=total["prs"],
        totals={m: total[m] for m in METRICS},
        unknown={m: total[f"unknown_{m}"] for m in METRICS},
        first_merged=total["first"].isoformat() if total["first"] else None,
        last_merged=total["last"].isoformat() if total["last"] else None,
        periods=periods,
        size_buckets=bucket_counts,
        size=_size_row(size_q),
        lines_changed_size=_size_row(lc_q),
        busiest={"month": _busiest(periods["month"]), "quarter": _busiest(periods["quarter"])},
        longest_streak=_streak(periods["week"]),
        by_repo=[
            {"repo": row["repo"], **{k: row[k] for k in ("prs", *METRICS)}}
            for row in repo_q.iter_rows(named=True)
            if row["repo"] is not None
        ],
    )


def _row(period: str, values: Mapping[str, Any] | None) -> dict[str, Any]:
    row: dict[str, Any] = {"period": period, "prs": 0, **dict.fromkeys(METRICS, 0)}
    if values:
        for key in ("prs", *METRICS):
            row[key] = values[key] or 0
    return row


def _fill_months(table: pl.DataFrame) -> list[dict[str, Any]]:
    found = {(r["y"], r["m"]): r for r in table.iter_rows(named=True)}
    if not found:
        return []
    (y, m), last = min(found), max(found)
    rows = []
    while (y, m) <= last:
        rows.append(_row(f"{y:04d}-{m:02d}", found.get((y, m))))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows


def _fill_weeks(table: pl.DataFrame) -> list[dict[str, Any]]:
    found = {(r["iy"], r["w"]): r for r in table.iter_rows(named=True)}
    if not found:
        return []
    first, last = min(found), max(found)
    monday = dt.date.fromisocalendar(first[0], first[1], 1)
    end = dt.date.fromisocalendar(last[0], last[1], 1)
    rows = []
    while monday <= end:
        iy, w, _ = monday.isocalendar()
        row = _row(f"{iy:04d}-W{w:02d}", found.get((iy, w)))
        row["start"] = monday.isoformat()
        rows.append(row)
        monday += dt.timedelta(days=7)
    return rows


def _roll_up(months: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in months:
        target = out.setdefault(key(row["period"]), _row(key(row["period"]), None))
        for metric in ("prs", *METRICS):
            target[metric] += row[metric]
    return list(out.values())


def _weekdays(table: pl.DataFrame) -> list[dict[str, Any]]:
    found = {r["wd"]: r for r in table.iter_rows(named=True)}
    return [_row(name, found.get(i)) for i, name in enumerate(WEEKDAYS, start=1)]


def _size_row(table: pl.DataFrame) -> dict[str, float | int | None]:
    row = table.row(0, named=True)
    out: dict[str, float | int | None] = {}
    for p in PERCENTILES:
        out["median" if p == 50 else f"p{p}"] = _number(row[f"p{p}"])
    out["mean"] = _number(row["mean"], 1)
    out["max"] = row["max"]
    return out


def _number(value: float | None, digits: int = 2) -> float | int | None:
    if value is None:
        return None
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() else rounded


def _busiest(rows: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    for row in rows:
        if row["prs"] and (best is None or row["prs"] > best["prs"]):
            best = {"period": row["period"], "prs": row["prs"]}
    return best


def _streak(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    """Longest run of consecutive ISO weeks with at least one merged PR (earliest run wins ties)."""
    best: dict[str, Any] = {"weeks": 0, "start": None, "end": None}
    run_start: str | None = None
    run = 0
    for row in weeks:
        if row["prs"]:
            run_start = row["period"] if run == 0 else run_start
            run += 1
            if run > best["weeks"]:
                best = {"weeks": run, "start": run_start, "end": row["period"]}
        else:
            run = 0
    return best

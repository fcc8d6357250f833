"""Exact statistics of a dataset: totals, periods, size buckets, percentiles, streaks, repos.

Pure functions over a validated ``Dataset`` (polars expressions, one pass per grouping): no MkDocs,
no Altair. Periods are computed in the dataset's timezone, never the build machine's. Counts that are
unknown (null) are left out of sums and percentiles and reported under ``unknown``, never taken as 0;
a sum none of whose PRs has the count known (comments of a git history, which has none) is None.

Periods run without a gap over the range a period filter selects (a ``year``, ``from``/``to``),
clipped only to the first and last merge of the whole dataset: ``year: 2019`` has all twelve months of
2019 (a month without PRs counts 0) unless the dataset begins or ends within 2019. Without a period
filter they run from the first to the last merge selected (of one repository, say).
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
from retroblog.stats.story import time_to_merge

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
    totals: dict[str, int | None]
    """Each metric's sum over the PRs that have it; None when the PRs have it unknown, every one."""
    unknown: dict[str, int]
    """PRs whose count of each metric is unknown."""
    first_merged: str | None
    last_merged: str | None
    periods: dict[str, list[dict[str, Any]]]
    """Rows per period name (year ... weekday): ``period``, ``prs`` and each metric (None when it is
    unknown for every PR of the period; 0 in a period without PRs)."""
    size_buckets: dict[str, int]
    size: dict[str, float | int | None]
    lines_changed_size: dict[str, float | int | None]
    busiest: dict[str, dict[str, Any] | None]
    longest_streak: dict[str, Any]
    by_repo: list[dict[str, Any]]
    period_unknown: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    """PRs of unknown count by period name, period and metric, where there are any:
    ``{"year": {"2021": {"comments": 3}}}`` (a partly known period's cell says on how many PRs it is)."""
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
            **self.extra,
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
    sums = [
        pl.len().alias("prs"),
        *[pl.col(m).sum().alias(m) for m in METRICS],
        *[pl.col(m).null_count().alias(f"unknown_{m}") for m in METRICS],
    ]
    bucket = pl.sum_horizontal([(pl.col("additions") >= e).cast(pl.Int32) for e in edges])
    quantiles = [pl.col("additions").quantile(p / 100, "linear").alias(f"p{p}") for p in PERCENTILES]
    lc_quantiles = [pl.col("lines_changed").quantile(p / 100, "linear").alias(f"p{p}") for p in PERCENTILES]
    day = pl.col("merged_at").dt.date()
    month_q, week_q, weekday_q, bucket_q, size_q, lc_q, total_q, repo_q, span_q = pl.collect_all(
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
            base.select(*sums, pl.col("day").min().alias("first"), pl.col("day").max().alias("last")),
            base.group_by("repo").agg(sums).sort(["prs", "repo"], descending=[True, False], nulls_last=True),
            # the whole dataset's first and last merge: where the periods a filter selects are clipped
            dataset.frame.lazy().select(day.min().alias("first"), day.max().alias("last")),
        ]
    )
    total = total_q.row(0, named=True)
    labels = bucket_labels(edges)
    bucket_counts = dict.fromkeys(labels, 0)
    for b, n in bucket_q.iter_rows():
        bucket_counts[labels[b]] = n
    span = _span(filters, span_q.row(0), (total["first"], total["last"]))
    months = _fill_months(month_q, span)
    periods = {
        "year": _roll_up(months, lambda key: key[:4]),
        "quarter": _roll_up(months, lambda key: f"{key[:4]}-Q{(int(key[5:7]) - 1) // 3 + 1}"),
        "month": months,
        "week": _fill_weeks(week_q, span),
        "weekday": _weekdays(weekday_q),
    }
    period_unknown = {name: _unknowns(rows) for name, rows in periods.items()}
    for rows in periods.values():
        for row in rows:
            del row["unknown"]
    return Stats(
        dataset=dataset.name,
        timezone=dataset.timezone,
        filters=filters,
        edges=edges,
        total_prs=total["prs"],
        totals={m: _metric(total, m) for m in METRICS},
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
            {"repo": row["repo"], "prs": row["prs"], **{m: _metric(row, m) for m in METRICS}}
            for row in repo_q.iter_rows(named=True)
            if row["repo"] is not None
        ],
        period_unknown={name: found for name, found in period_unknown.items() if found},
        extra={"time_to_merge": time_to_merge(frame, dataset.timezone)},
    )


def _metric(values: Mapping[str, Any], metric: str) -> int | None:
    """A sum of ``values`` (a group's ``prs``, sums and ``unknown_*`` counts): None if every PR of the
    group has the count unknown, 0 for a group without PRs."""
    prs = values["prs"]
    return None if prs and values[f"unknown_{metric}"] == prs else values[metric] or 0


def _row(period: str, values: Mapping[str, Any] | None) -> dict[str, Any]:
    """A period's row; its ``unknown`` counts are taken out once the periods are rolled up."""
    row: dict[str, Any] = {"period": period, "prs": 0, **dict.fromkeys(METRICS, 0)}
    row["unknown"] = dict.fromkeys(METRICS, 0)
    if values:
        row["prs"] = values["prs"]
        for metric in METRICS:
            row[metric] = _metric(values, metric)
            row["unknown"][metric] = values[f"unknown_{metric}"]
    return row


def _span(
    filters: Filters,
    dataset_span: tuple[dt.date | None, dt.date | None],
    selected_span: tuple[dt.date | None, dt.date | None],
) -> tuple[dt.date, dt.date] | None:
    """The days the periods cover: the range a period filter selects, clipped to the dataset's first and
    last merge; with no period filter (all PRs, or a repository or label only), the selected PRs' own first
    to last merge. None when they do not meet, or nothing is selected."""
    first, last = dataset_span if filters.start or filters.end else selected_span
    if first is None or last is None:
        return None
    start = max(first, filters.start) if filters.start else first
    end = min(last, filters.end) if filters.end else last
    return (start, end) if start <= end else None


def _fill_months(table: pl.DataFrame, span: tuple[dt.date, dt.date] | None) -> list[dict[str, Any]]:
    if span is None:
        return []
    found = {(r["y"], r["m"]): r for r in table.iter_rows(named=True)}
    (y, m), last = (span[0].year, span[0].month), (span[1].year, span[1].month)
    rows = []
    while (y, m) <= last:
        rows.append(_row(f"{y:04d}-{m:02d}", found.get((y, m))))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows


def _fill_weeks(table: pl.DataFrame, span: tuple[dt.date, dt.date] | None) -> list[dict[str, Any]]:
    if span is None:
        return []
    found = {(r["iy"], r["w"]): r for r in table.iter_rows(named=True)}
    first = _monday(span[0])
    rows = []
    # Counted, not stepped to a Monday past the end: the week after 9999-12-27 is past dt.date.max.
    for index in range((_monday(span[1]) - first).days // 7 + 1):
        monday = first + dt.timedelta(days=7 * index)
        iy, w, _ = monday.isocalendar()
        row = _row(f"{iy:04d}-W{w:02d}", found.get((iy, w)))
        row["start"] = monday.isoformat()
        rows.append(row)
    return rows


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _roll_up(months: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for row in months:
        target = groups.setdefault(key(row["period"]), {"prs": 0, **dict.fromkeys(METRICS, 0)})
        target["prs"] += row["prs"]
        for metric in METRICS:
            target[metric] += row[metric] or 0
            target.setdefault(f"unknown_{metric}", 0)
            target[f"unknown_{metric}"] += row["unknown"][metric]
    return [_row(period, values) for period, values in groups.items()]


def _unknowns(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """The ``unknown`` counts of rows that have any: ``{"2021": {"comments": 3}}``."""
    found = {}
    for row in rows:
        counts = {metric: n for metric, n in row["unknown"].items() if n}
        if counts:
            found[row["period"]] = counts
    return found


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


def nothing_selected(dataset: Dataset, filters: Filters) -> str:
    """Why ``filters`` select no PR of ``dataset``: the filters in words and the dates the dataset covers
    (a private dataset's names counted, not named). The caller says what to widen, in its own terms."""
    merged = dataset.frame["merged_at"]
    first, last = merged.min(), merged.max()
    if not isinstance(first, dt.datetime) or not isinstance(last, dt.datetime):
        return f"the dataset '{dataset.name}' has no PRs"
    return (
        f"no PRs {filters.describe(private=dataset.private) or 'match the filters'} in the dataset "
        f"'{dataset.name}', whose PRs were merged from {first.date().isoformat()} to {last.date().isoformat()}"
    )

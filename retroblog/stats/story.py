"""More of the story than merged PRs: time to merge, the hours merges happen at, the languages changed.

Pure functions of a validated ``Dataset``'s frame (already filtered), like ``retroblog.stats.compute``:

- **time to merge**: from ``created_at`` to ``merged_at``, in hours, as exact elapsed time (a DST change
  in between counts as the clock really ran). With ``business_days``, the time that falls on a Saturday
  or Sunday of the dataset's timezone is left out. A PR whose ``created_at`` is unknown, or after its
  merge (a row the loader already warned about), has its time to merge unknown: it is counted under
  ``unknown``, never as 0, and a period all of whose PRs have it unknown has no median (None).
- **working hours**: merges by weekday and hour of the day in the dataset's timezone (polars' timezone
  conversion, so DST is that of the date). A merge time of exactly midnight is a date without a time
  of day (``2021-03-04``), which says nothing about the hour: it is left out and counted.
- **languages**: the ``languages`` column that ``retroblog collect git`` writes
  (``Python:120/30;Markdown:10/0``: lines inserted/deleted per language, ``retroblog.data.schema``),
  summed per language, and per year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from retroblog.data.schema import parse_languages

HOUR = 3600.0
PERIODS = ("year", "quarter", "month")
"""The periods a time-to-merge chart groups by (its ``per`` option)."""


# -------------------------------------------------------------------------------------------------
# Time to merge


def merge_hours(frame: pl.DataFrame, timezone: str, *, business_days: bool = False) -> pl.Series:
    """Each PR's time to merge in hours, in the frame's order; null where it is unknown (no
    ``created_at``, or one after ``merged_at``). Computed on whole columns: a million PRs take a
    fraction of a second, business days included (``_weekend_seconds``)."""
    created, merged = pl.col("created_at"), pl.col("merged_at")
    known = created.is_not_null() & merged.is_not_null() & (created <= merged)
    # (polars subtracts the instants: a DST change in between counts as the clock ran)
    seconds = (merged - created).dt.total_seconds(fractional=True)
    table = frame.select(created, merged, seconds.alias("seconds"), known.alias("known"))
    if business_days and table["known"].any():
        table = table.with_columns(pl.col("seconds") - _weekend_seconds(table, timezone))
    hours = pl.when(pl.col("known")).then(pl.col("seconds") / HOUR).otherwise(None)
    return table.select(hours.alias("hours"))["hours"]


def _weekend_seconds(table: pl.DataFrame, timezone: str) -> pl.Series:
    """The seconds from ``created_at`` to ``merged_at`` of each row that fall on a Saturday or Sunday of
    ``timezone``, each local day cut at its own midnight (a DST day is as long as it really was): W(merge)
    - W(creation), where W(t) is the weekend time from the first day's midnight to t, read from a table of
    the local days the rows span (each day's midnight in UTC, and the weekend time before it)."""
    zone = ZoneInfo(timezone)
    local = [pl.col(name).dt.convert_time_zone(timezone).dt.date() for name in ("created_at", "merged_at")]
    span = table.filter(pl.col("known")).select(local[0].min().alias("first"), local[1].max().alias("last"))
    first, last = span.row(0)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 2)]
    midnights = [dt.datetime(d.year, d.month, d.day, tzinfo=zone).astimezone(dt.UTC) for d in days]
    before, total = [], 0.0
    for day, start, end in zip(days, midnights, midnights[1:], strict=False):
        before.append(total)
        if day.weekday() >= 5:
            total += (end - start).total_seconds()
    calendar = pl.DataFrame(
        {"day": days[:-1], "midnight": midnights[:-1], "weekend": [d.weekday() >= 5 for d in days[:-1]]},
        schema={"day": pl.Date, "midnight": pl.Datetime("us", "UTC"), "weekend": pl.Boolean},
    ).with_columns(pl.Series("before", before, dtype=pl.Float64))

    def weekend_time(column: str) -> pl.Series:
        instants = table.select(
            pl.col(column).dt.convert_time_zone("UTC").alias("t"),
            pl.col(column).dt.convert_time_zone(timezone).dt.date().alias("day"),
        ).with_row_index("row")
        joined = instants.join(calendar, on="day", how="left").sort("row")
        into = (pl.col("t") - pl.col("midnight")).dt.total_seconds(fractional=True)
        return joined.select((pl.col("before") + pl.when(pl.col("weekend")).then(into).otherwise(0.0)).alias("w"))["w"]

    return weekend_time("merged_at") - weekend_time("created_at")


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True)
class MergeTimes:
    """Time to merge of a group of PRs, in hours: None when none of them has it known."""

    median: float | None
    p90: float | None
    prs: int
    """PRs whose time to merge is known: the figures are based on them."""
    unknown: int
    """PRs whose time to merge is unknown."""

    @classmethod
    def of(cls, hours: Iterable[float | None] | pl.Series) -> MergeTimes:
        values = hours if isinstance(hours, pl.Series) else pl.Series(list(hours), dtype=pl.Float64)
        known = values.drop_nulls()
        if known.is_empty():
            return cls(None, None, 0, len(values))
        median, p90 = (known.quantile(q, "linear") for q in (0.5, 0.9))
        return cls(_hours(median), _hours(p90), len(known), len(values) - len(known))


def time_to_merge(frame: pl.DataFrame, timezone: str) -> dict[str, Any]:
    """The ``time_to_merge`` table of the stats JSON: ``median`` and ``p90`` in hours, the same in business
    hours (``business_median``, ``business_p90``: weekends left out), ``prs`` (PRs it is based on) and
    ``unknown`` (PRs whose ``created_at`` is unknown)."""
    if frame.height == 0 or frame["created_at"].null_count() == frame.height:
        calendar = business = MergeTimes.of([None] * frame.height)
    else:
        calendar = MergeTimes.of(merge_hours(frame, timezone))
        business = MergeTimes.of(merge_hours(frame, timezone, business_days=True))
    return {
        "median": calendar.median,
        "p90": calendar.p90,
        "business_median": business.median,
        "business_p90": business.p90,
        "prs": calendar.prs,
        "unknown": calendar.unknown,
    }


def time_to_merge_by_period(
    frame: pl.DataFrame, timezone: str, periods: list[str], per: str, *, business_days: bool = False
) -> list[dict[str, Any]]:
    """A row per period of ``periods`` (every one, in order, those without PRs too): ``period``,
    ``median`` and ``p90`` (hours, None when no PR of the period has its time to merge known), ``prs``
    (known) and ``unknown``."""
    merged = pl.col("merged_at")
    key = {
        "quarter": merged.dt.strftime("%Y-Q") + merged.dt.quarter().cast(pl.String),
        "month": merged.dt.strftime("%Y-%m"),
    }.get(per, merged.dt.strftime("%Y"))
    table = frame.select(key.alias("period")).with_columns(merge_hours(frame, timezone, business_days=business_days))
    groups = {period: MergeTimes.of(pl.Series([], dtype=pl.Float64)) for period in periods}
    for (period,), part in table.partition_by("period", as_dict=True, maintain_order=True).items():
        groups[str(period)] = MergeTimes.of(part["hours"])
    rows = [
        {"period": period, "median": t.median, "p90": t.p90, "prs": t.prs, "unknown": t.unknown}
        for period, t in groups.items()
    ]
    return sorted(rows, key=lambda r: r["period"])


# -------------------------------------------------------------------------------------------------
# Working hours


def is_date_only(column: str = "merged_at") -> pl.Expr:
    """Merge times at exactly midnight: a date without a time of day (``2021-03-04``)."""
    value = pl.col(column)
    return (value.dt.hour() == 0) & (value.dt.minute() == 0) & (value.dt.second() == 0) & (value.dt.microsecond() == 0)


@dataclass(frozen=True)
class Hours:
    """Merges by (weekday 1-7, Monday first, and hour 0-23) in the dataset's timezone."""

    cells: dict[tuple[int, int], int]
    dated: int
    """Merges left out: a date without a time of day."""


def working_hours(frame: pl.DataFrame, timezone: str) -> Hours:
    """Merges per weekday and local hour: ``merged_at`` converted to ``timezone`` (polars' conversion, DST
    as on that date); merges known only to the day are counted apart."""
    local = frame.select(pl.col("merged_at").dt.convert_time_zone(timezone).alias("merged_at"))
    dated = local.filter(is_date_only()).height
    table = (
        local.filter(~is_date_only())
        .group_by(pl.col("merged_at").dt.weekday().alias("wd"), pl.col("merged_at").dt.hour().alias("h"))
        .agg(pl.len().alias("n"))
    )
    return Hours({(int(wd), int(h)): int(n) for wd, h, n in table.iter_rows()}, dated)


# -------------------------------------------------------------------------------------------------
# Languages


def language_lines(frame: pl.DataFrame, *, by_year: bool = False) -> dict[str, dict[str, list[int]]]:
    """Lines ``[inserted, deleted]`` per language from the ``languages`` column, under one key ``""`` or,
    ``by_year``, under each merge year (``"2021"``). PRs whose ``languages`` is unknown add nothing."""
    out: dict[str, dict[str, list[int]]] = {}
    if "languages" not in frame.columns:
        return out
    for merged, text in frame.select("merged_at", "languages").iter_rows():
        if text is None:
            continue
        parsed, _ = parse_languages(text)
        target = out.setdefault(f"{merged.year:04d}" if by_year else "", {})
        for language, (added, deleted) in parsed.items():
            lines = target.setdefault(language, [0, 0])
            lines[0] += added
            lines[1] += deleted
    return out


def top_languages(lines: dict[str, list[int]], top: int) -> list[dict[str, Any]]:
    """The ``top`` languages by lines changed (inserted plus deleted), most first, ties by name; rows of
    ``language``, ``additions``, ``deletions``, ``lines``."""
    rows: list[dict[str, Any]] = [
        {"language": name, "additions": added, "deletions": deleted, "lines": added + deleted}
        for name, (added, deleted) in lines.items()
        if added + deleted
    ]
    rows.sort(key=lambda r: (-r["lines"], r["language"]))
    return rows[:top]

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


def business_seconds(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> float:
    """Elapsed seconds from ``start`` to ``end`` (aware datetimes) that are not on a Saturday or Sunday in
    ``zone``. Each local day is cut at its own midnight, so a day of 23 or 25 hours (DST) counts as long
    as it really was."""
    if end <= start:
        return 0.0
    utc_end = end.astimezone(dt.UTC)
    cursor = start.astimezone(dt.UTC)
    total = 0.0
    while cursor < utc_end:
        day = cursor.astimezone(zone).date()
        after = day + dt.timedelta(days=1)
        midnight = dt.datetime(after.year, after.month, after.day, tzinfo=zone).astimezone(dt.UTC)
        if midnight <= cursor:  # pragma: no cover - a zone whose midnight runs backwards; step an hour
            midnight = cursor + dt.timedelta(hours=1)
        stop = min(midnight, utc_end)
        if day.weekday() < 5:
            total += (stop - cursor).total_seconds()
        cursor = stop
    return total


def merge_hours(frame: pl.DataFrame, timezone: str, *, business_days: bool = False) -> list[float | None]:
    """Each PR's time to merge in hours, in the frame's order; None where it is unknown (no
    ``created_at``, or one after ``merged_at``)."""
    created = frame["created_at"].to_list()
    merged = frame["merged_at"].to_list()
    zone = ZoneInfo(timezone)
    out: list[float | None] = []
    for start, end in zip(created, merged, strict=True):
        if start is None or end is None or start > end:
            out.append(None)
        elif business_days:
            out.append(business_seconds(start, end, zone) / HOUR)
        else:
            # in UTC: Python subtracts two datetimes of the same zone by their wall clocks, DST ignored
            out.append((end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / HOUR)
    return out


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (not empty), interpolated linearly between the two nearest ranks, as
    polars' ``quantile(q, "linear")`` computes the other percentiles of the stats."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


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
    def of(cls, hours: Iterable[float | None]) -> MergeTimes:
        values = list(hours)
        known = [h for h in values if h is not None]
        if not known:
            return cls(None, None, 0, len(values))
        return cls(_hours(quantile(known, 0.5)), _hours(quantile(known, 0.9)), len(known), len(values) - len(known))


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


def period_key(merged: dt.datetime, per: str) -> str:
    """The period of a merge (in its own, the dataset's, timezone): ``2021``, ``2021-Q3``, ``2021-07``."""
    if per == "quarter":
        return f"{merged.year:04d}-Q{(merged.month - 1) // 3 + 1}"
    if per == "month":
        return f"{merged.year:04d}-{merged.month:02d}"
    return f"{merged.year:04d}"


def time_to_merge_by_period(
    frame: pl.DataFrame, timezone: str, periods: list[str], per: str, *, business_days: bool = False
) -> list[dict[str, Any]]:
    """A row per period of ``periods`` (every one, in order, those without PRs too): ``period``,
    ``median`` and ``p90`` (hours, None when no PR of the period has its time to merge known), ``prs``
    (known) and ``unknown``."""
    hours = merge_hours(frame, timezone, business_days=business_days)
    groups: dict[str, list[float | None]] = {p: [] for p in periods}
    for merged, value in zip(frame["merged_at"].to_list(), hours, strict=True):
        groups.setdefault(period_key(merged, per), []).append(value)
    rows = []
    for period, values in groups.items():
        times = MergeTimes.of(values)
        rows.append(
            {"period": period, "median": times.median, "p90": times.p90, "prs": times.prs, "unknown": times.unknown}
        )
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

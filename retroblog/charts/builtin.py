"""The built-in retrospective charts: aggregated rows in, a Vega-Lite spec (built with Altair) out.

Charts only ever see aggregates (one row per year, month, bucket ...), never PR rows, so an embedded
spec does not grow with the number of PRs and holds no PR title or URL. Colours are placeholders
(``SERIES``) that the stylesheet maps to the site's palette, and text uses ``currentColor``, so one
static SVG follows the light and dark schemes without a rebuild.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import polars as pl

from retroblog.charts.theme import SERIES
from retroblog.data.dataset import Dataset
from retroblog.errors import ConfigError
from retroblog.stats.compute import WEEKDAYS, Filters, Stats
from retroblog.util.words import count

DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 240
DONUT_TITLE = 34
"""Pixels of a donut chart's height taken by its title and padding."""
DONUT_LEGEND = 90
"""Pixels of a donut chart's width taken by its legend."""
DONUT_LABEL_MARGIN = 10
"""Pixels between a donut's outer labels and the edge of its plot area."""
MIN_PLOT_WIDTH = 120
MIN_PLOT_HEIGHT = 60
"""The smallest plot area, in pixels, a chart gets whatever ``width`` and ``height`` ask for."""


@dataclass
class Chart:
    """A chart ready to render: its spec, the rows behind it and words for assistive technology."""

    spec: dict[str, Any]
    title: str
    description: str
    columns: list[tuple[str, str]]
    """(field, heading) of the data table."""
    rows: list[dict[str, Any]]


@dataclass
class ChartContext:
    """What a chart builder gets: the dataset, its stats under the block's filters, and options."""

    dataset: Dataset
    stats: Stats
    filters: Filters
    options: Mapping[str, Any]
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    extra: dict[str, Any] = field(default_factory=dict)

    def single_year(self) -> int | None:
        """The year the filters cover when they start and end in the same one (``year: 2021``), else None."""
        start, end = self.filters.start, self.filters.end
        return start.year if start and end and start.year == end.year else None

    def scope(self) -> str:
        """The filters in words, after the chart's noun (a private dataset's names counted, not named)."""
        words = self.filters.describe(private=self.dataset.private)
        return f" {words}" if words else ""


Builder = Callable[[ChartContext], Chart]
CHARTS: dict[str, Builder] = {}
OPTIONS: dict[str, set[str]] = {}
"""Options each chart type takes besides the common ones."""


def chart(name: str, *, options: set[str] | None = None) -> Callable[[Builder], Builder]:
    """Register a built-in chart type."""

    def register(builder: Builder) -> Builder:
        CHARTS[name] = builder
        OPTIONS[name] = options or set()
        return builder

    return register


def theme_config() -> dict[str, Any]:
    """Vega-Lite config that leaves colours to the page: transparent, currentColor text and guides.

    Type follows Material's scale (``retroblog.charts.theme``): labels and guide titles 12 px, the
    title 16 px, and no text under 11 px, in a static SVG drawn at 1:1 and in the interactive view laid
    out at its column's width alike. Labels that would still overlap (a narrow column) are thinned,
    never drawn over each other.
    """
    from retroblog.charts.theme import LABEL_MEDIUM, TITLE_MEDIUM

    guide = {
        "labelColor": "currentColor",
        "titleColor": "currentColor",
        "domainColor": "currentColor",
        "tickColor": "currentColor",
        "gridColor": "currentColor",
        "gridOpacity": 0.15,
        "domainOpacity": 0.5,
        "tickOpacity": 0.5,
        "labelFontSize": LABEL_MEDIUM,
        "titleFontSize": LABEL_MEDIUM,
        "titleFontWeight": "normal",
        "labelOverlap": True,
    }
    legend = {
        "labelColor": "currentColor",
        "titleColor": "currentColor",
        "labelFontSize": LABEL_MEDIUM,
        "titleFontSize": LABEL_MEDIUM,
        "titleFontWeight": "normal",
        "labelOverlap": True,
    }
    return {
        "background": None,
        "view": {"stroke": None},
        "axis": guide,
        "legend": legend,
        "title": {"color": "currentColor", "fontSize": TITLE_MEDIUM, "fontWeight": "normal", "anchor": "start"},
        "mark": {"color": SERIES[0]},
        "range": {"category": list(SERIES)},
    }


VALIDATE_BUILT_IN = False
"""Validate built-in specs against the Vega-Lite schema at build time (tests do; it costs ~8 ms a chart)."""


def finish(
    chart: alt.TopLevelMixin, ctx: ChartContext | None, title: str, description: str, *, validate: bool | None = None
) -> dict[str, Any]:
    """The final spec: sized, titled, described, themed by ``theme_config``; no schema URL, no CDN.

    A user's chart is always validated (``validate=True``); the built-in ones are proven valid by the
    test suite, which turns ``VALIDATE_BUILT_IN`` on.
    """
    check = VALIDATE_BUILT_IN if validate is None else validate
    spec = chart.properties(title=title, description=description).to_dict(validate=check)
    spec.pop("$schema", None)
    spec["config"] = theme_config()
    spec["autosize"] = {"type": "fit", "contains": "padding"}
    return spec


def _series_words(rows: list[dict[str, Any]], key: str, value: str, unit: str) -> str:
    if not rows:
        return f"No {unit}."
    total = sum(r[value] for r in rows)
    best = max(rows, key=lambda r: r[value])
    if len(rows) <= 12:
        listed = ", ".join(f"{r[key]}: {r[value]:,}" for r in rows)
        return f"{listed}. Most in {best[key]} ({best[value]:,}); {total:,} in all."
    return (
        f"{len(rows)} periods from {rows[0][key]} to {rows[-1][key]}; most in {best[key]} ({best[value]:,}); "
        f"{total:,} in all."
    )


def _in_order(rows: list[dict[str, Any]], key: str) -> list[Any]:
    """The values of ``key`` in the rows' order: an ordinal axis's explicit sort.

    Without it Vega-Lite sorts an ordinal axis by its labels, alphabetically: Apr, Aug, Dec, ... for
    months, ``10-100`` before ``<10`` for size buckets.
    """
    return list(dict.fromkeys(r[key] for r in rows))


def _month_axis(rows: list[dict[str, Any]]) -> alt.X:
    """The x axis of a chart per month (``2021-03``), in calendar order."""
    return alt.X("month:O", title="Month", sort=_in_order(rows, "month"), axis=alt.Axis(labelAngle=-45))


TICK_SPACING = 40
"""Pixels per tick Vega-Lite asks for by default (``tickCount: ceil(height / 40)``)."""


def _count_axis(span: int, pixels: int) -> alt.Axis:
    """The axis of a count (PRs, lines) that spans ``span`` units on ``pixels``: whole-number ticks only.

    Vega takes a tick count only as a hint, ``tickMinStep`` too (a span of 2 still gets ticks 0.5
    apart), so a span smaller than the default count asks for one tick per unit; a larger span keeps
    Vega-Lite's default, whose nice steps are whole numbers.
    """
    if span < math.ceil(pixels / TICK_SPACING):
        return alt.Axis(tickMinStep=1, tickCount=max(span, 1), format=",d")
    return alt.Axis(tickMinStep=1, format=",d")


def _room(ctx: ChartContext, chrome: tuple[int, int], height: int | None = None) -> dict[str, int]:
    """The chart's width and height, grown so that the plot keeps ``MIN_PLOT_*`` pixels.

    The size is the whole chart's (autosize ``fit``): title, legend and axes are drawn inside it, and
    ``chrome`` is a generous guess of the pixels they take across and down. A small size would leave
    no room for the plot (a 0-pixel plot, a title pushed above the SVG): the chart grows instead.
    """
    wanted = ctx.height if height is None else height
    return {
        "width": max(ctx.width, chrome[0] + MIN_PLOT_WIDTH),
        "height": max(wanted, chrome[1] + MIN_PLOT_HEIGHT),
    }


def _bars(ctx: ChartContext, rows: list[dict[str, Any]], key: str, heading: str, title: str) -> Chart:
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(
            f"{key}:O",
            title=heading,
            sort=_in_order(rows, key),
            axis=alt.Axis(labelAngle=0 if len(rows) <= 12 else -45),
        ),
        y=alt.Y("prs:Q", title="PRs merged", axis=_count_axis(max((r["prs"] for r in rows), default=0), ctx.height)),
        tooltip=[alt.Tooltip(f"{key}:O", title=heading), alt.Tooltip("prs:Q", title="PRs")],
    )
    layered = base.mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2) + base.mark_text(
        dy=-5, baseline="bottom", fontSize=11, color="currentColor"
    ).encode(text=alt.Text("prs:Q"))
    plot = layered if len(rows) <= 24 else base.mark_bar()
    description = f"Bar chart of merged PRs per {heading.lower()}{ctx.scope()}. " + _series_words(
        rows, key, "prs", "PRs"
    )
    title = str(ctx.options.get("title") or title)
    description = str(ctx.options.get("description") or description)
    # title 30, axis title 20, labels (slanted when there are many) and their padding
    chrome = (80, 60 + (55 if len(rows) > 12 else 20))
    spec = finish(plot.properties(**_room(ctx, chrome)), ctx, title, description)
    return Chart(spec, title, description, [(key, heading), ("prs", "PRs")], rows)


@chart("prs-per-year")
def prs_per_year(ctx: ChartContext) -> Chart:
    rows = [{"year": r["period"], "prs": r["prs"]} for r in ctx.stats.periods["year"]]
    return _bars(ctx, rows, "year", "Year", "PRs merged per year")


@chart("prs-per-month")
def prs_per_month(ctx: ChartContext) -> Chart:
    rows = [{"month": r["period"], "prs": r["prs"]} for r in ctx.stats.periods["month"]]
    year = ctx.single_year()
    if year:
        for r in rows:
            r["month"] = dt.date(year, int(r["month"][5:]), 1).strftime("%b")
    title = f"PRs merged per month in {year}" if year else "PRs merged per month"
    return _bars(ctx, rows, "month", "Month", title)


@chart("prs-per-quarter")
def prs_per_quarter(ctx: ChartContext) -> Chart:
    rows = [{"quarter": r["period"], "prs": r["prs"]} for r in ctx.stats.periods["quarter"]]
    year = ctx.single_year()
    if year:
        rows = [{"quarter": r["quarter"][5:], "prs": r["prs"]} for r in rows]
    # One colour per quarter of the year (Q1 to Q4), whichever year: over several years a colour per
    # slice would come round again after four, Q1 of 2021 the colour of Q1 of 2020 by chance. The year
    # is in the tooltip and the data table.
    quarters = ["Q1", "Q2", "Q3", "Q4"]
    base = (
        alt.Chart(alt.Data(values=rows))
        .transform_calculate(q="slice(datum.quarter, -2)")
        .encode(
            theta=alt.Theta("prs:Q", stack=True),
            order=alt.Order("quarter:O"),
            color=alt.Color(
                "q:N",
                title="Quarter",
                sort=quarters,
                scale=alt.Scale(domain=quarters, range=list(SERIES[:4])),
            ),
            tooltip=[alt.Tooltip("quarter:N", title="Quarter"), alt.Tooltip("prs:Q", title="PRs")],
        )
    )
    # Radii in pixels of the plot area, which is the chart's size less the title (above) and the legend
    # (right): the labels outside the ring, half a line high, stay inside it, none clipped at the bottom.
    size = _room(ctx, (DONUT_LEGEND + 2 * (DONUT_LABEL_MARGIN + 14), DONUT_TITLE + 2 * (DONUT_LABEL_MARGIN + 14)))
    room = min(size["width"] - DONUT_LEGEND, size["height"] - DONUT_TITLE) / 2
    label_radius = max(room - DONUT_LABEL_MARGIN, 12)
    outer = max(label_radius - 14, 8)
    donut = base.mark_arc(innerRadius=outer * 0.55, outerRadius=outer, stroke="transparent")
    # an empty quarter has no slice, and no label: its "0" would be drawn over its neighbour's
    labels = base.mark_text(radius=label_radius, fontSize=12, color="currentColor").encode(
        text=alt.condition("datum.prs > 0", alt.Text("prs:Q"), alt.value(""))
    )
    title = str(ctx.options.get("title") or (f"PRs merged per quarter in {year}" if year else "PRs merged per quarter"))
    description = str(
        ctx.options.get("description")
        or f"Donut chart of merged PRs per quarter{ctx.scope()}. " + _series_words(rows, "quarter", "prs", "PRs")
    )
    spec = finish((donut + labels).properties(**size), ctx, title, description)
    return Chart(spec, title, description, [("quarter", "Quarter"), ("prs", "PRs")], rows)


@chart("inserts-deletes")
def inserts_deletes(ctx: ChartContext) -> Chart:
    months = ctx.stats.periods["month"]
    rows = [{"month": r["period"], "additions": r["additions"], "deletions": r["deletions"]} for r in months]
    long = [{"month": r["month"], "kind": "Inserted", "lines": r["additions"]} for r in rows] + [
        {"month": r["month"], "kind": "Deleted", "lines": -r["deletions"]} for r in rows
    ]
    # inserted lines above zero, deleted below: the axis spans the largest of each
    span = max((r["additions"] for r in rows), default=0) + max((r["deletions"] for r in rows), default=0)
    bars = (
        alt.Chart(alt.Data(values=long))
        .mark_bar()
        .encode(
            x=_month_axis(rows),
            y=alt.Y("lines:Q", title="Lines (deleted below zero)", axis=_count_axis(span, ctx.height)),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["Inserted", "Deleted"], range=[SERIES[0], SERIES[1]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("kind:N", title="Lines"),
                alt.Tooltip("lines:Q", title="Count"),
            ],
        )
    )
    added = sum(r["additions"] for r in rows)
    deleted = sum(r["deletions"] for r in rows)
    busiest = max(rows, key=lambda r: r["additions"] + r["deletions"], default=None)
    title = str(ctx.options.get("title") or "Lines inserted and deleted per month")
    description = str(
        ctx.options.get("description")
        or (
            f"Diverging bar chart of lines inserted (above zero) and deleted (below zero) per month{ctx.scope()}: "
            f"{added:,} inserted and {deleted:,} deleted in {len(rows)} months"
            + (f"; the most change in {busiest['month']}." if busiest else ".")
        )
    )
    spec = finish(bars.properties(**_room(ctx, (90, 150))), ctx, title, description)
    return Chart(
        spec, title, description, [("month", "Month"), ("additions", "Inserted"), ("deletions", "Deleted")], rows
    )


@chart("size-buckets")
def size_buckets(ctx: ChartContext) -> Chart:
    rows = [{"bucket": k, "prs": v} for k, v in ctx.stats.size_buckets.items()]
    chart_ = _bars(ctx, rows, "bucket", "Lines inserted", "PRs by size (lines inserted)")
    if not ctx.options.get("description"):
        unknown = ctx.stats.unknown["additions"]
        note = f" {unknown:,} PRs of unknown size are not counted." if unknown else ""
        chart_.description = (
            f"Histogram of merged PRs by lines inserted{ctx.scope()}. "
            + ", ".join(f"{r['bucket']}: {r['prs']:,}" for r in rows)
            + f".{note}"
        )
        chart_.spec["description"] = chart_.description
    return chart_


@chart("cumulative")
def cumulative(ctx: ChartContext) -> Chart:
    total = 0
    rows = []
    for r in ctx.stats.periods["month"]:
        total += r["prs"]
        rows.append({"month": r["period"], "prs": r["prs"], "total": total})
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=_month_axis(rows),
        y=alt.Y("total:Q", title="PRs merged so far", axis=_count_axis(total, ctx.height)),
        tooltip=[alt.Tooltip("month:O", title="Month"), alt.Tooltip("total:Q", title="PRs so far")],
    )
    plot = base.mark_area(opacity=0.25, line={"color": SERIES[0]}) + base.mark_point(filled=True, size=18)
    title = str(ctx.options.get("title") or "PRs merged over time")
    first, last = (rows[0]["month"], rows[-1]["month"]) if rows else ("", "")
    description = str(
        ctx.options.get("description")
        or f"Cumulative line chart of merged PRs{ctx.scope()}, from {first} to {last}, reaching {total:,}."
    )
    spec = finish(plot.properties(**_room(ctx, (80, 120))), ctx, title, description)
    return Chart(spec, title, description, [("month", "Month"), ("prs", "PRs"), ("total", "PRs so far")], rows)


DAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
"""Each weekday's full name, for the words of a description ("most on Tuesdays", not "Tues")."""


def _whole_steps(largest: int, most: int = 5) -> list[int]:
    """Whole numbers from 1 to ``largest``, at most about ``most`` of them, ``largest`` always last.

    A legend's values given explicitly: Vega's own ticks for 1 to 2 are 1, 1.5, 2, and ``format: d``
    writes them "1, 2, 2".
    """
    step = max(1, math.ceil(largest / most))
    values = list(range(1, largest + 1, step))
    if values[-1] != largest:
        # the largest replaces a last step too close to it, else follows it
        values = [*values[:-1], largest] if largest - values[-1] <= step / 2 else [*values, largest]
    return values


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@chart("calendar")
def calendar(ctx: ChartContext) -> Chart:
    frame = ctx.filters.apply(ctx.dataset.frame)
    days = (
        frame.select(pl.col("merged_at").dt.date().alias("day")).group_by("day").agg(pl.len().alias("prs")).sort("day")
    )
    rows = []
    for day, prs in days.iter_rows():
        rows.append({"week": _monday(day).isoformat(), "weekday": WEEKDAYS[day.weekday()], "prs": prs})
    # Every week of the period and every weekday get their column and row, with PRs or without.
    first = ctx.filters.start or (days["day"].min() if rows else None)
    last = ctx.filters.end or (days["day"].max() if rows else None)
    weeks = []
    if isinstance(first, dt.date) and isinstance(last, dt.date):
        monday = _monday(first)
        while monday <= last:
            weeks.append(monday.isoformat())
            monday += dt.timedelta(days=7)
    heat = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect(cornerRadius=1)
        .encode(
            x=alt.X("week:O", title="Week", scale=alt.Scale(domain=weeks), axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("weekday:O", title=None, scale=alt.Scale(domain=list(WEEKDAYS))),
            # PRs are counted in whole numbers: so is the legend (no 1.5 PRs)
            opacity=alt.Opacity(
                "prs:Q",
                title="PRs",
                scale=alt.Scale(range=[0.25, 1]),
                legend=alt.Legend(format="d", values=_whole_steps(max((r["prs"] for r in rows), default=1))),
            ),
            tooltip=[
                alt.Tooltip("week:O", title="Week of"),
                alt.Tooltip("weekday:O", title="Day"),
                alt.Tooltip("prs:Q", title="PRs"),
            ],
        )
    )
    # Every day with PRs is also outlined in the full series colour, 3:1 against the page in both
    # schemes: a day of one PR, a quarter-opaque fill, is as easy to see as the busiest.
    outline = heat.mark_rect(cornerRadius=1, filled=False, stroke=SERIES[0], strokeWidth=1, aria=False)
    heat = heat + outline.encode(opacity=alt.value(1))
    busiest = max(rows, key=lambda r: r["prs"], default=None)
    weekday_counts = ctx.stats.counts("weekday")
    top_day = max(weekday_counts, key=lambda k: weekday_counts[k]) if ctx.stats.total_prs else "-"
    title = str(ctx.options.get("title") or "Merged PRs by week and weekday")
    description = str(
        ctx.options.get("description")
        or (
            f"Calendar heatmap of merged PRs{ctx.scope()}, one column per week and one row per weekday: "
            f"{count(len(rows), 'day')} with merged PRs; most on {DAY_NAMES.get(top_day, top_day)}s"
            + (
                f"; the busiest day was {busiest['week']} week's {DAY_NAMES[busiest['weekday']]} ({busiest['prs']})."
                if busiest
                else "."
            )
        )
    )
    spec = finish(heat.properties(**_room(ctx, (60, 50), min(ctx.height, 160))), ctx, title, description)
    return Chart(spec, title, description, [("week", "Week of"), ("weekday", "Day"), ("prs", "PRs")], rows)


@chart("prs-per-repo", options={"top"})
def prs_per_repo(ctx: ChartContext) -> Chart:
    top = ctx.options.get("top", 10)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ConfigError(f"option 'top' must be a whole number of 1 or more, got {top!r}")
    repos = ctx.stats.by_repo[:top]
    rows = [{"repo": r["repo"], "prs": r["prs"]} for r in repos]
    if ctx.dataset.private:
        rows = [
            {"repo": f"Repository {chr(65 + i)}" if i < 26 else f"Repository {i + 1}", "prs": r["prs"]}
            for i, r in enumerate(rows)
        ]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("repo:N", title=None, sort=[r["repo"] for r in rows]),
        x=alt.X("prs:Q", title="PRs merged", axis=_count_axis(max((r["prs"] for r in rows), default=0), ctx.width)),
        tooltip=[alt.Tooltip("repo:N", title="Repository"), alt.Tooltip("prs:Q", title="PRs")],
    )
    plot = base.mark_bar(cornerRadiusTopRight=2, cornerRadiusBottomRight=2) + base.mark_text(
        dx=4, align="left", fontSize=11, color="currentColor"
    ).encode(text=alt.Text("prs:Q"))
    title = str(ctx.options.get("title") or f"PRs merged per repository (top {min(top, len(ctx.stats.by_repo))})")
    listed = ", ".join(f"{r['repo']}: {r['prs']:,}" for r in rows)
    description = str(
        ctx.options.get("description")
        or f"Horizontal bar chart of merged PRs per repository{ctx.scope()}, largest first: {listed}."
    )
    height = max(ctx.height // 2, 22 * len(rows))
    # the repositories' names take about 7 pixels a character, left of the bars
    longest = max((len(r["repo"]) for r in rows), default=0)
    spec = finish(plot.properties(**_room(ctx, (7 * longest + 50, 60), height)), ctx, title, description)
    return Chart(spec, title, description, [("repo", "Repository"), ("prs", "PRs")], rows)


@chart("comments-per-pr")
def comments_per_pr(ctx: ChartContext) -> Chart:
    frame = ctx.filters.apply(ctx.dataset.frame)
    monthly = (
        frame.select(
            pl.col("merged_at").dt.strftime("%Y-%m").alias("month"),
            (pl.col("comments").fill_null(0) + pl.col("review_comments").fill_null(0)).alias("c"),
            (pl.col("comments").is_not_null() | pl.col("review_comments").is_not_null()).alias("known"),
        )
        .filter(pl.col("known"))
        .group_by("month")
        .agg(pl.col("c").mean().round(2).alias("per_pr"), pl.len().alias("prs"))
        .sort("month")
    )
    known = {m: (float(v), n) for m, v, n in monthly.iter_rows()}
    # Every month from the first merge to the last: one without PRs (or without known comments) has no
    # value, so it has no point and the line breaks there instead of bridging the gap.
    rows = [
        {"month": m, "per_pr": known[m][0] if m in known else None, "prs": known[m][1] if m in known else 0}
        for m in dict.fromkeys([*(r["period"] for r in ctx.stats.periods["month"]), *known])
    ]
    rows.sort(key=lambda r: r["month"])
    measured = [r for r in rows if r["per_pr"] is not None]
    tooltip = [
        alt.Tooltip("month:O", title="Month"),
        alt.Tooltip("per_pr:Q", title="Comments per PR"),
        alt.Tooltip("prs:Q", title="PRs"),
    ]
    data = alt.Data(values=rows)
    base = alt.Chart(data).encode(x=_month_axis(rows), y=alt.Y("per_pr:Q", title="Comments per PR"))
    line = base.mark_line(interpolate="monotone", invalid="break-paths-show-domains")
    points = base.mark_point(filled=True, size=18).encode(tooltip=tooltip)
    # A line is one path, and its tooltip would be its first month's wherever it is hovered: instead an
    # invisible full-height band per month with a value, on top, shows that month's numbers anywhere
    # above or below its point, on the line too.
    bands = (
        alt.Chart(data)
        .transform_filter("isValid(datum.per_pr)")
        .mark_rect(opacity=0)
        .encode(x=_month_axis(rows), tooltip=tooltip)
    )
    plot = line + points + bands
    overall = (sum(r["per_pr"] * r["prs"] for r in measured) / sum(r["prs"] for r in measured)) if measured else 0
    title = str(ctx.options.get("title") or "Comments per PR over time")
    description = str(
        ctx.options.get("description")
        or (
            f"Line chart of the average number of comments (conversation and review) per merged PR per month"
            f"{ctx.scope()}: {overall:.1f} per PR overall over {count(len(measured), 'month')}"
            + (
                f"; no value for {count(len(rows) - len(measured), 'month')} (no PRs or no known comments)."
                if len(measured) < len(rows)
                else "."
            )
        )
    )
    spec = finish(plot.properties(**_room(ctx, (80, 120))), ctx, title, description)
    return Chart(spec, title, description, [("month", "Month"), ("per_pr", "Comments per PR"), ("prs", "PRs")], rows)

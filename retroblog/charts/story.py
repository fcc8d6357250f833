"""Charts of more of the story: time to merge, the hours merges happen at, the languages changed.

Registered in the built-in catalogue (``retroblog.charts.builtin.CHARTS``) by ``@chart``, with the same
rules as the others: aggregates only in the spec, colours as ``SERIES`` placeholders, text of 11 px or
more, a narrow render at the phone's width. A chart whose data the dataset does not have (no
``created_at``, no ``languages`` column) is an error saying where to get it, never empty axes.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from retroblog.charts.builtin import (
    DAY_NAMES,
    Chart,
    ChartContext,
    _count_axis,
    _plot_width,
    _room,
    _time_x,
    _whole_steps,
    chart,
    finish,
)
from retroblog.charts.theme import SERIES
from retroblog.charts.time import bin_words, choose
from retroblog.errors import ConfigError
from retroblog.stats.compute import WEEKDAYS
from retroblog.stats.keys import duration
from retroblog.stats.story import PERIODS, language_lines, time_to_merge_by_period, top_languages, working_hours
from retroblog.util.bidi import isolate
from retroblog.util.words import count

# -------------------------------------------------------------------------------------------------
# time-to-merge


def _choice(ctx: ChartContext, option: str, allowed: tuple[str, ...], default: str) -> str:
    value = ctx.options.get(option, default)
    if value not in allowed:
        raise ConfigError(f"option '{option}' must be one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _flag(ctx: ChartContext, option: str) -> bool:
    value = ctx.options.get(option, False)
    if not isinstance(value, bool):
        raise ConfigError(f"option '{option}' must be true or false, got {value!r}")
    return value


def _based_on(prs: int, unknown: int) -> str:
    """``80 of 120 PRs`` (some unknown), ``120 PRs`` (none), ``none of 3 PRs`` (none known), ``no PRs``."""
    if not prs:
        return f"none of {count(unknown, 'PR')}" if unknown else "no PRs"
    return f"{prs:,} of {count(prs + unknown, 'PR')}" if unknown else count(prs, "PR")


def _none(row: dict[str, Any]) -> str:
    """A period without a time to merge in words: ``no PRs merged``, ``unknown (3 PRs without created_at)``."""
    return f"unknown ({count(row['unknown'], 'PR')} without created_at)" if row["unknown"] else "no PRs merged"


TIME_CHROME = (80, 100)
"""The guides of the time-to-merge chart across (its axis's title and labels) and down (title, legend, axis)."""


@chart("time-to-merge", options={"per", "business_days"})
def time_to_merge(ctx: ChartContext) -> Chart:
    per = _choice(ctx, "per", PERIODS[:2], "year")
    business = _flag(ctx, "business_days")
    frame = ctx.filters.apply(ctx.dataset.frame)
    if frame.height and frame["created_at"].null_count() == frame.height:
        raise ConfigError(
            f"time to merge is unknown for every PR of the dataset '{ctx.dataset.name}'{ctx.scope()}: it has no "
            "created_at (when each PR was opened); `retroblog collect github`, `gitlab` and `azure` write it, "
            "or add a created_at column"
        )
    keys = [r["period"] for r in ctx.stats.periods[per]]
    rows = time_to_merge_by_period(frame, ctx.dataset.timezone, keys, per, business_days=business)
    longest = max((r["p90"] for r in rows if r["p90"] is not None), default=0.0)
    in_days = longest >= 48
    unit, scale = ("days", 24.0) if in_days else ("hours", 1.0)
    kind = "business days" if business and in_days else ("business hours" if business else unit)
    words = ctx.words
    drawn: list[dict[str, Any]] = []
    for r in rows:
        drawn.append(
            {
                "period": r["period"],
                per: r["period"],  # the field of the time axis (``_time_x``): ``year`` or ``quarter``
                "when": bin_words(r["period"], words),
                "median": None if r["median"] is None else round(r["median"] / scale, 2),
                "p90": None if r["p90"] is None else round(r["p90"] / scale, 2),
                "median_words": "unknown" if r["median"] is None else duration(r["median"], words),
                "p90_words": "unknown" if r["p90"] is None else duration(r["p90"], words),
                "based": _based_on(r["prs"], r["unknown"]),
            }
        )
    plot_width = _plot_width(ctx, TIME_CHROME)
    months = len(keys) * (12 if per == "year" else 3)
    grain = choose(months, plot_width, one_year=len({k[:4] for k in keys}) <= 1, bins=(per,))
    x = _time_x(ctx, grain, keys, title=per.capitalize())
    tooltip = [
        alt.Tooltip("when:N", title=per.capitalize()),
        alt.Tooltip("median_words:N", title="Median"),
        alt.Tooltip("p90_words:N", title="90th percentile"),
        alt.Tooltip("based:N", title="Based on"),
    ]
    base = alt.Chart(alt.Data(values=drawn)).encode(x=x, tooltip=tooltip)
    series = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=["Median", "90th percentile"], range=[SERIES[0], SERIES[1]]),
        legend=alt.Legend(orient="top"),
    )
    y_title = f"Time to merge ({kind})"
    bars = base.transform_calculate(kind="'Median'").mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
    bars = bars.encode(y=alt.Y("median:Q", title=y_title), color=series)
    # the 90th percentile: a thick tick across its period's band, above (or at) the median's bar
    ticks = base.transform_calculate(kind="'90th percentile'").mark_tick(thickness=3, opacity=1)
    ticks = ticks.encode(y=alt.Y("p90:Q", title=y_title), color=series)
    plot = bars + ticks
    times = ctx.stats.extra["time_to_merge"]
    prefix = "business_" if business else ""
    median, p90 = times[f"{prefix}median"], times[f"{prefix}p90"]
    measure = ", weekends left out" if business else ""
    unknown_periods = [d["when"] for d, r in zip(drawn, rows, strict=True) if r["unknown"] and not r["prs"]]
    listed = "; ".join(
        f"{d['when']}: " + (f"{d['median_words']}, 90% within {d['p90_words']}" if r["prs"] else _none(r))
        for d, r in zip(drawn, rows, strict=True)
    )
    title = str(ctx.options.get("title") or f"Time to merge per {per}" + (" (business days)" if business else ""))
    description = str(
        ctx.options.get("description")
        or (
            f"Bar chart of the median time from opening to merge of PRs per {per}{measure}{ctx.scope()}, "
            f"with a tick at the 90th percentile: {listed}."
            + (
                f" Unknown in {', '.join(unknown_periods)}: no PR of theirs has a created_at."
                if unknown_periods
                else ""
            )
        )
    )
    caption = "No PR has a known time to merge."
    if median is not None and p90 is not None:
        caption = (
            f"Half the PRs were merged within {duration(median, words)} of being opened{measure}, "
            f"90% within {duration(p90, words)}"
            + (f" (based on {_based_on(times['prs'], times['unknown'])})." if times["unknown"] else ".")
        )
    caption = str(ctx.options.get("description") or caption)
    spec = finish(plot, ctx, title, description, size=_room(ctx, TIME_CHROME))
    columns = [("when", per.capitalize()), ("median_words", "Median"), ("p90_words", "90th percentile")]
    return Chart(spec, title, description, [*columns, ("based", "Based on")], drawn, caption)


# -------------------------------------------------------------------------------------------------
# working-hours

HOURS_CHROME = (60, 90)
"""The guides of the working-hours heatmap: weekday labels across, title, hour labels and legend down."""


@chart("working-hours")
def working_hours_chart(ctx: ChartContext) -> Chart:
    frame = ctx.filters.apply(ctx.dataset.frame)
    hours = working_hours(frame, ctx.dataset.timezone)
    timed = sum(hours.cells.values())
    if not timed:
        raise ConfigError(
            f"the merges of the dataset '{ctx.dataset.name}'{ctx.scope()} have dates without a time of day "
            f"({count(hours.dated, 'PR')}): working hours need merged_at with a time, such as "
            "2021-03-04T10:00:00Z, as `retroblog collect` writes it"
        )
    rows: list[dict[str, Any]] = [
        {
            "weekday": WEEKDAYS[wd - 1],
            "hour": hour,
            "prs": n,
            "when": f"{DAY_NAMES[WEEKDAYS[wd - 1]]} {hour:02d}:00-{hour + 1:02d}:00",
        }
        for (wd, hour), n in sorted(hours.cells.items())
    ]
    plot = _plot_width(ctx, HOURS_CHROME)
    step = next((s for s in (1, 2, 3, 6) if plot / 24 * s >= 24), 12)  # a label of 2 digits every 24 px or more
    heat = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect(cornerRadius=1)
        .encode(
            x=alt.X(
                "hour:O",
                title=f"Hour of the day ({ctx.dataset.timezone})",
                scale=alt.Scale(domain=list(range(24))),
                axis=alt.Axis(values=list(range(0, 24, step)), labelAngle=0, ticks=False),
            ),
            y=alt.Y("weekday:O", title=None, scale=alt.Scale(domain=list(WEEKDAYS))),
            opacity=alt.Opacity(
                "prs:Q",
                title="PRs",
                scale=alt.Scale(range=[0.25, 1]),
                legend=alt.Legend(format="d", values=_whole_steps(max(r["prs"] for r in rows)), orient="bottom"),
            ),
            tooltip=[alt.Tooltip("when:N", title="When"), alt.Tooltip("prs:Q", title="PRs")],
        )
    )
    outline = heat.mark_rect(filled=False, stroke=SERIES[0], strokeWidth=1, aria=False).encode(opacity=alt.value(1))
    busiest = max(rows, key=lambda r: (r["prs"], -WEEKDAYS.index(r["weekday"]), -r["hour"]))
    by_day = {day: sum(r["prs"] for r in rows if r["weekday"] == day) for day in WEEKDAYS}
    top_day = max(WEEKDAYS, key=lambda d: by_day[d])
    by_hour = {h: sum(r["prs"] for r in rows if r["hour"] == h) for h in range(24)}
    top_hour = max(range(24), key=lambda h: by_hour[h])
    weekend = by_day["Sat"] + by_day["Sun"]
    verb = "is" if hours.dated == 1 else "are"
    dated = f" {count(hours.dated, 'PR')} with a date but no time of day {verb} not counted." if hours.dated else ""
    title = str(ctx.options.get("title") or "Merged PRs by weekday and hour")
    description = str(
        ctx.options.get("description")
        or (
            f"Heatmap of merged PRs{ctx.scope()} by weekday (rows, Monday at the top) and hour of the day in "
            f"{ctx.dataset.timezone} (columns): {count(timed, 'PR')} in {count(len(rows), 'hour')} of the week; "
            f"most on {DAY_NAMES[top_day]}s ({by_day[top_day]:,}) and from {top_hour:02d}:00 to "
            f"{top_hour + 1:02d}:00 ({by_hour[top_hour]:,}); the busiest hour was {busiest['when']} "
            f"({busiest['prs']:,}); {weekend:,} on weekends.{dated}"
        )
    )
    caption = str(
        ctx.options.get("description")
        or f"Most PRs were merged on {DAY_NAMES[top_day]}s and between {top_hour:02d}:00 and {top_hour + 1:02d}:00; "
        f"{weekend:,} of {timed:,} on weekends."
    )
    spec = finish(heat + outline, ctx, title, description, size=_room(ctx, HOURS_CHROME, min(ctx.height, 240)))
    return Chart(spec, title, description, [("when", "When"), ("prs", "PRs")], rows, caption)


# -------------------------------------------------------------------------------------------------
# languages

NO_LANGUAGES = "collect it with `retroblog collect git`, which counts lines per file type"


@chart("languages", options={"top", "per"})
def languages(ctx: ChartContext) -> Chart:
    top = ctx.options.get("top", 8)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ConfigError(f"option 'top' must be a whole number of 1 or more, got {top!r}")
    per_year = _choice(ctx, "per", ("all", "year"), "all") == "year"
    if "languages" not in ctx.dataset.columns:
        raise ConfigError(f"the dataset '{ctx.dataset.name}' has no languages column: {NO_LANGUAGES}")
    frame = ctx.filters.apply(ctx.dataset.frame)
    if frame["languages"].null_count() == frame.height:
        raise ConfigError(
            f"no PR of the dataset '{ctx.dataset.name}'{ctx.scope()} has its languages known "
            f"(its languages column is empty): {NO_LANGUAGES}"
        )
    found = language_lines(frame, by_year=per_year)
    rows: list[dict[str, Any]] = []
    for year in sorted(found):
        for r in top_languages(found[year], top):
            key = f"{year} · {r['language']}" if year else r["language"]
            rows.append({**r, "year": year or None, "key": key, "label": isolate(key)})
    if not rows:
        raise ConfigError(
            f"the PRs of the dataset '{ctx.dataset.name}'{ctx.scope()} changed no lines in any language: "
            "every file they changed was binary or excluded (lock files, generated files)"
        )
    largest = max(r["lines"] for r in rows)
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("key:N", title=None, sort=[r["key"] for r in rows]),
        x=alt.X("lines:Q", title="Lines changed (inserted + deleted)", axis=_count_axis(largest, ctx.width)),
        tooltip=[
            alt.Tooltip("label:N", title="Year · language" if per_year else "Language"),
            alt.Tooltip("additions:Q", title="Inserted", format=","),
            alt.Tooltip("deletions:Q", title="Deleted", format=","),
            alt.Tooltip("lines:Q", title="Lines changed", format=","),
        ],
    )
    plot = base.mark_bar(cornerRadiusTopRight=2, cornerRadiusBottomRight=2) + base.mark_text(
        dx=4, align="left", fontSize=11, color="currentColor"
    ).encode(text=alt.Text("lines:Q", format=","))
    title = str(
        ctx.options.get("title")
        or ("Lines changed per language and year" if per_year else "Lines changed per language")
    )
    listed = "; ".join(
        f"{r['label']}: {r['lines']:,} ({r['additions']:,} inserted, {r['deletions']:,} deleted)" for r in rows
    )
    description = str(
        ctx.options.get("description")
        or f"Horizontal bar chart of the lines changed per language{ctx.scope()}, the top {top}"
        + (" of each year" if per_year else "")
        + f", largest first: {listed}. Lock files and generated files are not counted."
    )
    overall = language_lines(frame)[""] if per_year else found[""]
    total = sum(a + d for a, d in overall.values())
    best = top_languages(overall, 1)[0]
    caption = str(
        ctx.options.get("description")
        or f"Most lines changed were {isolate(best['language'])}: {best['lines']:,} of {total:,}."
    )
    height = max(ctx.height // 2, 22 * len(rows))
    longest = max(len(r["key"]) for r in rows)
    spec = finish(plot, ctx, title, description, size=_room(ctx, (7 * longest + 90, 60), height))
    columns = [("key", "Year · language" if per_year else "Language"), ("additions", "Inserted")]
    return Chart(
        spec, title, description, [*columns, ("deletions", "Deleted"), ("lines", "Lines changed")], rows, caption
    )

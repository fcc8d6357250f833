"""The built-in retrospective charts: aggregated rows in, a Vega-Lite spec (built with Altair) out.

Charts only ever see aggregates (one row per year, month, bucket ...), never PR rows, so an embedded
spec does not grow with the number of PRs and holds no PR title or URL. Colours are placeholders
(``SERIES``) that the stylesheet maps to the site's palette, and text uses ``currentColor``, so one
static SVG follows the light and dark schemes without a rebuild.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import polars as pl
from altair.utils.schemapi import disable_debug_mode

from retroblog.charts.theme import SERIES
from retroblog.charts.time import (
    Grain,
    axis_options,
    bin_key,
    bin_words,
    choose,
    label_expr,
    month_words,
    one_year,
    period_words,
    year_label,
)
from retroblog.data.dataset import Dataset
from retroblog.errors import ConfigError
from retroblog.stats.compute import WEEKDAYS, Filters, Stats
from retroblog.stats.keys import total_text
from retroblog.util.bidi import isolate
from retroblog.util.words import ENGLISH, Words, count

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
    """A chart ready to render: its spec, the rows behind it, its caption and words for assistive technology."""

    spec: dict[str, Any]
    title: str
    description: str
    """Every figure the chart draws, in words: for screen readers (with the data table)."""
    columns: list[tuple[str, str]]
    """(field, heading) of the data table."""
    rows: list[dict[str, Any]]
    caption: str = ""
    """The visible caption: one short sentence, the main finding ("Most PRs were merged in 2021: 129 of
    310."); empty: the description is shown instead."""


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
    language: str = ENGLISH
    """The site's language (``Settings.language``): the month names of axes, tooltips and captions."""

    @property
    def words(self) -> Words:
        """Months and dates in the site's language (``März 2016``)."""
        return Words(self.language)

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
    title 14 px, and no text under 11 px, in a static SVG drawn at 1:1 and in the interactive view laid
    out at its column's width alike. Labels that would still overlap (a narrow column) are thinned,
    never drawn over each other.
    """
    from retroblog.charts.theme import BUNDLED_FONT, LABEL_MEDIUM, MEASURED_FONT, TITLE_SMALL

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
        "labelFont": MEASURED_FONT,
    }
    opaque = {"opacity": 1}  # Vega-Lite draws points at 0.7: under 3:1 against the page
    return {
        "background": None,
        # A margin keeps what the page's font draws a little wider than measured inside the figure.
        "padding": {"left": 10, "right": 10, "top": 5, "bottom": 5},
        "view": {"stroke": None},
        "point": opaque,
        "circle": opaque,
        "square": opaque,
        "axis": guide,
        # long names (repositories, roles) beside a y axis: measured in the font they may be drawn in,
        # up to 260 px (Vega's default is 180), as the career chart's roles
        "axisY": {"labelFont": MEASURED_FONT, "labelLimit": 260},
        # ... but a count's few digits in vl-convert's own font: measuring in a font of the system reads
        # its file for each label (a third of a chart's render), and digits are at most 6 px wider in
        # DejaVu Sans at 12 px, which the labels' padding takes
        "axisYQuantitative": {"labelFont": BUNDLED_FONT},
        "legend": legend,
        "title": {"color": "currentColor", "fontSize": TITLE_SMALL, "fontWeight": "normal", "anchor": "start"},
        "mark": {"color": SERIES[0]},
        "range": {"category": list(SERIES)},
    }


VALIDATE_BUILT_IN = False
"""Validate built-in specs against the Vega-Lite schema at build time (tests do; it costs ~8 ms a chart)."""

disable_debug_mode()
"""Altair's "debug mode" (on by default) validates every object it makes, each channel, mark and layer,
as it is made: a third of the time a built-in chart took to build, for what ``finish()`` validates whole
when asked to (``VALIDATE_BUILT_IN``; a user's chart always)."""


MAX_DRAWN_TEXT = 200
"""Characters of one text a chart draws (its title, a repository name on an axis or in a tooltip): a longer
one is cut with an ellipsis, its whole text in the data table. vl-convert's measuring of a text grows
faster than its length (a 100 KB title took 33 s to render); 200 characters is more than a GitHub
repository's full name (39 + 1 + 100)."""


def _short(text: str) -> str:
    return text if len(text) <= MAX_DRAWN_TEXT else text[:MAX_DRAWN_TEXT] + "…"


def bound_text(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose title and every string of its data, at any depth (layers, concatenations,
    ``datasets``), are at most ``MAX_DRAWN_TEXT`` characters (and an ellipsis). The description, read to
    screen readers and never laid out, is left whole."""

    def rows(values: Any) -> Any:
        if not isinstance(values, list):
            return values
        return [
            {k: _short(v) if isinstance(v, str) else v for k, v in row.items()} if isinstance(row, dict) else row
            for row in values
        ]

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "values":
                out[key] = rows(value)
            elif key == "datasets" and isinstance(value, dict):
                out[key] = {name: rows(table) for name, table in value.items()}
            elif key == "title" and isinstance(value, str):
                out[key] = _short(value)
            else:
                out[key] = walk(value)
        return out

    return dict(walk(spec))


def finish(
    chart: alt.TopLevelMixin,
    ctx: ChartContext | None,
    title: str,
    description: str,
    *,
    size: Mapping[str, int] | None = None,
    validate: bool | None = None,
) -> dict[str, Any]:
    """The final spec: sized (``size``: its ``width`` and ``height``), titled, described, themed by
    ``theme_config``; no schema URL, no CDN.

    These are set on the spec's dict, not with Altair's ``properties()``, which deep-copies the whole
    chart, its data included, at each call (a third of the time a built-in chart took to build).
    A user's chart is always validated (``validate=True``); the built-in ones are proven valid by the
    test suite, which turns ``VALIDATE_BUILT_IN`` on.
    """
    check = VALIDATE_BUILT_IN if validate is None else validate
    spec = chart.to_dict(validate=check)
    spec.update({**(size or {}), "title": title, "description": description})  # two strings, two numbers
    spec = bound_text(spec)  # the Chart's title and rows stay whole: the data table's
    spec.pop("$schema", None)
    spec["config"] = theme_config()
    spec["autosize"] = {"type": "fit", "contains": "padding"}
    return spec


def _figure(value: Any) -> str:
    """A count in a description: ``1,234``; an unknown one: ``unknown``."""
    return "unknown" if value is None else f"{value:,}"


def _series_words(
    rows: list[dict[str, Any]],
    key: str,
    value: str,
    unit: str,
    words: Callable[[str], str] = str,
    *,
    span: bool = True,
) -> str:
    """Every row's value (up to 12 rows, else the span), the largest and the total; keys in ``words``
    (``span=False``: months whose span the description already gave)."""
    if not rows:
        return f"No {unit}."
    total = sum(r[value] for r in rows)
    best = max(rows, key=lambda r: r[value])
    if len(rows) <= 12:
        listed = ", ".join(f"{words(r[key])}: {r[value]:,}" for r in rows)
        return f"{listed}. Most in {words(best[key])} ({best[value]:,}); {total:,} in all."
    periods = (
        f"{len(rows)} periods from {words(rows[0][key])} to {words(rows[-1][key])}" if span else f"{len(rows)} months"
    )
    return f"{periods}; most in {words(best[key])} ({best[value]:,}); {total:,} in all."


def _most(rows: list[dict[str, Any]], key: str, unit: str, words: Callable[[str], str] = str) -> str:
    """The caption of a chart of PRs per ``unit`` (``year``, ``month`` ...): its main finding, ``Most
    PRs were merged in 2021: 129 of 310.``; a tie says so (``18 PRs merged; the most, 3, in each of
    6 months.``)."""
    total = sum(r["prs"] for r in rows)
    best = max(rows, key=lambda r: r["prs"], default=None)
    if best is None or not total:
        return "No PRs merged."
    if best["prs"] == total:
        return f"All {count(total, 'PR')} were merged in {words(best[key])}."
    ties = sum(r["prs"] == best["prs"] for r in rows)
    if ties > 1:
        return f"{count(total, 'PR')} merged; the most, {best['prs']:,}, in each of {count(ties, unit)}."
    return f"Most PRs were merged in {words(best[key])}: {best['prs']:,} of {total:,}."


def _in_order(rows: list[dict[str, Any]], key: str) -> list[Any]:
    """The values of ``key`` in the rows' order: an ordinal axis's explicit sort.

    Without it Vega-Lite sorts an ordinal axis by its labels, alphabetically: Apr, Aug, Dec, ... for
    months, ``10-100`` before ``<10`` for size buckets.
    """
    return list(dict.fromkeys(r[key] for r in rows))


def _month_scope(ctx: ChartContext, months: list[str]) -> str:
    """The filters in words with the months the chart draws for dates: `` from April 2017 to December
    2019 in org/app``. A ``year: 2019`` filter draws that year clipped to the dataset's first and last
    merge, so its own dates would name months the chart does not have."""
    others = dataclasses.replace(ctx.filters, start=None, end=None).describe(private=ctx.dataset.private)
    words = [w for w in (period_words(months[0], months[-1], ctx.words) if months else "", others) if w]
    return f" {' '.join(words)}" if words else ""


def _month_grain(ctx: ChartContext, months: list[str], plot: int, *, bins: bool = True) -> Grain:
    """The grain of a chart of ``months`` on a plot ``plot`` pixels wide (``bins=False``: a bin a month)."""
    grains = ("month", "quarter", "year") if bins else ("month",)
    return choose(len(months), plot, one_year=one_year(months), bins=grains)


def _time_x(
    ctx: ChartContext,
    grain: Grain,
    keys: list[str],
    shown: list[str] | None = None,
    title: str | None = None,
    *,
    titled: bool = False,
) -> alt.X:
    """The x axis of a chart over time: a band per bin in calendar order, labels as ``grain`` chose
    them, in the site's language (``titled``: the chart's title names the year of a chart of one
    year, so no label does)."""
    axis = axis_options(grain, keys, shown, year_on_first=not titled, words=ctx.words)
    return alt.X(f"{grain.bin}:O", title=title or grain.heading, sort=shown or keys, axis=alt.Axis(**axis))


MONTH_WORDS_EXPR = (
    "utcFormat(utc(toNumber(slice(datum.month, 0, 4)), toNumber(slice(datum.month, 5, 7)) - 1, 1), '%B %Y')"
)
"""A Vega expression for a tooltip: a ``month`` of ``2016-04`` in words, ``April 2016`` (in UTC: no
timezone moves it to March)."""


def _month_words_expr(ctx: ChartContext, months: list[str]) -> str:
    """``MONTH_WORDS_EXPR`` in English; in another language, each of the chart's ``months`` in its words
    (``März 2016``: Vega's own month names are English)."""
    if ctx.language == ENGLISH:
        return MONTH_WORDS_EXPR
    return label_expr({m: month_words(m, ctx.words) for m in months}, field="month")


def _binned(
    rows: list[dict[str, Any]], grain: Grain, metrics: tuple[str, ...], words: Words | None = None
) -> list[dict[str, Any]]:
    """Monthly rows (``month`` and ``metrics``) summed into the grain's bins.

    Each bin has its key under the bin's name (``quarter: 2016-Q2``), its words (``when``: ``Q2
    2016``) and, per metric, the month by month detail for its tooltip (``prs_months``: ``Apr: 3,
    May: 0, Jun: 2``). A metric unknown in every month of a bin is unknown (None) in the bin. Months
    in ``words``' language (English by default).
    """
    words = words or Words()
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = bin_key(row["month"], grain.bin)
        target = out.setdefault(key, {grain.bin: key, "when": bin_words(key, words), **dict.fromkeys(metrics)})
        name = words.month_abbr(int(row["month"][5:7]))
        for metric in metrics:
            if row[metric] is not None:
                target[metric] = (target[metric] or 0) + row[metric]
            detail = f"{name}: {_figure(row[metric])}"
            target[f"{metric}_months"] = (
                f"{target[f'{metric}_months']}, {detail}" if f"{metric}_months" in target else detail
            )
    return list(out.values())


def _bin_title(grain: Grain, monthly: str, year: int | None = None) -> str:
    """A month chart's default title: ``monthly`` (``PRs merged per month``) or, binned, per quarter or year."""
    title = monthly if grain.bin == "month" else monthly.replace("per month", f"per {grain.bin}")
    return f"{title} in {year}" if year else title


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


def _plot_width(ctx: ChartContext, chrome: tuple[int, int]) -> int:
    """The width of the plot of a chart whose guides take ``chrome`` (``_room``'s guess)."""
    return _room(ctx, chrome)["width"] - chrome[0]


BAR_LABEL_CHAR = 7
"""Pixels a digit of a bar's count label takes (11 px text): a bar narrower than its label has none."""


def _bars(
    ctx: ChartContext,
    rows: list[dict[str, Any]],
    key: str,
    heading: str,
    title: str,
    *,
    x: alt.X | None = None,
    tooltip: list[alt.Tooltip] | None = None,
    chrome: tuple[int, int] | None = None,
) -> Chart:
    """A bar per row of ``rows`` (``key`` and ``prs``), its count on top when there is room for it.

    ``x``: the axis of a chart over time (``_time_x``); without it the rows' keys are all labelled,
    slanted when there are more than 12.
    """
    chrome = chrome or (80, 60 + (55 if len(rows) > 12 else 20))
    largest = max((r["prs"] for r in rows), default=0)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=x
        or alt.X(
            f"{key}:O",
            title=heading,
            sort=_in_order(rows, key),
            axis=alt.Axis(labelAngle=0 if len(rows) <= 12 else -45),
        ),
        y=alt.Y("prs:Q", title="PRs merged", axis=_count_axis(largest, ctx.height)),
        tooltip=tooltip or [alt.Tooltip(f"{key}:O", title=heading), alt.Tooltip("prs:Q", title="PRs")],
    )
    bar = base.mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
    fits = _plot_width(ctx, chrome) / max(len(rows), 1) >= BAR_LABEL_CHAR * len(f"{largest:,}") + 4
    plot = (
        bar + base.mark_text(dy=-5, baseline="bottom", fontSize=11, color="currentColor").encode(text=alt.Text("prs:Q"))
        if len(rows) <= 24 and fits
        else base.mark_bar()
    )
    description = f"Bar chart of merged PRs per {heading.lower()}{ctx.scope()}. " + _series_words(
        rows, key, "prs", "PRs"
    )
    title = str(ctx.options.get("title") or title)
    description = str(ctx.options.get("description") or description)
    caption = str(ctx.options.get("description") or _most(rows, key, heading.lower()))
    spec = finish(plot, ctx, title, description, size=_room(ctx, chrome))
    return Chart(spec, title, description, [(key, heading), ("prs", "PRs")], rows, caption)


TIME_CHROME = (80, 80)
"""The guides of a bar chart over time (title 30, horizontal labels and their title 50), across and down."""


@chart("prs-per-year")
def prs_per_year(ctx: ChartContext) -> Chart:
    rows = [{"year": r["period"], "prs": r["prs"]} for r in ctx.stats.periods["year"]]
    years = [r["year"] for r in rows]
    grain = choose(12 * len(years), _plot_width(ctx, TIME_CHROME), bins=("year",))
    return _bars(
        ctx, rows, "year", "Year", "PRs merged per year", x=_time_x(ctx, grain, years, title="Year"), chrome=TIME_CHROME
    )


@chart("prs-per-month")
def prs_per_month(ctx: ChartContext) -> Chart:
    months = ctx.stats.periods["month"]
    keys = [r["period"] for r in months]
    year = ctx.single_year()
    # within one year the months are named (Jan to Dec), in the data table and the spec alike
    shown = [ctx.words.month_abbr(int(m[5:7])) for m in keys] if year else keys
    rows = [{"month": s, "prs": r["prs"]} for s, r in zip(shown, months, strict=True)]
    grain = _month_grain(ctx, keys, _plot_width(ctx, TIME_CHROME))
    title = str(ctx.options.get("title") or _bin_title(grain, "PRs merged per month", year))
    scope = _month_scope(ctx, keys)
    tooltip: list[alt.Tooltip]
    if grain.bin == "month":
        data = rows
        tooltip = [alt.Tooltip("month:O", title="Month"), alt.Tooltip("prs:Q", title="PRs")]
        x = _time_x(ctx, grain, keys, shown, titled=bool(year))
    else:
        monthly = [{"month": k, "prs": r["prs"]} for k, r in zip(keys, months, strict=True)]
        data = _binned(monthly, grain, ("prs",), ctx.words)
        tooltip = [
            alt.Tooltip("when:N", title=grain.heading),
            alt.Tooltip("prs:Q", title="PRs"),
            alt.Tooltip("prs_months:N", title="Per month"),
        ]
        x = _time_x(ctx, grain, [d[grain.bin] for d in data])
    chart_ = _bars(ctx, data, grain.bin, grain.heading, title, x=x, tooltip=tooltip, chrome=TIME_CHROME)
    month_rows = [{"month": k, "prs": r["prs"]} for k, r in zip(keys, months, strict=True)]
    in_words = functools.partial(month_words, words=ctx.words)
    description = str(
        ctx.options.get("description")
        or f"Bar chart of merged PRs per {grain.bin}{scope}. "
        + _series_words(month_rows, "month", "prs", "PRs", words=in_words, span=False)
    )
    chart_.spec["description"] = description
    caption = str(ctx.options.get("description") or _most(month_rows, "month", "month", in_words))
    return Chart(chart_.spec, title, description, [("month", "Month"), ("prs", "PRs")], rows, caption)


@chart("prs-per-quarter")
def prs_per_quarter(ctx: ChartContext) -> Chart:
    rows = [{"quarter": r["period"], "prs": r["prs"]} for r in ctx.stats.periods["quarter"]]
    years = list(dict.fromkeys(r["quarter"][:4] for r in rows))
    caption = _most(rows, "quarter", "quarter", functools.partial(bin_words, words=ctx.words))
    if len(years) > 1:
        return _quarter_bars(ctx, rows, years, caption)
    year = ctx.single_year()
    if year:
        rows = [{"quarter": r["quarter"][5:], "prs": r["prs"]} for r in rows]
    # One colour per quarter of the year (Q1 to Q4), whichever year. The year is in the tooltip and the
    # data table.
    base = (
        alt.Chart(alt.Data(values=rows))
        .transform_calculate(q="slice(datum.quarter, -2)")
        .encode(
            theta=alt.Theta("prs:Q", stack=True),
            order=alt.Order("quarter:O"),
            color=_quarter_colour(),
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
        text=alt.condition("datum.prs > 0", alt.Text("prs:Q"), alt.value("")),
        color=alt.value("currentColor"),  # the text's colour, not its slice's: 4.5:1 against the page
    )
    title = str(ctx.options.get("title") or (f"PRs merged per quarter in {year}" if year else "PRs merged per quarter"))
    description = str(
        ctx.options.get("description")
        or f"Donut chart of merged PRs per quarter{ctx.scope()}. " + _series_words(rows, "quarter", "prs", "PRs")
    )
    spec = finish((donut + labels), ctx, title, description, size=size)
    caption = str(ctx.options.get("description") or caption)
    return Chart(spec, title, description, [("quarter", "Quarter"), ("prs", "PRs")], rows, caption)


QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def _quarter_colour() -> alt.Color:
    """A colour per quarter of the year (Q1 to Q4), whichever year: a quarter of 2021 is the colour of
    the same quarter of 2020, never a colour that comes round again by chance."""
    return alt.Color(
        "q:N", title="Quarter", sort=list(QUARTERS), scale=alt.Scale(domain=list(QUARTERS), range=list(SERIES[:4]))
    )


def _quarter_bars(ctx: ChartContext, rows: list[dict[str, Any]], years: list[str], caption: str) -> Chart:
    """PRs per quarter over several years: a bar per year, stacked by quarter (Q1 at the bottom), the
    year's total on top when there is room; a donut of dozens of slices would be unreadable."""
    chrome = (DONUT_LEGEND + 80, 80)
    grain = choose(12 * len(years), _plot_width(ctx, chrome), bins=("year",))
    in_words = functools.partial(bin_words, words=ctx.words)
    data = [{**r, "year": r["quarter"][:4], "q": r["quarter"][5:], "when": in_words(r["quarter"])} for r in rows]
    base = alt.Chart(alt.Data(values=data))
    x = _time_x(ctx, grain, years, title="Year")
    stacked = base.mark_bar().encode(
        x=x,
        y=alt.Y(
            "prs:Q",
            title="PRs merged",
            stack="zero",
            axis=_count_axis(max(sum(r["prs"] for r in rows if r["quarter"][:4] == y) for y in years), ctx.height),
        ),
        color=_quarter_colour(),
        order=alt.Order("q:O", sort="ascending"),
        tooltip=[alt.Tooltip("when:N", title="Quarter"), alt.Tooltip("prs:Q", title="PRs")],
    )
    totals = {y: sum(r["prs"] for r in rows if r["quarter"][:4] == y) for y in years}
    plot: alt.TopLevelMixin = stacked
    if _plot_width(ctx, chrome) / len(years) >= BAR_LABEL_CHAR * len(f"{max(totals.values()):,}") + 4:
        plot = stacked + base.transform_aggregate(total="sum(prs)", groupby=["year"]).mark_text(
            dy=-5, baseline="bottom", fontSize=11, color="currentColor"
        ).encode(x=x, y=alt.Y("total:Q"), text=alt.Text("total:Q"))
    title = str(ctx.options.get("title") or "PRs merged per quarter")
    description = str(
        ctx.options.get("description")
        or f"Stacked bar chart of merged PRs per quarter, a bar per year{ctx.scope()}. "
        + _series_words(rows, "quarter", "prs", "PRs", words=in_words)
    )
    spec = finish(plot, ctx, title, description, size=_room(ctx, chrome))
    caption = str(ctx.options.get("description") or caption)
    return Chart(spec, title, description, [("quarter", "Quarter"), ("prs", "PRs")], rows, caption)


def _refuse_unknown(ctx: ChartContext, metrics: tuple[str, ...], what: str, why: str = "its file has none") -> None:
    """A chart of counts that every PR it covers has unknown has nothing to draw: an error saying so,
    not empty axes or bars of 0."""
    if all(ctx.stats.totals[metric] is None for metric in metrics):
        raise ConfigError(f"{what} unknown for every PR of the dataset '{ctx.dataset.name}'{ctx.scope()} ({why})")


def _total_words(ctx: ChartContext, metric: str) -> str:
    """A metric's total for a description: ``1,234``, ``412 on 80 of 120 PRs``, ``an unknown number``."""
    stats = ctx.stats
    if stats.totals[metric] is None:
        return "an unknown number"
    return total_text(stats.totals[metric], stats.unknown[metric], stats.total_prs, metric, Words(), noun=False)


@chart("inserts-deletes")
def inserts_deletes(ctx: ChartContext) -> Chart:
    _refuse_unknown(ctx, ("additions", "deletions"), "lines inserted and deleted are")
    months = ctx.stats.periods["month"]
    rows = [{"month": r["period"], "additions": r["additions"], "deletions": r["deletions"]} for r in months]
    keys = [r["month"] for r in rows]
    chrome = (90, 150)
    grain = _month_grain(ctx, keys, _plot_width(ctx, chrome))
    drawn = rows if grain.bin == "month" else _binned(rows, grain, ("additions", "deletions"), ctx.words)
    field = grain.bin
    # a month whose count is unknown (None) has no bar, not a bar of 0
    long = [
        {field: r[field], "kind": "Inserted", "lines": r["additions"], **_detail(r, "additions")} for r in drawn
    ] + [
        {
            field: r[field],
            "kind": "Deleted",
            "lines": None if r["deletions"] is None else -r["deletions"],
            **_detail(r, "deletions"),
        }
        for r in drawn
    ]
    # inserted lines above zero, deleted below: the axis spans the largest of each
    span = max((r["additions"] or 0 for r in drawn), default=0) + max((r["deletions"] or 0 for r in drawn), default=0)
    tooltip = [
        alt.Tooltip(f"{field}:O", title=grain.heading)
        if grain.bin == "month"
        else alt.Tooltip("when:N", title=grain.heading),
        alt.Tooltip("kind:N", title="Lines"),
        alt.Tooltip("lines:Q", title="Count"),
    ]
    if grain.bin != "month":
        tooltip.append(alt.Tooltip("months:N", title="Per month"))
    bars = (
        alt.Chart(alt.Data(values=long))
        .mark_bar()
        .encode(
            x=_time_x(ctx, grain, [r[field] for r in drawn]),
            y=alt.Y("lines:Q", title="Lines (deleted below zero)", axis=_count_axis(span, ctx.height)),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["Inserted", "Deleted"], range=[SERIES[0], SERIES[1]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=tooltip,
        )
    )
    added, deleted = (_total_words(ctx, metric) for metric in ("additions", "deletions"))
    busiest = max(rows, key=lambda r: (r["additions"] or 0) + (r["deletions"] or 0), default=None)
    title = str(ctx.options.get("title") or _bin_title(grain, "Lines inserted and deleted per month"))
    most = f"the most change in {month_words(busiest['month'], ctx.words)}" if busiest else ""
    description = str(
        ctx.options.get("description")
        or (
            f"Diverging bar chart of lines inserted (above zero) and deleted (below zero) per {grain.bin}"
            f"{_month_scope(ctx, keys)}: {added} inserted and {deleted} deleted in {count(len(rows), 'month')}"
            + (f"; {most}." if busiest else ".")
        )
    )
    caption = str(
        ctx.options.get("description")
        or f"{added} lines inserted and {deleted} deleted" + (f"; {most}." if busiest else ".")
    )
    spec = finish(bars, ctx, title, description, size=_room(ctx, chrome))
    return Chart(
        spec,
        title,
        description,
        [("month", "Month"), ("additions", "Inserted"), ("deletions", "Deleted")],
        rows,
        caption,
    )


def _detail(row: dict[str, Any], metric: str) -> dict[str, Any]:
    """A binned row's words for a tooltip: the bin (``when``) and its months' ``metric`` (``months``)."""
    return {"when": row["when"], "months": row[f"{metric}_months"]} if "when" in row else {}


BUCKET_WORDS = {"<": "fewer than {}", ">": "more than {}"}


def _bucket_words(bucket: str) -> str:
    """A size bucket in words: ``<10`` -> ``fewer than 10``, ``10-100`` -> ``10 to 100``."""
    if bucket[:1] in BUCKET_WORDS:
        return BUCKET_WORDS[bucket[0]].format(bucket[1:])
    return bucket.replace("-", " to ", 1)


@chart("size-buckets")
def size_buckets(ctx: ChartContext) -> Chart:
    _refuse_unknown(ctx, ("additions",), "lines inserted are")
    rows: list[dict[str, Any]] = [{"bucket": k, "prs": v} for k, v in ctx.stats.size_buckets.items()]
    chart_ = _bars(ctx, rows, "bucket", "Lines inserted", "PRs by size (lines inserted)")
    total = sum(r["prs"] for r in rows)
    best = max(rows, key=lambda r: r["prs"], default=None)
    if not ctx.options.get("description"):
        if best and total:
            chart_.caption = (
                f"All {count(total, 'PR')} inserted {_bucket_words(best['bucket'])} lines."
                if best["prs"] == total
                else f"Most PRs inserted {_bucket_words(best['bucket'])} lines: {best['prs']:,} of {total:,}."
            )
        unknown = ctx.stats.unknown["additions"]
        note = f" {unknown:,} PRs of unknown size are not counted." if unknown else ""
        chart_.description = (
            f"Histogram of merged PRs by lines inserted{ctx.scope()}. "
            + ", ".join(f"{r['bucket']}: {r['prs']:,}" for r in rows)
            + f".{note}"
        )
        chart_.spec["description"] = chart_.description
    return chart_


def _month_tooltip() -> alt.Tooltip:
    """The month of a point of a monthly line, in words (``April 2016``: ``MONTH_WORDS_EXPR``)."""
    return alt.Tooltip("when:N", title="Month")


@chart("cumulative")
def cumulative(ctx: ChartContext) -> Chart:
    total = 0
    rows = []
    for r in ctx.stats.periods["month"]:
        total += r["prs"]
        rows.append({"month": r["period"], "prs": r["prs"], "total": total})
    keys = [r["month"] for r in rows]
    chrome = (80, 120)
    plot_width = _plot_width(ctx, chrome)
    grain = _month_grain(ctx, keys, plot_width, bins=False)
    base = (
        alt.Chart(alt.Data(values=rows))
        .transform_calculate(when=_month_words_expr(ctx, keys))
        .encode(
            x=_time_x(ctx, grain, keys),
            y=alt.Y("total:Q", title="PRs merged so far", axis=_count_axis(total, ctx.height)),
            tooltip=[_month_tooltip(), alt.Tooltip("total:Q", title="PRs so far")],
        )
    )
    # a point a month; where months are only a few pixels apart the points touch and draw a beaded line,
    # each still big enough (5 px) to point at for its tooltip
    size = 18 if plot_width / max(len(rows), 1) >= 8 else 20
    plot = base.mark_area(opacity=0.25, line={"color": SERIES[0]}) + base.mark_point(filled=True, size=size)
    title = str(ctx.options.get("title") or "PRs merged over time")
    scope = _month_scope(ctx, keys)
    description = str(
        ctx.options.get("description") or f"Cumulative line chart of merged PRs{scope}, reaching {total:,}."
    )
    caption = str(ctx.options.get("description") or f"{count(total, 'PR')} merged{scope}.")
    spec = finish(plot, ctx, title, description, size=_room(ctx, chrome))
    return Chart(spec, title, description, [("month", "Month"), ("prs", "PRs"), ("total", "PRs so far")], rows, caption)


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


def _calendar_axis(
    weeks: list[str], first: dt.date | None, last: dt.date | None, plot: int, words: Words | None = None
) -> dict[str, Any]:
    """The week axis of a calendar from ``first`` to ``last``, labelled by month: each label at the
    first week that starts in its month (the first month's at the first column), as many months as fit
    (``choose``): ``Jan 2021``, ``Feb`` ... within a year, ``Apr 2016`` or ``2016`` over several; the
    months in ``words``' language (English by default)."""
    if first is None or last is None:
        return {"labels": False}
    words = words or Words()
    starts: dict[str, str] = {}
    since, until = first.isoformat()[:7], last.isoformat()[:7]
    for week in weeks:
        # the first Monday of each month; the first column (its Monday perhaps in the month before) is the
        # first month's
        month = max(week[:7], since)
        if month <= until:
            starts.setdefault(month, week)
    months = list(starts)
    if not months:
        return {"labels": False}
    # months are 4 or 5 columns: labels are spaced for the shortest
    shortest = plot * 4 / max(len(weeks) / len(months), 4)
    grain = choose(len(months), shortest, one_year=one_year(months), bins=("month",))
    ticks = grain.ticks(months)
    labels = {starts[m]: grain.label(m, words) for m in ticks}
    if grain.one_year and grain.step < 12:  # the year once, on the first label: "Jan 2021", "Feb", ...
        labels[starts[ticks[0]]] = year_label(grain, ticks[0], words)
    return {"values": list(labels), "labelExpr": label_expr(labels), "labelAngle": 0, "labelOverlap": "greedy"}


YEAR_WEEKS = 53
"""The most weeks a calendar draws side by side (about a year); a longer period gets a strip per year."""
STRIP_COLUMNS = 54
"""Columns of a year's strip: the weeks (Monday to Sunday) that 1 January to 31 December can touch."""
STRIP_CHROME = (60, 100)
"""The guides of a calendar of year strips, across (the years' labels, padding) and down (title,
the months above the top strip, the legend below the last one)."""


def _strip_column(day: dt.date) -> str:
    """The column of ``day`` in its year's strip: its week since the week of 1 January (``00`` to ``53``)."""
    return f"{(_monday(day) - _monday(dt.date(day.year, 1, 1))).days // 7:02d}"


@chart("calendar")
def calendar(ctx: ChartContext) -> Chart:
    frame = ctx.filters.apply(ctx.dataset.frame)
    days = (
        frame.select(pl.col("merged_at").dt.date().alias("day")).group_by("day").agg(pl.len().alias("prs")).sort("day")
    )
    merged: list[tuple[dt.date, int]] = list(days.iter_rows())
    # Every week of the period and every weekday get their column and row, with PRs or without.
    first = ctx.filters.start or (days["day"].min() if merged else None)
    last = ctx.filters.end or (days["day"].max() if merged else None)
    weeks = []
    if isinstance(first, dt.date) and isinstance(last, dt.date):
        monday = _monday(first)
        while monday <= last:
            weeks.append(monday.isoformat())
            monday += dt.timedelta(days=7)
        if len(weeks) > YEAR_WEEKS:
            return _year_strips(ctx, merged, first, last)
    rows: list[dict[str, Any]] = [
        {"week": _monday(day).isoformat(), "weekday": WEEKDAYS[day.weekday()], "prs": prs} for day, prs in merged
    ]
    chrome = (60, 50)
    axis = _calendar_axis(
        weeks,
        first if isinstance(first, dt.date) else None,
        last if isinstance(last, dt.date) else None,
        _plot_width(ctx, chrome),
        ctx.words,
    )
    heat = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect(cornerRadius=1)
        .encode(
            x=alt.X("week:O", title=None, scale=alt.Scale(domain=weeks), axis=alt.Axis(ticks=False, **axis)),
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
    heat = _outlined(heat)
    busiest = max(rows, key=lambda r: r["prs"], default=None)
    title = str(ctx.options.get("title") or "Merged PRs by week and weekday")
    description = str(
        ctx.options.get("description")
        or (
            f"Calendar heatmap of merged PRs{ctx.scope()}, one column per week and one row per weekday: "
            f"{count(len(rows), 'day')} with merged PRs; most on {_top_weekday(ctx)}s"
            + (
                f"; the busiest day was {busiest['week']} week's {DAY_NAMES[busiest['weekday']]} ({busiest['prs']})."
                if busiest
                else "."
            )
        )
    )
    caption = f"PRs merged on {count(len(rows), 'day')}."
    if busiest:
        day = dt.date.fromisoformat(busiest["week"]) + dt.timedelta(days=WEEKDAYS.index(busiest["weekday"]))
        caption = (
            f"PRs merged on {count(len(rows), 'day')}; the busiest, {ctx.words.date(day.isoformat())}, "
            f"had {busiest['prs']:,}."
        )
    caption = str(ctx.options.get("description") or caption)
    spec = finish(heat, ctx, title, description, size=_room(ctx, chrome, min(ctx.height, 160)))
    return Chart(spec, title, description, [("week", "Week of"), ("weekday", "Day"), ("prs", "PRs")], rows, caption)


def _outlined(heat: alt.Chart) -> alt.LayerChart:
    """A calendar's day cells, each also outlined in the full series colour, 3:1 against the page in both
    schemes: a day of one PR, a quarter-opaque fill, is as easy to see as the busiest."""
    outline = heat.mark_rect(filled=False, stroke=SERIES[0], strokeWidth=1, aria=False)  # (square: fewer bytes)
    layered: alt.LayerChart = heat + outline.encode(opacity=alt.value(1))
    return layered


def _top_weekday(ctx: ChartContext) -> str:
    """The weekday most PRs were merged on, in full (``Tuesday``)."""
    weekday_counts = ctx.stats.counts("weekday")
    top_day = max(weekday_counts, key=lambda k: weekday_counts[k]) if ctx.stats.total_prs else "-"
    return DAY_NAMES.get(top_day, top_day)


def _year_strips(ctx: ChartContext, merged: list[tuple[dt.date, int]], first: dt.date, last: dt.date) -> Chart:
    """A calendar over more than a year: a strip per year from ``first``'s to ``last``'s, one below the
    other (a column per week of the year, a row per weekday, Monday at the top), the year left of its
    strip and the months above the top one, a year without PRs an empty strip. One view (not a facet),
    so it is laid out at its column's width like every other chart; its height follows from its width
    and the number of years, each day a square cell (``height`` is not used)."""
    words = ctx.words
    years = list(range(first.year, last.year + 1))
    rows: list[dict[str, Any]] = [
        {
            "week": _monday(day).isoformat(),
            "weekday": WEEKDAYS[day.weekday()],
            "prs": prs,
            "year": day.year,
            "column": _strip_column(day),
            "date": words.date(day.isoformat()),
        }
        for day, prs in merged
    ]
    size = _room(ctx, STRIP_CHROME)
    plot = size["width"] - STRIP_CHROME[0]
    cell = plot / STRIP_COLUMNS
    # each year's seven rows and an empty one below them (``2016 ``): the space between two strips
    domain = [f"{year} {day}" for year in years for day in (*WEEKDAYS, "")]
    size["height"] = STRIP_CHROME[1] + math.ceil(cell * len(domain))
    # a year's label beside its strip's first row; a faint line above each strip and below it (above
    # its empty row), so that a sparse year still shows where it is
    y_labels = {f"{year} {WEEKDAYS[0]}": str(year) for year in years}
    edges = [*y_labels, *(f"{year} " for year in years)]
    # the months above the top strip, each at the week of its first day, as many as fit (one word each)
    grain = choose(12, plot, one_year=True, bins=("month",))
    step = min(grain.step, 6)
    x_labels = {_strip_column(dt.date(years[0], month, 1)): words.month_abbr(month) for month in range(1, 13, step)}
    x = alt.X(
        "column:O",
        title=None,
        scale=alt.Scale(domain=[f"{i:02d}" for i in range(STRIP_COLUMNS)]),
        axis=alt.Axis(
            orient="top",
            ticks=False,
            domain=False,
            values=list(x_labels),
            labelExpr=label_expr(x_labels),
            labelAngle=0,
            labelOverlap="greedy",
        ),
    )
    y = alt.Y(
        "row:O",
        title=None,
        scale=alt.Scale(domain=domain),
        axis=alt.Axis(
            ticks=False,
            domain=False,
            grid=True,
            bandPosition=0,
            values=edges,
            labelExpr=label_expr(y_labels),
            labelBaseline="top",
        ),
    )
    heat = (
        alt.Chart(alt.Data(values=rows))
        .transform_calculate(row="datum.year + ' ' + datum.weekday")
        .mark_rect(cornerRadius=1)
        .encode(
            x=x,
            y=y,
            # PRs are counted in whole numbers: so is the legend (no 1.5 PRs)
            opacity=alt.Opacity(
                "prs:Q",
                title="PRs",
                scale=alt.Scale(range=[0.25, 1]),
                legend=alt.Legend(
                    format="d", values=_whole_steps(max((r["prs"] for r in rows), default=1)), orient="bottom"
                ),
            ),
            tooltip=[alt.Tooltip("date:N", title="Day"), alt.Tooltip("prs:Q", title="PRs")],
        )
    )
    busiest = max(rows, key=lambda r: r["prs"], default=None)
    active = sorted({r["year"] for r in rows})
    empty = [str(year) for year in years if year not in active]
    title = str(ctx.options.get("title") or "Merged PRs by week and weekday")
    described = (
        f"Calendar heatmap of merged PRs{ctx.scope()}, a strip per year from {years[0]} to {years[-1]}, each with "
        f"one column per week and one row per weekday, Monday at the top: {count(len(rows), 'day')} with merged PRs"
        + (f"; none in {_listed(empty)}" if empty else "")
        + f"; most on {_top_weekday(ctx)}s"
        + (f"; the busiest day was {busiest['date']} ({busiest['prs']:,})." if busiest else ".")
    )
    description = str(ctx.options.get("description") or described)
    in_years = f"in {len(active)} of {len(years)} years" if empty else f"over {len(years)} years"
    caption = f"PRs merged on {count(len(rows), 'day')} {in_years}" + (
        f"; the busiest, {busiest['date']}, had {busiest['prs']:,}." if busiest else "."
    )
    caption = str(ctx.options.get("description") or caption)
    spec = finish(_outlined(heat), ctx, title, description, size=size)
    return Chart(spec, title, description, [("date", "Day"), ("prs", "PRs")], rows, caption)


def _listed(items: list[str]) -> str:
    """``2011``, ``2011 and 2012``, ``2011, 2012 and 2016``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


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
    # "top 3" only when some repositories are left out: "top 2" of 2 says nothing
    shown = f" (top {len(rows)})" if len(rows) < len(ctx.stats.by_repo) else ""
    title = str(ctx.options.get("title") or f"PRs merged per repository{shown}")
    listed = ", ".join(f"{isolate(r['repo'])}: {r['prs']:,}" for r in rows)  # (a name's bidi ends with it)
    description = str(
        ctx.options.get("description")
        or f"Horizontal bar chart of merged PRs per repository{ctx.scope()}, largest first: {listed}."
    )
    total = ctx.stats.total_prs
    caption = "No PRs merged."
    if rows:
        best = rows[0]
        caption = (
            f"All {count(total, 'PR')} were merged in {isolate(best['repo'])}."
            if best["prs"] == total
            else f"Most PRs were merged in {isolate(best['repo'])}: {best['prs']:,} of {total:,}."
        )
    caption = str(ctx.options.get("description") or caption)
    height = max(ctx.height // 2, 22 * len(rows))
    # the repositories' names take about 7 pixels a character, left of the bars
    longest = max((len(r["repo"]) for r in rows), default=0)
    spec = finish(plot, ctx, title, description, size=_room(ctx, (7 * longest + 50, 60), height))
    return Chart(spec, title, description, [("repo", "Repository"), ("prs", "PRs")], rows, caption)


@chart("comments-per-pr")
def comments_per_pr(ctx: ChartContext) -> Chart:
    _refuse_unknown(ctx, ("comments", "review_comments"), "comments are", "git history, for one, has none")
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
    keys = [r["month"] for r in rows]
    chrome = (80, 120)
    grain = _month_grain(ctx, keys, _plot_width(ctx, chrome), bins=False)
    measured = [r for r in rows if r["per_pr"] is not None]
    tooltip = [
        _month_tooltip(),
        alt.Tooltip("per_pr:Q", title="Comments per PR"),
        alt.Tooltip("prs:Q", title="PRs"),
    ]
    data = alt.Data(values=rows)
    x = _time_x(ctx, grain, keys)
    when = _month_words_expr(ctx, keys)
    base = alt.Chart(data).transform_calculate(when=when).encode(x=x, y=alt.Y("per_pr:Q", title="Comments per PR"))
    line = base.mark_line(interpolate="monotone", invalid="break-paths-show-domains")
    points = base.mark_point(filled=True, size=18).encode(tooltip=tooltip)
    # A line is one path, and its tooltip would be its first month's wherever it is hovered: instead an
    # invisible full-height band per month with a value, on top, shows that month's numbers anywhere
    # above or below its point, on the line too.
    bands = (
        alt.Chart(data)
        .transform_filter("isValid(datum.per_pr)")
        .transform_calculate(when=when)
        .mark_rect(opacity=0)
        .encode(x=x, tooltip=tooltip)
    )
    plot = line + points + bands
    overall = (sum(r["per_pr"] * r["prs"] for r in measured) / sum(r["prs"] for r in measured)) if measured else 0
    title = str(ctx.options.get("title") or "Comments per PR over time")
    description = str(
        ctx.options.get("description")
        or (
            f"Line chart of the average number of comments (conversation and review) per merged PR per month"
            f"{_month_scope(ctx, keys)}: {overall:.1f} per PR overall over {count(len(measured), 'month')}"
            + (
                f"; no value for {count(len(rows) - len(measured), 'month')} (no PRs or no known comments)."
                if len(measured) < len(rows)
                else "."
            )
        )
    )
    caption = (
        f"{overall:.1f} comments per PR on average, over {count(len(measured), 'month')} with known counts."
        if measured
        else "No PR has a known number of comments."
    )
    caption = str(ctx.options.get("description") or caption)
    spec = finish(plot, ctx, title, description, size=_room(ctx, chrome))
    return Chart(
        spec, title, description, [("month", "Month"), ("per_pr", "Comments per PR"), ("prs", "PRs")], rows, caption
    )


from retroblog.charts import card as _card  # noqa: E402, F401  (registers the `card` type, after the built-ins)
from retroblog.charts import reviews as _reviews  # noqa: E402, F401  (registers the reviews charts)
from retroblog.charts import story as _story  # noqa: E402, F401  (registers time-to-merge, working-hours, languages)

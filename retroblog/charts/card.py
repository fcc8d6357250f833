"""The ``card`` chart type: the headline figures of a dataset and its filters, as one compact figure.

Four figures, always four, so the card keeps its shape on every dataset: the PRs merged, the period they
span, the busiest year (or month, within one year; over a single month, the lines inserted instead) and
the median PR size. A count the dataset does not have is written ``unknown``, never 0.

The card is a Vega-Lite spec like every chart, drawn by the same pipeline (static SVG, narrow render,
interactive view). Its tiles are laid out by Vega expressions over the view's ``width`` and ``height``
signals, so a card laid out again at its column's width in the browser (``retroblog.js``), or drawn at
another size, picks its own columns (four in a row, two by two, or one above another) and its text
sizes, never under 11 px. ``card_spec`` draws it at any size: the social card asks for 1200 x 630.
Text is ``currentColor``, the accent rule series 1's placeholder (``retroblog.charts.theme``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt

from retroblog.charts.builtin import MIN_PLOT_HEIGHT, MIN_PLOT_WIDTH, Chart, ChartContext, chart, finish
from retroblog.charts.theme import LABEL_MEDIUM, LABEL_SMALL, SERIES
from retroblog.util.words import ENGLISH, Words, count

TILE = (160, 86)
"""A figure's tile at scale 1, in pixels (across, down): its value 28 px, its label 13 px, its detail 12 px."""
MAX_SCALE = 3.0
"""The largest a card's text grows (a social card's 1200 x 630: values of 84 px at most)."""
VALUE_SIZE, LABEL_SIZE, DETAIL_SIZE = 28, 13, LABEL_MEDIUM
"""Font sizes at scale 1, in pixels."""
EM = {"value": 0.7, "label": 0.62, "detail": 0.6}
"""How wide a character of each text is, in ems, at most (DejaVu Sans, bold for values): a text is never
drawn wider than its tile."""
CHROME = (20, 40)
"""The card's padding and title, across and down (``theme_config``'s padding, a 14 px title)."""


@dataclass(frozen=True)
class Figure:
    """One headline figure: ``value`` (``310``, ``2019–2022``, ``unknown``) above its ``label`` and a
    ``detail`` that says what it counts or when."""

    key: str
    """``prs``, ``period``, ``busiest``, ``additions`` or ``median``: the same for every dataset."""
    label: str
    value: str
    detail: str


def _words(ctx: ChartContext) -> Words:
    """The site's words (months in its language), where the context carries the language."""
    return Words(str(getattr(ctx, "language", ENGLISH)))


def figures(ctx: ChartContext) -> list[Figure]:
    """The four figures of a card of ``ctx``'s dataset and filters."""
    stats, words = ctx.stats, _words(ctx)
    prs = stats.total_prs
    shown = [Figure("prs", "PR merged" if prs == 1 else "PRs merged", words.number(prs), _scope_detail(ctx))]
    first, last = stats.first_merged, stats.last_merged
    shown.append(_period(first, last, words))
    years = [row for row in stats.periods["year"] if row["prs"]]
    if len(years) > 1:
        shown.append(_busiest("year", [(r["period"], r["prs"]) for r in stats.periods["year"]], words))
    elif first and last and first[:7] != last[:7]:
        shown.append(_busiest("month", [(r["period"], r["prs"]) for r in stats.periods["month"]], words))
    else:  # one month: no busier period to name
        added, unknown = stats.totals["additions"], stats.unknown["additions"]
        detail = f"on {words.number(prs - unknown)} of {count(prs, 'PR')}" if added is not None and unknown else ""
        shown.append(Figure("additions", "Lines inserted", "unknown" if added is None else words.number(added), detail))
    median = stats.size.get("median")
    unknown = stats.unknown["additions"]
    detail = "lines inserted"
    if median is not None and unknown:
        detail = f"lines inserted, of {words.number(prs - unknown)} PRs"
    shown.append(Figure("median", "Median PR size", "unknown" if median is None else words.number(median), detail))
    return shown


def _scope_detail(ctx: ChartContext) -> str:
    """Under the PR count: which PRs (a private dataset's repositories and labels counted, not named)."""
    repos, labels = ctx.filters.repos, ctx.filters.labels
    if repos and (ctx.dataset.private or len(repos) > 1):
        return f"in {count(len(repos), 'repository', 'repositories')}"
    if repos:
        return "in one repository"
    if labels:
        return f"with {count(len(labels), 'label')}"
    return ""


def _period(first: str | None, last: str | None, words: Words) -> Figure:
    """The span of the merges: years (``2019–2022``), one year, one month or one day."""
    if not first or not last:
        return Figure("period", "Period", "unknown", "")
    if first[:4] != last[:4]:
        span = int(last[:4]) - int(first[:4]) + 1
        return Figure(
            "period",
            f"{span} calendar years",
            f"{first[:4]}–{last[:4]}",
            f"{words.month(first[:7])} to {words.month(last[:7])}",
        )
    if first[:7] != last[:7]:
        return Figure("period", "One year", first[:4], f"{words.month(first[:7])} to {words.month(last[:7])}")
    day_of = dt.date.fromisoformat
    if first == last:
        return Figure("period", "One day", words.date(first), "")
    days = (day_of(last) - day_of(first)).days + 1
    return Figure("period", "One month", words.month(first[:7]), f"merged over {count(days, 'day')}")


def _busiest(unit: str, rows: list[tuple[str, int]], words: Words) -> Figure:
    """The period of ``unit`` with the most PRs (the first of a tie, which the detail counts)."""
    most = max(prs for _, prs in rows)
    best = [period for period, prs in rows if prs == most]
    detail = count(most, "PR")
    if len(best) > 1:
        detail += f", as {'did' if len(best) == 2 else 'did each of'} {_others(best[1:], words, unit)}"
    return Figure("busiest", f"Busiest {unit}", words.period(best[0]), detail)


def _others(periods: list[str], words: Words, unit: str) -> str:
    if len(periods) == 1:
        return words.period(periods[0])
    return count(len(periods), f"other {unit}")


def description(shown: list[Figure], scope: str) -> str:
    """Every figure in words, for screen readers."""
    parts = [f"{f.label}: {f.value}" + (f" ({f.detail})" if f.detail else "") for f in shown]
    return f"Summary card of merged PRs{scope}. " + "; ".join(parts) + "."


def caption(shown: list[Figure]) -> str:
    """The visible caption: the count and the span, and the busiest period where there is one."""
    by_key = {f.key: f for f in shown}
    prs, period = by_key["prs"], by_key["period"]
    text = f"{prs.value} {prs.label.removesuffix(' merged')} merged"
    if period.value != "unknown":
        text += f", {period.detail}" if " to " in period.detail else f", {period.value}"
    busiest = by_key.get("busiest")
    if busiest is not None:
        text += f"; the most in {busiest.value} ({busiest.detail.split(',')[0]})"
    return text + "."


def card_spec(
    ctx: ChartContext,
    width: int,
    height: int,
    *,
    title: str | None = None,
    description_text: str | None = None,
    shown: list[Figure] | None = None,
) -> dict[str, Any]:
    """The card's Vega-Lite spec at ``width`` x ``height`` pixels (the whole figure: padding and title
    included; a size too small for its tiles at 11 px grows, as every chart's does).

    ``title`` None draws no title (a social card has its own); ``shown``: the figures (``figures(ctx)``).
    """
    shown = figures(ctx) if shown is None else shown
    chrome = (CHROME[0], CHROME[1] if title else 10)
    size = {"width": max(width, chrome[0] + MIN_PLOT_WIDTH), "height": max(height, chrome[1] + MIN_PLOT_HEIGHT)}
    rows = [
        {"index": i, "key": f.key, "label": f.label, "value": f.value, "detail": f.detail} for i, f in enumerate(shown)
    ]
    longest = {part: max((len(str(r[part])) for r in rows), default=1) or 1 for part in EM}
    tw, th = TILE
    n = len(rows)
    layouts = sorted({c for c in (n, 2, 1) if 1 <= c <= n}, reverse=True)
    # the layout whose tiles can be drawn largest; of equals, the one with more columns
    scores = [(c, f"min(width / {c * tw}, height / {math.ceil(n / c) * th})") for c in layouts]
    pick = str(layouts[-1])
    for at in range(len(scores) - 2, -1, -1):
        c, score = scores[at]
        rest = ", ".join(s for _, s in scores[at + 1 :])
        pick = f"{score} >= max({rest}) ? {c} : ({pick})"
    calculate = [
        ("cols", pick),
        ("rows", f"ceil({n} / datum.cols)"),
        ("tw", "width / datum.cols"),
        ("th", "height / datum.rows"),
        ("s", f"clamp(min(datum.tw / {tw}, datum.th / {th}), 0.5, {MAX_SCALE})"),
        ("cx", "(datum.index % datum.cols + 0.5) * datum.tw"),
        ("top", f"floor(datum.index / datum.cols) * datum.th + max(0, (datum.th - {th} * datum.s) / 2)"),
        ("fv", f"max({LABEL_SMALL}, min({VALUE_SIZE} * datum.s, (datum.tw - 12) / {EM['value'] * longest['value']}))"),
        ("fl", f"max({LABEL_SMALL}, min({LABEL_SIZE} * datum.s, (datum.tw - 8) / {EM['label'] * longest['label']}))"),
        (
            "fd",
            f"max({LABEL_SMALL}, min({DETAIL_SIZE} * datum.s, (datum.tw - 8) / {EM['detail'] * longest['detail']}))",
        ),
        ("yr", "datum.top + 6 * datum.s"),
        ("yv", "datum.top + 14 * datum.s + 0.8 * datum.fv"),
        ("yl", "datum.yv + 6 * datum.s + datum.fl"),
        ("yd", "datum.yl + 4 * datum.s + datum.fd"),
        ("x1", "datum.cx - 14 * datum.s"),
        ("x2", "datum.cx + 14 * datum.s"),
    ]
    base = alt.Chart(alt.Data(values=rows))
    for name, expression in calculate:
        base = base.transform_calculate(**{name: expression})

    def pixels(channel: type[Any], name: str) -> Any:
        return channel(f"{name}:Q", scale=None, axis=None) if channel in (alt.X, alt.Y) else channel(f"{name}:Q")

    tooltip = [alt.Tooltip("label:N", title="Figure"), alt.Tooltip("value:N", title="Value")]
    rule = base.mark_rule(strokeWidth=3, strokeCap="round", color=SERIES[0]).encode(
        x=pixels(alt.X, "x1"), x2=alt.X2("x2:Q"), y=pixels(alt.Y, "yr")
    )
    texts = []
    for part, size_field, y in (("value", "fv", "yv"), ("label", "fl", "yl"), ("detail", "fd", "yd")):
        weight: Literal["bold", "normal"] = "bold" if part == "value" else "normal"
        texts.append(
            base.mark_text(align="center", baseline="alphabetic", color="currentColor", fontWeight=weight).encode(
                x=pixels(alt.X, "cx"),
                y=pixels(alt.Y, y),
                text=alt.Text(f"{part}:N"),
                size=alt.Size(f"{size_field}:Q", scale=None, legend=None),
                tooltip=tooltip,
            )
        )
    layered = alt.layer(rule, *texts)
    text = description_text or description(shown, ctx.scope())
    spec = finish(layered, ctx, title or "", text, size=size)
    if not title:
        spec.pop("title", None)
    return spec


@chart("card")
def card(ctx: ChartContext) -> Chart:
    """The summary card of a block: its figures, its caption and a data table of them."""
    shown = figures(ctx)
    title = str(ctx.options.get("title") or f"PRs in figures{ctx.scope()}")
    text = str(ctx.options.get("description") or description(shown, ctx.scope()))
    # Never narrower than two tiles side by side, nor lower than two rows of them: the card laid out again
    # at a phone's column (the narrow render, the interactive view at its container's width) keeps its
    # text at full size.
    width = max(ctx.width, CHROME[0] + 2 * TILE[0])
    height = max(ctx.height, CHROME[1] + 2 * TILE[1])
    spec = card_spec(ctx, width, height, title=title, description_text=text, shown=shown)
    rows = [{"figure": f.label, "value": f.value, "detail": f.detail} for f in shown]
    columns = [("figure", "Figure"), ("value", "Value"), ("detail", "Detail")]
    return Chart(spec, title, text, columns, rows, str(ctx.options.get("description") or caption(shown)))

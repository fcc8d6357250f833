"""Built-in charts of the PRs you reviewed: a reviews dataset (``retroblog.data.reviews``) in, specs out.

``reviews-per-year``, ``reviews-per-month``, ``merged-vs-reviewed`` (PRs merged from the block's PR
dataset beside PRs reviewed, per year) and ``top-reviewed-repos``. The block's ``reviews:`` option names
the reviews dataset (default: the site's only one); the build puts it, loaded, in ``ctx.extra["reviews"]``.
The block's ``from``/``to``/``year``/``repo`` select reviews by their review date. Like every built-in
chart they see aggregates only, never a PR's title or URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import altair as alt

from retroblog.charts.builtin import (
    TIME_CHROME,
    Chart,
    ChartContext,
    _count_axis,
    _plot_width,
    _room,
    _series_words,
    chart,
    finish,
)
from retroblog.charts.theme import SERIES
from retroblog.errors import ConfigError
from retroblog.stats.reviews import by_repo, per_period, select
from retroblog.util.bidi import isolate
from retroblog.util.words import count

if TYPE_CHECKING:
    from retroblog.data.reviews import ReviewsDataset


def _reviews(ctx: ChartContext, chart_type: str) -> ReviewsDataset:
    reviews = ctx.extra.get("reviews")
    if reviews is None:  # pragma: no cover - the build always loads it for these chart types
        raise ConfigError(f"the {chart_type} chart needs a reviews dataset ('reviews:')")
    return reviews  # type: ignore[no-any-return]


def _scope(ctx: ChartContext, reviews: ReviewsDataset) -> str:
    words = ctx.filters.describe(private=reviews.private)
    return f" {words}" if words else ""


def _nothing(ctx: ChartContext, reviews: ReviewsDataset) -> ConfigError:
    return ConfigError(
        f"no reviewed PRs in the reviews dataset '{reviews.name}'{_scope(ctx, reviews)}: nothing to draw"
    )


def _most(rows: list[dict[str, Any]], key: str, unit: str, words: Callable[[str], str] = str) -> str:
    """The caption: the main finding (``Most PRs were reviewed in March 2021: 12 of 104.``), a tie said so."""
    total = sum(r["prs"] for r in rows)
    best = max(rows, key=lambda r: r["prs"])
    if best["prs"] == total:
        return f"All {count(total, 'reviewed PR')} were reviewed in {words(best[key])}."
    ties = sum(r["prs"] == best["prs"] for r in rows)
    if ties > 1:
        return f"{count(total, 'PR')} reviewed; the most, {best['prs']:,}, in each of {count(ties, unit)}."
    return f"Most PRs were reviewed in {words(best[key])}: {best['prs']:,} of {total:,}."


def _review_bars(
    ctx: ChartContext,
    rows: list[dict[str, Any]],
    key: str,
    heading: str,
    title: str,
    words: Callable[[str], str] = str,
) -> Chart:
    """A bar per period of PRs reviewed, its count on top when there is room for it."""
    reviews = _reviews(ctx, title)
    largest = max((r["prs"] for r in rows), default=0)
    slanted = len(rows) > 12
    chrome = (80, 60 + (55 if slanted else 20))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(
            f"{key}:O",
            title=heading,
            sort=[r[key] for r in rows],
            axis=alt.Axis(labelAngle=-45 if slanted else 0),
        ),
        y=alt.Y("prs:Q", title="PRs reviewed", axis=_count_axis(largest, ctx.height)),
        tooltip=[alt.Tooltip(f"{key}:O", title=heading), alt.Tooltip("prs:Q", title="PRs reviewed")],
    )
    bars = base.mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2, color=SERIES[1])
    fits = _plot_width(ctx, chrome) / max(len(rows), 1) >= 7 * len(f"{largest:,}") + 4
    plot = (
        bars
        + base.mark_text(dy=-5, baseline="bottom", fontSize=11, color="currentColor").encode(text=alt.Text("prs:Q"))
        if len(rows) <= 24 and fits
        else bars
    )
    title = str(ctx.options.get("title") or title)
    described = f"Bar chart of reviewed PRs per {heading.lower()}{_scope(ctx, reviews)}. " + _series_words(
        rows, key, "prs", "PRs", words
    )
    description = str(ctx.options.get("description") or described)
    caption = str(ctx.options.get("description") or _most(rows, key, heading.lower(), words))
    spec = finish(plot, ctx, title, description, size=_room(ctx, chrome))
    return Chart(spec, title, description, [(key, heading), ("prs", "PRs reviewed")], rows, caption)


@chart("reviews-per-year", options={"reviews"})
def reviews_per_year(ctx: ChartContext) -> Chart:
    reviews = _reviews(ctx, "reviews-per-year")
    rows = [{"year": r["period"], "prs": r["prs"]} for r in per_period(select(reviews, ctx.filters), "year")]
    if not rows:
        raise _nothing(ctx, reviews)
    return _review_bars(ctx, rows, "year", "Year", "PRs reviewed per year")


@chart("reviews-per-month", options={"reviews"})
def reviews_per_month(ctx: ChartContext) -> Chart:
    reviews = _reviews(ctx, "reviews-per-month")
    months = per_period(select(reviews, ctx.filters), "month")
    if not months:
        raise _nothing(ctx, reviews)
    one_year = len({m["period"][:4] for m in months}) == 1
    rows = [
        {"month": ctx.words.month_abbr(int(m["period"][5:7])) if one_year else m["period"], "prs": m["prs"]}
        for m in months
    ]
    year = months[0]["period"][:4]
    title = f"PRs reviewed per month in {year}" if one_year else "PRs reviewed per month"
    names = {r["month"]: ctx.words.period(m["period"]) for r, m in zip(rows, months, strict=True)}
    return _review_bars(ctx, rows, "month", "Month", title, names.__getitem__)


@chart("merged-vs-reviewed", options={"reviews"})
def merged_vs_reviewed(ctx: ChartContext) -> Chart:
    reviews = _reviews(ctx, "merged-vs-reviewed")
    merged = {r["period"]: r["prs"] for r in ctx.stats.periods["year"]}
    reviewed = {r["period"]: r["prs"] for r in per_period(select(reviews, ctx.filters), "year")}
    known = sorted(set(merged) | set(reviewed))
    if not known:
        raise _nothing(ctx, reviews)
    years = [str(y) for y in range(int(known[0]), int(known[-1]) + 1)]
    rows = [{"year": y, "merged": merged.get(y, 0), "reviewed": reviewed.get(y, 0)} for y in years]
    long = [
        {"year": r["year"], "what": what, "prs": r[key]}
        for r in rows
        for what, key in (("Merged", "merged"), ("Reviewed", "reviewed"))
    ]
    largest = max((r["prs"] for r in long), default=0)
    chrome = (80, TIME_CHROME[1] + 30)
    base = alt.Chart(alt.Data(values=long)).encode(
        x=alt.X("year:O", title="Year", sort=years, axis=alt.Axis(labelAngle=0 if len(years) <= 12 else -45)),
        xOffset=alt.XOffset("what:N", sort=["Merged", "Reviewed"]),
        y=alt.Y("prs:Q", title="PRs", axis=_count_axis(largest, ctx.height)),
        color=alt.Color(
            "what:N",
            title=None,
            sort=["Merged", "Reviewed"],
            scale=alt.Scale(domain=["Merged", "Reviewed"], range=[SERIES[0], SERIES[1]]),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("what:N", title="PRs"),
            alt.Tooltip("prs:Q", title="Count"),
        ],
    )
    plot = base.mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
    title = str(ctx.options.get("title") or "PRs merged and PRs reviewed per year")
    listed = "; ".join(f"{r['year']}: {r['merged']:,} merged, {r['reviewed']:,} reviewed" for r in rows)
    total_merged, total_reviewed = sum(merged.values()), sum(reviewed.values())
    description = str(
        ctx.options.get("description")
        or f"Grouped bar chart of PRs merged and PRs reviewed per year{_scope(ctx, reviews)}. {listed}. "
        f"{total_merged:,} merged and {total_reviewed:,} reviewed in all."
    )
    caption = str(
        ctx.options.get("description")
        or f"{count(total_merged, 'PR')} merged and {count(total_reviewed, 'PR')} reviewed{_scope(ctx, reviews)}."
    )
    spec = finish(plot, ctx, title, description, size=_room(ctx, chrome))
    columns = [("year", "Year"), ("merged", "PRs merged"), ("reviewed", "PRs reviewed")]
    return Chart(spec, title, description, columns, rows, caption)


@chart("top-reviewed-repos", options={"reviews", "top"})
def top_reviewed_repos(ctx: ChartContext) -> Chart:
    reviews = _reviews(ctx, "top-reviewed-repos")
    top = ctx.options.get("top", 10)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ConfigError(f"option 'top' must be a whole number of 1 or more, got {top!r}")
    every = by_repo(select(reviews, ctx.filters))
    if not every:
        raise _nothing(ctx, reviews)
    rows = [{"repo": r["repo"], "prs": r["prs"]} for r in every[:top]]
    if reviews.private:
        rows = [
            {"repo": f"Repository {chr(65 + i)}" if i < 26 else f"Repository {i + 1}", "prs": r["prs"]}
            for i, r in enumerate(rows)
        ]
    largest = max(r["prs"] for r in rows)
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("repo:N", title=None, sort=[r["repo"] for r in rows]),
        x=alt.X("prs:Q", title="PRs reviewed", axis=_count_axis(largest, ctx.width)),
        tooltip=[alt.Tooltip("repo:N", title="Repository"), alt.Tooltip("prs:Q", title="PRs reviewed")],
    )
    plot = base.mark_bar(cornerRadiusTopRight=2, cornerRadiusBottomRight=2, color=SERIES[1]) + base.mark_text(
        dx=4, align="left", fontSize=11, color="currentColor"
    ).encode(text=alt.Text("prs:Q"))
    shown = f" (top {len(rows)})" if len(rows) < len(every) else ""
    title = str(ctx.options.get("title") or f"PRs reviewed per repository{shown}")
    listed = ", ".join(f"{isolate(r['repo'])}: {r['prs']:,}" for r in rows)
    description = str(
        ctx.options.get("description")
        or f"Horizontal bar chart of reviewed PRs per repository{_scope(ctx, reviews)}, largest first: {listed}."
    )
    total = sum(r["prs"] for r in every)
    best = rows[0]
    caption = (
        f"All {count(total, 'reviewed PR')} were in {isolate(best['repo'])}."
        if best["prs"] == total
        else f"Most reviewed PRs were in {isolate(best['repo'])}: {best['prs']:,} of {total:,}."
    )
    caption = str(ctx.options.get("description") or caption)
    height = max(ctx.height // 2, 22 * len(rows))
    longest = max(len(r["repo"]) for r in rows)
    spec = finish(plot, ctx, title, description, size=_room(ctx, (7 * longest + 50, 60), height))
    return Chart(spec, title, description, [("repo", "Repository"), ("prs", "PRs reviewed")], rows, caption)

"""The career timeline chart: one bar per role of ``data/career.yml``, coloured by employer.

Framework-free like the built-in charts in ``retroblog.charts.builtin``: a ``Career`` in, a ``Chart`` (a
Vega-Lite spec built with Altair, themed by ``theme_config``) out. It needs no dataset, so it takes no
``ChartContext``.

Builds are deterministic, so an ongoing role (no ``end`` in the file) never ends "today": it ends on
``until`` when the caller gives one (the site passes the last merge date of its datasets), else on
the last date the career file knows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt

from retroblog.charts.builtin import Chart, finish
from retroblog.charts.theme import SERIES
from retroblog.charts.time import choose
from retroblog.data.career import Career, Role, long_date, month_year

ROW_HEIGHT = 28
"""Height of one role's row, in pixels: the chart grows with the number of roles."""


def last_known_date(career: Career) -> dt.date:
    """The latest date ``career`` states: a role's or employer's start or end."""
    dates = [r.start for r in career.roles] + [r.end for r in career.roles if r.end is not None]
    dates += [d for _, start, end in career.employers for d in (start, end) if d is not None]
    return max(dates)


def career_timeline(
    career: Career,
    *,
    width: int,
    height: int,
    title: str | None,
    description: str | None,
    until: dt.date | None = None,
) -> Chart:
    """A horizontal bar (Gantt) chart of ``career``: a row per role, promotions marked by a diamond.

    ``until`` ends the ongoing roles (deterministically, never today's date); without it they end on
    ``last_known_date(career)`` (an ongoing role that starts on that day shows as a one-day bar).
    ``title`` and ``description`` replace the generated ones when given. Like the repository
    chart's, the chart is at least half of ``height``, and tall enough for ``ROW_HEIGHT`` per role.
    """
    if isinstance(until, dt.datetime):  # e.g. a dataset's last merged_at: its date, in its own timezone
        until = until.date()
    stop = until or last_known_date(career)
    rows = _rows(career, stop)
    employers = list(dict.fromkeys(r.employer for r in career.roles))
    colours = [SERIES[i % len(SERIES)] for i in range(len(employers))]
    order = [r["label"] for r in rows]
    span = max(r.end or stop for r in career.roles).year - min(r.start for r in career.roles).year + 1
    # the plot is the chart's width less the role labels on its left (up to 260 px)
    years = choose(12 * span, max(width - 280, 120), bins=("year",)).step // 12
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    tooltip = [
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("team:N", title="Team"),
        alt.Tooltip("employer:N", title="Employer"),
        # "from" and "to" are dates in words: "start" (a temporal field, parsed by the x encoding)
        # would show in a tooltip as its epoch milliseconds
        alt.Tooltip("from:N", title="From"),
        alt.Tooltip("to:N", title="To"),
        alt.Tooltip("promotion:N", title="Promotion"),
    ]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(cornerRadius=2, height={"band": 0.7})
        .encode(
            x=alt.X(
                "start:T",
                title=None,
                scale=alt.Scale(type="utc"),
                # a label every year, or every few over a long career: as many as fit ("2016": ~40 px)
                axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": years}, labelAngle=0),
            ),
            x2=alt.X2("bar_end:T"),
            y=y,
            color=alt.Color(
                "employer:N",
                title="Employer",
                sort=employers,
                scale=alt.Scale(domain=employers, range=colours),
                # one employer needs no key; several wrap in rows of three below the chart
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=200) if len(employers) > 1 else None,
            ),
            tooltip=tooltip,
        )
    )
    promotions = (
        alt.Chart(alt.Data(values=[r for r in rows if r["promotion"] == "yes"]))
        .mark_point(shape="diamond", filled=True, size=90, color="currentColor", opacity=1)
        .encode(x=alt.X("start:T"), y=y, tooltip=tooltip)
    )
    plot = bars + promotions
    title = title or "Career timeline"
    description = description or describe(career, stop)
    # the spec's height is the whole chart ("fit"): room for the title, the axis and the legend's rows
    guides = 50 + (24 + 20 * -(-len(employers) // 3) if len(employers) > 1 else 0)
    size = plot.properties(width=width, height=max(height // 2, ROW_HEIGHT * len(rows) + guides))
    spec = finish(size, None, title, description)  # no dataset, so no ChartContext
    columns = [
        ("role", "Role"),
        ("team", "Team"),
        ("employer", "Employer"),
        ("from", "From"),
        ("to", "To"),
        ("promotion", "Promotion"),
    ]
    # the visible caption: the span and the counts, the first sentence; every role is for screen readers
    head, stop_, _ = description.partition(". ")
    return Chart(spec, title, description, columns, rows, f"{head}." if stop_ else description)


def _rows(career: Career, stop: dt.date) -> list[dict[str, Any]]:
    labels = [f"{r.title} · {r.team}" for r in career.roles]
    twice = {label for label in labels if labels.count(label) > 1}  # e.g. the same role again after a move
    labels = [
        f"{label} ({r.start.isoformat()})" if label in twice else label
        for label, r in zip(labels, career.roles, strict=True)
    ]
    rows = []
    for label, role in zip(labels, career.roles, strict=True):
        end = role.end or max(stop, role.start)
        rows.append(
            {
                "label": label,
                "role": role.title,
                "team": role.team,
                "employer": role.employer,
                "start": role.start.isoformat(),
                "end": end.isoformat(),
                "bar_end": (end + dt.timedelta(days=1)).isoformat(),
                "from": long_date(role.start),
                "to": long_date(role.end) if role.end else f"ongoing (as of {long_date(end)})",
                "promotion": "yes" if role.promotion else "no",
            }
        )
    return rows


def describe(career: Career, stop: dt.date) -> str:
    """Words for assistive technology: the span, the counts, then every role in order."""
    roles = career.roles
    employers = len({r.employer for r in roles})
    teams = len({(r.employer, r.team) for r in roles})
    promotions = sum(r.promotion for r in roles)
    last = max((r.end or max(stop, r.start) for r in roles), default=stop)
    whose = f"{career.person}'s career" if career.person else "the career"
    counts = ", ".join(
        [
            _count(employers, "employer"),
            _count(teams, "team"),
            _count(len(roles), "role"),
            _count(promotions, "promotion"),
        ]
    )
    listed = "; ".join(_role_words(r) for r in roles)
    return f"Timeline of {whose} from {roles[0].start.year} to {last.year}: {counts}. {listed}."


def _role_words(role: Role) -> str:
    if role.end is None:
        when = f"since {month_year(role.start)}"
    elif month_year(role.start) == month_year(role.end):
        when = f"in {month_year(role.start)}"
    else:
        when = f"{month_year(role.start)} to {month_year(role.end)}"
    promoted = ", a promotion" if role.promotion else ""
    return f"{role.title} on {role.team} at {role.employer}, {when}{promoted}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

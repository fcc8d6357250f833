"""The HTML of a page's retroblog parts: a chart's figure and data table, a stats table, the career
note and table of roles, an error box, a feed excerpt.

Every text that came from data is escaped with ``html.escape`` and made bidi-safe (``_text``: a
right-to-left override in a repository name reverses that name, not the caption after it); the SVG inside
a figure was escaped by vl-convert (``retroblog.render.svg``), and each of its texts and attributes is
closed for bidi here (``_bidi_svg``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from retroblog.charts.theme import PALETTE_CSS
from retroblog.render.svg import namespace_ids, spec_json
from retroblog.util.bidi import CONTROLS, balance, isolate

if TYPE_CHECKING:
    from retroblog.charts.builtin import Chart


NARROW_WIDTH = 340
"""The width, in CSS pixels, of a chart's second, narrow static render: the column of mkdocs-material at a
390 px phone is 358 px, so the narrow render is drawn there at 1:1 with no text under 11 px."""

_MARK_ARIA = re.compile(r' (?:aria-label|aria-roledescription|role)="[^"]*"')
"""The accessible names and roles vl-convert gives each mark of an SVG (the SVG itself has none yet)."""
_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)"')
_SVG_TEXT = re.compile(r'(="|>)([^"<>]*)')
"""An attribute's value or an element's text in vl-convert's SVG (its quotes and brackets are escaped)."""


def _text(value: object) -> str:
    """User text for an element or an attribute: a bidi isolate if it needs one, escaped."""
    return html.escape(isolate(value), quote=True)


def _bidi_svg(svg: str) -> str:
    """vl-convert's SVG with every bidi override in a text or attribute closed where that text ends."""
    if not CONTROLS.search(svg):
        return svg
    return _SVG_TEXT.sub(lambda m: m.group(1) + balance(m.group(2)), svg)  # (balance: text without any, as it is)


def svg_width(svg: str) -> float | None:
    """The width of an SVG as vl-convert writes it (``<svg ... width="640" ...>``); None if it has none."""
    found = _SVG_WIDTH.search(svg)
    return float(found.group(1)) if found else None


def figure(chart: Chart, svg: str, chart_id: str, *, interactive: bool, narrow: str | None = None) -> str:
    """The ``<figure>`` for a chart: static SVG, hidden data table, caption, spec for the browser.

    The static chart is drawn at 1:1, never scaled down (its text would shrink with it): ``svg`` where
    the figure is at least as wide as it, else ``narrow``, a render of the same chart laid out for a
    narrow column (``NARROW_WIDTH``), chosen by a container query on the figure's width. Both are
    inline: a page without JavaScript, and print, get the layout that fits. Each SVG's ids carry their
    own prefix, so none repeat on the page; only the shown one is in the accessibility tree.

    The caption's words are in its ``data-caption`` attribute, shown by CSS (``::before``), not in
    the figcaption's text: mkdocs-material's read time and search index read page text (the figure's
    ``data-search-exclude`` covers search only), and a chart's figures must count for neither. Assistive
    technology gets the same words from the figure's ``aria-label`` (title and description) and the
    SVG's (description), and the figures themselves from the hidden data table.
    """
    label = f"{chart.title}. {chart.description}"
    style = PALETTE_CSS
    width = svg_width(svg)
    shown = ""
    if narrow is not None and width is not None:
        # Below the wide render's width the figure shows the narrow one (the rule names this figure:
        # each figure has its own width). Without container queries the wide one shows, as before.
        style += (
            f"@container (max-width:{width - 0.02:g}px){{#{chart_id} .retroblog-wide{{display:none}}"
            f"#{chart_id} .retroblog-narrow{{display:block}}}}"
        )
        # (its marks' own labels are left out: inside a role="img" they are never read, and a page
        # that carries two renders pays for them once)
        shown = f'<div class="retroblog-narrow">{_svg(chart, _MARK_ARIA.sub("", narrow), f"{chart_id}-n")}</div>'
    static = f'<div class="retroblog-wide">{_svg(chart, svg, chart_id, style)}</div>{shown}'
    # (a bidi control in the spec's JSON is written as its escape, which JSON.parse reads back)
    spec = html.escape(CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", spec_json(chart.spec)), quote=True)
    return (
        f'<figure class="retroblog-chart" id="{chart_id}" data-search-exclude role="figure" '
        f'aria-label="{_text(label)}" data-retroblog-interactive="{str(interactive).lower()}" '
        f'data-retroblog-spec="{spec}">'
        f'<div class="retroblog-static">{static}</div>'
        f"{data_table(chart)}"
        f'<figcaption data-caption="{_text(chart.caption or chart.description)}"></figcaption>'
        "</figure>"
    )


def _svg(chart: Chart, svg: str, prefix: str, style: str = "") -> str:
    """One static render: its ids under ``prefix``, its accessible name and, if given, ``style`` inline."""
    svg = namespace_ids(_bidi_svg(svg), prefix)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_text(chart.description)}" ', 1)
    return svg.replace(">", f"><style>{style}</style>", 1) if style else svg


def data_table(chart: Chart) -> str:
    """A visually hidden table of the chart's rows, inside an SVG foreignObject.

    Screen readers read it; mkdocs-material's read time skips SVG content, and ``data-search-exclude``
    on the figure keeps it out of the search index.
    """
    head = "".join(f'<th scope="col">{_text(h)}</th>' for _, h in chart.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_text(_cell(row.get(k)))}</td>" for k, _ in chart.columns) + "</tr>"
        for row in chart.rows
    )
    return (
        '<svg class="retroblog-table" width="1" height="1" aria-label="Data table">'
        '<foreignObject width="1" height="1">'
        f"<table><caption>{_text(chart.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></foreignObject></svg>"
    )


def _cell(value: Any) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def stats_table(rows: Sequence[tuple[str, str]], title: str | None = None) -> str:
    """A ``stats`` block's table: a row per figure, (heading, formatted value), under an optional caption."""
    body = "".join(f"<tr><td>{_text(label)}</td><td>{_text(value)}</td></tr>" for label, value in rows)
    caption = f"<caption>{_text(title)}</caption>" if title else ""
    # The class is on a wrapper: mkdocs-material styles only tables without a class.
    return (
        f'<div class="retroblog-stats"><table>{caption}<thead><tr><th>Figure</th><th>Value</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


CAREER_HEADINGS = ("From", "To", "Employer", "Team", "Role")
"""The columns of the table of roles (``Career.table()``'s cells)."""
CAREER_NOTE = "At this point in the career"
"""The heading of a post's career note."""


def career_table(rows: Sequence[Sequence[str]], person: str = "") -> str:
    """The table of roles (a ``career`` block with ``table: true``): a row of cells per role."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in CAREER_HEADINGS)
    body = "".join("<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    caption = f"<caption>Roles of {_text(person)}</caption>" if person else ""
    # The class is on a wrapper: mkdocs-material styles only tables without a class.
    table = f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="retroblog-career-table">{table}</div>'


def career_note(*sentences: str) -> str:
    """The "at this point in the career" note at the top of a post: an ``<aside>`` styled like an info
    admonition, its sentences (``Context.sentence()``, ``Context.since()``) escaped."""
    text = " ".join(_text(sentence) for sentence in sentences)
    return (
        f'<aside class="admonition info retroblog-career" role="note" aria-label="{CAREER_NOTE}">'
        f'<p class="admonition-title">{CAREER_NOTE}</p>'
        f"<p>{text}</p></aside>"
    )


def error_box(message: str, *, inline: bool = False) -> str:
    """What a page shows in place of a broken block under ``mkdocs serve`` (in a line of prose: a span).

    An inline error's words are in its ``data-message`` attribute, drawn by the stylesheet (``::before``)
    in a small box, and its accessible name: text of the sentence would count for the blog's read time
    and the search index.
    """
    if inline:
        words = _text(f"retroblog: {message}")
        return f'<span class="retroblog-error" role="alert" aria-label="{words}" data-message="{words}"></span>'
    return (
        '<div class="admonition failure retroblog-error" role="alert"><p class="admonition-title">'
        f"retroblog</p><p>{_text(message)}</p></div>"
    )


def script(src: str) -> str:
    """A deferred script element for ``src`` (a URL relative to the page)."""
    return f'<script src="{html.escape(src, quote=True)}" defer></script>'


def inline_stat(value: str) -> str:
    """A statistic in a line of prose (``:stat[...]``)."""
    return f'<span class="retroblog-stat">{_text(value)}</span>'


PENDING_MARK = "retroblog-pending"
"""In the HTML of a page that still has charts being computed."""
PENDING = re.compile(r'<div class="retroblog-pending" data-search-exclude data-retroblog-pending="(\d+)"[^>]*></div>')
"""A placeholder (``pending_chart``); its group is the chart's number."""


def pending_chart(number: str, *, interactive: bool) -> str:
    """The placeholder of a chart still being computed, which ``PENDING`` finds when the chart is ready."""
    return (
        f'<div class="retroblog-pending" data-search-exclude data-retroblog-pending="{html.escape(number)}" '
        f'data-retroblog-interactive="{str(interactive).lower()}"></div>'
    )


_FIGURE = re.compile(r'<figure class="retroblog-chart".*?</figure>|' + PENDING.pattern, re.DOTALL)


def feed_excerpt(html_text: str, separator: str = "<!-- more -->") -> str | None:
    """The excerpt of a converted post for a feed: the HTML before ``separator``, charts left out
    (a feed reader shows neither their styles nor their script); None if there is no separator."""
    head, found, _ = html_text.partition(separator)
    if not found:
        return None
    return _FIGURE.sub("", head).strip()

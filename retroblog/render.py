"""Render a chart into the HTML that goes into a page: static SVG, data table, escaped spec.

The SVG is rendered with vl-convert at build time and cached by content (the spec's bytes and the
renderer's version), in memory and on disk, so an unchanged chart is never rendered twice. Every text
that came from data is escaped: vl-convert escapes SVG text, ``html.escape`` everything else.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retroblog.fsutil import atomic_write
from retroblog.theme import PALETTE_CSS

if TYPE_CHECKING:
    from retroblog.charts import Chart

RENDER_VERSION = "2"
"""Bump when the SVG post-processing changes, to invalidate caches."""


def spec_json(spec: dict[str, Any]) -> str:
    """Canonical JSON of a spec: sorted keys, no spaces; the same spec always gives the same bytes."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class SvgCache:
    """Rendered SVGs by content key, in memory and (if given a folder) on disk across processes."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[str, str] = {}
        self.rendered = 0
        """How many SVGs were actually rendered (not taken from a cache): tests and benchmarks read it."""
        self._lock = threading.Lock()

    def svg(self, spec: dict[str, Any]) -> str:
        import vl_convert as vlc  # loaded on the first chart, not with the plugin

        text = spec_json(spec)
        key = hashlib.sha256(f"{RENDER_VERSION}\0{vlc.get_vega_version()}\0{text}".encode()).hexdigest()[:32]
        if key in self.memory:
            return self.memory[key]
        path = self.folder / f"{key}.svg" if self.folder else None
        if path and path.is_file():
            svg = path.read_text(encoding="utf-8")
        else:
            svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])  # releases the GIL: threads render at once
            with self._lock:
                self.rendered += 1
            if path:
                atomic_write(path, svg, overwrite=True)
        self.memory[key] = svg
        return svg


_ID = re.compile(r'\bid="([^"]+)"')


def namespace_ids(svg: str, prefix: str) -> str:
    """Give every id in the SVG (and each reference to it) the chart's prefix, so inline SVGs never collide."""
    ids = list(dict.fromkeys(_ID.findall(svg)))
    for index, old in enumerate(ids, start=1):
        new = f"{prefix}-{index}"
        svg = re.sub(rf'\bid="{re.escape(old)}"', f'id="{new}"', svg)
        svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg


def figure(chart: Chart, svg: str, chart_id: str, *, interactive: bool) -> str:
    """The ``<figure>`` for a chart: static SVG, hidden data table, caption, spec for the browser.

    The caption's words are in its ``data-caption`` attribute, shown by CSS (``::before``), not in
    the figcaption's text: mkdocs-material's read time and search index read page text (the figure's
    ``data-search-exclude`` covers search only), and a chart's figures must count for neither. Assistive
    technology gets the same words from the figure's ``aria-label`` (title and description) and the
    SVG's (description), and the figures themselves from the hidden data table.
    """
    label = f"{chart.title}. {chart.description}"
    svg = namespace_ids(svg, chart_id)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{html.escape(chart.description, quote=True)}" ',
        1,
    )
    svg = svg.replace(">", f"><style>{PALETTE_CSS}</style>", 1)
    spec = html.escape(spec_json(chart.spec), quote=True)
    return (
        f'<figure class="retroblog-chart" id="{chart_id}" data-search-exclude role="figure" '
        f'aria-label="{html.escape(label, quote=True)}" data-retroblog-interactive="{str(interactive).lower()}" '
        f'data-retroblog-spec="{spec}">'
        f'<div class="retroblog-static">{svg}</div>'
        f"{data_table(chart)}"
        f'<figcaption data-caption="{html.escape(chart.description, quote=True)}"></figcaption>'
        "</figure>"
    )


def data_table(chart: Chart) -> str:
    """A visually hidden table of the chart's rows, inside an SVG foreignObject.

    Screen readers read it; mkdocs-material's read time skips SVG content, and ``data-search-exclude``
    on the figure keeps it out of the search index.
    """
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for _, h in chart.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(row.get(k)))}</td>" for k, _ in chart.columns) + "</tr>"
        for row in chart.rows
    )
    return (
        '<svg class="retroblog-table" width="1" height="1" aria-label="Data table">'
        '<foreignObject width="1" height="1">'
        f"<table><caption>{html.escape(chart.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></foreignObject></svg>"
    )


def _cell(value: Any) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def error_box(message: str, *, inline: bool = False) -> str:
    """What a page shows in place of a broken block under ``mkdocs serve`` (in a line of prose: a span)."""
    if inline:
        return f'<span class="retroblog-error" role="alert">retroblog: {html.escape(message)}</span>'
    return (
        '<div class="admonition failure retroblog-error" role="alert"><p class="admonition-title">'
        f"retroblog</p><p>{html.escape(message)}</p></div>"
    )


_FIGURE = re.compile(
    r'<figure class="retroblog-chart".*?</figure>|<div class="retroblog-pending"[^>]*></div>', re.DOTALL
)


def feed_excerpt(html_text: str, separator: str = "<!-- more -->") -> str | None:
    """The excerpt of a converted post for a feed: the HTML before ``separator``, charts left out
    (a feed reader shows neither their styles nor their script); None if there is no separator."""
    head, found, _ = html_text.partition(separator)
    if not found:
        return None
    return _FIGURE.sub("", head).strip()

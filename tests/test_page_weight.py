"""Page-weight budget of a chart post: what a reader downloads before its charts are visible.

Charts are static SVG inside the HTML, so they show as soon as the HTML and its render-blocking
resources are in: the HTML, every stylesheet it links, and every classic script that is neither
``defer`` nor ``async``. The interactive layer (``retroblog.js`` and the Vega runtime it loads) comes
later and must not count. Same method as ``benchmarks/bench_site.py``'s ``page_weight``.
"""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path

import pytest

POST = "my-three-years-at-northwind"
BUDGET_GZIP = 150_000
"""Bytes (gzip -9) of HTML + blocking CSS/JS before the post's nine charts are visible. When the budget
was set this was about 116 kB: about 61 kB of Material for MkDocs' CSS and JS, and 55 kB of HTML, most
of it the charts' inline SVGs (the calendar heatmap alone about 26 kB). The headroom allows more text
and charts; the Vega runtime made blocking would add about 300 kB and fail."""
VEGA_MIN_BYTES = 500_000
"""The Vega runtime is far larger than the whole budget: it can never hide inside it."""


class _Resources(HTMLParser):
    """The render-blocking resources of a page, and the charts' inline SVGs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocking: list[str] = []
        self.deferred: list[str] = []
        self.figures = 0
        self.inline_svgs = 0
        self.fetched_by_charts: list[str] = []
        self._in_static = 0
        self._in_figure = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        rel = (values.get("rel") or "").split()
        # A stylesheet blocks rendering unless its media query rules it out (media="print").
        if tag == "link" and "stylesheet" in rel and values.get("href") and values.get("media") != "print":
            self.blocking.append(str(values["href"]))
        if tag == "script" and values.get("src"):
            later = "defer" in values or "async" in values or values.get("type") == "module"
            (self.deferred if later else self.blocking).append(str(values["src"]))
        if tag == "figure" and "retroblog-chart" in (values.get("class") or "").split():
            self.figures += 1
            self._in_figure += 1
        elif tag == "figure" and self._in_figure:
            self._in_figure += 1
        if self._in_figure and tag in ("img", "object", "iframe", "embed", "image"):
            self.fetched_by_charts.append(tag)
        if tag == "div" and values.get("class") == "retroblog-static":
            self._in_static += 1
        elif tag == "svg" and self._in_static:
            self.inline_svgs += 1
            self._in_static -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure" and self._in_figure:
            self._in_figure -= 1


def _post(site: Path) -> Path:
    found = sorted(site.glob(f"blog/**/{POST}/index.html"))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.slow
def test_chart_post_is_visible_within_the_budget(example_site: Path) -> None:
    page = _post(example_site)
    html = page.read_bytes()
    resources = _Resources()
    resources.feed(html.decode("utf-8"))

    # The charts are in the HTML itself: one inline SVG per figure, no image to fetch.
    assert resources.figures >= 5
    assert resources.inline_svgs == resources.figures
    assert resources.fetched_by_charts == []

    # The interactive layer waits: retroblog.js is deferred and the Vega runtime is not on the page.
    assert any(src.endswith("assets/retroblog/retroblog.js") for src in resources.deferred)
    scripts = [url for url in resources.blocking if url.split("?")[0].endswith(".js")]
    assert not any("retroblog" in src or "vega" in src for src in scripts), scripts
    assert b"vega.js" not in html
    vega = example_site / "assets" / "retroblog" / "vega.js"
    assert vega.stat().st_size > VEGA_MIN_BYTES

    blocking = html
    for url in resources.blocking:
        target = (page.parent / url.split("?")[0].split("#")[0]).resolve()
        assert target.is_file(), url  # no blocking resource from another host
        blocking += target.read_bytes()
    assert vega.read_bytes() not in blocking
    compressed = len(gzip.compress(blocking, 9))
    assert compressed < BUDGET_GZIP, (
        f"{page.relative_to(example_site)} needs {len(blocking):,} B ({compressed:,} B gzip-9) before its charts "
        f"are visible; the budget is {BUDGET_GZIP:,} B gzip-9"
    )

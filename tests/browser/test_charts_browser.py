"""The browser side of charts: retroblog.js + retroblog.css with the real Vega bundle, in Chromium, on
a page whose figures the chart builder makes at test time (retroblog's Markdown extension on a small
dataset), so the page follows the build's DOM contract as it is today: a bar chart, a two-series chart,
a static-only chart and one whose spec is broken (its attribute replaced, as no build writes one).

Hostile data and the whole site are tested on the built example site (test_hostile_page.py,
test_site_browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown
import pytest

from retroblog.markdown import RetroblogExtension
from tests.browser.support import CHART, Recorder, Server, install_assets, record

pytestmark = pytest.mark.browser

READY = '.retroblog-chart[data-retroblog-ready="true"]'
INTERACTIVE = 2  # figures 1 and 2; 3 is static-only, 4 has a broken spec
DATASET = """merged_at,additions,deletions
2022-01-10T10:00:00Z,10,2
2023-01-12T10:00:00Z,30,1
2023-02-13T10:00:00Z,300,90
2023-03-14T10:00:00Z,40,8
2024-01-15T10:00:00Z,12,3
2024-02-16T10:00:00Z,5,1
2024-03-18T10:00:00Z,50,60
"""
CHARTS = """# Charts as the build makes them

```chart
type: prs-per-year
description: Bar chart of merged PRs per year.
```

```chart
type: inserts-deletes
year: 2024
```

```chart
type: inserts-deletes
year: 2024
title: Static only
interactive: false
```

```chart
type: prs-per-year
title: Broken spec
```
"""
BROKEN_SPEC = '{"mark": "bar", '


def built_page(root: Path) -> str:
    """The fixture page: the extension's HTML for CHARTS, in a minimal page with the chart assets."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "fixture.csv").write_text(DATASET, encoding="utf-8")
    extension = RetroblogExtension(root=str(root), data_dir="data")
    extension.page = "posts/chart.md"
    body = markdown.markdown(CHARTS, extensions=[extension, "pymdownx.superfences"])
    figures = re.findall(r'<figure class="retroblog-chart".*?</figure>', body, re.S)
    assert len(figures) == 4 and 'data-retroblog-interactive="false"' in figures[2]
    broken = re.sub(
        r'data-retroblog-spec="[^"]*"', f'data-retroblog-spec="{BROKEN_SPEC.replace(chr(34), "&quot;")}"', figures[3]
    )
    body = body.replace(figures[3], broken)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>retroblog chart fixture</title>
<link rel="stylesheet" href="../../assets/retroblog/retroblog.css">
<style>body{{font-family:sans-serif;max-width:48rem;margin:2rem auto;color:#222}}</style>
</head>
<body data-md-color-scheme="default">
<main data-md-component="container">
<article class="md-content md-typeset">
{body}
<script src="../../assets/retroblog/retroblog.js" defer></script>
</article>
</main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def fixture_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return built_page(tmp_path_factory.mktemp("fixture-source"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, fixture_html: str) -> Iterator[str]:
    root = tmp_path_factory.mktemp("fixture-site")
    install_assets(root)
    post = root / "posts" / "chart"
    post.mkdir(parents=True)
    (post / "index.html").write_text(fixture_html, encoding="utf-8")
    (root / "favicon.ico").write_bytes(b"")
    with Server(root) as server:
        yield server.url


@pytest.fixture
def opened(browser: Any, site: str) -> Iterator[tuple[Any, Recorder]]:
    """The fixture post, loaded, with every interactive chart rendered."""
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    rec = record(context, page)
    page.goto(site + "posts/chart/")
    page.wait_for_function(f"document.querySelectorAll('{READY}').length === {INTERACTIVE}", timeout=20_000)
    yield page, rec
    context.close()


def figure(page: Any, number: int) -> Any:
    """The figure ``number`` (1 to 4) of the fixture page."""
    return page.locator(CHART).nth(number - 1)


def js(page: Any, expression: str) -> Any:
    return page.evaluate(expression)


def test_interactive_charts_render_and_replace_the_static_svg(opened: tuple[Any, Recorder]) -> None:
    page, rec = opened
    first, second, static_only, broken = (figure(page, i) for i in range(1, 5))
    for fig, bars in ((first, 3), (second, 6)):
        view = fig.locator(".retroblog-view")
        assert view.count() == 1
        assert view.locator("svg.marks .mark-rect path").count() == bars
        assert view.locator("svg.marks").is_visible()
        # The static SVGs (wide and narrow) stay in the DOM (no-JS, print) but are hidden.
        assert fig.locator(".retroblog-static svg").count() == 2
        assert not fig.locator(".retroblog-static").is_visible()
    # data-retroblog-interactive="false": left alone.
    assert static_only.locator(".retroblog-view").count() == 0
    assert static_only.get_attribute("data-retroblog-ready") is None
    assert static_only.locator(".retroblog-static svg:visible").is_visible()
    # A broken spec keeps its static SVG, with one warning and no error.
    assert broken.get_attribute("data-retroblog-spec") == BROKEN_SPEC
    assert broken.get_attribute("data-retroblog-ready") == "false"
    assert broken.locator(".retroblog-view").count() == 0
    assert broken.locator(".retroblog-static svg:visible").is_visible()
    assert js(page, "window.__retroblog.views.size") == INTERACTIVE
    assert rec.errors() == []
    warnings = [w for w in rec.warnings() if w.startswith("retroblog:")]
    assert len(warnings) == 1, rec.console


def test_vega_sets_the_accessible_description(opened: tuple[Any, Recorder]) -> None:
    page, _ = opened
    embed = figure(page, 1).locator(".retroblog-view[role=graphics-document]")
    assert embed.get_attribute("aria-label") == "Bar chart of merged PRs per year."
    caption = figure(page, 1).locator("figcaption").evaluate("el => getComputedStyle(el, '::before').content")
    assert caption == '"Bar chart of merged PRs per year."'


def test_tooltip_appears_on_hover_and_is_readable(opened: tuple[Any, Recorder]) -> None:
    page, rec = opened
    figure(page, 1).locator(".retroblog-view .mark-rect path").nth(1).hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    assert "2023" in text and "3" in text  # the second bar: three PRs in 2023
    # Readable: the tooltip follows the stylesheet, not vega-tooltip's default colours.
    colours = js(
        page,
        """(() => { const s = getComputedStyle(document.getElementById('vg-tooltip-element'));
                    return [s.color, s.backgroundColor]; })()""",
    )
    assert colours[0] != colours[1]
    page.mouse.move(0, 0)
    page.wait_for_timeout(100)
    assert rec.dialogs == []


def test_no_request_leaves_127_0_0_1_and_vega_loads_once(opened: tuple[Any, Recorder]) -> None:
    page, rec = opened
    figure(page, 2).locator(".retroblog-view .mark-rect path").first.hover()
    page.wait_for_timeout(200)
    assert rec.requests, "requests were not recorded"
    assert rec.foreign_requests() == []
    vega = [url for url in rec.requests if url.endswith("/assets/retroblog/vega.js")]
    assert len(vega) == 1
    assert js(page, "document.querySelectorAll('script[data-retroblog-vega]').length") == 1
    assert js(page, "document.querySelector('script[data-retroblog-vega]').parentNode === document.head")


def _bar_fills(page: Any, number: int, which: str) -> list[str]:
    return list(
        figure(page, number)
        .locator(f"{which} .mark-rect path")
        .evaluate_all("paths => paths.map(p => getComputedStyle(p).fill)")
    )


def test_palette_follows_css_without_rerender(opened: tuple[Any, Recorder]) -> None:
    page, rec = opened
    light = _bar_fills(page, 1, ".retroblog-view")[0]
    assert light == "rgb(64, 81, 181)"  # #4051b5, the fallback of --md-accent-fg-color (series 1)
    assert set(_bar_fills(page, 2, ".retroblog-view")) == {"rgb(64, 81, 181)", "rgb(232, 89, 12)"}  # series 2: #e8590c
    embedded = js(page, "window.__retroblog.embedded")
    view = figure(page, 1).locator(".retroblog-view svg").element_handle()

    js(page, "document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.wait_for_function("window.__retroblog.schemeChanges === 1")
    dark = _bar_fills(page, 1, ".retroblog-view")[0]
    assert dark == "rgb(84, 136, 232)"  # #5488e8 on dark schemes
    assert _bar_fills(page, 1, ".retroblog-static")[0] == dark  # the static SVG follows too
    assert "rgb(255, 138, 76)" in _bar_fills(page, 2, ".retroblog-view")  # series 2 on dark: #ff8a4c
    # Nothing re-rendered, nothing broke: same SVG element, same views, tooltip still works.
    assert js(page, "window.__retroblog.embedded") == embedded
    assert view.evaluate("el => el.isConnected")
    assert js(page, "window.__retroblog.views.size") == INTERACTIVE
    figure(page, 1).locator(".retroblog-view .mark-rect path").first.hover()
    page.locator("#vg-tooltip-element.visible").wait_for(state="visible", timeout=5_000)
    js(page, "document.body.setAttribute('data-md-color-scheme', 'default')")
    page.wait_for_function("window.__retroblog.schemeChanges === 2")
    assert _bar_fills(page, 1, ".retroblog-view")[0] == light
    assert rec.errors() == []


def test_running_the_script_again_is_idempotent(opened: tuple[Any, Recorder]) -> None:
    page, rec = opened
    js(
        page,
        """new Promise(resolve => { const s = document.createElement('script');
             s.src = '../../assets/retroblog/retroblog.js'; s.onload = resolve;
             document.querySelector('article').appendChild(s); })""",
    )
    page.wait_for_function("window.__retroblog.runs === 2")
    page.wait_for_timeout(200)
    assert js(page, "window.__retroblog.views.size") == INTERACTIVE
    assert js(page, "window.__retroblog.embedded") == INTERACTIVE
    assert js(page, "document.querySelectorAll('.retroblog-view').length") == INTERACTIVE
    assert js(page, "document.querySelectorAll('script[data-retroblog-vega]').length") == 1
    assert len([u for u in rec.requests if u.endswith("/vega.js")]) == 1
    assert rec.errors() == []


# A stand-in for mkdocs-material's document$ (an RxJS ReplaySubject(1)) and its instant navigation:
# swap the content container, re-create its scripts, emit the new document.
FAKE_DOCUMENT_SUBJECT = """
(() => {
  const subscribers = [];
  let last = null;
  window.__subscribeCalls = 0;
  window.document$ = {
    subscribe(fn) { window.__subscribeCalls += 1; subscribers.push(fn); if (last) fn(last); return {}; },
    next(value) { last = value; subscribers.slice().forEach(fn => fn(value)); },
  };
  document.addEventListener('DOMContentLoaded', () => window.document$.next(document));
})();
"""

INSTANT_NAVIGATE = """
async (html) => {
  const article = document.querySelector('article');
  article.replaceChildren();
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const node of doc.body.childNodes) article.appendChild(document.importNode(node, true));
  // mkdocs-material re-creates every script in the container so that it runs again.
  const loaded = [];
  for (const old of article.querySelectorAll('script')) {
    const s = document.createElement('script');
    for (const { name, value } of old.attributes) s.setAttribute(name, value);
    loaded.push(new Promise(resolve => { s.onload = resolve; }));
    old.replaceWith(s);
  }
  window.document$.next(document);
  await Promise.all(loaded);
}
"""
OTHER_ID = "rb-another-post-1"


def _other_page(fixture_html: str) -> str:
    """Page 2 of the fake navigation: the fixture's two-series chart under a new id, and the script."""
    second = re.findall(r'<figure class="retroblog-chart".*?</figure>', fixture_html, re.S)[1]
    old_id = re.search(r'id="(rb-[^"]+)"', second)
    assert old_id is not None
    return (
        "<h1>Another post</h1>"
        + second.replace(old_id.group(1), OTHER_ID)
        + '<script src="../../assets/retroblog/retroblog.js" defer></script>'
    )


def test_instant_navigation_finalizes_old_views_and_enhances_new_ones(
    browser: Any, site: str, fixture_html: str
) -> None:
    context = browser.new_context()
    context.add_init_script(FAKE_DOCUMENT_SUBJECT)
    page = context.new_page()
    rec = record(context, page)
    page.goto(site + "posts/chart/")
    page.wait_for_function(f"document.querySelectorAll('{READY}').length === {INTERACTIVE}", timeout=20_000)
    assert js(page, "window.__retroblog.subscriptions") == 1
    old_views = js(page, "window.__retroblog.views.size")
    assert old_views == INTERACTIVE

    page.evaluate(INSTANT_NAVIGATE, _other_page(fixture_html))
    page.wait_for_selector(f"#{OTHER_ID}{READY}", timeout=20_000)
    page.wait_for_function("window.__retroblog.runs === 2")
    state = js(
        page,
        """(() => { const rb = window.__retroblog;
             return {size: rb.views.size, finalized: rb.finalized, subs: rb.subscriptions,
                     calls: window.__subscribeCalls, embedded: rb.embedded}; })()""",
    )
    assert state == {"size": 1, "finalized": INTERACTIVE, "subs": 1, "calls": 1, "embedded": INTERACTIVE + 1}
    bars = page.locator(f"#{OTHER_ID} .retroblog-view .mark-rect path")
    assert bars.count() == 6
    bars.first.hover()
    page.locator("#vg-tooltip-element.visible").wait_for(state="visible", timeout=5_000)
    assert len([u for u in rec.requests if u.endswith("/vega.js")]) == 1
    assert rec.errors() == []
    assert rec.foreign_requests() == []
    context.close()

"""The example site, built with ``mkdocs build --strict``, in Chromium: every chart becomes interactive,
the palette toggle re-themes charts by CSS, instant navigation keeps them working and finalizes old
views. Writes screenshots (light and dark) to tests/_artifacts/.

Set ``RETROBLOG_TEST_SITE=/path/to/site`` to test an already built site instead of building one.
Set ``RETROBLOG_UPDATE_SCREENSHOT=1`` to also copy the light chart-post screenshot to
docs/assets/screenshot-chart-post.png (the README's picture).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import ARTIFACTS, REPO, Recorder, Server, record

pytestmark = [pytest.mark.browser, pytest.mark.slow]

READY = '.retroblog-chart[data-retroblog-ready="true"]'
INTERACTIVE = '.retroblog-chart[data-retroblog-interactive="true"]'


@pytest.fixture(scope="module")
def built_site(request: pytest.FixtureRequest) -> Path:
    """The example site: RETROBLOG_TEST_SITE if set, else tests/conftest.py's strict build (no warning)."""
    given = os.environ.get("RETROBLOG_TEST_SITE")
    return Path(given) if given else Path(request.getfixturevalue("example_site"))


@pytest.fixture(scope="module")
def chart_pages(built_site: Path) -> list[str]:
    """URL paths of every page with an interactive chart, the blog post first."""
    pages = []
    for html in sorted(built_site.rglob("*.html")):
        if 'data-retroblog-interactive="true"' in html.read_text(encoding="utf-8"):
            rel = html.relative_to(built_site).as_posix()
            pages.append(rel.removesuffix("index.html"))
    pages.sort(key=lambda p: (not p.startswith("blog/20"), p))
    assert pages, "the example site has no interactive chart"
    return pages


@pytest.fixture(scope="module")
def site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a copy of the site. navigation.instant only follows links listed in sitemap.xml, whose
    URLs carry site_url's port (mkdocs-material rewrites protocol and host, not the port), so the
    copy's sitemap is pointed at the test server, as if the site were deployed at its site_url."""
    root = tmp_path_factory.mktemp("served") / "site"
    shutil.copytree(built_site, root)
    server = Server(root)
    sitemap = root / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    site_url = re.search(r"<loc>(https?://[^/<]+/)", text)
    assert site_url, "sitemap.xml lists no page"
    sitemap.write_text(text.replace(site_url.group(1), server.url), encoding="utf-8")
    with server:
        yield server.url


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(**options: Any) -> tuple[Any, Recorder]:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        return page, record(context, page)

    yield make
    for context in contexts:
        context.close()


def foreign(rec: Recorder) -> list[str]:
    return list(rec.foreign_requests())


def wait_for_charts(page: Any) -> int:
    """Wait until the page has charts and every one is rendered; return how many there are.

    (After an instant navigation the URL changes before the content is swapped.)"""
    page.wait_for_selector(INTERACTIVE, state="attached", timeout=30_000)
    count = page.locator(INTERACTIVE).count()
    page.wait_for_function(
        f"document.querySelectorAll('{READY}').length === document.querySelectorAll('{INTERACTIVE}').length",
        timeout=30_000,
    )
    return count


def assert_all_working(page: Any, count: int) -> None:
    state = page.evaluate(
        f"""(() => {{
          const figures = [...document.querySelectorAll('{INTERACTIVE}')];
          return {{
            views: window.__retroblog.views.size,
            withMarks: figures.filter(f => f.querySelector('.retroblog-view svg.marks .role-mark')).length,
            staticShown: figures.filter(f => f.querySelector('.retroblog-static').offsetParent !== null).length,
            viewsShown: figures.filter(f => f.querySelector('.retroblog-view').offsetParent !== null).length,
          }};
        }})()"""
    )
    assert state == {"views": count, "withMarks": count, "staticShown": 0, "viewsShown": count}


def hover_tooltip(page: Any) -> str:
    mark = page.locator(".retroblog-view .mark-rect path").first
    mark.scroll_into_view_if_needed()
    mark.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    page.mouse.move(0, 0)
    return text


def test_every_chart_on_every_page_becomes_interactive(new_page: Any, site: str, chart_pages: list[str]) -> None:
    page, rec = new_page()
    for path in chart_pages:
        page.goto(site + path)
        count = wait_for_charts(page)
        assert count > 0
        assert_all_working(page, count)
    assert hover_tooltip(page)
    assert rec.errors() == []
    assert rec.dialogs == []
    assert foreign(rec) == []


def test_print_shows_the_static_charts(new_page: Any, site: str, chart_pages: list[str]) -> None:
    page, rec = new_page()
    page.goto(site + chart_pages[0])
    count = wait_for_charts(page)
    page.emulate_media(media="print")
    shown = page.evaluate(
        f"""(() => {{
          const figures = [...document.querySelectorAll('{INTERACTIVE}')];
          return {{
            staticShown: figures.filter(f => f.querySelector('.retroblog-static').offsetParent !== null).length,
            viewsShown: figures.filter(f => f.querySelector('.retroblog-view').offsetParent !== null).length,
          }};
        }})()"""
    )
    assert shown == {"staticShown": count, "viewsShown": 0}
    assert len(page.pdf()) > 10_000  # Chromium lays the page out for print without an error
    page.emulate_media(media="screen")
    assert_all_working(page, count)
    assert rec.errors() == []


def _fill(page: Any) -> str:
    return page.evaluate("getComputedStyle(document.querySelector('.retroblog-view .mark-rect path')).fill")


def _scheme(page: Any) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def _screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


def test_palette_toggle_rethemes_charts_and_keeps_them_working(
    new_page: Any, site: str, chart_pages: list[str]
) -> None:
    page, rec = new_page(color_scheme="light")
    page.goto(site + chart_pages[0])
    count = wait_for_charts(page)
    assert _scheme(page) == "default"
    light = _fill(page)
    embedded = page.evaluate("window.__retroblog.embedded")
    page.locator(INTERACTIVE).first.scroll_into_view_if_needed()
    page.wait_for_timeout(100)
    shot = _screenshot(page, "chart-post-light.png")
    if os.environ.get("RETROBLOG_UPDATE_SCREENSHOT"):
        target = REPO / "docs" / "assets" / "screenshot-chart-post.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, target)

    page.locator("label[for=__palette_1]").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function("window.__retroblog.schemeChanges >= 1")
    dark = _fill(page)
    assert dark != light
    assert_all_working(page, count)
    assert page.evaluate("window.__retroblog.embedded") == embedded  # re-themed by CSS, not re-rendered
    assert hover_tooltip(page)
    page.locator(INTERACTIVE).first.scroll_into_view_if_needed()
    page.wait_for_timeout(100)
    _screenshot(page, "chart-post-dark.png")

    page.locator("label[for=__palette_0]").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert _fill(page) == light
    assert_all_working(page, count)
    assert rec.errors() == []
    assert foreign(rec) == []


def test_home_page_screenshots(new_page: Any, site: str) -> None:
    for scheme in ("light", "dark"):
        page, rec = new_page(color_scheme=scheme)
        page.goto(site)
        # The palette follows the reader's preference on the first visit: slate for "dark".
        assert _scheme(page) == ("slate" if scheme == "dark" else "default")
        if page.locator(INTERACTIVE).count():
            wait_for_charts(page)
        _screenshot(page, f"home-{scheme}.png")
        assert rec.errors() == []


def _click_link_to(page: Any, url: str) -> None:
    """Click a visible link (content first, then navigation) whose resolved href is ``url``."""
    found = page.evaluate(
        """(url) => {
          const links = [...document.querySelectorAll('.md-content a[href], .md-sidebar a[href], a[href]')]
            .filter(a => a.href === url && a.getClientRects().length > 0);
          if (!links.length) return false;
          links[0].setAttribute('data-test-target', '');
          return true;
        }""",
        url,
    )
    assert found, f"no visible link to {url}"
    link = page.locator("[data-test-target]").first
    link.scroll_into_view_if_needed()
    link.click()


def test_instant_navigation_keeps_charts_working_and_finalizes_old_views(
    new_page: Any, site: str, chart_pages: list[str]
) -> None:
    page, rec = new_page()
    start = chart_pages[0]
    page.goto(site + start)
    first = wait_for_charts(page)
    page.evaluate("window.__samePage = true")  # survives instant navigation, not a reload

    # Away to a page without charts (the blog index): every view is finalized.
    _click_link_to(page, site + "blog/")
    page.wait_for_url(site + "blog/")
    page.wait_for_function(f"window.__retroblog.finalized === {first}")
    assert page.evaluate("window.__samePage") is True, "navigation.instant did not handle the click"
    assert page.evaluate("window.__retroblog.views.size") == 0

    # Back to a chart page by a link: charts render again, one subscription, vega.js loaded once.
    target = chart_pages[1] if len(chart_pages) > 1 else start
    _click_link_to(page, site + target)
    page.wait_for_url(site + target)
    second = wait_for_charts(page)
    assert page.evaluate("window.__samePage") is True
    assert_all_working(page, second)
    state = page.evaluate(
        "({subs: window.__retroblog.subscriptions, runs: window.__retroblog.runs,"
        " finalized: window.__retroblog.finalized, embedded: window.__retroblog.embedded})"
    )
    assert state["subs"] == 1
    assert state["runs"] >= 2  # the script was re-run by the theme
    assert state["finalized"] == first
    assert state["embedded"] == first + second
    assert hover_tooltip(page)
    assert len([u for u in rec.requests if u.endswith("/assets/retroblog/vega.js")]) == 1
    # (The theme's <head> diff may drop the loaded <script> element; the runtime stays.)
    assert page.evaluate("document.querySelectorAll('script[data-retroblog-vega]').length") <= 1
    assert page.evaluate("typeof window.vegaEmbed") == "function"
    assert rec.errors() == []
    assert foreign(rec) == []

"""The example site, built with ``mkdocs build --strict``, in Chromium: every page loads without a console
error or warning, a dialog or a request to another host; every chart on every page renders and shows its
tooltip (and a static-only chart none); without JavaScript every chart is its static SVG; the palette
toggle re-themes charts by CSS; instant navigation from one chart page to another keeps every chart
working and finalizes the old views.

Screenshots: the home page and the chart post, light and dark, go to tests/_artifacts/ (not tracked). The
light chart post is also the README's picture, docs/assets/screenshot-chart-post.png, a tracked file: only
``pytest --update`` (``make update``) rewrites it, and only when the page looks different. Without the flag
the picture is neither written nor compared (fonts and Chromium versions change pixels, not behaviour).
Chromium's screenshots are byte-identical from run to run (with animations finished), so an unchanged
page leaves the file, and git, as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Opener
from tests.browser.support import (
    ARTIFACTS,
    CHART,
    INTERACTIVE,
    READY,
    REPO,
    STATIC_MARKS,
    Recorder,
    assert_all_working,
    check_charts,
    hover_any,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

README_SCREENSHOT = REPO / "docs" / "assets" / "screenshot-chart-post.png"
"""The README's picture of a chart post (light)."""
VEGA = "/assets/retroblog/vega.js"


def assert_clean(rec: Recorder, where: str = "") -> None:
    assert rec.errors() == [], where
    assert rec.dialogs == [], where
    assert rec.foreign_requests() == [], where


def test_every_page_loads_without_an_error_a_dialog_or_a_foreign_request(
    new_page: Opener, site: str, all_pages: list[str]
) -> None:
    page, rec = new_page()
    problems: dict[str, dict[str, list[str]]] = {}
    for path in all_pages:
        seen = Recorder(list(rec.requests), list(rec.console), list(rec.page_errors), list(rec.dialogs))
        page.goto(site + path, wait_until="load")
        if page.locator(CHART).count():
            wait_for_charts(page)
        page.wait_for_load_state("networkidle")
        found = {
            "errors": rec.errors()[len(seen.errors()) :],
            "warnings": rec.warnings()[len(seen.warnings()) :],
            "dialogs": rec.dialogs[len(seen.dialogs) :],
            "foreign requests": rec.foreign_requests()[len(seen.foreign_requests()) :],
        }
        if any(found.values()):
            problems[path] = {kind: items for kind, items in found.items() if items}
    assert problems == {}
    assert len([url for url in rec.requests if url.endswith("/index.html") or url.endswith("/")]) >= len(all_pages)


def test_every_chart_on_every_page_renders_and_shows_its_tooltip(
    new_page: Opener, site: str, chart_pages: list[str]
) -> None:
    page, rec = new_page()
    interactive = static_only = 0
    for path in chart_pages:
        page.goto(site + path)
        counts = check_charts(page, path)
        interactive += counts[0]
        static_only += counts[1]
    assert interactive >= 20 and static_only >= 2  # the docs show `interactive: false`, and so does security.md
    assert_clean(rec)


CLIPPED_TEXT = """(figure) => {
  const cut = [];
  for (const text of figure.querySelectorAll(".retroblog-static svg text")) {
    const r = text.getBoundingClientRect();
    if (!r.width) continue;
    for (let box = text.parentElement; box && box !== figure.parentElement; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const c = box.getBoundingClientRect();
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5 || r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5) {
        cut.push(text.textContent);
      }
    }
  }
  return cut;
}"""


def test_without_javascript_every_chart_is_its_static_svg(new_page: Opener, site: str, chart_pages: list[str]) -> None:
    page, rec = new_page(java_script_enabled=False)
    for path in chart_pages:
        page.goto(site + path)
        figures = page.locator(CHART)
        assert figures.count() > 0, path
        for index in range(figures.count()):
            figure = figures.nth(index)
            where = f"{path} {figure.get_attribute('id')}"
            svg = figure.locator(".retroblog-static svg:visible")
            svg.scroll_into_view_if_needed()
            assert svg.is_visible(), where
            box = svg.bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 50, where
            assert figure.locator(STATIC_MARKS).count() > 0, f"{where}: the static SVG has no marks"
            # The page's font is not the one vl-convert measured with: a label may come out wider than
            # its place, and must then show in full, not be cut by a box around the chart.
            assert figure.evaluate(CLIPPED_TEXT) == [], f"{where}: text cut off by its container"
            assert figure.locator(".retroblog-view").count() == 0, where
            # The data table is there for screen readers, visually hidden.
            table = figure.locator(".retroblog-table").bounding_box()
            assert table is not None and table["width"] <= 1 and table["height"] <= 1, where
    assert [url for url in rec.requests if url.endswith(".js")] == []
    assert_clean(rec)


def test_print_shows_the_static_charts(new_page: Opener, site: str, chart_pages: list[str]) -> None:
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


# -- Palette and screenshots ---------------------------------------------------------------------------


def _colours(page: Any) -> dict[str, str]:
    """The first interactive chart's colours: its text (currentColor) and its first bar (series 1, the
    site's accent colour, which may be the same in both schemes)."""
    return dict(
        page.evaluate(
            """(() => { const view = document.querySelector('.retroblog-view');
                 return {text: getComputedStyle(view.querySelector('.role-axis-label text')).fill,
                         bar: getComputedStyle(view.querySelector('.mark-rect path')).fill}; })()"""
        )
    )


def _scheme(page: Any) -> str:
    return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))


def _screenshot(page: Any, name: str) -> bytes:
    """A screenshot of the viewport into tests/_artifacts/``name``; animations finished first, so the same
    page gives the same bytes."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return bytes(page.screenshot(path=str(ARTIFACTS / name), animations="disabled"))


SCREENSHOT_VIEWPORT = {"width": 1280, "height": 1080}


def _chart_post_screenshot(page: Any, name: str) -> bytes:
    """The chart post from its figures table to its first chart (caption included), as the README
    shows it: scrolled to the post's first section, which must hold the chart in the window."""
    page.mouse.move(1, 1)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(100)
    bottom = page.evaluate(
        f"""(() => {{ const top = document.querySelector('.md-content h2').getBoundingClientRect().top;
             window.scrollTo(0, top - 56);
             return document.querySelector('{INTERACTIVE}').getBoundingClientRect().bottom; }})()"""
    )
    assert bottom <= page.viewport_size["height"], "the first chart is below the screenshot"
    page.wait_for_timeout(200)
    return _screenshot(page, name)


def update_readme_screenshot(shot: bytes, target: Path = README_SCREENSHOT) -> bool:
    """Write ``shot`` to ``target`` unless it holds these bytes already; True if it was written."""
    if target.is_file() and target.read_bytes() == shot:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(shot)
    return True


def test_palette_toggle_rethemes_charts_and_keeps_them_working(
    new_page: Opener, site: str, chart_pages: list[str], update: bool
) -> None:
    page, rec = new_page(color_scheme="light", viewport=SCREENSHOT_VIEWPORT)
    page.goto(site + chart_pages[0])
    count = wait_for_charts(page)
    assert _scheme(page) == "default"
    light = _colours(page)
    embedded = page.evaluate("window.__retroblog.embedded")
    shot = _chart_post_screenshot(page, "chart-post-light.png")
    if update:
        update_readme_screenshot(shot)
        assert README_SCREENSHOT.read_bytes() == shot

    page.locator("label[for=__palette_1]").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function("window.__retroblog.schemeChanges >= 1")
    dark = _colours(page)
    assert dark["text"] != light["text"]
    assert_all_working(page, count)
    assert page.evaluate("window.__retroblog.embedded") == embedded  # re-themed by CSS, not re-rendered
    assert hover_any(page, page.locator(INTERACTIVE).first, "the dark chart post")
    assert _chart_post_screenshot(page, "chart-post-dark.png") != shot

    page.locator("label[for=__palette_0]").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert _colours(page) == light
    assert_all_working(page, count)
    assert_clean(rec)


def test_the_readme_screenshot_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    assert update_readme_screenshot(b"one", target) and target.read_bytes() == b"one"
    mtime = target.stat().st_mtime_ns
    assert not update_readme_screenshot(b"one", target) and target.stat().st_mtime_ns == mtime
    assert update_readme_screenshot(b"two", target) and target.read_bytes() == b"two"


def test_the_same_page_gives_the_same_screenshot(new_page: Opener, site: str, chart_pages: list[str]) -> None:
    shots = []
    for _ in range(2):
        page, _rec = new_page(color_scheme="light", viewport=SCREENSHOT_VIEWPORT)
        page.goto(site + chart_pages[0])
        wait_for_charts(page)
        shots.append(_chart_post_screenshot(page, "chart-post-light.png"))
    assert shots[0] == shots[1]


def test_home_page_screenshots(new_page: Opener, site: str) -> None:
    for scheme in ("light", "dark"):
        page, rec = new_page(color_scheme=scheme)
        page.goto(site)
        # The palette follows the reader's preference on the first visit: slate for "dark".
        assert _scheme(page) == ("slate" if scheme == "dark" else "default")
        if page.locator(CHART).count():
            wait_for_charts(page)
        _screenshot(page, f"home-{scheme}.png")
        assert rec.errors() == []


# -- Instant navigation --------------------------------------------------------------------------------


# Where to click next to reach the link to ``url`` in the navigation drawer: Material shows one level of
# the navigation at a time, the current page's section first. Back out of levels that do not hold the
# link (their title is the back arrow), open the ones that do, then the link itself.
_DRAWER_STEP = """(url) => {
  const nav = document.querySelector('.md-nav--primary');
  const link = [...nav.querySelectorAll('a.md-nav__link')].find(a => a.href === url);
  if (!link) return null;
  const wanted = [];
  for (let li = link.closest('li.md-nav__item--nested'); li; li = li.parentElement.closest('li.md-nav__item--nested')) {
    wanted.unshift(li.querySelector(':scope > input.md-nav__toggle').id);
  }
  // (a level whose label is not drawn is not in the way: Zensical's drawer shows some levels open)
  const shown = (selector) => [...nav.querySelectorAll(selector)].some(e => e.getClientRects().length > 0);
  const away = [...nav.querySelectorAll('input.md-nav__toggle:checked')]
    .filter(t => !wanted.includes(t.id) && shown(`label.md-nav__title[for="${t.id}"]`));
  if (away.length) return `label.md-nav__title[for="${away[away.length - 1].id}"]`;
  const closed = wanted.find(id => !document.getElementById(id).checked && shown(`label.md-nav__link[for="${id}"]`));
  if (closed) return `label.md-nav__link[for="${closed}"]`;
  return `.md-nav--primary a.md-nav__link[href="${link.getAttribute('href')}"]`;
}"""


def _click_link_to(page: Any, url: str) -> None:
    """Click the navigation's link to ``url`` the way a reader does in a window too narrow for the
    sidebar: open the drawer, find the link's level, click it."""
    page.locator("label.md-header__button[for=__drawer]").click()
    for _ in range(6):
        selector = page.evaluate(_DRAWER_STEP, url)
        assert selector, f"no link to {url} in the navigation"
        page.locator(selector).first.click()
        if selector.startswith(".md-nav--primary a"):
            page.wait_for_url(url)
            page.wait_for_function("!document.getElementById('__drawer').checked")
            page.locator(".md-overlay").wait_for(state="hidden")  # the drawer slides out
            return
        page.wait_for_timeout(300)  # the level slides in
    raise AssertionError(f"could not reach the link to {url} in the navigation drawer")


def _state(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            "({views: window.__retroblog.views.size, subs: window.__retroblog.subscriptions,"
            " finalized: window.__retroblog.finalized, embedded: window.__retroblog.embedded,"
            " runs: window.__retroblog.runs, samePage: window.__samePage === true})"
        )
    )


def test_instant_navigation_between_chart_pages_keeps_every_chart_working(
    new_page: Opener, site: str, chart_pages: list[str]
) -> None:
    """From the chart post straight to the charts page (by the navigation drawer of a tablet-sized
    window), then to a page without charts, then to another chart page: each time every chart renders
    and shows its tooltip, the old page's views are finalized (none leaks) and vega.js is loaded once."""
    page, rec = new_page(viewport={"width": 1000, "height": 900})
    post = chart_pages[0]
    assert post.startswith("blog/20") and "charts/" in chart_pages and "security/" in chart_pages
    page.goto(site + post)
    first, _ = check_charts(page, post)
    page.evaluate("window.__samePage = true")  # survives instant navigation, not a reload

    _click_link_to(page, site + "charts/")
    second, _ = check_charts(page, "charts/ after the post")
    state = _state(page)
    assert state["samePage"], "navigation.instant did not handle the click"
    assert state | {"runs": 0} == {
        "views": second,
        "subs": 1,
        "finalized": first,
        "embedded": first + second,
        "runs": 0,
        "samePage": True,
    }
    generator = page.evaluate("document.querySelector('meta[name=generator]').content")
    if generator.startswith("zensical"):
        # every page loads the script (extra_javascript): the theme keeps it, and its subscription to the
        # theme's page changes draws the new page's charts
        assert state["runs"] == 1
    else:  # the plugin puts the script on chart pages only, so the theme runs it again
        assert state["runs"] >= 2
    assert page.locator(READY).count() == second

    _click_link_to(page, site + "blog/")
    page.wait_for_function(f"window.__retroblog.finalized === {first + second}")
    assert _state(page)["views"] == 0

    _click_link_to(page, site + "security/")
    third, _ = check_charts(page, "security/ after the blog")
    state = _state(page)
    assert state["samePage"] and state["views"] == third and state["subs"] == 1
    assert state["finalized"] == first + second and state["embedded"] == first + second + third

    assert len([url for url in rec.requests if url.endswith(VEGA)]) == 1
    # (The theme's <head> diff may drop the loaded <script> element; the runtime stays.)
    assert page.evaluate("document.querySelectorAll('script[data-retroblog-vega]').length") <= 1
    assert page.evaluate("typeof window.vegaEmbed") == "function"
    assert_clean(rec)

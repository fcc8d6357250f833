"""docs/security.md, "Hostile data renders as text", built from data/hostile.json by the plugin like every
page, in Chromium: hovering every mark opens no dialog; no element, event handler, script or
``javascript:`` link comes from the data; every hostile name shows as the text it is, in the tooltips,
the captions and the tables; PR titles and URLs reach no built file at all."""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.support import (
    INTERACTIVE,
    REPO,
    Recorder,
    check_charts,
    hide_tooltip,
    hover,
    record,
    tooltip_targets,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "security/"
PRS: list[dict[str, Any]] = json.loads((REPO / "data" / "hostile.json").read_text(encoding="utf-8"))
REPOS = Counter(str(pr["repo"]) for pr in PRS)
HOSTILE_REPOS = [name for name in REPOS if "<" in name or '"' in name or ":" in name or "{" in name]
LABEL = "<svg onload=alert(8)>"

# What the page holds that did not come from the theme or retroblog: elements that fetch or run
# something, event-handler attributes, javascript: URLs, scripts other than the site's own.
INJECTED = """() => {
  const all = [...document.querySelectorAll('*')];
  const urls = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc'];
  return {
    elements: [...document.querySelectorAll('img, iframe, frame, object, embed, b, article style')]
      .filter(el => !el.closest('.retroblog-static')).map(el => el.outerHTML.slice(0, 120)),
    handlers: all.flatMap(el => [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
      .map(a => `${el.tagName} ${a.name}=${a.value}`)),
    javascriptUrls: all.flatMap(el => urls.map(name => el.getAttribute(name) || '')
      .filter(value => value.trim().toLowerCase().startsWith('javascript:'))),
    scripts: [...document.scripts]
      .map(s => s.src ? new URL(s.src).pathname.split('/').pop() : 'inline:' + s.textContent),
  };
}"""


@pytest.fixture(scope="module")
def hovered(browser: Any, site: str) -> Iterator[tuple[Any, Recorder, list[str]]]:
    """The page with every chart checked, then every mark of every interactive chart hovered."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    rec = record(context, page)
    page.goto(site + PAGE)
    interactive, static_only = check_charts(page, PAGE)
    assert (interactive, static_only) == (3, 1)
    tooltips = []
    for index in range(interactive):
        targets = tooltip_targets(page.locator(INTERACTIVE).nth(index), every=True)
        for target in targets:
            try:
                tooltips.append(hover(page, target))
            except PlaywrightTimeout:  # a mark that shows no tooltip (a line between points)
                continue
    hide_tooltip(page)
    page.wait_for_timeout(300)
    yield page, rec, tooltips
    context.close()


def test_no_dialog_and_nothing_from_the_data_becomes_markup(hovered: Any) -> None:
    page, rec, tooltips = hovered
    assert len(tooltips) >= 10  # every bar of the repository chart, and more
    assert rec.dialogs == []
    assert rec.errors() == [] and rec.foreign_requests() == []
    injected = page.evaluate(INJECTED)
    assert injected["elements"] == []
    assert injected["handlers"] == []
    assert injected["javascriptUrls"] == []
    scripts = injected.pop("scripts")
    assert not [s for s in scripts if "alert(" in s], scripts
    files = sorted(s for s in scripts if not s.startswith("inline:"))
    assert "retroblog.js" in files and "vega.js" in files
    assert all(name.endswith(".js") for name in files)


def test_every_hostile_name_shows_as_text(hovered: Any) -> None:
    page, _, tooltips = hovered
    assert len(HOSTILE_REPOS) >= 5
    shown = "\n".join(tooltips)
    assert [name for name in REPOS if f"Repository\t\n{name}\n" not in shown + "\n"] == []
    repos = page.locator(INTERACTIVE).first
    caption = repos.get_attribute("aria-label") or ""
    table = repos.locator(".retroblog-table").text_content() or ""
    for name, prs in REPOS.items():
        assert f"{name}: {prs}" in caption, name
        assert name in table, name
    # Axis labels: whole in the build-time SVG; in the interactive view Vega may cut a long one short (…).
    static_labels = repos.locator(".retroblog-static .role-axis-label text").all_text_contents()
    view_labels = repos.locator(".retroblog-view .role-axis-label text").all_text_contents()
    for name in REPOS:
        assert name in static_labels, name
        assert name in view_labels or any(
            label.endswith("…") and name.startswith(label[:-1]) for label in view_labels
        ), name
    assert LABEL in (page.locator(INTERACTIVE).nth(1).get_attribute("aria-label") or "")
    figures = page.locator(".retroblog-stats").inner_text()
    for name in ("<img src=x onerror=alert(7)>", '" onmouseover="alert(13)', "javascript:alert(15)"):
        assert f"by_repo.{name}\t{REPOS[name]}" in figures, figures
    text = page.locator("article").inner_text()
    assert f"The image repository merged {REPOS['<img src=x onerror=alert(7)>']} PRs, and the" in text


def test_titles_and_urls_reach_no_built_file(built_site: Path) -> None:
    secrets = [str(pr["title"]) for pr in PRS] + [str(pr["url"]) for pr in PRS if pr.get("url")]
    forms = {form for secret in secrets for form in (secret, html.escape(secret), html.escape(secret, quote=False))}
    found = []
    for path in built_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".js", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(built_site)}: {form}" for form in forms if form in text]
    assert found == []

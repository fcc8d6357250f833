"""Headless Chromium (Playwright, the system's /usr/bin/chromium) and the built example site, served.

Set ``RETROBLOG_TEST_SITE=/path/to/site`` to test an already built site instead of building one.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import CHROMIUM, Recorder, Server, launch, record

Opener = Callable[..., tuple[Any, Recorder]]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture(scope="session", params=["mkdocs", "zensical"])
def built_site(request: pytest.FixtureRequest) -> Path:
    """The example site, built by each engine from the same mkdocs.yml (tests/conftest.py's strict MkDocs
    build with no warning, and ``zensical build --strict``), so every browser test runs on both; or
    RETROBLOG_TEST_SITE if set (then once)."""
    given = os.environ.get("RETROBLOG_TEST_SITE")
    if given:
        if request.param != "mkdocs":
            pytest.skip("RETROBLOG_TEST_SITE is one site")
        return Path(given)
    fixture = "example_site" if request.param == "mkdocs" else "zensical_example_site"
    return Path(request.getfixturevalue(fixture))


def _page_path(site: Path, html: Path) -> str:
    return html.relative_to(site).as_posix().removesuffix("index.html")


@pytest.fixture(scope="session")
def all_pages(built_site: Path) -> list[str]:
    """URL paths of every page of the site (every built index.html), which the sitemap lists too."""
    pages = sorted(_page_path(built_site, html) for html in built_site.rglob("index.html"))
    listed = re.findall(r"<loc>https?://[^/<]+/([^<]*)</loc>", (built_site / "sitemap.xml").read_text(encoding="utf-8"))
    assert sorted(listed) == pages, "sitemap.xml and the built pages differ"
    assert len(pages) > 20
    return pages


@pytest.fixture(scope="session")
def chart_pages(built_site: Path) -> list[str]:
    """URL paths of every page with a chart (interactive or not), the chart post first."""
    pages = [
        _page_path(built_site, html)
        for html in sorted(built_site.rglob("index.html"))
        if '<figure class="retroblog-chart"' in html.read_text(encoding="utf-8")
    ]
    pages.sort(key=lambda p: (not p.startswith("blog/20"), p))
    assert pages, "the example site has no chart"
    return pages


@pytest.fixture(scope="session")
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
def new_page(browser: Any) -> Iterator[Opener]:
    """``new_page(**context_options)``: a page in a new context, and the recorder of what it does."""
    contexts: list[Any] = []

    def make(**options: Any) -> tuple[Any, Recorder]:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        contexts.append(context)
        page = context.new_page()
        return page, record(context, page)

    yield make
    for context in contexts:
        context.close()

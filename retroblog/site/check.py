"""``retroblog check SITE_DIR``: what a built site shows that retroblog should have turned into charts and numbers.

A site built by an engine that dropped retroblog (Zensical ignores MkDocs plugins; a ``mkdocs.yml`` without
the extension) still builds "without issues": its chart fences are code blocks and its inline stats raw
``:stat[...]``. This scan reads the finished files, whichever engine wrote them, and names each such place
by page and line:

- ``:stat[`` in a page's or feed's text (outside code: the docs show the syntax in code spans and blocks);
- a ``chart``, ``stats`` or ``career`` fence left as a code block;
- a chart placeholder never filled (a chart that was still being computed);
- a page with charts but not retroblog's stylesheet, an interactive chart without retroblog's script,
  or a site without ``assets/retroblog/`` (the script, its stylesheet and the Vega runtime);
- an item of a feed of posts (not of updates) dated at the feed's build time (a post whose date the feed
  writer could not read).
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

ASSET_DIR = "assets/retroblog"
RUNTIME = ("retroblog.js", "retroblog.css", "vega.js")

_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_FENCE_AS_CODE = re.compile(r"""class=["'][^"']*\blanguage-(chart|stats|career)\b""")
_RAW_STAT = ":stat["
_PENDING = 'class="retroblog-pending"'
_CHART = 'class="retroblog-chart'
_INTERACTIVE = 'data-retroblog-interactive="true"'
_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc=["'][^"']*\bretroblog\.js(?:\?[^"']*)?["']""", re.IGNORECASE)
_STYLESHEET = re.compile(r"""<link\b[^>]*\bhref=["'][^"']*\bretroblog\.css(?:\?[^"']*)?["']""", re.IGNORECASE)
_RSS_ITEM = re.compile(r"<item\b.*?</item>", re.DOTALL)
_BUILD_DATE = re.compile(r"<lastBuildDate>([^<]*)</lastBuildDate>")
_PUB_DATE = re.compile(r"<pubDate>([^<]*)</pubDate>")
_TITLE = re.compile(r"<title>([^<]*)</title>")
_DESCRIPTION = re.compile(r"<description>(.*?)</description>", re.DOTALL)

MAX_FILE = 50 * 1024 * 1024
"""A page or feed larger than this is not read (a built page is far smaller)."""


@dataclass(frozen=True)
class Finding:
    """One place in the built site: file (relative to the site folder), line (1-based) and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


def _blank(match: re.Match[str]) -> str:
    """A match replaced by as many newlines as it held: line numbers of what follows stay right."""
    return "\n" * match.group(0).count("\n")


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _raw_stats(path: str, text: str) -> list[Finding]:
    """Each ``:stat[`` of an HTML text outside code, by line."""
    prose = _CODE.sub(_blank, text)
    found: list[Finding] = []
    for match in re.finditer(re.escape(_RAW_STAT), prose):
        end = prose.find("]", match.start(), match.start() + 200)
        shown = html.unescape(_TAG.sub("", prose[match.start() : end + 1 if end != -1 else match.start() + 40]))[:60]
        found.append(
            Finding(
                path,
                _line(prose, match.start()),
                f"inline stat left as text: {shown!r} (retroblog did not run on this page)",
            )
        )
    return found


def check_page(path: str, text: str, *, assets: bool) -> list[Finding]:
    """What is wrong in one built HTML page (``path`` names it in findings); ``assets``: the site has them."""
    found = _raw_stats(path, text)
    for match in _FENCE_AS_CODE.finditer(text):
        found.append(
            Finding(
                path,
                _line(text, match.start()),
                f"a {match.group(1)!r} block left as code (retroblog did not run on this page)",
            )
        )
    if _PENDING in text:
        found.append(Finding(path, _line(text, text.index(_PENDING)), "a chart placeholder that was never filled"))
    if _CHART in text:
        at = _line(text, text.index(_CHART))
        if not _STYLESHEET.search(text):
            found.append(Finding(path, at, "charts without retroblog.css (they show in placeholder colours)"))
        if not assets:
            found.append(Finding(path, at, f"charts, but the site has no complete {ASSET_DIR}/ folder"))
    if _INTERACTIVE in text and not _SCRIPT.search(text):
        found.append(
            Finding(
                path,
                _line(text, text.index(_INTERACTIVE)),
                "an interactive chart without retroblog.js (it stays static)",
            )
        )
    return found


def _same_time(one: str, other: str) -> bool:
    try:
        return parsedate_to_datetime(one.strip()) == parsedate_to_datetime(other.strip())
    except (TypeError, ValueError):
        return one.strip() == other.strip()


def check_rss(path: str, text: str) -> list[Finding]:
    """Items of an RSS feed dated at the build time, and raw inline stats in their descriptions.

    A feed of updates (``feed_rss_updated.xml``) dates a post never updated at the build time under both
    engines' feed writers: only the other feeds are checked for dates.
    """
    found: list[Finding] = []
    dated_at_build = "updated" not in Path(path).name
    built = _BUILD_DATE.search(text)
    for item in _RSS_ITEM.finditer(text):
        body = item.group(0)
        date = _PUB_DATE.search(body)
        title = _TITLE.search(body)
        name = html.unescape(title.group(1)) if title else "an item"
        if dated_at_build and date and built and _same_time(date.group(1), built.group(1)):
            found.append(
                Finding(
                    path,
                    _line(text, item.start() + date.start()),
                    f"{name!r} is dated at the feed's build time ({date.group(1).strip()}): the feed writer did not "
                    "read the post's date (write it as 'date: {created: YYYY-MM-DD}')",
                )
            )
        for description in _DESCRIPTION.finditer(body):
            inner = html.unescape(description.group(1).replace("<![CDATA[", "").replace("]]>", ""))
            if _RAW_STAT in _CODE.sub("", inner):
                found.append(
                    Finding(
                        path,
                        _line(text, item.start() + description.start()),
                        f"{name!r}: inline stat left as text in the feed's description",
                    )
                )
    return found


def check_json_feed(path: str, text: str) -> list[Finding]:
    """Raw inline stats in a JSON feed's items (their summary or content)."""
    try:
        feed = json.loads(text)
    except ValueError:
        return []
    items = feed.get("items") if isinstance(feed, dict) else None
    found: list[Finding] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        for key in ("summary", "content_html", "content_text"):
            value = item.get(key)
            if isinstance(value, str) and _RAW_STAT in _CODE.sub("", value):
                title = item.get("title") if isinstance(item.get("title"), str) else "an item"
                needle = json.dumps(value)[1:40]
                at = text.find(needle)
                found.append(
                    Finding(path, _line(text, at) if at != -1 else 0, f"{title!r}: inline stat left as text in '{key}'")
                )
    return found


def check_site(site_dir: Path) -> list[Finding]:
    """Every finding in a built site (HTML pages, RSS and JSON feeds), by file and line, sorted."""
    assets = all((site_dir / ASSET_DIR / name).is_file() for name in RUNTIME)
    found: list[Finding] = []
    for folder, dirs, names in os.walk(site_dir):
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())
        for name in sorted(names):
            path = Path(folder, name)
            if not name.endswith((".html", ".xml", ".json")) or path.is_symlink() or not path.is_file():
                continue
            if path.stat().st_size > MAX_FILE:
                continue
            shown = path.relative_to(site_dir).as_posix()
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if name.endswith(".html"):
                found += check_page(shown, text, assets=assets)
            elif name.endswith(".xml") and "<rss" in text[:2000]:
                found += check_rss(shown, text)
            elif name.endswith(".json") and '"https://jsonfeed.org/version/' in text[:2000]:
                found += check_json_feed(shown, text)
    return sorted(found, key=lambda finding: (finding.path, finding.line, finding.message))

"""Complete what mkdocs-rss-plugin leaves unknown in the RSS feeds it writes.

mkdocs-rss-plugin looks a post's local ``image`` up next to the post's Markdown file, but a cover
is published where mkdocs-material puts the post's assets (``blog/SLUG/cover.svg``, without
``posts/``) and a post read from a normalised copy lives in a temporary folder; so it writes
``<enclosure … length="None" />``, which makes the feed invalid (RSS 2.0 requires the length in
bytes). ``complete_enclosures`` runs after the feeds are written and puts in the size of the file
the enclosure's URL names in the built site.
"""

from __future__ import annotations

import html
import json
import re
from functools import partial
from pathlib import Path
from urllib.parse import ParseResult, unquote, urlparse

from retroblog.util.files import atomic_write

_ENCLOSURE = re.compile(r"<enclosure\b[^>]*/>")
_URL = re.compile(r'\burl="([^"]*)"')
_UNKNOWN = re.compile(r'\blength="(?:None|)"')


def complete_enclosures(site_dir: Path, site_url: str) -> list[str]:
    """Write each unknown enclosure length of the site's RSS feeds; return a problem per missing file.

    An enclosure whose URL is on the site gets its file's size; one elsewhere (a remote image whose
    size could not be fetched) or whose file is missing gets ``0``, the conventional unknown length.
    """
    problems: list[str] = []
    site = urlparse(site_url)
    for feed in sorted(site_dir.rglob("*.xml")):
        text = feed.read_text(encoding="utf-8")
        if "<enclosure" not in text:
            continue
        missing: list[str] = []
        fixed = _ENCLOSURE.sub(partial(_with_length, site=site, site_dir=site_dir, missing=missing), text)
        shown = feed.relative_to(site_dir).as_posix()
        problems += [
            f"{shown}: the image {url} is not in the built site; its enclosure has length 0" for url in missing
        ]
        if fixed != text:
            atomic_write(feed, fixed, overwrite=True)
    return problems


def _with_length(match: re.Match[str], *, site: ParseResult, site_dir: Path, missing: list[str]) -> str:
    """The ``<enclosure/>`` tag with its length, when unknown, put in; a local file not found is noted."""
    tag = match[0]
    url = _URL.search(tag)
    if not _UNKNOWN.search(tag) or url is None:
        return tag
    local = _local_file(html.unescape(url[1]), site, site_dir)
    size = 0
    if local is not None and local.is_file():
        size = local.stat().st_size
    elif local is not None:
        missing.append(url[1])
    return _UNKNOWN.sub(f'length="{size}"', tag)


def _local_file(url: str, site: ParseResult, site_dir: Path) -> Path | None:
    """The file of the built site that ``url`` names, or ``None`` for an address on another site."""
    parsed = urlparse(url)
    if parsed.netloc and (parsed.scheme, parsed.netloc) != (site.scheme, site.netloc):
        return None
    path = parsed.path
    if parsed.netloc or path.startswith("/"):  # absolute: below the site's own path
        prefix = site.path.rstrip("/") + "/"
        if not path.startswith(prefix):
            return None
        path = path[len(prefix) :]
    relative = unquote(path)
    if not relative or ".." in Path(relative).parts:
        return None
    return site_dir / relative


_RSS_IMAGE = re.compile(r"[ \t]*<image>\s*<url>None</url>.*?</image>[ \t]*\n?", re.DOTALL)
_JSON_ICON = re.compile(r'^([ \t]*)"icon": null,?[ \t]*\n', re.MULTILINE)


def complete_channel_images(site_dir: Path, site_url: str, favicon: str | None) -> int:
    """Give each feed the site's icon where mkdocs-rss-plugin writes none (``<url>None</url>`` in RSS,
    ``"icon": null`` in JSON Feed, both invalid), or leave the optional element out when the built
    site has no favicon. Returns how many feeds were changed."""
    icon = None
    if favicon and (site_dir / favicon).is_file():
        icon = site_url.rstrip("/") + "/" + favicon.lstrip("/")
    changed = 0
    for feed in sorted([*site_dir.glob("*.xml"), *site_dir.glob("*.json")]):
        text = feed.read_text(encoding="utf-8")
        if feed.suffix == ".xml":
            fixed = _RSS_IMAGE.sub(lambda m: _rss_image(m[0], icon), text)
        else:
            fixed = _JSON_ICON.sub(lambda m: f'{m[1]}"icon": {json.dumps(icon)},\n' if icon else "", text)
        if fixed != text:
            atomic_write(feed, fixed, overwrite=True)
            changed += 1
    return changed


def _rss_image(block: str, icon: str | None) -> str:
    return block.replace("<url>None</url>", f"<url>{html.escape(icon)}</url>", 1) if icon else ""

"""Helpers that read built HTML: which resources a page loads from other hosts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

LOADING_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "modulepreload",
    "manifest",
    "prefetch",
    "apple-touch-icon",
}


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed") and values.get("src"):
            self.urls.append(values["src"])
        if tag == "link" and LOADING_RELS & set(values.get("rel", "").split()):
            self.urls.append(values.get("href", ""))
        if tag == "object" and values.get("data"):
            self.urls.append(values["data"])
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append(candidate.strip().split()[0])
        self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", values.get("style", ""))


def external_resources(html: str) -> list[str]:
    """URLs the page would load from a host other than its own."""
    parser = _Resources()
    parser.feed(html)
    inline_css = re.findall(r"url\(\s*['\"]?([^'\")]+)", " ".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)))
    return [u for u in [*parser.urls, *inline_css] if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", u, re.I)]

"""A page's social card: its picture (an SVG drawn to PNG) and the Open Graph and Twitter tags of its head.

``card_svg`` lays out a 1200 x 630 card from parts rendered elsewhere: the site's name, the post's title
and author as text, the headline figures and a chart as the static SVGs vl-convert drew
(``retroblog.render.svg``), each scaled into its box. It keeps the placeholder colours of a chart
(``SERIES``, ``currentColor``) so that ``retroblog.render.export.themed_svg`` colours the whole card at
once. ``social_tags`` writes the ``<meta>`` tags; every value is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from retroblog.charts.theme import SERIES

CARD_WIDTH, CARD_HEIGHT = 1200, 630
"""The card's size in pixels: what Open Graph and X's ``summary_large_image`` show uncropped (1.91:1)."""
TITLE_SIZE = 54
"""The title's font size in pixels; a long title is drawn on two lines, then cut short with …"""
TITLE_LINE_CHARS = 34
"""Characters of a title line at ``TITLE_SIZE`` (DejaVu Sans bold: about 0.62 em a character)."""
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


@dataclass(frozen=True)
class CardText:
    """The words of a card: the site's name, the page's title and its author (may be empty)."""

    site: str
    title: str
    author: str


def title_lines(title: str, chars: int = TITLE_LINE_CHARS, lines: int = 2) -> list[str]:
    """``title`` wrapped on words into at most ``lines`` lines of ``chars`` characters; the last one cut
    short with … when the title does not fit (a word longer than a line is cut too)."""
    words = title.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= chars:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    out = [line if len(line) <= chars else line[: chars - 1] + "…" for line in out[:lines]]
    shown = " ".join(out)
    if out and len(shown) < len(" ".join(words)) and not out[-1].endswith("…"):
        out[-1] = out[-1][: chars - 1].rstrip() + "…"
    return out


def _placed(svg: str, x: float, y: float, width: float, height: float) -> str:
    """An SVG drawn into the box (x, y, width, height), scaled to fit and centred, its proportions kept."""
    size = _SIZE.search(svg)
    inner_w, inner_h = (float(size.group(1)), float(size.group(2))) if size else (width, height)
    return (
        f'<svg x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}" viewBox="0 0 {inner_w:g} {inner_h:g}" '
        f'preserveAspectRatio="xMidYMid meet">{svg}</svg>'
    )


def card_svg(text: CardText, figures_svg: str, chart_svg: str | None, font: str = "DejaVu Sans") -> str:
    """The card: an accent bar, the site's name, the title (two lines at most), the author, then the
    figures beside the chart (or the figures alone, across the card, when there is no chart)."""
    family = html.escape(f"{font}, sans-serif", quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CARD_WIDTH}" height="{CARD_HEIGHT}" '
        f'viewBox="0 0 {CARD_WIDTH} {CARD_HEIGHT}" font-family="{family}">',
        f'<rect x="0" y="0" width="18" height="{CARD_HEIGHT}" fill="{SERIES[0]}"/>',
        f'<text x="64" y="70" font-size="26" fill="currentColor" opacity="0.7">{html.escape(text.site)}</text>',
    ]
    y = 70
    for line in title_lines(text.title):
        y += TITLE_SIZE + 12
        parts.append(
            f'<text x="64" y="{y}" font-size="{TITLE_SIZE}" font-weight="bold" fill="currentColor">'
            f"{html.escape(line)}</text>"
        )
    if text.author:
        y += 44
        parts.append(f'<text x="64" y="{y}" font-size="28" fill="currentColor">by {html.escape(text.author)}</text>')
    top = max(y + 24, 250)
    if chart_svg is None:
        parts.append(_placed(figures_svg, 48, top, CARD_WIDTH - 96, CARD_HEIGHT - top - 24))
    else:
        parts.append(_placed(figures_svg, 40, top, 480, CARD_HEIGHT - top - 16))
        parts.append(_placed(chart_svg, 540, top - 10, CARD_WIDTH - 540 - 32, CARD_HEIGHT - top - 6))
    parts.append("</svg>")
    return "".join(parts)


def social_tags(
    *,
    kind: str,
    title: str,
    description: str,
    url: str,
    image: str,
    alt: str,
    site: str,
    width: int = CARD_WIDTH,
    height: int = CARD_HEIGHT,
) -> str:
    """The Open Graph and Twitter card tags of a page whose card is ``image`` (an absolute URL)."""

    def meta(attribute: str, name: str, content: str) -> str:
        return f'<meta {attribute}="{name}" content="{html.escape(content, quote=True)}">'

    tags = [
        meta("property", "og:type", kind),
        meta("property", "og:site_name", site),
        meta("property", "og:title", title),
        meta("property", "og:description", description),
        meta("property", "og:url", url),
        meta("property", "og:image", image),
        meta("property", "og:image:type", "image/png"),
        meta("property", "og:image:width", str(width)),
        meta("property", "og:image:height", str(height)),
        meta("property", "og:image:alt", alt),
        meta("name", "twitter:card", "summary_large_image"),
        meta("name", "twitter:title", title),
        meta("name", "twitter:description", description),
        meta("name", "twitter:image", image),
        meta("name", "twitter:image:alt", alt),
    ]
    return "\n".join(tags) + "\n"

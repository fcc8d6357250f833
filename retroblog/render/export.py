"""A chart's static SVG as a file of its own: real colours for one scheme, and a PNG of it.

In a page, the SVG's placeholder colours (``retroblog.charts.theme.SERIES``) and its ``currentColor``
text are mapped by the page's CSS. A file pasted into another platform has no such CSS: ``themed_svg``
writes the colours of one scheme into it (the series' default colours of ``COLOURS``, Material's text
and background), and ``png`` draws that with vl-convert (``svg_to_png``). Used by ``retroblog export``
and by anything that needs a chart as a picture (a social card).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retroblog.charts.theme import COLOURS, SERIES


@dataclass(frozen=True)
class Scheme:
    """The colours of one of Material's schemes, as hex: its background, its text and series 1-4."""

    name: str
    background: str
    text: str
    series: tuple[str, ...]


def _fallback(value: str) -> str:
    """``var(--md-accent-fg-color,#4051b5)`` -> ``#4051b5``; a plain colour as it is."""
    found = re.findall(r"#[0-9a-fA-F]{6}\b", value)
    return found[-1] if found else value


SCHEMES: dict[str, Scheme] = {
    # Material's default scheme: white, text rgba(0,0,0,.87) on it
    "light": Scheme("light", "#ffffff", "#212121", tuple(_fallback(light) for light, _ in COLOURS)),
    # slate: hsla(225deg,15%,14%) behind hsla(225deg,15%,90%,.82)
    "dark": Scheme("dark", "#1e2129", "#bfc1c7", tuple(_fallback(dark) for _, dark in COLOURS)),
}
"""The schemes a chart can be exported in."""

_PAINT = re.compile(r'\b(fill|stroke|color|stop-color)="(#0[1-4]0[1-4]0[1-4]|currentColor)"')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def themed_svg(svg: str, scheme: Scheme) -> str:
    """``svg`` (vl-convert's, as ``retroblog.render.svg`` keeps it) with the colours of ``scheme``: each
    placeholder series colour and ``currentColor`` replaced by a real colour, and an opaque background.
    """
    colours = {placeholder: scheme.series[i] for i, placeholder in enumerate(SERIES)}

    def paint(match: re.Match[str]) -> str:
        value = match.group(2)
        return f'{match.group(1)}="{scheme.text if value == "currentColor" else colours.get(value, value)}"'

    themed = _PAINT.sub(paint, svg).replace("currentColor", scheme.text)  # (in a style attribute, if any)
    opening = _SVG_OPEN.search(themed)
    if opening is None:
        return themed
    background = f'<rect width="100%" height="100%" fill="{scheme.background}"/>'
    return themed[: opening.end()] + background + themed[opening.end() :]


def png(svg: str, scale: float = 2) -> bytes:
    """A PNG of ``svg`` (a themed one: a PNG has no CSS), ``scale`` times its size in pixels."""
    import vl_convert as vlc  # loaded on the first picture, not with the command

    return bytes(vlc.svg_to_png(svg, scale=scale))

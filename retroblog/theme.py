"""Chart colours: placeholder colours in the SVG, mapped to the site's palette by CSS.

Charts are drawn with placeholder colours (``SERIES``); ``PALETTE_CSS`` maps each to a CSS variable of
mkdocs-material's palette, so one static SVG follows the light and dark schemes without a rebuild.
A light module: the plugin and the Markdown extension import it without loading Altair.
"""

from __future__ import annotations

SERIES: tuple[str, ...] = ("#010101", "#020202", "#030303", "#040404")
"""Placeholder colours of series 1-4; the stylesheet maps each to a palette variable."""

PALETTE_CSS = (
    ".retroblog-chart svg{max-width:100%;height:auto}"
    ".retroblog-chart svg text{font-family:var(--md-text-font-family,sans-serif)}"
    + "".join(
        f'.retroblog-chart [fill="{c}"]{{fill:var({v},{d})}}.retroblog-chart [stroke="{c}"]{{stroke:var({v},{d})}}'
        for c, v, d in zip(
            SERIES,
            ("--md-primary-fg-color", "--retroblog-color-2", "--retroblog-color-3", "--retroblog-color-4"),
            ("#4051b5", "#e8590c", "#0ca678", "#f08c00"),
            strict=True,
        )
    )
    + ".retroblog-table{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}"
    ".retroblog-chart figcaption::before{content:attr(data-caption)}"
)
"""Inlined in every chart's SVG, so charts follow the palette even where retroblog.css is not loaded."""

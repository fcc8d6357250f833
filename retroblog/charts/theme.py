"""Chart colours: placeholder colours in the SVG, mapped to the site's palette by CSS.

Charts are drawn with placeholder colours (``SERIES``); ``PALETTE_CSS`` maps each to a CSS variable,
so one static SVG follows the light and dark schemes without a rebuild. Series 1 is the site's accent
colour (mkdocs-material's ``--md-accent-fg-color``, set by ``theme.palette.accent``): the issue asks
for it, and Material picks its accents to stand out on both the light and the slate background. Each
series can be set with ``--retroblog-color-1`` ... ``-4``. Text uses the site's text font.
A light module: the plugin and the Markdown extension import it without loading Altair.
"""

from __future__ import annotations

SERIES: tuple[str, ...] = ("#010101", "#020202", "#030303", "#040404")
"""Placeholder colours of series 1-4; the stylesheet maps each to a palette variable."""

ACCENT = "--md-accent-fg-color"
"""mkdocs-material's accent colour: series 1."""

COLOURS: tuple[tuple[str, str], ...] = (
    (f"var({ACCENT},#4051b5)", f"var({ACCENT},#5488e8)"),
    ("#e8590c", "#ff8a4c"),
    ("#0b9a6f", "#38d9a9"),
    ("#c77700", "#ffc24b"),
)
"""(light, dark) colour of each series where ``--retroblog-color-N`` is not set; each has a contrast of
at least 3:1 (WCAG's for graphics) against Material's white and slate backgrounds, so the dark defaults
are lighter. Material's default accent, indigo, passes too (4.3:1 and 3.8:1)."""

LABEL_SMALL = 11
"""Material's type scale, in CSS pixels ("label small"): values drawn on marks; the smallest chart text."""
LABEL_MEDIUM = 12
"""Axis and legend labels and their titles ("label medium")."""
TITLE_SMALL = 14
"""A chart's title ("title small")."""
MEASURED_FONT = "DejaVu Sans"
"""The font vl-convert lays out axis and legend labels in. They are drawn in the page's font (CSS), which
vl-convert cannot know: measured in DejaVu Sans, among the widest sans-serif fonts (Roboto, Helvetica,
Segoe UI and San Francisco are narrower), a label never needs more room than it was given, so labels
neither overlap nor leave their figure. Where the build machine lacks it, vl-convert's own font is used."""

BUNDLED_FONT = "sans-serif"
"""The font vl-convert measures short numeric labels in: its own Liberation Sans, held in memory. A font of
the system (``MEASURED_FONT``) is read from its file at each text it measures, which made up a third of
a chart's render time."""

DARK = '[data-md-color-scheme="slate"] '
"""The selector prefix of mkdocs-material's dark scheme."""


def palette_rules() -> list[str]:
    """The CSS rules that map the placeholders to the palette, light then dark (as in retroblog.css)."""
    rules = []
    for prefix, which in (("", 0), (DARK, 1)):
        for number, (placeholder, colours) in enumerate(zip(SERIES, COLOURS, strict=True), start=1):
            value = f"var(--retroblog-color-{number},{colours[which]})"
            for prop in ("fill", "stroke"):
                rules.append(f'{prefix}.retroblog-chart [{prop}="{placeholder}"]{{{prop}:{value}}}')
    return rules


FONT_RULE = ".retroblog-chart svg text{font-family:var(--md-text-font-family,sans-serif)}"
"""Chart text in the site's text font (mkdocs-material sets the variable on ``body``)."""

LAYOUT_CSS = ".retroblog-chart{container-type:inline-size}.retroblog-narrow{display:none}"
"""The figure is a size container, whose width picks the static render (``retroblog.render.html.figure``);
the narrow render shows only where the figure's own rule says so."""

PALETTE_CSS = (
    ".retroblog-chart svg{max-width:100%;height:auto}"
    + LAYOUT_CSS
    + FONT_RULE
    + "".join(palette_rules())
    + ".retroblog-table{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}"
    ".retroblog-chart figcaption::before{content:attr(data-caption)}"
)
"""Inlined in every chart's SVG, so charts follow the palette even where retroblog.css is not loaded;
the same rules as retroblog.css (a test keeps them equal), which the inline copy must not contradict."""

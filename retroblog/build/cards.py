"""Social cards: a 1200 x 630 PNG per post (and the home page), drawn at build time from the post's data.

A card shows the site's name, the post's title and author, the headline figures of the post's dataset and
filters (``retroblog.charts.card.figures``: the dataset and filters of the post's first chart block, else
the site's default dataset) and a chart: the post's first chart block, or the one front matter names
(``retroblog: {card: 2}`` by its place among the page's charts, ``retroblog: {card: prs-per-year}`` by its
type, spec file or function, as ``retroblog export`` names it); ``retroblog: {card: false}`` draws none.
It is drawn in the light scheme with the site's accent (``theme.palette``'s ``accent``).

Cards are cached by content like chart blocks: the key holds the blocks' own keys (options, the dataset's
bytes, privacy, timezone, retroblog's code), the words and the accent, so it is computed without loading
data; the PNG and its alt text are kept on disk (``cards/`` of the cache folder) and an unchanged post
draws no card again. vl-convert draws the same bytes for the same SVG: the PNGs are part of a build's
byte-identical output. A private dataset's repositories and labels never reach a card (the blocks'
``_keep_private`` guard, on the figures, the chart and the whole card's SVG).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retroblog.build.blocks import Blocks
from retroblog.build.cache import fragment_key
from retroblog.build.options import FILTER_KEYS, is_career_chart
from retroblog.build.syntax import Job, scan
from retroblog.errors import ConfigError, RetroblogError
from retroblog.render.export import SCHEMES, Scheme, png, themed_svg
from retroblog.render.meta import CardText, card_svg
from retroblog.util.files import atomic_write

CARDS_DIR = "assets/retroblog/cards"
"""Where the cards are written in the built site."""
FIGURES_SIZE = {True: (480, 330), False: (1104, 300)}
"""The figures' size on a card with a chart (two by two) and without one (four in a row)."""
CHART_SIZE = (560, 300)
"""The size the card's chart is laid out at (then scaled into its box)."""
ACCENTS = {
    # mkdocs-material's --md-accent-fg-color of each theme.palette.accent (its palette stylesheet)
    "red": "#ff1a47",
    "pink": "#f50056",
    "purple": "#df41fb",
    "deep-purple": "#7c4dff",
    "indigo": "#526cfe",
    "blue": "#4287ff",
    "light-blue": "#0091eb",
    "cyan": "#00bad6",
    "teal": "#00bda4",
    "green": "#00c753",
    "light-green": "#63de17",
    "lime": "#b0eb00",
    "yellow": "#ffd500",
    "amber": "#ffaa00",
    "orange": "#ff9100",
    "deep-orange": "#ff6e42",
}
DEFAULT_ACCENT = "indigo"


BUNDLED_CARD_FONT = "Liberation Sans"
"""The font a card's PNG is drawn in: the sans-serif vl-convert carries (the same on every machine)."""
_BUNDLED_FONT_FAMILY = re.compile(r'font-family="[^"]*"')


class _Unavailable(Exception):
    """A card's figures or chart cannot be made: the page gets no card (its blocks report the cause)."""


def site_accent(palette: Any) -> str:
    """The hex colour of the accent of ``theme.palette`` (one mapping or a list of schemes: the light
    one, ``default``, else the first); Material's default, indigo, for none or a custom accent."""
    entries = palette if isinstance(palette, list) else [palette] if isinstance(palette, dict) else []
    entries = [entry for entry in entries if isinstance(entry, dict)]
    light = [entry for entry in entries if entry.get("scheme", "default") == "default"] or entries
    name = str(light[0].get("accent", DEFAULT_ACCENT)) if light else DEFAULT_ACCENT
    return ACCENTS.get(name.lower().replace(" ", "-"), ACCENTS[DEFAULT_ACCENT])


def card_scheme(accent: str) -> Scheme:
    """The light scheme with series 1 in the site's accent."""
    light = SCHEMES["light"]
    return Scheme("card", light.background, light.text, (accent, *light.series[1:]))


@dataclass(frozen=True)
class CardRequest:
    """What a page's card is drawn from."""

    page: str
    """The page's path in docs_dir (for messages)."""
    text: CardText
    selection: dict[str, Any]
    """The dataset and filters of the figures (``dataset``, ``from``, ``repo`` ...)."""
    chart: dict[str, Any] | None
    """The options of the chart block drawn on the card; None: the figures alone."""


@dataclass(frozen=True)
class Card:
    """A drawn card: its PNG, its alt text and the figures in one sentence (a description)."""

    png: bytes
    alt: str
    summary: str


def card_choice(meta: Mapping[str, Any], page: str) -> bool | int | str:
    """The ``retroblog: {card: ...}`` of a page's front matter: False (no card), True (the first chart),
    a chart's place among the page's charts (from 1) or its kind; an error naming the page otherwise."""
    own = meta.get("retroblog")
    if own is None:
        return True
    if not isinstance(own, dict):
        raise ConfigError(f"{page}: front matter 'retroblog' must be a mapping such as {{card: false}}")
    # (its other keys are the importer's record of where a post came from: not the card's)
    choice = own.get("card", True)
    if isinstance(choice, bool) or (isinstance(choice, str) and choice.strip()):
        return choice.strip() if isinstance(choice, str) else choice
    if isinstance(choice, int) and choice >= 1:
        return choice
    raise ConfigError(
        f"{page}: front matter 'retroblog.card' must be false, a chart's place among the page's charts "
        f"(1, 2 ...) or its type (such as prs-per-year), got {choice!r}"
    )


def chart_kind(options: Mapping[str, Any]) -> str:
    """What a chart block draws: its type, its spec file's name or its function's (as export names it)."""
    if "spec" in options:
        return Path(str(options["spec"])).stem
    if "altair" in options:
        return str(options["altair"]).rpartition(":")[2]
    return str(options.get("type", "chart"))


def plan(markdown: str, choice: bool | int | str, page: str, text: CardText) -> CardRequest | None:
    """The card of a page (its Markdown, front matter choice); None for ``card: false``."""
    if choice is False:
        return None
    charts = [job.options for job in scan(markdown) if job.kind == "chart"]
    chosen: dict[str, Any] | None
    if choice is True:
        chosen = charts[0] if charts else None
    elif isinstance(choice, int):
        if choice > len(charts):
            raise ConfigError(f"{page}: front matter 'retroblog.card: {choice}': the page has {len(charts)} charts")
        chosen = charts[choice - 1]
    else:
        chosen = next((options for options in charts if chart_kind(options) == choice), None)
        if chosen is None:
            kinds = ", ".join(dict.fromkeys(chart_kind(options) for options in charts)) or "none"
            raise ConfigError(f"{page}: front matter 'retroblog.card: {choice}': no such chart; its charts: {kinds}")
    data_charts = [options for options in ([chosen] if chosen else []) + charts if not is_career_chart(options)]
    selection = {k: v for k, v in (data_charts[0] if data_charts else {}).items() if k in FILTER_KEYS}
    if chosen is not None and chosen.get("type") == "card":
        chosen = None  # the figures are the card's already
    return CardRequest(page, text, selection, chosen)


class Cards:
    """Draws the cards of a site's pages with its blocks engine, cached by content on disk."""

    def __init__(self, blocks: Blocks, folder: Path | None, accent: str) -> None:
        self.blocks = blocks
        self.folder = folder
        self.accent = accent
        self.drawn = 0
        """Cards actually drawn (not taken from the cache): tests and benchmarks read it."""
        self.used: set[str] = set()

    def start(self) -> None:
        self.used = set()

    def _chart_options(self, chart: Mapping[str, Any]) -> dict[str, Any]:
        options = {k: v for k, v in chart.items() if k != "interactive"}
        if "spec" not in options and "altair" not in options:
            options["width"], options["height"] = CHART_SIZE
        return options

    def key(self, request: CardRequest) -> str | None:
        """The card's content key, computed without loading data; None if a part cannot be keyed."""
        figures = self.blocks.key(Job("chart", {"type": "card", **request.selection}))
        chart = None if request.chart is None else self.blocks.key(Job("chart", self._chart_options(request.chart)))
        if figures is None or (request.chart is not None and chart is None):
            return None
        text = request.text
        parts = {"kind": "social-card", "figures": figures, "chart": chart, "accent": self.accent}
        return fragment_key({**parts, "words": [text.site, text.title, text.author]})

    def card(self, request: CardRequest) -> Card | None:
        """The page's card, from the cache or drawn now; None when its figures or chart cannot be made (a
        site without a dataset, a broken chart block: the page's own block reports it, with its line).
        A card that would publish a private dataset's names is an error naming the page."""
        try:
            key = self.key(request)
        except RetroblogError:
            return None
        if key is not None:
            self.used.add(key)
            cached = self._get(key)
            if cached is not None:
                return cached
        try:
            card = self._draw(request)
        except _Unavailable:
            return None
        except RetroblogError as exc:
            raise ConfigError(f"{request.page}: social card: {exc}") from None
        if key is not None:
            self._put(key, card)
        return card

    def _get(self, key: str) -> Card | None:
        if self.folder is None:
            return None
        try:
            words = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{key}.png").read_bytes()
        except (OSError, ValueError):
            return None
        return Card(data, str(words["alt"]), str(words["summary"]))

    def _put(self, key: str, card: Card) -> None:
        if self.folder is None:
            return
        atomic_write(self.folder / f"{key}.png", card.png, overwrite=True, durable=False)
        words = json.dumps({"alt": card.alt, "summary": card.summary}, ensure_ascii=False, sort_keys=True)
        atomic_write(self.folder / f"{key}.json", words, overwrite=True, durable=False)

    def _draw(self, request: CardRequest) -> Card:
        from retroblog.build.options import ChartOptions
        from retroblog.charts.builtin import ChartContext
        from retroblog.charts.card import caption, card_spec, description, figures

        blocks = self.blocks
        width, height = FIGURES_SIZE[request.chart is not None]
        try:
            parsed = ChartOptions.parse({"type": "card", **request.selection})
            dataset = blocks.dataset(parsed.dataset)
            filters = blocks._known_names(dataset, parsed.filters)
            stats = blocks.stats(dataset, filters)
            language = blocks.settings.language
            ctx = ChartContext(dataset, stats, filters, parsed.source, width, height, language=language)
            shown = figures(ctx)
        except RetroblogError as exc:  # no dataset, filters that select nothing...: no card
            raise _Unavailable(str(exc)) from None
        summary = description(shown, ctx.scope())
        spec = card_spec(ctx, width, height, shown=shown, description_text=summary)
        published: list[Any] = [spec, [vars(f) for f in shown]]
        chart_svg = None
        chart_words = ""
        if request.chart is not None:
            try:
                chart, _ = blocks.chart(self._chart_options(request.chart))  # (guarded by the blocks engine)
            except RetroblogError as exc:  # the page's block says what is wrong, at its line
                raise _Unavailable(str(exc)) from None
            chart_svg = blocks.cache.svg(chart.spec)
            chart_words = f" Chart: {chart.title}."
            published.append(chart.spec)
        svg = card_svg(request.text, blocks.cache.svg(spec), chart_svg)
        blocks._keep_private(
            dataset,
            [*published, svg],
            f"{request.page}: the social card (its title, author, figures or chart; "
            "'retroblog: {card: false}' draws none)",
        )
        text = request.text
        by = f" by {text.author}" if text.author else ""
        alt = f"{text.title}{by}. {summary}{chart_words}"
        # Drawn in vl-convert's own font, in memory: a system font is read from its file for each text
        # drawn (4x slower), and may be missing or differ on another machine. Everything was laid out in
        # DejaVu Sans, which is wider: no text outgrows its place.
        themed = themed_svg(svg, card_scheme(self.accent))
        picture = _BUNDLED_FONT_FAMILY.sub(f'font-family="{BUNDLED_CARD_FONT}"', themed)
        return Card(png(picture, scale=1), alt, caption(shown))

    def prune(self) -> int:
        """Delete the cached cards this build did not use."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        removed = 0
        for path in [*self.folder.glob("*.png"), *self.folder.glob("*.json")]:
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def card_name(url: str) -> str:
    """A page's card file name from its URL: ``blog/2024/01/05/my-post/`` -> ``blog-2024-01-05-my-post.png``."""
    stem = re.sub(r"[^a-z0-9]+", "-", url.lower().removesuffix(".html")).strip("-")
    return f"{stem or 'index'}.png"

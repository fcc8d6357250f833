"""The MkDocs plugin: a thin adapter that hands the site's settings to the Markdown extension.

Everything real happens in framework-free modules; this file only translates MkDocs' config and
events, turns retroblog's errors into ``PluginError`` (one line, no traceback) and watches ``data/``
under ``mkdocs serve``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Literal, cast

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from retroblog.build.assets import ASSETS, FILES, check_assets
from retroblog.build.blocks import Blocks
from retroblog.build.cache import FragmentStore
from retroblog.build.cards import CARDS_DIR, Cards, card_choice, card_name, plan, site_accent
from retroblog.build.settings import KEYS, Settings
from retroblog.build.syntax import may_hold_blocks, post_date, uses_blocks, with_career_note
from retroblog.build.worker import Prefetcher
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.render.html import PENDING_MARK, feed_excerpt, script
from retroblog.render.meta import CardText, social_tags
from retroblog.render.svg import SvgCache
from retroblog.render.vendor import asset, vega_bundle
from retroblog.util.files import atomic_write
from retroblog.util.words import ENGLISH, check_language

log = get_plugin_logger(__name__)

EXTENSION_NAMES = ("retroblog", "retroblog.markdown", "retroblog.markdown:RetroblogExtension")
"""How ``mkdocs.yml`` may name the Markdown extension under ``markdown_extensions``."""
EXTENSION_ONLY = ("root", "cache_dir", "on_error")
"""Options of the extension that the plugin sets itself under MkDocs (its own cache folder, previews)."""


class RetroblogConfig(base.Config):
    """Options of the ``retroblog`` entry under ``plugins:`` in ``mkdocs.yml``.

    The site options (``data_dir`` ... ``fact_check``) are given here or, for a site that also builds
    with Zensical, as the options of the ``retroblog`` entry under ``markdown_extensions``: not in both.
    Unset, each takes the default of ``Settings.from_options``.
    """

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing its config."""
    data_dir = c.Optional(c.Type(str))
    """Folder of dataset files, relative to mkdocs.yml (default ``data``)."""
    timezone = c.Optional(c.Type(str))
    """Default timezone in which periods (years, months, weeks) are counted (default UTC)."""
    datasets = c.Optional(c.Type(dict))
    """Per-dataset settings: ``{name: {path: ..., timezone: ..., private: true}}``."""
    size_buckets = c.Optional(c.ListOfItems(c.Type(int)))
    """Edges of the PR size buckets on additions (default 10, 100, 500, 1000)."""
    cache_dir = c.Type(str, default=".cache/retroblog")
    """Finished chart and stats HTML and the Vega runtime are kept here between builds (relative to mkdocs.yml)."""
    workers = c.Type(bool, default=True)
    """Compute charts that are not cached in a worker process, in parallel with the rest of the build."""
    chart_timeout = c.Optional(c.Type((int, float)))
    """Seconds a user's chart function (``altair:``) may run before it is stopped and its block fails."""
    cards = c.Type(bool, default=True)
    """Social cards: a 1200 x 630 picture and Open Graph tags for each post and the home page."""
    fact_check = c.Optional(c.Type(bool))
    """Check the numbers each page's prose states about its data: one warning per false claim."""


class RetroblogPlugin(BasePlugin[RetroblogConfig]):
    """``plugins: [retroblog]``: registers the Markdown extension and ships the chart assets."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.blocks: Blocks | None = None
        self.extension: RetroblogExtension | None = None
        self.prefetcher: Prefetcher | None = None
        self._made_with: tuple[Path, bool] | None = None
        """The cache folder and ``workers`` option of ``blocks`` and ``prefetcher``."""
        self.line_shift: dict[str, int] = {}
        """Posts read from a normalised copy: lines the copy has more than the file (by src_uri)."""
        self._posts_tmp: tempfile.TemporaryDirectory[str] | None = None
        """The folder of those copies, made on the first build that needs it, removed at shutdown."""
        self.is_serve = False
        self.dirty = False
        self.cards: Cards | None = None
        self._said_social = False
        """Whether the build said that Material's social plugin makes the cards (said once)."""

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Under `mkdocs serve` a broken block shows on the page and the server keeps running.
        self.is_serve = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        self._close_worker()
        if self._posts_tmp is not None:  # the normalised copies of posts, kept while serving
            self._posts_tmp.cleanup()
            self._posts_tmp = None

    def _close_worker(self) -> None:
        if self.prefetcher is not None:
            self.prefetcher.close()
            self.prefetcher = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        # The site options: the plugin's own, or those of the extension listed under markdown_extensions
        # (the one place Zensical reads), which the plugin then adopts instead of registering it twice.
        options: dict[str, Any] = {key: self.config[key] for key in KEYS if key in self.config}
        options = {key: value for key, value in options.items() if value is not None}
        listed = _adopt_extension(config)
        if listed is not None:
            if options:
                raise PluginError(
                    f"retroblog: site options in two places: {', '.join(sorted(options))} under 'plugins' and "
                    "the 'retroblog' entry under 'markdown_extensions'; give them once, in the extension's entry "
                    "(Zensical reads only that one)"
                )
            unknown = sorted(set(listed) - set(KEYS) - set(EXTENSION_ONLY))
            if unknown:
                raise PluginError(
                    f"retroblog: unknown option {unknown[0]!r} of the 'retroblog' entry under 'markdown_extensions'; "
                    f"expected one of {', '.join(KEYS + EXTENSION_ONLY)}"
                )
            options = {key: listed[key] for key in KEYS if key in listed}
            if isinstance(listed.get("root"), str):
                root = root / listed["root"]
        options.setdefault("language", _language(config))
        try:
            settings = Settings.from_options(options, root)
        except RetroblogError as exc:
            raise PluginError(str(exc)) from None
        # Keep loaded datasets, stats, rendered SVGs and the worker (its imports and renderer warm)
        # across `mkdocs serve` rebuilds while the settings are the same; each cache is keyed by
        # content, so changed data is never stale.
        cache = root / self.config.cache_dir
        made_with = (cache, self.config.workers)
        if (
            self.blocks is None
            or self.settings is None
            or not _same(self.settings, settings)
            or self._made_with != made_with
        ):
            self._close_worker()
            self._made_with = made_with
            if self.config.workers:
                self.prefetcher = Prefetcher(settings, cache / "blocks")
            self.blocks = Blocks(settings, SvgCache(), FragmentStore(cache / "blocks"), self.prefetcher)
        else:
            settings = self.settings
        self.settings = settings
        self.blocks.start()
        self.cards = self._cards(config, cache / "cards")
        self.prefetched: set[str] = set()
        """Pages (by path in docs_dir) whose blocks went to the worker at on_config."""
        if self.blocks.defer is not None:
            # Charts not cached start computing now, before MkDocs even lists the site's files: the
            # worker's imports and its renderer's start then overlap most of the build.
            for uri, text in _markdown_sources(Path(config.docs_dir)):
                if may_hold_blocks(text):
                    self.blocks.prefetch(text)
                self.prefetched.add(uri)
        self.unfinished: list[str] = []
        """Built pages that still hold a placeholder for a chart being computed."""
        self.extension = RetroblogExtension(
            settings=settings,
            blocks=self.blocks,
            error_class=PluginError,
            on_error="show" if self.is_serve else "raise",
        )
        self.extension.hold_charts = True  # on_post_page puts every chart in its page
        # MkDocs types the list as names, but hands it to Python-Markdown, which takes instances too.
        cast("list[Any]", config.markdown_extensions).append(self.extension)
        if f"{ASSETS}/retroblog.css" not in config.extra_css:
            config.extra_css.append(f"{ASSETS}/retroblog.css")
        # A site that also builds with Zensical lists the script for every page; under MkDocs only pages
        # with an interactive chart load it (on_page_content), as for a site that does not list it.
        config.extra_javascript[:] = [
            script
            for script in config.extra_javascript
            if str(getattr(script, "path", script)) != f"{ASSETS}/retroblog.js"
        ]
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        _feeds_fetch_nothing(config)
        if not self.config.enabled or self.settings is None:
            return None
        self._normalise_posts(files, config)  # posts (issue 4): before the blog plugin (-50) reads them
        if self.blocks is not None and self.blocks.defer is not None:
            # Every page's blocks start computing in the worker now, while MkDocs reads and converts pages.
            for file in files.documentation_pages():  # pages that on_config did not see (from other plugins)
                if file.src_uri not in self.prefetched and may_hold_blocks(text := file.content_string):
                    self.blocks.prefetch(text)
        # The site always serves the installed version's assets. A copy in docs/ (for Zensical, which
        # serves it as it is) that another version wrote is a warning: `retroblog assets` rewrites it.
        for problem in check_assets(Path(config.docs_dir)) if _keeps_assets(files) else []:
            log.warning(str(problem))
        bundle = vega_bundle(self.settings.root / self.config.cache_dir)
        for name in FILES:
            kept = files.get_file_from_path(f"{ASSETS}/{name}")
            if kept is not None:
                files.remove(kept)
            content = bundle if name == "vega.js" else asset(name)
            files.append(File.generated(config, f"{ASSETS}/{name}", content=content))
        return files

    # -- Posts (issue 4): lenient front matter of posts copied in from Jekyll or Hashnode --------
    # Called from on_files, which runs at the default priority (0), before mkdocs-material's blog
    # reads its posts (-50). The work is the pure ``retroblog.posts.blog.lenient.normalise``; a rewritten
    # post is read by the blog from a temporary copy, and the source file is never changed.
    def _normalise_posts(self, files: Files, config: MkDocsConfig) -> None:
        """Normalise blog posts' dates, categories and tags; a notice once per file; fail on nonsense."""

        from retroblog.posts.blog.lenient import decode, normalise, post_dirs

        self.line_shift = {}
        dirs = post_dirs(config.plugins.items())
        if not dirs:
            return
        if self._posts_tmp is None:
            self._posts_tmp = tempfile.TemporaryDirectory(prefix="retroblog-posts-")
        folder = self._posts_tmp.name
        for file in files.documentation_pages():
            if not any(file.src_uri.startswith(d + "/") for d in dirs) or file.abs_src_path is None:
                continue
            root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
            shown = Path(os.path.relpath(file.abs_src_path, root)).as_posix()
            try:
                text = decode(file.content_bytes, shown)
                result = normalise(text, shown)
            except RetroblogError as exc:
                raise PluginError(str(exc)) from None
            if result.text is None:
                continue
            # the copy's front matter may have more lines: messages must name the author's lines
            self.line_shift[file.src_uri] = result.text.count("\n") - text.count("\n")
            copy = Path(folder, file.src_uri)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(result.text, encoding="utf-8")
            file.abs_src_path = str(copy)
            if not result.changes:
                continue  # only the canonical `date: {created: ...}` form, which the feeds read
            # INFO, not WARNING: the post builds, also with --strict (where a warning would stop the build)
            log.info(
                "%s: read leniently (%s); to convert it for good, move it out of docs/ and run "
                "'retroblog import FILE --to %s'",
                shown,
                "; ".join(result.changes),
                Path(shown).parent,
            )

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.extension is None:
            return None
        self.extension.page = page.file.src_uri
        self.extension.page_date = post_date(page.meta)
        self.extension.page_meta = page.meta  # the fact-check's dataset: the front matter's ``dataset:``
        source = page.file.content_string
        shift = self.line_shift.get(page.file.src_uri, 0)
        self.extension.line_offset = max(0, source.count("\n") - markdown.count("\n")) - shift
        if page.meta.get("career") is True:  # the "at this point in the career" note, under the title
            if self.extension.page_date is None:
                raise PluginError(f"{page.file.src_uri}: 'career: true' needs the post's 'date' in its front matter")
            noted = with_career_note(markdown, self.extension.page_date)
            # the lines below the note keep their file's numbers in messages
            self.extension.line_offset -= noted.count("\n") - markdown.count("\n")
            return noted
        return None

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        # Feeds (mkdocs-rss-plugin, later at -75) build a post's abstract from its Markdown with plain
        # Python-Markdown, where a chart is a code block and :stat[...] stays as written: hand them
        # the converted excerpt instead, when the post has no description of its own.
        given = page.meta.get("rss")
        rss: dict[str, Any] = given if isinstance(given, dict) else {}
        if not page.meta.get("description") and not rss.get("feed_description") and _uses_blocks(page.markdown):
            excerpt = feed_excerpt(html)
            if excerpt is not None:
                page.meta["rss"] = {**rss, "feed_description": excerpt}
        # Only pages with an interactive chart load the script (it loads the Vega runtime itself).
        if 'data-retroblog-interactive="true"' not in html:
            return None
        return f"{html}\n{_script(page)}"

    @event_priority(-100)  # after every other plugin has changed the page
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.extension is None:
            return None
        # Charts take their place now: the search index and the read time saw placeholders that, like
        # the charts, hold no text, but cost nothing to parse; blog index pages get the script too.
        # A chart still being computed stays a placeholder in the written page, which on_post_build
        # completes: the build goes on meanwhile instead of waiting page by page.
        output = self.extension.resolve(output, wait=False)
        output = self._social_card(output, page, config)
        if PENDING_MARK in output and page.file.abs_dest_path:
            self.unfinished.append(page.file.abs_dest_path)
        if 'data-retroblog-interactive="true"' in output and f"{ASSETS}/retroblog.js" not in output:
            at = output.rfind("</article>")
            if at != -1:
                output = f"{output[:at]}{_script(page)}{output[at:]}"
        return output

    @event_priority(100)  # before any other plugin reads the built pages
    def _on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.extension is not None:
            for path in dict.fromkeys(self.unfinished):
                text = Path(path).read_text(encoding="utf-8")
                atomic_write(Path(path), self.extension.resolve(text), overwrite=True)
        self.unfinished = []
        if self.blocks is not None and not self.dirty:
            self.blocks.store.prune()  # entries of changed data and removed blocks
            if self.cards is not None:
                self.cards.prune()
        if not self.is_serve:
            self._close_worker()

    @event_priority(-100)  # after mkdocs-rss-plugin (0) has written the feeds
    def _on_post_build_feeds(self, *, config: MkDocsConfig) -> None:
        from retroblog.posts.blog.feeds import complete_channel_images, complete_enclosures

        for problem in complete_enclosures(Path(config.site_dir), config.site_url or ""):
            log.warning(problem)
        complete_channel_images(Path(config.site_dir), config.site_url or "", config.theme.get("favicon"))

    on_post_build = CombinedEvent(_on_post_build, _on_post_build_feeds)

    # -- Social cards (issue 16): the work is retroblog.build.cards'; the tags are render.meta's ----------
    def _cards(self, config: MkDocsConfig, folder: Path) -> Cards | None:
        """The cards of this build; None when they are off, or when Material's social plugin makes them."""
        if not self.config.cards or self.blocks is None:
            return None
        social = [
            plugin
            for name, plugin in config.plugins.items()
            if name.split(" #")[0] in ("material/social", "social")
            and getattr(getattr(plugin, "config", None), "enabled", True) is not False
            and getattr(getattr(plugin, "config", None), "cards", True) is not False
        ]
        if social:
            if not self._said_social:
                log.info("Material's social plugin makes the social cards: retroblog draws none")
                self._said_social = True
            return None
        cards = Cards(self.blocks, folder, site_accent(config.theme.get("palette")))
        cards.start()
        return cards

    def _social_card(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """A post's (or the home page's) card written into the site, and its tags into the page's head."""
        if self.cards is None or not config.site_url or "</head>" not in output:
            return output
        from retroblog.posts.blog.lenient import post_dirs

        uri = page.file.src_uri
        is_post = any(uri.startswith(d + "/") for d in post_dirs(config.plugins.items()))
        if not (is_post or page.is_homepage):
            return output
        author = ", ".join(str(getattr(a, "name", "")) for a in getattr(page, "authors", None) or []).strip(", ")
        title = str(page.meta.get("title") or page.title or config.site_name)
        if page.is_homepage and not is_post:  # the site's name is on the card already: its description
            title = str(config.site_description or config.site_name)
        text = CardText(config.site_name, title, author or str(config.site_author or ""))
        try:
            request = plan(page.file.content_string, card_choice(page.meta, uri), uri, text)
            if request is None:
                return output
            card = self.cards.card(request)
        except RetroblogError as exc:
            raise PluginError(str(exc)) from None
        if card is None:  # nothing to draw it from: no card, no tags
            return output
        name = f"{CARDS_DIR}/{card_name(page.url)}"
        atomic_write(Path(config.site_dir, name), card.png, overwrite=True)
        base = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
        description = str(page.meta.get("description") or (config.site_description if not is_post else "") or "")
        tags = social_tags(
            kind="article" if is_post else "website",
            title=config.site_name if page.is_homepage and not is_post else title,
            description=description or card.summary,
            url=page.canonical_url or base,
            image=base + name,
            alt=card.alt,
            site=config.site_name,
        )
        at = output.index("</head>")
        return f"{output[:at]}{tags}{output[at:]}"

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled and self.settings and self.settings.data_dir.is_dir():
            server.watch(str(self.settings.data_dir))
        if self.blocks is not None:
            for module in sorted(self.blocks.modules):
                server.watch(str(module))
        for module in sorted(self.settings.root.glob("*.py")) if self.settings else []:
            server.watch(str(module))
        return server


def _adopt_extension(config: MkDocsConfig) -> dict[str, Any] | None:
    """Take the ``retroblog`` entry out of ``markdown_extensions`` (the plugin registers its own extension
    object, with the worker and caches); its options, or None when the site does not list it."""
    names = cast("list[Any]", config.markdown_extensions)
    found: dict[str, Any] | None = None
    for name in [name for name in names if isinstance(name, str) and name in EXTENSION_NAMES]:
        names.remove(name)
        given = config.mdx_configs.pop(name, None)
        found = {**(found or {}), **(given if isinstance(given, dict) else {})}
    return found


def _keeps_assets(files: Files) -> bool:
    """Whether docs/ holds chart assets of its own (for Zensical): then they are checked."""
    return any(files.get_file_from_path(f"{ASSETS}/{name}") is not None for name in FILES)


def _markdown_sources(docs_dir: Path) -> list[tuple[str, str]]:
    """The Markdown files of docs_dir as MkDocs lists them (hidden files and folders left out), sorted."""
    found: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".md", ".markdown")) and not name.startswith("."):
                path = Path(folder, name)
                try:
                    text = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    continue  # MkDocs reports it when it reads the page
                found.append((path.relative_to(docs_dir).as_posix(), text))
    return found


def _feeds_fetch_nothing(config: MkDocsConfig) -> None:
    """A build asks no other host for anything: mkdocs-rss-plugin asks the host of every remote cover
    image for its size (a HEAD, then a GET without TLS checks) to write its feed enclosure. Its own switch
    for not doing so is the one it sets under ``mkdocs serve``; it is set for every build, and the
    enclosures of remote images get the length 0 ("unknown", ``complete_enclosures``). An image copied next
    to the post (``retroblog import --download-images``) has its real size."""
    for plugin in config.plugins.values():
        util: Any = getattr(plugin, "util", None)
        if type(plugin).__module__.startswith("mkdocs_rss_plugin") and hasattr(util, "mkdocs_command_is_on_serve"):
            util.mkdocs_command_is_on_serve = True


def _uses_blocks(markdown: str | None) -> bool:
    return uses_blocks((markdown or "").partition("<!-- more -->")[0])


def _script(page: Page) -> str:
    return script(get_relative_url(f"{ASSETS}/retroblog.js", page.url))


def _same(old: Settings, new: Settings) -> bool:
    fields = ("root", "data_dir", "timezone", "datasets", "size_buckets", "language", "chart_timeout", "fact_check")
    return all(getattr(old, name) == getattr(new, name) for name in fields)


def _language(config: MkDocsConfig) -> str:
    """The language of dates in prose: Material's ``theme.language``; English, with a warning, for one
    that retroblog cannot write dates in."""
    language = config.theme.get("language") or ENGLISH
    try:
        return check_language(language, "theme.language")
    except RetroblogError as exc:
        log.warning(f"{exc}: dates and numbers are written in English")
        return ENGLISH

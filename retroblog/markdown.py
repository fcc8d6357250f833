"""The Python-Markdown extension: chart and stat syntax for any Python-Markdown site.

Works with MkDocs (the plugin registers it), Zensical (which runs Python-Markdown extensions) and plain
``markdown.markdown(text, extensions=["retroblog"])``. Options are the site settings
(``data_dir``, ``timezone``, ``datasets``, ``size_buckets``, relative to ``root``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from retroblog.build.assets import ASSETS, FILES, check_assets
from retroblog.build.blocks import Blocks, chart_id
from retroblog.build.cache import FragmentStore
from retroblog.build.results import PendingChart
from retroblog.build.settings import KEYS, Settings
from retroblog.build.syntax import (
    CODE_SPAN,
    INLINE,
    INLINE_MARK,
    LANGUAGES,
    fence_body,
    parse_inline_options,
    post_date,
    segments,
    with_career_note,
)
from retroblog.errors import BlockError, DatasetError, RetroblogError
from retroblog.render.html import PENDING, PENDING_MARK, error_box, inline_stat, pending_chart
from retroblog.render.svg import SvgCache

log = logging.getLogger("mkdocs.plugins.retroblog")


class RetroblogExtension(Extension):
    """Register retroblog's syntax with a ``Markdown`` instance.

    - a ```` ```chart ```` fence with YAML options becomes a chart figure (static SVG + spec);
    - a ```` ```stats ```` fence becomes a table of key figures;
    - ``:stat[by_year.2021]{dataset=work}`` in prose becomes the number;
    - a ```` ```career ```` fence becomes the "at this point in the career" note (or the table of roles).
    """

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "root": [".", "Folder that relative paths (data_dir, spec files, chart modules) resolve against."],
            "data_dir": ["data", "Folder of dataset files."],
            "timezone": ["UTC", "Default timezone of datasets."],
            "datasets": [{}, "Per-dataset settings: {name: {path, timezone, private}}."],
            "size_buckets": [[10, 100, 500, 1000], "Size-bucket edges on additions."],
            "language": ["en", "Language of dates in prose: en (default), de, fr, pt-BR ... (Babel)."],
            "chart_timeout": [30.0, "Seconds a user's chart function (altair:) may run before it is stopped."],
            "fact_check": [False, "Check the numbers each page's prose states about its data: a false one warns."],
            "cache_dir": ["", "Folder for finished chart and stats HTML (kept across builds); empty: memory only."],
            "on_error": ["raise", "'raise' fails the conversion; 'show' puts the error on the page instead."],
            # Defaults are "" and not None: Python-Markdown turns options whose default is None into bools.
            "settings": ["", "A ready Settings object (the MkDocs plugin passes its own)."],
            "blocks": ["", "A ready Blocks object (the MkDocs plugin shares one across pages and builds)."],
            "error_class": [RetroblogError, "Exception class raised for a broken block (MkDocs: PluginError)."],
        }
        super().__init__(**kwargs)
        self.page = "<markdown>"
        """Name of the page being converted, for messages; the MkDocs plugin sets it per page."""
        self.line_offset = 0
        """Lines before the Markdown the extension sees (front matter), so messages name file lines."""
        self.page_date: dt.date | None = None
        """The date of the post being converted (the MkDocs plugin sets it): a ``career`` note's default."""
        self.page_meta: Mapping[str, Any] | None = None
        """The front matter of the page being converted, when the host has taken it off the text (the MkDocs
        plugin and Zensical set it); None: the fact-check reads it from the text."""
        self.charts_on_page = 0
        self.hold_charts = False
        """Make every chart a placeholder that ``resolve`` fills once the page is rendered (the MkDocs
        plugin: the search index and the blog's read time then parse no chart SVG)."""
        self.pending: dict[str, tuple[PendingChart, str, int]] = {}
        """Charts still being computed elsewhere, by placeholder number: (result, page, line)."""
        self.origins: dict[tuple[str, str], tuple[str, int]] = {}
        """Page and line where each block (by its text) was first converted, for messages."""
        self.excerpt_of: str | None = None
        """The post whose excerpt is being converted for a page the blog generates (an index, a category,
        an author's page): errors name the post, and only the post's own page logs them."""
        self.logged: set[str] = set()
        """Errors logged by this extension (one per build under the MkDocs plugin): each is logged once."""
        self.shown: set[tuple[str, str]] = set()
        """(page, error) boxes shown: a page shows one box for one cause, such as a broken dataset."""

    @property
    def settings(self) -> Settings:
        ready = self.getConfig("settings")
        if isinstance(ready, Settings):
            return ready
        options = {key: self.getConfig(key) for key in KEYS}
        settings = Settings.from_options(options, Path(self.getConfig("root")))
        self.setConfig("settings", settings)
        return settings

    @property
    def blocks(self) -> Blocks:
        ready = self.getConfig("blocks")
        if isinstance(ready, Blocks):
            return ready
        folder = self.getConfig("cache_dir")
        store = FragmentStore(self.settings.root / folder if folder else None)  # relative to root, like data_dir
        blocks = Blocks(self.settings, SvgCache(), store)
        self.setConfig("blocks", blocks)
        return blocks

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        host = host_context(md)
        if host is not None and self.getConfig("root") == "." and host.get("root_dir"):
            self.setConfig("root", str(host["root_dir"]))  # Zensical: relative to the project, not the cwd
        if host is not None:
            _ = self.blocks  # Zensical: validate the options now, before any page is converted
        # (Under MkDocs the plugin validates them at on_config, as a one-line error: MkDocs reports an
        # exception raised here, while it checks `markdown_extensions`, with the traceback.)
        if host is not None:  # Zensical serves the chart assets from docs/ as they are: they must be this version's
            docs = Path(str(host.get("root_dir") or "."), str(host.get("docs_dir") or "docs"))
            problem = _asset_problem(docs)
            if problem:
                error: Callable[[str], Exception] = self.getConfig("error_class")
                raise error(problem)
        # After NormalizeWhitespace (30, which would strip stash placeholders), before fenced code (25).
        md.preprocessors.register(RetroblogPreprocessor(md, self), "retroblog", 28)

    def reset(self) -> None:
        self.charts_on_page = 0

    def defer(self, pending: PendingChart, page: str, line: int) -> str:
        """A placeholder for a chart still being computed; ``resolve`` puts the chart in its place."""
        number = str(len(self.pending) + 1)
        self.pending[number] = (pending, page, line)
        return pending_chart(number, interactive=pending.interactive)

    def resolve(self, html: str, *, wait: bool = True) -> str:
        """Put the charts pending in ``html`` in place of their placeholders: all of them, waiting for
        each (``wait``), or only those already computed."""
        if PENDING_MARK not in html:
            return html

        def chart(match: re.Match[str]) -> str:
            pending, page, line = self.pending[match.group(1)]
            if not wait and not pending.done():
                return match.group(0)
            try:
                return pending.result().html
            except BlockError as exc:
                shared = exc.message if exc.shared else ""
                return self.fail(f"chart block: {exc.message}", line + exc.line, page, cause=shared)

        return PENDING.sub(chart, html)

    def fact_check(self, lines: list[str], *, strict: bool = False) -> None:
        """Log each claim of the page's prose that its data contradicts as a warning (``mkdocs build
        --strict`` then fails), ``page:line: false: "claim": the data says ...; :stat[...]``; sentences
        that cannot be read, and claims the data cannot tell, only as info. A page whose front matter says
        ``fact_check: false`` is not checked.

        ``strict``: raise instead, naming every false claim of the page. Zensical counts no warning that a
        Python-Markdown extension logs, and tells its extensions ``strict`` only when ``mkdocs.yml`` says
        ``strict: true`` (not for ``--strict``): that is how its build fails on a false claim."""
        from retroblog.build.factcheck import check_text

        if self.page_meta is not None and self.page_meta.get("fact_check") is False:
            return
        try:
            findings = check_text("\n".join(lines), self.settings, self.page_meta)
        except RetroblogError as exc:
            log.warning(f"{self.page}: fact_check: the claims of this page cannot be checked: {exc}")
            return
        false: list[str] = []
        for finding in findings:
            text = dataclasses.replace(finding, line=self.line_offset + finding.line).report(self.page)
            if finding.verdict == "false":
                false.append(text)
                if not strict:
                    log.warning(text)
            elif finding.verdict != "true":
                log.info(text)
        if strict and false:
            error: Callable[[str], Exception] = self.getConfig("error_class")
            raise error("\n".join(false))

    def fail(
        self, message: str, line: int | None, page: str | None = None, *, inline: bool = False, cause: str = ""
    ) -> str:
        """Raise for a build, or return an error box for a preview (``on_error: show``).

        ``cause`` is the error itself, without the block's words around it: a broken dataset makes every
        block that reads it fail with one cause. A preview logs each cause once (per build) and shows it
        once per page, in the first block it breaks; the page's other blocks of that cause show nothing.
        """
        page = self.page if page is None else page
        where = f"{page}:{line}" if line else page
        if self.excerpt_of is not None:
            # A page the blog generates: the message names the post (the excerpt's lines are not the file's)
            where = self.excerpt_of
            if self.getConfig("on_error") == "show":  # the post's own page logs it, with its line
                return error_box(f"{where}: {message}", inline=inline)
        text = f"{where}: {message}"
        if self.getConfig("on_error") == "show":
            cause = cause or text
            if cause not in self.logged:
                self.logged.add(cause)
                log.error(text)
            if (page, cause) in self.shown:
                return ""
            self.shown.add((page, cause))
            return error_box(text, inline=inline)
        error: Callable[[str], Exception] = self.getConfig("error_class")
        raise error(text)


class RetroblogPreprocessor(Preprocessor):
    """Replaces chart and stats fences and inline stats, line by line, leaving code untouched."""

    def __init__(self, md: Markdown, extension: RetroblogExtension) -> None:
        super().__init__(md)
        self.ext = extension

    def run(self, lines: list[str]) -> list[str]:
        lines = self._adopt_host_page(lines)
        self.ext.excerpt_of = excerpt_source(self.md)
        if self.ext.settings.fact_check and self.ext.excerpt_of is None:  # an excerpt is its post's, checked there
            host = host_context(self.md)
            self.ext.fact_check(lines, strict=host is not None and host.get("strict") is True)
        try:
            return self._convert(lines)
        finally:
            self.ext.excerpt_of = None  # only this conversion is an excerpt's (not the page's ``resolve``)

    def _convert(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        self.document = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
        for start, end, fence in segments(lines):
            if fence is None:
                out.append(self._inline(lines[start], start))
            elif fence.group("lang") in LANGUAGES:
                indent = fence.group("indent")
                block_html = self._block(fence.group("lang"), fence_body(lines, start, end, indent), start)
                out += ["", indent + self.md.htmlStash.store(block_html), ""] if block_html else [""]
            else:
                out += lines[start : end + 1]
        return out

    def _adopt_host_page(self, lines: list[str]) -> list[str]:
        """Under a host that tells which page is converted (Zensical), name it in messages, count its
        lines from the file's first line and put the career note of a ``career: true`` post under its
        title; the MkDocs plugin does these itself. Returns the lines to convert."""
        host = host_context(self.md)
        page = getattr(host.get("page"), "path", None) if host else None
        if not host or not isinstance(page, str):
            return lines
        self.ext.page = page
        meta = getattr(host["page"], "meta", None)
        meta = meta if isinstance(meta, dict) else {}
        self.ext.page_date = post_date(meta)
        self.ext.page_meta = meta
        self._count_lines(host, page, lines)
        if meta.get("career") is True and self.ext.excerpt_of is None and excerpt_source(self.md) is None:
            if self.ext.page_date is None:
                self.ext.fail("'career: true' needs the post's 'date' in its front matter", None)
                return lines
            noted = with_career_note("\n".join(lines), self.ext.page_date).split("\n")
            self.ext.line_offset -= len(noted) - len(lines)  # the lines below the note keep their numbers
            return noted
        return lines

    def _count_lines(self, host: dict[str, Any], page: str, lines: list[str]) -> None:
        source = Path(str(host.get("root_dir") or "."), str(host.get("docs_dir") or "docs"), page)
        try:
            text = source.read_text(encoding="utf-8-sig").split("\n")
        except OSError:
            return
        # The host hands over the text after the front matter: match their first non-blank lines.
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None:
            return
        body = 0
        if text and text[0].rstrip() == "---":
            body = next((i + 1 for i in range(1, len(text)) if text[i].rstrip() in ("---", "...")), 0)
        at = next((i for i in range(body, len(text)) if text[i] == lines[first]), None)
        if at is not None:
            self.ext.line_offset = at - first

    def _line(self, index: int) -> int:
        return self.ext.line_offset + index + 1

    def _block(self, lang: str, body: str, index: int) -> str:
        blocks = self.ext.blocks
        # Where this block was first met: its post's own page. A blog index converts the post again
        # (under the index's name) and may be first to see a chart's error from the worker.
        here = (self.ext.page, self._line(index))
        if self.ext.excerpt_of is not None:  # an excerpt is not where a block is: its post's page records that
            page, line = self.ext.origins.get((lang, body), here)
        else:
            page, line = self.ext.origins.setdefault((lang, body), here)
        try:
            options = blocks.parse(body)
            if lang == "stats":
                return blocks.stats_table(options)
            if lang == "career":
                return blocks.career_note(options, self.ext.page_date)
            self.ext.charts_on_page += 1
            the_id = chart_id(options, self.ext.page, self.ext.charts_on_page, self.document)
            chart = blocks.chart_figure(options, the_id)
            if chart.done() and not self.ext.hold_charts:
                return chart.result().html
            return self.ext.defer(chart, page, line)
        except BlockError as exc:
            shared = exc.message if exc.shared else ""
            return self.ext.fail(f"{lang} block: {exc.message}", line + exc.line, page, cause=shared)
        except RetroblogError as exc:
            shared = str(exc) if isinstance(exc, DatasetError) else ""  # the dataset's, shared by its blocks
            return self.ext.fail(f"{lang} block: {exc}", line, page, cause=shared)

    def _inline(self, line: str, index: int) -> str:
        if INLINE_MARK not in line:
            return line
        pieces: list[str] = []
        last = 0
        for span in CODE_SPAN.finditer(line):
            pieces.append(self._replace(line[last : span.start()], index))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(self._replace(line[last:], index))
        return "".join(pieces)

    def _replace(self, text: str, index: int) -> str:
        def value(match: re.Match[str]) -> str:
            key = match.group("key").strip()
            try:
                options = parse_inline_options(match.group("options") or "")
                result = self.ext.blocks.stat(key, options)
            except RetroblogError as exc:
                shared = str(exc) if isinstance(exc, DatasetError) else ""
                failed = self.ext.fail(f"stat {key!r}: {exc}", self._line(index), inline=True, cause=shared)
                return self.md.htmlStash.store(failed)
            return self.md.htmlStash.store(inline_stat(result))

        return INLINE.sub(value, text)


_checked_assets: dict[tuple[Path, tuple[float, ...]], str] = {}
"""Asset checks by folder and the files' modification times: once per process while nothing changes."""


def _asset_problem(docs_dir: Path) -> str:
    """What is wrong with the chart assets in ``docs_dir`` ("" when they are this version's)."""
    stamps = []
    for name in FILES:
        try:
            stamps.append((docs_dir / ASSETS / name).stat().st_mtime)
        except OSError:
            stamps.append(-1.0)
    key = (docs_dir, tuple(stamps))
    if key not in _checked_assets:
        problems = check_assets(docs_dir)
        _checked_assets[key] = f"retroblog: {problems[0]}" if problems else ""
    return _checked_assets[key]


def makeExtension(**kwargs: Any) -> RetroblogExtension:
    """Entry point for ``markdown.markdown(text, extensions=["retroblog.markdown"])``."""
    return RetroblogExtension(**kwargs)


def excerpt_source(md: Markdown) -> str | None:
    """The source of the post whose excerpt ``md`` converts, when it is Material's blog converting one for
    a page it generates (its excerpt tree processor knows the post); None for any other conversion."""
    processors = md.treeprocessors
    if "excerpt" not in processors:
        return None
    post = getattr(processors["excerpt"], "page", None)
    source = getattr(getattr(post, "file", None), "src_uri", None)
    return source if isinstance(source, str) else None


def host_context(md: Markdown) -> dict[str, Any] | None:
    """What a host application tells its extensions about the page being converted.

    Zensical registers a preprocessor named ``rendering_context`` whose ``page.path`` is the page
    (relative to the docs folder) and whose ``config`` holds ``root_dir`` and ``docs_dir``. Read by
    duck typing: retroblog does not import Zensical.
    """
    if "rendering_context" not in md.preprocessors:
        return None
    context = md.preprocessors["rendering_context"]
    config = getattr(context, "config", None)
    found = dict(config) if isinstance(config, dict) else {}
    found["page"] = getattr(context, "page", None)
    return found

"""The MkDocs plugin: a thin adapter that hands the site's settings to the Markdown extension.

Everything real happens in framework-free modules; this file only translates MkDocs' config and
events, turns retroblog's errors into ``PluginError`` (one line, no traceback) and watches ``data/``
under ``mkdocs serve``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from retroblog.blocks import Blocks
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.render import SvgCache
from retroblog.settings import Settings
from retroblog.vendor import vega_bundle

log = get_plugin_logger(__name__)

ASSETS = "assets/retroblog"


class RetroblogConfig(base.Config):
    """Options of the ``retroblog`` entry under ``plugins:`` in ``mkdocs.yml``."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing its config."""
    data_dir = c.Type(str, default="data")
    """Folder of dataset files, relative to mkdocs.yml."""
    timezone = c.Type(str, default="UTC")
    """Default timezone in which periods (years, months, weeks) are counted."""
    datasets = c.Type(dict, default={})
    """Per-dataset settings: ``{name: {path: ..., timezone: ..., private: true}}``."""
    size_buckets = c.ListOfItems(c.Type(int), default=[10, 100, 500, 1000])
    """Edges of the PR size buckets on additions."""
    cache_dir = c.Type(str, default=".cache/retroblog")
    """Rendered SVGs and the Vega runtime are kept here between builds (relative to mkdocs.yml)."""


class RetroblogPlugin(BasePlugin[RetroblogConfig]):
    """``plugins: [retroblog]``: registers the Markdown extension and ships the chart assets."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.blocks: Blocks | None = None
        self.extension: RetroblogExtension | None = None
        self.is_serve = False

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Under `mkdocs serve` a broken block shows on the page and the server keeps running.
        self.is_serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        options: dict[str, Any] = {
            "data_dir": self.config.data_dir,
            "timezone": self.config.timezone,
            "datasets": self.config.datasets,
            "size_buckets": self.config.size_buckets,
        }
        try:
            settings = Settings.from_options(options, root)
        except RetroblogError as exc:
            raise PluginError(str(exc)) from None
        # Keep loaded datasets, stats and rendered SVGs across `mkdocs serve` rebuilds while the
        # settings are the same; each cache is keyed by content, so changed data is never stale.
        if self.blocks is None or self.settings is None or _same(self.settings, settings) is False:
            self.blocks = Blocks(settings, SvgCache(root / self.config.cache_dir))
        else:
            settings = self.settings
        self.settings = settings
        self.extension = RetroblogExtension(
            settings=settings,
            blocks=self.blocks,
            error_class=PluginError,
            on_error="show" if self.is_serve else "raise",
        )
        config.markdown_extensions.append(self.extension)
        config.extra_css.append(f"{ASSETS}/retroblog.css")
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.settings is None:
            return None
        self._normalise_posts(files, config)  # posts (issue 4): before the blog plugin (-50) reads them
        package = resources.files("retroblog") / "assets"
        for name in ("retroblog.js", "retroblog.css"):
            files.append(File.generated(config, f"{ASSETS}/{name}", content=(package / name).read_bytes()))
        bundle = vega_bundle(self.settings.root / self.config.cache_dir)
        files.append(File.generated(config, f"{ASSETS}/vega.js", content=bundle))
        return files

    # -- Posts (issue 4): lenient front matter of posts copied in from Jekyll or Hashnode --------
    # Called from on_files, which runs at the default priority (0), before mkdocs-material's blog
    # reads its posts (-50). The work is the pure ``retroblog.posts.lenient.normalise``; a rewritten
    # post is read by the blog from a temporary copy, and the source file is never changed.
    def _normalise_posts(self, files: Files, config: MkDocsConfig) -> None:
        """Normalise blog posts' dates, categories and tags; warn once per file; fail on nonsense."""
        import os
        import tempfile

        from retroblog.posts.lenient import normalise, post_dirs

        dirs = post_dirs(config.plugins.items())
        if not dirs:
            return
        if getattr(self, "_posts_tmp", None) is None:
            self._posts_tmp = tempfile.TemporaryDirectory(prefix="retroblog-posts-")
        for file in files.documentation_pages():
            if not any(file.src_uri.startswith(d + "/") for d in dirs) or file.abs_src_path is None:
                continue
            root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
            shown = Path(os.path.relpath(file.abs_src_path, root)).as_posix()
            try:
                result = normalise(file.content_string, shown)
            except RetroblogError as exc:
                raise PluginError(str(exc)) from None
            if result.text is None:
                continue
            copy = Path(self._posts_tmp.name, file.src_uri)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(result.text, encoding="utf-8")
            file.abs_src_path = str(copy)
            if not result.changes:
                continue  # only the canonical `date: {created: ...}` form, which the feeds read
            log.warning(
                "%s: read leniently (%s); to convert it for good, move it out of docs/ and run "
                "'retroblog import FILE --to %s'",
                shown,
                "; ".join(result.changes),
                Path(shown).parent,
            )

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.extension is not None:
            self.extension.page = page.file.src_uri
            source = page.file.content_string
            self.extension.line_offset = max(0, source.count("\n") - markdown.count("\n"))
        return None

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        # Only pages with an interactive chart load the script (it loads the Vega runtime itself).
        if 'data-retroblog-interactive="true"' not in html:
            return None
        src = get_relative_url(f"{ASSETS}/retroblog.js", page.url)
        return f'{html}\n<script src="{src}" defer></script>'

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled and self.settings and self.settings.data_dir.is_dir():
            server.watch(str(self.settings.data_dir))
        if self.blocks is not None:
            for module in sorted(self.blocks.modules):
                server.watch(str(module))
        for module in sorted(self.settings.root.glob("*.py")) if self.settings else []:
            server.watch(str(module))
        return server


def _same(old: Settings, new: Settings) -> bool:
    return (old.root, old.data_dir, old.timezone, old.datasets, old.size_buckets) == (
        new.root,
        new.data_dir,
        new.timezone,
        new.datasets,
        new.size_buckets,
    )

"""The MkDocs plugin: a thin adapter that hands the site's settings to the Markdown extension.

Everything real happens in framework-free modules; this file only translates MkDocs' config and
events, turns retroblog's errors into ``PluginError`` (one line, no traceback) and watches ``data/``
under ``mkdocs serve``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.settings import Settings

log = get_plugin_logger(__name__)


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


class RetroblogPlugin(BasePlugin[RetroblogConfig]):
    """``plugins: [retroblog]``."""

    def __init__(self) -> None:
        self.settings: Settings | None = None

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
        # Keep the registry (and its cache of loaded datasets) across `mkdocs serve` rebuilds.
        if self.settings is not None and self.settings.data_dir == settings.data_dir:
            settings._registry = self.settings._registry
        self.settings = settings
        config.markdown_extensions.append(RetroblogExtension(settings=settings))
        return config

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled and self.settings and self.settings.data_dir.is_dir():
            server.watch(str(self.settings.data_dir))
        return server

    # -- Posts (issue 4): lenient front matter of posts copied in from Jekyll or Hashnode --------
    # Runs at the default priority (0), before mkdocs-material's blog reads its posts (-50). The
    # work is the pure ``retroblog.posts.lenient.normalise``; a rewritten post is read by the blog
    # from a temporary copy, and the source file is never changed.
    def on_files(self, files: Any, /, *, config: MkDocsConfig) -> Any:
        """Normalise blog posts' dates, categories and tags; warn once per file; fail on nonsense."""
        import os
        import tempfile

        from retroblog.posts.lenient import normalise, post_dirs

        if not self.config.enabled:
            return files
        dirs = post_dirs(config.plugins.items())
        if not dirs:
            return files
        if getattr(self, "_posts_tmp", None) is None:
            self._posts_tmp = tempfile.TemporaryDirectory(prefix="retroblog-posts-")
        for file in files.documentation_pages():
            if not any(file.src_uri.startswith(d + "/") for d in dirs) or file.abs_src_path is None:
                continue
            shown = os.path.relpath(file.abs_src_path)
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
        return files

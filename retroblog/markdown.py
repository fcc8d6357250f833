"""The Python-Markdown extension: chart and stat syntax for any Python-Markdown site.

Works with MkDocs (the plugin registers it), Zensical (which runs Python-Markdown extensions) and plain
``markdown.markdown(text, extensions=["retroblog"])``. Options are the site settings
(``data_dir``, ``timezone``, ``datasets``, ``size_buckets``, relative to ``root``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension

from retroblog.settings import KEYS, Settings


class RetroblogExtension(Extension):
    """Register retroblog's syntax with a ``Markdown`` instance."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "root": [".", "Folder that relative paths (data_dir) resolve against."],
            "data_dir": ["data", "Folder of dataset files."],
            "timezone": ["UTC", "Default timezone of datasets."],
            "datasets": [{}, "Per-dataset settings: {name: {path, timezone, private}}."],
            "size_buckets": [[10, 100, 500, 1000], "Size-bucket edges on additions."],
            "settings": [None, "A ready Settings object (the MkDocs plugin passes its own)."],
        }
        super().__init__(**kwargs)

    @property
    def settings(self) -> Settings:
        ready = self.getConfig("settings")
        if isinstance(ready, Settings):
            return ready
        options = {key: self.getConfig(key) for key in KEYS}
        settings = Settings.from_options(options, Path(self.getConfig("root")))
        self.setConfig("settings", settings)
        return settings

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # Validate the options now, so a bad setting fails before any page is converted.
        _ = self.settings


def makeExtension(**kwargs: Any) -> RetroblogExtension:
    """Entry point for ``markdown.markdown(text, extensions=["retroblog.markdown"])``."""
    return RetroblogExtension(**kwargs)

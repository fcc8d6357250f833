"""Site settings shared by every adapter: where the data is, timezones, size buckets, the language.

The MkDocs plugin builds ``Settings`` from its typed config; the Markdown extension takes the same
keys as extension options (so Zensical or plain ``markdown`` can use it); the CLI reads them from the
``retroblog`` plugin entry of ``mkdocs.yml`` without importing MkDocs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from retroblog.charts.user import DEFAULT_TIMEOUT
from retroblog.data.dataset import DatasetRegistry
from retroblog.data.schema import DEFAULT_EDGES, check_edges, check_timezone
from retroblog.errors import ConfigError
from retroblog.util.words import ENGLISH, check_language

KEYS = ("data_dir", "timezone", "datasets", "size_buckets", "language", "chart_timeout", "fact_check")

MAX_CHART_TIMEOUT = 3600
"""The longest ``chart_timeout`` (seconds) a site may set."""


@dataclass
class Settings:
    """Everything the core needs to know about a site."""

    root: Path
    """The folder of ``mkdocs.yml`` (or the current folder); relative paths resolve against it."""
    data_dir: Path
    timezone: str = "UTC"
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    size_buckets: tuple[int, ...] = DEFAULT_EDGES
    language: str = ENGLISH
    """The language of dates and numbers in prose (``April 2016``): the MkDocs plugin takes Material's
    ``theme.language``, the Markdown extension its ``language`` option."""
    chart_timeout: float = DEFAULT_TIMEOUT
    """Seconds a user's chart function (``altair:``) may run before it is stopped and its block fails."""
    fact_check: bool = False
    """Check the numbers each page's prose states about its data while building: a false one is a warning."""
    _registry: DatasetRegistry | None = field(default=None, repr=False)

    @classmethod
    def from_options(cls, options: Mapping[str, Any], root: str | Path = ".") -> Settings:
        """Validate user options (plugin or extension config); raise ``ConfigError`` naming the key."""
        root = Path(root).resolve()
        data_dir = options.get("data_dir") or "data"
        if not isinstance(data_dir, str | Path):
            raise ConfigError(f"retroblog: 'data_dir' must be a folder path, got {data_dir!r}")
        timezone = options.get("timezone") or "UTC"
        if not isinstance(timezone, str):
            raise ConfigError(f"retroblog: 'timezone' must be a name such as Europe/Berlin, got {timezone!r}")
        try:
            check_timezone(timezone)
        except Exception as exc:
            raise ConfigError(f"retroblog: {exc}") from None
        datasets = options.get("datasets") or {}
        if not isinstance(datasets, Mapping) or not all(isinstance(v, Mapping) for v in datasets.values()):
            raise ConfigError(
                "retroblog: 'datasets' must map dataset names to settings, e.g. {work: {timezone: Europe/Berlin}}"
            )
        edges = options.get("size_buckets") or DEFAULT_EDGES
        if not isinstance(edges, list | tuple):
            raise ConfigError(f"retroblog: 'size_buckets' must be a list such as [10, 100, 500, 1000], got {edges!r}")
        timeout = options.get("chart_timeout")
        timeout = DEFAULT_TIMEOUT if timeout is None or timeout == "" else timeout
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= MAX_CHART_TIMEOUT:
            raise ConfigError(
                f"retroblog: 'chart_timeout' must be a number of seconds above 0 and at most {MAX_CHART_TIMEOUT}, "
                f"got {timeout!r}"
            )
        fact_check = options.get("fact_check")
        fact_check = False if fact_check is None or fact_check == "" else fact_check
        if not isinstance(fact_check, bool):
            raise ConfigError(f"retroblog: 'fact_check' must be true or false, got {fact_check!r}")
        return cls(
            root=root,
            data_dir=(root / data_dir).resolve(),
            timezone=timezone,
            datasets={str(k): dict(v) for k, v in datasets.items()},
            size_buckets=check_edges(edges),
            language=check_language(options.get("language") or ENGLISH),
            chart_timeout=float(timeout),
            fact_check=fact_check,
        )

    @property
    def registry(self) -> DatasetRegistry:
        """The site's datasets, loaded on demand and cached across rebuilds."""
        if self._registry is None:
            self._registry = DatasetRegistry(self.data_dir, self.timezone, self.datasets)
        return self._registry


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml: tags such as ``!!python/name:`` or ``!ENV`` become None instead of errors."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)
_TolerantLoader.add_multi_constructor("!", _ignore_tag)


def read_site_config(config_file: str | Path = "mkdocs.yml") -> dict[str, Any]:
    """``config_file`` (a site's ``mkdocs.yml``) as a mapping, its tags (``!ENV``...) read as plain values."""
    path = Path(config_file)
    try:
        config = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_TolerantLoader) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise ConfigError(f"{path}:{line}: invalid YAML: {exc.problem}") from None
    return config if isinstance(config, dict) else {}


def read_site_settings(config_file: str | Path = "mkdocs.yml") -> Settings:
    """The settings of the ``retroblog`` plugin entry in ``config_file`` (defaults if it has none)."""
    path = Path(config_file)
    config = read_site_config(path)
    options: Mapping[str, Any] = {}
    for entry in config.get("plugins") or []:
        if isinstance(entry, Mapping) and "retroblog" in entry:
            options = entry["retroblog"] or {}
        elif entry == "retroblog":
            options = {}
    if isinstance(config.get("plugins"), Mapping):
        options = config["plugins"].get("retroblog") or {}
    # A site built by MkDocs and Zensical gives its options to the extension under markdown_extensions.
    extensions = config.get("markdown_extensions") or []
    for entry in [extensions] if isinstance(extensions, Mapping) else extensions:
        for name, given in entry.items() if isinstance(entry, Mapping) else []:
            if name in ("retroblog", "retroblog.markdown") and isinstance(given, Mapping):
                options = {key: value for key, value in given.items() if key in KEYS}
    return Settings.from_options(options, path.parent)

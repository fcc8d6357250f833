"""Build a test site in this process, as ``mkdocs build`` would, with its own caches and a fixed date.

Every test that builds a site goes through :func:`build_site` (or the ``build_site`` fixture of
``tests/conftest.py``, which puts the caches under the test's ``tmp_path``): ``load_config`` then
MkDocs' ``build``, between the plugins' ``on_startup`` and ``on_shutdown``, as the ``mkdocs build``
command runs them. Nothing outlives a build: the ``mkdocs`` logger's level and handlers, the
environment, the working directory and the modules a build imports from the site's folder (hooks,
``charts.py``) are as they were before it; plugins are new objects each time (MkDocs would hand out
the previous build's again, as ``mkdocs serve`` needs). No build reads or writes a cache in this
checkout: each plugin's ``cache_dir`` (retroblog's, mkdocs-rss-plugin's, mkdocs-material's social,
privacy, optimize and projects) goes under the build's ``cache_dir``.

A subprocess build stays only where a test is about the command line or the process itself (``make
deploy``, ``zensical build``, a fresh process's imports).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mkdocs.commands.build import build
from mkdocs.commands.build import log as build_log
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.utils import DuplicateFilter

REPO = Path(__file__).resolve().parents[1]

_PLUGINS: Any = dict(MkDocsConfig._schema)["plugins"]
"""The ``plugins`` option of every MkDocs config: one object per process, which keeps each plugin that
has ``on_startup`` or ``on_shutdown`` for the next ``load_config`` (how ``mkdocs serve`` keeps them
across rebuilds); a build would get the previous build's plugin objects, with their state."""

BUILD_ENV: Mapping[str, str | None] = {
    "SOURCE_DATE_EPOCH": "1700000000",  # feeds and sitemap dates: the same bytes on every build
    "NO_MKDOCS_2_WARNING": "1",  # mkdocs-material's banner about MkDocs 2
    "SITE_URL": None,  # the example site's !ENV: the address in mkdocs.yml, not the shell's
}
"""The environment of every test build (``None``: unset), on top of the test process's own."""


@dataclass
class SiteBuild:
    """What one build did: its log records, whether it finished, and where it wrote."""

    site_dir: Path
    cache_dir: Path
    records: list[logging.LogRecord] = field(default_factory=list)
    """The ``mkdocs`` logger's records from INFO up (what ``mkdocs build`` prints), in order."""
    abort: str | None = None
    """Why the build stopped, as MkDocs says it (``Aborted with 2 warnings in strict mode!``,
    ``Aborted with a BuildError!``, a configuration error), or the traceback of an unexpected error;
    ``None`` when it finished."""
    caches: dict[str, Path] = field(default_factory=dict)
    """The cache folder each plugin was given, by the plugin's name in ``mkdocs.yml``."""
    plugins: dict[str, object] = field(default_factory=dict)
    """The build's plugin objects, by name (each build has its own)."""

    @property
    def returncode(self) -> int:
        """The exit status ``mkdocs build`` would have had: 0 when the build finished, else 1."""
        return 0 if self.abort is None else 1

    @property
    def stderr(self) -> str:
        """The log as ``mkdocs build`` prints it on stderr (``WARNING -  message``, one record a line)."""
        return "".join(f"{_format(record)}\n" for record in self.records)

    @property
    def stdout(self) -> str:
        """What ``mkdocs build`` prints on stdout: the abort message, if the build stopped."""
        return "" if self.abort is None else f"\n{self.abort}\n"

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def messages(self, level: int = logging.WARNING) -> list[str]:
        """The messages of the records at ``level`` or above."""
        return [record.getMessage() for record in self.records if record.levelno >= level]

    def assert_clean(self) -> SiteBuild:
        """The build finished and logged no warning; returns the build."""
        assert self.returncode == 0, self.output[-3000:]
        assert self.messages() == [] and "WARNING" not in self.output, self.output[-3000:]
        return self


def _format(record: logging.LogRecord) -> str:
    message = logging.Formatter().format(record)  # the message, and a traceback if the record has one
    return f"{record.levelname:<8}-  {message}"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def build_site(
    config: Path,
    *,
    site_dir: Path | None = None,
    strict: bool = True,
    cache_dir: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    command: Literal["build", "serve"] = "build",
) -> SiteBuild:
    """Build the site of ``config`` (its ``mkdocs.yml``, or the folder holding it) in this process.

    ``site_dir`` defaults to ``site/`` beside mkdocs.yml, ``cache_dir`` to ``.cache/`` there; neither
    may be in this checkout. ``strict`` is ``--strict``: any warning aborts the build. ``env`` is set
    (``None``: unset) over :data:`BUILD_ENV` for the build. Never raises for a failed build: the
    result says how it ended."""
    config_file = (config / "mkdocs.yml" if config.is_dir() else config).resolve()
    root = config_file.parent
    site = (site_dir or root / "site").resolve()
    cache = (cache_dir or root / ".cache").resolve()
    for what, path in (("site_dir", site), ("cache_dir", cache)):
        assert not path.is_relative_to(REPO), f"a test build's {what} is in the checkout: {path}"
    result = SiteBuild(site_dir=site, cache_dir=cache)
    with _isolated(root, {**BUILD_ENV, **(env or {})}) as records:
        _PLUGINS.plugin_cache.clear()  # else load_config hands out the last build's plugin objects again
        try:
            loaded = load_config(config_file=str(config_file), site_dir=str(site), strict=strict)
        except Abort as exc:
            result.abort = exc.format_message()
        except ConfigurationError as exc:
            result.abort = f"Error: {exc.format_message()}"
        else:
            result.caches = _own_caches(loaded, cache)
            result.plugins = dict(loaded.plugins.items())
            loaded.plugins.on_startup(command=command, dirty=False)  # "serve": plugins act as in a preview
            try:
                build(loaded)
            except Abort as exc:  # (a SystemExit: never let it reach pytest)
                result.abort = exc.format_message()
            except Exception:  # as `mkdocs build` ends on an unexpected error: with its traceback
                result.abort = traceback.format_exc()
            finally:
                with contextlib.suppress(FileNotFoundError):  # the blog's temp folder, when the build stopped early
                    loaded.plugins.on_shutdown()
                _PLUGINS.plugin_cache.clear()
        result.records = records
    return result


def _own_caches(config: MkDocsConfig, cache: Path) -> dict[str, Path]:
    """Point each plugin's ``cache_dir`` that has its default value under ``cache`` (keeping the
    default's path below ``.cache/``); the folders given, by plugin name. An explicit value is kept,
    unless it is in this checkout."""
    given: dict[str, Path] = {}
    for name, plugin in config.plugins.items():
        options = dict(getattr(plugin, "config_scheme", ()))  # (hooks are plugins too: modules, no options)
        if "cache_dir" not in options:
            continue
        default = Path(str(options["cache_dir"].default))
        if str(plugin.config["cache_dir"]) == str(default):
            below = default.parts[default.parts.index(".cache") + 1 :] if ".cache" in default.parts else (name,)
            plugin.config["cache_dir"] = str(cache.joinpath(*below))
        folder = (Path(config.config_file_path).parent / plugin.config["cache_dir"]).resolve()
        assert not folder.is_relative_to(REPO), f"plugin {name!r} would cache in the checkout: {folder}"
        given[name] = folder
    return given


@contextlib.contextmanager
def _isolated(root: Path, env: Mapping[str, str | None]) -> Iterator[list[logging.LogRecord]]:
    """Run a build in ``root`` with ``env``, collecting the ``mkdocs`` logger's records; afterwards the
    environment, the working directory, the logger and ``sys.modules`` are as they were."""
    logger = logging.getLogger("mkdocs")
    handler = _Records()
    duplicates = DuplicateFilter()  # as `mkdocs build` has it: a repeated message is logged once
    saved_env = {name: os.environ.get(name) for name in env}
    saved_level, saved_cwd, saved_modules = logger.level, Path.cwd(), set(sys.modules)
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    build_log.addFilter(duplicates)
    os.chdir(root)  # as `mkdocs build` run in the site's folder: plugins' relative paths are from there
    try:
        yield handler.records
    finally:
        os.chdir(saved_cwd)
        build_log.removeFilter(duplicates)
        logger.removeHandler(handler)
        logger.setLevel(saved_level)
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for name in set(sys.modules) - saved_modules:  # the site's hooks and chart modules
            file = getattr(sys.modules[name], "__file__", None)
            if file and _site_module(Path(file).resolve(), root):
                del sys.modules[name]


def _site_module(file: Path, root: Path) -> bool:
    """Whether a module a build imported is the site's own (a hook, ``charts.py``), not a library's or
    retroblog's (which are under the example site's folder too, the checkout)."""
    shared = (Path(sys.prefix).resolve(), REPO / "retroblog", REPO / "tests")
    return file.is_relative_to(root) and not any(file.is_relative_to(folder) for folder in shared)
